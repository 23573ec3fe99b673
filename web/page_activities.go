package web

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"guli"
)

// timetableDay is one day of the timetable.
type timetableDay struct {
	ID         string // for the heading's anchor: 20261128
	Label      string // 11月28日 星期六
	Open       bool
	Today      bool
	Activities []*guli.Activity
}

// chip is one choice of category above the timetable.
type chip struct {
	Href, Label string
	Current     bool
}

// The page's words and links are made here rather than in the template,
// where each call costs a reflective look-up.
type timetableData struct {
	Days       []timetableDay
	Chips      []chip
	Prev, Next string // dates of the neighbouring weeks
	Category   string
	Query      string
	// DaysKey is all the days' part shows beside the language and the
	// data version; readers with the same key share it (see view.Keep).
	DaysKey string
}

// startOfDay is midnight of t's day in loc.
func startOfDay(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, loc)
}

// pageTimetable is the week's timetable (课程表): seven days from today, or
// from ?from=, grouped by day, with a sign-up button on each activity.
func (s *Server) pageTimetable(w http.ResponseWriter, r *http.Request) {
	v := s.newView(r, "timetable.title", "activities")
	if v.Station == nil {
		s.render(w, r, http.StatusOK, "timetable", v)
		return
	}
	loc := v.Station.Location()
	today := startOfDay(s.now(), loc)
	from := today
	if d, ok := guli.ParseDate(r.URL.Query().Get("from")); ok {
		from, _ = time.ParseInLocation(time.DateOnly, string(d), loc)
	}
	d := timetableData{Category: r.URL.Query().Get("category"), Query: r.URL.Query().Get("q"),
		Prev: from.AddDate(0, 0, -7).Format(time.DateOnly), Next: from.AddDate(0, 0, 7).Format(time.DateOnly)}
	if !slices.Contains(guli.Categories, d.Category) {
		d.Category = ""
	}
	fromDate := from.Format(time.DateOnly)
	d.Chips = append(d.Chips, chip{Href: "/activities?from=" + fromDate, Label: v.T("category.all"), Current: d.Category == ""})
	for _, c := range guli.Categories {
		d.Chips = append(d.Chips, chip{Href: "/activities?category=" + c + "&from=" + fromDate, Label: v.T("category." + c), Current: c == d.Category})
	}
	v.Form["q"] = d.Query
	page, err := s.Activities.Activities(r.Context(), guli.ActivityFilter{StationID: v.Station.ID, From: from,
		To: from.AddDate(0, 0, 7), Category: d.Category, Query: d.Query}, guli.ListOptions{Limit: guli.MaxLimit})
	if err != nil {
		s.formError(v, err)
	}
	mine := s.myRegistrations(r, from, from.AddDate(0, 0, 7))
	started := 0
	for _, a := range page.Items {
		if v.Past(a.Start) {
			started++
		}
	}
	d.DaysKey = fmt.Sprintf("%s|%s|%d|%t|%d|%s", v.Here, today.Format(time.DateOnly), v.Station.ID, v.User != nil, started, registrationsKey(mine))
	for i := range 7 {
		day := from.AddDate(0, 0, i)
		td := timetableDay{ID: day.Format("20060102"), Label: v.Day(day), Open: len(v.Station.OpeningHours.On(day.Weekday())) > 0, Today: day.Equal(today)}
		for _, a := range page.Items {
			if a.Start.In(loc).YearDay() == day.YearDay() && a.Start.In(loc).Year() == day.Year() {
				a.MyRegistration = mine[a.ID]
				td.Activities = append(td.Activities, a)
			}
		}
		d.Days = append(d.Days, td)
	}
	v.Data = d
	s.render(w, r, http.StatusOK, "timetable", v)
}

// registrationsKey names a reader's registrations for keeping the parts
// that show them: the same for everyone with the same places.
func registrationsKey(mine map[guli.ID]*guli.Registration) string {
	if len(mine) == 0 {
		return ""
	}
	ids := slices.Sorted(maps.Keys(mine))
	var b strings.Builder
	for _, id := range ids {
		r := mine[id]
		fmt.Fprintf(&b, "%d:%s:%d,", id, r.Status, r.Position)
	}
	return b.String()
}

// myRegistrations maps the reader's activities starting in [from, to) to
// their registrations, for marking a list; none when not signed in.
func (s *Server) myRegistrations(r *http.Request, from, to time.Time) map[guli.ID]*guli.Registration {
	if guli.UserFromContext(r.Context()) == nil {
		return nil
	}
	mine, err := s.Activities.MyRegistrations(r.Context(), from, to)
	if err != nil {
		s.Logger.Warn("own registrations", "err", err)
		return nil
	}
	return mine
}

func (s *Server) pageActivity(w http.ResponseWriter, r *http.Request) {
	s.renderActivity(w, r, http.StatusOK, nil)
}

// renderActivity shows an activity's page, with the error of a failed
// sign-up or cancellation above it.
func (s *Server) renderActivity(w http.ResponseWriter, r *http.Request, status int, failure error) {
	a, err := s.Activities.Activity(r.Context(), pathID(r, "id"))
	if err != nil {
		s.renderError(w, r, statusOf(guli.ErrorCode(err)))
		return
	}
	v := s.newView(r, "activity.title", "activities")
	v.Data = a
	if failure != nil {
		status = s.formError(v, failure)
		if guli.ErrorCode(failure) == guli.ECEmergencyContactRequired {
			v.Form["need_contact"] = "1"
		}
	}
	s.render(w, r, status, "activity", v)
}

// pageSignUp signs the reader up from the timetable or the activity's page.
func (s *Server) pageSignUp(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requireLogin(w, r); !ok {
		return
	}
	if !s.parseForm(w, r) {
		return
	}
	reg, err := s.Activities.Register(r.Context(), pathID(r, "id"), 0)
	if err != nil {
		s.renderActivity(w, r, 0, err)
		return
	}
	notice := "registered"
	if reg.Status == guli.RegWaitlisted {
		notice = "waitlisted"
	}
	back(w, r, localPath(r.PostForm.Get("next")), notice)
}

// pageCancelSignUp gives up the reader's place.
func (s *Server) pageCancelSignUp(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requireLogin(w, r); !ok {
		return
	}
	if !s.parseForm(w, r) {
		return
	}
	if err := s.Activities.CancelRegistration(r.Context(), pathID(r, "id"), 0); err != nil {
		s.renderActivity(w, r, 0, err)
		return
	}
	back(w, r, localPath(r.PostForm.Get("next")), "cancelled")
}

type myActivitiesData struct {
	Activities  []*guli.Activity
	CalendarURL string
}

// pageMyActivities lists the reader's coming activities and their feed.
func (s *Server) pageMyActivities(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requireLogin(w, r); !ok {
		return
	}
	v := s.newView(r, "mine.title", "mine")
	items, err := s.Activities.MyActivities(r.Context(), s.now().Add(-12*time.Hour))
	if err != nil {
		s.renderError(w, r, statusOf(guli.ErrorCode(err)))
		return
	}
	d := myActivitiesData{Activities: items}
	if token, err := s.Accounts.CalendarToken(r.Context(), false); err == nil {
		d.CalendarURL = s.baseURL(r) + "/calendar/" + token + ".ics"
	}
	v.Data = d
	s.render(w, r, http.StatusOK, "my_activities", v)
}
