package password_test

import (
	"context"
	"errors"
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
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := l.Hash(context.Background(), "馨清佳苑三号楼二单元", password.Default)
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
			if ok, err := patient.Verify(context.Background(), "correct horse", hash); !ok || err != nil {
				t.Errorf("verify: %v %v", ok, err)
			}
		}()
	}
	wg.Wait()
}

func TestLimiterHashesNothingForAGoneRequest(t *testing.T) {
	l := password.NewLimiter(1, time.Minute)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := l.Hash(ctx, "x", password.Fast); !errors.Is(err, context.Canceled) {
		t.Fatalf("hashed for a request that is gone: %v", err)
	}
	if _, err := l.Verify(ctx, "x", "$argon2id$"); !errors.Is(err, context.Canceled) {
		t.Fatalf("verified for a request that is gone: %v", err)
	}
}
