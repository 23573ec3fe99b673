package guli

import (
	"context"
	"math"
	"time"
)

// Kinds of health measurement taken at the station.
const (
	BloodPressure = "blood_pressure"
	Temperature   = "temperature"
)

// Range is a span of readings, low to high.
type Range struct{ Low, High float64 }

// Contains reports whether v lies in the range, both ends included.
func (r Range) Contains(v float64) bool { return v >= r.Low && v <= r.High }

// The normal ranges a trend chart shades: systolic blood pressure in mmHg,
// body temperature in °C, as a station's nurse would read them.
var (
	NormalSystolic    = Range{Low: 90, High: 140}
	NormalTemperature = Range{Low: 36.0, High: 37.3}
)

// Measurement is one health check. Only the person and staff see it.
type Measurement struct {
	ID         ID
	UserID     ID
	Kind       string
	Systolic   *int
	Diastolic  *int
	Pulse      *int
	Celsius    *float64
	RecordedBy ID
	StationID  ID
	CreatedAt  time.Time
}

// SeesHealthHistory reports whether viewer may read all of person's health
// checks: the person, an admin, and staff of the person's own station
// (home, their area's). Staff of another station see only the checks taken
// at their stations.
func SeesHealthHistory(viewer, person *User, home ID) bool {
	switch {
	case viewer == nil || person == nil:
		return false
	case viewer.ID == person.ID || viewer.IsAdmin():
		return true
	}
	return home != 0 && viewer.WorksAt(home)
}

// MeasurementInput records a health check.
type MeasurementInput struct {
	UserID    ID
	Kind      string
	Systolic  *int
	Diastolic *int
	Pulse     *int
	Celsius   *float64
	// TakenAt is when a reading from the paper log was taken; zero: now.
	TakenAt time.Time
	// StationID is where it was taken: one of the staff member's stations;
	// 0 for their only one.
	StationID ID
}

// Validate checks the readings are plausible for a living person: systolic
// 50–260, diastolic 30–200 and below systolic, pulse 30–220, 34.0–43.0 °C.
func (in *MeasurementInput) Validate(now time.Time) (takenAt time.Time, err error) {
	p := Problems{}
	takenAt = now
	if t := in.TakenAt; !t.IsZero() {
		if t.After(now) || t.Before(now.AddDate(-1, 0, 0)) {
			p.Add("taken_at", FROutOfRange)
		} else {
			takenAt = t
		}
	}
	if in.UserID == 0 {
		p.Add("user_id", FRRequired)
	}
	within := func(field string, v *int, lo, hi int) {
		switch {
		case v == nil:
			p.Add(field, FRRequired)
		case *v < lo || *v > hi:
			p.Add(field, FROutOfRange)
		}
	}
	switch in.Kind {
	case BloodPressure:
		within("systolic", in.Systolic, 50, 260)
		within("diastolic", in.Diastolic, 30, 200)
		if in.Pulse != nil {
			within("pulse", in.Pulse, 30, 220)
		}
		if in.Systolic != nil && in.Diastolic != nil && *in.Diastolic >= *in.Systolic {
			p.Add("diastolic", FROutOfRange)
		}
		in.Celsius = nil
	case Temperature:
		switch {
		case in.Celsius == nil:
			p.Add("celsius", FRRequired)
		case math.IsNaN(*in.Celsius) || *in.Celsius < 34.0 || *in.Celsius > 43.0:
			p.Add("celsius", FROutOfRange)
		default:
			c := math.Round(*in.Celsius*10) / 10
			in.Celsius = &c
		}
		in.Systolic, in.Diastolic, in.Pulse = nil, nil, nil
	case "":
		p.Add("kind", FRRequired)
	default:
		p.Add("kind", FRInvalid)
	}
	return takenAt, p.Err()
}

// HealthService keeps health checks: staff record them; the person and staff
// read them, and staff reads are audited.
type HealthService interface {
	RecordMeasurement(ctx context.Context, in MeasurementInput) (*Measurement, error)
	// Measurements lists a person's checks, newest first. Anyone but the
	// person and staff gets not_found, as if there were none.
	Measurements(ctx context.Context, userID ID, opts ListOptions) (Page[*Measurement], error)
}
