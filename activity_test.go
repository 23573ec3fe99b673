package guli_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"guli"
)

func TestAdmit(t *testing.T) {
	shanghai := time.FixedZone("CST", 8*3600)
	start := time.Date(2026, 12, 2, 9, 30, 0, 0, shanghai)
	before := start.Add(-time.Hour)
	class := func(capacity, confirmed, waiting int, rule bool) *guli.Activity {
		a := &guli.Activity{Start: start, End: start.Add(time.Hour), Status: guli.ActivityScheduled, Capacity: capacity,
			ConfirmedCount: confirmed, WaitlistCount: waiting}
		if rule {
			a.AgeRule = &guli.AgeRule{EmergencyContactFromAge: guli.CouncilEmergencyContactAge}
		}
		return a
	}
	young := &guli.User{ID: 1, BirthYear: 1990}
	old := &guli.User{ID: 2, BirthYear: 1950}
	oldWithContact := &guli.User{ID: 3, BirthYear: 1950, EmergencyContact: &guli.EmergencyContact{Name: "李芳", Phone: "13900000008"}}
	unknownAge := &guli.User{ID: 4}
	cancelled := class(10, 0, 0, false)
	cancelled.Status = guli.ActivityCancelled
	tests := []struct {
		name     string
		a        *guli.Activity
		person   *guli.User
		now      time.Time
		status   string
		position int
		err      string
	}{
		{"room left", class(10, 9, 0, false), young, before, guli.RegConfirmed, 0, ""},
		{"unlimited", class(0, 500, 0, false), young, before, guli.RegConfirmed, 0, ""},
		{"full: the waitlist's end", class(10, 10, 3, false), young, before, guli.RegWaitlisted, 4, ""},
		{"started", class(10, 0, 0, false), young, start, "", 0, guli.ECActivityStarted},
		{"cancelled", cancelled, young, before, "", 0, guli.ECActivityCancelled},
		{"76 without a contact", class(10, 0, 0, true), old, before, "", 0, guli.ECEmergencyContactRequired},
		{"76 with a contact", class(10, 0, 0, true), oldWithContact, before, guli.RegConfirmed, 0, ""},
		{"36 without a contact", class(10, 0, 0, true), young, before, guli.RegConfirmed, 0, ""},
		{"age not given", class(10, 0, 0, true), unknownAge, before, guli.RegConfirmed, 0, ""},
		{"turns 70 this year", class(10, 0, 0, true), &guli.User{BirthYear: 2026 - 70}, before, "", 0, guli.ECEmergencyContactRequired},
		{"6 at a class for 6-12", ages(class(10, 0, 0, false), 6, 12), &guli.User{BirthYear: 2020}, before, guli.RegConfirmed, 0, ""},
		{"12 at a class for 6-12", ages(class(10, 0, 0, false), 6, 12), &guli.User{BirthYear: 2014}, before, guli.RegConfirmed, 0, ""},
		{"5 at a class for 6-12", ages(class(10, 0, 0, false), 6, 12), &guli.User{BirthYear: 2021}, before, "", 0, guli.ECAgeOutOfRange},
		{"13 at a class for 6-12", ages(class(10, 0, 0, false), 6, 12), &guli.User{BirthYear: 2013}, before, "", 0, guli.ECAgeOutOfRange},
		{"age not given, bounded", ages(class(10, 0, 0, false), 6, 12), unknownAge, before, "", 0, guli.ECAgeOutOfRange},
		{"60 and over", ages(class(10, 0, 0, false), 60, 0), old, before, guli.RegConfirmed, 0, ""},
		{"up to 12, a full class waitlists", ages(class(1, 1, 0, false), 0, 12), &guli.User{BirthYear: 2018}, before, guli.RegWaitlisted, 1, ""},
		{"out of range before full", ages(class(1, 1, 0, false), 0, 12), young, before, "", 0, guli.ECAgeOutOfRange},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, position, err := tt.a.Admit(tt.person, tt.now)
			if status != tt.status || position != tt.position || codeOf(err) != tt.err {
				t.Fatalf("Admit = %q %d %v, want %q %d %q", status, position, err, tt.status, tt.position, tt.err)
			}
		})
	}
}

// ages bounds an activity's ages.
func ages(a *guli.Activity, min, max int) *guli.Activity {
	a.MinAge, a.MaxAge = min, max
	return a
}

func TestForChildren(t *testing.T) {
	tests := []struct {
		min, max int
		want     bool
	}{{0, 0, false}, {6, 12, true}, {0, 17, true}, {0, 18, false}, {60, 0, false}}
	for _, tt := range tests {
		if got := (&guli.Activity{MinAge: tt.min, MaxAge: tt.max}).ForChildren(); got != tt.want {
			t.Errorf("%d-%d: ForChildren = %v, want %v", tt.min, tt.max, got, tt.want)
		}
	}
}

func TestCheckCancellable(t *testing.T) {
	start := time.Date(2026, 12, 2, 9, 30, 0, 0, time.UTC)
	a := &guli.Activity{Start: start, Status: guli.ActivityScheduled}
	if err := a.CheckCancellable(start.Add(-time.Minute)); err != nil {
		t.Errorf("before the start: %v", err)
	}
	if codeOf(a.CheckCancellable(start)) != guli.ECActivityStarted {
		t.Error("a place given up once the class started")
	}
	a.Status = guli.ActivityCancelled
	if err := a.CheckCancellable(start.Add(time.Hour)); err != nil {
		t.Errorf("a place at a cancelled class: %v", err)
	}
}

func TestTellsOfCancellation(t *testing.T) {
	start := time.Date(2026, 12, 2, 9, 30, 0, 0, time.UTC)
	a := &guli.Activity{Start: start, End: start.Add(time.Hour)}
	for _, tc := range []struct {
		at   time.Time
		want bool
	}{
		{start.Add(-24 * time.Hour), true},
		{start.Add(10 * time.Minute), true}, // rain on the day: those on their way learn of it
		{start.Add(time.Hour), false},
		{start.Add(48 * time.Hour), false},
	} {
		if got := a.TellsOfCancellation(tc.at); got != tc.want {
			t.Errorf("at %s: %t, want %t", tc.at.Format(time.DateTime), got, tc.want)
		}
	}
}

func TestMayRun(t *testing.T) {
	a := &guli.Activity{StationID: 1, HostID: 5}
	for _, tt := range []struct {
		name string
		u    *guli.User
		want bool
	}{
		{"staff of its station", &guli.User{ID: 1, Roles: []guli.Role{guli.RoleStaff}, StaffStations: []guli.ID{1}}, true},
		{"staff of another", &guli.User{ID: 2, Roles: []guli.Role{guli.RoleStaff}, StaffStations: []guli.ID{2}}, false},
		{"its host", &guli.User{ID: 5, Roles: []guli.Role{guli.RoleTalent}}, true},
		{"another talent", &guli.User{ID: 6, Roles: []guli.Role{guli.RoleTalent}}, false},
		{"an admin", &guli.User{ID: 7, Roles: []guli.Role{guli.RoleAdmin}}, true},
		{"nobody", nil, false},
	} {
		if got := guli.MayRun(tt.u, a); got != tt.want {
			t.Errorf("%s: %v", tt.name, got)
		}
	}
}

func TestActivityFilterValidate(t *testing.T) {
	for _, tt := range []struct {
		f     guli.ActivityFilter
		field string
	}{
		{guli.ActivityFilter{Category: "class", Query: "书法"}, ""},
		{guli.ActivityFilter{Category: "party"}, "category"},
		{guli.ActivityFilter{Query: string(make([]rune, guli.MaxQueryRunes+1))}, "q"},
	} {
		err := tt.f.Validate()
		if tt.field == "" && err != nil || tt.field != "" && guli.AsError(err).Fields[tt.field] == "" {
			t.Errorf("%+v: %v", tt.f, err)
		}
	}
}

func TestNormalRanges(t *testing.T) {
	if !guli.NormalSystolic.Contains(120) || guli.NormalSystolic.Contains(160) || !guli.NormalTemperature.Contains(36.6) || guli.NormalTemperature.Contains(38.2) {
		t.Fatal("the normal ranges")
	}
}

// fieldsOf names each field at fault in err with its reason: "end:end_not_after_start".
func fieldsOf(err error) string {
	if err == nil {
		return ""
	}
	e := guli.AsError(err)
	var out []string
	for f, r := range e.Fields {
		out = append(out, f+":"+r)
	}
	slices.Sort(out)
	return strings.Join(out, " ")
}

func TestActivityInputValidate(t *testing.T) {
	start := time.Date(2026, 12, 2, 9, 30, 0, 0, time.UTC)
	valid := func() guli.ActivityInput {
		return guli.ActivityInput{StationID: 1, Title: " 太极拳 ", Category: "class", Start: start, End: start.Add(time.Hour)}
	}
	tests := []struct {
		name   string
		change func(in *guli.ActivityInput)
		want   string
		weeks  int
	}{
		{"valid", func(*guli.ActivityInput) {}, "", 1},
		{"a weekly series", func(in *guli.ActivityInput) { in.Repeat = &guli.Repeat{WeeklyCount: 52} }, "", 52},
		{"no times", func(in *guli.ActivityInput) { in.Start, in.End = time.Time{}, time.Time{} }, "end:required start:required", 0},
		{"the end first", func(in *guli.ActivityInput) { in.End = start.Add(-time.Minute) }, "end:end_not_after_start", 0},
		{"over a week", func(in *guli.ActivityInput) { in.End = start.AddDate(0, 0, 8) }, "end:too_long_span", 0},
		{"a year no station plans", func(in *guli.ActivityInput) {
			in.Start, in.End = in.Start.AddDate(1000, 0, 0), in.End.AddDate(1000, 0, 0)
		}, "end:invalid_time start:invalid_time", 0},
		{"an unknown category, no title", func(in *guli.ActivityInput) { in.Category, in.Title = "party", "  " }, "category:invalid title:required", 0},
		{"a series of none", func(in *guli.ActivityInput) { in.Repeat = &guli.Repeat{} }, "repeat:out_of_range", 0},
		{"a series past a year", func(in *guli.ActivityInput) { in.Repeat = &guli.Repeat{WeeklyCount: 53} }, "repeat:out_of_range", 0},
		{"ages 6-12", func(in *guli.ActivityInput) { in.MinAge, in.MaxAge = 6, 12 }, "", 1},
		{"ages from 60", func(in *guli.ActivityInput) { in.MinAge = 60 }, "", 1},
		{"ages reversed", func(in *guli.ActivityInput) { in.MinAge, in.MaxAge = 12, 6 }, "max_age:out_of_range", 0},
		{"negative ages", func(in *guli.ActivityInput) { in.MinAge, in.MaxAge = -1, -1 }, "max_age:out_of_range min_age:out_of_range", 0},
		{"ages no one lives", func(in *guli.ActivityInput) { in.MinAge, in.MaxAge = 151, 1<<40 }, "max_age:out_of_range min_age:out_of_range", 0},
	}
	for _, tt := range tests {
		in := valid()
		tt.change(&in)
		weeks, err := in.Validate()
		if got := fieldsOf(err); got != tt.want || (err == nil && weeks != tt.weeks) {
			t.Errorf("%s: %q (%d weeks), want %q (%d)", tt.name, got, weeks, tt.want, tt.weeks)
		}
	}
}

func TestBookingAndClosureInputValidate(t *testing.T) {
	start := time.Date(2026, 12, 2, 9, 30, 0, 0, time.UTC)
	bookings := []struct {
		name string
		in   guli.BookingInput
		want string
	}{
		{"valid", guli.BookingInput{Start: start, End: start.Add(time.Hour), Purpose: "排练"}, ""},
		{"empty", guli.BookingInput{Purpose: " "}, "end:required purpose:required start:required"},
		{"backwards", guli.BookingInput{Start: start, End: start, Purpose: "排练"}, "end:end_not_after_start"},
	}
	for _, tt := range bookings {
		if got := fieldsOf(tt.in.Validate()); got != tt.want {
			t.Errorf("booking %s: %q, want %q", tt.name, got, tt.want)
		}
	}
	closures := []struct {
		name string
		in   guli.ClosureInput
		want string
	}{
		{"valid", guli.ClosureInput{Date: "2026-12-02", Reason: "检修"}, ""},
		{"no date", guli.ClosureInput{}, "date:invalid_date"},
		{"not a day", guli.ClosureInput{Date: "2026-02-30"}, "date:invalid_date"},
		{"a long reason", guli.ClosureInput{Date: "2026-12-02", Reason: strings.Repeat("修", 201)}, "reason:too_long"},
	}
	for _, tt := range closures {
		if got := fieldsOf(tt.in.Validate()); got != tt.want {
			t.Errorf("closure %s: %q, want %q", tt.name, got, tt.want)
		}
	}
}
