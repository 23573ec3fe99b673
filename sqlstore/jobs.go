package sqlstore

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"guli"
)

// Jobs implements guli.JobQueue in the database itself, so that a job is
// written in the transaction of what it is for and survives a restart.
// Claiming marks due jobs leased in one statement: on PostgreSQL workers
// skip the rows another is claiming (FOR UPDATE SKIP LOCKED), on SQLite the
// one writer claims at a time. Writing jobs moves no data version: what
// readers see does not change.
type Jobs struct{ db *DB }

// NewJobs returns the job queue of db.
func NewJobs(db *DB) *Jobs { return &Jobs{db: db} }

var _ guli.JobQueue = (*Jobs)(nil)

// Job states.
const (
	jobWaiting = "waiting"
	jobDone    = "done"
	jobFailed  = "failed"
)

// enqueue writes a job in the transaction q.
func enqueue(ctx context.Context, q runner, now time.Time, kind, payload string, runAt time.Time) (guli.ID, error) {
	if runAt.IsZero() {
		runAt = now
	}
	q.moved = nil // a job is not what readers see
	if q.st != nil {
		q.st.enqueued = true
	}
	return q.insert(ctx, "INSERT INTO jobs (kind, payload, run_at, created_at) VALUES (?, ?, ?, ?)", kind, payload, ms(runAt), ms(now))
}

// Enqueue adds a job in a transaction of its own.
func (s *Jobs) Enqueue(ctx context.Context, kind, payload string, runAt time.Time) (guli.ID, error) {
	var id guli.ID
	err := s.db.tx(ctx, func(q runner) error {
		var err error
		id, err = enqueue(ctx, q, s.db.now(), kind, payload, runAt)
		return err
	})
	return id, err
}

// Claim leases up to n due jobs of the kinds, oldest due first.
func (s *Jobs) Claim(ctx context.Context, kinds []string, n int, lease time.Duration) ([]*guli.Job, error) {
	if n <= 0 || len(kinds) == 0 {
		return nil, nil
	}
	// Workers poll: most polls find nothing, and a read answers that
	// without taking SQLite's one write lock.
	due := `FROM jobs WHERE state = ? AND run_at <= ? AND (leased_until IS NULL OR leased_until <= ?) AND kind IN (` + placeholders(len(kinds)) + `)`
	now := ms(s.db.now())
	if ok, err := s.db.read().exists(ctx, "SELECT 1 "+due+" LIMIT 1", append([]any{jobWaiting, now, now}, anys(kinds)...)...); err != nil || !ok {
		return nil, s.db.mapErr(err)
	}
	var out []*guli.Job
	err := s.db.tx(ctx, func(q runner) error {
		out = nil
		q.moved = nil
		now := ms(s.db.now())
		skip := ""
		if q.d == postgres {
			skip = " FOR UPDATE SKIP LOCKED"
		}
		args := append([]any{jobWaiting, now, now}, anys(kinds)...)
		rows, err := q.query(ctx, "SELECT id "+due+" ORDER BY run_at, id LIMIT ?"+skip, append(args, n)...)
		if err != nil {
			return err
		}
		var ids []any
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		if err := rows.Close(); err != nil {
			return err
		}
		if len(ids) == 0 {
			return nil
		}
		if _, err := q.exec(ctx, "UPDATE jobs SET leased_until = ?, attempts = attempts + 1 WHERE id IN ("+placeholders(len(ids))+")",
			append([]any{now + lease.Milliseconds()}, ids...)...); err != nil {
			return err
		}
		out, err = list(ctx, q, scanJob, "SELECT id, kind, payload, attempts, run_at FROM jobs WHERE id IN ("+placeholders(len(ids))+") ORDER BY run_at, id", ids...)
		return err
	})
	return out, err
}

func scanJob(row interface{ Scan(...any) error }) (*guli.Job, error) {
	var j guli.Job
	var id, runAt int64
	err := row.Scan(&id, &j.Kind, &j.Payload, &j.Attempts, &runAt)
	j.ID, j.RunAt = guli.ID(id), fromMS(runAt)
	return &j, err
}

// Complete marks a job done.
func (s *Jobs) Complete(ctx context.Context, id guli.ID) error {
	return s.db.tx(ctx, func(q runner) error {
		q.moved = nil
		_, err := q.exec(ctx, "UPDATE jobs SET state = ?, leased_until = NULL, finished_at = ? WHERE id = ?", jobDone, ms(s.db.now()), id)
		return err
	})
}

// Fail records a failed attempt and when to try again, if ever.
func (s *Jobs) Fail(ctx context.Context, id guli.ID, reason string) error {
	reason = strings.ToValidUTF8(strings.ReplaceAll(reason, "\x00", ""), "�")
	if utf8.RuneCountInString(reason) > 500 {
		reason = string([]rune(reason)[:500])
	}
	return s.db.tx(ctx, func(q runner) error {
		q.moved = nil
		var attempts int
		if err := q.row(ctx, "SELECT attempts FROM jobs WHERE id = ?"+q.d.forUpdate(), id).Scan(&attempts); err != nil {
			return notFound(err)
		}
		now := s.db.now()
		if attempts >= guli.MaxJobAttempts {
			_, err := q.exec(ctx, "UPDATE jobs SET state = ?, leased_until = NULL, last_error = ?, finished_at = ? WHERE id = ?",
				jobFailed, reason, ms(now), id)
			return err
		}
		_, err := q.exec(ctx, "UPDATE jobs SET leased_until = NULL, last_error = ?, run_at = ? WHERE id = ?",
			reason, ms(now.Add(guli.JobBackoff(attempts))), id)
		return err
	})
}
