package password_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"guli/password"
)

func TestHashAndVerify(t *testing.T) {
	for _, p := range []password.Params{password.Fast, password.Default} {
		h, err := password.Hash("顾里小站2023", p)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(h, "$argon2id$v=19$") {
			t.Fatalf("hash %q not in PHC argon2id form", h)
		}
		tests := []struct {
			pw   string
			want bool
		}{
			{"顾里小站2023", true},
			{"顾里小站2024", false},
			{"", false},
		}
		for _, tt := range tests {
			ok, err := password.Verify(tt.pw, h)
			if err != nil || ok != tt.want {
				t.Errorf("Verify(%q) = %v, %v; want %v", tt.pw, ok, err, tt.want)
			}
		}
		h2, _ := password.Hash("顾里小站2023", p)
		if h2 == h {
			t.Error("two hashes of one password are equal: salt not random")
		}
	}
}

func TestVerifyMalformed(t *testing.T) {
	for _, enc := range []string{"", "$argon2id$", "$bcrypt$v=19$m=1,t=1,p=1$AAAA$AAAA", "$argon2id$v=19$m=x$AAAA$AAAA", "$argon2id$v=19$m=64,t=1,p=1$!!$AAAA"} {
		if ok, err := password.Verify("password", enc); ok || err == nil {
			t.Errorf("Verify(%q) = %v, %v; want false and an error", enc, ok, err)
		}
	}
}

func TestLimiterRefusesBeyondItsSlots(t *testing.T) {
	// One slot and no patience: of many hashes at once, some run and the
	// rest are refused at once instead of queueing.
	l := password.NewLimiter(1, time.Millisecond)
	const n = 8
	var wg sync.WaitGroup
	var done, busy atomic.Int32
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := l.Hash(context.Background(), fmt.Sprint(i%3), "馨清佳苑三号楼二单元", password.Default)
			switch {
			case err == nil:
				done.Add(1)
			case errors.Is(err, password.ErrBusy):
				busy.Add(1)
			default:
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if done.Load() < 1 || busy.Load() < 1 || done.Load()+busy.Load() != n {
		t.Fatalf("%d hashed, %d refused; want some of each", done.Load(), busy.Load())
	}

	// With time to wait, everyone gets a turn.
	patient := password.NewLimiter(1, time.Minute)
	hash, err := password.Hash("correct horse", password.Fast)
	if err != nil {
		t.Fatal(err)
	}
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if ok, err := patient.Verify(context.Background(), "10.0.0.1", "correct horse", hash); !ok || err != nil {
				t.Errorf("verify: %v %v", ok, err)
			}
		}()
	}
	wg.Wait()
}

func TestLimiterLeavesATurnForOthers(t *testing.T) {
	// Two slots. One client's slow hash holds one; its second hash may not
	// take the other, which stays for everyone else.
	l := password.NewLimiter(2, 100*time.Millisecond)
	slow := make(chan error)
	go func() {
		_, err := l.Hash(context.Background(), "203.0.113.9", "slow-slow", password.Params{Time: 4, Memory: 64 * 1024, Threads: 1})
		slow <- err
	}()
	time.Sleep(20 * time.Millisecond) // the slow hash has its slot (it takes far longer than the wait)
	if _, err := l.Hash(context.Background(), "203.0.113.9", "again", password.Fast); !errors.Is(err, password.ErrBusy) {
		t.Fatalf("the same client's second hash at once: %v, want ErrBusy", err)
	}
	if _, err := l.Hash(context.Background(), "10.0.0.8", "a resident's own", password.Fast); err != nil {
		t.Fatalf("another client meanwhile: %v", err)
	}
	if err := <-slow; err != nil {
		t.Fatal(err)
	}
	// With the slow one done, the first client hashes again.
	if _, err := l.Hash(context.Background(), "203.0.113.9", "again", password.Fast); err != nil {
		t.Fatal(err)
	}
}

func TestLimiterHashesNothingForAGoneRequest(t *testing.T) {
	l := password.NewLimiter(1, time.Minute)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := l.Hash(ctx, "10.0.0.1", "x", password.Fast); !errors.Is(err, context.Canceled) {
		t.Fatalf("hashed for a request that is gone: %v", err)
	}
	if _, err := l.Verify(ctx, "10.0.0.1", "x", "$argon2id$"); !errors.Is(err, context.Canceled) {
		t.Fatalf("verified for a request that is gone: %v", err)
	}
}
