package guli

import (
	"context"
	"slices"
	"time"
)

// Purposes of a visit to the station.
var VisitPurposes = []string{"activity", "health_check", "consultation", "smartphone_help", "other"}

// Visit counts people who came to the station: walk-ins counted at the desk
// (named or not) and residents who checked in with the door's QR code.
type Visit struct {
	ID         ID
	StationID  ID
	UserID     ID
	Count      int
	Purpose    string
	Day        Date
	Source     string // VisitAtDesk or VisitCheckin
	RecordedBy ID     // the staff member who counted it at the desk; 0 for a check-in
	CreatedAt  time.Time
}

// Where a visit was counted.
const (
	VisitAtDesk  = "desk"
	VisitCheckin = "checkin"
)

// VisitInput records walk-in visitors.
type VisitInput struct {
	Count   *int
	UserID  ID
	Purpose string
}

// Validate checks the input and fills the defaults: one visitor, "other".
func (in *VisitInput) Validate() error {
	p := Problems{}
	if in.Count == nil {
		one := 1
		in.Count = &one
	}
	if *in.Count < 1 || *in.Count > 500 {
		p.Add("count", FROutOfRange)
	}
	if in.Purpose == "" {
		in.Purpose = "other"
	} else if !slices.Contains(VisitPurposes, in.Purpose) {
		p.Add("purpose", FRInvalid)
	}
	if in.UserID != 0 && *in.Count != 1 {
		p.Add("count", FROutOfRange) // a named visit is one person
	}
	return p.Err()
}

// Validate checks a visit as the desk or the door counts it, for visits
// brought in afterwards (a season's paper tally): a day, a purpose, one
// to 500 people, one when named; the desk's counted by a staff member, a
// check-in by the resident who checked in.
func (v *Visit) Validate() error {
	p := Problems{}
	if v.StationID == 0 {
		p.Add("station_id", FRRequired)
	}
	if _, ok := ParseDate(string(v.Day)); !ok {
		p.Add("day", FRDate)
	}
	if !slices.Contains(VisitPurposes, v.Purpose) {
		p.Add("purpose", FRInvalid)
	}
	if v.Count < 1 || v.Count > 500 || v.UserID != 0 && v.Count != 1 {
		p.Add("count", FROutOfRange)
	}
	switch v.Source {
	case VisitAtDesk:
		if v.RecordedBy == 0 {
			p.Add("recorded_by", FRRequired)
		}
	case VisitCheckin:
		if v.UserID == 0 {
			p.Add("user_id", FRRequired)
		}
		if v.RecordedBy != 0 {
			p.Add("recorded_by", FRInvalid)
		}
	default:
		p.Add("source", FRInvalid)
	}
	if !PlausibleTime(v.CreatedAt) {
		p.Add("created_at", FRTime)
	}
	return p.Err()
}

// CheckinCode is the station's code of the day: six digits to type, and a
// long token that the door's QR code carries, which nobody can guess.
type CheckinCode struct {
	Code      string
	Token     string
	ExpiresAt time.Time
}

// VisitTally is the day's count at the desk, by purpose.
type VisitTally struct {
	Day       Date
	Total     int
	ByPurpose map[string]int
}

// VisitService counts visits and runs the door check-in.
type VisitService interface {
	RecordVisit(ctx context.Context, stationID ID, in VisitInput) (*Visit, error)
	CheckinCode(ctx context.Context, stationID ID) (*CheckinCode, error)
	// CheckIn records a visit of the acting user with the code of the day;
	// a second check-in on one day returns the first.
	CheckIn(ctx context.Context, stationID ID, code string) (*Visit, error)
	Tally(ctx context.Context, stationID ID, day Date) (*VisitTally, error)
}
