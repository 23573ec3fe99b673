package api

import (
	"encoding/json"
	"net/http"
	"time"

	"guli"
	"guli/web/core"
)

// teamView is a team as anyone may read it: its members by name only.
// Those who manage the team (its station's staff, its leaders) see who
// each member is, to take them out.
type teamView struct {
	ID          core.WireID    `json:"id"`
	StationID   core.WireID    `json:"station_id"`
	Name        string         `json:"name"`
	Kind        string         `json:"kind"`
	Description string         `json:"description"`
	LeaderNames []string       `json:"leader_names"`
	MemberCount int            `json:"member_count"`
	PhotoID     *core.WireID   `json:"photo_id,omitempty"`
	Photo       *photoView     `json:"photo,omitempty"`
	CreatedAt   time.Time      `json:"created_at"`
	Members     []memberView   `json:"members,omitempty"`
	Upcoming    []activityView `json:"upcoming_activities,omitempty"`
}

type memberView struct {
	UserID *core.WireID `json:"user_id,omitempty"`
	Name   string       `json:"name"`
	Role   string       `json:"role"`
	// Child says a child under 14, shown without a name.
	Child bool `json:"child,omitempty"`
}

func viewMember(m *guli.TeamMember, manager bool) memberView {
	v := memberView{Name: m.Name, Role: m.Role, Child: m.Child}
	if manager {
		v.UserID = core.OptionalWireID(m.UserID)
	}
	return v
}

// viewTeam is a team as a list shows it: who leads it, how many are in it.
func viewTeam(t *guli.Team) teamView {
	leaders := t.LeaderNames
	if leaders == nil {
		leaders = []string{}
	}
	v := teamView{ID: core.WireID(t.ID), StationID: core.WireID(t.StationID), Name: t.Name, Kind: t.Kind, Description: t.Description,
		LeaderNames: leaders, MemberCount: t.MemberCount, PhotoID: core.OptionalWireID(t.PhotoID), CreatedAt: t.CreatedAt}
	if t.PhotoID != 0 {
		p := viewPhoto(&guli.Photo{ID: t.PhotoID, Width: t.PhotoWidth, Height: t.PhotoHeight})
		v.Photo = &p
	}
	return v
}

// fullTeam is one team with its members and upcoming classes.
func (h *Handlers) fullTeam(r *http.Request, t *guli.Team) (teamView, error) {
	viewer := guli.UserFromContext(r.Context())
	v := viewTeam(t)
	manager := t.Manages(viewer)
	v.Members = make([]memberView, len(t.Members))
	for i := range t.Members {
		v.Members[i] = viewMember(&t.Members[i], manager)
	}
	classes, err := h.Teams.UpcomingClasses(r.Context(), t.ID, 20)
	if err != nil {
		return v, err
	}
	v.Upcoming = make([]activityView, len(classes))
	for i, a := range classes {
		v.Upcoming[i] = viewActivity(a)
	}
	return v, nil
}

func (h *Handlers) CreateTeam(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var body struct {
		StationID   core.WireID `json:"station_id"`
		Name        string      `json:"name"`
		Kind        string      `json:"kind"`
		Description string      `json:"description"`
		LeaderID    core.WireID `json:"leader_user_id"`
		PhotoID     core.WireID `json:"photo_id"`
	}
	if err := decode(r, &body); err != nil {
		return 0, nil, err
	}
	t, err := h.Teams.CreateTeam(r.Context(), guli.TeamInput{StationID: guli.ID(body.StationID), Name: body.Name, Kind: body.Kind,
		Description: body.Description, LeaderID: guli.ID(body.LeaderID), PhotoID: guli.ID(body.PhotoID)})
	if err != nil {
		return 0, nil, err
	}
	v, err := h.fullTeam(r, t)
	return created(v, err)
}

// ListTeams lists teams, of a station and a kind; leaders by name.
func (h *Handlers) ListTeams(w http.ResponseWriter, r *http.Request) (int, any, error) {
	opts, err := listOptions(r)
	if err != nil {
		return 0, nil, err
	}
	q := r.URL.Query()
	f := guli.TeamFilter{Kind: q.Get("kind"), ListOptions: opts}
	if v := q.Get("station_id"); v != "" {
		if f.StationID = guli.ParseID(v); f.StationID == guli.NoID {
			return 0, nil, guli.Invalid("station_id", guli.FRInvalid)
		}
	}
	page, err := h.Teams.Teams(r.Context(), f)
	return listOf(page, err, viewTeam)
}

func (h *Handlers) Team(w http.ResponseWriter, r *http.Request) (int, any, error) {
	t, err := h.Teams.Team(r.Context(), core.PathID(r, "id"))
	if err != nil {
		return 0, nil, err
	}
	return ok(h.fullTeam(r, t))
}

// UpdateTeam changes a team's photo: photo_id, a photo the caller uploaded
// (POST /photos), replaces the one it had; null takes it away.
func (h *Handlers) UpdateTeam(w http.ResponseWriter, r *http.Request) (int, any, error) {
	if _, err := guli.RequireUser(r.Context()); err != nil {
		return 0, nil, err
	}
	var body struct {
		PhotoID json.RawMessage `json:"photo_id"`
	}
	if err := decode(r, &body); err != nil {
		return 0, nil, err
	}
	if len(body.PhotoID) == 0 {
		return 0, nil, guli.Invalid("photo_id", guli.FRRequired)
	}
	var photo core.WireID // 0 for null only: anything else not an id is guli.NoID
	if err := json.Unmarshal(body.PhotoID, &photo); err != nil {
		return 0, nil, guli.Invalid("photo_id", guli.FRWrongType)
	}
	t, err := h.Teams.SetTeamPhoto(r.Context(), core.PathID(r, "id"), guli.ID(photo))
	if err != nil {
		return 0, nil, err
	}
	return ok(h.fullTeam(r, t))
}

func (h *Handlers) AddTeamMember(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var body struct {
		UserID core.WireID `json:"user_id"`
		Role   string      `json:"role"`
	}
	if err := decode(r, &body); err != nil {
		return 0, nil, err
	}
	m, err := h.Teams.AddMember(r.Context(), core.PathID(r, "id"), guli.MemberInput{UserID: guli.ID(body.UserID), Role: body.Role})
	return created(view(m, err, func(m *guli.TeamMember) memberView { return viewMember(m, true) }))
}

func (h *Handlers) RemoveTeamMember(w http.ResponseWriter, r *http.Request) (int, any, error) {
	if err := h.Teams.RemoveMember(r.Context(), core.PathID(r, "id"), core.PathID(r, "user_id")); err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, nil
}

// nominationView is a nomination, for its station's staff and whoever
// filed it.
type nominationView struct {
	ID        core.WireID  `json:"id"`
	StationID core.WireID  `json:"station_id"`
	AreaID    core.WireID  `json:"area_id"`
	Committee string       `json:"committee"`
	UserID    core.WireID  `json:"user_id"`
	Nominee   string       `json:"nominee_name"`
	Skill     string       `json:"skill"`
	Reason    string       `json:"reason"`
	Status    string       `json:"status"`
	FiledBy   string       `json:"filed_by_name"`
	StudioID  *core.WireID `json:"studio_id,omitempty"`
	CreatedAt time.Time    `json:"created_at"`
	DecidedAt *time.Time   `json:"decided_at,omitempty"`
}

func viewNomination(n *guli.Nomination) nominationView {
	v := nominationView{ID: core.WireID(n.ID), StationID: core.WireID(n.StationID), AreaID: core.WireID(n.AreaID), Committee: n.Committee,
		UserID: core.WireID(n.NomineeID), Nominee: n.Nominee, Skill: n.Skill, Reason: n.Reason, Status: n.Status, FiledBy: n.FiledName,
		StudioID: core.OptionalWireID(n.StudioID), CreatedAt: n.CreatedAt}
	if !n.DecidedAt.IsZero() {
		v.DecidedAt = &n.DecidedAt
	}
	return v
}

func (h *Handlers) Nominate(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var body struct {
		AreaID core.WireID `json:"area_id"`
		UserID core.WireID `json:"user_id"`
		Skill  string      `json:"skill"`
		Reason string      `json:"reason"`
	}
	if err := decode(r, &body); err != nil {
		return 0, nil, err
	}
	n, err := h.Teams.Nominate(r.Context(), guli.NominationInput{AreaID: guli.ID(body.AreaID), UserID: guli.ID(body.UserID), Skill: body.Skill, Reason: body.Reason})
	return created(view(n, err, viewNomination))
}

func (h *Handlers) ListNominations(w http.ResponseWriter, r *http.Request) (int, any, error) {
	opts, err := listOptions(r)
	if err != nil {
		return 0, nil, err
	}
	page, err := h.Teams.Nominations(r.Context(), core.PathID(r, "id"), r.URL.Query().Get("status"), opts)
	return listOf(page, err, viewNomination)
}

func (h *Handlers) ApproveNomination(w http.ResponseWriter, r *http.Request) (int, any, error) {
	n, err := h.Teams.Approve(r.Context(), core.PathID(r, "id"))
	return ok(view(n, err, viewNomination))
}

func (h *Handlers) DeclineNomination(w http.ResponseWriter, r *http.Request) (int, any, error) {
	n, err := h.Teams.Decline(r.Context(), core.PathID(r, "id"))
	return ok(view(n, err, viewNomination))
}
