// Package worker runs the jobs of a guli.JobQueue: it claims due jobs, runs
// the handler of their kind and reports each done or failed; the queue
// decides when a failed job is tried again.
package worker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"time"

	"guli"
)

// Handler does one job. It must be safe to run twice for one job: a
// worker that dies after the work and before reporting it leaves the job
// to be claimed again.
type Handler func(ctx context.Context, job *guli.Job) error

// Options tune a Worker; the zero value is fine.
type Options struct {
	// Lease is how long a claimed job is the worker's before another may
	// claim it (default two minutes); it must outlast Timeout.
	Lease time.Duration
	// Timeout bounds one run of a handler (default one minute).
	Timeout time.Duration
	// Poll is how often the queue is asked when nothing wakes the worker
	// (default one second).
	Poll   time.Duration
	Logger *slog.Logger
}

// Worker runs jobs one at a time.
type Worker struct {
	queue    guli.JobQueue
	handlers map[string]Handler
	kinds    []string
	opts     Options
	wake     chan struct{}
}

// New returns a worker for the kinds handlers has.
func New(queue guli.JobQueue, handlers map[string]Handler, opts Options) *Worker {
	if opts.Lease <= 0 {
		opts.Lease = 2 * time.Minute
	}
	if opts.Timeout <= 0 {
		opts.Timeout = time.Minute
	}
	if opts.Poll <= 0 {
		opts.Poll = time.Second
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return &Worker{queue: queue, handlers: handlers, kinds: slices.Sorted(maps.Keys(handlers)), opts: opts, wake: make(chan struct{}, 1)}
}

// Wake makes the worker look for jobs now rather than at its next poll.
func (w *Worker) Wake() {
	select {
	case w.wake <- struct{}{}:
	default: // already woken
	}
}

// Run runs due jobs until ctx ends. A job in hand when ctx ends is
// finished and reported before Run returns; it is not cut short.
func (w *Worker) Run(ctx context.Context) {
	tick := time.NewTicker(w.opts.Poll)
	defer tick.Stop()
	for {
		if _, err := w.RunDue(ctx); err != nil && ctx.Err() == nil {
			w.opts.Logger.Warn("job queue", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-w.wake:
		case <-tick.C:
		}
	}
}

// RunDue runs the jobs that are due, one after another, until none is or
// ctx ends, and says how many it ran. Tests call it to drive the queue.
func (w *Worker) RunDue(ctx context.Context) (int, error) {
	ran := 0
	for ctx.Err() == nil {
		// One at a time: a job claimed is a job run, so a stop leaves no
		// claimed job waiting out its lease.
		jobs, err := w.queue.Claim(ctx, w.kinds, 1, w.opts.Lease)
		if err != nil || len(jobs) == 0 {
			return ran, err
		}
		for _, job := range jobs {
			if err := w.run(ctx, job); err != nil {
				return ran, err
			}
			ran++
		}
	}
	return ran, nil
}

// run does one job and reports it, with a context that ctx's end does not
// cancel, so a stop lets the job finish.
func (w *Worker) run(ctx context.Context, job *guli.Job) error {
	ctx = context.WithoutCancel(ctx)
	hctx, cancel := context.WithTimeout(ctx, w.opts.Timeout)
	err := w.call(hctx, job)
	cancel()
	rctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	log := w.opts.Logger.With("job", job.ID.String(), "kind", job.Kind, "attempt", job.Attempts)
	if err == nil {
		log.Info("job done")
		return w.queue.Complete(rctx, job.ID)
	}
	if job.Attempts >= guli.MaxJobAttempts {
		log.Error("job failed for good", "err", err)
	} else {
		log.Warn("job failed; it will be tried again", "err", err)
	}
	return w.queue.Fail(rctx, job.ID, err.Error())
}

// call runs the job's handler; a panic is the job's failure, not the
// process's.
func (w *Worker) call(ctx context.Context, job *guli.Job) (err error) {
	h := w.handlers[job.Kind]
	if h == nil {
		return errors.New("no handler for kind " + job.Kind)
	}
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("handler panicked: %v", p)
		}
	}()
	return h(ctx, job)
}
