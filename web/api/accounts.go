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
	ID               core.WireID       `json:"id"`
	Name             string            `json:"name"`
	Phone            *string           `json:"phone"`
	Roles            []guli.Role       `json:"roles"`
	AreaID           *core.WireID      `json:"area_id"`
	BirthYear        *int              `json:"birth_year"`
	EmergencyContact *emergencyContact `json:"emergency_contact"`
	Email            *string           `json:"email"`
	EmailOn          bool              `json:"email_on"`
}

// emergencyContact is who to call for a resident, alike in answers and in
// the bodies that set it.
type emergencyContact struct {
	Name  string `json:"name"`
	Phone string `json:"phone"`
}

func viewMe(u *guli.User) meView {
	v := meView{ID: core.WireID(u.ID), Name: u.Name, Roles: u.Roles, AreaID: core.OptionalWireID(u.AreaID)}
	if ec := u.EmergencyContact; ec != nil {
		v.EmergencyContact = &emergencyContact{Name: ec.Name, Phone: ec.Phone}
	}
	if u.Phone != "" {
		v.Phone = &u.Phone
	}
	if u.BirthYear != 0 {
		v.BirthYear = &u.BirthYear
	}
	if u.Email != "" {
		v.Email = &u.Email
	}
	v.EmailOn = u.Email != "" && !u.EmailOff
	return v
}

// userView is someone else's account: name and roles for anyone signed in;
// staff of the person's stations also see the area and the phone (masked in
// lists), and, of a staff member, where they work.
type userView struct {
	ID         core.WireID   `json:"id"`
	Name       string        `json:"name"`
	Roles      []guli.Role   `json:"roles"`
	Phone      *string       `json:"phone,omitempty"`
	AreaID     *core.WireID  `json:"area_id,omitempty"`
	BirthYear  *int          `json:"birth_year,omitempty"`
	Email      *string       `json:"email,omitempty"`
	StationIDs []core.WireID `json:"station_ids,omitempty"`
}

func viewUser(viewer, u *guli.User, inList bool) userView {
	v := userView{ID: core.WireID(u.ID), Name: u.Name, Roles: u.Roles}
	if viewer.IsStaff() && u.Has(guli.RoleStaff) {
		v.StationIDs = core.WireIDs(u.StaffStations)
	}
	if !viewer.SeesPrivateDataOf(u) {
		return v
	}
	phone := u.Phone
	if inList {
		phone = guli.MaskPhone(phone)
	}
	v.Phone = &phone
	if email := u.Email; email != "" {
		if inList {
			email = guli.MaskEmail(email)
		}
		v.Email = &email
	}
	area := core.WireID(u.AreaID)
	v.AreaID = &area
	if u.BirthYear != 0 {
		v.BirthYear = &u.BirthYear
	}
	return v
}

// registerBody is a resident signing up, as clients send it.
type registerBody struct {
	Name      string      `json:"name"`
	Phone     string      `json:"phone"`
	Password  string      `json:"password"`
	AreaID    core.WireID `json:"area_id"`
	BirthYear int         `json:"birth_year"`
	SMSCode   string      `json:"sms_code"`
}

func (h *Handlers) Register(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var b registerBody
	if err := decode(r, &b); err != nil {
		return 0, nil, err
	}
	in := guli.RegisterInput{Name: b.Name, Phone: b.Phone, Password: b.Password, AreaID: guli.ID(b.AreaID),
		BirthYear: b.BirthYear, SMSCode: b.SMSCode, ClientAddr: h.ClientAddr(r)}
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
	var body struct {
		Phone       string `json:"phone"`
		Password    string `json:"password"`
		DeviceToken string `json:"device_token"`
	}
	if err := decode(r, &body); err != nil {
		return 0, nil, err
	}
	in := guli.LoginInput{Phone: body.Phone, Password: body.Password, DeviceToken: body.DeviceToken}
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
		Email            *string         `json:"email"`
		EmailOn          *bool           `json:"email_on"`
	}
	if err := decode(r, &body); err != nil {
		return 0, nil, err
	}
	in := guli.UpdateMeInput{Name: body.Name, BirthYear: body.BirthYear, Email: body.Email, EmailOn: body.EmailOn}
	switch ec := bytes.TrimSpace(body.EmergencyContact); {
	case len(ec) == 0:
	case bytes.Equal(ec, []byte("null")):
		in.ClearEmergencyContact = true
	default:
		var contact emergencyContact
		if err := json.Unmarshal(ec, &contact); err != nil {
			return 0, nil, guli.Invalid("emergency_contact", guli.FRWrongType)
		}
		in.EmergencyContact = &guli.EmergencyContact{Name: contact.Name, Phone: contact.Phone}
	}
	u, err := h.Accounts.UpdateMe(r.Context(), in)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, viewMe(u), nil
}

// newUserBody is an account staff create for someone, as clients send it.
type newUserBody struct {
	Name      string      `json:"name"`
	Phone     string      `json:"phone"`
	Password  string      `json:"password"`
	AreaID    core.WireID `json:"area_id"`
	BirthYear int         `json:"birth_year"`
}

func (h *Handlers) CreateUser(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var b newUserBody
	if err := decode(r, &b); err != nil {
		return 0, nil, err
	}
	in := guli.NewUserInput{Name: b.Name, Phone: b.Phone, Password: b.Password, AreaID: guli.ID(b.AreaID), BirthYear: b.BirthYear}
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
	var body struct {
		Roles      []guli.Role   `json:"roles"`
		StationIDs []core.WireID `json:"station_ids"`
	}
	if err := decode(r, &body); err != nil {
		return 0, nil, err
	}
	if body.Roles == nil {
		return 0, nil, guli.Invalid("roles", guli.FRRequired)
	}
	in := guli.RolesInput{Roles: body.Roles, StationIDs: core.DomainIDs(body.StationIDs)}
	u, err := h.Accounts.SetRoles(r.Context(), core.PathID(r, "id"), in)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, viewUser(guli.UserFromContext(r.Context()), u, false), nil
}

// volunteerProfileView is what a volunteer can do, where and when.
type volunteerProfileView struct {
	UserID       core.WireID         `json:"user_id"`
	Skills       []string            `json:"skills"`
	AreaIDs      []core.WireID       `json:"area_ids"`
	Availability map[string][]string `json:"availability"`
}

func (h *Handlers) SetVolunteerProfile(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var body struct {
		Skills       []string            `json:"skills"`
		AreaIDs      []core.WireID       `json:"area_ids"`
		Availability map[string][]string `json:"availability"`
	}
	if err := decode(r, &body); err != nil {
		return 0, nil, err
	}
	in := guli.VolunteerProfileInput{Skills: body.Skills, AreaIDs: core.DomainIDs(body.AreaIDs), Availability: body.Availability}
	vp, err := h.Accounts.SetVolunteerProfile(r.Context(), in)
	return ok(view(vp, err, func(vp *guli.VolunteerProfile) volunteerProfileView {
		return volunteerProfileView{UserID: core.WireID(vp.UserID), Skills: vp.Skills, AreaIDs: core.WireIDs(vp.AreaIDs),
			Availability: vp.Availability.Map()}
	}))
}
