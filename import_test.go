package guli_test

import (
	"fmt"
	"testing"
	"time"

	"guli"
)

func TestRosterHeadersAreMatchedByName(t *testing.T) {
	tests := []struct {
		header []string
		want   string
		ok     bool
	}{
		{[]string{"姓名", "手机号"}, "map[name:0 phone:1]", true},
		{[]string{"序号", "*手机号码（必填）", " 姓 名 ", "出生日期", "所属居委会"}, "map[area:4 birth:3 name:2 phone:1]", true},
		{[]string{"Name", "Mobile", "Birth Year", "Neighbourhood", "Emergency Contact", "Emergency Phone", "Notes"},
			"map[area:3 birth:2 emergency_name:4 emergency_phone:5 name:0 note:6 phone:1]", true},
		{[]string{"姓名", "姓名", "电话"}, "map[name:0 phone:2]", true},
		{[]string{"姓名", "地址"}, "map[name:0]", false},
		{[]string{"", ""}, "map[]", false},
	}
	for _, tt := range tests {
		layout, _, ok := guli.MatchRosterLayout(tt.header)
		if fmt.Sprint(layout) != tt.want || ok != tt.ok {
			t.Errorf("%q: %v %v, want %s %v", tt.header, layout, ok, tt.want, tt.ok)
		}
	}
}

func TestBirthYearsAsCommitteesWriteThem(t *testing.T) {
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		in     string
		year   int
		reason string
	}{
		{"1948", 1948, ""}, {"1948年", 1948, ""}, {"1948-03-02", 1948, ""}, {"1948/3/2", 1948, ""},
		{"1948.3", 1948, ""}, {"1948年3月2日", 1948, ""}, {"19480302", 1948, ""}, {"１９４８", 1948, ""},
		{"2026", 2026, ""}, {"2027", 0, guli.FROutOfRange}, {"1899", 0, guli.FROutOfRange},
		{"1948-13-01", 0, guli.FRDate}, {"1948-02-32", 0, guli.FRDate}, {"四八年", 0, guli.FRDate}, {"48", 0, guli.FRDate},
		{"99999999999999999999", 0, guli.FRDate}, {"-1948", 0, guli.FRDate},
	}
	for _, tt := range tests {
		if year, reason := guli.ParseBirthYear(tt.in, now); year != tt.year || reason != tt.reason {
			t.Errorf("%q: %d %q, want %d %q", tt.in, year, reason, tt.year, tt.reason)
		}
	}
}

func TestRosterRowsAreChecked(t *testing.T) {
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	areas := []*guli.Area{{ID: 1, Name: "馨佳园", Committee: "馨佳园居委会"}, {ID: 2, Name: "菊泉新城一村", Committee: "菊泉一村居民委员会"}}
	row := func(n int, cells ...string) guli.RosterRow {
		r := guli.RosterRow{Row: n, Cells: map[guli.RosterColumn]string{}}
		for i, c := range []guli.RosterColumn{guli.ColName, guli.ColPhone, guli.ColArea, guli.ColEmergencyName, guli.ColEmergencyPhone} {
			if i < len(cells) {
				r.Cells[c] = cells[i]
			}
		}
		return r
	}
	rows := []guli.RosterRow{
		row(2, "钱秀英", "+86 139-0000-0001", "馨佳园居委会", "钱伟", "13900000091"),
		row(3, "孙桂兰", "8613900000002", "菊泉一村居民委员会"),
		row(4, "周玉兰", "1.3900000003E10", "菊泉新城一村"),
		row(5, "吴建国", "13900000001", "馨佳园"),
		row(6, "", "1390000", "火星"),
		row(7, "=HYPERLINK(\"x\")", "13900000007", ""),
		row(8, "13900000008", "13900000008", "馨佳园", "", "13900000098"),
		row(9, "已注销 居民", "13900000009", "馨佳园"),
	}
	var report guli.ImportReport
	got := guli.CheckRoster(rows, areas, now, &report)
	var made []string
	for _, r := range got {
		made = append(made, fmt.Sprintf("%d %s %s %d %v", r.Row, r.Name, r.Phone, r.AreaID, r.EmergencyContact))
	}
	if want := "[2 钱秀英 13900000001 1 &{钱伟 13900000091} 3 孙桂兰 13900000002 2 <nil> 4 周玉兰 13900000003 2 <nil>]"; fmt.Sprint(made) != want {
		t.Errorf("made %v, want %s", made, want)
	}
	var problems []string
	for _, p := range report.Problems {
		problems = append(problems, fmt.Sprintf("%d %s %s %d", p.Row, p.Column, p.Reason, p.Other))
	}
	want := "[5 phone phone_repeated 2 6 name required 0 6 phone invalid_phone 0 6 area unknown_area 0 7 name not_a_name 0 7 area required 0 8 name not_a_name 0 8 emergency_name contact_incomplete 0 9 name closed_name 0]"
	if fmt.Sprint(problems) != want || report.Rows != 8 || report.ProblemCount != 9 {
		t.Errorf("%d rows, %d problems %v, want 8, 9 %s", report.Rows, report.ProblemCount, problems, want)
	}
}

func TestAReportListsTheFirstProblemsAndCountsAll(t *testing.T) {
	var r guli.ImportReport
	for i := range guli.MaxReportProblems + 5 {
		r.AddProblem(guli.RosterProblem{Row: i})
	}
	if len(r.Problems) != guli.MaxReportProblems || r.ProblemCount != guli.MaxReportProblems+5 {
		t.Errorf("%d listed of %d", len(r.Problems), r.ProblemCount)
	}
}

func TestSpreadsheetCellsNeverStartAFormula(t *testing.T) {
	for in, want := range map[string]string{"=cmd|' /C calc'!A0": "'=cmd|' /C calc'!A0", "+1": "'+1", "-1": "'-1", "@SUM(A1)": "'@SUM(A1)",
		"\t=1": "'\t=1", "钱秀英": "钱秀英", "": "", "1+1": "1+1"} {
		if got := guli.SpreadsheetCell(in); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}
