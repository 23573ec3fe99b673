package api

import (
	"bytes"
	"encoding/json"
	"net/http"

	"guli"
	"guli/web/core"
)

// meView is a person's own account, phone and all.
type meView struct {
	ID               guli.ID                `json:"id"`
	Name             string                 `json:"name"`
	Phone            *string                `json:"phone"`
	Roles            []guli.Role            `json:"roles"`
	AreaID           *guli.ID               `json:"area_id"`
	BirthYear        *int                   `json:"birth_year"`
	EmergencyContact *guli.EmergencyContact `json:"emergency_contact"`
}

func viewMe(u *guli.User) meView {
	v := meView{ID: u.ID, Name: u.Name, Roles: u.Roles, EmergencyContact: u.EmergencyContact}
	if u.Phone != "" {
		v.Phone = &u.Phone
	}
	if u.AreaID != 0 {
		v.AreaID = &u.AreaID
	}
	if u.BirthYear != 0 {
		v.BirthYear = &u.BirthYear
	}
	return v
}

// userView is someone else's account: name and roles for anyone signed in;
// staff of the person's stations also see the area and the phone (masked in
// lists), and, of a staff member, where they work.
type userView struct {
	ID         guli.ID     `json:"id"`
	Name       string      `json:"name"`
	Roles      []guli.Role `json:"roles"`
	Phone      *string     `json:"phone,omitempty"`
	AreaID     *guli.ID    `json:"area_id,omitempty"`
	BirthYear  *int        `json:"birth_year,omitempty"`
	StationIDs []guli.ID   `json:"station_ids,omitempty"`
}

func viewUser(viewer, u *guli.User, inList bool) userView {
	v := userView{ID: u.ID, Name: u.Name, Roles: u.Roles}
	if viewer.IsStaff() && u.Has(guli.RoleStaff) {
		v.StationIDs = u.StaffStations
	}
	if !viewer.SeesPrivateDataOf(u) {
		return v
	}
	phone := u.Phone
	if inList {
		phone = guli.MaskPhone(phone)
	}
	v.Phone = &phone
	area := u.AreaID
	v.AreaID = &area
	if u.BirthYear != 0 {
		v.BirthYear = &u.BirthYear
	}
	return v
}

func (h *Handlers) Register(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var in guli.RegisterInput
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	in.ClientAddr = h.ClientAddr(r)
	u, err := h.Accounts.Register(r.Context(), in)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, map[string]any{"user": viewMe(u)}, nil
}

// Login signs in. The answer carries a device_token beside the session
// token: a client that sends it with later logins (as device_token, or the
// cookie pages get) is never refused for strangers' wrong guesses.
func (h *Handlers) Login(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var in guli.LoginInput
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	if in.DeviceToken == "" {
		in.DeviceToken = core.DeviceToken(r)
	}
	in.ClientAddr, in.Kind = h.ClientAddr(r), guli.SessionAPI
	sess, err := h.Accounts.Login(r.Context(), in)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string]any{"token": sess.Token, "device_token": sess.DeviceToken, "user": viewMe(sess.User)}, nil
}

func (h *Handlers) Logout(w http.ResponseWriter, r *http.Request) (int, any, error) {
	ri := core.Info(r)
	if ri.Token == "" {
		return 0, nil, guli.Errorf(guli.ECUnauthenticated)
	}
	if err := h.Accounts.Logout(r.Context(), ri.Token); err != nil {
		return 0, nil, err
	}
	if !ri.ViaBearer {
		h.ClearSessionCookie(w)
	}
	return http.StatusNoContent, nil, nil
}

func (h *Handlers) Me(w http.ResponseWriter, r *http.Request) (int, any, error) {
	u, err := guli.RequireUser(r.Context())
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, viewMe(u), nil
}

func (h *Handlers) UpdateMe(w http.ResponseWriter, r *http.Request) (int, any, error) {
	if _, err := guli.RequireUser(r.Context()); err != nil {
		return 0, nil, err
	}
	var body struct {
		Name             *string         `json:"name"`
		BirthYear        *int            `json:"birth_year"`
		EmergencyContact json.RawMessage `json:"emergency_contact"`
	}
	if err := decode(r, &body); err != nil {
		return 0, nil, err
	}
	in := guli.UpdateMeInput{Name: body.Name, BirthYear: body.BirthYear}
	switch ec := bytes.TrimSpace(body.EmergencyContact); {
	case len(ec) == 0:
	case bytes.Equal(ec, []byte("null")):
		in.ClearEmergencyContact = true
	default:
		in.EmergencyContact = &guli.EmergencyContact{}
		if err := json.Unmarshal(ec, in.EmergencyContact); err != nil {
			return 0, nil, guli.Invalid("emergency_contact", guli.FRWrongType)
		}
	}
	u, err := h.Accounts.UpdateMe(r.Context(), in)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, viewMe(u), nil
}

func (h *Handlers) CreateUser(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var in guli.NewUserInput
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	u, err := h.Accounts.CreateUser(r.Context(), in)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, viewUser(guli.UserFromContext(r.Context()), u, false), nil
}

func (h *Handlers) FindUsers(w http.ResponseWriter, r *http.Request) (int, any, error) {
	opts, err := listOptions(r)
	if err != nil {
		return 0, nil, err
	}
	page, err := h.Accounts.FindUsers(r.Context(), r.URL.Query().Get("q"), opts)
	viewer := guli.UserFromContext(r.Context())
	return listOf(page, err, func(u *guli.User) userView { return viewUser(viewer, u, true) })
}

func (h *Handlers) User(w http.ResponseWriter, r *http.Request) (int, any, error) {
	u, err := h.Accounts.User(r.Context(), core.PathID(r, "id"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, viewUser(guli.UserFromContext(r.Context()), u, false), nil
}

func (h *Handlers) SetRoles(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var in guli.RolesInput
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	if in.Roles == nil {
		return 0, nil, guli.Invalid("roles", guli.FRRequired)
	}
	u, err := h.Accounts.SetRoles(r.Context(), core.PathID(r, "id"), in)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, viewUser(guli.UserFromContext(r.Context()), u, false), nil
}

func (h *Handlers) SetVolunteerProfile(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var in guli.VolunteerProfileInput
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	return ok(h.Accounts.SetVolunteerProfile(r.Context(), in))
}
