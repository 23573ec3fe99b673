package guli_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"guli"
)

// wedToSun is 顾里小站's week: open Wednesday to Sunday.
func wedToSun(t *testing.T) guli.OpeningHours {
	t.Helper()
	oh, err := guli.ParseOpeningHours("opening_hours", map[string][]string{
		"wed": {"09:00-17:00"}, "thu": {"09:00-17:00"}, "fri": {"09:00-17:00"}, "sat": {"09:00-17:00"}, "sun": {"09:00-11:30", "13:30-17:00"}})
	if err != nil {
		t.Fatal(err)
	}
	return oh
}

func TestDaysOpen(t *testing.T) {
	hours := wedToSun(t)
	seed := guli.Opening{Hours: hours, OpenedOn: "2023-02-10"}
	tests := []struct {
		name  string
		o     guli.Opening
		r     guli.DateRange
		today guli.Date
		want  int
	}{
		// API.md's example, the article's "已服务近180天".
		{"the article's range", seed, guli.DateRange{From: "2023-02-10", To: "2023-10-15"}, "2026-01-01", 178},
		{"the same, asked from before the opening", seed, guli.DateRange{From: "2023-01-01", To: "2023-10-15"}, "2026-01-01", 178},
		{"up to today only", seed, guli.DateRange{From: "2023-02-10", To: "2023-10-15"}, "2023-02-12", 3},
		{"today is counted", seed, guli.DateRange{From: "2023-02-15", To: "2023-02-15"}, "2023-02-15", 1},
		{"a Monday", seed, guli.DateRange{From: "2023-02-13", To: "2023-02-13"}, "2026-01-01", 0},
		{"a week, Monday to Sunday", seed, guli.DateRange{From: "2023-02-13", To: "2023-02-19"}, "2026-01-01", 5},
		{"a week from a Saturday", seed, guli.DateRange{From: "2023-02-18", To: "2023-02-24"}, "2026-01-01", 5},
		{"before the opening", seed, guli.DateRange{From: "2022-01-01", To: "2023-02-09"}, "2026-01-01", 0},
		{"all in the future", seed, guli.DateRange{From: "2027-01-01", To: "2027-12-31"}, "2026-01-01", 0},
		{"to before from", seed, guli.DateRange{From: "2023-03-10", To: "2023-03-01"}, "2026-01-01", 0},
		{"closed days", guli.Opening{Hours: hours, OpenedOn: "2023-02-10",
			// A Wednesday, the same again, a Monday (closed anyway), and a day out of range.
			Closed: []guli.Date{"2023-02-15", "2023-02-15", "2023-02-13", "2023-03-01"}},
			guli.DateRange{From: "2023-02-13", To: "2023-02-19"}, "2026-01-01", 4},
		{"never open", guli.Opening{OpenedOn: "2023-02-10"}, guli.DateRange{From: "2023-02-10", To: "2023-10-15"}, "2026-01-01", 0},
		{"over a leap day", guli.Opening{Hours: hours, OpenedOn: "2020-01-01"}, guli.DateRange{From: "2024-02-28", To: "2024-03-01"}, "2026-01-01", 3},
	}
	for _, tt := range tests {
		if got := guli.DaysOpen(tt.o, tt.r, tt.today); got != tt.want {
			t.Errorf("%s: %d, want %d", tt.name, got, tt.want)
		}
	}
}

// TestDaysOpenCountsAsTheCalendarDoes checks the arithmetic against a walk
// through the calendar, a day at a time, over ranges drawn at random.
func TestDaysOpenCountsAsTheCalendarDoes(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 2023))
	day := func() guli.Date {
		return guli.DateOf(time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, rng.IntN(1500)))
	}
	for i := range 500 {
		raw := map[string][]string{}
		for _, d := range guli.Weekdays {
			if rng.IntN(2) == 0 {
				raw[d] = []string{"10:00-12:00"}
			}
		}
		hours, err := guli.ParseOpeningHours("opening_hours", raw)
		if err != nil {
			t.Fatal(err)
		}
		o := guli.Opening{Hours: hours, OpenedOn: day()}
		for range rng.IntN(20) {
			o.Closed = append(o.Closed, day())
		}
		r, today := guli.DateRange{From: day(), To: day()}, day()
		want := 0
		for d := r.From; d <= r.To; d = d.AddDays(1) {
			closed := false
			for _, c := range o.Closed {
				closed = closed || c == d
			}
			if d >= o.OpenedOn && d <= today && !closed && len(hours.On(d.Weekday())) > 0 {
				want++
			}
		}
		if got := guli.DaysOpen(o, r, today); got != want {
			t.Fatalf("case %d, %+v over %v up to %s: %d, want %d", i, o, r, today, got, want)
		}
		if got := guli.DaysAnyOpen([]guli.Opening{o}, r, today); got != want {
			t.Fatalf("case %d, one station's any-open days: %d, want %d", i, got, want)
		}
	}
}

func TestDaysAnyOpen(t *testing.T) {
	hours := wedToSun(t)
	weekend, err := guli.ParseOpeningHours("opening_hours", map[string][]string{"mon": {"09:00-12:00"}, "tue": {"09:00-12:00"}})
	if err != nil {
		t.Fatal(err)
	}
	week := guli.DateRange{From: "2023-02-13", To: "2023-02-19"} // Monday to Sunday
	tests := []struct {
		name     string
		stations []guli.Opening
		want     int
	}{
		{"none", nil, 0},
		{"one", []guli.Opening{{Hours: hours, OpenedOn: "2023-02-10"}}, 5},
		{"two of the same days count once", []guli.Opening{{Hours: hours, OpenedOn: "2023-02-10"}, {Hours: hours, OpenedOn: "2020-01-01"}}, 5},
		{"two weeks that fill the week", []guli.Opening{{Hours: hours, OpenedOn: "2023-02-10"}, {Hours: weekend, OpenedOn: "2020-01-01"}}, 7},
		{"one closed when the other is open", []guli.Opening{{Hours: hours, OpenedOn: "2023-02-10", Closed: []guli.Date{"2023-02-15"}},
			{Hours: hours, OpenedOn: "2023-02-10"}}, 5},
		{"both closed the same day", []guli.Opening{{Hours: hours, OpenedOn: "2023-02-10", Closed: []guli.Date{"2023-02-15"}},
			{Hours: hours, OpenedOn: "2023-02-10", Closed: []guli.Date{"2023-02-15"}}}, 4},
		{"one opened mid-week", []guli.Opening{{Hours: weekend, OpenedOn: "2023-02-14"}}, 1},
	}
	for _, tt := range tests {
		if got := guli.DaysAnyOpen(tt.stations, week, "2026-01-01"); got != tt.want {
			t.Errorf("%s: %d, want %d", tt.name, got, tt.want)
		}
	}
}

func TestStatsQueryValidate(t *testing.T) {
	shanghai := guli.Zone("Asia/Shanghai")
	// 2023-10-15 23:30 in Shanghai, still the 15th there.
	now := time.Date(2023, 10, 15, 15, 30, 0, 0, time.UTC)
	tests := []struct {
		name     string
		from, to string
		want     string // "from..to", or the problem "field:reason"
	}{
		{"defaults: from the opening to today", "", "", "2023-02-10..2023-10-15"},
		{"dates", "2023-02-10", "2023-10-15", "2023-02-10..2023-10-15"},
		{"one day", "2023-05-01", "2023-05-01", "2023-05-01..2023-05-01"},
		{"RFC 3339, read in the station's zone", "2023-02-09T16:30:00Z", "2023-10-15T23:59:59+08:00", "2023-02-10..2023-10-15"},
		{"spaces around", " 2023-03-01 ", "2023-03-31\t", "2023-03-01..2023-03-31"},
		{"from alone: to today", "2023-09-01", "", "2023-09-01..2023-10-15"},
		{"from after today alone: that day", "2024-01-01", "", "2024-01-01..2024-01-01"},
		{"to alone: from the opening", "", "2023-03-31", "2023-02-10..2023-03-31"},
		{"to alone before the opening: that day", "", "2022-12-31", "2022-12-31..2022-12-31"},
		{"twenty years", "2003-10-15", "2023-10-15", "2003-10-15..2023-10-15"},
		{"a day over twenty years", "2003-10-14", "2023-10-15", "to:too_long_span"},
		{"to before from", "2023-10-15", "2023-10-14", "to:before_from"},
		{"not a date", "yesterday", "", "from:invalid_date"},
		{"not a day", "2023-02-30", "", "from:invalid_date"},
		{"a bad to", "", "2023-13-01", "to:invalid_date"},
		{"both bad", "x", "y", "from:invalid_date to:invalid_date"},
		{"a time without a zone", "2023-02-10T09:00:00", "", "from:invalid_date"},
		{"year 1: a date, out of range", "0001-01-01", "0001-01-02", "from:out_of_range to:out_of_range"},
		{"year 0", "0000-01-01", "", "from:out_of_range"},
		{"year 9999", "9999-01-01", "9999-12-31", "from:out_of_range to:out_of_range"},
		{"a far time", "9999-01-01T00:00:00Z", "", "from:out_of_range"},
		{"huge", strings.Repeat("9", 100), "", "from:invalid_date"},
		{"negative", "-1", "-2023-01-01", "from:invalid_date to:invalid_date"},
	}
	for _, tt := range tests {
		r, err := guli.StatsQuery{From: tt.from, To: tt.to}.Validate("2023-02-10", shanghai, now)
		got := string(r.From) + ".." + string(r.To)
		if err != nil {
			e := guli.AsError(err)
			var parts []string
			for _, f := range []string{"from", "to"} {
				if reason, ok := e.Fields[f]; ok {
					parts = append(parts, f+":"+reason)
				}
			}
			got = strings.Join(parts, " ")
			if e.Code != guli.ECValidation || len(parts) != len(e.Fields) {
				got = fmt.Sprintf("%v", err)
			}
		}
		if got != tt.want {
			t.Errorf("%s: %s, want %s", tt.name, got, tt.want)
		}
	}
}

func TestDateRange(t *testing.T) {
	r := guli.DateRange{From: "2023-03-25", To: "2023-03-27"}
	if r.Days() != 3 || !r.Contains("2023-03-25") || !r.Contains("2023-03-27") || r.Contains("2023-03-28") {
		t.Errorf("%v: %d days", r, r.Days())
	}
	// Europe/Paris moves its clocks on 2023-03-26: that day is 23 hours.
	start, end := r.Bounds(guli.Zone("Europe/Paris"))
	if got := end.Sub(start); got != 71*time.Hour {
		t.Errorf("the three days over the change of clocks last %v", got)
	}
	if start.Format(time.RFC3339) != "2023-03-25T00:00:00+01:00" || end.Format(time.RFC3339) != "2023-03-28T00:00:00+02:00" {
		t.Errorf("bounds %v, %v", start, end)
	}
}

func TestPeriods(t *testing.T) {
	show := func(ps []guli.DateRange) string {
		var parts []string
		for _, p := range ps {
			parts = append(parts, string(p.From)+".."+string(p.To))
		}
		return strings.Join(parts, " ")
	}
	tests := []struct {
		r    guli.DateRange
		size string
		want string
	}{
		// 2023-02-10 is a Friday: the first week is cut to it.
		{guli.DateRange{From: "2023-02-10", To: "2023-02-26"}, guli.PeriodWeek, "2023-02-10..2023-02-12 2023-02-13..2023-02-19 2023-02-20..2023-02-26"},
		{guli.DateRange{From: "2023-02-13", To: "2023-02-14"}, guli.PeriodWeek, "2023-02-13..2023-02-14"},
		{guli.DateRange{From: "2023-01-31", To: "2023-03-01"}, guli.PeriodMonth, "2023-01-31..2023-01-31 2023-02-01..2023-02-28 2023-03-01..2023-03-01"},
		{guli.DateRange{From: "2023-12-15", To: "2024-02-10"}, guli.PeriodMonth, "2023-12-15..2023-12-31 2024-01-01..2024-01-31 2024-02-01..2024-02-10"},
		{guli.DateRange{From: "2022-06-01", To: "2024-01-01"}, guli.PeriodYear, "2022-06-01..2022-12-31 2023-01-01..2023-12-31 2024-01-01..2024-01-01"},
		{guli.DateRange{From: "2023-02-10", To: "2023-02-09"}, guli.PeriodWeek, ""},
	}
	for _, tt := range tests {
		if got := show(guli.Periods(tt.r, tt.size)); got != tt.want {
			t.Errorf("%v by %s: %s, want %s", tt.r, tt.size, got, tt.want)
		}
	}

	// Weeks until there would be too many, then months, then years.
	for _, tt := range []struct {
		r    guli.DateRange
		want string
		n    int
	}{
		{guli.DateRange{From: "2023-02-10", To: "2023-10-15"}, guli.PeriodWeek, 36},
		{guli.DateRange{From: "2023-02-10", To: "2024-10-15"}, guli.PeriodMonth, 21},
		{guli.DateRange{From: "2003-10-15", To: "2023-10-15"}, guli.PeriodYear, 21},
	} {
		size, ps := guli.PeriodsAtMost(tt.r, guli.PeriodWeek, 60)
		if size != tt.want || len(ps) != tt.n || ps[0].From != tt.r.From || ps[len(ps)-1].To != tt.r.To {
			t.Errorf("%v: %d periods of a %s, want %d of a %s", tt.r, len(ps), size, tt.n, tt.want)
		}
	}
	if size, _ := guli.PeriodsAtMost(guli.DateRange{From: "2023-02-10", To: "2023-03-10"}, guli.PeriodMonth, 60); size != guli.PeriodMonth {
		t.Errorf("months asked for, %s given", size)
	}
}

func TestNearly(t *testing.T) {
	tests := []struct {
		n, want int
		near    bool
	}{
		{178, 180, true},   // "已服务近180天"
		{8963, 9000, true}, // "累计服务居民近9000人次"
		{8700, 8700, false},
		{8701, 8800, true}, // 99 short of 8800: 1.1%
		{180, 180, false},
		{174, 180, false}, // 6 short: over 3%
		{99, 99, false},
		{100, 100, false},
		{0, 0, false},
		{1049, 1100, false},
		{1070, 1100, true},
	}
	for _, tt := range tests {
		got, near := guli.Nearly(tt.n)
		if near && got != tt.want || near != tt.near {
			t.Errorf("Nearly(%d) = %d, %v; want %d, %v", tt.n, got, near, tt.want, tt.near)
		}
	}
}

func TestPresetRanges(t *testing.T) {
	for _, tt := range []struct {
		today                   guli.Date
		thisMonth, last, thisYr string
	}{
		{"2023-10-15", "2023-10-01..2023-10-15", "2023-09-01..2023-09-30", "2023-01-01..2023-10-15"},
		{"2024-03-01", "2024-03-01..2024-03-01", "2024-02-01..2024-02-29", "2024-01-01..2024-03-01"},
		{"2024-01-31", "2024-01-01..2024-01-31", "2023-12-01..2023-12-31", "2024-01-01..2024-01-31"},
	} {
		show := func(r guli.DateRange) string { return string(r.From) + ".." + string(r.To) }
		if got := show(guli.ThisMonth(tt.today)); got != tt.thisMonth {
			t.Errorf("this month of %s: %s", tt.today, got)
		}
		if got := show(guli.LastMonth(tt.today)); got != tt.last {
			t.Errorf("last month of %s: %s", tt.today, got)
		}
		if got := show(guli.ThisYear(tt.today)); got != tt.thisYr {
			t.Errorf("this year of %s: %s", tt.today, got)
		}
	}
}

// TestPeriodCountsAsPeriods checks the periods counted without making
// them against those made, over ranges drawn at random.
func TestPeriodCountsAsPeriods(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 10))
	for range 300 {
		from := guli.DateOf(time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, rng.IntN(2000)))
		r := guli.DateRange{From: from, To: from.AddDays(rng.IntN(900))}
		for _, most := range []int{1, 5, 53, 1000} {
			size, ps := guli.PeriodsAtMost(r, guli.PeriodWeek, most)
			n := len(guli.Periods(r, size))
			if n != len(ps) || (size != guli.PeriodYear && n > most) {
				t.Fatalf("%v at most %d: %d periods of a %s", r, most, len(ps), size)
			}
			// Finer periods would have been too many.
			if size == guli.PeriodMonth && len(guli.Periods(r, guli.PeriodWeek)) <= most ||
				size == guli.PeriodYear && len(guli.Periods(r, guli.PeriodMonth)) <= most {
				t.Fatalf("%v at most %d: a %s, though finer ones fit", r, most, size)
			}
		}
	}
}

func TestDateOfWritesAsFormatDoes(t *testing.T) {
	for _, tm := range []time.Time{time.Date(2023, 2, 10, 23, 59, 0, 0, time.UTC), time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC), time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(-5, 3, 4, 0, 0, 0, 0, time.UTC),
		time.Date(2024, 2, 29, 12, 0, 0, 0, guli.Zone("Asia/Shanghai"))} {
		if got, want := guli.DateOf(tm), tm.Format(time.DateOnly); string(got) != want {
			t.Errorf("DateOf(%v) = %s, want %s", tm, got, want)
		}
	}
}

// TestPublicAreaCounts: an area's count under guli.MinPublicAreaCount is
// withheld, a 0 too; one withheld alone takes the smallest shown with it,
// so that the station's total less the areas shown does not tell it.
func TestPublicAreaCounts(t *testing.T) {
	const k = guli.MinPublicAreaCount
	tests := []struct {
		name   string
		counts []int
		want   []bool
	}{
		{"none", nil, []bool{}},
		{"every one large", []int{k, 40, 120}, []bool{true, true, true}},
		{"one request on a day", []int{0, 1, 0}, []bool{false, false, false}},
		{"one small among large", []int{120, 1, 40}, []bool{true, false, false}},
		{"one 0 among large", []int{120, 0, 40}, []bool{true, false, false}},
		{"two small", []int{120, 1, 2, 40}, []bool{true, false, false, true}},
		{"one area, small", []int{1}, []bool{false}},
		{"one area, large", []int{k}, []bool{true}},
		{"just under", []int{k - 1, k, k + 1}, []bool{false, false, true}},
	}
	for _, tt := range tests {
		got := guli.PublicAreaCounts(tt.counts)
		if fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}
