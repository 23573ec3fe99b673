package web_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	qrcode "github.com/skip2/go-qrcode"
	"github.com/xuri/excelize/v2"

	"guli"
	"guli/internal/dbtest"
	"guli/internal/testserver"
)

// qrRun is a run of dark modules of a QR code the poster draws, in its
// SVG path: "M x y h n v1 h-n z".
var qrRun = regexp.MustCompile(`M(\d+) (\d+)h(\d+)v1h-\d+z`)

// posterItem is one activity on the poster.
var posterItem = regexp.MustCompile(`(?s)<li class="poster-item">.*?</li>`)

// qrSays reports whether the SVG svg draws the QR code of content as
// go-qrcode makes it: every module, dark or light, the same.
func qrSays(svg, content string) bool {
	code, err := qrcode.New(content, qrcode.Medium)
	if err != nil {
		return false
	}
	code.DisableBorder = true
	want := code.Bitmap()
	got := make([][]bool, len(want))
	for i := range got {
		got[i] = make([]bool, len(want))
	}
	for _, m := range qrRun.FindAllStringSubmatch(svg, -1) {
		x, _ := strconv.Atoi(m[1])
		y, _ := strconv.Atoi(m[2])
		n, _ := strconv.Atoi(m[3])
		if y >= len(got) || x+n > len(got) {
			return false
		}
		for i := range n {
			got[y][x+i] = true
		}
	}
	for y := range want {
		for x := range want[y] {
			if got[y][x] != want[y][x] {
				return false
			}
		}
	}
	return true
}

// TestWeekPoster: the week's poster of the station chosen, or of
// ?station=, for everyone: the week's activities but the cancelled ones,
// each with a QR code of its page's address on this site, kept for
// visitors by address (a request to another host is drawn for that host);
// a week that is not one is refused next to the field.
func TestWeekPoster(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		srv := testserver.New(t, e)
		staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
		loc := srv.Station.Location()
		week := guli.WeekOf(time.Now().In(loc).AddDate(0, 0, 35))
		monday, _ := week.Bounds(loc)
		var ids []string
		for i, title := range []string{"书法班：楷书入门", "太极拳", "智能手机课"} {
			start := monday.AddDate(0, 0, 2+i).Add(9*time.Hour + 30*time.Minute)
			a := createActivity(t, srv, staff, map[string]any{"title": title, "start": rfc(start), "end": rfc(start.Add(time.Hour)), "capacity": 12})
			ids = append(ids, a["id"].(string))
		}
		if r := srv.Do(t, "DELETE", "/api/v1/activities/"+ids[2], staff, nil); r.Status != 204 {
			t.Fatalf("cancel: %d %s", r.Status, r.Body)
		}
		path := "/print/week?week=" + week.String()
		r := srv.Do(t, "GET", path, "", nil)
		body := string(r.Body)
		if r.Status != 200 || !strings.Contains(body, `class="poster"`) || !strings.Contains(body, "书法班：楷书入门") || !strings.Contains(body, "太极拳") ||
			strings.Contains(body, "智能手机课") || !strings.Contains(body, "名额 12 人，还剩 12 个") {
			t.Fatalf("the poster: %d %.2000s", r.Status, body)
		}
		// Each activity's code says its page's address.
		coded := 0
		for _, item := range posterItem.FindAllString(body, -1) {
			for _, id := range ids[:2] {
				if strings.Contains(item, `href="/activities/`+id+`"`) {
					coded++
					if !qrSays(item, srv.URL+"/activities/"+id) {
						t.Errorf("the code of activity %s does not say %s", id, srv.URL+"/activities/"+id)
					}
				}
			}
		}
		if coded != 2 {
			t.Errorf("%d of the two activities on the poster", coded)
		}
		// Kept for visitors: the same answer again, and a 304 for the
		// browser that holds it.
		again := srv.Do(t, "GET", path, "", nil)
		if tag := again.Header.Get("ETag"); tag == "" || tag != r.Header.Get("ETag") {
			t.Errorf("the poster is not kept: %q then %q", r.Header.Get("ETag"), tag)
		}
		if r := srv.Send(t, testserver.Request{Method: "GET", Path: path, Header: map[string]string{"If-None-Match": again.Header.Get("ETag")}}); r.Status != 304 {
			t.Errorf("the poster held by the browser: %d", r.Status)
		}
		// Asked for through another address, the codes say that one.
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		req.Host = "guli.example"
		resp, err := srv.Client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		other, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var item string
		for _, it := range posterItem.FindAllString(string(other), -1) {
			if strings.Contains(it, `href="/activities/`+ids[0]+`"`) {
				item = it
			}
		}
		if !qrSays(item, "http://guli.example/activities/"+ids[0]) || !bytes.Contains(other, []byte("http://guli.example")) {
			t.Errorf("the poster asked for as guli.example: %.300s", item)
		}

		// Weeks that are not, and stations that are not.
		for _, tc := range []struct {
			query  string
			status int
			says   string
		}{
			{"?week=2026-W99", 422, "周的格式不对"},
			{"?week=2025-W53", 422, "周的格式不对"},
			{"?week=0000-W13", 422, "周的格式不对"},
			{"?week=2026-11-23", 422, "周的格式不对"},
			{"?week=%EF%BC%92026-W48", 422, "周的格式不对"},
			{"?station=99999999999999999999", 404, ""},
			{"?station=-1", 404, ""},
			{"?station=abc", 404, ""},
		} {
			r := srv.Do(t, "GET", "/print/week"+tc.query, "", nil)
			if r.Status != tc.status || !strings.Contains(string(r.Body), tc.says) || tc.status != 200 && strings.Contains(string(r.Body), `class="poster"`) {
				t.Errorf("%s: %d, want %d saying %q", tc.query, r.Status, tc.status, tc.says)
			}
		}
		// Another station's, by its address; in English.
		admin := srv.Login(t, testserver.AdminPhone, testserver.Password)
		other2 := srv.Do(t, "POST", "/api/v1/stations", admin, map[string]any{"name": "菊泉小站", "address": "菊泉街"}).JSON(t)["id"].(string)
		r = srv.Do(t, "GET", "/print/week?station="+other2, "", nil)
		if r.Status != 200 || !strings.Contains(string(r.Body), "菊泉小站") || !strings.Contains(string(r.Body), "这一周没有活动") ||
			!strings.Contains(string(r.Body), `name="station" value="`+other2+`"`) {
			t.Errorf("another station's poster: %d %.500s", r.Status, r.Body)
		}
		r = srv.Send(t, testserver.Request{Method: "GET", Path: path, Header: map[string]string{"Cookie": "guli_lang=en"}})
		if r.Status != 200 || !strings.Contains(string(r.Body), "This week&#39;s activities") || !strings.Contains(string(r.Body), "12 places, 12 left") {
			t.Errorf("the poster in English: %d %.500s", r.Status, r.Body)
		}
		// The timetable offers the poster of its week.
		r = srv.Do(t, "GET", "/activities?from="+monday.Format("2006-01-02"), "", nil)
		if !strings.Contains(string(r.Body), `href="/print/week?week=`+week.String()+`"`) {
			t.Errorf("the timetable has no link to its week's poster")
		}
	})
}

// TestSignInSheetAndRecordPages: an activity's sign-in sheet and its
// record at the desk, for its station's staff: the sheet lists who holds
// a place with their area, the waitlist after, and empty rows; the record
// saves a summary from the version its form began with, and a save from
// an older one comes back saying someone saved meanwhile, with their
// words and the reader's both, never overwriting; audited.
func TestSignInSheetAndRecordPages(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		srv := testserver.New(t, e)
		staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
		admin := srv.Login(t, testserver.AdminPhone, testserver.Password)
		resident := srv.Login(t, testserver.ResidentPhone, testserver.Password)
		future := createActivity(t, srv, staff, map[string]any{"title": "剪纸：福字", "capacity": 2, "age_rule": nil})["id"].(string)
		var people []string
		for i, name := range []string{"陈阿婆", "王阿公", "李阿姨"} {
			id := srv.Do(t, "POST", "/api/v1/users", staff, map[string]any{"name": name, "area_id": srv.Station.Areas[i%2].ID.String()}).JSON(t)["id"].(string)
			people = append(people, id)
			if r := srv.Do(t, "POST", "/api/v1/activities/"+future+"/registrations", staff, map[string]any{"user_id": id}); r.Status != 201 {
				t.Fatalf("register: %d %s", r.Status, r.Body)
			}
		}
		// 陈阿婆 lives alone, which staff see on the roster; the sheet lies
		// on the table for everyone who signs, so it says nothing of it.
		if r := mark(t, srv, staff, people[0], "lives_alone", true); r.Status != 303 {
			t.Fatalf("mark: %d %s", r.Status, r.Body)
		}
		if r := asPage(t, srv, staff, "GET", "/desk/activities/"+future, ""); !strings.Contains(string(r.Body), "mark-lives_alone") {
			t.Fatalf("the roster does not show the mark: %.3000s", r.Body)
		}
		sheet := "/desk/activities/" + future + "/sign-in-sheet"
		r := asPage(t, srv, staff, "GET", sheet, "")
		body := string(r.Body)
		if strings.Contains(body, "mark-lives_alone") || strings.Contains(body, "独居") {
			t.Errorf("the sign-in sheet shows a mark: %.3000s", body)
		}
		if r.Status != 200 || !strings.Contains(body, "剪纸：福字 签到表") || !strings.Contains(body, "陈阿婆") || !strings.Contains(body, srv.Station.Areas[1].Name) ||
			!strings.Contains(body, "候补名单") || !strings.Contains(body, "候补1") || strings.Count(body, `<td class="sign"></td>`) != 3+5 {
			t.Fatalf("the sheet: %d %.3000s", r.Status, body)
		}
		if i, j := strings.Index(body, "王阿公"), strings.Index(body, "李阿姨"); i < 0 || j < i {
			t.Error("the waitlist is not after those with a place")
		}

		// Before the class there is nothing to record: the page says so
		// and has no form; a save is refused.
		record := "/desk/activities/" + future + "/record"
		r = asPage(t, srv, staff, "GET", record, "")
		if r.Status != 200 || !strings.Contains(string(r.Body), "活动还没开始，开始以后才能写活动记录") || strings.Contains(string(r.Body), `name="summary"`) {
			t.Errorf("the record before the class: %d %.2000s", r.Status, r.Body)
		}
		if r := asPage(t, srv, staff, "POST", record, "summary=好&version=0"); r.Status != 422 || !strings.Contains(string(r.Body), "活动还没开始") {
			t.Errorf("a record before the class: %d", r.Status)
		}

		// A class that took place, with a walk-in.
		start := time.Now().Add(-26 * time.Hour)
		past := createActivity(t, srv, staff, map[string]any{"title": "重阳节敬老活动", "start": rfc(start), "end": rfc(start.Add(2 * time.Hour))})["id"].(string)
		for _, p := range people[:2] {
			if r := srv.Do(t, "POST", "/api/v1/activities/"+past+"/attendance", staff, map[string]any{"user_id": p}); r.Status != 201 {
				t.Fatalf("check-in: %d %s", r.Status, r.Body)
			}
		}
		record = "/desk/activities/" + past + "/record"
		r = asPage(t, srv, staff, "GET", record, "")
		if r.Status != 200 || !strings.Contains(string(r.Body), `name="version" value="0"`) || !strings.Contains(string(r.Body), "到场签到 2 人，其中临时参加 2 人") ||
			!strings.Contains(string(r.Body), "（尚未填写）") {
			t.Fatalf("the record's page: %d %.3000s", r.Status, r.Body)
		}
		form := func(summary string, version int) string {
			return url.Values{"summary": {summary}, "version": {strconv.Itoa(version)}}.Encode()
		}
		r = asPage(t, srv, staff, "POST", record, form("老人们一起包饺子。\n大家很开心。", 0))
		if r.Status != 303 || r.Header.Get("Location") != record+"?notice=record_saved" {
			t.Fatalf("the first save: %d %s", r.Status, r.Header.Get("Location"))
		}
		r = asPage(t, srv, staff, "GET", record+"?notice=record_saved", "")
		if !strings.Contains(string(r.Body), "活动记录已保存") || !strings.Contains(string(r.Body), "老人们一起包饺子。\n大家很开心。") ||
			!strings.Contains(string(r.Body), `name="version" value="1"`) || !strings.Contains(string(r.Body), "记录人：顾小里") {
			t.Errorf("the record saved: %.3000s", r.Body)
		}
		// The admin had the page open from before the save: refused, shown
		// both texts, the form now on version 1 with the admin's words.
		r = asPage(t, srv, admin, "POST", record, form("管理员的小结", 0))
		body = string(r.Body)
		if r.Status != 409 || !strings.Contains(body, "刚才有人保存了这份记录") || !strings.Contains(body, "别人刚刚保存的小结") ||
			!strings.Contains(body, ">管理员的小结</textarea>") || !strings.Contains(body, `name="version" value="1"`) {
			t.Errorf("a stale save: %d %.3000s", r.Status, body)
		}
		if r := asPage(t, srv, admin, "POST", record, form("管理员的小结", 1)); r.Status != 303 {
			t.Errorf("saved again on purpose: %d", r.Status)
		}
		for _, tc := range []struct {
			name, form string
			status     int
			says       string
		}{
			{"no summary", form(" ", 2), 422, "必须填写"},
			{"too long", form(strings.Repeat("字", guli.MaxRecordSummary+1), 2), 422, "太长"},
			{"no version", "summary=好", 422, "格式不对"},
			{"a version that is not a number", form("好", -5), 422, ""},
			{"a huge version", "summary=好&version=99999999999999999999", 422, ""},
		} {
			r := asPage(t, srv, staff, "POST", record, tc.form)
			if r.Status != tc.status || !strings.Contains(string(r.Body), tc.says) {
				t.Errorf("%s: %d, want %d saying %q: %.300s", tc.name, r.Status, tc.status, tc.says, r.Body)
			}
		}
		if r := asPage(t, srv, resident, "POST", record, form("好", 2)); r.Status != 403 {
			t.Errorf("a resident saving a record: %d", r.Status)
		}
		if r := asPage(t, srv, resident, "GET", sheet, ""); r.Status != 403 {
			t.Errorf("a resident's sheet: %d", r.Status)
		}
		for _, id := range []string{"99999999", "99999999999999999999", "-1", "0", "abc"} {
			for _, path := range []string{"/desk/activities/" + id + "/record", "/desk/activities/" + id + "/sign-in-sheet"} {
				if r := asPage(t, srv, staff, "GET", path, ""); r.Status != 404 {
					t.Errorf("%s: %d", path, r.Status)
				}
			}
			if r := asPage(t, srv, staff, "POST", "/desk/activities/"+id+"/record", form("好", 0)); r.Status != 404 {
				t.Errorf("saving the record of %s: %d", id, r.Status)
			}
		}
		saves := 0
		for _, entry := range items(t, srv.Do(t, "GET", "/api/v1/audit?limit=200", admin, nil)) {
			if entry["action"] == "activity.record" && entry["subject_id"] == past {
				saves++
			}
		}
		if saves != 2 {
			t.Errorf("%d audited saves, want 2", saves)
		}
		// The roster links to both.
		r = asPage(t, srv, staff, "GET", "/desk/activities/"+past, "")
		if !strings.Contains(string(r.Body), `href="/desk/activities/`+past+`/sign-in-sheet"`) || !strings.Contains(string(r.Body), `href="/desk/activities/`+past+`/record"`) {
			t.Error("the roster has no links to its sheet and record")
		}
	})
}

// TestLedger: the month's ledger of the desk's station, as a page (a
// contents page, then the records) and as a workbook whose text cells
// cannot run as formulas; months it cannot be of come back to its form;
// each is audited.
func TestLedger(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		srv := testserver.New(t, e)
		staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
		admin := srv.Login(t, testserver.AdminPhone, testserver.Password)
		start := time.Now().Add(-2 * time.Hour)
		month := guli.MonthOf(start.In(srv.Station.Location())).String()
		for i, title := range []string{"=HYPERLINK(\"http://x\",\"点我\")", "太极拳"} {
			id := createActivity(t, srv, staff, map[string]any{"title": title, "start": rfc(start.Add(time.Duration(i) * time.Minute)),
				"end": rfc(start.Add(time.Hour))})["id"].(string)
			if i == 0 {
				if r := asPage(t, srv, staff, "POST", "/desk/activities/"+id+"/record", "version=0&summary="+url.QueryEscape("@SUM(1,1) 的小结")); r.Status != 303 {
					t.Fatalf("save: %d %s", r.Status, r.Body)
				}
			}
		}
		r := asPage(t, srv, staff, "GET", "/desk/ledger?month="+month, "")
		body := string(r.Body)
		if r.Status != 200 || !strings.Contains(body, "活动台账") || !strings.Contains(body, "共 1 篇活动记录") || !strings.Contains(body, "@SUM(1,1) 的小结") ||
			!strings.Contains(body, "已经举办、还没有写记录的活动") || !strings.Contains(body, "太极拳") || !strings.Contains(body, `value="`+month+`"`) {
			t.Fatalf("the ledger: %d %.3000s", r.Status, body)
		}
		r = asPage(t, srv, staff, "GET", "/desk/ledger.xlsx?month="+month, "")
		if r.Status != 200 || !strings.Contains(r.Header.Get("Content-Type"), "spreadsheetml") || !strings.Contains(r.Header.Get("Content-Disposition"), ".xlsx") {
			t.Fatalf("the workbook: %d %s %.300s", r.Status, r.Header, r.Body)
		}
		f, err := excelize.OpenReader(bytes.NewReader(r.Body))
		if err != nil {
			t.Fatal(err)
		}
		if got := f.GetSheetList(); fmt.Sprint(got) != "[目录 活动记录]" {
			t.Errorf("the workbook's sheets: %v", got)
		}
		rows, _ := f.GetRows("目录")
		if len(rows) < 6 || rows[5][3] != guli.SpreadsheetCell(`=HYPERLINK("http://x","点我")`) || rows[5][3][0] == '=' {
			t.Errorf("the contents: %q", rows)
		}
		if formula, _ := f.GetCellFormula("目录", "D6"); formula != "" {
			t.Errorf("an activity's title became a formula: %q", formula)
		}
		rows, _ = f.GetRows("活动记录")
		if len(rows) < 6 || rows[5][3] != guli.SpreadsheetCell("@SUM(1,1) 的小结") {
			t.Errorf("the records: %q", rows)
		}
		for _, tc := range []struct{ query, says string }{
			{"?month=0000-13", "格式"},
			{"?month=2000-01", "之间的月份"},
			{"?month=2023-W41", "格式"},
		} {
			for _, path := range []string{"/desk/ledger", "/desk/ledger.xlsx"} {
				r := asPage(t, srv, staff, "GET", path+tc.query, "")
				if r.Status != 422 || !strings.Contains(string(r.Body), tc.says) || !strings.Contains(string(r.Body), `name="month"`) {
					t.Errorf("%s%s: %d, want the form saying %q: %.300s", path, tc.query, r.Status, tc.says, r.Body)
				}
			}
		}
		looks := 0
		for _, entry := range items(t, srv.Do(t, "GET", "/api/v1/audit?limit=200", admin, nil)) {
			if entry["action"] == "station.ledger" {
				looks++
			}
		}
		if looks != 2 {
			t.Errorf("%d audited ledgers, want 2", looks)
		}
		// The desk offers it.
		if r := asPage(t, srv, staff, "GET", "/desk", ""); !strings.Contains(string(r.Body), `href="/desk/ledger"`) {
			t.Error("the desk has no link to the ledger")
		}
	})
}

// TestAHighlightOfAnActivityOnTheBoard: the write form offers the
// station's recent activities; a highlight posted of one names it on its
// page and in the API; a tip leaves the choice.
func TestAHighlightOfAnActivityOnTheBoard(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		srv := testserver.New(t, e)
		staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
		resident := srv.Login(t, testserver.ResidentPhone, testserver.Password)
		start := time.Now().Add(-3 * time.Hour)
		class := createActivity(t, srv, staff, map[string]any{"title": "书法班：楷书入门", "start": rfc(start), "end": rfc(start.Add(time.Hour))})["id"].(string)
		r := asPage(t, srv, resident, "GET", "/notices/new?kind=highlight", "")
		if r.Status != 200 || !strings.Contains(string(r.Body), `<option value="`+class+`"`) {
			t.Fatalf("the write form: %d %.2000s", r.Status, r.Body)
		}
		r = asPage(t, srv, resident, "POST", "/notices/new", url.Values{"kind": {"highlight"}, "title": {"我们的书法作品"}, "body": {"写得不错"}, "activity_id": {class}}.Encode())
		if r.Status != 303 {
			t.Fatalf("the highlight: %d %.500s", r.Status, r.Body)
		}
		post := strings.TrimPrefix(strings.Split(r.Header.Get("Location"), "?")[0], "/notices/")
		if p := srv.Do(t, "GET", "/api/v1/posts/"+post, "", nil).JSON(t); p["activity_id"] != class {
			t.Errorf("the highlight's activity: %v", p["activity_id"])
		}
		if r := asPage(t, srv, resident, "GET", "/notices/"+post, ""); !strings.Contains(string(r.Body), `href="/activities/`+class+`"`) {
			t.Error("the highlight's page does not name its activity")
		}
		r = asPage(t, srv, resident, "POST", "/notices/new", url.Values{"kind": {"tip"}, "title": {"天冷加衣"}, "body": {"降温了"}, "activity_id": {class}}.Encode())
		if r.Status != 303 {
			t.Fatalf("a tip with an activity chosen: %d %.500s", r.Status, r.Body)
		}
		tip := strings.TrimPrefix(strings.Split(r.Header.Get("Location"), "?")[0], "/notices/")
		if p := srv.Do(t, "GET", "/api/v1/posts/"+tip, "", nil).JSON(t); p["activity_id"] != nil {
			t.Errorf("the tip names activity %v", p["activity_id"])
		}
		r = asPage(t, srv, resident, "POST", "/notices/new", url.Values{"kind": {"highlight"}, "title": {"照片"}, "body": {"好"}, "activity_id": {"99999999"}}.Encode())
		if r.Status != 422 || !strings.Contains(string(r.Body), "没有这个活动") {
			t.Errorf("a highlight of no activity: %d %.500s", r.Status, r.Body)
		}
		wantError(t, srv.Do(t, "POST", "/api/v1/posts", resident, map[string]any{"station_id": srv.Station.ID.String(), "kind": "highlight",
			"title": "照片", "body": "好", "activity_id": "abc"}), 422, "validation_failed", "activity_id")
	})
}

// TestThePosterIsOfNoHostNoSiteHas: without --base-url the poster's QR
// codes hold the address each request names, so a Host longer than any
// name (a DNS name and a port) is refused with 400, as a bad path is, on
// every route: one of kilobytes fit no code and answered 500, and one of
// a kilobyte drew twenty codes of tens of kilobytes each, kept. The
// longest name there may be is drawn.
func TestThePosterIsOfNoHostNoSiteHas(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		srv := testserver.New(t, e)
		staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
		loc := srv.Station.Location()
		week := guli.WeekOf(time.Now().In(loc).AddDate(0, 0, 35))
		monday, _ := week.Bounds(loc)
		start := monday.AddDate(0, 0, 2).Add(9 * time.Hour)
		class := createActivity(t, srv, staff, map[string]any{"title": "书法班", "start": rfc(start), "end": rfc(start.Add(time.Hour))})["id"].(string)
		path := "/print/week?week=" + week.String()
		get := func(path, host string) (int, []byte) {
			t.Helper()
			req, _ := http.NewRequest("GET", srv.URL+path, nil)
			req.Host = host
			resp, err := srv.Client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			return resp.StatusCode, b
		}
		// The longest name: four labels of 63, 63, 63 and 61 characters.
		longest := strings.Repeat("a", 63) + "." + strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", 61) + ":65535"
		status, body := get(path, longest)
		var item string
		for _, it := range posterItem.FindAllString(string(body), -1) {
			if strings.Contains(it, `href="/activities/`+class+`"`) {
				item = it
			}
		}
		if status != 200 || !qrSays(item, "http://"+longest+"/activities/"+class) {
			t.Errorf("the poster for the longest name there is: %d, its code right: %v", status, qrSays(item, "http://"+longest+"/activities/"+class))
		}
		for _, host := range []string{longest + "0", strings.Repeat("a", 1000) + ".example", strings.Repeat("a", 3000) + ".example"} {
			if status, body := get(path, host); status != 400 || bytes.Contains(body, []byte(`class="poster"`)) {
				t.Errorf("the poster for a Host of %d bytes: %d", len(host), status)
			}
			if status, body := get("/api/v1/stations", host); status != 400 || !bytes.Contains(body, []byte(`"bad_request"`)) {
				t.Errorf("the API for a Host of %d bytes: %d %.200s", len(host), status, body)
			}
		}
	})
}

// TestARecordedActivityStaysInTheLedger: an activity whose record staff
// wrote took place; cancelling it (by mistake, on its roster or through
// the API) is refused, since a cancelled activity leaves the month's
// ledger and its people would be told it is off. One without a record may
// still be called off after it began. A save and a cancellation at once
// never both happen, on both engines.
func TestARecordedActivityStaysInTheLedger(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		srv := testserver.New(t, e)
		staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
		admin := srv.Login(t, testserver.AdminPhone, testserver.Password)
		talent := srv.Login(t, testserver.TalentPhone, testserver.Password)
		start := time.Now().Add(-2 * time.Hour)
		month := guli.MonthOf(start.In(srv.Station.Location())).String()
		past := func(token, title string) string {
			return createActivity(t, srv, token, map[string]any{"title": title, "start": rfc(start), "end": rfc(start.Add(time.Hour))})["id"].(string)
		}
		held := past(talent, "已经办过的合唱课")
		if r := asPage(t, srv, staff, "POST", "/desk/activities/"+held+"/record", "version=0&summary="+url.QueryEscape("二十位老人一起唱歌")); r.Status != 303 {
			t.Fatalf("save: %d %s", r.Status, r.Body)
		}
		wantError(t, srv.Do(t, "DELETE", "/api/v1/activities/"+held, staff, nil), 409, "activity_recorded", "")
		wantError(t, srv.Do(t, "DELETE", "/api/v1/activities/"+held, talent, nil), 409, "activity_recorded", "")
		r := asPage(t, srv, admin, "POST", "/desk/activities/"+held+"/cancel", "")
		if r.Status != 409 || !strings.Contains(string(r.Body), "已经写了活动记录") {
			t.Errorf("cancelling a recorded class on its roster: %d %.300s", r.Status, r.Body)
		}
		if a := srv.Do(t, "GET", "/api/v1/activities/"+held, "", nil).JSON(t); a["status"] != "scheduled" {
			t.Errorf("the recorded class after the refusals: %v", a["status"])
		}
		if body := string(asPage(t, srv, staff, "GET", "/desk/ledger?month="+month, "").Body); !strings.Contains(body, "二十位老人一起唱歌") {
			t.Error("the ledger lost the record")
		}
		// Begun, not recorded: it may be called off.
		if r := srv.Do(t, "DELETE", "/api/v1/activities/"+past(staff, "下雨取消的课"), staff, nil); r.Status != 204 {
			t.Errorf("cancelling a begun class with no record: %d %s", r.Status, r.Body)
		}
		// A save and a cancellation at once: one of them.
		for i := range 4 {
			id := past(staff, fmt.Sprintf("同时保存和取消的课%d", i))
			var wg sync.WaitGroup
			var saved, cancelled int
			wg.Add(2)
			go func() {
				defer wg.Done()
				saved = asPage(t, srv, staff, "POST", "/desk/activities/"+id+"/record", "version=0&summary="+url.QueryEscape("办得很好")).Status
			}()
			go func() {
				defer wg.Done()
				cancelled = srv.Do(t, "DELETE", "/api/v1/activities/"+id, admin, nil).Status
			}()
			wg.Wait()
			if saved == 303 && cancelled != 409 || saved != 303 && (saved != 422 || cancelled != 204) {
				t.Errorf("a save and a cancellation at once: %d and %d", saved, cancelled)
			}
		}
	})
}

// A cancelled class's sign-in sheet says so at its head, so a sheet
// printed before and one printed after are not taken for one another.
func TestACancelledClassSheetSaysSo(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		srv := testserver.New(t, e)
		staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
		id := createActivity(t, srv, staff, map[string]any{"title": "剪纸：窗花", "capacity": 5, "age_rule": nil})["id"].(string)
		sheet := "/desk/activities/" + id + "/sign-in-sheet"
		if r := asPage(t, srv, staff, "GET", sheet, ""); r.Status != 200 || strings.Contains(string(r.Body), "本活动已取消") {
			t.Fatalf("the sheet before: %d %.2000s", r.Status, r.Body)
		}
		if r := asPage(t, srv, staff, "POST", "/desk/activities/"+id+"/cancel", ""); r.Status != 303 {
			t.Fatalf("cancel: %d %.500s", r.Status, r.Body)
		}
		if r := asPage(t, srv, staff, "GET", sheet, ""); r.Status != 200 || !strings.Contains(string(r.Body), "本活动已取消") {
			t.Errorf("the sheet after: %d %.2000s", r.Status, r.Body)
		}
	})
}
