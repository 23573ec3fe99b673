package web

import (
	"guli/web/core"
	"net/http"

	"guli"
)

// stationView is a station in lists; stationDetail adds its areas and rooms.
type stationView struct {
	ID           guli.ID           `json:"id"`
	Name         string            `json:"name"`
	Address      string            `json:"address"`
	Timezone     string            `json:"timezone"`
	OpeningHours guli.OpeningHours `json:"opening_hours"`
	OpenedOn     guli.Date         `json:"opened_on"`
	BookingRules guli.BookingRules `json:"booking_rules"`
}

type stationDetail struct {
	stationView
	Areas []*guli.Area `json:"areas"`
	Rooms []*guli.Room `json:"rooms"`
}

func viewStation(st *guli.Station) stationView {
	return stationView{ID: st.ID, Name: st.Name, Address: st.Address, Timezone: st.Timezone,
		OpeningHours: st.OpeningHours, OpenedOn: st.OpenedOn, BookingRules: st.BookingRules}
}

func viewStationDetail(st *guli.Station) stationDetail {
	d := stationDetail{stationView: viewStation(st), Areas: st.Areas, Rooms: st.Rooms}
	if d.Areas == nil {
		d.Areas = []*guli.Area{}
	}
	if d.Rooms == nil {
		d.Rooms = []*guli.Room{}
	}
	return d
}

func (s *Server) apiCreateStation(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var in guli.StationInput
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	st, err := s.Stations.CreateStation(r.Context(), in)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, viewStationDetail(st), nil
}

func (s *Server) apiStations(w http.ResponseWriter, r *http.Request) (int, any, error) {
	opts, err := listOptions(r)
	if err != nil {
		return 0, nil, err
	}
	page, err := s.Stations.Stations(r.Context(), opts)
	return listOf(page, err, viewStation)
}

func (s *Server) apiStation(w http.ResponseWriter, r *http.Request) (int, any, error) {
	st, err := s.Stations.Station(r.Context(), core.PathID(r, "id"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, viewStationDetail(st), nil
}

func (s *Server) apiSetOpeningHours(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var body struct {
		OpeningHours map[string][]string `json:"opening_hours"`
	}
	if err := decode(r, &body); err != nil {
		return 0, nil, err
	}
	st, err := s.Stations.SetOpeningHours(r.Context(), core.PathID(r, "id"), body.OpeningHours)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, viewStationDetail(st), nil
}

func (s *Server) apiCreateArea(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var in guli.AreaInput
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	return created(s.Stations.CreateArea(r.Context(), core.PathID(r, "id"), in))
}

func (s *Server) apiAreas(w http.ResponseWriter, r *http.Request) (int, any, error) {
	opts, err := listOptions(r)
	if err != nil {
		return 0, nil, err
	}
	page, err := s.Stations.Areas(r.Context(), opts)
	return listOf(page, err, func(a *guli.Area) *guli.Area { return a })
}

func (s *Server) apiCreateRoom(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var in guli.RoomInput
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	return created(s.Stations.CreateRoom(r.Context(), core.PathID(r, "id"), in))
}

// apiSetBookingRules changes how residents may book the station's rooms.
// Every rule must be given: a rule left out is refused rather than zeroed.
func (s *Server) apiSetBookingRules(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var body struct {
		MaxDaysAhead      *int `json:"max_days_ahead"`
		MaxMinutes        *int `json:"max_minutes"`
		MaxFutureBookings *int `json:"max_future_bookings"`
	}
	if err := decode(r, &body); err != nil {
		return 0, nil, err
	}
	p := guli.Problems{}
	rules := guli.BookingRules{}
	for _, f := range []struct {
		name string
		v    *int
		dst  *int
	}{{"max_days_ahead", body.MaxDaysAhead, &rules.MaxDaysAhead}, {"max_minutes", body.MaxMinutes, &rules.MaxMinutes},
		{"max_future_bookings", body.MaxFutureBookings, &rules.MaxFutureBookings}} {
		if f.v == nil {
			p.Add(f.name, guli.FRRequired)
		} else {
			*f.dst = *f.v
		}
	}
	if err := p.Err(); err != nil {
		return 0, nil, err
	}
	st, err := s.Stations.SetBookingRules(r.Context(), core.PathID(r, "id"), rules)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, viewStationDetail(st), nil
}
