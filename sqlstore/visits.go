package sqlstore

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"guli"
)

// Visits implements guli.VisitService.
type Visits struct {
	db *DB
	// tallies are days' counts at stations, kept while nothing is written:
	// the desk shows one on every view.
	tallies memo[tallyKey, *guli.VisitTally]
}

type tallyKey struct {
	station guli.ID
	day     guli.Date
}

// NewVisits returns the visit service of db.
func NewVisits(db *DB) *Visits {
	return &Visits{db: db, tallies: memo[tallyKey, *guli.VisitTally]{max: 1000}}
}

var _ guli.VisitService = (*Visits)(nil)

// RecordVisit counts walk-in visitors at the desk; staff only.
func (s *Visits) RecordVisit(ctx context.Context, stationID guli.ID, in guli.VisitInput) (*guli.Visit, error) {
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
	v := &guli.Visit{StationID: stationID, UserID: in.UserID, Count: *in.Count, Purpose: in.Purpose, Source: guli.VisitAtDesk, RecordedBy: actor.ID}
	err = s.db.tx(ctx, func(q runner) error {
		st, err := stationForUpdate(ctx, q, stationID, false)
		if err != nil {
			return err
		}
		if in.UserID != 0 {
			person, err := openPersonIn(ctx, q, in.UserID)
			if isNotFound(err) {
				return guli.Invalid("user_id", guli.FRUnknownUser)
			}
			if err != nil {
				return err
			}
			if err := guli.CheckNotClosed(person); err != nil {
				return err
			}
		}
		now := s.db.now().In(st.Location())
		v.Day, v.CreatedAt = guli.DateOf(now), now
		v.ID, err = q.in(stationID).insert(ctx, `INSERT INTO visits (station_id, user_id, count, purpose, day, source, recorded_by, created_at)
			VALUES (?, ?, ?, ?, ?, 'desk', ?, ?)`, stationID, nullID(in.UserID), v.Count, v.Purpose, string(v.Day), nullID(actor.ID), ms(now))
		return err
	})
	if err != nil {
		return nil, err
	}
	return v, nil
}

// secret returns the station's zone and check-in secret, making the secret
// the first time it is asked for.
func (s *Visits) secret(ctx context.Context, stationID guli.ID) (*time.Location, []byte, error) {
	var tz, secret string
	err := s.db.read().row(ctx, "SELECT timezone, checkin_secret FROM stations WHERE id = ?", stationID).Scan(&tz, &secret)
	if err != nil {
		return nil, nil, notFound(err)
	}
	if secret == "" {
		b := make([]byte, 32)
		rand.Read(b)
		err = s.db.tx(ctx, func(q runner) error {
			// Two processes may race here; the first secret written wins.
			if _, err := q.exec(ctx, "UPDATE stations SET checkin_secret = ? WHERE id = ? AND checkin_secret = ''", hex.EncodeToString(b), stationID); err != nil {
				return err
			}
			return q.row(ctx, "SELECT checkin_secret FROM stations WHERE id = ?", stationID).Scan(&secret)
		})
		if err != nil {
			return nil, nil, err
		}
	}
	key, err := hex.DecodeString(secret)
	return guli.Zone(tz), key, err
}

// codeFor is the code of a station's local day: six digits from an HMAC of
// the day, so every process computes the same code without sharing state.
func codeFor(key []byte, day guli.Date) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(day))
	return fmt.Sprintf("%06d", binary.BigEndian.Uint32(m.Sum(nil))%1_000_000)
}

// tokenFor is the day's door token, for the QR code: the same HMAC idea, but
// 128 bits that no one guesses, where the six digits are for typing.
func tokenFor(key []byte, day guli.Date) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("door-token:" + string(day)))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:16])
}

// CheckinCode returns today's code and when it stops working: the station's
// next local midnight. Staff only.
func (s *Visits) CheckinCode(ctx context.Context, stationID guli.ID) (*guli.CheckinCode, error) {
	if err := actsAt(ctx, stationID); err != nil {
		return nil, err
	}
	loc, key, err := s.secret(ctx, stationID)
	if err != nil {
		return nil, s.db.mapErr(err)
	}
	now := s.db.now().In(loc)
	y, m, d := now.Date()
	day := guli.DateOf(now)
	return &guli.CheckinCode{Code: codeFor(key, day), Token: tokenFor(key, day), ExpiresAt: time.Date(y, m, d+1, 0, 0, 0, 0, now.Location())}, nil
}

// CheckIn records the acting user's visit with the code of the day: the six
// digits typed in, or the door token the QR code carries. Wrong codes are
// throttled per person and per station, so many accounts together still
// get few guesses at the six digits.
func (s *Visits) CheckIn(ctx context.Context, stationID guli.ID, code string) (*guli.Visit, error) {
	me, err := guli.RequireUser(ctx)
	if err != nil {
		return nil, err
	}
	code = strings.TrimSpace(code)
	if code == "" {
		return nil, guli.Invalid("code", guli.FRRequired)
	}
	loc, key, err := s.secret(ctx, stationID)
	if err != nil {
		return nil, s.db.mapErr(err)
	}
	now := s.db.now().In(loc)
	day := guli.DateOf(now)
	want, limits := codeFor(key, day), []limited{{guli.ThrottleCheckinUser, me.ID.String()}, {guli.ThrottleCheckinStation, stationID.String()}}
	if len(code) > len(want) {
		// Nobody guesses the token: the station's throttle is for the six
		// digits, and a flood of wrong ones must not keep out residents
		// who scan the door's code.
		want, limits = tokenFor(key, day), limits[:1]
	}
	charged, err := s.db.reserve(ctx, limits, limits...)
	if err != nil {
		return nil, err
	}
	if subtle.ConstantTimeCompare([]byte(code), []byte(want)) != 1 {
		return nil, guli.Errorf(guli.ECInvalidCode)
	}
	if err := s.db.forgiveNow(ctx, charged); err != nil {
		return nil, err
	}
	v := &guli.Visit{StationID: stationID, UserID: me.ID, Count: 1, Purpose: "other", Day: day, Source: guli.VisitCheckin, CreatedAt: now}
	err = s.db.tx(ctx, func(q runner) error {
		var id, created int64
		err := q.row(ctx, "SELECT id, created_at FROM visits WHERE station_id = ? AND user_id = ? AND day = ? AND source = 'checkin'",
			stationID, me.ID, string(day)).Scan(&id, &created)
		if err == nil {
			v.ID, v.CreatedAt = guli.ID(id), fromMS(created).In(now.Location())
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		v.ID, err = q.in(stationID).insert(ctx, `INSERT INTO visits (station_id, user_id, count, purpose, day, source, created_at)
			VALUES (?, ?, 1, 'other', ?, 'checkin', ?)`, stationID, me.ID, string(day), ms(now))
		return err
	})
	if err != nil {
		return nil, err
	}
	return v, nil
}

// Tally counts a day's visits by purpose, for the desk; staff only.
// Callers must not change it.
func (s *Visits) Tally(ctx context.Context, stationID guli.ID, day guli.Date) (*guli.VisitTally, error) {
	if err := actsAt(ctx, stationID); err != nil {
		return nil, err
	}
	return s.tallies.get(ctx, s.db, tallyKey{stationID, day}, func(ctx context.Context) (*guli.VisitTally, error) {
		readsStation(ctx, stationID)
		return s.tally(ctx, stationID, day)
	})
}

func (s *Visits) tally(ctx context.Context, stationID guli.ID, day guli.Date) (*guli.VisitTally, error) {
	t := &guli.VisitTally{Day: day, ByPurpose: map[string]int{}}
	rows, err := s.db.read().query(ctx, "SELECT purpose, SUM(count) FROM visits WHERE station_id = ? AND day = ? GROUP BY purpose", stationID, string(day))
	if err != nil {
		return nil, s.db.mapErr(err)
	}
	defer rows.Close()
	for rows.Next() {
		var purpose string
		var n int
		if err := rows.Scan(&purpose, &n); err != nil {
			return nil, s.db.mapErr(err)
		}
		t.ByPurpose[purpose] = n
		t.Total += n
	}
	return t, s.db.mapErr(rows.Err())
}
