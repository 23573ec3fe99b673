package api

import (
	"net/http"

	"guli"
	"guli/web/core"
)

// measurementBody is a health check as clients send it.
type measurementBody struct {
	UserID    guli.ID  `json:"user_id"`
	Kind      string   `json:"kind"`
	Systolic  *int     `json:"systolic"`
	Diastolic *int     `json:"diastolic"`
	Pulse     *int     `json:"pulse"`
	Celsius   *float64 `json:"celsius"`
	TakenAt   string   `json:"taken_at"`
	StationID guli.ID  `json:"station_id"`
}

func (h *Handlers) RecordMeasurement(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var b measurementBody
	if err := decode(r, &b); err != nil {
		return 0, nil, err
	}
	p := guli.Problems{}
	in := guli.MeasurementInput{UserID: b.UserID, Kind: b.Kind, Systolic: b.Systolic, Diastolic: b.Diastolic, Pulse: b.Pulse,
		Celsius: b.Celsius, TakenAt: wireTime(p, "taken_at", b.TakenAt), StationID: b.StationID}
	if len(p) > 0 {
		_, err := in.Validate(h.TimeNow())
		return 0, nil, withWireProblems(p, err)
	}
	return created(h.Health.RecordMeasurement(r.Context(), in))
}

func (h *Handlers) ListMeasurements(w http.ResponseWriter, r *http.Request) (int, any, error) {
	opts, err := listOptions(r)
	if err != nil {
		return 0, nil, err
	}
	page, err := h.Health.Measurements(r.Context(), core.PathID(r, "id"), opts)
	return listOf(page, err, func(m *guli.Measurement) *guli.Measurement { return m })
}
