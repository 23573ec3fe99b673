package web

import (
	"net/http"
	"strings"
	"time"

	"guli"
	"guli/ical"
)

// calendarHorizon is how far ahead the feeds reach.
const calendarHorizon = 120 * 24 * time.Hour

// event turns an activity of the named station into a calendar event.
func (s *Server) event(r *http.Request, a *guli.Activity, station string) ical.Event {
	return ical.Event{
		UID:         "activity-" + a.ID.String() + "@guli",
		Start:       a.Start,
		End:         a.End,
		Summary:     a.Title,
		Description: a.Description,
		Location:    strings.TrimSpace(station + " " + a.RoomName),
		URL:         s.baseURL(r) + "/activities/" + a.ID.String(),
		Cancelled:   a.Status == guli.ActivityCancelled,
	}
}

func writeCalendar(w http.ResponseWriter, cal ical.Calendar) {
	w.Header().Set("Content-Type", ical.ContentType)
	w.Header().Set("Cache-Control", "private, max-age=300")
	ical.Write(w, cal, time.Now())
}

// stationCalendar is the public feed of a station's upcoming activities.
func (s *Server) stationCalendar(w http.ResponseWriter, r *http.Request) {
	id := guli.ParseID(r.URL.Query().Get("station_id"))
	if r.URL.Query().Get("station_id") == "" {
		s.writeError(w, r, http.StatusUnprocessableEntity, &guli.Error{Code: guli.ECValidation, Fields: map[string]string{"station_id": guli.FRRequired}})
		return
	}
	st, err := s.Stations.Station(r.Context(), id)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	now := time.Now()
	cal := ical.Calendar{Name: st.Name, Timezone: st.Timezone}
	opts := guli.ListOptions{Limit: guli.MaxLimit}
	for range 10 { // at most 2,000 events
		page, err := s.Activities.Activities(r.Context(), guli.ActivityFilter{StationID: id, From: now.Add(-24 * time.Hour), To: now.Add(calendarHorizon)}, opts)
		if err != nil {
			s.apiError(w, r, err)
			return
		}
		for _, a := range page.Items {
			cal.Events = append(cal.Events, s.event(r, a, st.Name))
		}
		if page.NextCursor == "" {
			break
		}
		opts.Cursor = page.NextCursor
	}
	writeCalendar(w, cal)
}

// personalCalendar is a person's own registrations, behind the unguessable
// token in its address: calendar apps cannot sign in.
func (s *Server) personalCalendar(w http.ResponseWriter, r *http.Request) {
	token, ok := strings.CutSuffix(r.PathValue("file"), ".ics")
	if !ok {
		s.renderError(w, r, http.StatusNotFound)
		return
	}
	u, err := s.Accounts.UserByCalendarToken(r.Context(), token)
	if err != nil {
		s.renderError(w, r, statusOf(guli.ErrorCode(err)))
		return
	}
	items, err := s.Activities.MyActivities(guli.NewContextWithUser(r.Context(), u), time.Now().Add(-30*24*time.Hour))
	if err != nil {
		s.renderError(w, r, statusOf(guli.ErrorCode(err)))
		return
	}
	cal := ical.Calendar{Name: s.Catalog.T(info(r).lang, "calendar.mine", u.Name), Timezone: guli.DefaultTimezone}
	names := map[guli.ID]string{}
	for _, a := range items {
		if _, ok := names[a.StationID]; !ok {
			if st, err := s.Stations.Station(r.Context(), a.StationID); err == nil {
				names[a.StationID] = st.Name
			}
		}
		cal.Events = append(cal.Events, s.event(r, a, names[a.StationID]))
	}
	writeCalendar(w, cal)
}

// apiCalendarFeed answers the address of the acting user's private feed.
func (s *Server) apiCalendarFeed(w http.ResponseWriter, r *http.Request) (int, any, error) {
	token, err := s.Accounts.CalendarToken(r.Context(), r.Method == http.MethodPost)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string]string{"url": s.baseURL(r) + "/calendar/" + token + ".ics"}, nil
}
