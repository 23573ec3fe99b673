package guli

import (
	"context"
	"time"
)

// Jobs are work done after the transaction that asked for it, by a worker,
// with retries: a notice fanned out to a station, a webhook called, a
// reminder sent. A job is written in the same transaction as what it is
// for, so nothing is lost when the process stops, and it is done at least
// once; a handler must be safe to run twice.

// MaxJobAttempts is how often a job is tried before it is left for staff
// to see as failed.
const MaxJobAttempts = 8

// Job is one piece of work.
type Job struct {
	ID       ID
	Kind     string
	Payload  string // the handler's own form, JSON most often
	Attempts int    // tries started, this one included once claimed
	RunAt    time.Time
}

// JobBackoff is how long a job waits after its attempts-th failure: half a
// minute, doubling, at most an hour, so that a webhook down for a while is
// tried again without being hammered.
func JobBackoff(attempts int) time.Duration {
	d := 30 * time.Second
	for i := 1; i < attempts && d < time.Hour; i++ {
		d *= 2
	}
	return min(d, time.Hour)
}

// JobQueue hands jobs to workers. Invariant: a job is claimed by one
// worker at a time, and one claimed but never finished (its worker died)
// is claimable again once its lease ends.
type JobQueue interface {
	// Enqueue adds a job to run at runAt (now if zero).
	Enqueue(ctx context.Context, kind, payload string, runAt time.Time) (ID, error)
	// Claim takes up to n jobs of the kinds that are due, for lease.
	Claim(ctx context.Context, kinds []string, n int, lease time.Duration) ([]*Job, error)
	// Complete marks a claimed job done.
	Complete(ctx context.Context, id ID) error
	// Fail records a failed attempt: the job is tried again after
	// JobBackoff, or, after MaxJobAttempts, left failed with the reason.
	Fail(ctx context.Context, id ID, reason string) error
}
