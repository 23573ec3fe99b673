package guli_test

import (
	"testing"
	"time"

	"guli"
)

func TestActivityReminderDue(t *testing.T) {
	shanghai := guli.Zone("Asia/Shanghai")
	at := func(day, hour, minute int) time.Time { return time.Date(2025, 3, day, hour, minute, 0, 0, shanghai) }
	start := at(12, 9, 30) // a morning class
	created := at(1, 10, 0)
	tests := []struct {
		name           string
		start, created time.Time
		now            time.Time
		want           bool
	}{
		{"the afternoon before", start, created, at(11, 18, 59), false},
		{"19:00 the evening before", start, created, at(11, 19, 0), true},
		{"late that night", start, created, at(11, 23, 59), true},
		{"the morning itself, before it starts", start, created, at(12, 9, 29), true},
		{"once it has started", start, created, start, false},
		{"two days before", start, created, at(10, 19, 0), false},
		{"created after the evening before", start, at(11, 20, 0), at(11, 21, 0), false},
		{"created just before 19:00", start, at(11, 18, 0), at(11, 19, 0), true},
		{"created the same day", at(12, 20, 0), at(12, 8, 0), at(12, 9, 0), false},
		{"a late start, reminded the evening before", at(12, 23, 30), created, at(11, 19, 0), true},
		{"the first of the month, reminded on the last", time.Date(2025, 4, 1, 9, 0, 0, 0, shanghai), created, at(31, 19, 0), true},
	}
	for _, tt := range tests {
		if got := guli.ActivityReminderDue(tt.start, tt.created, tt.now); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestActivityReminderAtIsInTheStationsZone(t *testing.T) {
	// 08:00 in Shanghai is midnight UTC: the evening before is Shanghai's.
	start := time.Date(2025, 3, 12, 8, 0, 0, 0, guli.Zone("Asia/Shanghai"))
	want := time.Date(2025, 3, 11, 19, 0, 0, 0, guli.Zone("Asia/Shanghai"))
	if got := guli.ActivityReminderAt(start); !got.Equal(want) {
		t.Errorf("%v, want %v", got, want)
	}
	if got := guli.ActivityReminderAt(start.UTC()); got.Equal(want) {
		t.Errorf("in UTC the evening before is UTC's, %v", got)
	}
	// Across the change to summer time the hour is still 19:00 local.
	ny := guli.Zone("America/New_York")
	got := guli.ActivityReminderAt(time.Date(2025, 3, 10, 9, 0, 0, 0, ny))
	if got.Hour() != 19 || got.Day() != 9 {
		t.Errorf("across summer time: %v", got)
	}
}

func TestHelpNearing(t *testing.T) {
	now := time.Date(2025, 3, 11, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name     string
		status   string
		neededBy time.Time
		told     bool
		want     bool
	}{
		{"open, needed in 23 hours", guli.HelpOpen, now.Add(23 * time.Hour), false, true},
		{"open, needed in exactly 24 hours", guli.HelpOpen, now.Add(24 * time.Hour), false, true},
		{"open, needed in 25 hours", guli.HelpOpen, now.Add(25 * time.Hour), false, false},
		{"open, needed an hour ago", guli.HelpOpen, now.Add(-time.Hour), false, false},
		{"open, needed now", guli.HelpOpen, now, false, false},
		{"open, whenever", guli.HelpOpen, time.Time{}, false, false},
		{"claimed", guli.HelpClaimed, now.Add(time.Hour), false, false},
		{"cancelled", guli.HelpCancelled, now.Add(time.Hour), false, false},
		{"told already", guli.HelpOpen, now.Add(time.Hour), true, false},
	}
	for _, tt := range tests {
		if got := guli.HelpNearing(tt.status, tt.neededBy, tt.told, now); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}
