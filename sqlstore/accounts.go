package sqlstore

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"guli"
)

// sessionLifetime is how long a sign-in lasts; a periodic sweep deletes
// the sessions past it (DB.Sweep).
const sessionLifetime = 30 * 24 * time.Hour

// Accounts implements guli.AccountService.
//
// Every request of a signed-in person starts by finding whose session it
// is: sessions are kept while the data version holds (memo.go), so that
// signing out, a new password or new roles (all writes) end them at once.
type Accounts struct {
	db       *DB
	sms      guli.SMSSender // nil: registration needs no texted code
	sessions memo[string, keptSession]
	profiles memo[guli.ID, *guli.VolunteerProfile]
}

// keptSession is a live session's user and when the session ends.
type keptSession struct {
	user    *guli.User
	expires time.Time
}

// NewAccounts returns the account service of db; sms may be nil.
func NewAccounts(db *DB, sms guli.SMSSender) *Accounts {
	return &Accounts{db: db, sms: sms, sessions: memo[string, keptSession]{max: 10000},
		profiles: memo[guli.ID, *guli.VolunteerProfile]{max: 10000}}
}

var _ guli.AccountService = (*Accounts)(nil)

const userColumns = `id, name, phone, password_hash <> '', roles, area_id, birth_year, ec_name, ec_phone, created_at, email, email_off, closed_at IS NOT NULL`

func scanUser(row interface{ Scan(...any) error }) (*guli.User, error) {
	var (
		u               guli.User
		phone           sql.NullString
		area            sql.NullInt64
		roles           string
		ecName, ecPhone string
		created         int64
		hasPassword     bool
		id              int64
		emailOff        int
	)
	if err := row.Scan(&id, &u.Name, &phone, &hasPassword, &roles, &area, &u.BirthYear, &ecName, &ecPhone, &created, &u.Email, &emailOff, &u.Closed); err != nil {
		return nil, err
	}
	u.EmailOff = emailOff != 0
	u.ID = guli.ID(id)
	u.Phone = phone.String
	u.HasPassword = hasPassword
	u.AreaID = guli.ID(area.Int64)
	u.CreatedAt = fromMS(created)
	u.Roles = parseRoles(roles)
	if ecName != "" || ecPhone != "" {
		u.EmergencyContact = &guli.EmergencyContact{Name: ecName, Phone: ecPhone}
	}
	return &u, nil
}

func parseRoles(s string) []guli.Role {
	roles := []guli.Role{}
	for _, r := range strings.Split(s, ",") {
		if r != "" {
			roles = append(roles, guli.Role(r))
		}
	}
	return roles
}

func joinRoles(roles []guli.Role) string {
	s := make([]string, len(roles))
	for i, r := range roles {
		s[i] = string(r)
	}
	return strings.Join(s, ",")
}

func (s *Accounts) userByID(ctx context.Context, q runner, id guli.ID) (*guli.User, error) {
	return userByID(ctx, q, id)
}

func userByID(ctx context.Context, q runner, id guli.ID) (*guli.User, error) {
	u, err := scanUser(q.row(ctx, "SELECT "+userColumns+" FROM users WHERE id = ?", id))
	return u, notFound(err)
}

// SMSRequired reports whether registration needs a texted code.
func (s *Accounts) SMSRequired() bool { return s.sms != nil }

// Register creates a resident's own account. The cheap checks come first
// (fields, the throttle of the client's address, whether the number is
// taken, the texted code) so a flood of doomed registrations costs no
// password hashing; refusals count against the address.
func (s *Accounts) Register(ctx context.Context, in guli.RegisterInput) (*guli.User, error) {
	in.Normalize()
	if err := in.Validate(s.db.now()); err != nil {
		return nil, err
	}
	byAddr := limited{guli.ThrottleRegisterAddr, in.ClientAddr}
	if err := s.db.checkThrottles(ctx, byAddr); err != nil {
		return nil, err
	}
	refuse := func(err error) (*guli.User, error) { return nil, s.db.refuse(ctx, byAddr, err) }
	q := s.db.read()
	if err := checkArea(ctx, q, in.AreaID); err != nil {
		return nil, s.db.mapErr(err)
	}
	taken, err := q.exists(ctx, "SELECT 1 FROM users WHERE phone = ?", in.Phone)
	if err != nil {
		return nil, s.db.mapErr(err)
	}
	if taken {
		return refuse(errPhoneTaken())
	}
	var useCode func(context.Context, runner) error
	if s.sms != nil {
		// The code is checked now and used up only with the account, so a
		// moment of too many hashes at once does not cost the person it.
		if err := s.checkSMSCode(ctx, in.Phone, in.SMSCode); err != nil {
			if guli.ErrorCode(err) == guli.ECInvalidCode {
				return refuse(err)
			}
			return nil, err
		}
		useCode = func(ctx context.Context, q runner) error { return s.useSMSCode(ctx, q, in.Phone, in.SMSCode) }
	}
	hash, err := s.db.hash(ctx, in.ClientAddr, in.Password)
	if err != nil {
		return nil, err
	}
	u, err := s.insertUser(ctx, guli.NewUserInput{
		Name: in.Name, Phone: in.Phone, AreaID: in.AreaID,
		BirthYear: in.BirthYear, Roles: []guli.Role{guli.RoleResident},
	}, hash, nil, useCode)
	switch guli.ErrorCode(err) {
	case guli.ECPhoneTaken, guli.ECInvalidCode:
		return refuse(err) // taken, or the code used, by a parallel registration
	}
	return u, err
}

func errPhoneTaken() error {
	return &guli.Error{Code: guli.ECPhoneTaken, Fields: map[string]string{"phone": guli.FRPhoneTaken}}
}

// checkArea refuses an area that does not exist; 0 is no area.
func checkArea(ctx context.Context, q runner, area guli.ID) error {
	if area == 0 {
		return nil
	}
	ok, err := q.exists(ctx, "SELECT 1 FROM areas WHERE id = ?", area)
	if err == nil && !ok {
		err = guli.Invalid("area_id", guli.FRUnknownArea)
	}
	return err
}

// CreateUser creates an account on someone's behalf: staff keep accounts for
// residents without a smartphone; the command line creates staff and admins.
func (s *Accounts) CreateUser(ctx context.Context, in guli.NewUserInput) (*guli.User, error) {
	actor, err := guli.RequireStaff(ctx)
	if err != nil {
		return nil, err
	}
	in.Normalize()
	if err := in.Validate(s.db.now(), actor != guli.SystemUser); err != nil {
		return nil, err
	}
	if err := guli.CheckRoleChange(actor, nil, in.Roles); err != nil {
		return nil, err
	}
	if in.AreaID > 0 && !actor.IsAdmin() {
		// Staff keep accounts for residents of their own stations.
		var station int64
		err := s.db.read().row(ctx, "SELECT station_id FROM areas WHERE id = ?", in.AreaID).Scan(&station)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, s.db.mapErr(err)
		}
		if err == nil && !actor.WorksAt(guli.ID(station)) {
			return nil, guli.Invalid("area_id", guli.FRUnknownArea)
		}
	}
	hash := ""
	if in.Password != "" {
		if hash, err = s.db.hash(ctx, "user:"+actor.ID.String(), in.Password); err != nil {
			return nil, err
		}
	}
	return s.insertUser(ctx, in, hash, actor, nil)
}

// insertUser stores a new account; also, when set, runs in the same
// transaction first.
func (s *Accounts) insertUser(ctx context.Context, in guli.NewUserInput, hash string, actor *guli.User, also func(context.Context, runner) error) (*guli.User, error) {
	var u *guli.User
	err := s.db.tx(ctx, func(q runner) error {
		if also != nil {
			if err := also(ctx, q); err != nil {
				return err
			}
		}
		if err := checkArea(ctx, q, in.AreaID); err != nil {
			return err
		}
		now := s.db.now()
		id, err := q.insert(ctx, `INSERT INTO users (name, phone, password_hash, roles, area_id, birth_year, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`,
			in.Name, nullString(in.Phone), hash, joinRoles(in.Roles), nullID(in.AreaID), in.BirthYear, ms(now))
		if isUnique(err, "phone") {
			return errPhoneTaken()
		}
		if err != nil {
			return err
		}
		if slices.Contains(in.Roles, guli.RoleStaff) {
			all, err := allStations(ctx, q)
			if err != nil {
				return err
			}
			stations, err := guli.StaffStationsFor(in.Roles, in.StationIDs, all)
			if err != nil {
				return err
			}
			if err := setStaffStations(ctx, q, id, stations); err != nil {
				return err
			}
		}
		if actor != nil {
			if err := audit(ctx, q, now, actor, "user.create", id, joinRoles(in.Roles)); err != nil {
				return err
			}
		}
		u, err = personIn(ctx, q, id)
		return err
	})
	return u, err
}

// hashToken is how tokens are stored: a leaked table gives no sessions.
func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

func newToken() string {
	b := make([]byte, 32)
	rand.Read(b) // never fails (crypto/rand panics instead)
	return "guli_" + base64.RawURLEncoding.EncodeToString(b)
}

// Login checks a phone number and password.
//
// Throttling counts failures only, and a guess is charged as a failure
// before it is checked (under a lock on its key), so parallel guesses cannot
// slip past the limit; the right password gives its charge back. From a
// device that signed in to the account before, only that device's own
// failures count: the owner is never refused for a stranger's guesses. From
// anywhere else the number's failures and the address's count; the address
// is charged only for finished failures, so many residents signing in at
// once on the station's Wi-Fi are never refused for each other.
func (s *Accounts) Login(ctx context.Context, in guli.LoginInput) (*guli.Session, error) {
	phone := guli.NormalizePhone(in.Phone)
	if phone == "" || in.Password == "" {
		p := guli.Problems{}
		if phone == "" {
			p.Add("phone", guli.FRRequired)
		}
		if in.Password == "" {
			p.Add("password", guli.FRRequired)
		}
		return nil, p.Err()
	}
	if len(phone) > 32 || len(in.Password) > guli.MaxPasswordLength {
		return nil, guli.Errorf(guli.ECInvalidCredentials)
	}
	q := s.db.read()
	var (
		hash   string
		userID int64
	)
	err := q.row(ctx, "SELECT id, password_hash FROM users WHERE phone = ?", phone).Scan(&userID, &hash)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, s.db.mapErr(err)
	}
	device, err := s.device(ctx, q, in.DeviceToken, guli.ID(userID))
	if err != nil {
		return nil, s.db.mapErr(err)
	}
	byAddr := limited{guli.ThrottleLoginAddr, in.ClientAddr}
	var guess limited // what a wrong guess is charged to
	var check []limited
	if device != 0 {
		guess = limited{guli.ThrottleLoginDevice, device.String()}
		check = []limited{guess}
	} else {
		guess = limited{guli.ThrottleLoginPhone, phone}
		check = []limited{guess, byAddr}
	}
	charged, err := s.db.reserve(ctx, check, guess)
	if err != nil {
		return nil, err
	}
	if userID == 0 {
		hash = s.db.dummyHash() // as slow as for a known number
	}
	ok, err := s.db.verify(ctx, in.ClientAddr, in.Password, hash)
	if err != nil {
		return nil, errors.Join(err, s.db.forgiveNow(ctx, charged))
	}
	if !ok || userID == 0 {
		if device == 0 {
			return nil, errors.Join(guli.Errorf(guli.ECInvalidCredentials), s.db.recordFailures(ctx, byAddr))
		}
		return nil, guli.Errorf(guli.ECInvalidCredentials)
	}
	u, err := s.userByID(ctx, q, guli.ID(userID))
	if err != nil {
		return nil, s.db.mapErr(err)
	}
	kind := in.Kind
	if kind == "" {
		kind = guli.SessionAPI
	}
	sess := &guli.Session{Token: newToken(), User: u, DeviceToken: in.DeviceToken}
	err = s.db.tx(ctx, func(q runner) error {
		now := s.db.now()
		sess.ExpiresAt = now.Add(sessionLifetime)
		if err := forgive(ctx, q, charged); err != nil {
			return err
		}
		if device != 0 {
			if err := clearFailures(ctx, q, guess); err != nil {
				return err
			}
			if _, err := q.exec(ctx, "UPDATE devices SET last_seen_at = ? WHERE id = ?", ms(now), device); err != nil {
				return err
			}
		} else {
			sess.DeviceToken = newToken()
			if _, err := q.exec(ctx, "INSERT INTO devices (token_hash, user_id, created_at, last_seen_at) VALUES (?, ?, ?, ?)",
				hashToken(sess.DeviceToken), u.ID, ms(now), ms(now)); err != nil {
				return err
			}
		}
		if _, err := q.exec(ctx, `INSERT INTO sessions (token_hash, user_id, kind, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
			hashToken(sess.Token), u.ID, string(kind), ms(now), ms(sess.ExpiresAt)); err != nil {
			return err
		}
		return keepNewest(ctx, q, u.ID)
	})
	if err != nil {
		return nil, err
	}
	return sess, nil
}

// Nobody needs more than a few dozen sessions and devices at once: signing
// in over and over, as a script might, only ends the oldest.
const (
	maxSessions = 50
	maxDevices  = 20
)

// keepNewest deletes a person's sessions and devices beyond the newest.
func keepNewest(ctx context.Context, q runner, user guli.ID) error {
	if _, err := q.exec(ctx, `DELETE FROM sessions WHERE user_id = ? AND token_hash NOT IN
		(SELECT token_hash FROM sessions WHERE user_id = ? ORDER BY created_at DESC LIMIT ?)`, user, user, maxSessions); err != nil {
		return err
	}
	_, err := q.exec(ctx, `DELETE FROM devices WHERE user_id = ? AND id NOT IN
		(SELECT id FROM devices WHERE user_id = ? ORDER BY last_seen_at DESC, id DESC LIMIT ?)`, user, user, maxDevices)
	return err
}

// device returns the id of the device token names when it is user's, or 0.
func (s *Accounts) device(ctx context.Context, q runner, token string, user guli.ID) (guli.ID, error) {
	if token == "" || len(token) > 128 || user == 0 {
		return 0, nil
	}
	var id int64
	err := q.row(ctx, "SELECT id FROM devices WHERE token_hash = ? AND user_id = ? AND last_seen_at > ?",
		hashToken(token), user, ms(s.db.now().Add(-guli.DeviceLifetime))).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return guli.ID(id), err
}

// Logout ends the session of token.
func (s *Accounts) Logout(ctx context.Context, token string) error {
	return s.db.tx(ctx, func(q runner) error {
		_, err := q.exec(ctx, "DELETE FROM sessions WHERE token_hash = ?", hashToken(token))
		return err
	})
}

// Authenticate returns the user a live session token belongs to.
func (s *Accounts) Authenticate(ctx context.Context, token string) (*guli.User, error) {
	if token == "" || len(token) > 128 {
		return nil, guli.Errorf(guli.ECUnauthenticated)
	}
	hash := hashToken(token)
	kept, err := s.sessions.get(ctx, s.db, hash, func(ctx context.Context) (keptSession, error) {
		var (
			k       keptSession
			expires int64
		)
		row := s.db.read().row(ctx, `SELECT `+prefixed("u", userColumns)+`, s.expires_at
			FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?`, hash)
		var err error
		k.user, err = scanUser(rowWith{row, []any{&expires}})
		if errors.Is(err, sql.ErrNoRows) {
			return k, guli.Errorf(guli.ECUnauthenticated)
		}
		if err == nil && k.user.Has(guli.RoleStaff) {
			k.user.StaffStations, err = staffStations(ctx, s.db.read(), k.user.ID)
		}
		if err != nil {
			return k, s.db.mapErr(err)
		}
		k.expires = fromMS(expires)
		return k, nil
	})
	if err != nil {
		return nil, err
	}
	if !s.db.now().Before(kept.expires) {
		return nil, guli.Errorf(guli.ECUnauthenticated)
	}
	return copyUser(kept.user), nil
}

// copyUser hands out a user callers may change without changing the one
// kept.
func copyUser(k *guli.User) *guli.User {
	u := *k
	u.Roles, u.StaffStations, u.Stations = slices.Clone(k.Roles), slices.Clone(k.StaffStations), slices.Clone(k.Stations)
	if k.EmergencyContact != nil {
		ec := *k.EmergencyContact
		u.EmergencyContact = &ec
	}
	return &u
}

// UpdateMe changes the acting user's own profile.
func (s *Accounts) UpdateMe(ctx context.Context, in guli.UpdateMeInput) (*guli.User, error) {
	me, err := guli.RequireUser(ctx)
	if err != nil {
		return nil, err
	}
	if err := in.Validate(s.db.now()); err != nil {
		return nil, err
	}
	var u *guli.User
	err = s.db.tx(ctx, func(q runner) error {
		if in.Name != nil {
			if _, err := q.exec(ctx, "UPDATE users SET name = ? WHERE id = ?", *in.Name, me.ID); err != nil {
				return err
			}
		}
		if in.BirthYear != nil {
			if _, err := q.exec(ctx, "UPDATE users SET birth_year = ? WHERE id = ?", *in.BirthYear, me.ID); err != nil {
				return err
			}
		}
		if c := in.EmergencyContact; c != nil {
			if _, err := q.exec(ctx, "UPDATE users SET ec_name = ?, ec_phone = ? WHERE id = ?", c.Name, c.Phone, me.ID); err != nil {
				return err
			}
		} else if in.ClearEmergencyContact {
			if _, err := q.exec(ctx, "UPDATE users SET ec_name = '', ec_phone = '' WHERE id = ?", me.ID); err != nil {
				return err
			}
		}
		if in.Email != nil {
			if _, err := q.exec(ctx, "UPDATE users SET email = ? WHERE id = ?", *in.Email, me.ID); err != nil {
				return err
			}
		}
		if in.EmailOn != nil {
			off := 1
			if *in.EmailOn {
				off = 0
			}
			if _, err := q.exec(ctx, "UPDATE users SET email_off = ? WHERE id = ?", off, me.ID); err != nil {
				return err
			}
		}
		var err error
		u, err = s.userByID(ctx, q, me.ID)
		return err
	})
	return u, err
}

// FindUsers searches accounts by name or phone, for staff.
func (s *Accounts) FindUsers(ctx context.Context, query string, opts guli.ListOptions) (guli.Page[*guli.User], error) {
	var page guli.Page[*guli.User]
	actor, err := guli.RequireStaff(ctx)
	if err != nil {
		return page, err
	}
	after, err := guli.IDCursor(opts.Cursor)
	if err != nil {
		return page, err
	}
	query = strings.TrimSpace(guli.FoldWidth(query))
	if len(query) > 100 {
		return page, guli.Invalid("q", guli.FRTooLong)
	}
	like := "%" + escapeLike(query) + "%"
	limit := opts.PageSize()
	const matches = `p.id > ? AND (? = '' OR p.name LIKE ? ESCAPE '\' OR p.phone LIKE ? ESCAPE '\')`
	matchArgs := []any{after, query, like, like}
	// Admins search every account, in id order.
	from, args := "users p WHERE "+matches, matchArgs
	if !actor.IsAdmin() {
		// Staff find the people of their stations only (see
		// guli.User.SeesPrivateDataOf, which this condition mirrors).
		if len(actor.StaffStations) == 0 {
			return page, s.db.tx(ctx, func(q runner) error { return audit(ctx, q, s.db.now(), actor, "user.search", 0, query) })
		}
		from, args = "users WHERE id IN ("+belongingSQL(len(actor.StaffStations), matches)+")", belongingArgs(actor.StaffStations, matchArgs...)
	}
	q := s.db.read()
	page.Items, err = list(ctx, q, scanUser, "SELECT "+userColumns+" FROM "+from+" ORDER BY id LIMIT ?", append(args, limit+1)...)
	if err != nil {
		return page, s.db.mapErr(err)
	}
	page = trim(page, limit, func(u *guli.User) []string { return []string{u.ID.String()} })
	if err := loadStations(ctx, q, page.Items...); err != nil {
		return page, s.db.mapErr(err)
	}
	// Every look at the list of people is audited, browsing included.
	err = s.db.tx(ctx, func(q runner) error {
		return audit(ctx, q, s.db.now(), actor, "user.search", 0, query)
	})
	return page, err
}

// User returns an account for anyone signed in. When staff look at someone
// else's account (which shows their phone) the read is audited.
func (s *Accounts) User(ctx context.Context, id guli.ID) (*guli.User, error) {
	actor, err := guli.RequireUser(ctx)
	if err != nil {
		return nil, err
	}
	u, err := personIn(ctx, s.db.read(), id)
	if err != nil {
		return nil, s.db.mapErr(err)
	}
	if guli.IsChild(u, s.db.now()) {
		// A child is there for their guardians and their stations' staff
		// only (guli.SeesChild).
		links, err := activeLinks(ctx, s.db.read(), actor.ID, id, "")
		if err != nil {
			return nil, s.db.mapErr(err)
		}
		if !guli.SeesChild(actor, u, links) {
			return nil, hidden()
		}
	}
	if actor.IsStaff() && actor.ID != id && actor.SeesPrivateDataOf(u) {
		err = s.db.tx(ctx, func(q runner) error {
			return audit(ctx, q, s.db.now(), actor, "user.view", id, "")
		})
	}
	return u, err
}

// SetRoles replaces a user's roles under the grant rules, and where a staff
// member works. Staff change the roles of their stations' people only.
func (s *Accounts) SetRoles(ctx context.Context, id guli.ID, in guli.RolesInput) (*guli.User, error) {
	actor, err := guli.RequireStaff(ctx)
	if err != nil {
		return nil, err
	}
	var u *guli.User
	err = s.db.tx(ctx, func(q runner) error {
		u, err = setRoles(ctx, q, s.db.now(), actor, id, in)
		return err
	})
	return u, err
}

// setRoles is the one path by which roles change, inside q: it locks the
// person, applies the grant rules and audits the change. Approving a
// talent's nomination grants the role through it too.
func setRoles(ctx context.Context, q runner, now time.Time, actor *guli.User, id guli.ID, in guli.RolesInput) (*guli.User, error) {
	roles := guli.SortRoles(in.Roles)
	var current string
	err := q.row(ctx, "SELECT roles FROM users WHERE id = ?"+q.d.forUpdate(), id).Scan(&current)
	if err != nil {
		return nil, notFound(err)
	}
	person, err := personIn(ctx, q, id)
	if err != nil {
		return nil, err
	}
	if !actor.SeesPrivateDataOf(person) {
		return nil, hidden()
	}
	if !actor.StewardOf(person) {
		return nil, guli.Errorf(guli.ECForbidden)
	}
	if err := guli.CheckNotClosed(person); err != nil {
		return nil, err
	}
	before := parseRoles(current)
	if err := guli.CheckRoleChange(actor, before, roles); err != nil {
		return nil, err
	}
	if len(roles) == 0 {
		return nil, guli.Invalid("roles", guli.FRRequired)
	}
	if slices.Contains(before, guli.RoleAdmin) && !slices.Contains(roles, guli.RoleAdmin) {
		// Two admins taking the role from each other at once must not
		// both succeed: count them under one lock.
		if err := q.lock(ctx, "guli:admins"); err != nil {
			return nil, err
		}
		var admins int
		if err := q.row(ctx, "SELECT COUNT(*) FROM users WHERE ',' || roles || ',' LIKE '%,admin,%'").Scan(&admins); err != nil {
			return nil, err
		}
		if err := guli.CheckAdminRemains(before, roles, admins); err != nil {
			return nil, err
		}
	}
	if _, err := q.exec(ctx, "UPDATE users SET roles = ? WHERE id = ?", joinRoles(roles), id); err != nil {
		return nil, err
	}
	if slices.Contains(before, guli.RoleVolunteer) != slices.Contains(roles, guli.RoleVolunteer) {
		if err := bumpCounter(ctx, q, volunteersCounter); err != nil {
			return nil, err
		}
	}
	detail := current + " -> " + joinRoles(roles)
	listed := in.StationIDs
	if listed == nil && slices.Contains(before, guli.RoleStaff) {
		listed = person.StaffStations // they keep working where they did
	}
	all, err := allStations(ctx, q)
	if err != nil {
		return nil, err
	}
	stations, err := guli.StaffStationsFor(roles, listed, all)
	if err != nil {
		return nil, err
	}
	if !slices.Equal(stations, person.StaffStations) && !(len(stations) == 0 && len(person.StaffStations) == 0) {
		if !actor.IsAdmin() {
			return nil, guli.Errorf(guli.ECForbidden) // only an admin says where staff work
		}
		if err := setStaffStations(ctx, q, id, stations); err != nil {
			return nil, err
		}
		detail += fmt.Sprintf(" at stations %v", stations)
	}
	// A reset code was given under the old roles: whoever gave it may
	// not be allowed to under the new ones.
	if _, err := q.exec(ctx, "DELETE FROM reset_codes WHERE user_id = ?", id); err != nil {
		return nil, err
	}
	if err := audit(ctx, q, now, actor, "user.roles", id, detail); err != nil {
		return nil, err
	}
	return personIn(ctx, q, id)
}

// SetVolunteerProfile saves the acting volunteer's skills, areas and hours.
func (s *Accounts) SetVolunteerProfile(ctx context.Context, in guli.VolunteerProfileInput) (*guli.VolunteerProfile, error) {
	me, err := guli.RequireUser(ctx)
	if err != nil {
		return nil, err
	}
	if !me.Has(guli.RoleVolunteer) {
		return nil, guli.Errorf(guli.ECForbidden)
	}
	vp, err := in.Validate()
	if err != nil {
		return nil, err
	}
	vp.UserID = me.ID
	skills, _ := json.Marshal(vp.Skills)
	areas, avail := idsColumn(vp.AreaIDs), hoursColumn(vp.Availability)
	err = s.db.tx(ctx, func(q runner) error {
		for _, a := range vp.AreaIDs {
			ok, err := q.exists(ctx, "SELECT 1 FROM areas WHERE id = ?", a)
			if err != nil {
				return err
			}
			if !ok {
				return guli.Invalid("area_ids", guli.FRUnknownArea)
			}
		}
		_, err := q.exec(ctx, `INSERT INTO volunteer_profiles (user_id, skills, area_ids, availability, updated_at)
			VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (user_id) DO UPDATE SET skills = excluded.skills, area_ids = excluded.area_ids,
				availability = excluded.availability, updated_at = excluded.updated_at`,
			me.ID, string(skills), areas, avail, ms(s.db.now()))
		if err != nil {
			return err
		}
		return bumpCounter(ctx, q, volunteersCounter)
	})
	if err != nil {
		return nil, err
	}
	return vp, nil
}

// VolunteerProfile returns a volunteer's profile; an empty one if none
// saved. It is kept while nothing is written: callers must not change it.
func (s *Accounts) VolunteerProfile(ctx context.Context, userID guli.ID) (*guli.VolunteerProfile, error) {
	if _, err := guli.RequireUser(ctx); err != nil {
		return nil, err
	}
	return s.profiles.get(ctx, s.db, userID, func(ctx context.Context) (*guli.VolunteerProfile, error) { return s.volunteerProfile(ctx, userID) })
}

func (s *Accounts) volunteerProfile(ctx context.Context, userID guli.ID) (*guli.VolunteerProfile, error) {
	vp := &guli.VolunteerProfile{UserID: userID, Skills: []string{}, AreaIDs: []guli.ID{}}
	var skills, areas, avail string
	err := s.db.read().row(ctx, "SELECT skills, area_ids, availability FROM volunteer_profiles WHERE user_id = ?", userID).
		Scan(&skills, &areas, &avail)
	if errors.Is(err, sql.ErrNoRows) {
		return vp, nil
	}
	if err != nil {
		return nil, s.db.mapErr(err)
	}
	areaIDs, areasErr := parseIDsColumn(areas)
	hours, hoursErr := parseHoursColumn(avail)
	if err := errors.Join(json.Unmarshal([]byte(skills), &vp.Skills), areasErr, hoursErr); err != nil {
		return nil, s.db.mapErr(err)
	}
	vp.AreaIDs, vp.Availability = areaIDs, hours
	return vp, nil
}

// CalendarToken returns the acting user's calendar feed token. It is kept as
// it is (not hashed) because the feed's address is shown again each time.
func (s *Accounts) CalendarToken(ctx context.Context, rotate bool) (string, error) {
	me, err := guli.RequireUser(ctx)
	if err != nil {
		return "", err
	}
	if !rotate { // most often the address is only shown: read it, write nothing
		var current sql.NullString
		if err := s.db.read().row(ctx, "SELECT calendar_token FROM users WHERE id = ?", me.ID).Scan(&current); err != nil {
			return "", s.db.mapErr(notFound(err))
		}
		if current.Valid {
			return current.String, nil
		}
	}
	var token string
	err = s.db.tx(ctx, func(q runner) error {
		var current sql.NullString
		if err := q.row(ctx, "SELECT calendar_token FROM users WHERE id = ?", me.ID).Scan(&current); err != nil {
			return notFound(err)
		}
		if current.Valid && !rotate {
			token = current.String
			return nil
		}
		b := make([]byte, 24)
		rand.Read(b)
		token = base64.RawURLEncoding.EncodeToString(b)
		_, err := q.exec(ctx, "UPDATE users SET calendar_token = ? WHERE id = ?", token, me.ID)
		return err
	})
	return token, err
}

// UserByCalendarToken finds the owner of a calendar feed token.
func (s *Accounts) UserByCalendarToken(ctx context.Context, token string) (*guli.User, error) {
	if len(token) < 16 || len(token) > 64 {
		return nil, guli.Errorf(guli.ECNotFound)
	}
	u, err := scanUser(s.db.read().row(ctx, "SELECT "+userColumns+" FROM users WHERE calendar_token = ?", token))
	if err != nil {
		return nil, s.db.mapErr(notFound(err))
	}
	return u, nil
}
