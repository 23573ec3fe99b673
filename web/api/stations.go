package api

import (
	"net/http"

	"guli"
	"guli/web/core"
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

func (h *Handlers) CreateStation(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var in guli.StationInput
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	st, err := h.Stations.CreateStation(r.Context(), in)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, viewStationDetail(st), nil
}

func (h *Handlers) ListStations(w http.ResponseWriter, r *http.Request) (int, any, error) {
	opts, err := listOptions(r)
	if err != nil {
		return 0, nil, err
	}
	page, err := h.Stations.Stations(r.Context(), opts)
	return listOf(page, err, viewStation)
}

func (h *Handlers) Station(w http.ResponseWriter, r *http.Request) (int, any, error) {
	st, err := h.Stations.Station(r.Context(), core.PathID(r, "id"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, viewStationDetail(st), nil
}

func (h *Handlers) SetOpeningHours(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var body struct {
		OpeningHours map[string][]string `json:"opening_hours"`
	}
	if err := decode(r, &body); err != nil {
		return 0, nil, err
	}
	st, err := h.Stations.SetOpeningHours(r.Context(), core.PathID(r, "id"), body.OpeningHours)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, viewStationDetail(st), nil
}

func (h *Handlers) CreateArea(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var in guli.AreaInput
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	return created(h.Stations.CreateArea(r.Context(), core.PathID(r, "id"), in))
}

func (h *Handlers) ListAreas(w http.ResponseWriter, r *http.Request) (int, any, error) {
	opts, err := listOptions(r)
	if err != nil {
		return 0, nil, err
	}
	page, err := h.Stations.Areas(r.Context(), opts)
	return listOf(page, err, func(a *guli.Area) *guli.Area { return a })
}

func (h *Handlers) CreateRoom(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var in guli.RoomInput
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	return created(h.Stations.CreateRoom(r.Context(), core.PathID(r, "id"), in))
}

// SetBookingRules changes how residents may book the station's rooms.
// Every rule must be given: a rule left out is refused rather than zeroed.
func (h *Handlers) SetBookingRules(w http.ResponseWriter, r *http.Request) (int, any, error) {
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
	st, err := h.Stations.SetBookingRules(r.Context(), core.PathID(r, "id"), rules)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, viewStationDetail(st), nil
}
