package sqlstore_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"guli"
	"guli/internal/dbtest"
	"guli/sqlstore"
)

func payloads(jobs []*guli.Job) []string {
	var p []string
	for _, j := range jobs {
		p = append(p, j.Payload)
	}
	return p
}

// The queue: a job is due at its time, done once, tried again after a
// failure with a growing wait, left failed after the last try, and given
// to another worker when the one holding it dies.
func TestJobQueue(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		c := newClock()
		dsn := e.DSN(t)
		jobs := sqlstore.NewJobs(dbtest.OpenWith(t, dsn, sqlstore.Options{Now: c.Now}))
		kinds := []string{"webhook"}
		if _, err := jobs.Enqueue(system(), "webhook", "now", time.Time{}); err != nil {
			t.Fatal(err)
		}
		if _, err := jobs.Enqueue(system(), "webhook", "later", c.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if _, err := jobs.Enqueue(system(), "email", "other kind", time.Time{}); err != nil {
			t.Fatal(err)
		}
		got, err := jobs.Claim(system(), kinds, 10, time.Minute)
		if err != nil || fmt.Sprint(payloads(got)) != "[now]" || got[0].Attempts != 1 {
			t.Fatalf("first claim: %v %v", payloads(got), err)
		}
		if again, _ := jobs.Claim(system(), kinds, 10, time.Minute); len(again) != 0 {
			t.Fatalf("a leased job claimed twice: %v", payloads(again))
		}
		// Its worker dies: once the lease ends another takes it.
		c.Add(time.Minute)
		again, err := jobs.Claim(system(), kinds, 10, time.Minute)
		if err != nil || len(again) != 1 || again[0].ID != got[0].ID || again[0].Attempts != 2 {
			t.Fatalf("after the lease: %v %v", payloads(again), err)
		}
		// It fails: tried again after the backoff, not before.
		if err := jobs.Fail(system(), again[0].ID, "500 from the webhook\x00\xff"); err != nil {
			t.Fatal(err)
		}
		if early, _ := jobs.Claim(system(), kinds, 10, time.Minute); len(early) != 0 {
			t.Fatalf("retried before the backoff: %v", payloads(early))
		}
		c.Add(guli.JobBackoff(2))
		retry, err := jobs.Claim(system(), kinds, 10, time.Minute)
		if err != nil || len(retry) != 1 {
			t.Fatalf("retry: %v %v", payloads(retry), err)
		}
		if err := jobs.Complete(system(), retry[0].ID); err != nil {
			t.Fatal(err)
		}
		// The later job comes at its time; failed to the end, it stays failed.
		c.Add(time.Hour)
		for i := 0; ; i++ {
			due, err := jobs.Claim(system(), kinds, 10, time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			if len(due) == 0 {
				if i != guli.MaxJobAttempts {
					t.Fatalf("given up after %d tries, want %d", i, guli.MaxJobAttempts)
				}
				break
			}
			if fmt.Sprint(payloads(due)) != "[later]" || i > guli.MaxJobAttempts {
				t.Fatalf("try %d: %v", i, payloads(due))
			}
			if err := jobs.Fail(system(), due[0].ID, "still down"); err != nil {
				t.Fatal(err)
			}
			c.Add(2 * time.Hour)
		}

		// A job written before the process stops is there for the next.
		if _, err := jobs.Enqueue(system(), "webhook", "survives", time.Time{}); err != nil {
			t.Fatal(err)
		}
		restarted := sqlstore.NewJobs(dbtest.OpenWith(t, dsn, sqlstore.Options{Now: c.Now}))
		if got, err := restarted.Claim(system(), kinds, 10, time.Minute); err != nil || fmt.Sprint(payloads(got)) != "[survives]" {
			t.Fatalf("after a restart: %v %v", payloads(got), err)
		}
	})
}

// Many workers claiming at once each get different jobs, and every job is
// claimed once.
func TestJobsClaimedOnceUnderConcurrency(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		db := dbtest.OpenWith(t, e.DSN(t), sqlstore.Options{})
		jobs := sqlstore.NewJobs(db)
		const total = 200
		for i := range total {
			if _, err := jobs.Enqueue(system(), "fanout", fmt.Sprint(i), time.Time{}); err != nil {
				t.Fatal(err)
			}
		}
		var mu sync.Mutex
		seen := map[guli.ID]int{}
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				for {
					got, err := jobs.Claim(system(), []string{"fanout"}, 7, time.Hour)
					if err != nil {
						t.Error(err)
						return
					}
					if len(got) == 0 {
						return
					}
					mu.Lock()
					for _, j := range got {
						seen[j.ID]++
					}
					mu.Unlock()
					for _, j := range got {
						if err := jobs.Complete(system(), j.ID); err != nil {
							t.Error(err)
						}
					}
				}
			})
		}
		wg.Wait()
		if len(seen) != total {
			t.Errorf("%d jobs claimed, want %d", len(seen), total)
		}
		for id, n := range seen {
			if n != 1 {
				t.Errorf("job %d claimed %d times", id, n)
			}
		}
	})
}
