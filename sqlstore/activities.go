package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"guli"
)

// Activities implements guli.ActivityService.
//
// Invariant 1 of the design: an activity never has more confirmed
// registrations than its capacity, the waitlist is first come first served
// and a cancellation promotes exactly one person. Every change to an
// activity's registrations runs in one transaction that first locks the
// activity's row (SELECT … FOR UPDATE on PostgreSQL; SQLite's single writer
// does the same), so the counts read are the counts written, and the order of
// registration ids is the order in which people reached the lock.
//
// Lists of activities are what residents' phones ask for most, and alike
// for everyone: they are kept while the data version holds (memo.go).
//
// Lists mark the reader's own places: those are kept the same way, per
// reader and window.
type Activities struct {
	db    *DB
	lists memo[activityListKey, guli.Page[*guli.Activity]]
	mine  memo[myRegistrationsKey, map[guli.ID]*guli.Registration]
	// rosters are activities' registrations, kept while nothing is
	// written; only those who may run an activity are given one.
	rosters memo[guli.ID, []*guli.Registration]
	// ones are single activities as a reader sees them (0: anyone, and
	// the check of who may see a roster), copied out.
	ones memo[[2]guli.ID, *guli.Activity]
	// links are the active links from a guardian to a dependent, for the
	// reads that act for them (pages read them on every view); any write
	// of family_links lets them go.
	links memo[[2]guli.ID, []*guli.FamilyLink]
}

// myRegistrationsKey is a reader and a window of starts.
type myRegistrationsKey struct {
	user     guli.ID
	from, to int64
}

// activityListKey is everything a list of activities depends on.
type activityListKey struct {
	station         guli.ID
	from, to        int64
	category, query string
	cursor          string
	limit           int
	forChildren     bool
}

// NewActivities returns the activity service of db.
func NewActivities(db *DB) *Activities {
	return &Activities{db: db, lists: memo[activityListKey, guli.Page[*guli.Activity]]{max: 200},
		mine: memo[myRegistrationsKey, map[guli.ID]*guli.Registration]{max: 10000}, rosters: memo[guli.ID, []*guli.Registration]{max: 1000},
		ones: memo[[2]guli.ID, *guli.Activity]{max: 10000}, links: memo[[2]guli.ID, []*guli.FamilyLink]{max: 10000}}
}

var _ guli.ActivityService = (*Activities)(nil)

const activityColumns = `a.id, a.station_id, a.series_id, a.title, a.description, a.category, a.start_at, a.end_at,
	a.capacity, a.room_id, COALESCE(r.name, ''), a.host_id, COALESCE(h.name, ''), a.age_from,
	a.age_resolution_id, COALESCE(ar.text, ''), COALESCE(ac.name, ''), COALESCE(ar.meeting_id, 0), a.status,
	a.confirmed_count, a.waitlist_count, s.timezone, a.min_age, a.max_age`

const activityFrom = `
	FROM activities a
	JOIN stations s ON s.id = a.station_id
	LEFT JOIN rooms r ON r.id = a.room_id
	LEFT JOIN users h ON h.id = a.host_id
	LEFT JOIN resolutions ar ON ar.id = a.age_resolution_id
	LEFT JOIN councils ac ON ac.id = ar.council_id`

const activitySelect = `SELECT ` + activityColumns + activityFrom

// registrationColumns read a person's registration g beside its activity,
// with the place on the waitlist, in the same statement: a list read in one
// go cannot lose a row to a cancellation between two reads.
const registrationColumns = `, g.status, CASE WHEN g.status = 'waitlisted' THEN
		(SELECT COUNT(*) FROM registrations w WHERE w.activity_id = g.activity_id AND w.status = 'waitlisted' AND w.id <= g.id)
		ELSE 0 END, g.created_at`

func (s *Activities) scan(row interface{ Scan(...any) error }) (*guli.Activity, error) {
	return s.scanWith(row)
}

// scanMine scans an activity read with registrationColumns; a row without a
// live registration of the person has none.
func (s *Activities) scanMine(userID guli.ID) func(row interface{ Scan(...any) error }) (*guli.Activity, error) {
	return func(row interface{ Scan(...any) error }) (*guli.Activity, error) {
		var (
			status   sql.NullString
			position int
			created  sql.NullInt64
		)
		a, err := s.scanWith(row, &status, &position, &created)
		if err == nil && status.Valid {
			a.MyRegistration = &guli.Registration{ActivityID: a.ID, UserID: userID, Status: status.String,
				Position: position, CreatedAt: fromMS(created.Int64)}
		}
		return a, err
	}
}

func (s *Activities) scanWith(row interface{ Scan(...any) error }, extra ...any) (*guli.Activity, error) {
	var (
		a                       guli.Activity
		id, station, start, end int64
		series, room, host      sql.NullInt64
		ageFrom                 int
		ageResolution           sql.NullInt64
		resolution, council     string
		resolutionMeeting       int64
		tz                      string
	)
	dest := append([]any{&id, &station, &series, &a.Title, &a.Description, &a.Category, &start, &end, &a.Capacity,
		&room, &a.RoomName, &host, &a.HostName, &ageFrom, &ageResolution, &resolution, &council, &resolutionMeeting, &a.Status, &a.ConfirmedCount, &a.WaitlistCount, &tz, &a.MinAge, &a.MaxAge}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	loc := guli.Zone(tz)
	a.ID, a.StationID, a.SeriesID = guli.ID(id), guli.ID(station), guli.ID(series.Int64)
	a.RoomID, a.HostID = guli.ID(room.Int64), guli.ID(host.Int64)
	a.Start, a.End = fromMS(start).In(loc), fromMS(end).In(loc)
	if ageFrom > 0 {
		a.AgeRule = &guli.AgeRule{EmergencyContactFromAge: ageFrom, ResolutionID: guli.ID(ageResolution.Int64),
			Resolution: resolution, CouncilName: council, MeetingID: guli.ID(resolutionMeeting)}
	}
	return &a, nil
}

// CreateActivities creates an activity or a weekly series in one
// transaction: if any occurrence cannot hold its room, none is created.
func (s *Activities) CreateActivities(ctx context.Context, in guli.ActivityInput) ([]*guli.Activity, error) {
	actor, err := guli.RequireUser(ctx)
	if err != nil {
		return nil, err
	}
	if !actor.IsStaff() {
		// A talent creates activities they host themself.
		if !actor.Has(guli.RoleTalent) || (in.HostID != 0 && in.HostID != actor.ID) {
			return nil, guli.Errorf(guli.ECForbidden)
		}
		in.HostID = actor.ID
	}
	if in.HostID == 0 {
		in.HostID = actor.ID
	}
	weeks, err := in.Validate()
	if err != nil {
		return nil, err
	}
	if actor.IsStaff() && in.StationID > 0 && !actor.WorksAt(in.StationID) {
		return nil, guli.Invalid("station_id", guli.FRUnknownStation) // another station's: as if there were none
	}
	start, end := in.Start, in.End
	var out []*guli.Activity
	err = s.db.tx(ctx, func(q runner) error {
		var ids []guli.ID
		st, err := stationForUpdate(ctx, q, in.StationID, false)
		if isNotFound(err) {
			return guli.Invalid("station_id", guli.FRUnknownStation)
		}
		if err != nil {
			return err
		}
		if in.RoomID != 0 {
			if err := lockRoom(ctx, q, in.RoomID, st.ID); err != nil {
				return err
			}
		}
		if in.HostID != 0 { // 0: the command line or demo data, with no host
			if ok, err := q.exists(ctx, "SELECT 1 FROM users WHERE id = ?", in.HostID); err != nil || !ok {
				return errors.Join(err, guli.Invalid("host_id", guli.FRUnknownUser))
			}
		}
		rules, err := stationRules(ctx, q, st.ID)
		if err != nil {
			return err
		}
		rule := guli.ActivityAgeRule(in.AgeRule, in.AgeRuleSet, rules.AgeRule)
		loc := st.Location()
		now := s.db.now()
		var series guli.ID
		for i := range weeks {
			// Weekly in local time, so a class stays at 9:30 across time changes.
			os := start.In(loc).AddDate(0, 0, 7*i)
			oe := os.Add(end.Sub(start))
			if in.RoomID != 0 {
				if err := checkRoomFree(ctx, q, st, in.RoomID, os, oe, 0); err != nil {
					return err
				}
			}
			id, err := q.insert(ctx, `INSERT INTO activities (station_id, series_id, title, description, category,
				start_at, end_at, capacity, room_id, host_id, age_from, age_resolution_id, created_by, created_at, min_age, max_age)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				st.ID, nullID(series), in.Title, in.Description, in.Category, ms(os), ms(oe), in.Capacity,
				nullID(in.RoomID), nullID(in.HostID), ageFrom(rule), ageResolution(rule), nullID(actor.ID), ms(now), in.MinAge, in.MaxAge)
			if err != nil {
				return err
			}
			if weeks > 1 && series == 0 {
				series = id
				if _, err := q.exec(ctx, "UPDATE activities SET series_id = ? WHERE id = ?", id, id); err != nil {
					return err
				}
			}
			if err := indexTerms(ctx, q, id, in.Title, in.Description); err != nil {
				return err
			}
			ids = append(ids, id)
		}
		// Read back what was made in one statement, in the transaction
		// that made it.
		args := make([]any, len(ids))
		for i, id := range ids {
			args[i] = id
		}
		out, err = list(ctx, q, s.scan, activitySelect+" WHERE a.id IN (?"+strings.Repeat(", ?", len(ids)-1)+") ORDER BY a.start_at, a.id", args...)
		if err != nil {
			return err
		}
		// The station's group hears of it once, a weekly series included.
		first := start.In(loc).Format("2006-01-02 15:04")
		if weeks > 1 {
			return enqueueWeComMessage(ctx, q, now, st.ID, "wecom.series_created", in.Title, first, strconv.Itoa(weeks), st.Name)
		}
		return enqueueWeComMessage(ctx, q, now, st.ID, "wecom.activity_created", in.Title, first, st.Name)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func ageResolution(r *guli.AgeRule) sql.NullInt64 {
	if r == nil {
		return sql.NullInt64{}
	}
	return nullID(r.ResolutionID)
}

func ageFrom(r *guli.AgeRule) int {
	if r == nil {
		return 0
	}
	return r.EmergencyContactFromAge
}

// indexTerms stores the search terms of an activity. Long descriptions are
// indexed by their beginning: that is where what an activity is gets said.
func indexTerms(ctx context.Context, q runner, id guli.ID, title, description string) error {
	if r := []rune(description); len(r) > 1000 {
		description = string(r[:1000])
	}
	terms := guli.SearchTerms(title + " " + description)
	terms = slices.DeleteFunc(terms, func(t string) bool { return len(t) > 200 }) // no query (≤ 50 runes) matches longer; PostgreSQL's index cannot hold them
	for len(terms) > 0 {
		n := min(len(terms), 200)
		var b strings.Builder
		args := make([]any, 0, 2*n)
		for i, t := range terms[:n] {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(?, ?)")
			args = append(args, t, id)
		}
		if _, err := q.exec(ctx, "INSERT INTO activity_terms (term, activity_id) VALUES "+b.String(), args...); err != nil {
			return err
		}
		terms = terms[n:]
	}
	return nil
}

func (s *Activities) activity(ctx context.Context, q runner, id guli.ID) (*guli.Activity, error) {
	a, err := s.scan(q.row(ctx, activitySelect+" WHERE a.id = ?", id))
	return a, notFound(err)
}

// Activities lists activities by start time.
func (s *Activities) Activities(ctx context.Context, f guli.ActivityFilter, opts guli.ListOptions) (guli.Page[*guli.Activity], error) {
	if err := f.Validate(); err != nil {
		return guli.Page[*guli.Activity]{}, err
	}
	key := activityListKey{station: f.StationID, category: f.Category, query: f.Query, cursor: opts.Cursor, limit: opts.PageSize(), forChildren: f.ForChildren}
	if !f.From.IsZero() {
		key.from = ms(f.From)
	}
	if !f.To.IsZero() {
		key.to = ms(f.To)
	}
	page, err := s.lists.get(ctx, s.db, key, func(ctx context.Context) (guli.Page[*guli.Activity], error) {
		if f.StationID != 0 {
			readsStation(ctx, f.StationID) // the activities are the station's (a.station_id = ?)
		}
		return s.list(ctx, f, opts)
	})
	if err != nil {
		return page, err
	}
	// One allocation for all the copies: a busy week is hundreds.
	items, copies := make([]*guli.Activity, len(page.Items)), make([]guli.Activity, len(page.Items))
	for i, a := range page.Items {
		copyActivity(&copies[i], a)
		items[i] = &copies[i]
	}
	page.Items = items
	return page, nil
}

// copyActivity makes c a copy of a that callers may change without
// changing the one kept.
func copyActivity(c, a *guli.Activity) {
	*c = *a
	if a.AgeRule != nil {
		r := *a.AgeRule
		c.AgeRule = &r
	}
	if a.MyRegistration != nil {
		r := *a.MyRegistration
		c.MyRegistration = &r
	}
}

func (s *Activities) list(ctx context.Context, f guli.ActivityFilter, opts guli.ListOptions) (guli.Page[*guli.Activity], error) {
	var page guli.Page[*guli.Activity]
	var where []string
	var args []any
	if opts.Cursor != "" {
		at, id, err := pairCursor(opts.Cursor)
		if err != nil {
			return page, err
		}
		// A row comparison the index can seek to, on both engines.
		where = append(where, "(a.start_at, a.id) > (?, ?)")
		args = append(args, at, id)
	}
	if f.StationID != 0 {
		// Naming the station on both sides of the join lets SQLite walk
		// the (station, start) index in order and stop at the page's end,
		// instead of sorting the whole range.
		where, args = append(where, "a.station_id = ? AND s.id = ?"), append(args, f.StationID, f.StationID)
	}
	if !f.From.IsZero() {
		where, args = append(where, "a.start_at >= ?"), append(args, ms(f.From))
	}
	if !f.To.IsZero() {
		where, args = append(where, "a.start_at < ?"), append(args, ms(f.To))
	}
	if f.Category != "" {
		where, args = append(where, "a.category = ?"), append(args, f.Category)
	}
	if f.ForChildren { // guli.Activity.ForChildren
		where, args = append(where, "a.max_age > 0 AND a.max_age <= ?"), append(args, guli.ChildrenMaxAge)
	}
	if strings.TrimSpace(f.Query) != "" {
		terms := guli.QueryTerms(f.Query)
		if len(terms) == 0 {
			return page, nil // only punctuation: nothing can match
		}
		if len(terms) > 20 {
			return page, guli.Invalid("q", guli.FRTooLong)
		}
		where = append(where, `a.id IN (SELECT activity_id FROM activity_terms WHERE term IN (?`+
			strings.Repeat(", ?", len(terms)-1)+`) GROUP BY activity_id HAVING COUNT(*) = ?)`)
		for _, t := range terms {
			args = append(args, t)
		}
		args = append(args, len(terms))
	}
	query := activitySelect
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	limit := opts.PageSize()
	query += " ORDER BY a.start_at, a.id LIMIT ?"
	args = append(args, limit+1)
	items, err := list(ctx, s.db.read(), s.scan, query, args...)
	if err != nil {
		return page, s.db.mapErr(err)
	}
	page.Items = items
	return trim(page, limit, func(a *guli.Activity) []string {
		return []string{strconv.FormatInt(ms(a.Start), 10), a.ID.String()}
	}), nil
}

// Activity returns one activity and, when signed in, the acting user's
// registration, read together in one statement.
func (s *Activities) Activity(ctx context.Context, id guli.ID) (*guli.Activity, error) {
	var reader guli.ID
	if u := guli.UserFromContext(ctx); u != nil {
		reader = u.ID
	}
	a, err := s.ones.get(ctx, s.db, [2]guli.ID{reader, id}, func(ctx context.Context) (*guli.Activity, error) { return s.activityFor(ctx, reader, id) })
	if err != nil {
		return nil, err
	}
	var c guli.Activity
	copyActivity(&c, a)
	return &c, nil
}

// activityFor reads an activity with reader's place on it (none for 0).
func (s *Activities) activityFor(ctx context.Context, reader, id guli.ID) (*guli.Activity, error) {
	q := s.db.read()
	if reader == 0 {
		a, err := s.activity(ctx, q, id)
		return a, s.db.mapErr(err)
	}
	a, err := s.scanMine(reader)(q.row(ctx, `SELECT `+activityColumns+registrationColumns+activityFrom+`
		LEFT JOIN registrations g ON g.activity_id = a.id AND g.user_id = ? AND g.status <> 'cancelled'
		WHERE a.id = ?`, reader, id))
	return a, s.db.mapErr(notFound(err))
}

// liveRegistration returns a person's confirmed or waitlisted registration
// with their place on the waitlist.
func liveRegistration(ctx context.Context, q runner, activityID, userID guli.ID) (*guli.Registration, error) {
	reg := &guli.Registration{ActivityID: activityID, UserID: userID}
	var id, created int64
	err := q.row(ctx, `SELECT id, status, created_at FROM registrations
		WHERE activity_id = ? AND user_id = ? AND status <> 'cancelled'`, activityID, userID).Scan(&id, &reg.Status, &created)
	if err != nil {
		return nil, notFound(err)
	}
	reg.CreatedAt = fromMS(created)
	if reg.Status == guli.RegWaitlisted {
		err = q.row(ctx, `SELECT COUNT(*) FROM registrations WHERE activity_id = ? AND status = 'waitlisted' AND id <= ?`,
			activityID, id).Scan(&reg.Position)
	}
	return reg, err
}

// lockActivity locks an activity's row for the transaction and returns it.
func (s *Activities) lockActivity(ctx context.Context, q runner, id guli.ID) (*guli.Activity, error) {
	if q.d == postgres {
		// FOR UPDATE cannot lock the nullable side of outer joins: lock the
		// row alone, then read it whole.
		if _, err := q.exec(ctx, "SELECT id FROM activities WHERE id = ? FOR UPDATE", id); err != nil {
			return nil, err
		}
	}
	return s.activity(ctx, q, id)
}

// Register gives the person a confirmed place while there is one, else a
// place on the waitlist.
func (s *Activities) Register(ctx context.Context, activityID, userID guli.ID) (*guli.Registration, error) {
	actor, err := guli.RequireUser(ctx)
	if err != nil {
		return nil, err
	}
	if userID == 0 {
		userID = actor.ID
	}
	onBehalf := userID != actor.ID
	var reg *guli.Registration
	err = s.db.tx(ctx, func(q runner) error {
		// The person first, then the activity, as a closure takes them.
		closed, err := lockPerson(ctx, q, userID)
		if err != nil {
			return err
		}
		a, err := s.lockActivity(ctx, q, activityID)
		if err != nil {
			return err
		}
		q = q.in(a.StationID) // of the station tables, it writes this activity and its places only
		// Guardians register their dependents; staff people for their own
		// stations' activities.
		acting, err := actingFor(ctx, q, actor, userID, a.StationID)
		if err != nil {
			return err
		}
		if closed {
			return guli.Errorf(guli.ECAccountClosed)
		}
		now := s.db.now()
		if err := a.CheckOpen(now); err != nil {
			return err
		}
		person, err := userByID(ctx, q, userID)
		if isNotFound(err) {
			return guli.Invalid("user_id", guli.FRUnknownUser)
		}
		if err != nil {
			return err
		}
		status, position, err := a.Admit(person, now)
		if err != nil {
			return err
		}
		if _, err := liveRegistration(ctx, q, activityID, userID); err == nil {
			return guli.Errorf(guli.ECAlreadyRegistered)
		} else if !isNotFound(err) {
			return err
		}
		reg = &guli.Registration{ActivityID: activityID, UserID: userID, Name: person.Name, Status: status, Position: position, CreatedAt: now}
		counter := "confirmed_count"
		if status == guli.RegWaitlisted {
			counter = "waitlist_count"
		}
		by := guli.ID(0)
		if onBehalf {
			by = actor.ID
		}
		_, err = q.insert(ctx, `INSERT INTO registrations (activity_id, user_id, status, registered_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?)`, activityID, userID, reg.Status, nullID(by), ms(now), ms(now))
		if isUnique(err, "registrations") {
			return guli.Errorf(guli.ECAlreadyRegistered)
		}
		if err != nil {
			return err
		}
		if _, err := q.exec(ctx, "UPDATE activities SET "+counter+" = "+counter+" + 1 WHERE id = ?", activityID); err != nil {
			return err
		}
		switch acting {
		case guli.ActsAsStaff:
			if err := audit(ctx, q, now, actor, "registration.on_behalf", userID, a.Title); err != nil {
				return err
			}
			return notify(ctx, q, now, userID, guli.NotifyRegisteredByStaff, paramsOf(a))
		case guli.ActsAsGuardian: // the dependent reads who did it in their data, and is told
			if err := audit(ctx, q, now, actor, "registration.by_family", userID, a.Title); err != nil {
				return err
			}
			return tellDependent(ctx, q, now, actor, userID, guli.NotifyFamilyRegistered, paramsOf(a))
		}
		return nil
	})
	return reg, err
}

// CancelRegistration gives up a place. When a confirmed place frees up, the
// first person on the waitlist takes it and is told so.
func (s *Activities) CancelRegistration(ctx context.Context, activityID, userID guli.ID) error {
	actor, err := guli.RequireUser(ctx)
	if err != nil {
		return err
	}
	if userID == 0 {
		userID = actor.ID
	}
	return s.db.tx(ctx, func(q runner) error {
		acting, err := actingFor(ctx, q, actor, userID, 0) // the links first, as Register takes them
		if err != nil && guli.ErrorCode(err) != guli.ECNotFound {
			return err
		}
		a, err := s.lockActivity(ctx, q, activityID)
		if err != nil {
			return err
		}
		q = q.in(a.StationID) // of the station tables, it writes this activity and its places only
		if acting == 0 {
			if acting, err = guli.MayActFor(actor, userID, []guli.ID{a.StationID}, nil); err != nil {
				return err
			}
		}
		now := s.db.now()
		if err := a.CheckCancellable(now); err != nil {
			return err
		}
		reg, err := liveRegistration(ctx, q, activityID, userID)
		if isNotFound(err) {
			return guli.Errorf(guli.ECNotFound)
		}
		if err != nil {
			return err
		}
		action := map[guli.Acting]string{guli.ActsAsStaff: "registration.cancel_on_behalf", guli.ActsAsGuardian: "registration.cancel_by_family"}[acting]
		if action != "" {
			if err := audit(ctx, q, now, actor, action, userID, a.Title); err != nil {
				return err
			}
		}
		if acting == guli.ActsAsGuardian {
			if err := tellDependent(ctx, q, now, actor, userID, guli.NotifyFamilyCancelled, paramsOf(a)); err != nil {
				return err
			}
		}
		return dropPlace(ctx, q, a, reg, now)
	})
}

// dropPlace cancels a live registration of a locked activity. When a
// confirmed place of a scheduled activity frees up, the first person on
// the waitlist takes it and is told so.
func dropPlace(ctx context.Context, q runner, a *guli.Activity, reg *guli.Registration, now time.Time) error {
	if _, err := q.exec(ctx, `UPDATE registrations SET status = 'cancelled', updated_at = ?
		WHERE activity_id = ? AND user_id = ? AND status <> 'cancelled'`, ms(now), a.ID, reg.UserID); err != nil {
		return err
	}
	if reg.Status == guli.RegWaitlisted {
		_, err := q.exec(ctx, "UPDATE activities SET waitlist_count = waitlist_count - 1 WHERE id = ?", a.ID)
		return err
	}
	if _, err := q.exec(ctx, "UPDATE activities SET confirmed_count = confirmed_count - 1 WHERE id = ?", a.ID); err != nil {
		return err
	}
	if a.Status != guli.ActivityScheduled {
		return nil
	}
	return promote(ctx, q, a, now)
}

// promote confirms the first person on the waitlist, if any, and tells them.
func promote(ctx context.Context, q runner, a *guli.Activity, now time.Time) error {
	var regID, userID int64
	err := q.row(ctx, `SELECT id, user_id FROM registrations WHERE activity_id = ? AND status = 'waitlisted'
		ORDER BY id LIMIT 1`, a.ID).Scan(&regID, &userID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	if _, err := q.exec(ctx, "UPDATE registrations SET status = 'confirmed', updated_at = ? WHERE id = ?", ms(now), regID); err != nil {
		return err
	}
	if _, err := q.exec(ctx, `UPDATE activities SET confirmed_count = confirmed_count + 1,
		waitlist_count = waitlist_count - 1 WHERE id = ?`, a.ID); err != nil {
		return err
	}
	return notify(ctx, q, now, guli.ID(userID), guli.NotifyPromoted, paramsOf(a))
}

func paramsOf(a *guli.Activity) guli.NotificationParams {
	return guli.NotificationParams{ActivityID: a.ID, ActivityTitle: a.Title, Start: a.Start, Timezone: a.Start.Location().String()}
}

// notify leaves an in-app notification, in the transaction of what it tells.
func notify(ctx context.Context, q runner, now time.Time, userID guli.ID, kind string, p guli.NotificationParams) error {
	params, err := storeParams(p)
	if err != nil {
		return err
	}
	// A cancellation names its activity for the call list that follows it.
	var activity any
	if kind == guli.NotifyActivityCancelled {
		activity = p.ActivityID
	}
	id, err := q.insert(ctx, "INSERT INTO notifications (user_id, kind, params, created_at, activity_id) VALUES (?, ?, ?, ?, ?)",
		userID, kind, params, ms(now), activity)
	if err == nil && q.st != nil {
		q.st.notified = append(q.st.notified, id)
	}
	q.notified(userID)
	return err
}

// mayRun answers whether actor may run an activity (see guli.MayRun):
// nil, or forbidden, or for staff of another station not_found.
func mayRun(actor *guli.User, a *guli.Activity) error {
	switch {
	case guli.MayRun(actor, a):
		return nil
	case actor.IsStaff():
		return hidden()
	}
	return guli.Errorf(guli.ECForbidden)
}

// Registrations lists who holds a place, confirmed first, then the waitlist
// in order; for staff and the host.
func (s *Activities) Registrations(ctx context.Context, activityID guli.ID) ([]*guli.Registration, error) {
	actor, err := guli.RequireUser(ctx)
	if err != nil {
		return nil, err
	}
	a, err := s.ones.get(ctx, s.db, [2]guli.ID{0, activityID}, func(ctx context.Context) (*guli.Activity, error) { return s.activityFor(ctx, 0, activityID) })
	if err != nil {
		return nil, err
	}
	if err := mayRun(actor, a); err != nil {
		return nil, err
	}
	roster, err := s.rosters.get(ctx, s.db, activityID, func(ctx context.Context) ([]*guli.Registration, error) { return s.roster(ctx, s.db.read(), activityID) })
	if err != nil {
		return nil, err
	}
	roster = guli.ShowChildren(actor, a, roster, s.db.now())
	if !guli.SeesMarks(actor, a.StationID) || len(roster) == 0 {
		return roster, nil
	}
	// Staff read the station's marks of the people on it, on a copy: the
	// kept roster is also a host's, who is shown none.
	people := make([]guli.ID, len(roster))
	for i, r := range roster {
		people[i] = r.UserID
	}
	marks, err := NewMarks(s.db).Marks(ctx, a.StationID, people)
	if err != nil || len(marks) == 0 {
		return roster, err
	}
	marked := make([]*guli.Registration, len(roster))
	for i, r := range roster {
		c := *r
		c.Marks = marks[r.UserID]
		marked[i] = &c
	}
	return marked, nil
}

// roster reads an activity's registrations, confirmed first, then the
// waitlist in order.
func (s *Activities) roster(ctx context.Context, q runner, activityID guli.ID) ([]*guli.Registration, error) {
	regs, err := list(ctx, q, scanRegistration, `SELECT r.activity_id, r.user_id, u.name, r.status, r.created_at,
			CASE WHEN t.user_id IS NULL THEN 0 ELSE 1 END, u.birth_year
		FROM registrations r JOIN users u ON u.id = r.user_id
		LEFT JOIN attendances t ON t.activity_id = r.activity_id AND t.user_id = r.user_id
		WHERE r.activity_id = ? AND r.status <> 'cancelled'
		ORDER BY CASE r.status WHEN 'confirmed' THEN 0 ELSE 1 END, r.id`, activityID)
	if err != nil {
		return nil, s.db.mapErr(err)
	}
	pos := 0
	for _, r := range regs {
		if r.Status == guli.RegWaitlisted {
			pos++
			r.Position = pos
		}
	}
	return regs, nil
}

func scanRegistration(row interface{ Scan(...any) error }) (*guli.Registration, error) {
	var r guli.Registration
	var activity, user, created int64
	var checked int
	err := row.Scan(&activity, &user, &r.Name, &r.Status, &created, &checked, &r.BirthYear)
	r.ActivityID, r.UserID, r.CreatedAt, r.CheckedIn = guli.ID(activity), guli.ID(user), fromMS(created), checked == 1
	return &r, err
}

// CheckIn records that a person came; walk-ins without a registration count
// too. Recording twice is harmless.
func (s *Activities) CheckIn(ctx context.Context, activityID, userID guli.ID) error {
	actor, err := guli.RequireUser(ctx)
	if err != nil {
		return err
	}
	if userID == 0 {
		return guli.Invalid("user_id", guli.FRRequired)
	}
	return s.db.tx(ctx, func(q runner) error {
		a, err := s.activity(ctx, q, activityID)
		if err != nil {
			return err
		}
		if err := mayRun(actor, a); err != nil {
			return err
		}
		if a.Status == guli.ActivityCancelled {
			return guli.Errorf(guli.ECActivityCancelled)
		}
		if ok, err := q.exists(ctx, "SELECT 1 FROM users WHERE id = ?", userID); err != nil || !ok {
			return errors.Join(err, guli.Invalid("user_id", guli.FRUnknownUser))
		}
		_, err = q.exec(ctx, `INSERT INTO attendances (activity_id, user_id, recorded_by, checked_in_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (activity_id, user_id) DO NOTHING`, activityID, userID, nullID(actor.ID), ms(s.db.now()))
		return err
	})
}

// CancelActivity cancels an activity, frees its room and tells everyone
// registered. Cancelling twice is harmless.
func (s *Activities) CancelActivity(ctx context.Context, id guli.ID) error {
	actor, err := guli.RequireUser(ctx)
	if err != nil {
		return err
	}
	return s.db.tx(ctx, func(q runner) error {
		a, err := s.lockActivity(ctx, q, id)
		if err != nil {
			return err
		}
		if err := mayRun(actor, a); err != nil {
			return err
		}
		if a.Status == guli.ActivityCancelled {
			return nil
		}
		// A record is saved under the same lock: one written stays in the
		// ledger.
		var recorded int
		if err := q.row(ctx, "SELECT version FROM activity_records WHERE activity_id = ?", id).Scan(&recorded); err != nil && !isNotFound(err) {
			return err
		}
		if err := guli.CheckCancelRecorded(recorded); err != nil {
			return err
		}
		now := s.db.now()
		if _, err := q.exec(ctx, "UPDATE activities SET status = 'cancelled' WHERE id = ?", id); err != nil {
			return err
		}
		if !a.TellsOfCancellation(now) {
			return nil
		}
		rows, err := q.query(ctx, "SELECT user_id FROM registrations WHERE activity_id = ? AND status <> 'cancelled' ORDER BY id", id)
		if err != nil {
			return err
		}
		var users []guli.ID
		for rows.Next() {
			var u int64
			if err := rows.Scan(&u); err != nil {
				rows.Close()
				return err
			}
			users = append(users, guli.ID(u))
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, u := range users {
			if err := notify(ctx, q, now, u, guli.NotifyActivityCancelled, paramsOf(a)); err != nil {
				return err
			}
		}
		return nil
	})
}

// MyRegistrations implements guli.ActivityService: registrations alone,
// without their activities, for marking a list already read.
func (s *Activities) MyRegistrations(ctx context.Context, from, to time.Time) (map[guli.ID]*guli.Registration, error) {
	me, err := guli.RequireUser(ctx)
	if err != nil {
		return nil, err
	}
	return s.keptRegistrations(ctx, me.ID, from, to)
}

// RegistrationsOf implements guli.ActivityService: a guardian marks a
// list with their dependent's places, the links read as ActivitiesOf
// reads them.
func (s *Activities) RegistrationsOf(ctx context.Context, userID guli.ID, from, to time.Time) (map[guli.ID]*guli.Registration, error) {
	actor, err := guli.RequireUser(ctx)
	if err != nil {
		return nil, err
	}
	if err := s.readsFor(ctx, actor, userID); err != nil {
		return nil, err
	}
	return s.keptRegistrations(ctx, userID, from, to)
}

// keptRegistrations are user's places in the window, kept per person and
// window and copied out.
func (s *Activities) keptRegistrations(ctx context.Context, user guli.ID, from, to time.Time) (map[guli.ID]*guli.Registration, error) {
	kept, err := s.mine.get(ctx, s.db, myRegistrationsKey{user, ms(from), ms(to)}, func(ctx context.Context) (map[guli.ID]*guli.Registration, error) {
		return s.myRegistrations(ctx, user, from, to)
	})
	if err != nil {
		return nil, err
	}
	mine := make(map[guli.ID]*guli.Registration, len(kept))
	for id, r := range kept {
		c := *r
		mine[id] = &c
	}
	return mine, nil
}

func (s *Activities) myRegistrations(ctx context.Context, user guli.ID, from, to time.Time) (map[guli.ID]*guli.Registration, error) {
	mine := map[guli.ID]*guli.Registration{}
	err := s.db.view(ctx, func(q runner) error {
		rows, err := q.query(ctx, `SELECT g.activity_id`+registrationColumns+`
			FROM registrations g JOIN activities a ON a.id = g.activity_id
			WHERE g.user_id = ? AND g.status <> 'cancelled' AND a.start_at >= ? AND a.start_at < ?`, user, ms(from), ms(to))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var (
				activity, created int64
				r                 = &guli.Registration{UserID: user}
			)
			if err := rows.Scan(&activity, &r.Status, &r.Position, &created); err != nil {
				return err
			}
			r.ActivityID, r.CreatedAt = guli.ID(activity), fromMS(created)
			mine[r.ActivityID] = r
		}
		return rows.Err()
	})
	return mine, err
}

// MyActivities lists the acting user's live registrations from a time on,
// cancelled activities included so people learn of them.
func (s *Activities) MyActivities(ctx context.Context, from time.Time) ([]*guli.Activity, error) {
	me, err := guli.RequireUser(ctx)
	if err != nil {
		return nil, err
	}
	return s.activitiesOf(ctx, me.ID, from)
}

// ActivitiesOf implements guli.ActivityService: a guardian reads their
// dependent's places.
func (s *Activities) ActivitiesOf(ctx context.Context, userID guli.ID, from time.Time) ([]*guli.Activity, error) {
	actor, err := guli.RequireUser(ctx)
	if err != nil {
		return nil, err
	}
	if err := s.readsFor(ctx, actor, userID); err != nil {
		return nil, err
	}
	return s.activitiesOf(ctx, userID, from)
}

// readsFor says whether actor may read person's places: themself, or
// their guardian under an active link (guli.MayActFor), the links kept.
func (s *Activities) readsFor(ctx context.Context, actor *guli.User, person guli.ID) error {
	var links []*guli.FamilyLink
	if person != actor.ID {
		var err error
		links, err = s.links.get(ctx, s.db, [2]guli.ID{actor.ID, person}, func(ctx context.Context) ([]*guli.FamilyLink, error) {
			links, err := activeLinks(ctx, s.db.read(), actor.ID, person, "")
			return links, s.db.mapErr(err)
		})
		if err != nil {
			return err
		}
	}
	_, err := guli.MayActFor(actor, person, nil, links)
	return err
}

func (s *Activities) activitiesOf(ctx context.Context, user guli.ID, from time.Time) ([]*guli.Activity, error) {
	me := &guli.User{ID: user}
	items, err := list(ctx, s.db.read(), s.scanMine(me.ID), `SELECT `+activityColumns+registrationColumns+activityFrom+`
		JOIN registrations g ON g.activity_id = a.id AND g.user_id = ? AND g.status <> 'cancelled'
		WHERE a.end_at > ? ORDER BY a.start_at, a.id LIMIT 500`, me.ID, ms(from))
	return items, s.db.mapErr(err)
}
