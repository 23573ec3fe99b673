package web

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
func (s *Server) requireStaff(w http.ResponseWriter, r *http.Request) (*guli.User, bool) {
	u, ok := s.requireLogin(w, r)
	if !ok {
		return nil, false
	}
	if !u.IsStaff() {
		s.RenderError(w, r, http.StatusForbidden)
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

// pageDesk is the staff desk for today: the day's activities with their
// rosters, the visitor counter and the door's QR code.
func (s *Server) pageDesk(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requireStaff(w, r); !ok {
		return
	}
	v := s.NewView(r, "desk.title", "desk")
	if v.Station == nil {
		s.RenderError(w, r, http.StatusNotFound)
		return
	}
	d, err := s.deskData(r, v.Station)
	if err != nil {
		s.RenderError(w, r, core.StatusOf(guli.ErrorCode(err)))
		return
	}
	v.Data = d
	s.Render(w, r, http.StatusOK, "desk", v)
}

func (s *Server) deskData(r *http.Request, st *guli.Station) (*deskData, error) {
	today := core.StartOfDay(s.TimeNow(), st.Location())
	d := &deskData{Today: today, Purposes: guli.VisitPurposes}
	page, err := s.Activities.Activities(r.Context(), guli.ActivityFilter{StationID: st.ID, From: today, To: today.AddDate(0, 0, 1)},
		guli.ListOptions{Limit: guli.MaxLimit})
	if err != nil {
		return nil, err
	}
	d.Activities = page.Items
	d.Tally, err = s.Visits.Tally(r.Context(), st.ID, guli.DateOf(today))
	return d, err
}

// pageDeskVisit counts walk-ins with the +1 buttons. With htmx only the
// counter is sent back; without JavaScript the desk page reloads.
func (s *Server) pageDeskVisit(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requireStaff(w, r); !ok {
		return
	}
	if !s.parseForm(w, r) {
		return
	}
	v := s.NewView(r, "desk.title", "desk")
	if v.Station == nil {
		s.RenderError(w, r, http.StatusNotFound)
		return
	}
	n, err := strconv.Atoi(r.PostForm.Get("count"))
	if err != nil {
		n = 1
	}
	if _, err := s.Visits.RecordVisit(r.Context(), v.Station.ID, guli.VisitInput{Count: &n, Purpose: r.PostForm.Get("purpose")}); err != nil {
		s.RenderError(w, r, core.StatusOf(guli.ErrorCode(err)))
		return
	}
	if r.Header.Get("HX-Request") == "true" {
		d, err := s.deskData(r, v.Station)
		if err != nil {
			s.RenderError(w, r, core.StatusOf(guli.ErrorCode(err)))
			return
		}
		v.Data = d
		s.RenderPartial(w, r, "desk", "tally", v)
		return
	}
	back(w, r, "/desk", "")
}

type rosterData struct {
	Activity *guli.Activity
	Roster   []*guli.Registration
	Query    string
	Found    []*guli.User
}

// pageRoster is an activity's roster at the desk: check people in, and
// register walk-ins and residents without phones on their behalf.
func (s *Server) pageRoster(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requireLogin(w, r); !ok {
		return
	}
	s.renderRoster(w, r, http.StatusOK, nil)
}

func (s *Server) renderRoster(w http.ResponseWriter, r *http.Request, status int, failure error) {
	id := core.PathID(r, "id")
	a, err := s.Activities.Activity(r.Context(), id)
	if err != nil {
		s.RenderError(w, r, core.StatusOf(guli.ErrorCode(err)))
		return
	}
	roster, err := s.Activities.Registrations(r.Context(), id)
	if err != nil {
		s.RenderError(w, r, core.StatusOf(guli.ErrorCode(err)))
		return
	}
	v := s.NewView(r, "desk.roster", "desk")
	d := rosterData{Activity: a, Roster: roster, Query: strings.TrimSpace(r.URL.Query().Get("q"))}
	v.Form["q"] = d.Query
	if v.User.IsStaff() {
		d.Found = s.findResidents(r, v, d.Query)
	}
	if failure != nil {
		status = s.FormError(v, failure)
	}
	v.Data = d
	s.Render(w, r, status, "roster", v)
}

// pageRosterCheckIn ticks a person off as present.
func (s *Server) pageRosterCheckIn(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requireLogin(w, r); ok {
		s.rosterAction(w, r, s.Activities.CheckIn, "checked_in")
	}
}

// pageRosterRegister registers a resident on their behalf.
func (s *Server) pageRosterRegister(w http.ResponseWriter, r *http.Request) {
	register := func(ctx context.Context, activity, user guli.ID) error {
		_, err := s.Activities.Register(ctx, activity, user)
		return err
	}
	if _, ok := s.requireStaff(w, r); ok {
		s.rosterAction(w, r, register, "registered_for")
	}
}

// rosterAction does something for the person a roster form names and goes
// back to the roster, or shows it with what went wrong.
func (s *Server) rosterAction(w http.ResponseWriter, r *http.Request, do func(ctx context.Context, activity, user guli.ID) error, notice string) {
	if !s.parseForm(w, r) {
		return
	}
	id := core.PathID(r, "id")
	if err := do(r.Context(), id, guli.ParseID(r.PostForm.Get("user_id"))); err != nil {
		s.renderRoster(w, r, 0, err)
		return
	}
	back(w, r, "/desk/activities/"+id.String(), notice)
}

// findResidents searches accounts for the staff's forms; a failed search
// shows its error above the form.
func (s *Server) findResidents(r *http.Request, v *core.View, query string) []*guli.User {
	if query == "" {
		return nil
	}
	page, err := s.Accounts.FindUsers(r.Context(), query, guli.ListOptions{Limit: 20})
	if err != nil {
		s.FormError(v, err)
	}
	return page.Items
}

// pageCancelActivity cancels an activity; everyone registered is told.
func (s *Server) pageCancelActivity(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requireLogin(w, r); !ok {
		return
	}
	if !s.parseForm(w, r) {
		return
	}
	id := core.PathID(r, "id")
	if err := s.Activities.CancelActivity(r.Context(), id); err != nil {
		s.renderRoster(w, r, 0, err)
		return
	}
	back(w, r, "/desk/activities/"+id.String(), "activity_cancelled")
}

type doorData struct {
	Code    *guli.CheckinCode
	QRPath  string
	Station *guli.Station
}

// pageDoor is the screen at the door: today's QR code, large, refreshed
// now and then so it follows the day.
func (s *Server) pageDoor(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requireStaff(w, r); !ok {
		return
	}
	v := s.NewView(r, "door.title", "desk")
	if v.Station == nil {
		s.RenderError(w, r, http.StatusNotFound)
		return
	}
	code, err := s.Visits.CheckinCode(r.Context(), v.Station.ID)
	if err != nil {
		s.RenderError(w, r, core.StatusOf(guli.ErrorCode(err)))
		return
	}
	v.Refresh = 600 // the code changes at midnight; the screen follows within ten minutes
	v.Data = doorData{Code: code, QRPath: "/api/v1/stations/" + v.Station.ID.String() + "/checkin-code.png", Station: v.Station}
	s.Render(w, r, http.StatusOK, "door", v)
}

// pageNewActivity is the form staff and talents create activities with.
func (s *Server) pageNewActivity(w http.ResponseWriter, r *http.Request) {
	u, ok := s.requireLogin(w, r)
	if !ok {
		return
	}
	if !u.IsStaff() && !u.Has(guli.RoleTalent) {
		s.RenderError(w, r, http.StatusForbidden)
		return
	}
	v := s.NewView(r, "newactivity.title", "desk")
	v.Form["category"], v.Form["weeks"], v.Form["capacity"] = "class", "1", "20"
	v.Form["date"] = s.TimeNow().In(core.DefaultZone).AddDate(0, 0, 1).Format(time.DateOnly)
	v.Form["from"], v.Form["to"] = "09:30", "11:00"
	v.Data = guli.Categories
	s.Render(w, r, http.StatusOK, "new_activity", v)
}

// pageNewActivityPost creates the activity, or a weekly series.
func (s *Server) pageNewActivityPost(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requireLogin(w, r); !ok {
		return
	}
	if !s.parseForm(w, r) {
		return
	}
	v := s.NewView(r, "newactivity.title", "desk")
	v.Data = guli.Categories
	for _, f := range []string{"title", "description", "category", "date", "from", "to", "capacity", "room_id", "weeks", "age_rule"} {
		v.Form[f] = r.PostForm.Get(f)
	}
	if v.Station == nil {
		s.RenderError(w, r, http.StatusNotFound)
		return
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
	if v.Form["age_rule"] == "1" {
		in.AgeRule = &guli.AgeRule{EmergencyContactFromAge: guli.CouncilEmergencyContactAge}
	}
	items, err := s.Activities.CreateActivities(r.Context(), in)
	if err != nil {
		status := s.FormError(v, err)
		v.RenameErrors(map[string]string{"start": "from", "end": "to", "repeat": "weeks"})
		s.Render(w, r, status, "new_activity", v)
		return
	}
	back(w, r, "/activities/"+items[0].ID.String(), "activity_created")
}
