package guli_test

import (
	"testing"
	"time"

	"guli"
)

func TestJobBackoff(t *testing.T) {
	for _, tt := range []struct {
		attempts int
		want     time.Duration
	}{{0, 30 * time.Second}, {1, 30 * time.Second}, {2, time.Minute}, {3, 2 * time.Minute}, {8, time.Hour}, {1000, time.Hour}} {
		if got := guli.JobBackoff(tt.attempts); got != tt.want {
			t.Errorf("after %d failures: %s, want %s", tt.attempts, got, tt.want)
		}
	}
}
