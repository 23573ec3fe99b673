package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"guli/internal/dbtest"
	"guli/internal/testserver"
)

// asPage sends a form or a page request riding on a bearer token, as the
// pages accept either.
func asPage(t *testing.T, srv *testserver.Server, token, method, path, form string, extra ...string) *testserver.Response {
	t.Helper()
	h := map[string]string{"Authorization": "Bearer " + token}
	if method == "POST" {
		h["Content-Type"] = "application/x-www-form-urlencoded"
	}
	for i := 0; i+1 < len(extra); i += 2 {
		h[extra[i]] = extra[i+1]
	}
	var body any
	if form != "" || method == "POST" {
		body = form
	}
	return srv.Send(t, testserver.Request{Method: method, Path: path, Body: body, Header: h})
}

func TestTimetableSignUpAndWaitlistPages(t *testing.T) {
	srv := testserver.New(t, dbtest.Engines(t)[0])
	staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
	a := createActivity(t, srv, staff, map[string]any{"title": "太极拳入门", "capacity": 1})
	id := a["id"].(string)
	day := nextOpen(time.Saturday, "09:30").Format("2006-01-02")
	_, first := srv.Register(t, "先来的", "13920000001")
	_, second := srv.Register(t, "后到的", "13920000002")

	page := string(asPage(t, srv, first, "GET", "/activities?from="+day, "").Body)
	if !strings.Contains(page, "太极拳入门") || !strings.Contains(page, `action="/activities/`+id+`/register"`) || !strings.Contains(page, "还剩1个名额") {
		t.Fatalf("timetable lacks the class and its sign-up button")
	}
	r := asPage(t, srv, first, "POST", "/activities/"+id+"/register", "next="+url.QueryEscape("/activities?from="+day))
	if r.Status != 303 || !strings.HasSuffix(r.Header.Get("Location"), "notice=registered") {
		t.Fatalf("sign-up: %d %s", r.Status, r.Header.Get("Location"))
	}
	page = string(asPage(t, srv, first, "GET", r.Header.Get("Location"), "").Body)
	if !strings.Contains(page, "报名成功") || !strings.Contains(page, "您已报名") {
		t.Fatal("no confirmation after signing up")
	}
	// The class is now full: the next person is offered the waitlist.
	page = string(asPage(t, srv, second, "GET", "/activities/"+id, "").Body)
	if !strings.Contains(page, "名额已满，候补报名") {
		t.Fatal("a full class does not offer the waitlist")
	}
	r = asPage(t, srv, second, "POST", "/activities/"+id+"/register", "next=/activities/"+id)
	if !strings.HasSuffix(r.Header.Get("Location"), "notice=waitlisted") {
		t.Fatalf("waitlist sign-up went to %s", r.Header.Get("Location"))
	}
	if page = string(asPage(t, srv, second, "GET", "/activities/"+id, "").Body); !strings.Contains(page, "您在候补第1位") {
		t.Fatal("no waitlist position on the activity page")
	}
	// The first cancels; the second is confirmed and told.
	r = asPage(t, srv, first, "POST", "/activities/"+id+"/cancel", "next=/my/activities")
	if r.Status != 303 {
		t.Fatalf("cancel: %d", r.Status)
	}
	if page = string(asPage(t, srv, second, "GET", "/my/activities", "").Body); !strings.Contains(page, "太极拳入门") || !strings.Contains(page, "您已报名") {
		t.Fatal("the promoted resident's activities do not show the place")
	}
	if page = string(asPage(t, srv, second, "GET", "/notifications", "").Body); !strings.Contains(page, "候补成功：太极拳入门") {
		t.Fatal("no notification of the promotion")
	}
	// Registering twice from a stale page explains itself.
	asPage(t, srv, first, "POST", "/activities/"+id+"/register", "next=/")
	r = asPage(t, srv, first, "POST", "/activities/"+id+"/register", "next=/")
	if r.Status != http.StatusConflict || !strings.Contains(string(r.Body), "您已经报过名了") {
		t.Fatalf("second sign-up: %d", r.Status)
	}
}

func TestAgeRulePageLeadsToTheContactForm(t *testing.T) {
	srv := testserver.New(t, dbtest.Engines(t)[0])
	staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
	a := createActivity(t, srv, staff, map[string]any{"title": "交谊舞", "age_rule": map[string]any{"emergency_contact_from_age": 70}})
	elder := srv.Login(t, "13800000009", testserver.Password) // 陈美娣, born 1948, no contact on file
	r := asPage(t, srv, elder, "POST", "/activities/"+a["id"].(string)+"/register", "next=/")
	body := string(r.Body)
	if r.Status != 422 || !strings.Contains(body, "需要先留一位紧急联系人") || !strings.Contains(body, `href="/me"`) {
		t.Fatalf("age rule page: %d", r.Status)
	}
}

func TestDeskCounterAndRoster(t *testing.T) {
	srv := testserver.New(t, dbtest.Engines(t)[0])
	staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
	total := func(page string) int {
		m := regexp.MustCompile(`今天来访 (\d+) 人次`).FindStringSubmatch(page)
		if m == nil {
			t.Fatal("no visitor total on the desk")
		}
		n, _ := strconv.Atoi(m[1])
		return n
	}
	before := total(string(asPage(t, srv, staff, "GET", "/desk", "").Body))
	// With htmx only the counter comes back.
	r := asPage(t, srv, staff, "POST", "/desk/visits", "purpose=smartphone_help&count=1", "HX-Request", "true")
	if r.Status != 200 || strings.Contains(string(r.Body), "<html") || !strings.Contains(string(r.Body), `id="tally"`) {
		t.Fatalf("htmx +1: %d %.200s", r.Status, r.Body)
	}
	after := total(string(r.Body))
	// Without JavaScript the desk reloads.
	if r := asPage(t, srv, staff, "POST", "/desk/visits", "purpose=other&count=1"); r.Status != 303 || r.Header.Get("Location") != "/desk" {
		t.Fatalf("plain +1: %d", r.Status)
	}
	last := total(string(asPage(t, srv, staff, "GET", "/desk", "").Body))
	if after != before+1 || last != after+1 {
		t.Fatalf("totals %d, %d, %d do not go up by one", before, after, last)
	}

	a := createActivity(t, srv, staff, map[string]any{"title": "法律咨询", "category": "service", "age_rule": nil})
	id := a["id"].(string)
	page := string(asPage(t, srv, staff, "GET", "/desk/activities/"+id+"?q="+url.QueryEscape("张阿婆"), "").Body)
	m := regexp.MustCompile(`action="/desk/activities/` + id + `/register">\s*<input type="hidden" name="user_id" value="(\d+)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("the walk-in search does not find 张阿婆")
	}
	if r := asPage(t, srv, staff, "POST", "/desk/activities/"+id+"/register", "user_id="+m[1]); r.Status != 303 {
		t.Fatalf("register on behalf: %d", r.Status)
	}
	if r := asPage(t, srv, staff, "POST", "/desk/activities/"+id+"/attendance", "user_id="+m[1]); r.Status != 303 {
		t.Fatalf("check in: %d", r.Status)
	}
	page = string(asPage(t, srv, staff, "GET", "/desk/activities/"+id, "").Body)
	if !strings.Contains(page, "张阿婆") || !strings.Contains(page, "✓ 已到") {
		t.Fatal("the roster does not show 张阿婆 present")
	}
}

func TestCheckinPageWithTheDoorCode(t *testing.T) {
	srv := testserver.New(t, dbtest.Engines(t)[0])
	staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
	st := srv.Station.ID.String()
	code := srv.Do(t, "GET", "/api/v1/stations/"+st+"/checkin-code", staff, nil).JSON(t)["code"].(string)
	door := string(asPage(t, srv, staff, "GET", "/desk/door", "").Body)
	if !strings.Contains(door, code) || !strings.Contains(door, `http-equiv="refresh"`) {
		t.Fatal("the door page lacks the code or its refresh")
	}
	resident := srv.Login(t, testserver.ResidentPhone, testserver.Password)
	if r := asPage(t, srv, resident, "POST", "/checkin", "station="+st+"&code=000000x"); r.Status != 422 || !strings.Contains(string(r.Body), "签到码不对") {
		t.Fatalf("wrong code: %d", r.Status)
	}
	r := asPage(t, srv, resident, "POST", "/checkin", "station="+st+"&code="+code)
	if r.Status != 303 {
		t.Fatalf("check-in: %d %s", r.Status, r.Body)
	}
	if page := string(asPage(t, srv, resident, "GET", r.Header.Get("Location"), "").Body); !strings.Contains(page, "签到成功") {
		t.Fatal("no confirmation after checking in")
	}
}

func TestHealthPagesKeepDataPrivate(t *testing.T) {
	srv := testserver.New(t, dbtest.Engines(t)[0])
	resident := srv.Login(t, testserver.ResidentPhone, testserver.Password) // 李建华, with readings from the demo
	page := string(asPage(t, srv, resident, "GET", "/health", "").Body)
	if !strings.Contains(page, "<svg") || !strings.Contains(page, "133/85") {
		t.Fatal("the health page lacks the chart or the latest reading")
	}
	other := srv.Login(t, testserver.TalentPhone, testserver.Password)
	if r := asPage(t, srv, other, "GET", "/desk/health?user_id=9", ""); r.Status != 403 {
		t.Fatalf("a resident on the staff health page: %d", r.Status)
	}
	staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
	me := srv.Do(t, "GET", "/api/v1/me", resident, nil).JSON(t)["id"].(string)
	r := asPage(t, srv, staff, "POST", "/desk/health", "user_id="+me+"&kind=blood_pressure&systolic=300&diastolic=80")
	if r.Status != 422 || !strings.Contains(string(r.Body), `id="f-systolic-error"`) {
		t.Fatalf("implausible reading: %d", r.Status)
	}
	r = asPage(t, srv, staff, "POST", "/desk/health", "user_id="+me+"&kind=blood_pressure&systolic=128&diastolic=82&pulse=70")
	if r.Status != 303 {
		t.Fatalf("record: %d", r.Status)
	}
	if page = string(asPage(t, srv, resident, "GET", "/health", "").Body); !strings.Contains(page, "128/82") {
		t.Fatal("the new reading is not on the person's page")
	}
}

// Staff tick the volunteers who helped at a past activity and credit their
// hours from the roster; the form is not there before it begins.
func TestRosterCreditsHelpersHours(t *testing.T) {
	srv := testserver.New(t, dbtest.Engines(t)[0])
	staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
	resident := srv.Login(t, testserver.ResidentPhone, testserver.Password)
	residentID := myID(t, srv, resident)
	soon := createActivity(t, srv, staff, nil)["id"].(string)
	// An activity about to begin: the resident signs up to help, and it
	// begins (the server keeps the real time).
	begins := time.Now().Add(2 * time.Second).Truncate(time.Second)
	past := createActivity(t, srv, staff, map[string]any{"title": "重阳节敬老活动",
		"start": rfc(begins), "end": rfc(begins.Add(2 * time.Hour))})["id"].(string)
	for _, id := range []string{soon, past} {
		if r := srv.Do(t, "POST", "/api/v1/activities/"+id+"/registrations", resident, nil); r.Status != 201 {
			t.Fatalf("register: %d %s", r.Status, r.Body)
		}
		if r := asPage(t, srv, staff, "POST", "/desk/activities/"+id+"/attendance", "user_id="+residentID); r.Status != 303 {
			t.Fatalf("check in: %d", r.Status)
		}
	}
	time.Sleep(time.Until(begins) + 50*time.Millisecond)
	if page := string(asPage(t, srv, staff, "GET", "/desk/activities/"+soon, "").Body); strings.Contains(page, "/credits") {
		t.Error("hours can be credited before the activity begins")
	}
	page := string(asPage(t, srv, staff, "GET", "/desk/activities/"+past, "").Body)
	if !strings.Contains(page, `action="/desk/activities/`+past+`/credits"`) || !strings.Contains(page, `name="user_id" type="checkbox" value="`+residentID+`"`) {
		t.Fatal("the roster of a past activity has no form to credit its helpers")
	}
	if r := asPage(t, srv, staff, "POST", "/desk/activities/"+past+"/credits", "hours=2"); r.Status != 422 || !strings.Contains(string(r.Body), `id="f-helpers-error"`) {
		t.Fatalf("nobody ticked: %d", r.Status)
	}
	if r := asPage(t, srv, staff, "POST", "/desk/activities/"+past+"/credits", "user_id="+residentID+"&hours=abc"); r.Status != 422 || !strings.Contains(string(r.Body), `id="f-hours-error"`) {
		t.Fatalf("hours not a number: %d", r.Status)
	}
	for range 2 { // the second press credits nobody twice
		if r := asPage(t, srv, staff, "POST", "/desk/activities/"+past+"/credits", "user_id="+residentID+"&hours=1.5&memo="+url.QueryEscape("帮忙搬椅子")); r.Status != 303 {
			t.Fatalf("credit: %d %.300s", r.Status, r.Body)
		}
	}
	bank := srv.Do(t, "GET", "/api/v1/me/timebank", resident, nil).JSON(t)
	if bank["balance_minutes"] != float64(90) {
		t.Errorf("the resident holds %v minutes, want 90", bank["balance_minutes"])
	}
}

// A volunteer says what they can do, where and when, with a few ticks;
// the form shows what was saved, and matching suggests them from it.
func TestVolunteerProfilePage(t *testing.T) {
	srv := testserver.New(t, dbtest.Engines(t)[0])
	talent := srv.Login(t, testserver.TalentPhone, testserver.Password)
	resident := srv.Login(t, testserver.ResidentPhone, testserver.Password)
	area := srv.Station.Areas[0].ID.String()
	if r := asPage(t, srv, resident, "GET", "/me/volunteer", ""); r.Status != 403 {
		t.Errorf("a resident who is no volunteer: %d", r.Status)
	}
	if r := asPage(t, srv, talent, "POST", "/me/volunteer", "skill=magic"); r.Status != 422 {
		t.Errorf("an unknown skill: %d", r.Status)
	}
	if r := asPage(t, srv, talent, "POST", "/me/volunteer", "skill=repair&skill=tech&area="+area+"&free=sat-morning&free=nope"); r.Status != 303 {
		t.Fatalf("save: %d %.300s", r.Status, r.Body)
	}
	page := string(asPage(t, srv, talent, "GET", "/me/volunteer?saved=1", "").Body)
	for _, want := range []string{`value="repair" checked`, `value="tech" checked`, `value="` + area + `" checked`, `value="sat-morning" checked`} {
		if !strings.Contains(page, want) {
			t.Errorf("the saved form lacks %s", want)
		}
	}
	if strings.Contains(page, `value="errand" checked`) || strings.Contains(page, `value="sun-morning" checked`) {
		t.Error("the form ticks what was not chosen")
	}
	r := srv.Do(t, "POST", "/api/v1/help-requests", resident, map[string]any{"title": "教我用手机挂号", "category": "tech"})
	if r.Status != 201 {
		t.Fatalf("ask: %d %s", r.Status, r.Body)
	}
	got := items(t, srv.Do(t, "GET", "/api/v1/help-requests/"+r.JSON(t)["id"].(string)+"/candidates", resident, nil))
	if len(got) == 0 || got[0]["user_id"] != myID(t, srv, talent) {
		t.Errorf("the volunteer is not suggested first: %v", got)
	}
}
