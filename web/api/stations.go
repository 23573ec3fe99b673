package api

import (
	"net/http"

	"guli"
	"guli/web/core"
)

// stationView is a station in lists; stationDetail adds its areas and rooms.
type stationView struct {
	ID           core.WireID         `json:"id"`
	Name         string              `json:"name"`
	Address      string              `json:"address"`
	Timezone     string              `json:"timezone"`
	OpeningHours map[string][]string `json:"opening_hours"`
	OpenedOn     guli.Date           `json:"opened_on"`
	BookingRules bookingRulesView    `json:"booking_rules"`
}

type bookingRulesView struct {
	MaxDaysAhead      int `json:"max_days_ahead"`
	MaxMinutes        int `json:"max_minutes"`
	MaxFutureBookings int `json:"max_future_bookings"`
}

type stationDetail struct {
	stationView
	Areas []areaView `json:"areas"`
	Rooms []roomView `json:"rooms"`
}

type areaView struct {
	ID        core.WireID `json:"id"`
	Name      string      `json:"name"`
	Committee string      `json:"committee"`
	StationID core.WireID `json:"station_id"`
}

type roomView struct {
	ID        core.WireID `json:"id"`
	StationID core.WireID `json:"station_id"`
	Name      string      `json:"name"`
	Capacity  int         `json:"capacity"`
}

func viewStation(st *guli.Station) stationView {
	br := st.BookingRules
	return stationView{ID: core.WireID(st.ID), Name: st.Name, Address: st.Address, Timezone: st.Timezone,
		OpeningHours: st.OpeningHours.Map(), OpenedOn: st.OpenedOn,
		BookingRules: bookingRulesView{MaxDaysAhead: br.MaxDaysAhead, MaxMinutes: br.MaxMinutes, MaxFutureBookings: br.MaxFutureBookings}}
}

func viewStationDetail(st *guli.Station) stationDetail {
	d := stationDetail{stationView: viewStation(st), Areas: make([]areaView, len(st.Areas)), Rooms: make([]roomView, len(st.Rooms))}
	for i, a := range st.Areas {
		d.Areas[i] = viewArea(a)
	}
	for i, rm := range st.Rooms {
		d.Rooms[i] = viewRoom(rm)
	}
	return d
}

func viewArea(a *guli.Area) areaView {
	return areaView{ID: core.WireID(a.ID), Name: a.Name, Committee: a.Committee, StationID: core.WireID(a.StationID)}
}

func viewRoom(rm *guli.Room) roomView {
	return roomView{ID: core.WireID(rm.ID), StationID: core.WireID(rm.StationID), Name: rm.Name, Capacity: rm.Capacity}
}

// stationBody is a new station as clients send it.
type stationBody struct {
	Name         string              `json:"name"`
	Address      string              `json:"address"`
	Timezone     string              `json:"timezone"`
	OpeningHours map[string][]string `json:"opening_hours"`
	OpenedOn     string              `json:"opened_on"`
}

// areaBody is a new area as clients send it.
type areaBody struct {
	Name      string `json:"name"`
	Committee string `json:"committee"`
}

// roomBody is a new room as clients send it.
type roomBody struct {
	Name     string `json:"name"`
	Capacity int    `json:"capacity"`
}

func (h *Handlers) CreateStation(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var b stationBody
	if err := decode(r, &b); err != nil {
		return 0, nil, err
	}
	in := guli.StationInput{Name: b.Name, Address: b.Address, Timezone: b.Timezone, OpeningHours: b.OpeningHours, OpenedOn: b.OpenedOn}
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
	var b areaBody
	if err := decode(r, &b); err != nil {
		return 0, nil, err
	}
	a, err := h.Stations.CreateArea(r.Context(), core.PathID(r, "id"), guli.AreaInput{Name: b.Name, Committee: b.Committee})
	return created(view(a, err, viewArea))
}

func (h *Handlers) ListAreas(w http.ResponseWriter, r *http.Request) (int, any, error) {
	opts, err := listOptions(r)
	if err != nil {
		return 0, nil, err
	}
	page, err := h.Stations.Areas(r.Context(), opts)
	return listOf(page, err, viewArea)
}

func (h *Handlers) CreateRoom(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var b roomBody
	if err := decode(r, &b); err != nil {
		return 0, nil, err
	}
	rm, err := h.Stations.CreateRoom(r.Context(), core.PathID(r, "id"), guli.RoomInput{Name: b.Name, Capacity: b.Capacity})
	return created(view(rm, err, viewRoom))
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
