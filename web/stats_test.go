package web_test

import (
	"bytes"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"guli/internal/dbtest"
	"guli/internal/testserver"
)

// statsOf reads the figures of path as anonymous.
func statsOf(t *testing.T, srv *testserver.Server, path string) map[string]any {
	t.Helper()
	r := srv.Do(t, "GET", path, "", nil)
	if r.Status != 200 {
		t.Fatalf("GET %s: %d %s", path, r.Status, r.Body)
	}
	return r.JSON(t)
}

// figure is one figure of an answer, as a number.
func figure(t *testing.T, m map[string]any, name string) int {
	t.Helper()
	v, ok := m[name].(float64)
	if !ok {
		t.Fatalf("%s is %v in %v", name, m[name], m)
	}
	return int(v)
}

// TestStatsOverTheAPI: the figures as GET /api/v1/stats answers them, on
// the demo station (open Wednesday to Sunday since 2023-02-10, its people
// registered today): API.md's example, the defaults, the district, visits
// counted at once although anonymous answers are kept, and every refusal.
func TestStatsOverTheAPI(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		srv := testserver.New(t, e)
		st := srv.Station.ID.String()
		staff := srv.Login(t, testserver.StaffPhone, testserver.Password)

		// "已服务近180天": 178 days; nothing else of 2023 is in the demo.
		got := statsOf(t, srv, "/api/v1/stats?station_id="+st+"&from=2023-02-10&to=2023-10-15")
		want := map[string]any{"station_id": st, "from": "2023-02-10", "to": "2023-10-15", "visits": 0.0, "days_open": 178.0, "residents": 0.0,
			"volunteers": 0.0, "activities_held": 0.0, "attendances": 0.0, "help_requests": 0.0, "help_requesters": 0.0, "services_completed": 0.0,
			"volunteer_minutes": 0.0}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("the article's range:\n got %v\nwant %v", got, want)
		}
		// The same range as RFC 3339 times, read in Shanghai.
		if got := statsOf(t, srv, "/api/v1/stats?station_id="+st+"&from="+url.QueryEscape("2023-02-09T16:00:00Z")+"&to="+url.QueryEscape("2023-10-15T23:59:00+08:00")); got["from"] != "2023-02-10" || got["to"] != "2023-10-15" || figure(t, got, "days_open") != 178 {
			t.Errorf("as RFC 3339: %v", got)
		}

		// The defaults: since the opening, up to today.
		today := time.Now().In(shanghai).Format(time.DateOnly)
		before := statsOf(t, srv, "/api/v1/stats?station_id="+st)
		if before["from"] != "2023-02-10" || before["to"] != today || figure(t, before, "residents") < 11 || figure(t, before, "volunteers") < 4 {
			t.Errorf("the defaults: %v", before)
		}
		// A visit counted shows at once, the kept answer let go.
		if r := srv.Do(t, "POST", "/api/v1/stations/"+st+"/visits", staff, map[string]any{"count": 5, "purpose": "health_check"}); r.Status != 201 {
			t.Fatalf("visit: %d %s", r.Status, r.Body)
		}
		after := statsOf(t, srv, "/api/v1/stats?station_id="+st)
		if figure(t, after, "visits") != figure(t, before, "visits")+5 {
			t.Errorf("visits %d after 5 more than %d", figure(t, after, "visits"), figure(t, before, "visits"))
		}

		// The district: one station so far, so the same figures, and no
		// station named.
		district := statsOf(t, srv, "/api/v1/stats")
		for _, f := range []string{"visits", "days_open", "residents", "help_requests", "services_completed"} {
			if figure(t, district, f) != figure(t, after, f) {
				t.Errorf("the district's %s %d, the one station's %d", f, figure(t, district, f), figure(t, after, f))
			}
		}
		if district["station_id"] != nil || statsOf(t, srv, "/api/v1/stats?station_id=")["station_id"] != nil {
			t.Errorf("the district names a station: %v", district)
		}

		for _, tt := range []struct {
			path, code, field string
			status            int
		}{
			{"/api/v1/stats?station_id=" + st + "&from=2023-10-16&to=2023-10-15", "validation_failed", "to", 422},
			{"/api/v1/stats?station_id=" + st + "&from=2000-01-01&to=2023-10-15", "validation_failed", "to", 422},
			{"/api/v1/stats?from=2000-01-01&to=2023-10-15", "validation_failed", "to", 422},
			{"/api/v1/stats?station_id=" + st + "&from=yesterday", "validation_failed", "from", 422},
			{"/api/v1/stats?station_id=" + st + "&to=2023-02-30", "validation_failed", "to", 422},
			{"/api/v1/stats?station_id=" + st + "&from=2023-02-10T09:00:00", "validation_failed", "from", 422},
			{"/api/v1/stats?station_id=" + st + "&from=-1&to=1e308", "validation_failed", "from", 422},
			{"/api/v1/stats?station_id=99999", "not_found", "", 404},
			{"/api/v1/stats?station_id=abc", "not_found", "", 404},
			{"/api/v1/stats?station_id=-1", "not_found", "", 404},
			{"/api/v1/stats?station_id=99999999999999999999999", "not_found", "", 404},
		} {
			r := srv.Do(t, "GET", tt.path, "", nil)
			if r.Status != tt.status || r.ErrorCode() != tt.code {
				t.Errorf("%s: %d %s, want %d %s", tt.path, r.Status, r.Body, tt.status, tt.code)
				continue
			}
			if tt.field != "" {
				wantError(t, r, tt.status, tt.code, tt.field)
			}
		}
		r := srv.Send(t, testserver.Request{Method: "GET", Path: "/api/v1/stats?station_id=" + st + "&from=2023-10-16&to=2023-10-15", Header: map[string]string{"Accept-Language": "en"}})
		if !strings.Contains(string(r.Body), "The end date cannot be before the start date.") {
			t.Errorf("in English: %s", r.Body)
		}
	})
}

// TestFiguresHoldWhileVisitsAreCounted: staff count visitors at the desk
// from many clients at once while others read the figures, anonymous (kept
// answers) and signed in. Every read counts at least the visits
// acknowledged before it was sent, none fails, and at the end the figure
// is what was there plus every visit acknowledged.
func TestFiguresHoldWhileVisitsAreCounted(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		srv := testserver.New(t, e)
		st := srv.Station.ID.String()
		path := "/api/v1/stats?station_id=" + st
		start := figure(t, statsOf(t, srv, path), "visits")
		var acknowledged atomic.Int64
		var writers, readers sync.WaitGroup
		var written atomic.Bool // the writers are done
		for w := range 8 {
			staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
			writers.Add(1)
			go func() {
				defer writers.Done()
				for i := range 15 {
					n := 1 + (w*15+i)%5
					r := srv.Do(t, "POST", "/api/v1/stations/"+st+"/visits", staff, map[string]any{"count": n})
					if r.Status != 201 {
						t.Errorf("visit: %d %s", r.Status, r.Body)
						return
					}
					acknowledged.Add(int64(n))
				}
			}()
		}
		var reads atomic.Int64
		for i := range 4 {
			token := ""
			if i%2 == 1 {
				token = srv.Login(t, testserver.ResidentPhone, testserver.Password)
			}
			readers.Add(1)
			go func() {
				defer readers.Done()
				for !written.Load() {
					before := acknowledged.Load()
					r := srv.Do(t, "GET", path, token, nil)
					if r.Status != 200 {
						t.Errorf("figures: %d %s", r.Status, r.Body)
						return
					}
					reads.Add(1)
					if got := int64(figure(t, r.JSON(t), "visits")); got < int64(start)+before {
						t.Errorf("%d visits read after %d more were acknowledged", got, before)
						return
					}
				}
			}()
		}
		writers.Wait()
		written.Store(true)
		readers.Wait()
		if got, want := figure(t, statsOf(t, srv, path), "visits"), start+int(acknowledged.Load()); got != want {
			t.Errorf("visits %d after the writes, want %d", got, want)
		}
		t.Logf("%d reads beside %d visits acknowledged", reads.Load(), acknowledged.Load())
	})
}

// TestImpactPage: the station's public page says its figures as the
// article does, with three charts each with its table, in both languages.
func TestImpactPage(t *testing.T) {
	srv := testserver.New(t, dbtest.Engines(t)[0])
	st := srv.Station.ID.String()
	staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
	page := func(path string, header ...string) (int, string) {
		t.Helper()
		h := map[string]string{}
		for i := 0; i+1 < len(header); i += 2 {
			h[header[i]] = header[i+1]
		}
		r := srv.Send(t, testserver.Request{Method: "GET", Path: path, Header: h})
		return r.Status, string(r.Body)
	}
	status, body := page("/stations/" + st + "/impact?from=2023-02-10&to=2023-10-15")
	if status != 200 {
		t.Fatalf("the impact page: %d", status)
	}
	for _, want := range []string{"<h1>顾里小站的服务成果</h1>", "2023年2月10日 至 2023年10月15日", `<strong class="figure-number">近180</strong>`,
		"每周服务人次", "每月完成的社区服务", "各居民区的求助", "馨清佳苑"} {
		if !strings.Contains(body, want) {
			t.Errorf("the seed's range does not show %q", want)
		}
	}
	if n := strings.Count(body, `<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-bars"`); n != 3 {
		t.Errorf("%d charts, want 3", n)
	}
	if n := strings.Count(body, "<details class=\"chart-table\">"); n != 3 {
		t.Errorf("%d tables under the charts, want 3", n)
	}
	// 36 weeks from Friday 10 February 2023: the first cut to three days.
	if !strings.Contains(body, "<th scope=\"row\">2月10日–2月12日</th>") || strings.Count(body, "<rect class=\"chart-bar bar-visits\"") != 36 {
		t.Error("the weekly chart does not have the seed's 36 weeks")
	}
	_, en := page("/stations/"+st+"/impact?from=2023-02-10&to=2023-10-15", "Accept-Language", "en")
	if !strings.Contains(en, `<strong class="figure-number">nearly 180</strong>`) || !strings.Contains(en, "Visits by week") {
		t.Error("the English page does not say its figures in English")
	}

	// /stats is the current station's page; visits counted show at once,
	// though anonymous pages are kept.
	visits := figure(t, statsOf(t, srv, "/api/v1/stats?station_id="+st), "visits")
	if r := srv.Do(t, "POST", "/api/v1/stations/"+st+"/visits", staff, map[string]any{"count": 2}); r.Status != 201 {
		t.Fatalf("visit: %d", r.Status)
	}
	_, body = page("/stats")
	if want := fmt.Sprintf(`<strong class="figure-number">%d</strong> <span class="figure-unit">人次</span>`, visits+2); visits+2 < 100 && !strings.Contains(body, want) {
		t.Errorf("/stats after two more visits does not show %s", want)
	}
	// The home page's tile and every page's footer lead there.
	_, home := page("/")
	if !strings.Contains(home, `href="/stats"`) || !strings.Contains(home, `href="/stations/`+st+`/impact"`) {
		t.Error("the home page does not link to the figures")
	}

	for _, tt := range []struct {
		path, want string
		status     int
	}{
		{"/stations/" + st + "/impact?from=2023-10-16&to=2023-10-15", "结束日期不能早于开始日期。", 422},
		{"/stations/" + st + "/impact?from=2023-02-30", "日期格式不对", 422},
		{"/stations/99999/impact", "", 404},
		{"/stations/abc/impact", "", 404},
	} {
		status, body := page(tt.path)
		if status != tt.status || !strings.Contains(body, tt.want) {
			t.Errorf("%s: %d, want %d with %q", tt.path, status, tt.status, tt.want)
		}
	}
}

// TestDeskStatsPage: the desk's figures of its station, by area, with the
// requests past their time that nobody took, and today's activities.
func TestDeskStatsPage(t *testing.T) {
	srv := testserver.New(t, dbtest.Engines(t)[0])
	staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
	resident := srv.Login(t, testserver.ResidentPhone, testserver.Password)
	talent := srv.Login(t, testserver.TalentPhone, testserver.Password)
	ask := func(title string, needed time.Time, steps ...string) string {
		t.Helper()
		r := srv.Do(t, "POST", "/api/v1/help-requests", resident, map[string]any{"title": title, "category": "errand", "needed_by": rfc(needed)})
		if r.Status != 201 {
			t.Fatalf("ask: %d %s", r.Status, r.Body)
		}
		id := r.JSON(t)["id"].(string)
		for _, step := range steps {
			if r := srv.Do(t, "POST", "/api/v1/help-requests/"+id+"/"+step, talent, nil); r.Status != 200 {
				t.Fatalf("%s: %d %s", step, r.Status, r.Body)
			}
		}
		return id
	}
	late := ask("帮忙取快递", time.Now().Add(-time.Hour))
	taken := ask("帮忙买药", time.Now().Add(-time.Hour), "claim")
	early := ask("陪同散步", time.Now().Add(48*time.Hour))
	body := string(asPage(t, srv, staff, "GET", "/desk/stats", "").Body)
	if !strings.Contains(body, `href="/help/`+late+`"`) || strings.Contains(body, `href="/help/`+taken+`"`) || strings.Contains(body, `href="/help/`+early+`"`) {
		t.Error("the overdue list is not the one request past its time with nobody on it")
	}
	for _, want := range []string{"<h1>数据统计</h1>", "馨清佳苑", "菊泉新城一村", "开放天数", "志愿服务时长（小时）", "今天的活动"} {
		if !strings.Contains(body, want) {
			t.Errorf("the desk's figures do not show %q", want)
		}
	}
	// Today's activities: one made for later today, when there is a later
	// today.
	if now := time.Now().In(shanghai); now.Hour() < 22 {
		start := now.Add(time.Hour).Truncate(time.Minute)
		a := createActivity(t, srv, staff, map[string]any{"title": "临时讲座", "category": "event", "start": rfc(start), "end": rfc(start.Add(30 * time.Minute)), "age_rule": nil})
		body = string(asPage(t, srv, staff, "GET", "/desk/stats", "").Body)
		if !strings.Contains(body, `href="/desk/activities/`+a["id"].(string)+`"`) {
			t.Error("today's activity is not on the desk's figures")
		}
	}
	// A range, and one the page cannot read.
	body = string(asPage(t, srv, staff, "GET", "/desk/stats?from=2023-02-10&to=2023-10-15", "").Body)
	if !regexp.MustCompile(`<dt>开放天数</dt><dd>178</dd>`).MatchString(body) || !strings.Contains(body, `href="/stations/`+srv.Station.ID.String()+`/impact?from=2023-02-10&amp;to=2023-10-15"`) {
		t.Error("the desk's figures of the seed's range")
	}
	if r := asPage(t, srv, staff, "GET", "/desk/stats?from=2023-10-16&to=2023-10-15", ""); r.Status != 422 || !strings.Contains(string(r.Body), "结束日期不能早于开始日期。") {
		t.Errorf("a range backwards: %d", r.Status)
	}
}

// TestDistrictWorkbook: the admin's table of every station, and the
// workbook of the same, opened with excelize: a summary sheet and a sheet
// a station, a title row with the range, bold headings, counts as numbers
// that add up to the totals.
func TestDistrictWorkbook(t *testing.T) {
	srv := testserver.New(t, dbtest.Engines(t)[0])
	admin := srv.Login(t, testserver.AdminPhone, testserver.Password)
	staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
	st := srv.Station.ID.String()
	r := srv.Do(t, "POST", "/api/v1/stations", admin, map[string]any{"name": "菊泉[小站]", "opening_hours": map[string][]string{"mon": {"00:00-24:00"}, "tue": {"00:00-24:00"},
		"wed": {"00:00-24:00"}, "thu": {"00:00-24:00"}, "fri": {"00:00-24:00"}, "sat": {"00:00-24:00"}, "sun": {"00:00-24:00"}}})
	if r.Status != 201 {
		t.Fatalf("second station: %d %s", r.Status, r.Body)
	}
	two := r.JSON(t)["id"].(string)
	srv.Do(t, "POST", "/api/v1/stations/"+two+"/areas", admin, map[string]any{"name": "菊泉新苑", "committee": "菊泉新苑居委会"})
	// A station whose name a spreadsheet would take for a formula.
	if r := srv.Do(t, "POST", "/api/v1/stations", admin, map[string]any{"name": "=HYPERLINK(\"http://x\",\"点我\")"}); r.Status != 201 {
		t.Fatalf("third station: %d %s", r.Status, r.Body)
	}
	for _, v := range []struct {
		station string
		n       int
	}{{st, 3}, {two, 7}, {two, 4}} {
		if r := srv.Do(t, "POST", "/api/v1/stations/"+v.station+"/visits", admin, map[string]any{"count": v.n}); r.Status != 201 {
			t.Fatalf("visit: %d %s", r.Status, r.Body)
		}
	}
	today := time.Now().In(shanghai).Format(time.DateOnly)
	q := "?from=" + today + "&to=" + today
	one := statsOf(t, srv, "/api/v1/stats?station_id="+st+"&from="+today+"&to="+today)

	if r := asPage(t, srv, staff, "GET", "/admin/district.xlsx"+q, ""); r.Status != 403 {
		t.Errorf("staff's workbook: %d", r.Status)
	}
	page := string(asPage(t, srv, admin, "GET", "/admin/district"+q, "").Body)
	for _, want := range []string{"顾里小站", "菊泉[小站]", "<th scope=\"row\">合计</th>", `href="/admin/district.xlsx?from=` + today + `&amp;to=` + today + `"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the district's page does not show %q", want)
		}
	}

	r = asPage(t, srv, admin, "GET", "/admin/district.xlsx"+q, "")
	if r.Status != 200 || r.Header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" ||
		!strings.Contains(r.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("the workbook: %d %v", r.Status, r.Header)
	}
	f, err := excelize.OpenReader(bytes.NewReader(r.Body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := strings.Join(f.GetSheetList(), ","); got != `汇总,顾里小站,菊泉_小站_,=HYPERLINK("http___x","点我")` {
		t.Fatalf("sheets %s", got)
	}
	cell := func(sheet, ref string) string {
		t.Helper()
		v, err := f.GetCellValue(sheet, ref)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	number := func(sheet, ref string) int {
		t.Helper()
		if typ, _ := f.GetCellType(sheet, ref); typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
			t.Errorf("%s!%s is text, not a number", sheet, ref)
		}
		n, err := strconv.Atoi(cell(sheet, ref))
		if err != nil {
			t.Errorf("%s!%s = %q", sheet, ref, cell(sheet, ref))
		}
		return n
	}
	bold := func(sheet, ref string) bool {
		t.Helper()
		id, err := f.GetCellStyle(sheet, ref)
		if err != nil {
			t.Fatal(err)
		}
		s, err := f.GetStyle(id)
		return err == nil && s.Font != nil && s.Font.Bold
	}
	long := time.Now().In(shanghai)
	span := fmt.Sprintf("%d年%d月%d日", long.Year(), long.Month(), long.Day())
	if got := cell("汇总", "A1"); got != "各站点工作数据汇总（"+span+" — "+span+"）" || !bold("汇总", "A1") {
		t.Errorf("the summary's title %q", got)
	}
	if merged, _ := f.GetMergeCells("汇总"); len(merged) != 1 || merged[0].GetStartAxis() != "A1" || merged[0].GetEndAxis() != "K1" {
		t.Errorf("the title spans %v", merged)
	}
	heads, _ := f.GetRows("汇总")
	if got := strings.Join(heads[3], ","); got != "站点,开放天数,服务人次,居民数,志愿者数,举办活动场次,参加活动人次,求助数,求助居民数,完成服务次数,志愿服务时长（小时）" || !bold("汇总", "C4") {
		t.Errorf("the summary's headings %s", got)
	}
	// Row 5 is 顾里小站, row 6 the second station, row 7 the third, row 8
	// the total; C is the visits.
	if cell("汇总", "A5") != "顾里小站" || number("汇总", "C5") != figure(t, one, "visits") || number("汇总", "D5") != figure(t, one, "residents") {
		t.Errorf("顾里小站's row: %v", heads[4])
	}
	if cell("汇总", "A6") != "菊泉[小站]" || number("汇总", "C6") != 11 || number("汇总", "B6") != 1 {
		t.Errorf("the second station's row: %v", heads[5])
	}
	if formula, _ := f.GetCellFormula("汇总", "A7"); cell("汇总", "A7") != `=HYPERLINK("http://x","点我")` || formula != "" {
		t.Errorf("a name like a formula is %q, formula %q", cell("汇总", "A7"), formula)
	}
	if typ, _ := f.GetCellType("汇总", "A7"); typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString {
		t.Errorf("a name like a formula is of type %v, not text", typ)
	}
	if cell("汇总", "A8") != "合计" || !bold("汇总", "A8") || number("汇总", "C8") != number("汇总", "C5")+11 || number("汇总", "D8") != number("汇总", "D5")+number("汇总", "D6") {
		t.Errorf("the total row: %v", heads[7])
	}
	if w, _ := f.GetColWidth("汇总", "K"); w < 20 {
		t.Errorf("the hours' column is %v wide, too narrow for its heading", w)
	}
	// A station's sheet: its figures, its areas, its months.
	rows, _ := f.GetRows("菊泉_小站_")
	if got := cell("菊泉_小站_", "A1"); !strings.HasPrefix(got, "菊泉[小站]工作数据（") {
		t.Errorf("the station's title %q", got)
	}
	var text []string
	for _, row := range rows {
		text = append(text, strings.Join(row, ","))
	}
	all := strings.Join(text, "\n")
	for _, want := range []string{"指标,数值", "服务人次,11", "开放天数,1", "居民区,居民数,志愿者数,实名到访人次", "菊泉新苑,0,0,0,0,0,0,0",
		fmt.Sprintf("月份,服务人次,完成服务次数\n%d年%d月,11,0", long.Year(), long.Month())} {
		if !strings.Contains(all, want) {
			t.Errorf("the station's sheet has no %q:\n%s", want, all)
		}
	}
}

// TestImpactPageWithholdsAFewPerArea: the public chart of help by area
// says a handful (under guli.MinPublicAreaCount) as "少于5", never the
// count: one request from one area on one day points at a household.
// The desk's figures, staff's, show it.
func TestImpactPageWithholdsAFewPerArea(t *testing.T) {
	srv := testserver.New(t, dbtest.Engines(t)[0])
	st := srv.Station.ID.String()
	resident := srv.Login(t, testserver.ResidentPhone, testserver.Password)
	staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
	if r := srv.Do(t, "POST", "/api/v1/help-requests", resident, map[string]any{"title": "帮忙取药", "category": "errand"}); r.Status != 201 {
		t.Fatalf("help request: %d %s", r.Status, r.Body)
	}
	today := time.Now().In(srv.Station.Location()).Format(time.DateOnly)
	day := "?from=" + today + "&to=" + today
	r := srv.Send(t, testserver.Request{Method: "GET", Path: "/stations/" + st + "/impact" + day})
	body := string(r.Body)
	if r.Status != 200 {
		t.Fatalf("the impact page: %d", r.Status)
	}
	areas := body[strings.Index(body, `id="chart-areas"`):]
	areas = areas[:strings.Index(areas, "</section>")]
	if !strings.Contains(areas, `<text class="chart-value"`) || !strings.Contains(areas, ">少于5</text>") || !strings.Contains(areas, "<td>少于5</td>") {
		t.Errorf("the areas' chart does not say 少于5: %s", areas)
	}
	if strings.Contains(areas, "<td>1</td>") || regexp.MustCompile(`class="chart-value"[^>]*>1</text>`).MatchString(areas) {
		t.Errorf("the areas' chart counts the one request: %s", areas)
	}
	desk := asPage(t, srv, staff, "GET", "/desk/stats"+day, "")
	if desk.Status != 200 || strings.Contains(string(desk.Body), "少于5") {
		t.Errorf("the desk's figures withhold: %d", desk.Status)
	}
}
