package web_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"guli"
	"guli/internal/dbtest"
	"guli/internal/testserver"
)

// A resident reads what is kept of them and who touched it, downloads it,
// and closes their account on the page: a ticked box and the password
// confirm it; afterwards the session is over and the number free.
func TestMyDataPageAndClosingTheAccount(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		srv := testserver.New(t, e)
		staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
		id, token := srv.Register(t, "程秀英", "13920001001")
		if r := srv.Do(t, "POST", "/api/v1/health-measurements", staff, map[string]any{"user_id": id, "kind": "temperature", "celsius": 36.6}); r.Status != 201 {
			t.Fatalf("measurement: %d %s", r.Status, r.Body)
		}
		a := createActivity(t, srv, staff, map[string]any{"age_rule": nil, "capacity": 1})["id"].(string)
		if r := srv.Do(t, "POST", "/api/v1/activities/"+a+"/registrations", token, nil); r.Status != 201 {
			t.Fatalf("registration: %d %s", r.Status, r.Body)
		}
		_, waiting := srv.Register(t, "候补的人", "13920001002")
		if r := srv.Do(t, "POST", "/api/v1/activities/"+a+"/registrations", waiting, nil); r.Status != 201 || r.JSON(t)["status"] != "waitlisted" {
			t.Fatalf("waitlisted: %d %s", r.Status, r.Body)
		}

		page := string(asPage(t, srv, token, "GET", "/me/data", "").Body)
		for _, want := range []string{"health.record", "顾小里", `href="/me/data/export"`, `action="/me/close"`, "健康记录",
			`href="/me/data?section=health_measurements#records"`} {
			if !strings.Contains(page, want) {
				t.Errorf("the data page lacks %q", want)
			}
		}
		for section, want := range map[string]string{"profile": "13920001001", "health_measurements": "36.6", "registrations": "confirmed"} {
			if page := string(asPage(t, srv, token, "GET", "/me/data?section="+section, "").Body); !strings.Contains(page, want) || strings.Contains(page, "data.f.") {
				t.Errorf("the data page's %s lacks %q, or a label", section, want)
			}
		}
		if r := asPage(t, srv, token, "GET", "/me/data?section=passwords", ""); r.Status != 404 {
			t.Errorf("an unknown kind of record: %d", r.Status)
		}
		if strings.Contains(page, "data.f.") || strings.Contains(page, "data.s.") {
			t.Error("a field or section of the data page has no label in the catalogue")
		}
		en := string(asPage(t, srv, token, "GET", "/me/data", "", "Accept-Language", "en").Body)
		if !strings.Contains(en, "Health checks") || strings.Contains(en, "data.f.") {
			t.Error("the data page in English")
		}
		// The download is a file, and audited.
		r := srv.Do(t, "GET", "/api/v1/me/export", token, nil)
		if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Disposition"), `attachment; filename="guli-`+id+"-") {
			t.Fatalf("download: %d %q", r.Status, r.Header.Get("Content-Disposition"))
		}
		var x map[string]any
		if err := json.Unmarshal(r.Body, &x); err != nil || x["user_id"] != id || len(x["health_measurements"].([]any)) != 1 {
			t.Fatalf("export: %v %s", err, r.Body)
		}

		// The confirmation: the box, then the password.
		wantStatus := func(form string, status int, says string) {
			t.Helper()
			r := asPage(t, srv, token, "POST", "/me/close", form)
			if r.Status != status || !strings.Contains(string(r.Body), says) {
				t.Errorf("close with %q: %d, want %d saying %q", form, r.Status, status, says)
			}
		}
		wantStatus("password=password-13920001001", 422, "必须填写")
		wantStatus("password=wrong-password&confirm=1", 422, "密码不对")
		wantStatus("password=password-13920001001&confirm=1", 200, "账户已注销")
		if r := srv.Do(t, "GET", "/api/v1/me", token, nil); r.Status != 401 {
			t.Errorf("the session after closing: %d", r.Status)
		}
		if regs := items(t, srv.Do(t, "GET", "/api/v1/activities/"+a+"/registrations", staff, nil)); len(regs) != 1 || regs[0]["status"] != "confirmed" || regs[0]["name"] != "候补的人" {
			t.Errorf("the waitlist after the closure: %v", regs)
		}
		if r := srv.Do(t, "POST", "/api/v1/auth/register", "", map[string]any{"name": "新人", "phone": "13920001001", "password": "another-password-1", "area_id": srv.Station.Areas[0].ID.String()}); r.Status != 201 {
			t.Errorf("the number registers again: %d %s", r.Status, r.Body)
		}
	})
}

// Staff close a resident's account at the desk after a confirmation, and
// find it in the audit log, searched by name, action and dates.
func TestClosingAnAccountAtTheDeskAndTheAuditLogPage(t *testing.T) {
	srv := testserver.New(t, dbtest.Engines(t)[0])
	staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
	id, _ := srv.Register(t, "回老家的王伯", "13920002001")
	page := string(asPage(t, srv, staff, "GET", "/desk/residents/"+id+"/close", "").Body)
	if !strings.Contains(page, "回老家的王伯") || !strings.Contains(page, `action="/desk/residents/`+id+`/close"`) {
		t.Fatalf("the confirmation page: %.300s", page)
	}
	// The admin's account is not staff's to close: the page says so
	// rather than offering a form the closing refuses.
	admin := srv.Do(t, "GET", "/api/v1/me", srv.Login(t, testserver.AdminPhone, testserver.Password), nil).JSON(t)["id"].(string)
	if r := asPage(t, srv, staff, "GET", "/desk/residents/"+admin+"/close", ""); r.Status != 403 || strings.Contains(string(r.Body), `action="/desk/residents/`) {
		t.Errorf("the confirmation page for the admin: %d", r.Status)
	}
	if r := asPage(t, srv, staff, "POST", "/desk/residents/"+id+"/close", ""); r.Status != 422 {
		t.Fatalf("closed without the box ticked: %d", r.Status)
	}
	r := asPage(t, srv, staff, "POST", "/desk/residents/"+id+"/close", "confirm=1")
	if r.Status != 303 || r.Header.Get("Location") != "/desk/audit?user_id="+id+"&notice=account_closed" {
		t.Fatalf("closing at the desk: %d %q", r.Status, r.Header.Get("Location"))
	}
	page = string(asPage(t, srv, staff, "GET", r.Header.Get("Location"), "").Body)
	if !strings.Contains(page, "账户已注销") || !strings.Contains(page, "user.close") || !strings.Contains(page, "已注销居民") {
		t.Errorf("the audit page after closing: %.2000s", page)
	}
	// The records keep one name for a closed account; a page in English
	// shows it in English.
	if page := string(asPage(t, srv, staff, "GET", "/desk/audit?user_id="+id, "", "Accept-Language", "en").Body); strings.Contains(page, "已注销居民") || !strings.Contains(page, "Closed account") {
		t.Errorf("the audit page in English names the closed account: %.2000s", page)
	}
	if r := asPage(t, srv, staff, "POST", "/desk/residents/"+id+"/close", "confirm=1"); r.Status != 409 || strings.Contains(string(r.Body), "找不到这个页面") {
		t.Errorf("closed twice: %d %.1500s", r.Status, r.Body)
	}
	today := time.Now().Format("2006-01-02")
	for _, c := range []struct {
		query string
		finds bool
	}{
		{"?action=user.&from=" + today + "&to=" + today, true},
		{"?q=" + "%E5%B7%B2%E6%B3%A8%E9%94%80", true}, // 已注销
		{"?action=health.", false},
		{"?to=2023-01-01", false},
	} {
		page := string(asPage(t, srv, staff, "GET", "/desk/audit"+c.query, "").Body)
		if strings.Contains(page, "user.close") != c.finds {
			t.Errorf("/desk/audit%s finds the closure: %v", c.query, !c.finds)
		}
	}
	if r := asPage(t, srv, staff, "GET", "/desk/audit?from=2023-02-30", ""); r.Status != 422 || !strings.Contains(string(r.Body), "日期格式不对") {
		t.Errorf("a wrong date: %d", r.Status)
	}
	resident := srv.Login(t, testserver.ResidentPhone, testserver.Password)
	if r := asPage(t, srv, resident, "GET", "/desk/audit", ""); r.Status != 403 {
		t.Errorf("a resident on the audit page: %d", r.Status)
	}
}

// The data page's button downloads the same file as the API; once too
// many were taken today it answers the data page saying when to come
// back, next to the button — not an error in JSON in the browser.
func TestMyDataDownloadFromThePage(t *testing.T) {
	srv := testserver.New(t, dbtest.Engines(t)[0])
	id, token := srv.Register(t, "程秀英", "13920001101")
	for i := range guli.ThrottleExport.Free {
		r := asPage(t, srv, token, "GET", "/me/data/export", "")
		if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Disposition"), `attachment; filename="guli-`+id+"-") ||
			r.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("download %d: %d %q %q", i, r.Status, r.Header.Get("Content-Disposition"), r.Header.Get("Cache-Control"))
		}
		var x map[string]any
		if err := json.Unmarshal(r.Body, &x); err != nil || x["user_id"] != id || x["profile"] == nil {
			t.Fatalf("download %d: %v %.200s", i, err, r.Body)
		}
	}
	r := asPage(t, srv, token, "GET", "/me/data/export", "")
	page := string(r.Body)
	if r.Status != 429 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") || r.Header.Get("Retry-After") == "" {
		t.Fatalf("the download once too often: %d %q %q %.200s", r.Status, r.Header.Get("Content-Type"), r.Header.Get("Retry-After"), page)
	}
	alert := strings.Index(page, `role="alert"`)
	if alert < 0 || alert > strings.Index(page, `href="/me/data/export"`) || strings.Contains(page, `<details class="danger-zone" open`) ||
		!strings.Contains(page, "后再试") {
		t.Errorf("the refusal is not said next to the button (or opens the closing form): %.2000s", page)
	}
}
