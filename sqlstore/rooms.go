package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"guli"
)

// Rooms implements guli.RoomService.
//
// Invariant 2 of the design: a room is never held twice for overlapping
// times, by bookings and activities together. Whatever holds a room first
// locks the room's row, then looks for overlaps and inserts in the same
// transaction, so two holds of one room are decided one after the other.
type Rooms struct{ db *DB }

// NewRooms returns the room service of db.
func NewRooms(db *DB) *Rooms { return &Rooms{db} }

var _ guli.RoomService = (*Rooms)(nil)

// stationForUpdate reads a station, locking its row when lock is set.
func stationForUpdate(ctx context.Context, q runner, id guli.ID, lock bool) (*guli.Station, error) {
	query := "SELECT " + stationColumns + " FROM stations WHERE id = ?"
	if lock {
		query += q.d.forUpdate()
	}
	st, err := scanStation(q.row(ctx, query, id))
	return st, notFound(err)
}

// lockRoom locks a room of the station for the rest of the transaction. A
// room of another station, or none, is a field error.
func lockRoom(ctx context.Context, q runner, roomID, stationID guli.ID) error {
	var station int64
	err := q.row(ctx, "SELECT station_id FROM rooms WHERE id = ?"+q.d.forUpdate(), roomID).Scan(&station)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && guli.ID(station) != stationID) {
		return guli.Invalid("room_id", guli.FRUnknownRoom)
	}
	return err
}

// checkRoomFree checks [start, end) lies in the station's opening hours on a
// day it is not closed, and that no booking or live activity (other than
// except) holds the room then. The room must already be locked.
func checkRoomFree(ctx context.Context, q runner, st *guli.Station, roomID guli.ID, start, end time.Time, except guli.ID) error {
	loc := st.Location()
	ls, le := start.In(loc), end.In(loc)
	if !st.OpeningHours.Covers(ls, le) {
		return guli.Errorf(guli.ECOutsideOpeningHours)
	}
	closed, err := q.exists(ctx, "SELECT 1 FROM closures WHERE station_id = ? AND day = ?", st.ID, string(guli.DateOf(ls)))
	if err != nil {
		return err
	}
	if closed {
		return guli.Errorf(guli.ECOutsideOpeningHours)
	}
	taken, err := q.exists(ctx, `SELECT 1 FROM bookings
			WHERE room_id = ? AND cancelled_at IS NULL AND start_at < ? AND end_at > ?
		UNION ALL
		SELECT 1 FROM activities
			WHERE room_id = ? AND status = 'scheduled' AND start_at < ? AND end_at > ? AND id <> ?
		LIMIT 1`, roomID, ms(end), ms(start), roomID, ms(end), ms(start), except)
	if err != nil {
		return err
	}
	if taken {
		return guli.Errorf(guli.ECBookingConflict)
	}
	return nil
}

// Book holds a room for anyone signed in.
func (s *Rooms) Book(ctx context.Context, roomID guli.ID, in guli.BookingInput) (*guli.Booking, error) {
	actor, err := guli.RequireUser(ctx)
	if err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	start, end := in.Start, in.End
	b := &guli.Booking{RoomID: roomID, UserID: actor.ID, Purpose: in.Purpose}
	err = s.db.tx(ctx, func(q runner) error {
		var station int64
		err := q.row(ctx, "SELECT station_id FROM rooms WHERE id = ?"+q.d.forUpdate(), roomID).Scan(&station)
		if err != nil {
			return notFound(err)
		}
		st, err := stationForUpdate(ctx, q, guli.ID(station), false)
		if err != nil {
			return err
		}
		now := s.db.now()
		if !now.Before(start) {
			return guli.Invalid("start", guli.FRInPast)
		}
		// One person's bookings at a station are counted under a lock on
		// the person, so two at once cannot both pass the limit.
		if err := q.lock(ctx, "bookings-of:"+actor.ID.String()); err != nil {
			return err
		}
		var future int
		if err := q.row(ctx, `SELECT COUNT(*) FROM bookings b JOIN rooms r ON r.id = b.room_id
			WHERE b.user_id = ? AND r.station_id = ? AND b.cancelled_at IS NULL AND b.end_at > ?`,
			actor.ID, st.ID, ms(now)).Scan(&future); err != nil {
			return err
		}
		if err := st.BookingRules.Check(actor, st.ID, start, end, now, future); err != nil {
			return err
		}
		if err := checkRoomFree(ctx, q, st, roomID, start, end, 0); err != nil {
			return err
		}
		b.ID, err = q.insert(ctx, `INSERT INTO bookings (room_id, user_id, start_at, end_at, purpose, created_at)
			VALUES (?, ?, ?, ?, ?, ?)`, roomID, actor.ID, ms(start), ms(end), in.Purpose, ms(now))
		loc := st.Location()
		b.Start, b.End, b.CreatedAt, b.StationID = start.In(loc), end.In(loc), now.In(loc), st.ID
		return err
	})
	if err != nil {
		return nil, err
	}
	return b, nil
}

// Bookings lists a room's live bookings that overlap [from, to).
func (s *Rooms) Bookings(ctx context.Context, roomID guli.ID, from, to time.Time) ([]*guli.Booking, error) {
	q := s.db.read()
	var tz string
	var station int64
	err := q.row(ctx, "SELECT s.timezone, s.id FROM rooms r JOIN stations s ON s.id = r.station_id WHERE r.id = ?", roomID).Scan(&tz, &station)
	if err != nil {
		return nil, s.db.mapErr(notFound(err))
	}
	loc := guli.Zone(tz)
	if to.IsZero() {
		to = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	items, err := list(ctx, q, func(row interface{ Scan(...any) error }) (*guli.Booking, error) {
		var b guli.Booking
		var id, user, start, end, created int64
		err := row.Scan(&id, &user, &b.BookerName, &start, &end, &b.Purpose, &created)
		b.ID, b.RoomID, b.UserID, b.StationID = guli.ID(id), roomID, guli.ID(user), guli.ID(station)
		b.Start, b.End, b.CreatedAt = fromMS(start).In(loc), fromMS(end).In(loc), fromMS(created).In(loc)
		return &b, err
	}, `SELECT b.id, b.user_id, u.name, b.start_at, b.end_at, b.purpose, b.created_at
		FROM bookings b JOIN users u ON u.id = b.user_id
		WHERE b.room_id = ? AND b.cancelled_at IS NULL AND b.start_at < ? AND b.end_at > ?
		ORDER BY b.start_at, b.id LIMIT 1000`, roomID, ms(to), ms(from))
	if err != nil {
		return nil, s.db.mapErr(err)
	}
	return items, nil
}

// CancelBooking frees a room; for whoever booked it and staff.
func (s *Rooms) CancelBooking(ctx context.Context, id guli.ID) error {
	actor, err := guli.RequireUser(ctx)
	if err != nil {
		return err
	}
	return s.db.tx(ctx, func(q runner) error {
		var owner, station int64
		err := q.row(ctx, `SELECT b.user_id, r.station_id FROM bookings b JOIN rooms r ON r.id = b.room_id
			WHERE b.id = ? AND b.cancelled_at IS NULL`, id).Scan(&owner, &station)
		if err != nil {
			return notFound(err)
		}
		if !guli.MayCancelBooking(actor, &guli.Booking{ID: id, UserID: guli.ID(owner), StationID: guli.ID(station)}) {
			if actor.IsStaff() {
				return hidden() // another station's booking
			}
			return guli.Errorf(guli.ECForbidden)
		}
		_, err = q.exec(ctx, "UPDATE bookings SET cancelled_at = ? WHERE id = ?", ms(s.db.now()), id)
		return err
	})
}

// AddClosure closes a station for a day; staff only. Closing a closed day
// again updates the reason.
func (s *Rooms) AddClosure(ctx context.Context, stationID guli.ID, in guli.ClosureInput) (*guli.Closure, error) {
	actor, err := guli.RequireStaff(ctx)
	if err != nil {
		return nil, err
	}
	if err := actor.ActsAt(stationID); err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	day, reason := in.Date, in.Reason
	err = s.db.tx(ctx, func(q runner) error {
		if err := stationExists(ctx, q, stationID); err != nil {
			return err
		}
		_, err := q.exec(ctx, `INSERT INTO closures (station_id, day, reason, created_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (station_id, day) DO UPDATE SET reason = excluded.reason`, stationID, string(day), reason, ms(s.db.now()))
		return err
	})
	if err != nil {
		return nil, err
	}
	return &guli.Closure{StationID: stationID, Date: day, Reason: reason}, nil
}

// Closures lists a station's closure days from a date on; public.
func (s *Rooms) Closures(ctx context.Context, stationID guli.ID, from guli.Date) ([]*guli.Closure, error) {
	q := s.db.read()
	if err := stationExists(ctx, q, stationID); err != nil {
		return nil, s.db.mapErr(err)
	}
	items, err := list(ctx, q, func(row interface{ Scan(...any) error }) (*guli.Closure, error) {
		c := guli.Closure{StationID: stationID}
		var day string
		err := row.Scan(&day, &c.Reason)
		c.Date = guli.Date(day)
		return &c, err
	}, "SELECT day, reason FROM closures WHERE station_id = ? AND day >= ? ORDER BY day LIMIT 400", stationID, string(from))
	if err != nil {
		return nil, s.db.mapErr(err)
	}
	return items, nil
}

// RemoveClosure opens a closed day again; staff only.
func (s *Rooms) RemoveClosure(ctx context.Context, stationID guli.ID, day guli.Date) error {
	actor, err := guli.RequireStaff(ctx)
	if err != nil {
		return err
	}
	if err := actor.ActsAt(stationID); err != nil {
		return err
	}
	return s.db.tx(ctx, func(q runner) error {
		res, err := q.exec(ctx, "DELETE FROM closures WHERE station_id = ? AND day = ?", stationID, string(day))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return guli.Errorf(guli.ECNotFound)
		}
		return nil
	})
}
