package web_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"guli"
	"guli/internal/dbtest"
	"guli/internal/testserver"
)

// reportPlace is a station of the reports' tests with a month of its
// life, October 2023, written at the times it happened (the services'
// clock moved to each), with what happened just before and just after
// the month, which no report of October may count.
type reportPlace struct {
	srv                *testserver.Server
	clock              *clock
	station            string
	areaA, areaB       string
	staff              string // a social worker of the station
	otherStaff         string // the demo station's, who does not work here
	admin              string
	r1, r2, r3         string // residents: r1 and r2 of area A, r3 of B
	v1, v2             string // volunteers: v1 of area A, v2 of B
	tokens             map[string]string
	activityCancelled  string
	formulaTitle       string
	shanghai           *time.Location
	helpConfirmedInNov string
}

// at moves the services' clock to a time of day in Shanghai.
func (p *reportPlace) at(t *testing.T, day, clock string) {
	t.Helper()
	when, err := time.ParseInLocation("2006-01-02 15:04", day+" "+clock, p.shanghai)
	if err != nil {
		t.Fatal(err)
	}
	p.clock.Set(time.Since(when))
}

// newReportPlace builds the station and its October by hand; the counts
// the tests expect are worked out next to each step.
func newReportPlace(t *testing.T, e dbtest.Engine) *reportPlace {
	t.Helper()
	c := &clock{}
	srv := testserver.New(t, e, c.Options())
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	p := &reportPlace{srv: srv, clock: c, shanghai: shanghai, tokens: map[string]string{},
		admin: srv.Login(t, testserver.AdminPhone, testserver.Password), otherStaff: srv.Login(t, testserver.StaffPhone, testserver.Password)}
	r := srv.Do(t, "POST", "/api/v1/stations", p.admin, map[string]any{"name": "菊泉小站", "address": "菊泉街", "opened_on": "2023-08-01",
		"opening_hours": map[string][]string{"mon": {"08:00-21:00"}, "tue": {"08:00-21:00"}, "wed": {"08:00-21:00"}, "thu": {"08:00-21:00"},
			"fri": {"08:00-21:00"}, "sat": {"08:00-21:00"}, "sun": {"08:00-21:00"}}})
	if r.Status != 201 {
		t.Fatalf("station: %d %s", r.Status, r.Body)
	}
	p.station = r.JSON(t)["id"].(string)
	p.areaA = srv.Do(t, "POST", "/api/v1/stations/"+p.station+"/areas", p.admin, map[string]any{"name": "菊泉新苑", "committee": "菊泉新苑居委会"}).JSON(t)["id"].(string)
	p.areaB = srv.Do(t, "POST", "/api/v1/stations/"+p.station+"/areas", p.admin, map[string]any{"name": "菊泉雅苑", "committee": "菊泉雅苑居委会"}).JSON(t)["id"].(string)
	person := func(name, phone, area string, roles ...string) string {
		t.Helper()
		r := srv.Do(t, "POST", "/api/v1/users", p.admin, map[string]any{"name": name, "phone": phone, "password": "password-" + phone, "area_id": area})
		if r.Status != 201 {
			t.Fatalf("%s: %d %s", name, r.Status, r.Body)
		}
		id := r.JSON(t)["id"].(string)
		if len(roles) > 0 {
			body := map[string]any{"roles": roles}
			if slices.Contains(roles, "staff") {
				body["station_ids"] = []string{p.station}
			}
			if r := srv.Do(t, "PUT", "/api/v1/users/"+id+"/roles", p.admin, body); r.Status != 200 {
				t.Fatalf("%s's roles: %d %s", name, r.Status, r.Body)
			}
		}
		p.tokens[id] = srv.Login(t, phone, "password-"+phone)
		return id
	}
	staffID := person("菊泉社工", "13800000020", p.areaA, "staff")
	p.staff = p.tokens[staffID]
	p.r1 = person("钱阿婆", "13955550001", p.areaA)
	p.r2 = person("孙阿公", "13955550002", p.areaA)
	p.r3 = person("周阿姨", "13955550003", p.areaB)
	p.v1 = person("吴志愿", "13955550011", p.areaA, "resident", "volunteer")
	p.v2 = person("郑志愿", "13955550012", p.areaB, "resident", "volunteer")

	do := func(method, path, token string, body any, want int) map[string]any {
		t.Helper()
		r := srv.Do(t, method, path, token, body)
		if r.Status != want {
			t.Fatalf("%s %s: %d %s", method, path, r.Status, r.Body)
		}
		if len(r.Body) == 0 {
			return nil
		}
		return r.JSON(t)
	}
	visit := func(n int, purpose, user string) {
		t.Helper()
		body := map[string]any{"count": n, "purpose": purpose}
		if user != "" {
			body["user_id"] = user
		}
		do("POST", "/api/v1/stations/"+p.station+"/visits", p.staff, body, 201)
	}
	activity := func(title, category, day, from, to string, capacity int) string {
		t.Helper()
		start, _ := time.ParseInLocation("2006-01-02 15:04", day+" "+from, shanghai)
		end, _ := time.ParseInLocation("2006-01-02 15:04", day+" "+to, shanghai)
		a := do("POST", "/api/v1/activities", p.staff, map[string]any{"station_id": p.station, "title": title, "category": category,
			"start": rfc(start), "end": rfc(end), "capacity": capacity}, 201)
		return a["items"].([]any)[0].(map[string]any)["id"].(string)
	}
	help := func(who, category string) string {
		t.Helper()
		return do("POST", "/api/v1/help-requests", p.tokens[who], map[string]any{"title": "帮忙", "category": category}, 201)["id"].(string)
	}
	serve := func(id, volunteer string, minutes int) {
		t.Helper()
		do("POST", "/api/v1/help-requests/"+id+"/claim", p.tokens[volunteer], nil, 200)
		do("POST", "/api/v1/help-requests/"+id+"/done", p.tokens[volunteer], map[string]any{"minutes": minutes}, 200)
	}
	confirm := func(id, who string) {
		t.Helper()
		do("POST", "/api/v1/help-requests/"+id+"/confirm", p.tokens[who], map[string]any{"rating": 5}, 200)
	}

	// September: the timetable of October is set up, and what happens
	// before the month.
	p.at(t, "2023-09-20", "10:00")
	p.formulaTitle = "=1+2剪纸课"
	a1 := activity(p.formulaTitle, "class", "2023-10-07", "14:00", "15:30", 20) // r1, r2, r3 sign up; r1 and r3 come
	a2 := activity("健康讲座", "event", "2023-10-31", "19:00", "20:00", 1)          // r2 has the place, r1 waits; r2 comes
	p.activityCancelled = activity("取消的活动", "event", "2023-10-20", "10:00", "11:00", 10)
	activity("九月的活动", "class", "2023-09-30", "10:00", "11:00", 10)
	activity("十一月的活动", "class", "2023-11-01", "09:00", "10:00", 10)
	for _, reg := range [][2]string{{a1, p.r1}, {a1, p.r2}, {a1, p.r3}, {a2, p.r2}, {a2, p.r1}, {p.activityCancelled, p.r1}} {
		do("POST", "/api/v1/activities/"+reg[0]+"/registrations", p.tokens[reg[1]], nil, 201)
	}
	do("DELETE", "/api/v1/activities/"+p.activityCancelled, p.staff, nil, 204)
	p.at(t, "2023-09-28", "09:00")
	h1 := help(p.r1, "errand") // asked in September; confirmed in October: 30 minutes by v1
	serve(h1, p.v1, 30)
	p.at(t, "2023-09-30", "12:00")
	visit(5, "activity", "")

	// October.
	p.at(t, "2023-10-01", "10:00")
	visit(3, "activity", "")
	visit(2, "health_check", "")
	p.at(t, "2023-10-02", "10:00")
	confirm(h1, p.r1)
	p.at(t, "2023-10-05", "10:00")
	h2 := help(p.r2, "repair") // 45 minutes by v2
	serve(h2, p.v2, 45)
	p.at(t, "2023-10-06", "10:00")
	confirm(h2, p.r2)
	p.at(t, "2023-10-07", "14:05")
	do("POST", "/api/v1/activities/"+a1+"/attendance", p.staff, map[string]any{"user_id": p.r1}, 201)
	do("POST", "/api/v1/activities/"+a1+"/attendance", p.staff, map[string]any{"user_id": p.r3}, 201)
	p.at(t, "2023-10-10", "10:00")
	h3 := help(p.r3, "repair") // 60 minutes by v1, confirmed on the month's last evening
	serve(h3, p.v1, 60)
	p.at(t, "2023-10-12", "10:00")
	h4 := help(p.r1, "companion") // withdrawn
	do("POST", "/api/v1/help-requests/"+h4+"/cancel", p.tokens[p.r1], nil, 200)
	p.at(t, "2023-10-15", "10:00")
	visit(4, "consultation", "")
	visit(1, "smartphone_help", p.r1)
	p.at(t, "2023-10-25", "10:00")
	p.helpConfirmedInNov = help(p.r2, "tech") // 25 minutes by v2, confirmed in November
	serve(p.helpConfirmedInNov, p.v2, 25)
	p.at(t, "2023-10-26", "10:00")
	help(p.r3, "errand") // nobody took it
	p.at(t, "2023-10-31", "19:05")
	do("POST", "/api/v1/activities/"+a2+"/attendance", p.staff, map[string]any{"user_id": p.r2}, 201)
	p.at(t, "2023-10-31", "23:00")
	confirm(h3, p.r3)
	p.at(t, "2023-10-31", "23:30")
	visit(1, "other", "")
	visit(1, "health_check", p.r3)

	// November.
	p.at(t, "2023-11-01", "00:10")
	visit(7, "other", "")
	p.at(t, "2023-11-01", "10:00")
	confirm(p.helpConfirmedInNov, p.r2)
	p.clock.Set(0)
	return p
}

// reportOf asks the API for a report as token.
func (p *reportPlace) reportOf(t *testing.T, token, query string) *testserver.Response {
	t.Helper()
	return p.srv.Do(t, "GET", "/api/v1/stations/"+p.station+"/reports/monthly?"+query, token, nil)
}

// sheets reads a workbook's sheets: their names in order, and each
// one's rows as text.
func sheets(t *testing.T, data []byte) ([]string, map[string][][]string) {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("the report is not a workbook: %v", err)
	}
	defer f.Close()
	out := map[string][][]string{}
	for _, name := range f.GetSheetList() {
		rows, err := f.GetRows(name)
		if err != nil {
			t.Fatal(err)
		}
		out[name] = rows
	}
	return f.GetSheetList(), out
}

// csvHeadings are the headings of a CSV report's parts, in Chinese.
var csvHeadings = []string{"到访人次（按事由）", "活动与出勤", "求助与服务（按类别）", "志愿服务时长（按人）"}

// section finds a part of a CSV report by its heading: the rows under
// it, its heads first, up to the next part (encoding/csv reads past the
// blank line between).
func section(t *testing.T, rows [][]string, heading string) [][]string {
	t.Helper()
	for i, r := range rows {
		if len(r) == 1 && r[0] == heading {
			var out [][]string
			for _, row := range rows[i+1:] {
				if len(row) == 1 && slices.Contains(csvHeadings, row[0]) {
					break
				}
				out = append(out, row)
			}
			return out
		}
	}
	t.Fatalf("no part %q in %v", heading, rows)
	return nil
}

// trimmed drops the empty cells a row ends with, as a workbook's rows
// are read.
func trimmed(rows [][]string) [][]string {
	out := make([][]string, len(rows))
	for i, r := range rows {
		for len(r) > 0 && r[len(r)-1] == "" {
			r = r[:len(r)-1]
		}
		out[i] = r
	}
	return out
}

func wantRows(t *testing.T, what string, got, want [][]string) {
	t.Helper()
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("%s:\n got %q\nwant %q", what, got, want)
	}
}

// TestMonthlyReportsCountTheMonthByHand: October's report of a station,
// as a workbook and as CSV, holds the counts worked out by hand from
// what happened, nothing of September or November, on both engines; so
// do its residential areas' reports. Text like a formula is written as
// text. Staff of another station, and an area of another station, get
// 404; the month is checked; each report is audited.
func TestMonthlyReportsCountTheMonthByHand(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		p := newReportPlace(t, e)
		srv := p.srv

		// The station's October, by hand.
		visits := [][]string{{"事由", "人次"}, {"参加活动", "3"}, {"测血压体温", "3"}, {"咨询", "4"}, {"学手机", "1"}, {"其他", "1"}, {"合计", "12"}}
		activities := [][]string{{"日期", "时间", "活动名称", "类别", "主讲/负责人", "报名人数", "签到人数"},
			{"2023-10-07", "14:00", "'" + p.formulaTitle, "课程", "菊泉社工", "3", "2"},
			{"2023-10-31", "19:00", "健康讲座", "活动", "菊泉社工", "1", "1"},
			{"合计（2 场）", "", "", "", "", "4", "3"}}
		help := [][]string{{"求助类别", "求助数", "完成服务数", "服务时长（分钟）", "服务时长（小时）"},
			{"跑腿买菜", "1", "1", "30", "0.5"}, {"修修补补", "2", "2", "105", "1.7"}, {"陪同", "0", "0", "0", "0.0"},
			{"手机电脑", "1", "0", "0", "0.0"}, {"照料", "0", "0", "0", "0.0"}, {"辅导", "0", "0", "0", "0.0"}, {"其他", "0", "0", "0", "0.0"},
			{"合计", "4", "3", "135", "2.2"}}
		volunteers := [][]string{{"志愿者", "服务次数", "服务时长（分钟）", "服务时长（小时）"},
			{"吴志愿", "2", "90", "1.5"}, {"郑志愿", "1", "45", "0.7"}, {"合计（2 人）", "3", "135", "2.2"}}

		r := p.reportOf(t, p.staff, "month=2023-10")
		if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet") {
			t.Fatalf("the workbook: %d %s %.300s", r.Status, r.Header.Get("Content-Type"), r.Body)
		}
		if cd := r.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, url.PathEscape("菊泉小站-2023-10")) {
			t.Errorf("Content-Disposition %q", cd)
		}
		if cc := r.Header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("Cache-Control %q", cc)
		}
		names, book := sheets(t, r.Body)
		if want := []string{"到访", "活动", "求助与服务", "志愿时长"}; !slices.Equal(names, want) {
			t.Fatalf("sheets %v, want %v", names, want)
		}
		for _, name := range names {
			rows := book[name]
			if len(rows) < 5 || rows[0][0] != "菊泉小站 2023年10月工作报表" || !strings.HasPrefix(rows[1][0], "统计期间：2023-10-01 至 2023-10-31") {
				t.Fatalf("sheet %s's title rows: %q", name, rows[:min(2, len(rows))])
			}
		}
		under := func(name string, n int) [][]string { return trimmed(book[name][4 : 4+n]) }
		wantRows(t, "visits", under("到访", len(visits)), visits)
		wantRows(t, "activities", under("活动", len(activities)), activities)
		wantRows(t, "help", under("求助与服务", len(help)), help)
		wantRows(t, "volunteers", under("志愿时长", len(volunteers)), volunteers)

		// The same as CSV, through the desk's download too.
		for _, get := range []func() *testserver.Response{
			func() *testserver.Response { return p.reportOf(t, p.staff, "month=2023-10&format=csv") },
			func() *testserver.Response {
				return asPage(t, srv, p.staff, "GET", "/desk/reports/monthly?month=2023-10&area_id=&format=csv", "")
			},
		} {
			r := get()
			if r.Status != 200 || r.Header.Get("Content-Type") != "text/csv; charset=utf-8" || !bytes.HasPrefix(r.Body, []byte("\uFEFF")) {
				t.Fatalf("the CSV file: %d %q %.200q", r.Status, r.Header.Get("Content-Type"), r.Body)
			}
			cr := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(r.Body, []byte("\uFEFF"))))
			cr.FieldsPerRecord = -1
			rows, err := cr.ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if rows[0][0] != "菊泉小站 2023年10月工作报表" {
				t.Errorf("the CSV's title %q", rows[0])
			}
			wantRows(t, "visits (CSV)", section(t, rows, "到访人次（按事由）"), visits)
			wantRows(t, "activities (CSV)", section(t, rows, "活动与出勤"), activities)
			if !bytes.Contains(r.Body, []byte("\r\n\r\n"+csvHeadings[1]+"\r\n")) {
				t.Error("the CSV's parts are not set apart by a blank line")
			}
			wantRows(t, "help (CSV)", section(t, rows, "求助与服务（按类别）")[:len(help)], help)
			wantRows(t, "volunteers (CSV)", section(t, rows, "志愿服务时长（按人）")[:len(volunteers)], volunteers)
		}

		// Area A (r1, r2; v1 lives there): r1's named visit; the class
		// they both signed up for, r1 came, and the talk r2 had the place
		// at and came to; r2's two requests of October and the services
		// r1 and r2 were given.
		r = p.reportOf(t, p.staff, "month=2023-10&area_id="+p.areaA)
		if r.Status != 200 {
			t.Fatalf("area A: %d %s", r.Status, r.Body)
		}
		_, book = sheets(t, r.Body)
		if got := book["到访"][0][0]; got != "菊泉小站 · 菊泉新苑 2023年10月工作报表" {
			t.Errorf("area A's title %q", got)
		}
		wantRows(t, "area A's visits", under("到访", 7), [][]string{{"事由", "人次"}, {"参加活动", "0"}, {"测血压体温", "0"}, {"咨询", "0"},
			{"学手机", "1"}, {"其他", "0"}, {"合计", "1"}})
		wantRows(t, "area A's activities", under("活动", 4), [][]string{{"日期", "时间", "活动名称", "类别", "主讲/负责人", "报名人数", "签到人数"},
			{"2023-10-07", "14:00", "'" + p.formulaTitle, "课程", "菊泉社工", "2", "1"},
			{"2023-10-31", "19:00", "健康讲座", "活动", "菊泉社工", "1", "1"},
			{"合计（2 场）", "", "", "", "", "3", "2"}})
		wantRows(t, "area A's help", under("求助与服务", 9), [][]string{{"求助类别", "求助数", "完成服务数", "服务时长（分钟）", "服务时长（小时）"},
			{"跑腿买菜", "0", "1", "30", "0.5"}, {"修修补补", "1", "1", "45", "0.7"}, {"陪同", "0", "0", "0", "0.0"},
			{"手机电脑", "1", "0", "0", "0.0"}, {"照料", "0", "0", "0", "0.0"}, {"辅导", "0", "0", "0", "0.0"}, {"其他", "0", "0", "0", "0.0"},
			{"合计", "2", "2", "75", "1.2"}})
		wantRows(t, "area A's volunteers", under("志愿时长", 4), [][]string{{"志愿者", "服务次数", "服务时长（分钟）", "服务时长（小时）"},
			{"郑志愿", "1", "45", "0.7"}, {"吴志愿", "1", "30", "0.5"}, {"合计（2 人）", "2", "75", "1.2"}})

		// Area B (r3): the check at the month's last evening; the class
		// r3 came to (the talk is not listed); r3's two requests and the
		// repair v1 did.
		r = p.reportOf(t, p.staff, "month=2023-10&format=csv&area_id="+p.areaB)
		cr := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(r.Body, []byte("\uFEFF"))))
		cr.FieldsPerRecord = -1
		rows, err := cr.ReadAll()
		if err != nil {
			t.Fatalf("area B: %v %s", err, r.Body)
		}
		wantRows(t, "area B's visits", section(t, rows, "到访人次（按事由）")[6:7], [][]string{{"合计", "1"}})
		wantRows(t, "area B's activities", section(t, rows, "活动与出勤")[1:], [][]string{
			{"2023-10-07", "14:00", "'" + p.formulaTitle, "课程", "菊泉社工", "1", "1"},
			{"合计（1 场）", "", "", "", "", "1", "1"},
			{"只列出本小区居民报名或签到的活动，人数只计本小区居民。"}})
		wantRows(t, "area B's help", section(t, rows, "求助与服务（按类别）")[8:9], [][]string{{"合计", "2", "1", "60", "1.0"}})
		wantRows(t, "area B's volunteers", section(t, rows, "志愿服务时长（按人）")[1:3], [][]string{{"吴志愿", "1", "60", "1.0"}, {"合计（1 人）", "1", "60", "1.0"}})

		// In English when asked so.
		r = srv.Send(t, testserver.Request{Method: "GET", Path: "/api/v1/stations/" + p.station + "/reports/monthly?month=2023-10&format=csv",
			Token: p.staff, Header: map[string]string{"Accept-Language": "en"}})
		if !strings.Contains(string(r.Body), "菊泉小站 — monthly report, October 2023") || !strings.Contains(string(r.Body), "Volunteer hours, by person") {
			t.Errorf("the English report: %.300s", r.Body)
		}

		// Who may have it, and what month.
		wantError(t, p.reportOf(t, p.otherStaff, "month=2023-10"), 404, "not_found", "")
		wantError(t, p.reportOf(t, p.staff, "month=2023-10&area_id="+srv.Station.Areas[0].ID.String()), 404, "not_found", "")
		wantError(t, p.reportOf(t, p.tokens[p.r1], "month=2023-10"), 403, "forbidden", "")
		wantError(t, p.reportOf(t, "", "month=2023-10"), 401, "unauthenticated", "")
		if r := p.reportOf(t, p.admin, "month=2023-10&format=csv"); r.Status != 200 {
			t.Errorf("the admin's report: %d", r.Status)
		}
		if r := srv.Do(t, "GET", "/api/v1/stations/99999999/reports/monthly", p.admin, nil); r.Status != 404 {
			t.Errorf("no such station: %d", r.Status)
		}
		next := time.Now().In(p.shanghai).AddDate(0, 1, -time.Now().In(p.shanghai).Day()+1)
		for _, tc := range []struct{ query, field, reason string }{
			{"month=2023-13", "month", "invalid_month"},
			{"month=2023-1", "month", "invalid_month"},
			{"month=10-2023", "month", "invalid_month"},
			{"month=%EF%BC%92023-10", "month", "invalid_month"}, // a full-width digit
			{"month=2023-06", "month", "month_out_of_range"},    // before the month before it opened
			{"month=" + next.AddDate(0, 1, 0).Format("2006-01"), "month", "month_out_of_range"},
			{"month=9999-12", "month", "month_out_of_range"},
			{"month=2023-10&format=pdf", "format", "invalid"},
			{"month=2023-10&area_id=abc", "area_id", "invalid"},
			{"month=2023-10&area_id=-1", "area_id", "invalid"},
			{"month=2023-10&area_id=99999999999999999999", "area_id", "invalid"},
		} {
			r := p.reportOf(t, p.staff, tc.query)
			wantError(t, r, 422, "validation_failed", tc.field)
			if !strings.Contains(string(r.Body), tc.field) {
				t.Errorf("%s: %s", tc.query, r.Body)
			}
		}
		for _, ok := range []string{"month=2023-07", "month=" + next.Format("2006-01"), ""} {
			if r := p.reportOf(t, p.staff, ok); r.Status != 200 {
				t.Errorf("%q: %d %s", ok, r.Status, r.Body)
			}
		}
		// The desk's form says what is wrong with the month, on the page.
		page := asPage(t, srv, p.staff, "GET", "/desk/reports/monthly?month=2023-06&format=xlsx", "")
		if page.Status != 422 || !strings.Contains(string(page.Body), "只能选本站开放前一个月到下个月之间的月份") ||
			!strings.Contains(string(page.Body), `value="2023-06"`) {
			t.Errorf("the desk's form with a month out of range: %d %.500s", page.Status, page.Body)
		}

		// Each report is in the audit log, naming how many volunteers.
		var audited int
		for _, entry := range items(t, srv.Do(t, "GET", "/api/v1/audit?limit=200", p.admin, nil)) {
			if entry["action"] == "station.report" && strings.HasPrefix(entry["detail"].(string), "2023-10 ") {
				audited++
			}
		}
		if audited != 7 { // the workbook, two CSV files, two areas', the English one, the admin's
			t.Errorf("%d reports of October in the audit log, want 7", audited)
		}
	})
}

// TestVolunteerCertificates: a volunteer's certificate counts the
// services confirmed at the station within its dates, as the volunteer
// sees it and as the station's staff do; staff of a station the
// volunteer neither belongs to nor served at get 404, residents 403;
// dates are checked; staff's looks are audited, the volunteer's own not.
func TestVolunteerCertificates(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		p := newReportPlace(t, e)
		srv := p.srv
		cookie := []string{"Cookie", "guli_station=" + p.station}
		page := func(token, path string, extra ...string) (int, string) {
			t.Helper()
			r := asPage(t, srv, token, "GET", path, "", extra...)
			return r.Status, string(r.Body)
		}
		wantCert := func(what string, status int, body string, want ...string) {
			t.Helper()
			if status != 200 {
				t.Fatalf("%s: %d %.300s", what, status, body)
			}
			for _, w := range want {
				if !strings.Contains(body, w) {
					t.Errorf("%s does not say %q", what, w)
				}
			}
		}
		october := "?from=2023-10-01&to=2023-10-31"
		status, body := page(p.staff, "/desk/volunteers/"+p.v1+"/certificate"+october)
		wantCert("v1's October, as staff see it", status, body, "兹证明 吴志愿 于 2023年10月1日 至 2023年10月31日 期间在菊泉小站参加社区志愿服务 2 次，累计服务时长 1.5 小时。",
			"2 次", "1.5 小时", "出具单位：菊泉小站", "（盖章）", `class="certificate"`)
		// The last hour of the month counts; the service confirmed on
		// the first of November does when the range takes it in.
		status, body = page(p.staff, "/desk/volunteers/"+p.v2+"/certificate"+october)
		wantCert("v2's October", status, body, "1 次", "0.7 小时")
		status, body = page(p.staff, "/desk/volunteers/"+p.v2+"/certificate?from=2023-10-01&to=2023-11-01")
		wantCert("v2's October and the first of November", status, body, "2 次", "1.1 小时")
		status, body = page(p.tokens[p.v2], "/me/certificate?from=2023-09-01&to=2023-12-31", cookie...)
		wantCert("v2's own", status, body, "郑志愿", "2 次", "1.1 小时", `action="/me/certificate"`)
		status, body = page(p.admin, "/desk/volunteers/"+p.v1+"/certificate"+october, cookie...)
		wantCert("v1's, as the admin sees it", status, body, "2 次")
		// In English.
		status, body = page(p.staff, "/desk/volunteers/"+p.v1+"/certificate"+october, "Cookie", "guli_lang=en")
		wantCert("v1's in English", status, body, "This certifies that 吴志愿 volunteered 2 times at 菊泉小站 from 1 October 2023 to 31 October 2023, for 1.5 hours in all.")

		// The demo station's staff: v1 neither lives there nor served
		// there; v2 served a resident of theirs, today.
		if status, _ := page(p.otherStaff, "/desk/volunteers/"+p.v1+"/certificate"+october); status != 404 {
			t.Errorf("another station's staff on v1's certificate: %d", status)
		}
		resident := srv.Login(t, testserver.ResidentPhone, testserver.Password)
		h := srv.Do(t, "POST", "/api/v1/help-requests", resident, map[string]any{"title": "帮忙取快递", "category": "errand"}).JSON(t)["id"].(string)
		for _, step := range []string{"claim", "done"} {
			if r := srv.Do(t, "POST", "/api/v1/help-requests/"+h+"/"+step, p.tokens[p.v2], map[string]any{"minutes": 20}); r.Status != 200 {
				t.Fatalf("%s: %d %s", step, r.Status, r.Body)
			}
		}
		if r := srv.Do(t, "POST", "/api/v1/help-requests/"+h+"/confirm", resident, map[string]any{"rating": 5}); r.Status != 200 {
			t.Fatalf("confirm: %d %s", r.Status, r.Body)
		}
		status, body = page(p.otherStaff, "/desk/volunteers/"+p.v2+"/certificate")
		wantCert("v2's at the demo station, this year", status, body, "1 次", "0.3 小时", "顾里小站")
		if status, _ := page(p.tokens[p.r1], "/desk/volunteers/"+p.v1+"/certificate"); status != 403 {
			t.Errorf("a resident on a volunteer's certificate: %d", status)
		}
		if r := srv.Do(t, "GET", "/desk/volunteers/"+p.v1+"/certificate", "", nil); r.Status != 303 {
			t.Errorf("nobody signed in: %d", r.Status)
		}
		if status, _ := page(p.staff, "/desk/volunteers/99999999/certificate"); status != 404 {
			t.Errorf("nobody's certificate: %d", status)
		}

		// Dates it cannot take say so next to the field.
		tomorrow := time.Now().In(p.shanghai).AddDate(0, 0, 1).Format("2006-01-02")
		for _, tc := range []struct{ query, says string }{
			{"?from=2023-13-01", "日期格式不对"},
			{"?from=2023-10-31&to=2023-10-01", "结束日期不能早于开始日期"},
			{"?to=" + tomorrow, "数值不在允许的范围内"},
			{"?from=1999-12-31", "数值不在允许的范围内"},
			{"?from=%EF%BC%92023-10-01", "日期格式不对"},
		} {
			r := asPage(t, srv, p.staff, "GET", "/desk/volunteers/"+p.v1+"/certificate"+tc.query, "")
			if r.Status != 422 || !strings.Contains(string(r.Body), tc.says) || strings.Contains(string(r.Body), `class="certificate"`) {
				t.Errorf("%s: %d, want 422 saying %q: %.300s", tc.query, r.Status, tc.says, r.Body)
			}
		}

		// Staff's looks are in the audit log, about the volunteer; the
		// volunteer's own look is not.
		looks := map[string]int{}
		for _, entry := range items(t, srv.Do(t, "GET", "/api/v1/audit?limit=200", p.admin, nil)) {
			if entry["action"] == "volunteer.certificate" {
				looks[entry["subject_id"].(string)]++
			}
		}
		if looks[p.v1] != 3 || looks[p.v2] != 3 { // staff's two of v1 and the admin's; staff's two of v2 and the demo station's
			t.Errorf("audited looks: %v, want 3 of v1 (%s) and 3 of v2 (%s)", looks, p.v1, p.v2)
		}

		// A resident who is no volunteer and never served has no
		// certificate to give, as if there were none; their own page
		// stays theirs. A closed account is nobody's: staff are told so,
		// not handed a certificate of 已注销居民.
		if status, body := page(p.staff, "/desk/volunteers/"+p.r1+"/certificate"); status != 404 || strings.Contains(body, `class="certificate"`) {
			t.Errorf("staff on a resident's certificate: %d", status)
		}
		if status, _ := page(p.tokens[p.r1], "/me/certificate", cookie...); status != 200 {
			t.Errorf("a resident's own certificate page: %d", status)
		}
		if r := srv.Do(t, "POST", "/api/v1/users/"+p.v1+"/close", p.staff, map[string]any{}); r.Status != 200 {
			t.Fatalf("closing v1's account: %d %s", r.Status, r.Body)
		}
		status, body = page(p.staff, "/desk/volunteers/"+p.v1+"/certificate"+october)
		if status != 409 || strings.Contains(body, `class="certificate"`) || !strings.Contains(body, "这个账户已经注销了") {
			t.Errorf("staff on a closed account's certificate: %d %.300s", status, body)
		}
		if status, _ := page(p.otherStaff, "/desk/volunteers/"+p.v1+"/certificate"+october); status != 404 {
			t.Errorf("another station's staff on a closed account's certificate: %d", status)
		}
	})
}

// TestReportsInALoopWait: every report is audited, so past
// guli.ThrottleReport.Free of them in a day a person's next waits: the
// API answers 429 rate_limited with Retry-After, and the desk's download
// comes back to its page saying how long, never a 5xx or an empty page.
func TestReportsInALoopWait(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		srv := testserver.New(t, e)
		staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
		path := "/api/v1/stations/" + srv.Station.ID.String() + "/reports/monthly?format=csv"
		for i := range guli.ThrottleReport.Free {
			if r := srv.Do(t, "GET", path, staff, nil); r.Status != 200 {
				t.Fatalf("report %d: %d %.300s", i, r.Status, r.Body)
			}
		}
		r := srv.Do(t, "GET", path, staff, nil)
		wantError(t, r, 429, "rate_limited", "")
		if r.Header.Get("Retry-After") == "" {
			t.Error("no Retry-After")
		}
		// The desk's downloads and the ledger count as reports too.
		for _, desk := range []string{"/desk/reports/monthly?format=csv", "/desk/ledger", "/desk/ledger.xlsx"} {
			page := asPage(t, srv, staff, "GET", desk, "")
			if page.Status != 429 || !strings.Contains(string(page.Body), "秒后再试") || !strings.Contains(string(page.Body), `name="month"`) {
				t.Errorf("%s, throttled: %d %.500s", desk, page.Status, page.Body)
			}
			if page.Header.Get("Retry-After") == "" {
				t.Errorf("%s, throttled: no Retry-After", desk)
			}
		}
		// The admin is a person of their own.
		admin := srv.Login(t, testserver.AdminPhone, testserver.Password)
		if r := srv.Do(t, "GET", path, admin, nil); r.Status != 200 {
			t.Errorf("the admin's report: %d", r.Status)
		}
	})
}
