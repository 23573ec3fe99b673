package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"guli"
)

// CheckConsistency recomputes what the store keeps beside the rows it is
// derived from, and looks for what the services' locks keep out, over
// the whole database: after a bulk load (package demo/district), which
// goes round the services, it says whether the load kept every rule the
// services keep. It reports each kind of problem with its first example;
// the time bank's balances are CheckLedger's.
//
//   - an activity's confirmed_count and waitlist_count are its
//     registrations' counts; no activity holds more confirmed places than
//     its capacity, nobody waits while a place is free, and the waitlist is
//     first come, first served (no one confirmed registered after someone
//     still waiting);
//   - no room is held twice at once, by activities or bookings, nor an
//     activity's room while the station is closed;
//   - a team's members, a post's comments and reports, a proposal's
//     supports and a poll's votes are the rows they count; a poll that is
//     not secret has its options' counts in its votes, and none has more
//     votes than its voters may cast;
//   - every confirmed request for help is credited once, its minutes, and
//     nothing else is credited for a request; an account's earned minutes
//     are the sum of its earnings; no request is its requester's own
//     service;
//   - no fill (ClaimEmpty) stopped halfway;
//   - on SQLite, every foreign key names a row (PRAGMA foreign_key_check:
//     a bulk load turns their checking off while it writes).
func (db *DB) CheckConsistency(ctx context.Context) error {
	q := db.read()
	var problems []error
	switch filling, err := q.exists(ctx, "SELECT 1 FROM counters WHERE name = ?", fillingCounter); {
	case err != nil:
		return db.mapErr(fmt.Errorf("filling: %w", err))
	case filling:
		problems = append(problems, errors.New("a district (guli demo --residents) was being written here and did not finish: the database holds part of it; start again on an empty database"))
	}
	for _, c := range consistencyChecks {
		var a, b int64
		err := q.row(ctx, c.query).Scan(&a, &b)
		switch {
		case err == nil:
			problems = append(problems, fmt.Errorf(c.says, a, b))
		case !isNotFound(err):
			return db.mapErr(fmt.Errorf("%s: %w", c.name, err))
		}
	}
	hours, err := db.checkOpenRooms(ctx)
	if err != nil {
		return err
	}
	problems = append(problems, hours...)
	if db.dialect == sqlite {
		rows, err := db.r.QueryContext(ctx, "PRAGMA foreign_key_check")
		if err != nil {
			return db.mapErr(err)
		}
		defer rows.Close()
		if rows.Next() {
			var table, parent string
			var rowid, fk any
			if err := rows.Scan(&table, &rowid, &parent, &fk); err != nil {
				return db.mapErr(err)
			}
			problems = append(problems, fmt.Errorf("row %v of %s names a row of %s that is not there", rowid, table, parent))
		}
		if err := rows.Err(); err != nil {
			return db.mapErr(err)
		}
	}
	return errors.Join(problems...)
}

// consistencyChecks each find a first example of a problem: a row of two
// numbers, or none when all is well.
var consistencyChecks = []struct {
	name, query, says string
}{
	{"places", `SELECT a.id, a.confirmed_count * 1000000 + a.waitlist_count FROM activities a
		LEFT JOIN (SELECT activity_id, SUM(CASE WHEN status = 'confirmed' THEN 1 ELSE 0 END) AS c,
			SUM(CASE WHEN status = 'waitlisted' THEN 1 ELSE 0 END) AS w FROM registrations GROUP BY activity_id) r ON r.activity_id = a.id
		WHERE a.confirmed_count <> COALESCE(r.c, 0) OR a.waitlist_count <> COALESCE(r.w, 0) ORDER BY a.id LIMIT 1`,
		"activity %d: its confirmed and waiting counts (%d as confirmed×1,000,000 + waiting) are not its registrations'"},
	{"capacity", `SELECT id, confirmed_count FROM activities WHERE capacity > 0 AND confirmed_count > capacity ORDER BY id LIMIT 1`,
		"activity %d has %d confirmed places, more than its capacity"},
	{"waiting", `SELECT id, waitlist_count FROM activities WHERE capacity > 0 AND waitlist_count > 0 AND confirmed_count < capacity ORDER BY id LIMIT 1`,
		"activity %d has a place free while %d wait"},
	{"first come", `SELECT activity_id, MIN(CASE WHEN status = 'waitlisted' THEN id END) FROM registrations WHERE status <> 'cancelled'
		GROUP BY activity_id HAVING MAX(CASE WHEN status = 'confirmed' THEN id END) > MIN(CASE WHEN status = 'waitlisted' THEN id END)
		ORDER BY activity_id LIMIT 1`,
		"activity %d: registration %d waits while someone who came later has a place"},
	{"rooms", `SELECT a.id, b.id FROM activities a JOIN activities b ON b.room_id = a.room_id AND b.start_at >= a.start_at AND b.start_at < a.end_at AND b.id <> a.id
		WHERE a.room_id IS NOT NULL AND a.status = 'scheduled' AND b.status = 'scheduled' ORDER BY a.id LIMIT 1`,
		"activities %d and %d hold one room at once"},
	{"bookings", `SELECT k.id, a.id FROM bookings k JOIN activities a ON a.room_id = k.room_id AND a.start_at < k.end_at AND a.end_at > k.start_at
		WHERE k.cancelled_at IS NULL AND a.status = 'scheduled' ORDER BY k.id LIMIT 1`,
		"booking %d and activity %d hold one room at once"},
	{"bookings twice", `SELECT k.id, l.id FROM bookings k JOIN bookings l ON l.room_id = k.room_id AND l.start_at >= k.start_at AND l.start_at < k.end_at AND l.id <> k.id
		WHERE k.cancelled_at IS NULL AND l.cancelled_at IS NULL ORDER BY k.id LIMIT 1`,
		"bookings %d and %d hold one room at once"},
	{"teams", `SELECT t.id, t.members FROM teams t LEFT JOIN (SELECT team_id, COUNT(*) AS n FROM team_members GROUP BY team_id) m ON m.team_id = t.id
		WHERE t.members <> COALESCE(m.n, 0) ORDER BY t.id LIMIT 1`,
		"team %d counts %d members, not its rows of members"},
	{"comments", `SELECT p.id, p.comments FROM posts p LEFT JOIN (SELECT post_id, COUNT(*) AS n FROM post_comments GROUP BY post_id) c ON c.post_id = p.id
		WHERE p.comments <> COALESCE(c.n, 0) ORDER BY p.id LIMIT 1`,
		"post %d counts %d comments, not its rows of comments"},
	{"reports", `SELECT p.id, p.reports FROM posts p LEFT JOIN (SELECT post_id, COUNT(*) AS n FROM post_reports GROUP BY post_id) r ON r.post_id = p.id
		WHERE p.reports <> COALESCE(r.n, 0) OR p.unreviewed > p.reports OR p.unreviewed < 0 ORDER BY p.id LIMIT 1`,
		"post %d counts %d reports, not its rows of reports (or more unreviewed than reports)"},
	{"supports", `SELECT p.id, p.support_count FROM proposals p LEFT JOIN (SELECT proposal_id, COUNT(*) AS n FROM proposal_supports GROUP BY proposal_id) s ON s.proposal_id = p.id
		WHERE p.support_count <> COALESCE(s.n, 0) ORDER BY p.id LIMIT 1`,
		"proposal %d counts %d supports, not its rows of supports"},
	{"open votes", `SELECT o.id, o.votes FROM poll_options o JOIN polls p ON p.id = o.poll_id
		LEFT JOIN (SELECT option_id, COUNT(*) AS n FROM poll_votes GROUP BY option_id) v ON v.option_id = o.id
		WHERE p.secret = 0 AND o.votes <> COALESCE(v.n, 0) ORDER BY o.id LIMIT 1`,
		"option %d of a poll that is not secret counts %d votes, not its rows of votes"},
	{"secret votes", `SELECT id, secret FROM polls p WHERE EXISTS (SELECT 1 FROM poll_votes v WHERE v.poll_id = p.id) AND p.secret <> 0 ORDER BY id LIMIT 1`,
		"poll %d is secret (%d) and keeps who chose what"},
	{"ballots", `SELECT p.id, COALESCE(o.n, 0) FROM polls p LEFT JOIN (SELECT poll_id, SUM(votes) AS n FROM poll_options GROUP BY poll_id) o ON o.poll_id = p.id
		LEFT JOIN (SELECT poll_id, COUNT(*) AS n FROM poll_voters GROUP BY poll_id) v ON v.poll_id = p.id
		WHERE COALESCE(o.n, 0) < COALESCE(v.n, 0) OR COALESCE(o.n, 0) > COALESCE(v.n, 0) * p.max_choices ORDER BY p.id LIMIT 1`,
		"poll %d counts %d votes, which its voters cannot have cast"},
	{"credits", `SELECT h.id, h.minutes FROM help_requests h LEFT JOIN timebank_entries e ON e.help_id = h.id
		WHERE h.status = 'confirmed' AND (e.id IS NULL OR e.minutes <> h.minutes) ORDER BY h.id LIMIT 1`,
		"confirmed request %d (%d minutes) is not credited its minutes"},
	{"credited", `SELECT h.id, e.id FROM help_requests h JOIN timebank_entries e ON e.help_id = h.id WHERE h.status <> 'confirmed' ORDER BY h.id LIMIT 1`,
		"request %d is not confirmed but entry %d credits it"},
	{"own help", `SELECT id, requester_id FROM help_requests WHERE volunteer_id = requester_id ORDER BY id LIMIT 1`,
		"request %d is served by its requester, %d"},
	{"earned", `SELECT a.id, a.earned FROM timebank_accounts a
		LEFT JOIN (SELECT account_id, SUM(minutes) AS n FROM timebank_entries WHERE kind = 'earned' GROUP BY account_id) e ON e.account_id = a.id
		WHERE a.earned <> COALESCE(e.n, 0) ORDER BY a.id LIMIT 1`,
		"account %d says %d minutes earned, not the sum of its earnings"},
}

// checkOpenRooms finds an activity that holds a room while its station is
// closed, by its hours or a closure day: the first of each station.
func (db *DB) checkOpenRooms(ctx context.Context) ([]error, error) {
	q := db.read()
	stations, err := list(ctx, q, scanStation, "SELECT "+stationColumns+" FROM stations ORDER BY id")
	if err != nil {
		return nil, db.mapErr(err)
	}
	var problems []error
	for _, st := range stations {
		closed := map[guli.Date]bool{}
		rows, err := q.query(ctx, "SELECT day FROM closures WHERE station_id = ?", st.ID)
		if err != nil {
			return nil, db.mapErr(err)
		}
		for rows.Next() {
			var d string
			if err := rows.Scan(&d); err != nil {
				rows.Close()
				return nil, db.mapErr(err)
			}
			closed[guli.Date(d)] = true
		}
		rows.Close()
		loc := st.Location()
		rows, err = q.query(ctx, "SELECT id, start_at, end_at FROM activities WHERE station_id = ? AND room_id IS NOT NULL AND status = 'scheduled' ORDER BY id", st.ID)
		if err != nil {
			return nil, db.mapErr(err)
		}
		for rows.Next() {
			var id, start, end int64
			if err := rows.Scan(&id, &start, &end); err != nil {
				rows.Close()
				return nil, db.mapErr(err)
			}
			s, e := time.UnixMilli(start).In(loc), time.UnixMilli(end).In(loc)
			if !st.OpeningHours.Covers(s, e) || closed[guli.DateOf(s)] {
				problems = append(problems, fmt.Errorf("activity %d holds a room at %s while station %d is closed", id, s.Format("2006-01-02 15:04"), st.ID))
				break
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, db.mapErr(err)
		}
	}
	return problems, nil
}
