package ui

import (
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"guli"
	"guli/web/core"
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
	// Strip is the week's days to choose from, when the week is too busy
	// to show whole (see timetableWeekMost); Days then holds the one chosen.
	Strip []chip
	// DaysKey is all the days' part shows beside the language and the
	// data version; readers with the same key share it (see core.View.Keep).
	DaysKey string
	// PosterWeek is the ISO week of the first day shown, whose poster
	// the page offers to print.
	PosterWeek string
}

// weekLink is the date a link to another week carries, none past the
// years a date can be written in (0001–9999).
func weekLink(t time.Time) string {
	if t.Year() < 1 || t.Year() > 9999 {
		return ""
	}
	return t.Format(time.DateOnly)
}

// timetableMost is how many activities a week's timetable shows at most.
const timetableMost = 1000

// timetableWeekMost is how many activities a week shows on one page; a
// busier week is shown a day at a time, which on a phone is what one can
// read anyway.
const timetableWeekMost = 100

// Timetable is the week's timetable (课程表): seven days from today, or
// from ?from=, grouped by day, with a sign-up button on each activity.
func (h *Handlers) Timetable(w http.ResponseWriter, r *http.Request) error {
	v := h.NewView(r, "timetable.title", "activities")
	if v.Station == nil {
		h.Render(w, r, http.StatusOK, "timetable", v)
		return nil
	}
	loc := v.Station.Location()
	today := core.StartOfDay(h.TimeNow(), loc)
	from := today
	if d, ok := guli.ParseDate(r.URL.Query().Get("from")); ok {
		from, _ = time.ParseInLocation(time.DateOnly, string(d), loc)
	}
	d := timetableData{Category: r.URL.Query().Get("category"), Query: r.URL.Query().Get("q"),
		Prev: weekLink(from.AddDate(0, 0, -7)), Next: weekLink(from.AddDate(0, 0, 7))}
	if guli.PlausibleTime(from) {
		d.PosterWeek = guli.WeekOf(from).String()
	}
	if !slices.Contains(guli.Categories, d.Category) {
		d.Category = ""
	}
	fromDate := from.Format(time.DateOnly)
	d.Chips = append(d.Chips, chip{Href: "/activities?from=" + fromDate, Label: v.T("category.all"), Current: d.Category == ""})
	for _, c := range guli.Categories {
		d.Chips = append(d.Chips, chip{Href: "/activities?category=" + c + "&from=" + fromDate, Label: v.T("category." + c), Current: c == d.Category})
	}
	v.Form["q"] = d.Query
	// A busy week is more than one page of the list; past timetableMost the
	// page says so and offers the categories and the search instead.
	var items []*guli.Activity
	filter := guli.ActivityFilter{StationID: v.Station.ID, From: from, To: from.AddDate(0, 0, 7), Category: d.Category, Query: d.Query}
	for opts := (guli.ListOptions{Limit: guli.MaxLimit}); ; {
		page, err := h.Activities.Activities(r.Context(), filter, opts)
		if err != nil {
			h.FormError(v, err)
			break
		}
		items = append(items, page.Items...)
		if page.NextCursor == "" {
			break
		}
		if len(items) >= timetableMost {
			v.Alert = v.T("timetable.too_many", len(items))
			break
		}
		opts.Cursor = page.NextCursor
	}
	mine := h.myRegistrations(r, from, from.AddDate(0, 0, 7))
	started := 0
	for _, a := range items {
		if v.Past(a.Start) {
			started++
		}
	}
	d.DaysKey = fmt.Sprintf("%s|%s|%d|%t|%d|%s", v.Here, today.Format(time.DateOnly), v.Station.ID, v.User != nil, started, registrationsKey(mine))
	for i := range 7 {
		day := from.AddDate(0, 0, i)
		d.Days = append(d.Days, timetableDay{ID: day.Format("20060102"), Label: v.Day(day),
			Open: len(v.Station.OpeningHours.On(day.Weekday())) > 0, Today: day.Equal(today)})
	}
	// The list is in order of start, so each activity goes to the day of
	// its start, found by walking forward.
	i := 0
	for _, a := range items {
		for i < 6 && !a.Start.Before(from.AddDate(0, 0, i+1)) {
			i++
		}
		a.MyRegistration = mine[a.ID]
		d.Days[i].Activities = append(d.Days[i].Activities, a)
	}
	if len(items) > timetableWeekMost {
		chosen := 0
		for i := range d.Days {
			day := from.AddDate(0, 0, i).Format(time.DateOnly)
			if day == r.URL.Query().Get("day") {
				chosen = i
			}
			link := url.Values{"from": {fromDate}, "day": {day}}
			if d.Category != "" {
				link.Set("category", d.Category)
			}
			if d.Query != "" {
				link.Set("q", d.Query)
			}
			d.Strip = append(d.Strip, chip{Href: "/activities?" + link.Encode(), Label: v.T("timetable.day_count", d.Days[i].Label, len(d.Days[i].Activities))})
		}
		d.Strip[chosen].Current = true
		d.Days = d.Days[chosen : chosen+1]
	}
	v.Data = d
	h.Render(w, r, http.StatusOK, "timetable", v)
	return nil
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
func (h *Handlers) myRegistrations(r *http.Request, from, to time.Time) map[guli.ID]*guli.Registration {
	if guli.UserFromContext(r.Context()) == nil {
		return nil
	}
	mine, err := h.Activities.MyRegistrations(r.Context(), from, to)
	if err != nil {
		h.Logger.Warn("own registrations", "err", err)
		return nil
	}
	return mine
}

func (h *Handlers) Activity(w http.ResponseWriter, r *http.Request) error {
	h.renderActivity(w, r, http.StatusOK, nil)
	return nil
}

// renderActivity shows an activity's page, with the error of a failed
// sign-up or cancellation above it.
func (h *Handlers) renderActivity(w http.ResponseWriter, r *http.Request, status int, failure error) {
	a, err := h.Activities.Activity(r.Context(), core.PathID(r, "id"))
	if err != nil {
		h.RenderError(w, r, core.StatusOf(guli.ErrorCode(err)))
		return
	}
	if a.Status == guli.ActivityCancelled && guli.UserFromContext(r.Context()) != nil {
		// Its cancellation read in the app: off the call list.
		if err := h.Notifications.MarkOpened(r.Context(), guli.CallTarget{Kind: guli.CallsOfActivity, ID: a.ID}); err != nil {
			h.RenderError(w, r, core.StatusOf(guli.ErrorCode(err)))
			return
		}
	}
	v := h.NewView(r, "activity.title", "activities")
	v.Data = a
	if failure != nil {
		status = h.FormError(v, failure)
		if guli.ErrorCode(failure) == guli.ECEmergencyContactRequired {
			v.Form["need_contact"] = "1"
		}
	}
	h.Render(w, r, status, "activity", v)
}

// SignUp signs the reader up from the timetable or the activity's page.
func (h *Handlers) SignUp(w http.ResponseWriter, r *http.Request) error {
	if _, ok := h.requireLogin(w, r); !ok {
		return nil
	}
	if !h.parseForm(w, r) {
		return nil
	}
	reg, err := h.Activities.Register(r.Context(), core.PathID(r, "id"), 0)
	if err != nil {
		h.renderActivity(w, r, 0, err)
		return nil
	}
	notice := "registered"
	if reg.Status == guli.RegWaitlisted {
		notice = "waitlisted"
	}
	back(w, r, localPath(r.PostForm.Get("next")), notice)
	return nil
}

// CancelSignUp gives up the reader's place.
func (h *Handlers) CancelSignUp(w http.ResponseWriter, r *http.Request) error {
	if _, ok := h.requireLogin(w, r); !ok {
		return nil
	}
	if !h.parseForm(w, r) {
		return nil
	}
	if err := h.Activities.CancelRegistration(r.Context(), core.PathID(r, "id"), 0); err != nil {
		h.renderActivity(w, r, 0, err)
		return nil
	}
	back(w, r, localPath(r.PostForm.Get("next")), "cancelled")
	return nil
}

type myActivitiesData struct {
	Activities  []*guli.Activity
	CalendarURL string
}

// MyActivities lists the reader's coming activities and their feed.
func (h *Handlers) MyActivities(w http.ResponseWriter, r *http.Request) error {
	if _, ok := h.requireLogin(w, r); !ok {
		return nil
	}
	v := h.NewView(r, "mine.title", "mine")
	items, err := h.Activities.MyActivities(r.Context(), h.TimeNow().Add(-12*time.Hour))
	if err != nil {
		return err
	}
	d := myActivitiesData{Activities: items}
	if token, err := h.Accounts.CalendarToken(r.Context(), false); err == nil {
		d.CalendarURL = h.SiteURL(r) + "/calendar/" + token + ".ics"
	}
	v.Data = d
	h.Render(w, r, http.StatusOK, "my_activities", v)
	return nil
}
