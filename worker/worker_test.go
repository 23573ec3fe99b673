package worker_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"guli"
	"guli/internal/dbtest"
	"guli/sqlstore"
	"guli/worker"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func system() context.Context {
	return guli.NewContextWithUser(context.Background(), guli.SystemUser)
}

// queue opens a job queue on a fresh database of e with a clock the test
// moves.
func queue(t *testing.T, e dbtest.Engine) (*sqlstore.Jobs, *clock) {
	t.Helper()
	c := &clock{t: time.Now()}
	return sqlstore.NewJobs(dbtest.OpenWith(t, e.DSN(t), sqlstore.Options{Now: c.Now})), c
}

func runDue(t *testing.T, w *worker.Worker, want int) {
	t.Helper()
	if n, err := w.RunDue(context.Background()); err != nil || n != want {
		t.Fatalf("RunDue ran %d jobs (%v), want %d", n, err, want)
	}
}

// A job is run by its kind's handler, done once; a failure is tried again
// after the queue's backoff, not before; a panic is a failure too; other
// kinds are left alone.
func TestWorkerRunsAndRetries(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		jobs, c := queue(t, e)
		var mu sync.Mutex
		calls := map[string]int{}
		w := worker.New(jobs, map[string]worker.Handler{
			"ok": func(ctx context.Context, j *guli.Job) error {
				mu.Lock()
				defer mu.Unlock()
				calls[j.Payload]++
				return nil
			},
			"flaky": func(ctx context.Context, j *guli.Job) error {
				mu.Lock()
				defer mu.Unlock()
				calls[j.Payload]++
				if j.Attempts < 3 {
					return errors.New("down")
				}
				return nil
			},
			"panics": func(ctx context.Context, j *guli.Job) error {
				mu.Lock()
				calls[j.Payload]++
				mu.Unlock()
				panic("boom")
			},
		}, worker.Options{})
		for kind, payload := range map[string]string{"ok": "a", "flaky": "b", "panics": "c", "other": "d"} {
			if _, err := jobs.Enqueue(system(), kind, payload, time.Time{}); err != nil {
				t.Fatal(err)
			}
		}
		runDue(t, w, 3)
		runDue(t, w, 0) // the failures wait for their backoff
		c.Add(guli.JobBackoff(1))
		runDue(t, w, 2)
		c.Add(guli.JobBackoff(2))
		runDue(t, w, 2) // flaky's third try succeeds
		c.Add(time.Hour)
		runDue(t, w, 1) // only the panicking one is left
		mu.Lock()
		defer mu.Unlock()
		if calls["a"] != 1 || calls["b"] != 3 || calls["c"] != 4 || calls["d"] != 0 {
			t.Fatalf("calls %v, want a once, b three times, c four, d never", calls)
		}
	})
}

// A stop while a job is in hand lets the job finish and reports it done:
// nothing waits out a lease after a graceful stop. Wake runs a job at once
// when the worker polls only hourly.
func TestWorkerStopsGracefullyAndWakes(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		jobs, c := queue(t, e)
		started, release := make(chan string), make(chan struct{})
		var finished []string
		var mu sync.Mutex
		w := worker.New(jobs, map[string]worker.Handler{
			"slow": func(ctx context.Context, j *guli.Job) error {
				started <- j.Payload
				<-release
				if ctx.Err() != nil {
					return ctx.Err() // the stop must not cancel the job in hand
				}
				mu.Lock()
				finished = append(finished, j.Payload)
				mu.Unlock()
				return nil
			},
		}, worker.Options{Poll: time.Hour})
		ctx, stop := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { w.Run(ctx); close(done) }()
		if _, err := jobs.Enqueue(system(), "slow", "first", time.Time{}); err != nil {
			t.Fatal(err)
		}
		w.Wake()
		if got := <-started; got != "first" {
			t.Fatalf("started %q", got)
		}
		if _, err := jobs.Enqueue(system(), "slow", "second", time.Time{}); err != nil {
			t.Fatal(err)
		}
		stop()
		close(release)
		<-done
		mu.Lock()
		if len(finished) != 1 || finished[0] != "first" {
			t.Fatalf("finished %v, want the job in hand only", finished)
		}
		mu.Unlock()
		// The first was reported done: well past its lease nobody gets it;
		// the second was never claimed.
		c.Add(time.Hour)
		left, err := jobs.Claim(system(), []string{"slow"}, 10, time.Minute)
		if err != nil || len(left) != 1 || left[0].Payload != "second" || left[0].Attempts != 1 {
			t.Fatalf("left after the stop: %v %v", left, err)
		}
	})
}
