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
	"strings"
	"time"

	"guli"
	"guli/password"
)

// Login throttling: failures in the window, per phone number and per client
// address. Only failures count, so a busy desk is never throttled.
const (
	throttleWindow   = 15 * time.Minute
	maxPhoneFailures = 5
	maxAddrFailures  = 30
	sessionLifetime  = 30 * 24 * time.Hour
)

// Accounts implements guli.AccountService.
type Accounts struct{ db *DB }

// NewAccounts returns the account service of db.
func NewAccounts(db *DB) *Accounts { return &Accounts{db} }

var _ guli.AccountService = (*Accounts)(nil)

const userColumns = `id, name, phone, password_hash <> '', roles, area_id, birth_year, ec_name, ec_phone, created_at`

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
	)
	if err := row.Scan(&id, &u.Name, &phone, &hasPassword, &roles, &area, &u.BirthYear, &ecName, &ecPhone, &created); err != nil {
		return nil, err
	}
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

func nullString(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }
func nullID(id guli.ID) sql.NullInt64    { return sql.NullInt64{Int64: int64(id), Valid: id > 0} }

func (s *Accounts) userByID(ctx context.Context, q runner, id guli.ID) (*guli.User, error) {
	u, err := scanUser(q.row(ctx, "SELECT "+userColumns+" FROM users WHERE id = ?", id))
	return u, notFound(err)
}

// Register creates a resident's own account.
func (s *Accounts) Register(ctx context.Context, in guli.RegisterInput) (*guli.User, error) {
	in.Normalize()
	if err := in.Validate(s.db.now()); err != nil {
		return nil, err
	}
	return s.insertUser(ctx, guli.NewUserInput{
		Name: in.Name, Phone: in.Phone, Password: in.Password, AreaID: in.AreaID,
		BirthYear: in.BirthYear, Roles: []guli.Role{guli.RoleResident},
	}, nil)
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
	return s.insertUser(ctx, in, actor)
}

func (s *Accounts) insertUser(ctx context.Context, in guli.NewUserInput, actor *guli.User) (*guli.User, error) {
	hash := ""
	if in.Password != "" {
		var err error
		if hash, err = password.Hash(in.Password, s.db.pw); err != nil {
			return nil, err
		}
	}
	var u *guli.User
	err := s.db.tx(ctx, func(q runner) error {
		if in.AreaID != 0 {
			ok, err := q.exists(ctx, "SELECT 1 FROM areas WHERE id = ?", in.AreaID)
			if err != nil {
				return err
			}
			if !ok {
				return guli.Invalid("area_id", guli.FRUnknownArea)
			}
		}
		now := s.db.now()
		id, err := q.insert(ctx, `INSERT INTO users (name, phone, password_hash, roles, area_id, birth_year, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`,
			in.Name, nullString(in.Phone), hash, joinRoles(in.Roles), nullID(in.AreaID), in.BirthYear, ms(now))
		if isUnique(err, "phone") {
			return &guli.Error{Code: guli.ECPhoneTaken, Fields: map[string]string{"phone": guli.FRPhoneTaken}}
		}
		if err != nil {
			return err
		}
		if actor != nil {
			if err := audit(ctx, q, now, actor, "user.create", id, joinRoles(in.Roles)); err != nil {
				return err
			}
		}
		u, err = s.userByID(ctx, q, id)
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

// Login checks a phone number and password. Each attempt is recorded before
// the password is checked, under a lock on the phone number and the client
// address, so parallel guesses cannot slip past the limits; a success removes
// the attempts on that number.
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
	var attempt guli.ID
	err := s.db.tx(ctx, func(q runner) error {
		now := s.db.now()
		since := ms(now.Add(-throttleWindow))
		if err := q.lock(ctx, "login-phone:"+phone); err != nil {
			return err
		}
		if err := q.lock(ctx, "login-addr:"+in.ClientAddr); err != nil {
			return err
		}
		if _, err := q.exec(ctx, "DELETE FROM login_attempts WHERE at < ?", since); err != nil {
			return err
		}
		for _, c := range []struct {
			column string
			value  string
			max    int
		}{{"phone", phone, maxPhoneFailures}, {"addr", in.ClientAddr, maxAddrFailures}} {
			var n int
			var oldest sql.NullInt64
			err := q.row(ctx, "SELECT COUNT(*), MIN(at) FROM login_attempts WHERE "+c.column+" = ? AND at >= ?", c.value, since).Scan(&n, &oldest)
			if err != nil {
				return err
			}
			if n >= c.max {
				wait := fromMS(oldest.Int64).Add(throttleWindow).Sub(now)
				return &guli.Error{Code: guli.ECRateLimited, RetryAfter: max(wait, time.Second)}
			}
		}
		var err error
		attempt, err = q.insert(ctx, "INSERT INTO login_attempts (phone, addr, at) VALUES (?, ?, ?)", phone, in.ClientAddr, ms(now))
		return err
	})
	if err != nil {
		return nil, err
	}

	var (
		hash   string
		userID int64
	)
	err = s.db.read().row(ctx, "SELECT id, password_hash FROM users WHERE phone = ?", phone).Scan(&userID, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		password.Verify(in.Password, s.db.dummyHash()) // as slow as for a known number
		return nil, guli.Errorf(guli.ECInvalidCredentials)
	}
	if err != nil {
		return nil, s.db.mapErr(err)
	}
	if ok, _ := password.Verify(in.Password, hash); !ok || hash == "" {
		return nil, guli.Errorf(guli.ECInvalidCredentials)
	}
	u, err := s.userByID(ctx, s.db.read(), guli.ID(userID))
	if err != nil {
		return nil, s.db.mapErr(err)
	}

	kind := in.Kind
	if kind == "" {
		kind = guli.SessionAPI
	}
	sess := &guli.Session{Token: newToken(), User: u}
	err = s.db.tx(ctx, func(q runner) error {
		now := s.db.now()
		sess.ExpiresAt = now.Add(sessionLifetime)
		if _, err := q.exec(ctx, "DELETE FROM login_attempts WHERE phone = ? OR id = ?", phone, attempt); err != nil {
			return err
		}
		_, err := q.exec(ctx, `INSERT INTO sessions (token_hash, user_id, kind, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
			hashToken(sess.Token), u.ID, string(kind), ms(now), ms(sess.ExpiresAt))
		return err
	})
	if err != nil {
		return nil, err
	}
	return sess, nil
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
	u, err := scanUser(s.db.read().row(ctx, `SELECT `+prefixed("u", userColumns)+`
		FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.token_hash = ? AND s.expires_at > ?`, hashToken(token), ms(s.db.now())))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, guli.Errorf(guli.ECUnauthenticated)
	}
	if err != nil {
		return nil, s.db.mapErr(err)
	}
	return u, nil
}

// prefixed qualifies a column list with a table alias.
func prefixed(alias, columns string) string {
	cols := strings.Split(columns, ", ")
	for i, c := range cols {
		cols[i] = alias + "." + c // an expression such as "password_hash <> ''" starts with its column too
	}
	return strings.Join(cols, ", ")
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
	query = strings.TrimSpace(query)
	if len(query) > 100 {
		return page, guli.Invalid("q", guli.FRTooLong)
	}
	like := "%" + escapeLike(query) + "%"
	limit := opts.PageSize()
	page.Items, err = list(ctx, s.db.read(), scanUser, "SELECT "+userColumns+` FROM users
		WHERE id > ? AND (? = '' OR name LIKE ? ESCAPE '\' OR phone LIKE ? ESCAPE '\')
		ORDER BY id LIMIT ?`, after, query, like, like, limit+1)
	if err != nil {
		return page, s.db.mapErr(err)
	}
	page = trim(page, limit, func(u *guli.User) []string { return []string{u.ID.String()} })
	if query != "" {
		err = s.db.tx(ctx, func(q runner) error {
			return audit(ctx, q, s.db.now(), actor, "user.search", 0, query)
		})
	}
	return page, err
}

// trim cuts a page fetched with limit+1 rows to limit and sets the cursor.
func trim[T any](page guli.Page[T], limit int, key func(T) []string) guli.Page[T] {
	if len(page.Items) > limit {
		page.Items = page.Items[:limit]
		page.NextCursor = guli.EncodeCursor(key(page.Items[limit-1])...)
	}
	return page
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// User returns an account for anyone signed in. When staff look at someone
// else's account (which shows their phone) the read is audited.
func (s *Accounts) User(ctx context.Context, id guli.ID) (*guli.User, error) {
	actor, err := guli.RequireUser(ctx)
	if err != nil {
		return nil, err
	}
	u, err := s.userByID(ctx, s.db.read(), id)
	if err != nil {
		return nil, s.db.mapErr(err)
	}
	if actor.IsStaff() && actor.ID != id {
		err = s.db.tx(ctx, func(q runner) error {
			return audit(ctx, q, s.db.now(), actor, "user.view", id, "")
		})
	}
	return u, err
}

// SetRoles replaces a user's roles under the grant rules.
func (s *Accounts) SetRoles(ctx context.Context, id guli.ID, roles []guli.Role) (*guli.User, error) {
	actor, err := guli.RequireStaff(ctx)
	if err != nil {
		return nil, err
	}
	roles = guli.SortRoles(roles)
	var u *guli.User
	err = s.db.tx(ctx, func(q runner) error {
		var current string
		err := q.row(ctx, "SELECT roles FROM users WHERE id = ?"+s.db.dialect.forUpdate(), id).Scan(&current)
		if err != nil {
			return notFound(err)
		}
		before := parseRoles(current)
		if err := guli.CheckRoleChange(actor, before, roles); err != nil {
			return err
		}
		if len(roles) == 0 {
			return guli.Invalid("roles", guli.FRRequired)
		}
		if _, err := q.exec(ctx, "UPDATE users SET roles = ? WHERE id = ?", joinRoles(roles), id); err != nil {
			return err
		}
		if err := audit(ctx, q, s.db.now(), actor, "user.roles", id, current+" -> "+joinRoles(roles)); err != nil {
			return err
		}
		u, err = s.userByID(ctx, q, id)
		return err
	})
	return u, err
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
	areas, _ := json.Marshal(vp.AreaIDs)
	avail, _ := json.Marshal(vp.Availability)
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
			me.ID, string(skills), string(areas), string(avail), ms(s.db.now()))
		return err
	})
	if err != nil {
		return nil, err
	}
	return vp, nil
}

// VolunteerProfile returns a volunteer's profile; an empty one if none saved.
func (s *Accounts) VolunteerProfile(ctx context.Context, userID guli.ID) (*guli.VolunteerProfile, error) {
	if _, err := guli.RequireUser(ctx); err != nil {
		return nil, err
	}
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
	if err := errors.Join(json.Unmarshal([]byte(skills), &vp.Skills), json.Unmarshal([]byte(areas), &vp.AreaIDs),
		json.Unmarshal([]byte(avail), &vp.Availability)); err != nil {
		return nil, s.db.mapErr(err)
	}
	return vp, nil
}

// CalendarToken returns the acting user's calendar feed token. It is kept as
// it is (not hashed) because the feed's address is shown again each time.
func (s *Accounts) CalendarToken(ctx context.Context, rotate bool) (string, error) {
	me, err := guli.RequireUser(ctx)
	if err != nil {
		return "", err
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
