package api

import (
	"net/http"
	"time"

	"guli"
	"guli/web/core"
)

// measurementBody is a health check as clients send it.
type measurementBody struct {
	UserID    core.WireID `json:"user_id"`
	Kind      string      `json:"kind"`
	Systolic  *int        `json:"systolic"`
	Diastolic *int        `json:"diastolic"`
	Pulse     *int        `json:"pulse"`
	Celsius   *float64    `json:"celsius"`
	TakenAt   string      `json:"taken_at"`
	StationID core.WireID `json:"station_id"`
}

// measurementView is a health check; the readings its kind has not are left out.
type measurementView struct {
	ID         core.WireID `json:"id"`
	UserID     core.WireID `json:"user_id"`
	Kind       string      `json:"kind"`
	Systolic   *int        `json:"systolic,omitempty"`
	Diastolic  *int        `json:"diastolic,omitempty"`
	Pulse      *int        `json:"pulse,omitempty"`
	Celsius    *float64    `json:"celsius,omitempty"`
	RecordedBy core.WireID `json:"recorded_by"`
	StationID  core.WireID `json:"station_id"`
	CreatedAt  time.Time   `json:"created_at"`
}

func viewMeasurement(m *guli.Measurement) measurementView {
	return measurementView{ID: core.WireID(m.ID), UserID: core.WireID(m.UserID), Kind: m.Kind, Systolic: m.Systolic,
		Diastolic: m.Diastolic, Pulse: m.Pulse, Celsius: m.Celsius, RecordedBy: core.WireID(m.RecordedBy),
		StationID: core.WireID(m.StationID), CreatedAt: m.CreatedAt}
}

func (h *Handlers) RecordMeasurement(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var b measurementBody
	if err := decode(r, &b); err != nil {
		return 0, nil, err
	}
	p := guli.Problems{}
	in := guli.MeasurementInput{UserID: guli.ID(b.UserID), Kind: b.Kind, Systolic: b.Systolic, Diastolic: b.Diastolic, Pulse: b.Pulse,
		Celsius: b.Celsius, TakenAt: wireTime(p, "taken_at", b.TakenAt), StationID: guli.ID(b.StationID)}
	if len(p) > 0 {
		_, err := in.Validate(h.TimeNow())
		return 0, nil, withWireProblems(p, err)
	}
	m, err := h.Health.RecordMeasurement(r.Context(), in)
	return created(view(m, err, viewMeasurement))
}

func (h *Handlers) ListMeasurements(w http.ResponseWriter, r *http.Request) (int, any, error) {
	opts, err := listOptions(r)
	if err != nil {
		return 0, nil, err
	}
	page, err := h.Health.Measurements(r.Context(), core.PathID(r, "id"), opts)
	return listOf(page, err, viewMeasurement)
}
