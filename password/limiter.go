package password

import (
	"context"
	"errors"
	"time"
)

// ErrBusy says every hashing slot stayed taken for the whole wait: the
// caller should answer "try again in a moment", not queue without end.
var ErrBusy = errors.New("password: too many hashes at once")

// Limiter bounds how many hashes run at once. Each argon2id hash holds its
// memory cost (19 MiB by default) for tens of milliseconds: unbounded, a
// flood of logins or registrations holds gigabytes and starves every other
// request of the CPU. About one hash per core keeps memory flat and the CPU
// shared; beyond a short wait, callers get ErrBusy.
type Limiter struct {
	slots chan struct{}
	wait  time.Duration
}

// NewLimiter allows n hashes at once (at least one); a caller waits at most
// wait for a slot.
func NewLimiter(n int, wait time.Duration) *Limiter {
	return &Limiter{slots: make(chan struct{}, max(1, n)), wait: wait}
}

func (l *Limiter) acquire(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err // the client left: hash nothing for it
	}
	select {
	case l.slots <- struct{}{}:
		return nil
	default:
	}
	timer := time.NewTimer(l.wait)
	defer timer.Stop()
	select {
	case l.slots <- struct{}{}:
		return nil
	case <-timer.C:
		return ErrBusy
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (l *Limiter) release() { <-l.slots }

// Hash is Hash within the limit.
func (l *Limiter) Hash(ctx context.Context, pw string, p Params) (string, error) {
	if err := l.acquire(ctx); err != nil {
		return "", err
	}
	defer l.release()
	return Hash(pw, p)
}

// Verify is Verify within the limit.
func (l *Limiter) Verify(ctx context.Context, pw, encoded string) (bool, error) {
	if err := l.acquire(ctx); err != nil {
		return false, err
	}
	defer l.release()
	return Verify(pw, encoded)
}
