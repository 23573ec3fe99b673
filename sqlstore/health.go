package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"guli"
)

// Health implements guli.HealthService.
type Health struct{ db *DB }

// NewHealth returns the health service of db.
func NewHealth(db *DB) *Health { return &Health{db} }

var _ guli.HealthService = (*Health)(nil)

// RecordMeasurement records a health check taken by staff at their
// station; audited.
func (s *Health) RecordMeasurement(ctx context.Context, in guli.MeasurementInput) (*guli.Measurement, error) {
	actor, err := guli.RequireStaff(ctx)
	if err != nil {
		return nil, err
	}
	takenAt, err := in.Validate(s.db.now())
	if err != nil {
		return nil, err
	}
	m := &guli.Measurement{UserID: in.UserID, Kind: in.Kind, Systolic: in.Systolic, Diastolic: in.Diastolic,
		Pulse: in.Pulse, Celsius: in.Celsius, RecordedBy: actor.ID}
	var tenths sql.NullInt64
	if in.Celsius != nil {
		tenths = sql.NullInt64{Int64: int64(*in.Celsius*10 + 0.5), Valid: true}
	}
	err = s.db.tx(ctx, func(q runner) error {
		person, err := openPersonIn(ctx, q, in.UserID)
		if isNotFound(err) {
			return guli.Invalid("user_id", guli.FRUnknownUser)
		}
		if err != nil {
			return err
		}
		station, err := measuredAt(ctx, q, actor, person, in.StationID)
		if err != nil {
			return err
		}
		if err := guli.CheckNotClosed(person); err != nil {
			return err
		}
		m.StationID = station
		now := s.db.now()
		m.CreatedAt = takenAt.In(guli.Zone(guli.DefaultTimezone))
		m.ID, err = q.insert(ctx, `INSERT INTO health_measurements (user_id, kind, systolic, diastolic, pulse, celsius_tenths, recorded_by, created_at, station_id)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, in.UserID, in.Kind, nullInt(in.Systolic), nullInt(in.Diastolic), nullInt(in.Pulse),
			tenths, nullID(actor.ID), ms(takenAt), station)
		if err != nil {
			return err
		}
		return audit(ctx, q, now, actor, "health.record", in.UserID, in.Kind)
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// measuredAt settles the station a check is taken at: the one named, else
// the only one the staff member works at, else the person's own station
// where the staff member works; it must be one of theirs.
func measuredAt(ctx context.Context, q runner, actor, person *guli.User, named guli.ID) (guli.ID, error) {
	station := named
	switch {
	case station != 0:
	case len(actor.StaffStations) == 1:
		station = actor.StaffStations[0]
	default:
		for _, st := range person.Stations {
			if actor.WorksAt(st) {
				station = st
				break
			}
		}
	}
	if station == 0 {
		all, err := allStations(ctx, q)
		if err != nil || len(all) != 1 {
			return 0, errors.Join(err, guli.Invalid("station_id", guli.FRRequired))
		}
		station = all[0]
	}
	if !actor.WorksAt(station) {
		return 0, guli.Invalid("station_id", guli.FRUnknownStation)
	}
	return station, nil
}

// Measurements lists a person's checks, newest first: all of them for the
// person, an admin and the staff of the person's own station; for staff of
// another station, the checks taken there. Staff reads of someone else's
// are audited. Anyone else is told there is nothing, so the existence of
// health data is not given away.
func (s *Health) Measurements(ctx context.Context, userID guli.ID, opts guli.ListOptions) (guli.Page[*guli.Measurement], error) {
	var page guli.Page[*guli.Measurement]
	actor, err := guli.RequireUser(ctx)
	if err != nil {
		return page, err
	}
	guardian := false
	if actor.ID != userID && !actor.IsStaff() {
		// A guardian reads their dependent's checks; nobody else learns
		// there is anyone.
		acting, err := readActingFor(ctx, s.db.read(), actor, userID)
		if err != nil {
			return page, s.db.mapErr(err)
		}
		guardian = acting == guli.ActsAsGuardian
	}
	// Newest reading first, by when it was taken.
	beforeAt, beforeID := int64(1<<63-1), int64(1<<63-1)
	if opts.Cursor != "" {
		if beforeAt, beforeID, err = pairCursor(opts.Cursor); err != nil {
			return page, err
		}
	}
	q := s.db.read()
	person, err := userByID(ctx, q, userID)
	if err != nil {
		return page, s.db.mapErr(err)
	}
	home := guli.ID(0)
	if person.AreaID != 0 {
		var st int64
		if err := q.row(ctx, "SELECT station_id FROM areas WHERE id = ?", person.AreaID).Scan(&st); err != nil {
			return page, s.db.mapErr(err)
		}
		home = guli.ID(st)
	}
	where, args := "", []any{}
	if !guardian && !guli.SeesHealthHistory(actor, person, home) {
		// Staff of another station: the checks taken at their stations.
		if len(actor.StaffStations) == 0 {
			return page, guli.Errorf(guli.ECNotFound)
		}
		where = " AND station_id IN (?" + strings.Repeat(", ?", len(actor.StaffStations)-1) + ")"
		for _, st := range actor.StaffStations {
			args = append(args, st)
		}
		taken, err := q.exists(ctx, "SELECT 1 FROM health_measurements WHERE user_id = ?"+where+" LIMIT 1", append([]any{userID}, args...)...)
		if err != nil {
			return page, s.db.mapErr(err)
		}
		if !taken {
			return page, guli.Errorf(guli.ECNotFound)
		}
	}
	loc := guli.Zone(guli.DefaultTimezone)
	limit := opts.PageSize()
	page.Items, err = list(ctx, q, func(row interface{ Scan(...any) error }) (*guli.Measurement, error) {
		var m guli.Measurement
		var id, user, created int64
		var sys, dia, pulse, tenths, by, station sql.NullInt64
		err := row.Scan(&id, &user, &m.Kind, &sys, &dia, &pulse, &tenths, &by, &created, &station)
		m.ID, m.UserID, m.RecordedBy, m.CreatedAt, m.StationID = guli.ID(id), guli.ID(user), guli.ID(by.Int64), fromMS(created).In(loc), guli.ID(station.Int64)
		m.Systolic, m.Diastolic, m.Pulse = intPtr(sys), intPtr(dia), intPtr(pulse)
		if tenths.Valid {
			c := float64(tenths.Int64) / 10
			m.Celsius = &c
		}
		return &m, err
	}, `SELECT id, user_id, kind, systolic, diastolic, pulse, celsius_tenths, recorded_by, created_at, station_id
		FROM health_measurements WHERE user_id = ? AND (created_at, id) < (?, ?)`+where+`
		ORDER BY created_at DESC, id DESC LIMIT ?`, append(append([]any{userID, beforeAt, beforeID}, args...), limit+1)...)
	if err != nil {
		return page, s.db.mapErr(err)
	}
	page = trim(page, limit, func(m *guli.Measurement) []string {
		return []string{strconv.FormatInt(ms(m.CreatedAt), 10), m.ID.String()}
	})
	if actor.ID != userID {
		action := "health.view"
		if guardian {
			action = "health.view_by_family"
		}
		err = s.db.tx(ctx, func(q runner) error {
			return audit(ctx, q, s.db.now(), actor, action, userID, fmt.Sprintf("%d readings", len(page.Items)))
		})
	}
	return page, err
}
