package ui

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"guli"
	"guli/web/core"
)

// requireStaff sends anonymous visitors to sign in and shows others a 403.
func (h *Handlers) requireStaff(w http.ResponseWriter, r *http.Request) (*guli.User, bool) {
	u, ok := h.requireLogin(w, r)
	if !ok {
		return nil, false
	}
	if !u.IsStaff() {
		h.RenderError(w, r, http.StatusForbidden)
		return nil, false
	}
	return u, true
}

type deskData struct {
	Today      time.Time
	Activities []*guli.Activity
	Tally      *guli.VisitTally
	Purposes   []string
}

// Desk is the staff desk for today: the day's activities with their
// rosters, the visitor counter and the door's QR code.
func (h *Handlers) Desk(w http.ResponseWriter, r *http.Request) error {
	if _, ok := h.requireStaff(w, r); !ok {
		return nil
	}
	v := h.NewView(r, "desk.title", "desk")
	if v.Station == nil {
		h.RenderError(w, r, http.StatusNotFound)
		return nil
	}
	d, err := h.deskData(r, v.Station)
	if err != nil {
		return err
	}
	v.Data = d
	h.Render(w, r, http.StatusOK, "desk", v)
	return nil
}

func (h *Handlers) deskData(r *http.Request, st *guli.Station) (*deskData, error) {
	today := core.StartOfDay(h.TimeNow(), st.Location())
	d := &deskData{Today: today, Purposes: guli.VisitPurposes}
	page, err := h.Activities.Activities(r.Context(), guli.ActivityFilter{StationID: st.ID, From: today, To: today.AddDate(0, 0, 1)},
		guli.ListOptions{Limit: guli.MaxLimit})
	if err != nil {
		return nil, err
	}
	d.Activities = page.Items
	d.Tally, err = h.Visits.Tally(r.Context(), st.ID, guli.DateOf(today))
	return d, err
}

// DeskVisit counts walk-ins with the +1 buttons. With htmx only the
// counter is sent back; without JavaScript the desk page reloads.
func (h *Handlers) DeskVisit(w http.ResponseWriter, r *http.Request) error {
	if _, ok := h.requireStaff(w, r); !ok {
		return nil
	}
	if !h.parseForm(w, r) {
		return nil
	}
	v := h.NewView(r, "desk.title", "desk")
	if v.Station == nil {
		h.RenderError(w, r, http.StatusNotFound)
		return nil
	}
	n, err := strconv.Atoi(r.PostForm.Get("count"))
	if err != nil {
		n = 1
	}
	if _, err := h.Visits.RecordVisit(r.Context(), v.Station.ID, guli.VisitInput{Count: &n, Purpose: r.PostForm.Get("purpose")}); err != nil {
		return err
	}
	if r.Header.Get("HX-Request") == "true" {
		d, err := h.deskData(r, v.Station)
		if err != nil {
			return err
		}
		v.Data = d
		h.RenderPartial(w, r, "desk", "tally", v)
		return nil
	}
	back(w, r, "/desk", "")
	return nil
}

type rosterData struct {
	Activity *guli.Activity
	Roster   []*guli.Registration
	Query    string
	Found    []*guli.User
	// CanCredit shows the form that credits helpers' hours: the domain's
	// rule, as the service will apply it.
	CanCredit bool
	Present   int  // people on the roster checked in
	Calls     bool // the reader may follow a cancellation up by telephone
}

// Roster is an activity's roster at the desk: check people in, and
// register walk-ins and residents without phones on their behalf.
func (h *Handlers) Roster(w http.ResponseWriter, r *http.Request) error {
	if _, ok := h.requireLogin(w, r); !ok {
		return nil
	}
	h.renderRoster(w, r, http.StatusOK, nil)
	return nil
}

func (h *Handlers) renderRoster(w http.ResponseWriter, r *http.Request, status int, failure error) {
	id := core.PathID(r, "id")
	a, err := h.Activities.Activity(r.Context(), id)
	if err != nil {
		h.RenderError(w, r, core.StatusOf(guli.ErrorCode(err)))
		return
	}
	roster, err := h.Activities.Registrations(r.Context(), id)
	if err != nil {
		h.RenderError(w, r, core.StatusOf(guli.ErrorCode(err)))
		return
	}
	v := h.NewView(r, "desk.roster", "desk")
	d := rosterData{Activity: a, Roster: roster, Query: strings.TrimSpace(r.URL.Query().Get("q")),
		CanCredit: guli.CheckCreditRoster(v.User, a, h.TimeNow()) == nil, Calls: guli.CheckCallList(v.User, a.StationID) == nil}
	for _, reg := range roster {
		if reg.CheckedIn {
			d.Present++
		}
	}
	v.Form["q"] = d.Query
	if _, ok := v.Form["hours"]; !ok {
		v.Form["hours"] = "2"
	}
	if v.User.IsStaff() {
		d.Found = h.findResidents(r, v, d.Query)
	}
	if failure != nil {
		status = h.FormError(v, failure)
		v.RenameErrors(map[string]string{"minutes": "hours", "user_ids": "helpers"})
	}
	v.Data = d
	h.Render(w, r, status, "roster", v)
}

// RosterCheckIn ticks a person off as present.
func (h *Handlers) RosterCheckIn(w http.ResponseWriter, r *http.Request) error {
	if _, ok := h.requireLogin(w, r); ok {
		h.rosterAction(w, r, h.Activities.CheckIn, "checked_in")
	}
	return nil
}

// RosterRegister registers a resident on their behalf.
func (h *Handlers) RosterRegister(w http.ResponseWriter, r *http.Request) error {
	register := func(ctx context.Context, activity, user guli.ID) error {
		_, err := h.Activities.Register(ctx, activity, user)
		return err
	}
	if _, ok := h.requireStaff(w, r); ok {
		h.rosterAction(w, r, register, "registered_for")
	}
	return nil
}

// RosterCredit credits the hours of the people ticked as having helped,
// from the station's fund, once each.
func (h *Handlers) RosterCredit(w http.ResponseWriter, r *http.Request) error {
	if _, ok := h.requireStaff(w, r); !ok || !h.parseForm(w, r) {
		return nil
	}
	id := core.PathID(r, "id")
	in := guli.RosterCreditInput{Minutes: formMinutes(r.PostForm.Get("hours")), Memo: r.PostForm.Get("memo")}
	for _, s := range r.PostForm["user_id"] {
		in.UserIDs = append(in.UserIDs, guli.ParseID(s))
	}
	if len(in.UserIDs) == 0 {
		// The form credits those ticked; the API's "everyone checked in"
		// would credit the class's pupils too.
		h.renderRoster(w, r, 0, guli.Invalid("user_ids", guli.FRRequired))
		return nil
	}
	if _, err := h.TimeBank.CreditRoster(r.Context(), id, in); err != nil {
		h.renderRoster(w, r, 0, err)
		return nil
	}
	back(w, r, "/desk/activities/"+id.String(), "hours_credited")
	return nil
}

// rosterAction does something for the person a roster form names and goes
// back to the roster, or shows it with what went wrong.
func (h *Handlers) rosterAction(w http.ResponseWriter, r *http.Request, do func(ctx context.Context, activity, user guli.ID) error, notice string) {
	if !h.parseForm(w, r) {
		return
	}
	id := core.PathID(r, "id")
	if err := do(r.Context(), id, guli.ParseID(r.PostForm.Get("user_id"))); err != nil {
		h.renderRoster(w, r, 0, err)
		return
	}
	back(w, r, "/desk/activities/"+id.String(), notice)
}

// findResidents searches accounts for the staff's forms; a failed search
// shows its error above the form.
func (h *Handlers) findResidents(r *http.Request, v *core.View, query string) []*guli.User {
	if query == "" {
		return nil
	}
	page, err := h.Accounts.FindUsers(r.Context(), query, guli.ListOptions{Limit: 20})
	if err != nil {
		h.FormError(v, err)
	}
	return page.Items
}

// CancelActivity cancels an activity; everyone registered is told.
func (h *Handlers) CancelActivity(w http.ResponseWriter, r *http.Request) error {
	if _, ok := h.requireLogin(w, r); !ok {
		return nil
	}
	if !h.parseForm(w, r) {
		return nil
	}
	id := core.PathID(r, "id")
	if err := h.Activities.CancelActivity(r.Context(), id); err != nil {
		h.renderRoster(w, r, 0, err)
		return nil
	}
	back(w, r, "/desk/activities/"+id.String(), "activity_cancelled")
	return nil
}

type doorData struct {
	Code    *guli.CheckinCode
	QRPath  string
	Station *guli.Station
}

// Door is the screen at the door: today's QR code, large, refreshed
// now and then so it follows the day.
func (h *Handlers) Door(w http.ResponseWriter, r *http.Request) error {
	if _, ok := h.requireStaff(w, r); !ok {
		return nil
	}
	v := h.NewView(r, "door.title", "desk")
	if v.Station == nil {
		h.RenderError(w, r, http.StatusNotFound)
		return nil
	}
	code, err := h.Visits.CheckinCode(r.Context(), v.Station.ID)
	if err != nil {
		return err
	}
	v.Refresh = 600 // the code changes at midnight; the screen follows within ten minutes
	v.Data = doorData{Code: code, QRPath: "/api/v1/stations/" + v.Station.ID.String() + "/checkin-code.png", Station: v.Station}
	h.Render(w, r, http.StatusOK, "door", v)
	return nil
}

// NewActivity is the form staff and talents create activities with.
func (h *Handlers) NewActivity(w http.ResponseWriter, r *http.Request) error {
	u, ok := h.requireLogin(w, r)
	if !ok {
		return nil
	}
	if !u.IsStaff() && !u.Has(guli.RoleTalent) {
		h.RenderError(w, r, http.StatusForbidden)
		return nil
	}
	v := h.NewView(r, "newactivity.title", "desk")
	v.Form["category"], v.Form["weeks"], v.Form["capacity"] = "class", "1", "20"
	v.Form["date"] = h.TimeNow().In(core.DefaultZone).AddDate(0, 0, 1).Format(time.DateOnly)
	v.Form["from"], v.Form["to"] = "09:30", "11:00"
	v.Data = h.newActivityData(r, v)
	if d := v.Data.(*newActivityData); d.StationRule != nil {
		v.Form["age_rule"] = "1" // the station's rule by a council's resolution, unless staff untick it
	}
	h.Render(w, r, http.StatusOK, "new_activity", v)
	return nil
}

// NewActivityPost creates the activity, or a weekly series.
func (h *Handlers) NewActivityPost(w http.ResponseWriter, r *http.Request) error {
	if _, ok := h.requireLogin(w, r); !ok {
		return nil
	}
	if !h.parseForm(w, r) {
		return nil
	}
	v := h.NewView(r, "newactivity.title", "desk")
	v.Data = h.newActivityData(r, v)
	for _, f := range []string{"title", "description", "category", "date", "from", "to", "capacity", "room_id", "weeks", "age_rule"} {
		v.Form[f] = r.PostForm.Get(f)
	}
	if v.Station == nil {
		h.RenderError(w, r, http.StatusNotFound)
		return nil
	}
	loc := v.Station.Location()
	in := guli.ActivityInput{StationID: v.Station.ID, Title: v.Form["title"], Description: v.Form["description"],
		Category: v.Form["category"], Start: formTime(v.Form["date"], v.Form["from"], loc), End: formTime(v.Form["date"], v.Form["to"], loc)}
	// Empty is the default (unlimited, one week); anything else that is not
	// a number is refused next to its field, never taken as a default.
	if strings.TrimSpace(v.Form["capacity"]) != "" {
		in.Capacity = formInt(v.Form["capacity"])
	}
	if v.Form["room_id"] != "" {
		in.RoomID = guli.ParseID(v.Form["room_id"])
	}
	if weeks := strings.TrimSpace(v.Form["weeks"]); weeks != "" && weeks != "1" {
		in.Repeat = &guli.Repeat{WeeklyCount: formInt(weeks)}
	}
	// The form always says: ticked is the rule (the station's, else the
	// residents' council's age), unticked is none.
	in.AgeRuleSet = true
	if v.Form["age_rule"] == "1" {
		in.AgeRule = &guli.AgeRule{EmergencyContactFromAge: v.Data.(*newActivityData).RuleAge()}
	}
	items, err := h.Activities.CreateActivities(r.Context(), in)
	if err != nil {
		status := h.FormError(v, err)
		v.RenameErrors(map[string]string{"start": "from", "end": "to", "repeat": "weeks"})
		h.Render(w, r, status, "new_activity", v)
		return nil
	}
	back(w, r, "/activities/"+items[0].ID.String(), "activity_created")
	return nil
}

// newActivityData is what the new-activity form offers: the categories,
// and the age rule a council's resolution made the station's.
type newActivityData struct {
	Categories  []string
	StationRule *guli.AgeRule
}

// RuleAge is the age the form's rule box stands for.
func (d *newActivityData) RuleAge() int {
	if d.StationRule != nil {
		return d.StationRule.EmergencyContactFromAge
	}
	return guli.CouncilEmergencyContactAge
}

func (h *Handlers) newActivityData(r *http.Request, v *core.View) *newActivityData {
	d := &newActivityData{Categories: guli.Categories}
	if v.Station != nil {
		d.StationRule = h.stationAgeRule(r, v.Station.ID)
	}
	return d
}
