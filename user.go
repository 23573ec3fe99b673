package guli

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Role is one of the fixed roles a user may hold; a user holds a set.
type Role string

const (
	RoleResident  Role = "resident"
	RoleVolunteer Role = "volunteer"
	RoleTalent    Role = "talent"
	RoleStaff     Role = "staff"
	RoleAdmin     Role = "admin"
)

// AllRoles lists the roles in their canonical order.
var AllRoles = []Role{RoleResident, RoleVolunteer, RoleTalent, RoleStaff, RoleAdmin}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return slices.Contains(AllRoles, r) }

// Privileged roles can only be granted or taken away by an admin.
func (r Role) Privileged() bool { return r == RoleStaff || r == RoleAdmin }

// SortRoles returns roles without duplicates in canonical order. Unknown
// roles are kept, at the end, so validation can refuse them.
func SortRoles(roles []Role) []Role {
	out := make([]Role, 0, len(roles))
	for _, r := range AllRoles {
		if slices.Contains(roles, r) {
			out = append(out, r)
		}
	}
	for _, r := range roles {
		if !r.Valid() && !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out
}

// EmergencyContact is who to call for a resident; the station's residents'
// council asked for one for everyone over 70 who joins activities.
type EmergencyContact struct {
	Name  string
	Phone string
}

// User is an account. Phone is empty for accounts staff keep for residents
// without a smartphone.
type User struct {
	ID               ID
	Name             string
	Phone            string
	Roles            []Role
	AreaID           ID // 0 when none
	BirthYear        int
	EmergencyContact *EmergencyContact
	// Email is an optional address; notifications are e-mailed to it
	// unless EmailOff. Private like the phone number.
	Email       string
	EmailOff    bool
	HasPassword bool
	CreatedAt   time.Time
	// Closed says the account was closed (see CloseAccount): the row
	// stays for the figures, but nothing is added to it any more.
	Closed bool
	// StaffStations are the stations a staff member works at. An admin
	// works everywhere, whatever it holds.
	StaffStations []ID
	// Stations are the stations the person belongs to: their area's, and
	// those whose activities they hold a place in. Loaded only where a
	// decision about who may see the person needs it.
	Stations []ID
	// HomeStation is their area's station, 0 when they have none; loaded
	// with Stations.
	HomeStation ID
}

// Has reports whether u holds role r.
func (u *User) Has(r Role) bool { return u != nil && slices.Contains(u.Roles, r) }

// IsStaff reports whether u acts as station staff; admins are staff too.
func (u *User) IsStaff() bool { return u.Has(RoleStaff) || u.Has(RoleAdmin) }

// IsAdmin reports whether u is an admin.
func (u *User) IsAdmin() bool { return u.Has(RoleAdmin) }

// WorksAt reports whether u acts as staff at a station: an admin at every
// station, staff at the stations they work at, nobody else anywhere.
func (u *User) WorksAt(station ID) bool {
	if u.IsAdmin() {
		return true
	}
	return u.Has(RoleStaff) && slices.Contains(u.StaffStations, station)
}

// ActsAt says whether u may do a staff's work at a station: nil when they
// may, forbidden for someone who is not staff, and not_found for staff of
// another station, to whom that station's things answer as if they did not
// exist.
func (u *User) ActsAt(station ID) error {
	switch {
	case u == nil:
		return Errorf(ECUnauthenticated)
	case !u.IsStaff():
		return Errorf(ECForbidden)
	case !u.WorksAt(station):
		return Errorf(ECNotFound)
	}
	return nil
}

// SeesPrivateDataOf reports whether viewer may see subject's phone number,
// area and other personal data: the person themself, an admin, and staff of
// a station the person belongs to (subject.Stations must be loaded).
func (viewer *User) SeesPrivateDataOf(subject *User) bool {
	switch {
	case viewer == nil || subject == nil:
		return false
	case viewer.ID == subject.ID || viewer.IsAdmin():
		return true
	}
	return slices.ContainsFunc(subject.Stations, viewer.WorksAt)
}

// StationLookingAfter is the station whose staff look after what staff
// (actor) do for person (a help request filed for them, minutes credited):
// the person's home station when the actor works there, else the actor's
// own first one; 0 when there is neither (see the store's fallback).
func (actor *User) StationLookingAfter(person *User) ID {
	if person != nil && person.HomeStation != 0 && actor.WorksAt(person.HomeStation) {
		return person.HomeStation
	}
	if actor == nil || len(actor.StaffStations) == 0 {
		return 0
	}
	return actor.StaffStations[0]
}

// StewardOf reports whether actor may act on subject's account (a reset
// code, their roles): an admin, and staff of the subject's home station;
// for someone with no area, staff of a station they belong to. Seeing a
// visitor who joined a class here is not enough to take over their
// account (subject.Stations and HomeStation must be loaded).
func (actor *User) StewardOf(subject *User) bool {
	switch {
	case actor == nil || subject == nil || !actor.IsStaff():
		return false
	case actor.IsAdmin():
		return true
	case subject.HomeStation != 0:
		return actor.WorksAt(subject.HomeStation)
	}
	return actor.SeesPrivateDataOf(subject)
}

// MaskPhone hides the middle of a mainland mobile number: 138****5678.
func MaskPhone(phone string) string {
	if len(phone) != 11 {
		if phone == "" {
			return ""
		}
		return "****"
	}
	return phone[:3] + "****" + phone[7:]
}

var phonePattern = regexp.MustCompile(`^1[3-9]\d{9}$`)

// NormalizePhone removes the spaces and dashes people type into numbers,
// full-width ones too, takes full-width digits as digits, and drops
// China's code (+86, 0086) before a whole mobile number.
func NormalizePhone(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, FoldWidth(s))
	// A number copied from a contact card carries the country's code.
	for _, country := range []string{"+86", "0086"} {
		if rest, ok := strings.CutPrefix(s, country); ok && len(rest) == 11 {
			return rest
		}
	}
	return s
}

// ValidPhone reports whether s is a mainland mobile number.
func ValidPhone(s string) bool { return phonePattern.MatchString(s) }

const (
	MaxNameRunes      = 50
	MinPasswordLength = 8
	MaxPasswordLength = 256
)

func checkName(p Problems, field, name string) {
	switch {
	case name == "":
		p.Add(field, FRRequired)
	case utf8.RuneCountInString(name) > MaxNameRunes:
		p.Add(field, FRTooLong)
	}
}

// checkPersonName checks a person's name: as any name, and not the name
// closed accounts bear.
func checkPersonName(p Problems, field, name string) {
	checkName(p, field, name)
	if IsClosedAccountName(name) {
		p.Add(field, FRClosedName)
	}
}

func checkBirthYear(p Problems, field string, year int, now time.Time) {
	if year != 0 && (year < 1900 || year > now.Year()) {
		p.Add(field, FROutOfRange)
	}
}

// RegisterInput is what a resident fills in to sign up. SMSCode is the
// code texted to Phone, needed when the deployment sends text messages.
type RegisterInput struct {
	Name       string
	Phone      string
	Password   string
	AreaID     ID
	BirthYear  int
	SMSCode    string
	ClientAddr string // for throttling refused registrations
}

// Normalize trims what people type by accident.
func (in *RegisterInput) Normalize() {
	in.Name = strings.TrimSpace(in.Name)
	in.Phone = NormalizePhone(in.Phone)
}

// Validate checks the fields that need no database.
func (in *RegisterInput) Validate(now time.Time) error {
	p := Problems{}
	checkPersonName(p, "name", in.Name)
	switch {
	case in.Phone == "":
		p.Add("phone", FRRequired)
	case !ValidPhone(in.Phone):
		p.Add("phone", FRInvalidPhone)
	}
	CheckNewPassword(p, "password", in.Password, in.Phone)
	if in.AreaID == 0 {
		p.Add("area_id", FRRequired)
	}
	checkBirthYear(p, "birth_year", in.BirthYear, now)
	return p.Err()
}

// RolesInput sets a person's roles. StationIDs, for staff, are where they
// work; nil keeps the stations a staff member has, or, for someone made
// staff, takes the only station of a deployment that has one. Only an admin
// changes where someone works.
type RolesInput struct {
	Roles      []Role
	StationIDs []ID
}

// NewUserInput creates an account on someone's behalf: staff for a resident
// without a smartphone (phone and password optional), or the command line.
type NewUserInput struct {
	Name      string
	Phone     string
	Password  string
	AreaID    ID
	BirthYear int
	Roles     []Role // empty means resident
	// StationIDs are where a new staff member works (see StaffStationsFor).
	StationIDs []ID
}

// Normalize trims what people type by accident.
func (in *NewUserInput) Normalize() {
	in.Name = strings.TrimSpace(in.Name)
	in.Phone = NormalizePhone(in.Phone)
	if len(in.Roles) == 0 {
		in.Roles = []Role{RoleResident}
	}
	in.Roles = SortRoles(in.Roles)
}

// Validate checks the fields that need no database.
func (in *NewUserInput) Validate(now time.Time, areaRequired bool) error {
	p := Problems{}
	checkPersonName(p, "name", in.Name)
	if in.Phone != "" && !ValidPhone(in.Phone) {
		p.Add("phone", FRInvalidPhone)
	}
	if in.Password != "" {
		CheckNewPassword(p, "password", in.Password, in.Phone)
	}
	if areaRequired && in.AreaID == 0 {
		p.Add("area_id", FRRequired)
	}
	checkBirthYear(p, "birth_year", in.BirthYear, now)
	return p.Err()
}

// UpdateMeInput changes one's own profile; nil fields stay as they are.
// ClearEmergencyContact removes the contact on file.
type UpdateMeInput struct {
	Name                  *string
	BirthYear             *int
	EmergencyContact      *EmergencyContact
	ClearEmergencyContact bool
	Email                 *string // "" removes the address
	EmailOn               *bool   // whether notifications are e-mailed too
}

// Validate checks and normalizes the input.
func (in *UpdateMeInput) Validate(now time.Time) error {
	p := Problems{}
	if in.Name != nil {
		*in.Name = strings.TrimSpace(*in.Name)
		checkPersonName(p, "name", *in.Name)
	}
	if in.BirthYear != nil {
		checkBirthYear(p, "birth_year", *in.BirthYear, now)
	}
	if in.Email != nil {
		e, err := NormalizeEmail("email", *in.Email)
		if err != nil {
			p.Add("email", AsError(err).Fields["email"])
		}
		*in.Email = e
	}
	if c := in.EmergencyContact; c != nil {
		c.Name = strings.TrimSpace(c.Name)
		c.Phone = NormalizePhone(c.Phone)
		checkName(p, "emergency_contact.name", c.Name)
		switch {
		case c.Phone == "":
			p.Add("emergency_contact.phone", FRRequired)
		case !ValidPhone(c.Phone):
			p.Add("emergency_contact.phone", FRInvalidPhone)
		}
	}
	return p.Err()
}

// HelpCategories are the kinds of help residents ask for and volunteers
// offer as skills.
var HelpCategories = []string{"errand", "repair", "companion", "tech", "care", "tutoring", "other"}

// VolunteerProfile says what a volunteer can do, where and when.
type VolunteerProfile struct {
	UserID       ID
	Skills       []string
	AreaIDs      []ID
	Availability OpeningHours
}

// VolunteerProfileInput is the API form of a volunteer profile.
type VolunteerProfileInput struct {
	Skills       []string
	AreaIDs      []ID
	Availability map[string][]string
}

// Validate checks the input and returns the profile it describes (areas are
// checked against the database by the service).
func (in VolunteerProfileInput) Validate() (*VolunteerProfile, error) {
	p := Problems{}
	vp := &VolunteerProfile{Skills: []string{}, AreaIDs: []ID{}}
	for _, s := range in.Skills {
		if !slices.Contains(HelpCategories, s) {
			p.Add("skills", FRInvalid)
		} else if !slices.Contains(vp.Skills, s) {
			vp.Skills = append(vp.Skills, s)
		}
	}
	for _, id := range in.AreaIDs {
		if id <= 0 {
			p.Add("area_ids", FRUnknownArea)
		} else if !slices.Contains(vp.AreaIDs, id) {
			vp.AreaIDs = append(vp.AreaIDs, id)
		}
	}
	av, err := ParseOpeningHours("availability", in.Availability)
	if err != nil {
		p.Add("availability", FRHours)
	}
	vp.Availability = av
	return vp, p.Err()
}

// Session is a signed-in session; Token is shown once and stored hashed.
// DeviceToken marks the device as one the person signed in on (see
// LoginInput); it is kept for a year.
type Session struct {
	Token       string
	User        *User
	ExpiresAt   time.Time
	DeviceToken string
}

// DeviceLifetime is how long a device is remembered after its last login.
const DeviceLifetime = 365 * 24 * time.Hour

// SessionKind tells bearer tokens for the API from cookie sessions of pages.
type SessionKind string

const (
	SessionAPI SessionKind = "api"
	SessionWeb SessionKind = "web"
)

// LoginInput is a login attempt; ClientAddr is the address it came from,
// for throttling. DeviceToken is what an earlier login on the same device
// handed out: with it, the owner's right password is never refused for
// someone else's wrong guesses.
type LoginInput struct {
	Phone       string
	Password    string
	DeviceToken string
	ClientAddr  string
	Kind        SessionKind
}

// Error codes of the password life cycle.
const (
	ECWrongPassword = "wrong_password"
	ECLastAdmin     = "last_admin"
)

// Field reasons of the password life cycle.
const (
	// FRNoPhone refuses a password reset for an account without a phone
	// number: its owner could not use the code.
	FRNoPhone       = "no_phone"
	FRWrongPassword = "wrong_password"
	FRInvalidCode   = "invalid_code"
)

// ChangePasswordInput changes one's own password. Keep is the session that
// asked, which stays signed in; every other session ends.
type ChangePasswordInput struct {
	Current    string
	New        string
	Keep       string
	ClientAddr string
}

// ResetCode is a one-time code staff give a resident who forgot their
// password, at the desk or on the phone.
type ResetCode struct {
	Code      string
	ExpiresAt time.Time
}

// ResetCodeLifetime is how long a reset code works.
const ResetCodeLifetime = 30 * time.Minute

// ResetInput sets a new password with a reset code.
type ResetInput struct {
	Phone       string
	Code        string
	NewPassword string
	ClientAddr  string
}

// SMSCodeInput asks for a verification code by text message.
type SMSCodeInput struct {
	Phone      string
	ClientAddr string
}

// SMSSender sends a verification code by text message. With none
// configured, registration is open: anyone may sign up with any number.
type SMSSender interface {
	SendCode(ctx context.Context, phone, code string) error
}

// MayResetPassword reports whether actor may issue a reset code for
// target: staff for the residents, volunteers and talents whose accounts
// they keep (StewardOf); only an admin for staff and admins, so a reset
// is never a way to someone else's powers. Nobody resets their own: they
// change it, knowing the current one.
func MayResetPassword(actor, target *User) bool {
	switch {
	case actor == nil || target == nil || !actor.IsStaff() || actor.ID == target.ID:
		return false
	case target.IsStaff():
		return actor.IsAdmin()
	}
	return actor.StewardOf(target)
}

// StaffStationsFor settles where someone with roles works as staff: the
// stations listed, or, when none are and the deployment has one station,
// that one. Without the staff role they work nowhere. all lists every
// station; listing none while there are several is refused (but for an
// admin, who works everywhere), as is a station that does not exist.
func StaffStationsFor(roles []Role, listed, all []ID) ([]ID, error) {
	if !slices.Contains(roles, RoleStaff) {
		return []ID{}, nil
	}
	if len(listed) == 0 {
		switch {
		case len(all) == 1:
			return []ID{all[0]}, nil
		case slices.Contains(roles, RoleAdmin):
			return []ID{}, nil // an admin works everywhere already
		}
		return nil, Invalid("station_ids", FRRequired)
	}
	out := make([]ID, 0, len(listed))
	for _, id := range listed {
		if !slices.Contains(all, id) {
			return nil, Invalid("station_ids", FRUnknownStation)
		}
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out, nil
}

// CheckAdminRemains refuses a change of roles that would leave the
// deployment without an admin; admins is how many hold the role now.
func CheckAdminRemains(before, after []Role, admins int) error {
	if slices.Contains(before, RoleAdmin) && !slices.Contains(after, RoleAdmin) && admins <= 1 {
		return Errorf(ECLastAdmin)
	}
	return nil
}

// AccountService keeps accounts, sessions and roles. Methods read the acting
// user from ctx (see NewContextWithUser) and enforce who may do what.
type AccountService interface {
	Register(ctx context.Context, in RegisterInput) (*User, error)
	Login(ctx context.Context, in LoginInput) (*Session, error)
	Logout(ctx context.Context, token string) error
	// LogoutAll ends every session of the acting user.
	LogoutAll(ctx context.Context) error
	// ChangePassword changes the acting user's password and ends their
	// other sessions.
	ChangePassword(ctx context.Context, in ChangePasswordInput) error
	// IssueResetCode makes a one-time password-reset code for a resident;
	// staff only, audited.
	IssueResetCode(ctx context.Context, userID ID) (*ResetCode, error)
	// ResetPassword sets a new password with a reset code and ends every
	// session of the account.
	ResetPassword(ctx context.Context, in ResetInput) error
	// SendSMSCode texts a registration code to a phone number.
	SendSMSCode(ctx context.Context, in SMSCodeInput) error
	// SMSRequired reports whether registration needs a texted code.
	SMSRequired() bool
	// Authenticate returns the user a token belongs to, or unauthenticated.
	Authenticate(ctx context.Context, token string) (*User, error)
	UpdateMe(ctx context.Context, in UpdateMeInput) (*User, error)
	CreateUser(ctx context.Context, in NewUserInput) (*User, error)
	FindUsers(ctx context.Context, q string, opts ListOptions) (Page[*User], error)
	User(ctx context.Context, id ID) (*User, error)
	// SetRoles replaces a person's roles and, for staff, the stations they
	// work at (see RolesInput).
	SetRoles(ctx context.Context, id ID, in RolesInput) (*User, error)
	SetVolunteerProfile(ctx context.Context, in VolunteerProfileInput) (*VolunteerProfile, error)
	VolunteerProfile(ctx context.Context, userID ID) (*VolunteerProfile, error)
	// CalendarToken returns the acting user's private calendar feed token,
	// making one the first time or when rotate is set (the old one stops).
	CalendarToken(ctx context.Context, rotate bool) (string, error)
	// UserByCalendarToken finds whose feed a token opens.
	UserByCalendarToken(ctx context.Context, token string) (*User, error)
}

type ctxKey int

const userKey ctxKey = iota

// NewContextWithUser returns ctx carrying the acting user.
func NewContextWithUser(ctx context.Context, u *User) context.Context {
	return context.WithValue(ctx, userKey, u)
}

// UserFromContext returns the acting user, or nil when anonymous.
func UserFromContext(ctx context.Context) *User {
	u, _ := ctx.Value(userKey).(*User)
	return u
}

// SystemUser acts for the command line and demo data: it may do anything.
// Its ID is 0, so audit entries show no person.
var SystemUser = &User{Name: "system", Roles: []Role{RoleStaff, RoleAdmin}}

// RequireUser returns the acting user or an unauthenticated error.
func RequireUser(ctx context.Context) (*User, error) {
	u := UserFromContext(ctx)
	if u == nil {
		return nil, Errorf(ECUnauthenticated)
	}
	return u, nil
}

// RequireStaff returns the acting user if they are staff.
func RequireStaff(ctx context.Context) (*User, error) {
	u, err := RequireUser(ctx)
	if err != nil {
		return nil, err
	}
	if !u.IsStaff() {
		return nil, Errorf(ECForbidden)
	}
	return u, nil
}

// RequireAdmin returns the acting user if they are an admin.
func RequireAdmin(ctx context.Context) (*User, error) {
	u, err := RequireUser(ctx)
	if err != nil {
		return nil, err
	}
	if !u.IsAdmin() {
		return nil, Errorf(ECForbidden)
	}
	return u, nil
}

// CheckRoleChange applies the grant rules: staff may grant or take away
// resident, volunteer and talent; only an admin changes staff and admin.
func CheckRoleChange(actor *User, before, after []Role) error {
	for _, r := range after {
		if !r.Valid() {
			return Invalid("roles", FRUnknownRole)
		}
	}
	if !actor.IsStaff() {
		return Errorf(ECForbidden)
	}
	for _, r := range AllRoles {
		if r.Privileged() && slices.Contains(before, r) != slices.Contains(after, r) && !actor.IsAdmin() {
			return Errorf(ECForbidden)
		}
	}
	return nil
}
