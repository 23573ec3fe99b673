package ui

import (
	"net/http"
	"time"

	"guli"
	"guli/web/core"
)

// dayHours is one weekday's opening for the home page table.
type dayHours struct {
	Key   string // "mon"…"sun"
	Spans []guli.Span
	Today bool
}

type homeData struct {
	Upcoming []*guli.Activity // what is still to come today and tomorrow
	Now      time.Time
	TodayKey string
	Today    []guli.Span
	Week     []dayHours
	Parts    []navPart
}

// navPart is one part of the station on the home page. Icon names one of
// the icon templates in partials/icons.html.
type navPart struct {
	Key, Path, Icon string
}

// parts are the station's parts, in the order the home page lists them.
var parts = []navPart{
	{"activities", "/activities", "calendar"},
	{"help", "/help", "people"},
	{"teams", "/teams", "sprout"},
	{"notices", "/notices", "megaphone"},
	{"councils", "/councils", "ballot"},
	{"stats", "/stats", "chart"},
}

// homeUpcoming is how many coming activities the home page shows.
const homeUpcoming = 6

func (h *Handlers) Home(w http.ResponseWriter, r *http.Request) error {
	v := h.NewView(r, "home.title", "home")
	d := homeData{Parts: parts}
	if st := v.Station; st != nil {
		d.Now = h.TimeNow().In(st.Location())
		d.TodayKey = guli.WeekdayKey(d.Now.Weekday())
		d.Today = st.OpeningHours.On(d.Now.Weekday())
		// Asked from the minute, not the instant, so that everyone in the
		// same minute asks the same (kept) question; the few that started
		// earlier in the minute are left out here.
		to := core.StartOfDay(d.Now, st.Location()).AddDate(0, 0, 2)
		page, err := h.Activities.Activities(r.Context(), guli.ActivityFilter{StationID: st.ID, From: d.Now.Truncate(time.Minute),
			To: to}, guli.ListOptions{Limit: 4 * homeUpcoming})
		if err != nil {
			v.ReadFailed()
		} else {
			mine := h.myRegistrations(r, d.Now.Truncate(time.Minute), to)
			for _, a := range page.Items {
				if a.Start.Before(d.Now) {
					continue
				}
				if len(d.Upcoming) == homeUpcoming {
					break
				}
				a.MyRegistration = mine[a.ID]
				d.Upcoming = append(d.Upcoming, a)
			}
		}
		for i, key := range guli.Weekdays {
			d.Week = append(d.Week, dayHours{Key: key, Spans: st.OpeningHours[i], Today: key == d.TodayKey})
		}
	}
	if r.URL.Query().Get("welcome") == "1" && v.User != nil {
		v.Notice = v.T("home.welcome", v.User.Name)
	}
	v.Data = d
	h.Render(w, r, http.StatusOK, "home", v)
	return nil
}

func (h *Handlers) ListStations(w http.ResponseWriter, r *http.Request) error {
	v := h.NewView(r, "stations.title", "")
	page, err := h.Stations.Stations(r.Context(), guli.ListOptions{Limit: guli.MaxLimit})
	if err != nil {
		return err
	}
	v.Data = page.Items
	h.Render(w, r, http.StatusOK, "stations", v)
	return nil
}

func (h *Handlers) ChooseStation(w http.ResponseWriter, r *http.Request) error {
	if !h.parseForm(w, r) {
		return nil
	}
	st, err := h.Stations.Station(r.Context(), guli.ParseID(r.PostForm.Get("station_id")))
	if err != nil {
		h.RenderError(w, r, http.StatusNotFound)
		return nil
	}
	h.setCookie(w, core.StationCookie, st.ID.String(), core.PrefLifetime)
	next := "/"
	if r.PostForm.Get("next") != "" {
		next = localPath(r.PostForm.Get("next"))
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}
