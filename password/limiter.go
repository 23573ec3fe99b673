package password

import (
	"context"
	"errors"
	"sync"
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
//
// One client (a key, such as its address) may hold all but one of the
// slots, so a single client hashing as fast as it can still leaves a turn
// for everyone else.
type Limiter struct {
	slots  chan struct{}
	perKey int
	wait   time.Duration

	mu   sync.Mutex
	keys map[string]*keySlots
}

type keySlots struct {
	ch    chan struct{}
	users int // callers holding or waiting for ch
}

// NewLimiter allows n hashes at once (at least one); a caller waits at most
// wait for a slot.
func NewLimiter(n int, wait time.Duration) *Limiter {
	n = max(1, n)
	return &Limiter{slots: make(chan struct{}, n), perKey: max(1, n-1), wait: wait, keys: map[string]*keySlots{}}
}

// acquire takes key's slot, then a shared one, within the wait; release
// gives back what it took.
func (l *Limiter) acquire(ctx context.Context, key string) (release func(), err error) {
	if err := ctx.Err(); err != nil {
		return nil, err // the client left: hash nothing for it
	}
	l.mu.Lock()
	ks := l.keys[key]
	if ks == nil {
		ks = &keySlots{ch: make(chan struct{}, l.perKey)}
		l.keys[key] = ks
	}
	ks.users++
	l.mu.Unlock()
	done := func() {
		l.mu.Lock()
		if ks.users--; ks.users == 0 {
			delete(l.keys, key)
		}
		l.mu.Unlock()
	}
	timer := time.NewTimer(l.wait)
	defer timer.Stop()
	for _, ch := range []chan struct{}{ks.ch, l.slots} {
		select {
		case ch <- struct{}{}:
			continue
		default:
		}
		select {
		case ch <- struct{}{}:
		case <-timer.C:
			err = ErrBusy
		case <-ctx.Done():
			err = ctx.Err()
		}
		if err != nil {
			if ch == l.slots {
				<-ks.ch
			}
			done()
			return nil, err
		}
	}
	return func() {
		<-l.slots
		<-ks.ch
		done()
	}, nil
}

// Hash is Hash within the limit, for the client key.
func (l *Limiter) Hash(ctx context.Context, key, pw string, p Params) (string, error) {
	release, err := l.acquire(ctx, key)
	if err != nil {
		return "", err
	}
	defer release()
	return Hash(pw, p)
}

// Verify is Verify within the limit, for the client key.
func (l *Limiter) Verify(ctx context.Context, key, pw, encoded string) (bool, error) {
	release, err := l.acquire(ctx, key)
	if err != nil {
		return false, err
	}
	defer release()
	return Verify(pw, encoded)
}
