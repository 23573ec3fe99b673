package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"guli"
)

// One mechanism throttles every kind of guessing and flooding: failures are
// rows of throttle_failures, keyed by a rule's scope and a key (a phone
// number, an address, a person, a station), shared by every process on the
// database. The rules themselves, how long each failure makes the next try
// wait, are the domain's (guli.ThrottleRule).

// limited is one rule applied to one key. An empty key, as of a call from
// inside the program rather than the network (the demo data, tests), is
// not throttled.
type limited struct {
	rule guli.ThrottleRule
	key  string
}

// keyed drops the limits without a key.
func keyed(ls []limited) []limited {
	out := ls[:0:0]
	for _, l := range ls {
		if l.key != "" {
			out = append(out, l)
		}
	}
	return out
}

func (l limited) lockKey() string { return "throttle:" + l.rule.Scope + ":" + l.key }

// waitFor returns how long l must wait from now: rate_limited with the
// wait, or nil.
func waitFor(ctx context.Context, q runner, l limited, now time.Time) error {
	var n int
	var latest sql.NullInt64
	if err := q.row(ctx, "SELECT COUNT(*), MAX(at) FROM throttle_failures WHERE scope = ? AND key = ? AND at >= ?",
		l.rule.Scope, l.key, ms(now.Add(-l.rule.Window))).Scan(&n, &latest); err != nil {
		return err
	}
	if wait := l.rule.Wait(n, fromMS(latest.Int64), now); wait > 0 {
		return &guli.Error{Code: guli.ECRateLimited, RetryAfter: wait}
	}
	return nil
}

// fail records a failure of l.
func fail(ctx context.Context, q runner, l limited, now time.Time) (guli.ID, error) {
	return q.insert(ctx, "INSERT INTO throttle_failures (scope, key, at) VALUES (?, ?, ?)", l.rule.Scope, l.key, ms(now))
}

// checkThrottles answers rate_limited when any of ls must still wait; it
// counts finished failures only, so it takes no lock.
func (db *DB) checkThrottles(ctx context.Context, ls ...limited) error {
	ls = keyed(ls)
	now := db.now()
	q := db.read()
	for _, l := range ls {
		if err := waitFor(ctx, q, l, now); err != nil {
			return db.mapErr(err)
		}
	}
	return nil
}

// reserve is for guesses that must not slip past a limit in parallel (a
// password, a code): under a lock on each key it checks every rule of check
// and records a failure of each of charge before the guess is checked. The
// guess that turns out right gives its rows back with forgive. A crash in
// between leaves a failure, which is the safe side.
func (db *DB) reserve(ctx context.Context, check []limited, charge ...limited) ([]guli.ID, error) {
	check, charge = keyed(check), keyed(charge)
	var ids []guli.ID
	err := db.tx(ctx, func(q runner) error {
		ids = ids[:0]
		for _, l := range check {
			if err := q.lock(ctx, l.lockKey()); err != nil {
				return err
			}
		}
		now := db.now()
		for _, l := range check {
			if err := waitFor(ctx, q, l, now); err != nil {
				return err
			}
		}
		for _, l := range charge {
			id, err := fail(ctx, q, l, now)
			if err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return nil
	})
	return ids, err
}

// refuse answers a refusal that tells something (a number has an account,
// a code is wrong) only while l may still be refused: under a lock on its
// key it checks l's wait and charges the refusal, so parallel requests get
// no more answers than the rule allows. Otherwise it answers rate_limited.
func (db *DB) refuse(ctx context.Context, l limited, refusal error) error {
	if l.key == "" {
		return refusal
	}
	err := db.tx(ctx, func(q runner) error {
		if err := q.lock(ctx, l.lockKey()); err != nil {
			return err
		}
		now := db.now()
		if err := waitFor(ctx, q, l, now); err != nil {
			return err
		}
		_, err := fail(ctx, q, l, now)
		return err
	})
	if err != nil {
		return err
	}
	return refusal
}

// recordFailures records a finished failure of each of ls.
func (db *DB) recordFailures(ctx context.Context, ls ...limited) error {
	if ls = keyed(ls); len(ls) == 0 {
		return nil
	}
	return db.tx(ctx, func(q runner) error {
		now := db.now()
		for _, l := range ls {
			if _, err := fail(ctx, q, l, now); err != nil {
				return err
			}
		}
		return nil
	})
}

// forgive removes failures reserved for a guess that was right.
func forgive(ctx context.Context, q runner, ids []guli.ID) error {
	for _, id := range ids {
		if _, err := q.exec(ctx, "DELETE FROM throttle_failures WHERE id = ?", id); err != nil {
			return err
		}
	}
	return nil
}

// forgiveNow is forgive in a transaction of its own.
func (db *DB) forgiveNow(ctx context.Context, ids []guli.ID) error {
	if len(ids) == 0 {
		return nil
	}
	return db.tx(ctx, func(q runner) error { return forgive(ctx, q, ids) })
}

// clearFailures forgets every failure of l: the owner's device proved itself.
func clearFailures(ctx context.Context, q runner, l limited) error {
	_, err := q.exec(ctx, "DELETE FROM throttle_failures WHERE scope = ? AND key = ?", l.rule.Scope, l.key)
	return err
}
