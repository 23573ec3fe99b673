package web

import (
	"net/http"

	"guli"
)

func (s *Server) apiRecordMeasurement(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var in guli.MeasurementInput
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	return created(s.Health.RecordMeasurement(r.Context(), in))
}

func (s *Server) apiMeasurements(w http.ResponseWriter, r *http.Request) (int, any, error) {
	opts, err := listOptions(r)
	if err != nil {
		return 0, nil, err
	}
	page, err := s.Health.Measurements(r.Context(), pathID(r, "id"), opts)
	return listOf(page, err, func(m *guli.Measurement) *guli.Measurement { return m })
}
