package guli_test

import (
	"testing"
	"time"

	"guli"
)

func TestParseMonth(t *testing.T) {
	tests := []struct {
		in   string
		want string // "" when refused
	}{
		{"2023-10", "2023-10"},
		{"2023-01", "2023-01"},
		{"0001-12", "0001-12"},
		{"9999-12", "9999-12"},
		{"2023-13", ""},
		{"2023-00", ""},
		{"0000-05", ""},
		{"2023-1", ""},
		{"23-10", ""},
		{"2023/10", ""},
		{"2023-10-01", ""},
		{" 2023-10", ""},
		{"２023-10", ""}, // a full-width digit
		{"+023-10", ""},
		{"", ""},
	}
	for _, tt := range tests {
		m, ok := guli.ParseMonth(tt.in)
		if got := map[bool]string{true: m.String(), false: ""}[ok]; got != tt.want {
			t.Errorf("ParseMonth(%q) = %q, %v; want %q", tt.in, m, ok, tt.want)
		}
	}
}

func TestMonthArithmetic(t *testing.T) {
	m, _ := guli.ParseMonth("2023-12")
	if got := m.AddMonths(1).String(); got != "2024-01" {
		t.Errorf("December plus one: %s", got)
	}
	if got := m.AddMonths(-12).String(); got != "2022-12" {
		t.Errorf("December less twelve: %s", got)
	}
	feb, _ := guli.ParseMonth("2024-02")
	if feb.FirstDay() != "2024-02-01" || feb.LastDay() != "2024-02-29" {
		t.Errorf("February 2024: %s to %s", feb.FirstDay(), feb.LastDay())
	}
	shanghai := guli.Zone("Asia/Shanghai")
	start, end := feb.Bounds(shanghai)
	if start.Format(time.RFC3339) != "2024-02-01T00:00:00+08:00" || end.Format(time.RFC3339) != "2024-03-01T00:00:00+08:00" {
		t.Errorf("February's bounds in Shanghai: %s to %s", start, end)
	}
	if !feb.Before(feb.AddMonths(1)) || feb.Before(feb) || feb.AddMonths(1).Before(feb) {
		t.Error("Before is wrong")
	}
	if got := guli.MonthOfDate("2023-02-10").String(); got != "2023-02" {
		t.Errorf("the month of 2023-02-10: %s", got)
	}
}

func TestReportQueryValidate(t *testing.T) {
	st := &guli.Station{ID: 3, Timezone: "Asia/Shanghai", OpenedOn: "2023-02-10",
		Areas: []*guli.Area{{ID: 11, Name: "馨佳园", StationID: 3}, {ID: 12, Name: "馨清佳苑", StationID: 3}}}
	// 00:30 on 1 November in Shanghai is still 31 October in UTC: the
	// station's months are its own zone's.
	now := time.Date(2023, 10, 31, 16, 30, 0, 0, time.UTC)
	tests := []struct {
		name   string
		q      guli.ReportQuery
		month  string
		area   guli.ID
		format string
		code   string
		field  string
		reason string
	}{
		{name: "defaults: last month, the whole station, a workbook", month: "2023-10", format: "xlsx"},
		{name: "a month and CSV", q: guli.ReportQuery{Month: "2023-06", Format: "csv"}, month: "2023-06", format: "csv"},
		{name: "an area", q: guli.ReportQuery{Month: "2023-06", AreaID: "12"}, month: "2023-06", area: 12, format: "xlsx"},
		{name: "the month before it opened", q: guli.ReportQuery{Month: "2023-01"}, month: "2023-01", format: "xlsx"},
		{name: "next month", q: guli.ReportQuery{Month: "2023-12"}, month: "2023-12", format: "xlsx"},
		{name: "two months before it opened", q: guli.ReportQuery{Month: "2022-12"}, code: guli.ECValidation, field: "month", reason: guli.FRMonthOutOfRange},
		{name: "the month after next", q: guli.ReportQuery{Month: "2024-01"}, code: guli.ECValidation, field: "month", reason: guli.FRMonthOutOfRange},
		{name: "not a month", q: guli.ReportQuery{Month: "2023-13"}, code: guli.ECValidation, field: "month", reason: guli.FRMonth},
		{name: "a date", q: guli.ReportQuery{Month: "2023-10-01"}, code: guli.ECValidation, field: "month", reason: guli.FRMonth},
		{name: "a format it does not make", q: guli.ReportQuery{Format: "pdf"}, code: guli.ECValidation, field: "format", reason: guli.FRInvalid},
		{name: "an area that is not a number", q: guli.ReportQuery{AreaID: "馨佳园"}, code: guli.ECValidation, field: "area_id", reason: guli.FRInvalid},
		{name: "a negative area", q: guli.ReportQuery{AreaID: "-11"}, code: guli.ECValidation, field: "area_id", reason: guli.FRInvalid},
		{name: "another station's area", q: guli.ReportQuery{AreaID: "99"}, code: guli.ECNotFound},
		{name: "another station's area and a bad month", q: guli.ReportQuery{AreaID: "99", Month: "x"}, code: guli.ECValidation, field: "month", reason: guli.FRMonth},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := tt.q.Validate(st, now)
			if tt.code != "" {
				if guli.ErrorCode(err) != tt.code {
					t.Fatalf("err %v, want %s", err, tt.code)
				}
				if tt.field != "" && guli.AsError(err).Fields[tt.field] != tt.reason {
					t.Fatalf("fields %v, want %s: %s", guli.AsError(err).Fields, tt.field, tt.reason)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var area guli.ID
			if req.Area != nil {
				area = req.Area.ID
			}
			if req.Month.String() != tt.month || area != tt.area || req.Format != tt.format {
				t.Errorf("got %s, area %d, %s; want %s, area %d, %s", req.Month, area, req.Format, tt.month, tt.area, tt.format)
			}
		})
	}
	earliest, latest := guli.ReportMonths(st, now)
	if earliest.String() != "2023-01" || latest.String() != "2023-12" {
		t.Errorf("the months offered: %s to %s", earliest, latest)
	}
	// A station yet to open reports its first month by default.
	later := &guli.Station{Timezone: "Asia/Shanghai", OpenedOn: "2024-03-01"}
	if got := guli.DefaultReportMonth(later, now).String(); got != "2024-02" {
		t.Errorf("the default month of a station opening in March: %s", got)
	}
}

func TestCertificateQueryValidate(t *testing.T) {
	shanghai := guli.Zone("Asia/Shanghai")
	now := time.Date(2023, 10, 15, 20, 0, 0, 0, time.UTC) // 16 October in Shanghai
	tests := []struct {
		name       string
		from, to   string
		want       string // "from to"
		field      string
		reason     string
		start, end string
	}{
		{name: "this year to today", want: "2023-01-01 2023-10-16", start: "2023-01-01T00:00:00+08:00", end: "2023-10-17T00:00:00+08:00"},
		{name: "a month", from: "2023-09-01", to: "2023-09-30", want: "2023-09-01 2023-09-30"},
		{name: "one day", from: "2023-09-01", to: "2023-09-01", want: "2023-09-01 2023-09-01", end: "2023-09-02T00:00:00+08:00"},
		{name: "from only", from: "2022-05-01", want: "2022-05-01 2023-10-16"},
		{name: "from after to", from: "2023-09-02", to: "2023-09-01", field: "to", reason: guli.FRBeforeFrom},
		{name: "to after today", to: "2023-10-17", field: "to", reason: guli.FROutOfRange},
		{name: "before 2000", from: "1999-12-31", field: "from", reason: guli.FROutOfRange},
		{name: "not a date", from: "2023-02-30", field: "from", reason: guli.FRDate},
		{name: "a time", to: "2023-10-01T10:00:00+08:00", field: "to", reason: guli.FRDate},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			span, err := guli.CertificateQuery{From: tt.from, To: tt.to}.Validate(shanghai, now)
			if tt.field != "" {
				if got := guli.AsError(err).Fields[tt.field]; guli.ErrorCode(err) != guli.ECValidation || got != tt.reason {
					t.Fatalf("err %v, want %s: %s", err, tt.field, tt.reason)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := string(span.From) + " " + string(span.To); got != tt.want {
				t.Errorf("range %s, want %s", got, tt.want)
			}
			start, end := span.Bounds(shanghai)
			if tt.start != "" && start.Format(time.RFC3339) != tt.start {
				t.Errorf("start %s, want %s", start.Format(time.RFC3339), tt.start)
			}
			if tt.end != "" && end.Format(time.RFC3339) != tt.end {
				t.Errorf("end %s, want %s", end.Format(time.RFC3339), tt.end)
			}
		})
	}
}

func TestMayIssueCertificate(t *testing.T) {
	const here, there guli.ID = 1, 2
	volunteer := &guli.User{ID: 10, Roles: []guli.Role{guli.RoleResident, guli.RoleVolunteer}, Stations: []guli.ID{here}}
	staffHere := &guli.User{ID: 20, Roles: []guli.Role{guli.RoleStaff}, StaffStations: []guli.ID{here}}
	staffThere := &guli.User{ID: 21, Roles: []guli.Role{guli.RoleStaff}, StaffStations: []guli.ID{there}}
	admin := &guli.User{ID: 22, Roles: []guli.Role{guli.RoleAdmin}}
	neighbour := &guli.User{ID: 30, Roles: []guli.Role{guli.RoleResident}, Stations: []guli.ID{here}}
	// A closed account keeps its row, named 已注销居民, a resident.
	closed := &guli.User{ID: 31, Roles: []guli.Role{guli.RoleResident}, Stations: []guli.ID{here}}
	tests := []struct {
		name      string
		actor     *guli.User
		station   guli.ID
		served    bool
		volunteer *guli.User
		want      string
		closed    bool
	}{
		{"the volunteer", volunteer, here, false, volunteer, "", false},
		{"the volunteer, of a station they never served", volunteer, there, false, volunteer, "", false},
		{"staff of their station", staffHere, here, false, volunteer, "", false},
		{"the admin", admin, here, false, volunteer, "", false},
		{"the admin, of a station the volunteer has no tie to", admin, there, false, volunteer, guli.ECNotFound, false},
		{"staff of a station they served at", staffThere, there, true, volunteer, "", false},
		{"staff of a station they neither belong to nor served", staffThere, there, false, volunteer, guli.ECNotFound, false},
		{"staff, on another station's certificate", staffThere, here, false, volunteer, guli.ECNotFound, false},
		{"a neighbour", neighbour, here, true, volunteer, guli.ECForbidden, false},
		{"nobody signed in", nil, here, true, volunteer, guli.ECUnauthenticated, false},
		{"nobody's", staffHere, here, false, nil, guli.ECNotFound, false},
		{"staff, of a resident who is no volunteer and never served", staffHere, here, false, neighbour, guli.ECNotFound, false},
		{"the admin, of a resident who is no volunteer and never served", admin, here, false, neighbour, guli.ECNotFound, false},
		{"staff, of a former volunteer who served there", staffHere, here, true, neighbour, "", false},
		{"the resident's own", neighbour, here, false, neighbour, "", false},
		{"staff, of a closed account that served there", staffHere, here, true, closed, guli.ECAccountClosed, true},
		{"staff, of a closed account that never served", staffHere, here, false, closed, guli.ECNotFound, true},
		{"another station's staff, of a closed account", staffThere, here, true, closed, guli.ECNotFound, true},
	}
	for _, tt := range tests {
		err := guli.MayIssueCertificate(tt.actor, tt.volunteer, tt.station, tt.served, tt.closed)
		if got := map[bool]string{true: "", false: guli.ErrorCode(err)}[err == nil]; got != tt.want {
			t.Errorf("%s: %v, want %q", tt.name, err, tt.want)
		}
	}
}

func TestHoursNeverSayMoreThanWasServed(t *testing.T) {
	for minutes, want := range map[int]float64{0: 0, 5: 0, 6: 0.1, 45: 0.7, 59: 0.9, 60: 1, 90: 1.5, 135: 2.2, 24 * 60: 24} {
		if got := guli.Hours(minutes); got != want {
			t.Errorf("Hours(%d) = %v, want %v", minutes, got, want)
		}
	}
}

func TestReportTotalsAddUpTheSections(t *testing.T) {
	rep := &guli.MonthlyReport{
		Visits:     []guli.PurposeCount{{"activity", 3}, {"other", 4}},
		Activities: []guli.ReportActivity{{Registered: 3, Attended: 2}, {Registered: 1, Attended: 1}},
		Help:       []guli.HelpCategoryCount{{"errand", 1, 1, 30}, {"repair", 2, 2, 105}},
		Volunteers: []guli.VolunteerHours{{1, "吴", 2, 90}, {2, "郑", 1, 45}},
	}
	want := guli.ReportTotals{Visits: 7, Registered: 4, Attended: 3, Requested: 3, Completed: 3, Minutes: 135, Services: 3, VolunteerMinutes: 135}
	if got := rep.Totals(); got != want {
		t.Errorf("totals %+v, want %+v", got, want)
	}
}
