package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"guli"
)

// Marks implements guli.MarkService: the marks staff set on the people of
// their stations (resident_marks, migration 0024).
type Marks struct{ db *DB }

// NewMarks returns the marks of db.
func NewMarks(db *DB) *Marks { return &Marks{db} }

var _ guli.MarkService = (*Marks)(nil)

// Marks reads the marks set at a station on people, for its staff; anyone
// else gets none. One range of the key per page of people.
func (s *Marks) Marks(ctx context.Context, station guli.ID, people []guli.ID) (map[guli.ID][]string, error) {
	out := map[guli.ID][]string{}
	if !guli.SeesMarks(guli.UserFromContext(ctx), station) || len(people) == 0 {
		return out, nil
	}
	for chunk := range slices.Chunk(people, 500) {
		args := []any{station}
		for _, p := range chunk {
			args = append(args, p)
		}
		if err := readMarks(ctx, s.db.read(), out, "station_id = ? AND user_id IN ("+placeholders(len(chunk))+")", args...); err != nil {
			return nil, s.db.mapErr(err)
		}
	}
	return out, nil
}

// readMarks adds the marks the condition finds to out, each person's in
// the order of guli.MarkKinds.
func readMarks(ctx context.Context, q runner, out map[guli.ID][]string, cond string, args ...any) error {
	rows, err := q.query(ctx, "SELECT user_id, kind FROM resident_marks WHERE "+cond, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var user int64
		var kind string
		if err := rows.Scan(&user, &kind); err != nil {
			return err
		}
		out[guli.ID(user)] = append(out[guli.ID(user)], kind)
	}
	for _, marks := range out {
		slices.SortFunc(marks, func(a, b string) int { return slices.Index(guli.MarkKinds, a) - slices.Index(guli.MarkKinds, b) })
	}
	return rows.Err()
}

// SetMark sets or takes off a mark, audited when it changes anything: a
// second tap of the same button writes nothing and moves no kept answer.
func (s *Marks) SetMark(ctx context.Context, in guli.MarkInput) error {
	actor, err := guli.RequireUser(ctx)
	if err != nil {
		return err
	}
	if err := in.Validate(); err != nil {
		return err
	}
	if err := actor.ActsAt(in.StationID); err != nil {
		return err
	}
	return s.db.tx(ctx, func(q runner) error {
		person, err := personIn(ctx, q, in.UserID)
		if err != nil {
			return err
		}
		if err := guli.CheckMark(actor, in.StationID, person); err != nil {
			return err
		}
		now, action := s.db.now(), "mark.unset"
		quiet := q // what changes nothing moves nothing
		quiet.moved = nil
		var res sql.Result
		if in.On {
			if err := guli.CheckNotClosed(person); err != nil {
				return err
			}
			action = "mark.set"
			res, err = quiet.exec(ctx, `INSERT INTO resident_marks (station_id, user_id, kind, set_by, set_at) VALUES (?, ?, ?, ?, ?)
				ON CONFLICT (station_id, user_id, kind) DO NOTHING`, in.StationID, in.UserID, in.Kind, nullID(actor.ID), ms(now))
		} else {
			res, err = quiet.exec(ctx, "DELETE FROM resident_marks WHERE station_id = ? AND user_id = ? AND kind = ?", in.StationID, in.UserID, in.Kind)
		}
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		q.touch()
		return audit(ctx, q, now, actor, action, in.UserID, in.Kind+" @"+in.StationID.String())
	})
}

// Calls implements guli.CallService: call lists read from the
// notifications an alert, an urgent notice or a cancellation left (their
// post_id or activity_id, migration 0024), and the ticks kept beside them
// (call_ticks).
type Calls struct{ db *DB }

// NewCalls returns the call lists of db.
func NewCalls(db *DB) *Calls { return &Calls{db} }

var _ guli.CallService = (*Calls)(nil)

// subject loads what a call list follows, as far as actor may see it: a
// post that needs calls (guli.Post.NeedsCalls) or a cancelled activity, at
// a station actor works at; anything else answers not_found.
func (s *Calls) subject(ctx context.Context, q runner, actor *guli.User, t guli.CallTarget) (*guli.CallList, error) {
	col, err := targetColumn(t)
	if err != nil {
		return nil, err
	}
	l := &guli.CallList{Target: t}
	var station, since int64
	var tz string
	switch col {
	case "post_id":
		var p guli.Post
		var urgent int
		err = q.row(ctx, `SELECT p.station_id, p.kind, p.urgent, p.status, p.title, p.created_at, s.timezone
			FROM posts p JOIN stations s ON s.id = p.station_id WHERE p.id = ?`, t.ID).Scan(&station, &p.Kind, &urgent, &p.Status, &l.Title, &since, &tz)
		if err != nil {
			return nil, notFound(err)
		}
		p.Urgent = urgent == 1
		if !p.NeedsCalls() {
			return nil, hidden()
		}
		l.Kind = p.Kind
	default:
		var status string
		err = q.row(ctx, `SELECT a.station_id, a.status, a.title, s.timezone,
				COALESCE((SELECT MIN(n.created_at) FROM notifications n WHERE n.activity_id = a.id), 0)
			FROM activities a JOIN stations s ON s.id = a.station_id WHERE a.id = ?`, t.ID).Scan(&station, &status, &l.Title, &tz, &since)
		if err != nil {
			return nil, notFound(err)
		}
		if status != guli.ActivityCancelled {
			return nil, hidden()
		}
	}
	l.StationID = guli.ID(station)
	if err := guli.CheckCallList(actor, l.StationID); err != nil {
		return nil, err
	}
	if since == 0 { // cancelled with nobody on it: nothing was told
		since = ms(s.db.now())
	}
	l.Since = fromMS(since).In(guli.Zone(tz))
	return l, nil
}

// CallList reads who was told of target and has not opened it in the
// app, with anyone ticked already, their marks and their latest ticks, in
// a handful of reads by the indexes of migration 0024; then records the
// look, since the list shows phone numbers: one audit entry a view, whose
// subject is the post or the activity.
func (s *Calls) CallList(ctx context.Context, t guli.CallTarget, delay time.Duration) (*guli.CallList, error) {
	actor, err := guli.RequireUser(ctx)
	if err != nil {
		return nil, err
	}
	var l *guli.CallList
	err = s.db.view(ctx, func(q runner) error {
		if l, err = s.subject(ctx, q, actor, t); err != nil {
			return err
		}
		l.Delay = delay
		col, _ := targetColumn(t)
		if err := q.row(ctx, "SELECT COUNT(*), COUNT(read_at) FROM notifications WHERE "+col+" = ?", t.ID).Scan(&l.Told, &l.Opened); err != nil {
			return err
		}
		byPerson := map[guli.ID]*guli.CallEntry{}
		entries, err := list(ctx, q, func(row interface{ Scan(...any) error }) (*guli.CallEntry, error) {
			var e guli.CallEntry
			var user int64
			var opened int
			err := row.Scan(&user, &e.Name, &e.Phone, &e.Area, &opened)
			e.UserID, e.Opened = guli.ID(user), opened == 1
			return &e, err
		}, `SELECT n.user_id, u.name, COALESCE(u.phone, ''), COALESCE(a.name, ''), CASE WHEN n.read_at IS NULL THEN 0 ELSE 1 END
			FROM notifications n JOIN users u ON u.id = n.user_id LEFT JOIN areas a ON a.id = u.area_id
			WHERE n.`+col+` = ? AND (n.read_at IS NULL OR EXISTS (SELECT 1 FROM call_ticks c WHERE c.`+col+` = n.`+col+` AND c.user_id = n.user_id))`, t.ID)
		if err != nil {
			return err
		}
		for _, e := range entries {
			if byPerson[e.UserID] == nil { // one row a person, though told twice
				byPerson[e.UserID] = e
				l.Entries = append(l.Entries, e)
			}
		}
		marks := map[guli.ID][]string{}
		if err := readMarks(ctx, q, marks, "station_id = ?", l.StationID); err != nil {
			return err
		}
		for id, m := range marks {
			if e := byPerson[id]; e != nil {
				e.Marks = m
			}
		}
		rows, err := q.query(ctx, `SELECT c.user_id, c.outcome, c.note, c.created_at, COALESCE(u.name, '')
			FROM call_ticks c LEFT JOIN users u ON u.id = c.by_id WHERE c.`+col+` = ? ORDER BY c.id`, t.ID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var user, at int64
			var outcome, note, by string
			if err := rows.Scan(&user, &outcome, &note, &at, &by); err != nil {
				return err
			}
			if e := byPerson[guli.ID(user)]; e != nil { // the latest, by id, is the one shown
				e.Outcome, e.Note, e.TickedAt, e.TickedBy = outcome, note, fromMS(at).In(l.Since.Location()), by
				e.Ticks++
			}
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	l.Count()
	err = s.db.tx(ctx, func(q runner) error {
		return audit(ctx, q, s.db.now(), actor, "calls.view", t.ID, fmt.Sprintf("%s %s: %d", t.Kind, t.ID, l.Listed))
	})
	if err != nil {
		return nil, err
	}
	return l, nil
}

// Tick records one outcome for one person the target was told to. Ticks
// are only ever added: two staff ticking the same person at once both
// keep theirs, and the list shows the later (by id). Audited as an action
// on the person's record.
func (s *Calls) Tick(ctx context.Context, t guli.CallTarget, person guli.ID, in guli.CallInput) (*guli.CallTick, error) {
	actor, err := guli.RequireUser(ctx)
	if err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	col, err := targetColumn(t)
	if err != nil {
		return nil, err
	}
	var out *guli.CallTick
	err = s.db.tx(ctx, func(q runner) error {
		l, err := s.subject(ctx, q, actor, t)
		if err != nil {
			return err
		}
		told, err := q.exists(ctx, "SELECT 1 FROM notifications WHERE "+col+" = ? AND user_id = ?", t.ID, person)
		if err != nil {
			return err
		}
		if !told { // not on this list: as if there were nobody
			return hidden()
		}
		now := s.db.now()
		var post, activity any
		if col == "post_id" {
			post = t.ID
		} else {
			activity = t.ID
		}
		id, err := q.insert(ctx, `INSERT INTO call_ticks (station_id, post_id, activity_id, user_id, outcome, note, by_id, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, l.StationID, post, activity, person, in.Outcome, in.Note, actor.ID, ms(now))
		if err != nil {
			return err
		}
		out = &guli.CallTick{ID: id, Target: t, UserID: person, Outcome: in.Outcome, Note: in.Note, ByID: actor.ID, CreatedAt: now}
		return audit(ctx, q, now, actor, "calls.tick", person, strings.Join([]string{t.Kind, t.ID.String(), in.Outcome}, " "))
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
