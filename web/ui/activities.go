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
	Days  []timetableDay
	Chips []chip
	// Prev and Next link to the neighbouring weeks; "" past the calendar.
	Prev, Next string
	Category   string
	Query      string
	// Children keeps the activities for children only (the last chip).
	Children bool
	// For is the id of the dependent chosen, kept by the search.
	For string
	// Acting is whom the sign-up buttons are for, at the page's top.
	Acting actingChoice
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

// timetableLink is an address of the timetable with its choices: the
// week, a category or the children's activities, the words searched, a
// day of a busy week, and whom the page acts for.
type timetableLink struct {
	from, category, query, day, forID string
	children                          bool
}

func (l timetableLink) String() string {
	q := url.Values{}
	for k, v := range map[string]string{"from": l.from, "category": l.category, "q": l.query, "day": l.day, "for": l.forID} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if l.children {
		q.Set("children", "1")
	}
	if len(q) == 0 {
		return "/activities"
	}
	return "/activities?" + q.Encode()
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
// ?category= or ?children=1 keeps one kind; ?for= a dependent of the
// reader signs them up instead, their places marked.
func (h *Handlers) Timetable(w http.ResponseWriter, r *http.Request) error {
	v := h.NewView(r, "timetable.title", "activities")
	if v.Station == nil {
		h.Render(w, r, http.StatusOK, "timetable", v)
		return nil
	}
	loc := v.Station.Location()
	today := core.StartOfDay(h.TimeNow(), loc)
	from := today
	q := r.URL.Query()
	if d, ok := guli.ParseDate(q.Get("from")); ok {
		from, _ = time.ParseInLocation(time.DateOnly, string(d), loc)
	}
	d := timetableData{Category: q.Get("category"), Query: q.Get("q"), Children: q.Get("children") == "1"}
	if guli.PlausibleTime(from) {
		d.PosterWeek = guli.WeekOf(from).String()
	}
	if !slices.Contains(guli.Categories, d.Category) || d.Children {
		d.Category = "" // one choice of the row: a category, or the children's
	}
	fromDate := from.Format(time.DateOnly)
	here := timetableLink{from: fromDate, category: d.Category, children: d.Children}
	acting, err := h.chooseActingFor(r, v, q.Get("for"), func(id string) string {
		l := here
		l.query, l.day, l.forID = d.Query, q.Get("day"), id
		return l.String()
	})
	if err != nil {
		return err
	}
	d.Acting = acting
	if acting.For != nil {
		d.For = acting.For.ID.String()
		here.forID = d.For
	}
	link := func(change func(*timetableLink)) string {
		l := here
		change(&l)
		return l.String()
	}
	if prev := weekLink(from.AddDate(0, 0, -7)); prev != "" {
		d.Prev = link(func(l *timetableLink) { l.from = prev })
	}
	if next := weekLink(from.AddDate(0, 0, 7)); next != "" {
		d.Next = link(func(l *timetableLink) { l.from = next })
	}
	d.Chips = append(d.Chips, chip{Href: link(func(l *timetableLink) { l.category, l.children = "", false }), Label: v.T("category.all"),
		Current: d.Category == "" && !d.Children})
	for _, c := range guli.Categories {
		d.Chips = append(d.Chips, chip{Href: link(func(l *timetableLink) { l.category, l.children = c, false }), Label: v.T("category." + c), Current: c == d.Category})
	}
	d.Chips = append(d.Chips, chip{Href: link(func(l *timetableLink) { l.category, l.children = "", true }), Label: v.T("timetable.children"), Current: d.Children})
	v.Form["q"] = d.Query
	// A busy week is more than one page of the list; past timetableMost the
	// page says so and offers the categories and the search instead.
	var items []*guli.Activity
	filter := guli.ActivityFilter{StationID: v.Station.ID, From: from, To: from.AddDate(0, 0, 7), Category: d.Category, Query: d.Query, ForChildren: d.Children}
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
	mine := h.registrationsOf(r, v.ActingFor, from, from.AddDate(0, 0, 7))
	started := 0
	for _, a := range items {
		if v.Past(a.Start) {
			started++
		}
	}
	d.DaysKey = fmt.Sprintf("%s|%s|%d|%t|%d|%s|%s|%s", v.Here, today.Format(time.DateOnly), v.Station.ID, v.User != nil, started, registrationsKey(mine),
		v.ActingForKey(), outOfAgesKey(v, items))
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
			if day == q.Get("day") {
				chosen = i
			}
			d.Strip = append(d.Strip, chip{Href: link(func(l *timetableLink) { l.day, l.query = day, d.Query }),
				Label: v.T("timetable.day_count", d.Days[i].Label, len(d.Days[i].Activities))})
		}
		d.Strip[chosen].Current = true
		d.Days = d.Days[chosen : chosen+1]
	}
	v.Data = d
	h.Render(w, r, http.StatusOK, "timetable", v)
	return nil
}

// outOfAgesKey names the activities of a list the person a page acts for
// is outside the ages of (View.OutOfAges), for keeping the parts that
// say so: the same for everyone those are the same for.
func outOfAgesKey(v *core.View, items []*guli.Activity) string {
	var b strings.Builder
	for _, a := range items {
		if v.OutOfAges(a) {
			fmt.Fprintf(&b, "%d,", a.ID)
		}
	}
	return b.String()
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
	return h.registrationsOf(r, nil, from, to)
}

// registrationsOf is myRegistrations of person, a dependent the reader
// acts for; nil: the reader's own.
func (h *Handlers) registrationsOf(r *http.Request, person *guli.User, from, to time.Time) map[guli.ID]*guli.Registration {
	if guli.UserFromContext(r.Context()) == nil {
		return nil
	}
	var mine map[guli.ID]*guli.Registration
	var err error
	if person == nil {
		mine, err = h.Activities.MyRegistrations(r.Context(), from, to)
	} else {
		mine, err = h.Activities.RegistrationsOf(r.Context(), person.ID, from, to)
	}
	if err != nil {
		h.Logger.Warn("registrations to mark", "err", err)
		return nil
	}
	return mine
}

func (h *Handlers) Activity(w http.ResponseWriter, r *http.Request) error {
	h.renderActivity(w, r, http.StatusOK, nil, r.URL.Query().Get("for"))
	return nil
}

// activityPage is an activity's page: the activity, its places those of
// the person the page acts for, chosen at its top.
type activityPage struct {
	*guli.Activity
	Acting actingChoice
}

// renderActivity shows an activity's page, acting for the person of id
// forID ("": the reader), with the error of a failed sign-up or
// cancellation above it.
func (h *Handlers) renderActivity(w http.ResponseWriter, r *http.Request, status int, failure error, forID string) {
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
	link := func(id string) string {
		if id == "" {
			return "/activities/" + a.ID.String()
		}
		return "/activities/" + a.ID.String() + "?for=" + id
	}
	acting, err := h.chooseActingFor(r, v, forID, link)
	if err != nil && failure != nil {
		// A form that failed for someone not to be chosen: its page as the
		// reader's, with the failure.
		acting, err = h.chooseActingFor(r, v, "", link)
	}
	if err != nil {
		h.RenderError(w, r, core.StatusOf(guli.ErrorCode(err)))
		return
	}
	if acting.For != nil {
		a.MyRegistration = h.registrationsOf(r, acting.For, a.Start, a.Start.Add(time.Millisecond))[a.ID]
	}
	v.Data = activityPage{Activity: a, Acting: acting}
	if failure != nil {
		status = h.FormError(v, failure)
		if guli.ErrorCode(failure) == guli.ECEmergencyContactRequired {
			v.Form["need_contact"] = "1"
		}
		if v.Errors["user_id"] != "" && v.Alert == "" {
			v.Alert = v.T("acting.bad_person")
		}
	}
	h.Render(w, r, status, "activity", v)
}

// postedPerson is whom a sign-up form acts for: its user_id, the
// dependent chosen at the page's top; 0 (the reader) when there is none.
func postedPerson(r *http.Request) (guli.ID, error) {
	raw := r.PostForm.Get("user_id")
	if raw == "" {
		return 0, nil
	}
	id := guli.ParseID(raw)
	if id == guli.NoID {
		return 0, guli.Invalid("user_id", guli.FRInvalid)
	}
	return id, nil
}

// SignUp signs the reader up from the timetable or the activity's page,
// or the person they act for (user_id): a dependent under an active link,
// or for staff anyone of the activity's station, as the API decides.
func (h *Handlers) SignUp(w http.ResponseWriter, r *http.Request) error {
	return h.signUpStep(w, r, func(id, person guli.ID) (string, error) {
		reg, err := h.Activities.Register(r.Context(), id, person)
		if err != nil {
			return "", err
		}
		if reg.Status == guli.RegWaitlisted {
			return "waitlisted", nil
		}
		return "registered", nil
	})
}

// CancelSignUp gives up the reader's place, or that of the person they
// act for (user_id).
func (h *Handlers) CancelSignUp(w http.ResponseWriter, r *http.Request) error {
	return h.signUpStep(w, r, func(id, person guli.ID) (string, error) {
		return "cancelled", h.Activities.CancelRegistration(r.Context(), id, person)
	})
}

// signUpStep does a sign-up form's step for whom it names and goes back
// where it came from with the notice do gives. Someone not the reader's
// to act for is not found, as the API answers; other refusals show on the
// activity's page.
func (h *Handlers) signUpStep(w http.ResponseWriter, r *http.Request, do func(id, person guli.ID) (notice string, err error)) error {
	if _, ok := h.requireLogin(w, r); !ok {
		return nil
	}
	if !h.parseForm(w, r) {
		return nil
	}
	person, err := postedPerson(r)
	notice := ""
	if err == nil {
		notice, err = do(core.PathID(r, "id"), person)
	}
	switch {
	case guli.ErrorCode(err) == guli.ECNotFound:
		h.RenderError(w, r, http.StatusNotFound)
	case err != nil:
		h.renderActivity(w, r, 0, err, r.PostForm.Get("user_id"))
	default:
		back(w, r, localPath(r.PostForm.Get("next")), notice)
	}
	return nil
}

type myActivitiesData struct {
	Activities  []*guli.Activity
	CalendarURL string
	// Acting is whose activities these are, chosen at the page's top:
	// the reader's, or a dependent's (Acting.For) with buttons acting
	// for them.
	Acting actingChoice
}

// MyActivities lists the reader's coming activities and their feed, or
// with ?for= those of a dependent they act for.
func (h *Handlers) MyActivities(w http.ResponseWriter, r *http.Request) error {
	if _, ok := h.requireLogin(w, r); !ok {
		return nil
	}
	v := h.NewView(r, "mine.title", "mine")
	acting, err := h.chooseActingFor(r, v, r.URL.Query().Get("for"), func(id string) string {
		if id == "" {
			return "/my/activities"
		}
		return "/my/activities?for=" + id
	})
	if err != nil {
		return err
	}
	from := h.TimeNow().Add(-12 * time.Hour)
	var items []*guli.Activity
	if acting.For != nil {
		items, err = h.Activities.ActivitiesOf(r.Context(), acting.For.ID, from)
	} else {
		items, err = h.Activities.MyActivities(r.Context(), from)
	}
	if err != nil {
		return err
	}
	d := myActivitiesData{Activities: items, Acting: acting}
	if acting.For == nil {
		if token, err := h.Accounts.CalendarToken(r.Context(), false); err == nil {
			d.CalendarURL = h.SiteURL(r) + "/calendar/" + token + ".ics"
		}
	}
	v.Data = d
	h.Render(w, r, http.StatusOK, "my_activities", v)
	return nil
}
