package api

import (
	"encoding/json"
	"net/http"
	"reflect"
	"time"

	"guli"
	"guli/web/core"
)

// activityView is an activity in the API.
type activityView struct {
	ID             core.WireID  `json:"id"`
	StationID      core.WireID  `json:"station_id"`
	SeriesID       *core.WireID `json:"series_id"`
	Title          string       `json:"title"`
	Description    string       `json:"description"`
	Category       string       `json:"category"`
	Start          time.Time    `json:"start"`
	End            time.Time    `json:"end"`
	Capacity       int          `json:"capacity"`
	RoomID         *core.WireID `json:"room_id"`
	RoomName       string       `json:"room_name,omitempty"`
	HostID         *core.WireID `json:"host_id"`
	HostName       string       `json:"host_name,omitempty"`
	AgeRule        *ageRule     `json:"age_rule"`
	MinAge         int          `json:"min_age"`
	MaxAge         int          `json:"max_age"`
	Status         string       `json:"status"`
	ConfirmedCount int          `json:"confirmed_count"`
	WaitlistCount  int          `json:"waitlist_count"`
	PlacesLeft     *int         `json:"places_left"` // null: unlimited
}

// ageRule is an activity's age rule, alike in answers and in the bodies
// that set it.
type ageRule struct {
	EmergencyContactFromAge int `json:"emergency_contact_from_age"`
	// ResolutionID is the council resolution the rule rests on; answers
	// only.
	ResolutionID *core.WireID `json:"resolution_id,omitempty"`
}

func viewAgeRule(r *guli.AgeRule) *ageRule {
	if r == nil {
		return nil
	}
	return &ageRule{EmergencyContactFromAge: r.EmergencyContactFromAge, ResolutionID: core.OptionalWireID(r.ResolutionID)}
}

// ageRuleField tells an age_rule of null (no rule) from one not sent
// (the station's default).
type ageRuleField struct {
	set  bool
	rule *ageRule
}

func (f *ageRuleField) UnmarshalJSON(b []byte) error {
	f.set = true
	if string(b) == "null" {
		return nil
	}
	f.rule = &ageRule{}
	if err := json.Unmarshal(b, f.rule); err != nil {
		return &json.UnmarshalTypeError{Value: "age_rule", Type: reflect.TypeOf(f.rule)}
	}
	return nil
}

func (r *ageRule) domain() *guli.AgeRule {
	if r == nil {
		return nil
	}
	return &guli.AgeRule{EmergencyContactFromAge: r.EmergencyContactFromAge}
}

// activityDetail adds the signed-in reader's registration (null when none).
type activityDetail struct {
	activityView
	MyRegistration *registrationView `json:"my_registration"`
}

type registrationView struct {
	Status   string `json:"status"`
	Position int    `json:"position,omitempty"`
}

func viewActivity(a *guli.Activity) activityView {
	v := activityView{ID: core.WireID(a.ID), StationID: core.WireID(a.StationID), SeriesID: core.OptionalWireID(a.SeriesID), Title: a.Title,
		Description: a.Description, Category: a.Category, Start: a.Start, End: a.End, Capacity: a.Capacity,
		RoomID: core.OptionalWireID(a.RoomID), RoomName: a.RoomName, HostID: core.OptionalWireID(a.HostID), HostName: a.HostName,
		AgeRule: viewAgeRule(a.AgeRule), MinAge: a.MinAge, MaxAge: a.MaxAge, Status: a.Status, ConfirmedCount: a.ConfirmedCount, WaitlistCount: a.WaitlistCount}
	if left := a.PlacesLeft(); left >= 0 {
		v.PlacesLeft = &left
	}
	return v
}

func viewRegistration(r *guli.Registration) *registrationView {
	if r == nil {
		return nil
	}
	return &registrationView{Status: r.Status, Position: r.Position}
}

// activityBody is an activity, or a weekly series, as clients send it.
type activityBody struct {
	StationID   core.WireID  `json:"station_id"`
	Title       string       `json:"title"`
	Description string       `json:"description"`
	Category    string       `json:"category"`
	Start       string       `json:"start"`
	End         string       `json:"end"`
	Capacity    int          `json:"capacity"`
	RoomID      core.WireID  `json:"room_id"`
	HostID      core.WireID  `json:"host_id"`
	AgeRule     ageRuleField `json:"age_rule"`
	MinAge      int          `json:"min_age"`
	MaxAge      int          `json:"max_age"`
	Repeat      *struct {
		WeeklyCount int `json:"weekly_count"`
	} `json:"repeat"`
}

func (b *activityBody) input() (guli.ActivityInput, error) {
	p := guli.Problems{}
	in := guli.ActivityInput{StationID: guli.ID(b.StationID), Title: b.Title, Description: b.Description, Category: b.Category,
		Start: wireTime(p, "start", b.Start), End: wireTime(p, "end", b.End), Capacity: b.Capacity, RoomID: guli.ID(b.RoomID),
		HostID: guli.ID(b.HostID), AgeRule: b.AgeRule.rule.domain(), AgeRuleSet: b.AgeRule.set,
		MinAge: b.MinAge, MaxAge: b.MaxAge}
	if b.Repeat != nil {
		in.Repeat = &guli.Repeat{WeeklyCount: b.Repeat.WeeklyCount}
	}
	if len(p) == 0 {
		return in, nil
	}
	_, err := in.Validate()
	return in, withWireProblems(p, err)
}

func (h *Handlers) CreateActivities(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var body activityBody
	if err := decode(r, &body); err != nil {
		return 0, nil, err
	}
	in, err := body.input()
	if err != nil {
		return 0, nil, err
	}
	items, err := h.Activities.CreateActivities(r.Context(), in)
	_, out, err := listOf(guli.Page[*guli.Activity]{Items: items}, err, viewActivity)
	return http.StatusCreated, out, err
}

// activityFilter reads the list filters of /activities; an absent from means
// the start of today in the station's zone.
func activityFilter(r *http.Request, now time.Time) (guli.ActivityFilter, error) {
	q := r.URL.Query()
	f := guli.ActivityFilter{Category: q.Get("category"), Query: q.Get("q")}
	p := guli.Problems{}
	switch q.Get("for_children") {
	case "", "false":
	case "true":
		f.ForChildren = true
	default:
		p.Add("for_children", guli.FRInvalid)
	}
	if v := q.Get("station_id"); v != "" {
		f.StationID = guli.ParseID(v)
	}
	from, to, err := timeRange(r)
	if err != nil {
		for field, reason := range guli.AsError(err).Fields {
			p.Add(field, reason)
		}
	}
	f.From, f.To = from, to
	if f.From.IsZero() {
		f.From = core.StartOfDay(now, core.DefaultZone)
	}
	if err := f.Validate(); err != nil {
		for field, reason := range guli.AsError(err).Fields {
			p.Add(field, reason)
		}
	}
	return f, p.Err()
}

// parseTimeOrDate takes RFC 3339, or a bare date meaning its midnight in
// China's zone.
func parseTimeOrDate(v string) (time.Time, bool) {
	if t, err := time.Parse(time.RFC3339, v); err == nil && guli.PlausibleTime(t) {
		return t, true
	}
	t, err := time.ParseInLocation(time.DateOnly, v, core.DefaultZone)
	return t, err == nil
}

func (h *Handlers) ListActivities(w http.ResponseWriter, r *http.Request) (int, any, error) {
	opts, err := listOptions(r)
	if err != nil {
		return 0, nil, err
	}
	f, err := activityFilter(r, h.TimeNow())
	if err != nil {
		return 0, nil, err
	}
	page, err := h.Activities.Activities(r.Context(), f, opts)
	return listOf(page, err, viewActivity)
}

func (h *Handlers) Activity(w http.ResponseWriter, r *http.Request) (int, any, error) {
	a, err := h.Activities.Activity(r.Context(), core.PathID(r, "id"))
	if err != nil {
		return 0, nil, err
	}
	if guli.UserFromContext(r.Context()) == nil {
		return http.StatusOK, viewActivity(a), nil
	}
	return http.StatusOK, activityDetail{viewActivity(a), viewRegistration(a.MyRegistration)}, nil
}

func (h *Handlers) RegisterForActivity(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var body struct {
		UserID core.WireID `json:"user_id"`
	}
	if err := decode(r, &body); err != nil {
		return 0, nil, err
	}
	reg, err := h.Activities.Register(r.Context(), core.PathID(r, "id"), guli.ID(body.UserID))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, viewRegistration(reg), nil
}

// CancelRegistration gives up a place: /registrations/me for one's own,
// /registrations/{user_id} for staff acting for a resident.
func (h *Handlers) CancelRegistration(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var user guli.ID
	if who := r.PathValue("user"); who != "me" {
		user = guli.ParseID(who)
	}
	if err := h.Activities.CancelRegistration(r.Context(), core.PathID(r, "id"), user); err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, nil
}

// registrationItem is a line of an activity's roster.
type registrationItem struct {
	UserID    core.WireID `json:"user_id"`
	Name      string      `json:"name"`
	Status    string      `json:"status"`
	Position  *int        `json:"position"`
	CheckedIn bool        `json:"checked_in"`
	// Child is set, and the name left out, for a child under 14 on a
	// roster read by anyone but the station's staff.
	Child bool `json:"child,omitempty"`
}

func (h *Handlers) ListRegistrations(w http.ResponseWriter, r *http.Request) (int, any, error) {
	regs, err := h.Activities.Registrations(r.Context(), core.PathID(r, "id"))
	return listOf(guli.Page[*guli.Registration]{Items: regs}, err, func(g *guli.Registration) registrationItem {
		it := registrationItem{UserID: core.WireID(g.UserID), Name: g.Name, Status: g.Status, CheckedIn: g.CheckedIn, Child: g.Child}
		if g.Status == guli.RegWaitlisted {
			it.Position = &g.Position
		}
		return it
	})
}

func (h *Handlers) Attendance(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var body struct {
		UserID core.WireID `json:"user_id"`
	}
	if err := decode(r, &body); err != nil {
		return 0, nil, err
	}
	id := core.PathID(r, "id")
	if err := h.Activities.CheckIn(r.Context(), id, guli.ID(body.UserID)); err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, map[string]any{"activity_id": core.WireID(id), "user_id": body.UserID, "checked_in": true}, nil
}

func (h *Handlers) CancelActivity(w http.ResponseWriter, r *http.Request) (int, any, error) {
	if err := h.Activities.CancelActivity(r.Context(), core.PathID(r, "id")); err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, nil
}

// myActivityView is one of my activities with my place in it.
type myActivityView struct {
	activityView
	MyRegistration *registrationView `json:"my_registration"`
}

func (h *Handlers) ListMyActivities(w http.ResponseWriter, r *http.Request) (int, any, error) {
	from := h.TimeNow().Add(-12 * time.Hour)
	if v := r.URL.Query().Get("from"); v != "" {
		t, ok := parseTimeOrDate(v)
		if !ok {
			return 0, nil, guli.Invalid("from", guli.FRTime)
		}
		from = t
	}
	var items []*guli.Activity
	var err error
	if v := r.URL.Query().Get("user_id"); v != "" {
		// A guardian reads a dependent's places.
		items, err = h.Activities.ActivitiesOf(r.Context(), guli.ParseID(v), from)
	} else {
		items, err = h.Activities.MyActivities(r.Context(), from)
	}
	return listOf(guli.Page[*guli.Activity]{Items: items}, err, func(a *guli.Activity) myActivityView {
		return myActivityView{viewActivity(a), viewRegistration(a.MyRegistration)}
	})
}
