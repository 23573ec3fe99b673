package guli_test

import (
	"testing"
	"time"

	"guli"
)

func TestThrottleWaitGrows(t *testing.T) {
	r := guli.ThrottleRule{Free: 5, First: 30 * time.Second, Max: 15 * time.Minute, Window: time.Hour}
	latest := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		failures int
		after    time.Duration // from the latest failure to now
		want     time.Duration
	}{
		{0, 0, 0},
		{4, 0, 0},
		{5, 0, 30 * time.Second},
		{5, 10 * time.Second, 20 * time.Second},
		{5, 30 * time.Second, 0},
		{5, time.Hour, 0},
		{6, 0, time.Minute},
		{7, 0, 2 * time.Minute},
		{9, 0, 8 * time.Minute},
		{10, 0, 15 * time.Minute},
		{1000, 0, 15 * time.Minute},
		{1 << 40, time.Minute, 14 * time.Minute},
	}
	for _, tt := range tests {
		if got := r.Wait(tt.failures, latest, latest.Add(tt.after)); got != tt.want {
			t.Errorf("%d failures, %v after the latest: wait %v, want %v", tt.failures, tt.after, got, tt.want)
		}
	}
}

func TestEveryThrottleHasAScopeAndGrows(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range []guli.ThrottleRule{guli.ThrottleLoginPhone, guli.ThrottleLoginAddr, guli.ThrottleLoginDevice,
		guli.ThrottleRegisterAddr, guli.ThrottleSMSPhone, guli.ThrottleSMSAddr, guli.ThrottleChangePassword,
		guli.ThrottleCheckinUser, guli.ThrottleCheckinStation, guli.ThrottleReclaim, guli.ThrottleExport, guli.ThrottleReport} {
		if r.Scope == "" || seen[r.Scope] {
			t.Errorf("scope %q is empty or used twice", r.Scope)
		}
		seen[r.Scope] = true
		if r.First <= 0 || r.Max < r.First || r.Window < r.Max || r.Free < 1 {
			t.Errorf("%s: %+v does not grow from First to Max within Window", r.Scope, r)
		}
	}
}
