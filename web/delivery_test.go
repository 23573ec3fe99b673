package web_test

import (
	"net/url"
	"strings"
	"testing"

	"guli/internal/dbtest"
	"guli/internal/testserver"
)

// Bad input to the delivery routes and to one's e-mail address is refused
// with 4xx naming the field, never a 5xx, on both engines.
func TestDeliveryBadInput(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		srv := testserver.New(t, e)
		st := srv.Station.ID.String()
		staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
		resident := srv.Login(t, testserver.ResidentPhone, testserver.Password)
		hook := "/api/v1/stations/" + st + "/wecom-webhook"
		log := "/api/v1/stations/" + st + "/deliveries"
		bad := func(name string, body any, field string) badCase {
			return badCase{name, "PUT", hook, staff, body, 422, "validation_failed", field}
		}
		runBad(t, srv, []badCase{
			bad("no url", map[string]any{}, "url"),
			bad("url null", map[string]any{"url": nil}, "url"),
			bad("url a number", map[string]any{"url": 5}, "url"),
			bad("url a list", map[string]any{"url": []string{"https://a.cn/x"}}, "url"),
			bad("relative url", map[string]any{"url": "/cgi-bin/webhook/send?key=abc"}, "url"),
			bad("not http", map[string]any{"url": "ftp://qyapi.weixin.qq.com/x"}, "url"),
			bad("script", map[string]any{"url": "javascript:alert(1)"}, "url"),
			bad("user and password", map[string]any{"url": "https://u:p@qyapi.weixin.qq.com/x"}, "url"),
			bad("too long", map[string]any{"url": "https://qyapi.weixin.qq.com/" + strings.Repeat("k", 600)}, "url"),
			bad("control character", map[string]any{"url": "https://qyapi.weixin.qq.com/\u0007"}, "url"),
			{"not JSON", "PUT", hook, staff, `{"url": "https:`, 400, "bad_json", ""},
			{"a JSON list", "PUT", hook, staff, `["https://a.cn"]`, 400, "bad_json", ""},
			{"huge station id", "PUT", "/api/v1/stations/99999999999999999999999/wecom-webhook", staff, map[string]any{"url": ""}, 404, "not_found", ""},
			{"negative station id", "PUT", "/api/v1/stations/-1/wecom-webhook", staff, map[string]any{"url": ""}, 404, "not_found", ""},
			{"no such station, as admin", "GET", "/api/v1/stations/999999/deliveries", srv.Login(t, testserver.AdminPhone, testserver.Password), nil, 404, "not_found", ""},
			{"huge station id, log", "GET", "/api/v1/stations/99999999999999999999999/deliveries", staff, nil, 404, "not_found", ""},
			{"negative limit", "GET", log + "?limit=-1", staff, nil, 422, "validation_failed", "limit"},
			{"huge limit", "GET", log + "?limit=99999999999999999999999", staff, nil, 422, "validation_failed", "limit"},
			{"limit a word", "GET", log + "?limit=many", staff, nil, 422, "validation_failed", "limit"},
			{"cursor of nonsense", "GET", log + "?cursor=" + url.QueryEscape("不是游标"), staff, nil, 422, "validation_failed", "cursor"},
			{"resident sets the robot", "PUT", hook, resident, map[string]any{"url": ""}, 403, "forbidden", ""},
			{"signed out", "GET", log, "", nil, 401, "unauthenticated", ""},
			{"e-mail not an address", "PATCH", "/api/v1/me", resident, map[string]any{"email": "wang at 163"}, 422, "validation_failed", "email"},
			{"e-mail with a name", "PATCH", "/api/v1/me", resident, map[string]any{"email": "王 <wang@163.com>"}, 422, "validation_failed", "email"},
			{"e-mail with a header", "PATCH", "/api/v1/me", resident, map[string]any{"email": "wang@163.com\r\nBcc: x@y.cn"}, 422, "validation_failed", "email"},
			{"e-mail too long", "PATCH", "/api/v1/me", resident, map[string]any{"email": strings.Repeat("w", 250) + "@163.com"}, 422, "validation_failed", "email"},
			{"e-mail a number", "PATCH", "/api/v1/me", resident, map[string]any{"email": 163}, 422, "validation_failed", "email"},
			{"email_on a string", "PATCH", "/api/v1/me", resident, map[string]any{"email_on": "yes"}, 422, "validation_failed", "email_on"},
		})
	})
}

// The robot's address is shown masked everywhere: the API, the desk page
// (also after a refused change) and the audit log; e-mail addresses are the
// person's and their staff's, masked in lists, and set on the /me page.
func TestDeliverySecretsAndPages(t *testing.T) {
	srv := testserver.New(t, dbtest.Engines(t)[0])
	st := srv.Station.ID.String()
	staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
	const key = "5f0c1e2d-aaaa-bbbb-cccc-0123456789ab"
	secret := "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=" + key
	r := srv.Do(t, "PUT", "/api/v1/stations/"+st+"/wecom-webhook", staff, map[string]any{"url": secret})
	if r.Status != 200 || r.JSON(t)["webhook"] != "qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…89ab" {
		t.Fatalf("set: %d %s", r.Status, r.Body)
	}
	page := asPage(t, srv, staff, "GET", "/desk/deliveries", "")
	if page.Status != 200 || strings.Contains(string(page.Body), key) || !strings.Contains(string(page.Body), "key=…89ab") {
		t.Fatalf("the desk page: %d, key shown %v", page.Status, strings.Contains(string(page.Body), key))
	}
	refused := asPage(t, srv, staff, "POST", "/desk/wecom-webhook", "url="+url.QueryEscape(secret+"#x"))
	if refused.Status != 422 || strings.Contains(string(refused.Body), key) {
		t.Fatalf("a refused change: %d, key shown %v", refused.Status, strings.Contains(string(refused.Body), key))
	}
	if saved := asPage(t, srv, staff, "POST", "/desk/wecom-webhook", "url="); saved.Status != 303 {
		t.Fatalf("turn off on the page: %d", saved.Status)
	}
	if r := srv.Do(t, "GET", "/api/v1/stations/"+st+"/wecom-webhook", staff, nil); r.JSON(t)["on"] != false {
		t.Fatalf("after turning off: %s", r.Body)
	}
	audit := srv.Do(t, "GET", "/api/v1/audit", srv.Login(t, testserver.AdminPhone, testserver.Password), nil)
	if strings.Contains(string(audit.Body), key) || !strings.Contains(string(audit.Body), "station.wecom_webhook") {
		t.Fatalf("audit log: %s", audit.Body)
	}

	id, tok := srv.Register(t, "留邮箱的居民", "13912345670")
	if p := asPage(t, srv, tok, "POST", "/me", "ec_name=&ec_phone=&email_form=1&email=Li%40Example.CN&email_on=1"); p.Status != 303 {
		t.Fatalf("the /me form: %d %s", p.Status, p.Body)
	}
	me := srv.Do(t, "GET", "/api/v1/me", tok, nil).JSON(t)
	if me["email"] != "Li@example.cn" || me["email_on"] != true {
		t.Fatalf("me after the form: %v", me)
	}
	// A form of the contact alone leaves the address; unticked, e-mail stops.
	asPage(t, srv, tok, "POST", "/me", "ec_name=&ec_phone=")
	asPage(t, srv, tok, "POST", "/me", "ec_name=&ec_phone=&email_form=1&email=Li%40example.cn")
	if me := srv.Do(t, "GET", "/api/v1/me", tok, nil).JSON(t); me["email"] != "Li@example.cn" || me["email_on"] != false {
		t.Fatalf("me after unticking: %v", me)
	}
	if page := asPage(t, srv, tok, "GET", "/me", ""); !strings.Contains(string(page.Body), `value="Li@example.cn"`) {
		t.Fatal("the /me page does not show the address")
	}
	if u := srv.Do(t, "GET", "/api/v1/users/"+id, staff, nil).JSON(t); u["email"] != "Li@example.cn" {
		t.Fatalf("staff see %v", u)
	}
	for _, u := range items(t, srv.Do(t, "GET", "/api/v1/users?q="+url.QueryEscape("留邮箱"), staff, nil)) {
		if u["email"] != "L***@example.cn" {
			t.Fatalf("in a list staff see %v", u["email"])
		}
	}
	other := srv.Login(t, testserver.ResidentPhone, testserver.Password)
	if u := srv.Do(t, "GET", "/api/v1/users/"+id, other, nil).JSON(t); u["email"] != nil {
		t.Fatalf("another resident sees %v", u["email"])
	}
}
