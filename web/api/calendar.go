package api

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"guli"
	"guli/ical"
	"guli/web/core"
)

// calendarHorizon is how far ahead the feeds reach.
const calendarHorizon = 120 * 24 * time.Hour

// feedDescription is how much of an activity's description a calendar
// event carries: enough to recall what it is; the event links to the rest.
// A feed of 2,000 events with whole descriptions could run to tens of
// megabytes.
const feedDescription = 300

// event turns an activity of the named station into a calendar event.
func (h *Handlers) event(r *http.Request, a *guli.Activity, station string) ical.Event {
	desc := a.Description
	if runes := []rune(desc); len(runes) > feedDescription {
		desc = string(runes[:feedDescription]) + "…"
	}
	return ical.Event{
		UID:         "activity-" + a.ID.String() + "@guli",
		Start:       a.Start,
		End:         a.End,
		Summary:     a.Title,
		Description: desc,
		Location:    strings.TrimSpace(station + " " + a.RoomName),
		URL:         h.SiteURL(r) + "/activities/" + a.ID.String(),
		Cancelled:   a.Status == guli.ActivityCancelled,
	}
}

func writeCalendar(w http.ResponseWriter, cal ical.Calendar, now time.Time) {
	w.Header().Set("Content-Type", ical.ContentType)
	w.Header().Set("Cache-Control", "private, max-age=300")
	ical.Write(w, cal, now)
}

// feedFresh is how long a built station feed is served again. Calendar
// apps poll; a flood of them, or of anyone, builds each feed once a minute.
const feedFresh = time.Minute

// feedCache holds the station feeds built lately, and builds each at most
// once at a time.
type feedCache struct {
	building singleflight.Group
	mu       sync.Mutex
	built    map[string]builtFeed // by station and site address
}

type builtFeed struct {
	body []byte
	at   time.Time
}

// StationCalendar is the public feed of a station's upcoming activities.
func (h *Handlers) StationCalendar(w http.ResponseWriter, r *http.Request) {
	id := guli.ParseID(r.URL.Query().Get("station_id"))
	if r.URL.Query().Get("station_id") == "" {
		h.WriteError(w, r, http.StatusUnprocessableEntity, &guli.Error{Code: guli.ECValidation, Fields: map[string]string{"station_id": guli.FRRequired}})
		return
	}
	key := id.String() + " " + h.SiteURL(r)
	now := h.TimeNow()
	h.feeds.mu.Lock()
	f, ok := h.feeds.built[key]
	h.feeds.mu.Unlock()
	if !ok || now.Sub(f.at) > feedFresh {
		body, err, _ := h.feeds.building.Do(key, func() (any, error) {
			// Built for everyone waiting: the first asker leaving must not
			// fail the others.
			ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), 30*time.Second)
			defer cancel()
			return h.buildStationFeed(r.WithContext(ctx), id)
		})
		if err != nil {
			h.APIError(w, r, err)
			return
		}
		f = builtFeed{body: body.([]byte), at: now}
		h.feeds.mu.Lock()
		for k, old := range h.feeds.built { // forget stale feeds as they go
			if now.Sub(old.at) > feedFresh {
				delete(h.feeds.built, k)
			}
		}
		h.feeds.built[key] = f
		h.feeds.mu.Unlock()
	}
	w.Header().Set("Content-Type", ical.ContentType)
	w.Header().Set("Cache-Control", "private, max-age=300")
	w.Write(f.body)
}

// buildStationFeed writes a station's feed: its activities from a day ago
// to calendarHorizon ahead, at most 2,000.
func (h *Handlers) buildStationFeed(r *http.Request, id guli.ID) ([]byte, error) {
	st, err := h.Stations.Station(r.Context(), id)
	if err != nil {
		return nil, err
	}
	now := h.TimeNow()
	cal := ical.Calendar{Name: st.Name, Timezone: st.Timezone}
	opts := guli.ListOptions{Limit: guli.MaxLimit}
	for range 10 {
		page, err := h.Activities.Activities(r.Context(), guli.ActivityFilter{StationID: id, From: now.Add(-24 * time.Hour), To: now.Add(calendarHorizon)}, opts)
		if err != nil {
			return nil, err
		}
		for _, a := range page.Items {
			cal.Events = append(cal.Events, h.event(r, a, st.Name))
		}
		if page.NextCursor == "" {
			break
		}
		opts.Cursor = page.NextCursor
	}
	var buf bytes.Buffer
	if err := ical.Write(&buf, cal, now); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// PersonalCalendar is a person's own registrations, behind the unguessable
// token in its address: calendar apps cannot sign in.
func (h *Handlers) PersonalCalendar(w http.ResponseWriter, r *http.Request) {
	token, ok := strings.CutSuffix(r.PathValue("file"), ".ics")
	if !ok {
		h.RenderError(w, r, http.StatusNotFound)
		return
	}
	u, err := h.Accounts.UserByCalendarToken(r.Context(), token)
	if err != nil {
		h.RenderError(w, r, core.StatusOf(guli.ErrorCode(err)))
		return
	}
	items, err := h.Activities.MyActivities(guli.NewContextWithUser(r.Context(), u), h.TimeNow().Add(-30*24*time.Hour))
	if err != nil {
		h.RenderError(w, r, core.StatusOf(guli.ErrorCode(err)))
		return
	}
	cal := ical.Calendar{Name: h.Catalog.T(core.Info(r).Lang, "calendar.mine", u.Name), Timezone: guli.DefaultTimezone}
	names := map[guli.ID]string{}
	for _, a := range items {
		if _, ok := names[a.StationID]; !ok {
			if st, err := h.Stations.Station(r.Context(), a.StationID); err == nil {
				names[a.StationID] = st.Name
			}
		}
		cal.Events = append(cal.Events, h.event(r, a, names[a.StationID]))
	}
	writeCalendar(w, cal, h.TimeNow())
}

// CalendarFeed answers the address of the acting user's private feed.
func (h *Handlers) CalendarFeed(w http.ResponseWriter, r *http.Request) (int, any, error) {
	token, err := h.Accounts.CalendarToken(r.Context(), r.Method == http.MethodPost)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string]string{"url": h.SiteURL(r) + "/calendar/" + token + ".ics"}, nil
}
