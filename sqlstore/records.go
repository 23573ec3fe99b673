package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"unicode/utf8"

	"guli"
)

// Records implements guli.RecordService: the sign-in sheets, activity
// records and month's ledger of a station, for its staff.
//
// A record is saved under its activity's row lock, from the version the
// editor began with: two social workers saving at once are served one
// after the other, and the second, whose edit began from the version the
// first replaced, is refused (stale_edit) instead of silently undoing the
// first's words. The primary key backs the lock: two first saves cannot
// both insert.
//
// What a record counts is read with it, in one snapshot: the confirmed
// places and the waitlist (kept on the activity), the check-ins, and of
// them the walk-ins, checked in without a live place. A month's ledger
// reads its activities by (station, start) and their records, check-ins
// and photos with one query each, whatever the number of records.
type Records struct {
	db         *DB
	activities *Activities // reads and locks activities as the activity service does
	stations   *Stations   // the station with its areas, kept while the data holds
}

// NewRecords returns the records of db.
func NewRecords(db *DB) *Records {
	return &Records{db: db, activities: NewActivities(db), stations: NewStations(db)}
}

var _ guli.RecordService = (*Records)(nil)

// recordedActivity loads an activity whose records actor may read: staff
// of its station (guli.MayReadRecord).
func (s *Records) recordedActivity(ctx context.Context, q runner, actor *guli.User, id guli.ID) (*guli.Activity, error) {
	a, err := s.activities.activity(ctx, q, id)
	if err != nil {
		return nil, err
	}
	if err := guli.MayReadRecord(actor, a); err != nil {
		return nil, err
	}
	return a, nil
}

// SignInSheet lists who holds a place at an activity, with their area,
// confirmed first and then the waitlist in its order.
func (s *Records) SignInSheet(ctx context.Context, id guli.ID) (*guli.SignInSheet, error) {
	actor, err := guli.RequireUser(ctx)
	if err != nil {
		return nil, err
	}
	var sheet *guli.SignInSheet
	err = s.db.snapshot(ctx, func(q runner) error {
		a, err := s.recordedActivity(ctx, q, actor, id)
		if err != nil {
			return err
		}
		sheet = &guli.SignInSheet{Activity: a, Blanks: guli.SignInBlanks(a)}
		rows, err := q.query(ctx, `SELECT g.user_id, u.name, COALESCE(ar.name, ''), g.status
			FROM registrations g JOIN users u ON u.id = g.user_id LEFT JOIN areas ar ON ar.id = u.area_id
			WHERE g.activity_id = ? AND g.status <> 'cancelled'
			ORDER BY CASE g.status WHEN 'confirmed' THEN 0 ELSE 1 END, g.id`, id)
		if err != nil {
			return err
		}
		defer rows.Close()
		waiting := 0
		for rows.Next() {
			var r guli.SignInRow
			var user int64
			if err := rows.Scan(&user, &r.Name, &r.Area, &r.Status); err != nil {
				return err
			}
			r.UserID = guli.ID(user)
			if r.Status == guli.RegWaitlisted {
				waiting++
				r.Position = waiting
			}
			sheet.Rows = append(sheet.Rows, r)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	return sheet, nil
}

// ActivityRecord reads an activity's record, or the empty one not yet
// written, with its counts and photos.
func (s *Records) ActivityRecord(ctx context.Context, id guli.ID) (*guli.ActivityRecord, error) {
	actor, err := guli.RequireUser(ctx)
	if err != nil {
		return nil, err
	}
	var rec *guli.ActivityRecord
	err = s.db.snapshot(ctx, func(q runner) error {
		a, err := s.recordedActivity(ctx, q, actor, id)
		if err != nil {
			return err
		}
		recs, err := readRecords(ctx, q, []*guli.Activity{a}, "a.id = ?", id)
		if err == nil {
			rec = recs[0]
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return rec, nil
}

// SaveActivityRecord saves a record's summary from the version the edit
// began with, and audits it.
func (s *Records) SaveActivityRecord(ctx context.Context, id guli.ID, in guli.RecordInput) (*guli.ActivityRecord, error) {
	actor, err := guli.RequireUser(ctx)
	if err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var rec *guli.ActivityRecord
	err = s.db.tx(ctx, func(q runner) error {
		a, err := s.activities.lockActivity(ctx, q, id)
		if err != nil {
			return err
		}
		now := s.db.now()
		if err := guli.MayWriteRecord(actor, a, now); err != nil {
			return err
		}
		var saved int
		if err := q.row(ctx, "SELECT version FROM activity_records WHERE activity_id = ?", id).Scan(&saved); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if err := guli.CheckRecordVersion(saved, in.Version); err != nil {
			return err
		}
		if saved == 0 {
			_, err = q.exec(ctx, `INSERT INTO activity_records (activity_id, summary, version, updated_by, updated_at)
				VALUES (?, ?, 1, ?, ?)`, id, in.Summary, nullID(actor.ID), ms(now))
			if isUnique(err, "activity_records") {
				return guli.Errorf(guli.ECStaleEdit)
			}
		} else {
			var res sql.Result
			res, err = q.exec(ctx, `UPDATE activity_records SET summary = ?, version = version + 1, updated_by = ?, updated_at = ?
				WHERE activity_id = ? AND version = ?`, in.Summary, nullID(actor.ID), ms(now), id, saved)
			if err == nil {
				if n, _ := res.RowsAffected(); n != 1 {
					return guli.Errorf(guli.ECStaleEdit)
				}
			}
		}
		if err != nil {
			return err
		}
		detail := fmt.Sprintf("version %d, %d characters", saved+1, utf8.RuneCountInString(in.Summary))
		if err := audit(ctx, q, now, actor, "activity.record", id, detail); err != nil {
			return err
		}
		recs, err := readRecords(ctx, q, []*guli.Activity{a}, "a.id = ?", id)
		if err == nil {
			rec = recs[0]
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return rec, nil
}

// Ledger reads a station's month of records; each ledger made is audited
// and counted as a report (guli.ThrottleReport).
func (s *Records) Ledger(ctx context.Context, in guli.LedgerQuery) (*guli.Ledger, error) {
	actor, err := guli.RequireUser(ctx)
	if err != nil {
		return nil, err
	}
	if !actor.IsStaff() {
		return nil, guli.Errorf(guli.ECForbidden)
	}
	st, err := s.stations.Station(ctx, in.StationID)
	if err != nil {
		return nil, err
	}
	if err := actor.ActsAt(st.ID); err != nil {
		return nil, err
	}
	switch in.Format {
	case "":
		in.Format = guli.LedgerPage
	case guli.LedgerPage, guli.LedgerXLSX:
	default:
		return nil, guli.Invalid("format", guli.FRInvalid)
	}
	now := s.db.now()
	month, err := in.Validate(st, now)
	if err != nil {
		return nil, err
	}
	if err := s.db.checkThrottles(ctx, reporting(actor.ID)); err != nil {
		return nil, err
	}
	led := &guli.Ledger{Station: st, Month: month, MadeAt: now}
	start, end := month.Bounds(st.Location())
	err = s.db.snapshot(ctx, func(q runner) error {
		acts, err := list(ctx, q, s.activities.scan, activitySelect+` WHERE a.station_id = ? AND s.id = ? AND a.start_at >= ? AND a.start_at < ?
			AND a.status <> 'cancelled' ORDER BY a.start_at, a.id`, st.ID, st.ID, ms(start), ms(end))
		if err != nil {
			return err
		}
		recs, err := readRecords(ctx, q, acts, "a.station_id = ? AND a.start_at >= ? AND a.start_at < ? AND a.status <> 'cancelled'", st.ID, ms(start), ms(end))
		if err != nil {
			return err
		}
		for _, r := range recs {
			switch {
			case r.Written():
				led.Records = append(led.Records, r)
			case !now.Before(r.Activity.Start):
				led.Unrecorded = append(led.Unrecorded, r.Activity)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// An audit entry of its own, as a report's: the ledger was read from
	// the readers.
	err = s.db.tx(ctx, func(q runner) error {
		q.moved = nil // like the entry, the count is not what readers see
		at := s.db.now()
		if err := charge(ctx, q, reporting(actor.ID), at); err != nil {
			return err
		}
		return audit(ctx, q, at, actor, "station.ledger", st.ID, fmt.Sprintf("%s %s, %d records", month, in.Format, len(led.Records)))
	})
	if err != nil {
		return nil, err
	}
	return led, nil
}

// readRecords reads the records of acts, in their order: each one's
// summary if written, its check-ins and walk-ins, and the photos of the
// visible highlights that name it. where (on activities a, with args)
// picks the same activities as acts, so each part is one query.
func readRecords(ctx context.Context, q runner, acts []*guli.Activity, where string, args ...any) ([]*guli.ActivityRecord, error) {
	out := make([]*guli.ActivityRecord, len(acts))
	byID := make(map[guli.ID]*guli.ActivityRecord, len(acts))
	for i, a := range acts {
		out[i] = &guli.ActivityRecord{Activity: a, Registered: a.ConfirmedCount, Waitlisted: a.WaitlistCount}
		byID[a.ID] = out[i]
	}
	if len(acts) == 0 {
		return out, nil
	}
	// The summaries.
	rows, err := q.query(ctx, `SELECT r.activity_id, r.summary, r.version, COALESCE(r.updated_by, 0), COALESCE(u.name, ''), r.updated_at
		FROM activity_records r JOIN activities a ON a.id = r.activity_id LEFT JOIN users u ON u.id = r.updated_by
		WHERE `+where, args...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id, by, at int64
		var r guli.ActivityRecord
		if err := rows.Scan(&id, &r.Summary, &r.Version, &by, &r.UpdatedByName, &at); err != nil {
			rows.Close()
			return nil, err
		}
		if rec := byID[guli.ID(id)]; rec != nil {
			rec.Summary, rec.Version, rec.UpdatedBy, rec.UpdatedByName = r.Summary, r.Version, guli.ID(by), r.UpdatedByName
			rec.UpdatedAt = fromMS(at).In(rec.Activity.Start.Location())
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// The check-ins, and of them those of people without a live place.
	rows, err = q.query(ctx, `SELECT t.activity_id, COUNT(*), SUM(CASE WHEN g.user_id IS NULL THEN 1 ELSE 0 END)
		FROM attendances t JOIN activities a ON a.id = t.activity_id
		LEFT JOIN registrations g ON g.activity_id = t.activity_id AND g.user_id = t.user_id AND g.status <> 'cancelled'
		WHERE `+where+` GROUP BY t.activity_id`, args...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		var attended, walkIns int
		if err := rows.Scan(&id, &attended, &walkIns); err != nil {
			rows.Close()
			return nil, err
		}
		if rec := byID[guli.ID(id)]; rec != nil {
			rec.Attended, rec.WalkIns = attended, walkIns
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// The photos of the visible highlights naming each, oldest first.
	rows, err = q.query(ctx, `SELECT p.activity_id, ph.id, p.id
		FROM posts p JOIN activities a ON a.id = p.activity_id JOIN photos ph ON ph.post_id = p.id
		WHERE `+where+` AND p.status = ? AND p.kind = ? ORDER BY p.activity_id, p.id, ph.id`, append(args, guli.PostVisible, guli.PostHighlight)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id, photo, post int64
		if err := rows.Scan(&id, &photo, &post); err != nil {
			return nil, err
		}
		if rec := byID[guli.ID(id)]; rec != nil && len(rec.Photos) < guli.MaxRecordPhotos {
			rec.Photos = append(rec.Photos, guli.RecordPhoto{ID: guli.ID(photo), PostID: guli.ID(post)})
		}
	}
	return out, rows.Err()
}
