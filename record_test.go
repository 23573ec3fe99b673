package guli_test

import (
	"strings"
	"testing"
	"time"

	"guli"
)

func TestParseWeek(t *testing.T) {
	tests := []struct {
		in   string
		want string // "" when refused
	}{
		{"2026-W48", "2026-W48"},
		{"2026-W01", "2026-W01"},
		{"2026-W53", "2026-W53"}, // 2026 has 53 weeks: it begins on a Thursday
		{"2020-W53", "2020-W53"}, // a leap year beginning on a Wednesday
		{"2025-W52", "2025-W52"},
		{"2025-W53", ""}, // 2025 has 52
		{"2023-W53", ""},
		{"2026-W99", ""},
		{"2026-W00", ""},
		{"2026-W1", ""},
		{"2026W48", ""},
		{"2026-w48", ""},
		{"2026-48", ""},
		{"1969-W10", ""}, // before any time Guli takes
		{"3000-W10", ""},
		{"0000-W13", ""},
		{"２026-W48", ""}, // a full-width digit
		{"+026-W48", ""},
		{"2026-W4８", ""},
		{" 2026-W48", ""},
		{"", ""},
	}
	for _, tt := range tests {
		w, ok := guli.ParseWeek(tt.in)
		if got := map[bool]string{true: w.String(), false: ""}[ok]; got != tt.want {
			t.Errorf("ParseWeek(%q) = %q, %v; want %q", tt.in, w, ok, tt.want)
		}
	}
}

func TestWeekDays(t *testing.T) {
	shanghai := guli.Zone("Asia/Shanghai")
	tests := []struct {
		week, monday string
		prev, next   string
	}{
		{"2026-W48", "2026-11-23", "2026-W47", "2026-W49"},
		{"2026-W01", "2025-12-29", "2025-W52", "2026-W02"}, // week 1 begins in the year before
		{"2026-W53", "2026-12-28", "2026-W52", "2027-W01"},
		{"2021-W01", "2021-01-04", "2020-W53", "2021-W02"},
		{"2023-W41", "2023-10-09", "2023-W40", "2023-W42"},
	}
	for _, tt := range tests {
		w, ok := guli.ParseWeek(tt.week)
		if !ok {
			t.Fatalf("%s refused", tt.week)
		}
		if got := string(w.Monday()); got != tt.monday {
			t.Errorf("%s begins on %s, want %s", tt.week, got, tt.monday)
		}
		if got := w.Prev().String(); got != tt.prev {
			t.Errorf("the week before %s: %s, want %s", tt.week, got, tt.prev)
		}
		if got := w.Next().String(); got != tt.next {
			t.Errorf("the week after %s: %s, want %s", tt.week, got, tt.next)
		}
		start, end := w.Bounds(shanghai)
		if start.Format(time.RFC3339) != tt.monday+"T00:00:00+08:00" || end.Sub(start) != 7*24*time.Hour {
			t.Errorf("%s's bounds: %s to %s", tt.week, start, end)
		}
		if back := guli.WeekOf(start); back != w {
			t.Errorf("the week of %s's Monday: %s", tt.week, back)
		}
		if back := guli.WeekOf(end.Add(-time.Second)); back != w {
			t.Errorf("the week of %s's last second: %s", tt.week, back)
		}
	}
}

func TestReadWeek(t *testing.T) {
	shanghai := guli.Zone("Asia/Shanghai")
	// Sunday 29 November 2026 in UTC, already Monday 30 November in
	// Shanghai: this week is the station's.
	now := time.Date(2026, 11, 29, 17, 30, 0, 0, time.UTC)
	tests := []struct {
		in, want, field string
	}{
		{"", "2026-W49", ""},
		{"2026-W49", "2026-W49", ""},
		{"2026-W99", "", guli.FRWeek},
		{"2026-11-23", "", guli.FRWeek},
	}
	for _, tt := range tests {
		w, err := guli.ReadWeek(tt.in, shanghai, now)
		if tt.field != "" {
			if guli.AsError(err).Fields["week"] != tt.field {
				t.Errorf("ReadWeek(%q): %v, want %s", tt.in, err, tt.field)
			}
			continue
		}
		if err != nil || w.String() != tt.want {
			t.Errorf("ReadWeek(%q) = %s, %v; want %s", tt.in, w, err, tt.want)
		}
	}
}

func TestRecordInput(t *testing.T) {
	tests := []struct {
		name    string
		in      guli.RecordInput
		summary string // as kept, when accepted
		field   string // the field refused, and why
		reason  string
	}{
		{"a summary", guli.RecordInput{Summary: "  谢老师讲了楷书的笔画，15位居民参加。\n"}, "谢老师讲了楷书的笔画，15位居民参加。", "", ""},
		{"lines and tabs", guli.RecordInput{Summary: "一、内容\n\t二、效果", Version: 3}, "一、内容\n\t二、效果", "", ""},
		{"empty", guli.RecordInput{Summary: " \n "}, "", "summary", guli.FRRequired},
		{"at the limit", guli.RecordInput{Summary: strings.Repeat("字", guli.MaxRecordSummary)}, strings.Repeat("字", guli.MaxRecordSummary), "", ""},
		{"too long", guli.RecordInput{Summary: strings.Repeat("字", guli.MaxRecordSummary+1)}, "", "summary", guli.FRTooLong},
		{"a NUL", guli.RecordInput{Summary: "书法\x00"}, "", "summary", guli.FRInvalidText},
		{"not UTF-8", guli.RecordInput{Summary: "书法\xff"}, "", "summary", guli.FRInvalidText},
		{"a mark that turns text around", guli.RecordInput{Summary: "书法\u202e"}, "", "summary", guli.FRInvalidText},
		{"a negative version", guli.RecordInput{Summary: "书法", Version: -1}, "", "version", guli.FRInvalid},
	}
	for _, tt := range tests {
		in := tt.in
		err := in.Validate()
		if tt.field == "" {
			if err != nil || in.Summary != tt.summary {
				t.Errorf("%s: %v, kept %q", tt.name, err, in.Summary)
			}
			continue
		}
		if got := guli.AsError(err).Fields[tt.field]; got != tt.reason {
			t.Errorf("%s: %v, want %s refused as %s", tt.name, err, tt.field, tt.reason)
		}
	}
}

func TestWhoKeepsRecords(t *testing.T) {
	const here, there guli.ID = 1, 2
	start := time.Date(2026, 11, 25, 9, 30, 0, 0, guli.Zone("Asia/Shanghai"))
	class := &guli.Activity{ID: 7, StationID: here, Start: start, End: start.Add(90 * time.Minute), Status: guli.ActivityScheduled}
	cancelled := &guli.Activity{ID: 8, StationID: here, Start: start, End: start.Add(time.Hour), Status: guli.ActivityCancelled}
	staffHere := &guli.User{ID: 20, Roles: []guli.Role{guli.RoleStaff}, StaffStations: []guli.ID{here}}
	staffThere := &guli.User{ID: 21, Roles: []guli.Role{guli.RoleStaff}, StaffStations: []guli.ID{there}}
	admin := &guli.User{ID: 22, Roles: []guli.Role{guli.RoleAdmin}}
	host := &guli.User{ID: 23, Roles: []guli.Role{guli.RoleResident, guli.RoleTalent}}
	resident := &guli.User{ID: 30, Roles: []guli.Role{guli.RoleResident}, Stations: []guli.ID{here}}
	class.HostID = host.ID
	before, during, after := start.Add(-time.Minute), start, start.AddDate(0, 1, 0)
	tests := []struct {
		name        string
		actor       *guli.User
		a           *guli.Activity
		now         time.Time
		read, write string // the codes refused with; "" allowed
	}{
		{"staff of its station, after it", staffHere, class, after, "", ""},
		{"staff of its station, as it begins", staffHere, class, during, "", ""},
		{"staff of its station, before it", staffHere, class, before, "", guli.ECNotStarted},
		{"staff of its station, cancelled", staffHere, cancelled, after, "", guli.ECActivityCancelled},
		{"the admin", admin, class, after, "", ""},
		{"staff of another station", staffThere, class, after, guli.ECNotFound, guli.ECNotFound},
		{"staff of another station, cancelled", staffThere, cancelled, after, guli.ECNotFound, guli.ECNotFound},
		{"its host, a talent", host, class, after, guli.ECForbidden, guli.ECForbidden},
		{"a resident", resident, class, after, guli.ECForbidden, guli.ECForbidden},
		{"nobody signed in", nil, class, after, guli.ECUnauthenticated, guli.ECUnauthenticated},
	}
	code := func(err error) string {
		if err == nil {
			return ""
		}
		return guli.ErrorCode(err)
	}
	for _, tt := range tests {
		if got := code(guli.MayReadRecord(tt.actor, tt.a)); got != tt.read {
			t.Errorf("%s reads: %q, want %q", tt.name, got, tt.read)
		}
		if got := code(guli.MayWriteRecord(tt.actor, tt.a, tt.now)); got != tt.write {
			t.Errorf("%s writes: %q, want %q", tt.name, got, tt.write)
		}
	}
}

func TestCheckRecordVersion(t *testing.T) {
	tests := []struct {
		saved, from int
		want        string
	}{
		{0, 0, ""}, // the first save
		{3, 3, ""},
		{1, 0, guli.ECStaleEdit}, // two began the first at once
		{4, 3, guli.ECStaleEdit},
		{3, 4, guli.ECStaleEdit}, // a version that never was
	}
	for _, tt := range tests {
		err := guli.CheckRecordVersion(tt.saved, tt.from)
		if got := map[bool]string{true: "", false: guli.ErrorCode(err)}[err == nil]; got != tt.want {
			t.Errorf("saved %d, edited from %d: %v, want %q", tt.saved, tt.from, err, tt.want)
		}
	}
}

func TestARecordedActivityStays(t *testing.T) {
	tests := []struct {
		version int
		want    string
	}{
		{0, ""}, // nothing written: it may still be called off
		{1, guli.ECActivityRecorded},
		{7, guli.ECActivityRecorded},
	}
	for _, tt := range tests {
		err := guli.CheckCancelRecorded(tt.version)
		if got := map[bool]string{true: "", false: guli.ErrorCode(err)}[err == nil]; got != tt.want {
			t.Errorf("cancelling at record version %d: %v, want %q", tt.version, err, tt.want)
		}
	}
}

func TestSignInBlanks(t *testing.T) {
	tests := []struct {
		capacity, confirmed, want int
	}{
		{0, 0, 10},   // unlimited
		{0, 80, 10},  // unlimited, busy
		{20, 12, 8},  // the places left
		{20, 20, 5},  // full: some with a place do not come
		{20, 19, 5},  // at least five
		{60, 10, 20}, // at most twenty
		{30, 10, 20},
		{30, 11, 19},
	}
	for _, tt := range tests {
		a := &guli.Activity{Capacity: tt.capacity, ConfirmedCount: tt.confirmed}
		if got := guli.SignInBlanks(a); got != tt.want {
			t.Errorf("capacity %d, %d confirmed: %d blank rows, want %d", tt.capacity, tt.confirmed, got, tt.want)
		}
	}
}

func TestLedgerMonths(t *testing.T) {
	st := &guli.Station{ID: 1, Timezone: "Asia/Shanghai", OpenedOn: "2023-02-10"}
	now := time.Date(2023, 10, 31, 17, 0, 0, 0, time.UTC) // 1 November in Shanghai
	tests := []struct {
		month, want, reason string
	}{
		{"", "2023-11", ""}, // this month, in the station's zone
		{"2023-10", "2023-10", ""},
		{"2023-01", "2023-01", ""}, // the month before it opened
		{"2023-12", "2023-12", ""}, // next month
		{"2022-12", "", guli.FRMonthOutOfRange},
		{"2024-01", "", guli.FRMonthOutOfRange},
		{"0000-13", "", guli.FRMonth},
		{"2023-1", "", guli.FRMonth},
		{"2023-W44", "", guli.FRMonth},
	}
	for _, tt := range tests {
		m, err := guli.LedgerQuery{StationID: 1, Month: tt.month}.Validate(st, now)
		if tt.reason != "" {
			if guli.AsError(err).Fields["month"] != tt.reason {
				t.Errorf("%q: %v, want %s", tt.month, err, tt.reason)
			}
			continue
		}
		if err != nil || m.String() != tt.want {
			t.Errorf("%q: %s, %v; want %s", tt.month, m, err, tt.want)
		}
	}
}

func TestAPostOfAnActivity(t *testing.T) {
	const here, there guli.ID = 1, 2
	ours := &guli.Activity{ID: 7, StationID: here}
	theirs := &guli.Activity{ID: 8, StationID: there}
	tests := []struct {
		name   string
		in     guli.PostInput
		a      *guli.Activity // what the store found of in.ActivityID
		reason string
	}{
		{"a highlight of our class", guli.PostInput{StationID: here, Kind: guli.PostHighlight, Title: "书法课", Body: "好", ActivityID: 7}, ours, ""},
		{"a highlight of no activity", guli.PostInput{StationID: here, Kind: guli.PostHighlight, Title: "书法课", Body: "好"}, nil, ""},
		{"a tip naming an activity", guli.PostInput{StationID: here, Kind: guli.PostTip, Title: "书法课", Body: "好", ActivityID: 7}, ours, guli.FRInvalid},
		{"a notice naming an activity", guli.PostInput{StationID: here, Kind: guli.PostNotice, Title: "书法课", Body: "好", ActivityID: 7}, ours, guli.FRInvalid},
		{"a negative id", guli.PostInput{StationID: here, Kind: guli.PostHighlight, Title: "书法课", Body: "好", ActivityID: -1}, nil, guli.FRInvalid},
		{"another station's class", guli.PostInput{StationID: here, Kind: guli.PostHighlight, Title: "书法课", Body: "好", ActivityID: 8}, theirs, guli.FRUnknownActivity},
		{"a class that is not", guli.PostInput{StationID: here, Kind: guli.PostHighlight, Title: "书法课", Body: "好", ActivityID: 9}, nil, guli.FRUnknownActivity},
	}
	for _, tt := range tests {
		in := tt.in
		err := in.Validate()
		if err == nil && in.ActivityID != 0 {
			err = guli.CheckPostActivity(in, tt.a)
		}
		if got := guli.AsError(err).Fields["activity_id"]; err != nil && got != tt.reason || err == nil && tt.reason != "" {
			t.Errorf("%s: %v, want activity_id %q", tt.name, err, tt.reason)
		}
	}
}
