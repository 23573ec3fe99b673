package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"

	"guli"
)

// Health implements guli.HealthService.
type Health struct{ db *DB }

// NewHealth returns the health service of db.
func NewHealth(db *DB) *Health { return &Health{db} }

var _ guli.HealthService = (*Health)(nil)

// RecordMeasurement records a health check taken by staff; audited.
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
		if ok, err := q.exists(ctx, "SELECT 1 FROM users WHERE id = ?", in.UserID); err != nil || !ok {
			if err != nil {
				return err
			}
			return guli.Invalid("user_id", guli.FRUnknownUser)
		}
		now := s.db.now()
		m.CreatedAt = takenAt.In(s.db.zone(guli.DefaultTimezone))
		var err error
		m.ID, err = q.insert(ctx, `INSERT INTO health_measurements (user_id, kind, systolic, diastolic, pulse, celsius_tenths, recorded_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, in.UserID, in.Kind, nullInt(in.Systolic), nullInt(in.Diastolic), nullInt(in.Pulse),
			tenths, nullID(actor.ID), ms(takenAt))
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

func nullInt(p *int) sql.NullInt64 {
	if p == nil {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: int64(*p), Valid: true}
}

func intPtr(n sql.NullInt64) *int {
	if !n.Valid {
		return nil
	}
	v := int(n.Int64)
	return &v
}

// Measurements lists a person's checks, newest first, for the person and
// staff; staff reads of someone else's are audited. Anyone else is told
// there is nothing, so the existence of health data is not given away.
func (s *Health) Measurements(ctx context.Context, userID guli.ID, opts guli.ListOptions) (guli.Page[*guli.Measurement], error) {
	var page guli.Page[*guli.Measurement]
	actor, err := guli.RequireUser(ctx)
	if err != nil {
		return page, err
	}
	if !actor.SeesPrivateDataOf(userID) {
		return page, guli.Errorf(guli.ECNotFound)
	}
	// Newest reading first, by when it was taken.
	beforeAt, beforeID := int64(1<<63-1), int64(1<<63-1)
	if opts.Cursor != "" {
		if beforeAt, beforeID, err = pairCursor(opts.Cursor); err != nil {
			return page, err
		}
	}
	q := s.db.read()
	if ok, err := q.exists(ctx, "SELECT 1 FROM users WHERE id = ?", userID); err != nil || !ok {
		if err != nil {
			return page, s.db.mapErr(err)
		}
		return page, guli.Errorf(guli.ECNotFound)
	}
	loc := s.db.zone(guli.DefaultTimezone)
	limit := opts.PageSize()
	page.Items, err = list(ctx, q, func(row interface{ Scan(...any) error }) (*guli.Measurement, error) {
		var m guli.Measurement
		var id, user, created int64
		var sys, dia, pulse, tenths, by sql.NullInt64
		err := row.Scan(&id, &user, &m.Kind, &sys, &dia, &pulse, &tenths, &by, &created)
		m.ID, m.UserID, m.RecordedBy, m.CreatedAt = guli.ID(id), guli.ID(user), guli.ID(by.Int64), fromMS(created).In(loc)
		m.Systolic, m.Diastolic, m.Pulse = intPtr(sys), intPtr(dia), intPtr(pulse)
		if tenths.Valid {
			c := float64(tenths.Int64) / 10
			m.Celsius = &c
		}
		return &m, err
	}, `SELECT id, user_id, kind, systolic, diastolic, pulse, celsius_tenths, recorded_by, created_at
		FROM health_measurements WHERE user_id = ? AND (created_at, id) < (?, ?)
		ORDER BY created_at DESC, id DESC LIMIT ?`, userID, beforeAt, beforeID, limit+1)
	if err != nil {
		return page, s.db.mapErr(err)
	}
	page = trim(page, limit, func(m *guli.Measurement) []string {
		return []string{strconv.FormatInt(ms(m.CreatedAt), 10), m.ID.String()}
	})
	if actor.ID != userID {
		err = s.db.tx(ctx, func(q runner) error {
			return audit(ctx, q, s.db.now(), actor, "health.view", userID, fmt.Sprintf("%d readings", len(page.Items)))
		})
	}
	return page, err
}
