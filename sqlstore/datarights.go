package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"guli"
)

// DataRights implements guli.DataRightsService.
type DataRights struct{ db *DB }

// NewDataRights returns the data-rights service of db.
func NewDataRights(db *DB) *DataRights { return &DataRights{db} }

var _ guli.DataRightsService = (*DataRights)(nil)

// exportSection is a section of a person's export: a query of their
// records with the person's id as its one argument (repeated as often as
// it has placeholders). Columns are named as the export names its fields:
// "id" and "..._id" are ids, "..._at" (and needed_by) times in ms.
type exportSection struct {
	name  string
	one   bool
	query string
	order string // oldest first; "" for a section of one record
}

// sql is the section's query: every record oldest first, or, with a
// limit, the newest that many.
func (sec exportSection) sql(limit int) string {
	switch {
	case sec.order == "":
		return sec.query
	case limit == 0:
		return sec.query + " ORDER BY " + sec.order
	}
	return sec.query + " ORDER BY " + strings.ReplaceAll(sec.order, ",", " DESC,") + " DESC LIMIT " + strconv.Itoa(limit)
}

var exportSections = []exportSection{
	{"profile", true, `SELECT u.id, u.name, u.phone, u.email, u.birth_year, u.area_id, COALESCE(ar.name, '') AS area, u.roles,
		u.ec_name AS emergency_contact_name, u.ec_phone AS emergency_contact_phone, u.created_at
		FROM users u LEFT JOIN areas ar ON ar.id = u.area_id WHERE u.id = ?`, ""},
	{"volunteer_profile", true, `SELECT skills, area_ids, availability, updated_at FROM volunteer_profiles WHERE user_id = ?`, ""},
	{"timebank_account", true, `SELECT balance AS balance_minutes, earned AS earned_minutes FROM timebank_accounts WHERE user_id = ?`, ""},
	{"visits", false, `SELECT v.id, v.station_id, s.name AS station, v.day, v.purpose, v.count, v.source, v.created_at
		FROM visits v JOIN stations s ON s.id = v.station_id WHERE v.user_id = ?`, "v.id"},
	{"registrations", false, `SELECT r.id, r.activity_id, a.title AS activity, a.start_at, r.status, r.created_at, r.updated_at
		FROM registrations r JOIN activities a ON a.id = r.activity_id WHERE r.user_id = ?`, "r.id"},
	{"attendances", false, `SELECT t.activity_id, a.title AS activity, a.start_at, t.checked_in_at
		FROM attendances t JOIN activities a ON a.id = t.activity_id WHERE t.user_id = ?`, "t.checked_in_at, t.activity_id"},
	{"bookings", false, `SELECT b.id, b.room_id, r.name AS room, b.start_at, b.end_at, b.purpose, b.created_at, b.cancelled_at
		FROM bookings b JOIN rooms r ON r.id = b.room_id WHERE b.user_id = ?`, "b.id"},
	{"health_measurements", false, `SELECT id, kind, systolic, diastolic, pulse, CAST(celsius_tenths AS DOUBLE PRECISION) / 10 AS celsius, created_at
		FROM health_measurements WHERE user_id = ?`, "id"},
	{"help_requests_asked", false, `SELECT id, title, description, category, status, needed_by, minutes, rating, comment, created_at, confirmed_at
		FROM help_requests WHERE requester_id = ?`, "id"},
	{"help_requests_served", false, `SELECT id, title, category, status, minutes, rating, comment, claimed_at, done_at, confirmed_at
		FROM help_requests WHERE volunteer_id = ?`, "id"},
	{"timebank_entries", false, `SELECT e.id, e.minutes, e.kind, e.memo, e.created_at
		FROM timebank_entries e JOIN timebank_accounts t ON t.id = e.account_id WHERE t.user_id = ?`, "e.id"},
	{"posts", false, `SELECT id, station_id, kind, title, body, status, created_at FROM posts WHERE author_id = ?`, "id"},
	{"comments", false, `SELECT id, post_id, body, created_at FROM post_comments WHERE author_id = ?`, "id"},
	{"proposals", false, `SELECT id, council_id, title, body, support_count, outcome, answer, created_at, answered_at
		FROM proposals WHERE author_id = ?`, "id"},
	{"supports", false, `SELECT s.proposal_id, p.title AS proposal, s.created_at
		FROM proposal_supports s JOIN proposals p ON p.id = s.proposal_id WHERE s.user_id = ?`, "s.created_at, s.proposal_id"},
	// A secret poll keeps no one's choice: of those, only that they voted.
	{"votes", false, `SELECT v.poll_id, p.question, p.secret, COALESCE(o.label, '') AS choice
		FROM poll_voters v JOIN polls p ON p.id = v.poll_id
		LEFT JOIN poll_votes c ON c.poll_id = v.poll_id AND c.user_id = v.user_id AND p.secret = 0
		LEFT JOIN poll_options o ON o.id = c.option_id
		WHERE v.user_id = ?`, "v.poll_id, o.position"},
	{"team_memberships", false, `SELECT m.team_id, t.name AS team, m.role, m.joined_at
		FROM team_members m JOIN teams t ON t.id = m.team_id WHERE m.user_id = ?`, "m.team_id"},
	{"council_memberships", false, `SELECT m.council_id, c.name AS council, m.added_at
		FROM council_members m JOIN councils c ON c.id = m.council_id WHERE m.user_id = ?`, "m.council_id"},
	{"notifications", false, `SELECT id, kind, params, created_at, read_at FROM notifications WHERE user_id = ?`, "id"},
	// What staff noted about them: the marks staff set (of every station;
	// not who set them), and the calls made to them after an alert or a
	// cancellation, with their outcome and note.
	{"marks", false, `SELECT m.station_id, s.name AS station, m.kind, m.set_at AS created_at
		FROM resident_marks m JOIN stations s ON s.id = m.station_id WHERE m.user_id = ?`, "m.set_at, m.station_id, m.kind"},
	{"calls", false, `SELECT c.id, c.post_id, c.activity_id, COALESCE(p.title, a.title, '') AS title, c.outcome, c.note, c.created_at
		FROM call_ticks c LEFT JOIN posts p ON p.id = c.post_id LEFT JOIN activities a ON a.id = c.activity_id
		WHERE c.user_id = ?`, "c.id"},
	// Family links on either side: whom one may act for, who may act for
	// one, and the consent given for a child.
	{"family_links", false, `SELECT l.relation, l.status, CASE WHEN l.guardian_id = ? THEN 'guardian' ELSE 'dependent' END AS side,
		COALESCE(u.name, '') AS person, l.consent_at, l.created_at, l.accepted_at, l.ended_at
		FROM family_links l JOIN users u ON u.id = CASE WHEN l.guardian_id = ? THEN l.dependent_id ELSE l.guardian_id END
		WHERE l.guardian_id = ? OR l.dependent_id = ?`, "l.id"},
	{"audit", false, `SELECT a.id, a.action, COALESCE(u.name, '') AS actor, a.detail, a.created_at
		FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id
		WHERE a.subject_id = ? AND a.subject_kind = 'person'`, "a.id"},
}

// exportOf starts an export of the acting person's data.
func (s *DataRights) exportOf(ctx context.Context) (*guli.User, *guli.DataExport, error) {
	me, err := guli.RequireUser(ctx)
	if err != nil {
		return nil, nil, err
	}
	if me.ID <= 0 {
		return nil, nil, guli.Errorf(guli.ECNotFound)
	}
	return me, &guli.DataExport{UserID: me.ID, ExportedAt: s.db.now()}, nil
}

// ExportMyData gathers everything kept about the acting person, and
// records that they took it.
func (s *DataRights) ExportMyData(ctx context.Context) (*guli.DataExport, error) {
	me, out, err := s.exportOf(ctx)
	if err != nil {
		return nil, err
	}
	// Recorded first, so the export lists itself; in a transaction of its
	// own, as audited reads are: the sections are read on the readers, and
	// a read moves no data version. Every export counts against
	// guli.ThrottleExport, under its lock, so a flood writes nothing; like
	// the entry, the count is not what readers see.
	err = s.db.tx(ctx, func(q runner) error {
		q.moved = nil
		if err := charge(ctx, q, limited{guli.ThrottleExport, me.ID.String()}, out.ExportedAt); err != nil {
			return err
		}
		return audit(ctx, q, out.ExportedAt, me, "user.export", me.ID, "")
	})
	if err != nil {
		return nil, err
	}
	err = s.db.view(ctx, func(q runner) error {
		for _, sec := range exportSections {
			rows, err := exportRows(ctx, q, sec.sql(0), me.ID)
			if err != nil {
				return fmt.Errorf("export %s: %w", sec.name, err)
			}
			out.Sections = append(out.Sections, guli.ExportSection{Name: sec.name, One: sec.one, Rows: rows, Count: len(rows)})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// MyData reads the person's data for the screen: a summary, or one
// section's newest records (see guli.DataRightsService).
func (s *DataRights) MyData(ctx context.Context, section string) (*guli.DataExport, error) {
	me, out, err := s.exportOf(ctx)
	if err != nil {
		return nil, err
	}
	err = s.db.view(ctx, func(q runner) error {
		if section != "" {
			for _, sec := range exportSections {
				if sec.name == section {
					read, err := newest(ctx, q, sec, me.ID, guli.ShownRecords)
					out.Sections = append(out.Sections, read)
					return err
				}
			}
			return guli.Errorf(guli.ECNotFound)
		}
		// The summary: every count in one query, then the profile and
		// the audit entries.
		// The audit entries are not counted: there may be thousands, and
		// the page lists the newest instead.
		counts := make([]string, len(exportSections))
		var args []any
		for i, sec := range exportSections {
			if sec.name == "audit" {
				counts[i] = "0"
				continue
			}
			counts[i] = "(SELECT COUNT(*) FROM (" + sec.query + ") c" + strconv.Itoa(i) + ")"
			for range strings.Count(sec.query, "?") {
				args = append(args, me.ID)
			}
		}
		n := make([]int, len(exportSections))
		ptrs := make([]any, len(n))
		for i := range n {
			ptrs[i] = &n[i]
		}
		if err := q.row(ctx, "SELECT "+strings.Join(counts, ", "), args...).Scan(ptrs...); err != nil {
			return err
		}
		for i, sec := range exportSections {
			read := guli.ExportSection{Name: sec.name, One: sec.one, Count: n[i]}
			if sec.name == "profile" || sec.name == "audit" {
				if read, err = newest(ctx, q, sec, me.ID, guli.ShownOnSummary); err != nil {
					return err
				}
				if sec.name != "audit" {
					read.Count = n[i]
				}
			}
			out.Sections = append(out.Sections, read)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// newest reads a section's newest n records, newest first.
func newest(ctx context.Context, q runner, sec exportSection, id guli.ID, n int) (guli.ExportSection, error) {
	read := guli.ExportSection{Name: sec.name, One: sec.one}
	rows, err := exportRows(ctx, q, sec.sql(n+1), id) // one more tells there are more
	if err != nil {
		return read, fmt.Errorf("export %s: %w", sec.name, err)
	}
	read.Count = len(rows)
	if read.More = len(rows) > n; read.More {
		rows = rows[:n]
	}
	read.Rows = rows
	return read, nil
}

// exportRows reads a section's records, each field named by its column.
func exportRows(ctx context.Context, q runner, query string, id guli.ID) ([]guli.ExportRow, error) {
	args := make([]any, strings.Count(query, "?"))
	for i := range args {
		args[i] = id
	}
	rows, err := q.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	out := []guli.ExportRow{}
	for rows.Next() {
		vals, err := scanAny(rows, len(cols))
		if err != nil {
			return nil, err
		}
		row := make(guli.ExportRow, len(cols))
		for i, c := range cols {
			row[i] = guli.ExportField{Key: c, Value: exportValue(c, vals[i])}
		}
		out = append(out, row)
	}
	return out, rows.Err()
}

// exportValue gives a column's value the type its name says.
func exportValue(col string, v any) any {
	if b, ok := v.([]byte); ok {
		v = string(b)
	}
	n, isInt := v.(int64)
	switch {
	case v == nil:
		return nil
	case isInt && (col == "id" || strings.HasSuffix(col, "_id")):
		return guli.ID(n)
	case isInt && (strings.HasSuffix(col, "_at") || col == "needed_by"):
		return fromMS(n)
	}
	return v
}

// lockPerson holds a person's row for the rest of the transaction —
// shared on PostgreSQL, where a closure holds it alone; SQLite's one
// writer holds everything already — and reports whether their account
// is closed. What a closure cancels cannot be added behind its back: a
// registration or a request waits for the closure, then sees it.
func lockPerson(ctx context.Context, q runner, id guli.ID) (closed bool, err error) {
	var at sql.NullInt64
	err = q.row(ctx, "SELECT closed_at FROM users WHERE id = ?"+q.d.forShare(), id).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil // the caller finds there is no such person
	}
	return at.Valid, err
}

// openPersonIn loads a person something is about to be added to, under
// lockPerson's lock, so that a closure cannot slip in between: the
// caller refuses them with guli.CheckNotClosed once it has checked that
// the actor may know of them.
func openPersonIn(ctx context.Context, q runner, id guli.ID) (*guli.User, error) {
	if _, err := lockPerson(ctx, q, id); err != nil {
		return nil, err
	}
	return personIn(ctx, q, id)
}

// CloseAccount closes an account (guli.MayCloseAccount decides who may).
// One's own needs its password, checked first and throttled as a change
// of password is; then, in one transaction under a lock on the person's
// row: their upcoming places are given up (the waitlist moves up), their
// open requests cancelled and the ones they claimed released, their future
// bookings cancelled, their personal data erased and their sessions ended.
// Visits, attendances, requests and the ledger keep pointing at the row.
func (s *DataRights) CloseAccount(ctx context.Context, in guli.CloseInput) (*guli.AccountClosure, error) {
	actor, err := guli.RequireUser(ctx)
	if err != nil {
		return nil, err
	}
	if err := in.Validate(actor); err != nil {
		return nil, err
	}
	own := in.Own(actor)
	subject := in.UserID
	if own {
		subject = actor.ID
	}
	var hash string
	if own {
		if err := s.db.read().row(ctx, "SELECT password_hash FROM users WHERE id = ?", subject).Scan(&hash); err != nil {
			return nil, s.db.mapErr(notFound(err))
		}
		guess := limited{guli.ThrottleChangePassword, subject.String()}
		charged, err := s.db.reserve(ctx, []limited{guess}, guess)
		if err != nil {
			return nil, err
		}
		ok, err := s.db.verify(ctx, in.ClientAddr, in.Password, hash)
		if err == nil && ok {
			err = s.db.forgiveNow(ctx, charged)
		} else if err != nil {
			err = errors.Join(err, s.db.forgiveNow(ctx, charged))
		}
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, &guli.Error{Code: guli.ECWrongPassword, Fields: map[string]string{"password": guli.FRWrongPassword}}
		}
	}
	var out *guli.AccountClosure
	err = s.db.tx(ctx, func(q runner) error {
		out = &guli.AccountClosure{UserID: subject}
		var (
			closed  sql.NullInt64
			current string
		)
		err := q.row(ctx, "SELECT closed_at, password_hash FROM users WHERE id = ?"+q.d.forUpdate(), subject).Scan(&closed, &current)
		if err != nil {
			return notFound(err)
		}
		person, err := personIn(ctx, q, subject)
		if err != nil {
			return err
		}
		if !own && !actor.SeesPrivateDataOf(person) {
			return hidden()
		}
		if closed.Valid {
			return guli.Errorf(guli.ECAccountClosed)
		}
		if own && current != hash {
			// The password changed since it was checked.
			return &guli.Error{Code: guli.ECWrongPassword, Fields: map[string]string{"password": guli.FRWrongPassword}}
		}
		admins := 0
		if person.IsAdmin() {
			// Two admins closing at once must not both succeed: counted
			// under the lock role changes take.
			if err := q.lock(ctx, "guli:admins"); err != nil {
				return err
			}
			if err := q.row(ctx, "SELECT COUNT(*) FROM users WHERE ',' || roles || ',' LIKE '%,admin,%'").Scan(&admins); err != nil {
				return err
			}
		}
		if err := guli.MayCloseAccount(actor, person, admins); err != nil {
			return err
		}
		now := s.db.now()
		if err := s.closeOpenThings(ctx, q, subject, now, out); err != nil {
			return err
		}
		if err := s.closeKeptAlone(ctx, q, actor, subject, now, out); err != nil {
			return err
		}
		if err := erasePerson(ctx, q, subject, now); err != nil {
			return err
		}
		if person.Has(guli.RoleVolunteer) {
			if err := bumpCounter(ctx, q, volunteersCounter); err != nil {
				return err
			}
		}
		detail := fmt.Sprintf("%d registrations, %d requests cancelled, %d released, %d bookings, %d dependents closed",
			out.RegistrationsCancelled, out.RequestsCancelled, out.RequestsReleased, out.BookingsCancelled, len(out.DependentsClosed))
		return audit(ctx, q, now, actor, "user.close", subject, detail)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// closeKeptAlone closes with a guardian's account those they kept
// without an account of their own (a child, a parent without a phone)
// whom no other guardian keeps: nobody would be left to act for them, to
// read their news or to ask for their data, and a child's data is kept
// only with a guardian's consent (see docs/design.md, Families). Each is
// closed as an account is, their places given up, and audited as closed
// by the actor. Under the guardian's lock; each one's row is locked too.
func (s *DataRights) closeKeptAlone(ctx context.Context, q runner, actor *guli.User, guardian guli.ID, now time.Time, out *guli.AccountClosure) error {
	kept, err := ids(ctx, q, `SELECT l.dependent_id FROM family_links l WHERE l.guardian_id = ? AND l.status = 'active' AND l.kept = 1
		AND NOT EXISTS (SELECT 1 FROM family_links o WHERE o.dependent_id = l.dependent_id AND o.guardian_id <> ? AND o.status = 'active')
		ORDER BY l.dependent_id`, guardian, guardian)
	if err != nil {
		return err
	}
	for _, id := range kept {
		closed, err := lockKept(ctx, q, id)
		if err != nil {
			return err
		}
		if closed {
			continue
		}
		if err := s.closeKept(ctx, q, actor, id, fmt.Sprintf("with their guardian %s", guardian), now); err != nil {
			return err
		}
		out.DependentsClosed = append(out.DependentsClosed, id)
	}
	return nil
}

// lockKept locks the row of a person kept without an account of their
// own, before anything is decided about them, and says whether they are
// closed already.
func lockKept(ctx context.Context, q runner, id guli.ID) (closed bool, err error) {
	var at sql.NullInt64
	err = q.row(ctx, "SELECT closed_at FROM users WHERE id = ?"+q.d.forUpdate(), id).Scan(&at)
	return at.Valid, err
}

// closeKept closes a person kept without an account of their own, their
// row locked by lockKept and open, as an account is closed: their places
// given up, their data erased, audited as closed by the actor, why saying
// on what.
func (s *DataRights) closeKept(ctx context.Context, q runner, actor *guli.User, id guli.ID, why string, now time.Time) error {
	var theirs guli.AccountClosure
	if err := s.closeOpenThings(ctx, q, id, now, &theirs); err != nil {
		return err
	}
	if err := erasePerson(ctx, q, id, now); err != nil {
		return err
	}
	detail := fmt.Sprintf("%s: %d registrations, %d requests cancelled", why, theirs.RegistrationsCancelled, theirs.RequestsCancelled)
	return audit(ctx, q, now, actor, "user.close", id, detail)
}

// closeOpenThings gives up what a closing person still had open.
func (s *DataRights) closeOpenThings(ctx context.Context, q runner, id guli.ID, now time.Time, out *guli.AccountClosure) error {
	// Upcoming places, as a cancellation gives them up.
	places, err := list(ctx, q, func(row interface{ Scan(...any) error }) (*guli.Registration, error) {
		r := &guli.Registration{UserID: id}
		var activity int64
		err := row.Scan(&activity, &r.Status)
		r.ActivityID = guli.ID(activity)
		return r, err
	}, `SELECT r.activity_id, r.status FROM registrations r JOIN activities a ON a.id = r.activity_id
		WHERE r.user_id = ? AND r.status <> 'cancelled' AND a.start_at > ? ORDER BY r.activity_id`, id, ms(now))
	if err != nil {
		return err
	}
	acts := Activities{db: s.db}
	for _, reg := range places {
		a, err := acts.lockActivity(ctx, q, reg.ActivityID)
		if err != nil {
			return err
		}
		// Read again under the activity's lock: a promotion may have
		// confirmed the place meanwhile.
		live, err := liveRegistration(ctx, q, reg.ActivityID, id)
		if isNotFound(err) {
			continue
		}
		if err != nil {
			return err
		}
		if err := dropPlace(ctx, q, a, live, now); err != nil {
			return err
		}
		out.RegistrationsCancelled++
	}
	// Their requests not yet done are withdrawn; a volunteer who had
	// claimed one is told, as when the requester cancels it.
	asked, err := list(ctx, q, scanHelp, "SELECT "+helpColumns+helpFrom+
		` WHERE h.requester_id = ? AND h.status IN ('open', 'claimed') ORDER BY h.id`+lockHelp(q), id)
	if err != nil {
		return err
	}
	for _, h := range asked {
		if _, err := q.exec(ctx, "UPDATE help_requests SET status = ? WHERE id = ?", guli.HelpCancelled, h.ID); err != nil {
			return err
		}
		if h.VolunteerID != 0 {
			if err := notifyHelp(ctx, q, now, h.VolunteerID, guli.NotifyHelpCancelled, h, guli.ClosedAccountName); err != nil {
				return err
			}
		}
		out.RequestsCancelled++
	}
	// Requests they had claimed go back to the open list, and their
	// requesters are told, as on a release.
	claimed, err := list(ctx, q, scanHelp, "SELECT "+helpColumns+helpFrom+
		` WHERE h.volunteer_id = ? AND h.status = 'claimed' ORDER BY h.id`+lockHelp(q), id)
	if err != nil {
		return err
	}
	for _, h := range claimed {
		if _, err := q.exec(ctx, "UPDATE help_requests SET status = ?, volunteer_id = NULL, claimed_at = NULL WHERE id = ?", guli.HelpOpen, h.ID); err != nil {
			return err
		}
		if err := notifyHelp(ctx, q, now, h.RequesterID, guli.NotifyHelpReleased, h, guli.ClosedAccountName); err != nil {
			return err
		}
		out.RequestsReleased++
	}
	res, err := q.exec(ctx, "UPDATE bookings SET cancelled_at = ? WHERE user_id = ? AND cancelled_at IS NULL AND end_at > ?", ms(now), id, ms(now))
	if err != nil {
		return err
	}
	n, _ := res.RowsAffected()
	out.BookingsCancelled = int(n)
	return nil
}

// lockHelp locks the requests read, not the people joined to them (whose
// side of the outer join PostgreSQL cannot lock).
func lockHelp(q runner) string {
	if q.d == postgres {
		return " FOR UPDATE OF h"
	}
	return ""
}

// erasePerson removes what is personal of a closing account and ends its
// sessions; the row stays, named guli.ClosedAccountName.
func erasePerson(ctx context.Context, q runner, id guli.ID, now time.Time) error {
	for _, stmt := range []string{
		"DELETE FROM health_measurements WHERE user_id = ?",
		"DELETE FROM volunteer_profiles WHERE user_id = ?",
		"DELETE FROM sessions WHERE user_id = ?",
		"DELETE FROM devices WHERE user_id = ?",
		"DELETE FROM reset_codes WHERE user_id = ?",
		"DELETE FROM notifications WHERE user_id = ?",
		// A team counts its members in its row, as a removal keeps it.
		"UPDATE teams SET members = members - 1 WHERE id IN (SELECT team_id FROM team_members WHERE user_id = ?)",
		"DELETE FROM team_members WHERE user_id = ?",
		"DELETE FROM council_members WHERE user_id = ?",
		"DELETE FROM staff_stations WHERE user_id = ?",
		// Staff's marks go; the ticks of call lists stay as the record of
		// who was called, without their notes.
		"DELETE FROM resident_marks WHERE user_id = ?",
		"UPDATE call_ticks SET note = '' WHERE user_id = ?",
	} {
		if _, err := q.exec(ctx, stmt, id); err != nil {
			return err
		}
	}
	// Nobody acts for a closed account any more, nor does it for anyone.
	if _, err := q.exec(ctx, `UPDATE family_links SET status = 'ended', ended_at = ?
		WHERE (guardian_id = ? OR dependent_id = ?) AND status <> 'ended'`, ms(now), id, id); err != nil {
		return err
	}
	_, err := q.exec(ctx, `UPDATE users SET name = ?, phone = NULL, email = '', email_off = 1, password_hash = '',
		roles = ?, birth_year = 0, ec_name = '', ec_phone = '', calendar_token = NULL, closed_at = ? WHERE id = ?`,
		guli.ClosedAccountName, string(guli.RoleResident), ms(now), id)
	return err
}
