package sqlstore

import (
	"context"
	"time"

	"guli"
)

// Reminders implements guli.ReminderService.
type Reminders struct{ db *DB }

// NewReminders returns the reminder service of db.
func NewReminders(db *DB) *Reminders { return &Reminders{db: db} }

var _ guli.ReminderService = (*Reminders)(nil)

// reminderBatch bounds what one run sends; the next run sends the rest.
const reminderBatch = 500

// SendDueReminders sends the reminders that are due (see reminder.go at
// the root). It looks on the reader first and writes only when something
// is due, so that a run every minute moves nothing. Each reminder is
// marked sent by an update that holds only while it is unsent, in the
// transaction that sends it: two runs at once, in two processes, send it
// once.
func (s *Reminders) SendDueReminders(ctx context.Context) (guli.Reminded, error) {
	var done guli.Reminded
	now := s.db.now()
	activities, err := s.dueActivities(ctx, now)
	if err != nil {
		return done, s.db.mapErr(err)
	}
	requests, err := s.nearingRequests(ctx, now)
	if err != nil {
		return done, s.db.mapErr(err)
	}
	if len(activities) == 0 && len(requests) == 0 {
		return done, nil
	}
	err = s.db.tx(ctx, func(q runner) error {
		done = guli.Reminded{}
		for _, a := range activities {
			sent, err := s.remind(ctx, q, now, a)
			if err != nil {
				return err
			}
			if sent >= 0 {
				done.Activities++
				done.Registrants += sent
			}
		}
		for _, h := range requests {
			sent, err := s.tellNearing(ctx, q, now, h)
			if err != nil {
				return err
			}
			if sent >= 0 {
				done.HelpRequests++
				done.StaffNotified += sent
			}
		}
		return nil
	})
	return done, err
}

// dueActivities are the activities whose reminder is due now.
func (s *Reminders) dueActivities(ctx context.Context, now time.Time) ([]guli.NotificationParams, error) {
	var due []guli.NotificationParams
	rows, err := s.db.read().query(ctx, `SELECT a.id, a.title, a.start_at, a.created_at, s.timezone
		FROM activities a JOIN stations s ON s.id = a.station_id
		WHERE a.status = 'scheduled' AND a.reminded_at IS NULL AND a.start_at > ? AND a.start_at <= ?
		ORDER BY a.start_at, a.id`, ms(now), ms(now.Add(guli.ReminderLookahead)))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() && len(due) < reminderBatch {
		var id, start, created int64
		var p guli.NotificationParams
		if err := rows.Scan(&id, &p.ActivityTitle, &start, &created, &p.Timezone); err != nil {
			return nil, err
		}
		p.ActivityID, p.Start = guli.ID(id), fromMS(start).In(guli.Zone(p.Timezone))
		if guli.ActivityReminderDue(p.Start, fromMS(created), now) {
			due = append(due, p)
		}
	}
	return due, rows.Err()
}

// remind sends an activity's reminder to those confirmed for it, in one
// statement; -1 when another run sent it first.
func (s *Reminders) remind(ctx context.Context, q runner, now time.Time, p guli.NotificationParams) (int, error) {
	res, err := q.exec(ctx, "UPDATE activities SET reminded_at = ? WHERE id = ? AND reminded_at IS NULL AND status = 'scheduled'", ms(now), p.ActivityID)
	if err != nil {
		return 0, err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return -1, err
	}
	params, err := storeParams(p)
	if err != nil {
		return 0, err
	}
	return s.insertFor(ctx, q, `INSERT INTO notifications (user_id, kind, params, created_at)
		SELECT user_id, ?, ?, ? FROM registrations WHERE activity_id = ? AND status = 'confirmed'
		RETURNING user_id`, guli.NotifyActivityReminder, params, ms(now), p.ActivityID)
}

// nearingRequest is an open request needed soon, and its station.
type nearingRequest struct {
	station guli.ID
	params  guli.NotificationParams
}

// nearingRequests are the open requests whose staff are to be told now.
func (s *Reminders) nearingRequests(ctx context.Context, now time.Time) ([]nearingRequest, error) {
	var due []nearingRequest
	rows, err := s.db.read().query(ctx, `SELECT h.id, h.station_id, h.title, h.needed_by, u.name
		FROM help_requests h JOIN users u ON u.id = h.requester_id
		WHERE h.status = ? AND h.nearing_told_at IS NULL AND h.needed_by > ? AND h.needed_by <= ?
		ORDER BY h.needed_by, h.id LIMIT ?`, guli.HelpOpen, ms(now), ms(guli.HelpNearingBy(now)), reminderBatch)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id, station, neededBy int64
		var r nearingRequest
		if err := rows.Scan(&id, &station, &r.params.HelpTitle, &neededBy, &r.params.Person); err != nil {
			return nil, err
		}
		r.station, r.params.HelpID = guli.ID(station), guli.ID(id)
		if guli.HelpNearing(guli.HelpOpen, fromMS(neededBy), false, now) {
			due = append(due, r)
		}
	}
	return due, rows.Err()
}

// tellNearing tells a station's staff that a request needed soon still
// waits; -1 when it was told already or taken meanwhile.
func (s *Reminders) tellNearing(ctx context.Context, q runner, now time.Time, r nearingRequest) (int, error) {
	res, err := q.exec(ctx, "UPDATE help_requests SET nearing_told_at = ? WHERE id = ? AND nearing_told_at IS NULL AND status = ?",
		ms(now), r.params.HelpID, guli.HelpOpen)
	if err != nil {
		return 0, err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return -1, err
	}
	params, err := storeParams(r.params)
	if err != nil {
		return 0, err
	}
	return s.insertFor(ctx, q, `INSERT INTO notifications (user_id, kind, params, created_at)
		SELECT user_id, ?, ?, ? FROM staff_stations WHERE station_id = ?
		RETURNING user_id`, guli.NotifyHelpNearing, params, ms(now), r.station)
}

// insertFor runs a set-based insert of notifications that returns whom
// it told, and marks them told for their open pages.
func (s *Reminders) insertFor(ctx context.Context, q runner, query string, args ...any) (int, error) {
	rows, err := q.query(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var u int64
		if err := rows.Scan(&u); err != nil {
			return 0, err
		}
		q.notified(guli.ID(u))
		n++
	}
	return n, rows.Err()
}
