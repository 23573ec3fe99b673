package api

import (
	"net/http"
	"time"

	"guli"
	"guli/web/core"
)

// councilView is a council in the API.
type councilView struct {
	ID          core.WireID `json:"id"`
	StationID   core.WireID `json:"station_id"`
	Name        string      `json:"name"`
	Kind        string      `json:"kind"`
	MemberCount int         `json:"member_count"`
	CreatedAt   time.Time   `json:"created_at"`
}

func viewCouncil(c *guli.Council) councilView {
	return councilView{ID: core.WireID(c.ID), StationID: core.WireID(c.StationID), Name: c.Name, Kind: c.Kind,
		MemberCount: c.Members, CreatedAt: c.CreatedAt}
}

type councilMemberView struct {
	UserID  core.WireID `json:"user_id"`
	Name    string      `json:"name"`
	AddedAt time.Time   `json:"added_at"`
}

func (h *Handlers) CreateCouncil(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var body struct {
		StationID core.WireID `json:"station_id"`
		Name      string      `json:"name"`
		Kind      string      `json:"kind"`
	}
	if err := decode(r, &body); err != nil {
		return 0, nil, err
	}
	c, err := h.Councils.CreateCouncil(r.Context(), guli.CouncilInput{StationID: guli.ID(body.StationID), Name: body.Name, Kind: body.Kind})
	return created(view(c, err, viewCouncil))
}

func (h *Handlers) ListCouncils(w http.ResponseWriter, r *http.Request) (int, any, error) {
	opts, err := listOptions(r)
	if err != nil {
		return 0, nil, err
	}
	f := guli.CouncilFilter{ListOptions: opts}
	if v := r.URL.Query().Get("station_id"); v != "" {
		if f.StationID = guli.ParseID(v); f.StationID == guli.NoID {
			return 0, nil, guli.Invalid("station_id", guli.FRInvalid)
		}
	}
	page, err := h.Councils.Councils(r.Context(), f)
	return listOf(page, err, viewCouncil)
}

func (h *Handlers) Council(w http.ResponseWriter, r *http.Request) (int, any, error) {
	c, err := h.Councils.Council(r.Context(), core.PathID(r, "id"))
	return ok(view(c, err, viewCouncil))
}

func (h *Handlers) AddCouncilMember(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var body struct {
		UserID core.WireID `json:"user_id"`
	}
	if err := decode(r, &body); err != nil {
		return 0, nil, err
	}
	if body.UserID == 0 {
		return 0, nil, guli.Invalid("user_id", guli.FRRequired)
	}
	id := core.PathID(r, "id")
	if err := h.Councils.AddMember(r.Context(), id, guli.ID(body.UserID)); err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, struct {
		CouncilID core.WireID `json:"council_id"`
		UserID    core.WireID `json:"user_id"`
	}{core.WireID(id), body.UserID}, nil
}

func (h *Handlers) RemoveCouncilMember(w http.ResponseWriter, r *http.Request) (int, any, error) {
	if err := h.Councils.RemoveMember(r.Context(), core.PathID(r, "id"), core.PathID(r, "user")); err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, nil
}

func (h *Handlers) CouncilMembers(w http.ResponseWriter, r *http.Request) (int, any, error) {
	ms, err := h.Councils.Members(r.Context(), core.PathID(r, "id"))
	return listOf(guli.Page[*guli.CouncilMember]{Items: ms}, err, func(m *guli.CouncilMember) councilMemberView {
		return councilMemberView{UserID: core.WireID(m.UserID), Name: m.Name, AddedAt: m.AddedAt}
	})
}
