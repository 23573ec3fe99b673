package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"guli"
	"guli/internal/dbtest"
	"guli/internal/testserver"
)

func TestErrorConventions(t *testing.T) {
	srv := testserver.New(t, dbtest.Engines(t)[0])
	tests := []struct {
		name   string
		req    testserver.Request
		status int
		code   string
	}{
		{"not JSON", testserver.Request{Method: "POST", Path: "/api/v1/auth/register", Body: "{name: 1"}, 400, "bad_json"},
		{"JSON but not an object", testserver.Request{Method: "POST", Path: "/api/v1/auth/register", Body: `["a"]`}, 400, "bad_json"},
		{"wrong type", testserver.Request{Method: "POST", Path: "/api/v1/auth/register", Body: `{"name": 5}`}, 422, "validation_failed"},
		{"over 1 MiB", testserver.Request{Method: "POST", Path: "/api/v1/auth/register", Body: `{"name": "` + strings.Repeat("长", 1<<19) + `"}`}, 413, "body_too_large"},
		{"unknown fields ignored", testserver.Request{Method: "POST", Path: "/api/v1/auth/login", Body: `{"phone": "13800000008", "password": "wrong-one", "colour": "red"}`}, 401, "invalid_credentials"},
		{"limit too small", testserver.Request{Method: "GET", Path: "/api/v1/areas?limit=0"}, 422, "validation_failed"},
		{"limit not a number", testserver.Request{Method: "GET", Path: "/api/v1/areas?limit=ten"}, 422, "validation_failed"},
		{"bad cursor", testserver.Request{Method: "GET", Path: "/api/v1/areas?cursor=%25%25"}, 422, "validation_failed"},
		{"bad token", testserver.Request{Method: "GET", Path: "/api/v1/me", Token: "guli_forged"}, 401, "unauthenticated"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := srv.Send(t, tt.req)
			if r.Status != tt.status || r.ErrorCode() != tt.code {
				t.Fatalf("%d %s, want %d %s: %.300s", r.Status, r.ErrorCode(), tt.status, tt.code, r.Body)
			}
			body := r.JSON(t)["error"].(map[string]any)
			if msg, _ := body["message"].(string); msg == "" || msg == "error."+tt.code {
				t.Fatalf("no message for %s: %v", tt.code, body)
			}
		})
	}
}

func TestValidationErrorsNameFieldsInTheRequestLanguage(t *testing.T) {
	srv := testserver.New(t, dbtest.Engines(t)[0])
	in := map[string]any{"name": "", "phone": "12345", "password": "short", "area_id": "999"}
	for lang, want := range map[string]string{"": "请填写11位手机号", "en": "Enter an 11-digit", "en-GB,en;q=0.9": "Enter an 11-digit", "zh-CN,zh;q=0.9,en;q=0.8": "请填写11位手机号"} {
		r := srv.Send(t, testserver.Request{Method: "POST", Path: "/api/v1/auth/register", Body: in, Header: map[string]string{"Accept-Language": lang}})
		if r.Status != 422 {
			t.Fatalf("status %d", r.Status)
		}
		fields := r.JSON(t)["error"].(map[string]any)["fields"].(map[string]any)
		if !strings.HasPrefix(fields["phone"].(string), want) {
			t.Errorf("Accept-Language %q: phone says %q, want it to start %q", lang, fields["phone"], want)
		}
		for _, f := range []string{"name", "password"} {
			if fields[f] == nil {
				t.Errorf("no message for field %s: %v", f, fields)
			}
		}
	}
}

func TestAccountsOverHTTP(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		srv := testserver.New(t, e)
		area := srv.Station.Areas[1].ID.String()
		r := srv.Do(t, "POST", "/api/v1/auth/register", "", map[string]any{"name": "陆老师的邻居", "phone": "13912345678", "password": "馨清佳苑的老邻居", "area_id": area, "birth_year": 1949})
		if r.Status != 201 {
			t.Fatalf("register: %d %s", r.Status, r.Body)
		}
		user := r.JSON(t)["user"].(map[string]any)
		if user["phone"] != "13912345678" || user["area_id"] != area || user["birth_year"].(float64) != 1949 || user["emergency_contact"] != nil {
			t.Fatalf("registered user %v", user)
		}
		if r := srv.Do(t, "POST", "/api/v1/auth/register", "", map[string]any{"name": "别人", "phone": "13912345678", "password": "another-secret-1", "area_id": area}); r.Status != 409 || r.ErrorCode() != "phone_taken" {
			t.Fatalf("duplicate phone: %d %s", r.Status, r.Body)
		}
		token := srv.Login(t, "13912345678", "馨清佳苑的老邻居")
		r = srv.Do(t, "PATCH", "/api/v1/me", token, map[string]any{"emergency_contact": map[string]string{"name": "女儿", "phone": "13700001234"}})
		if r.Status != 200 || r.JSON(t)["emergency_contact"].(map[string]any)["phone"] != "13700001234" {
			t.Fatalf("set contact: %d %s", r.Status, r.Body)
		}
		r = srv.Do(t, "PATCH", "/api/v1/me", token, map[string]any{"emergency_contact": nil})
		if r.Status != 200 || r.JSON(t)["emergency_contact"] != nil {
			t.Fatalf("clear contact: %d %s", r.Status, r.Body)
		}
		r = srv.Do(t, "PATCH", "/api/v1/me", token, map[string]any{"emergency_contact": "mum"})
		if r.Status != 422 {
			t.Fatalf("contact of the wrong type: %d %s", r.Status, r.Body)
		}
		if r := srv.Do(t, "POST", "/api/v1/auth/logout", token, nil); r.Status != 204 {
			t.Fatalf("logout: %d", r.Status)
		}
		if r := srv.Do(t, "GET", "/api/v1/me", token, nil); r.Status != 401 {
			t.Fatalf("token after logout: %d", r.Status)
		}
	})
}

func TestConcurrentRegistrationsOfOnePhone(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		srv := testserver.New(t, e)
		area := srv.Station.Areas[0].ID.String()
		const n = 20
		statuses := make(chan int, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := srv.Do(t, "POST", "/api/v1/auth/register", "", map[string]any{"name": fmt.Sprintf("抢注%d", i), "phone": "13966668888", "password": "抢注用的密码-" + fmt.Sprint(i), "area_id": area})
				statuses <- r.Status
			}()
		}
		wg.Wait()
		close(statuses)
		count := map[int]int{}
		for s := range statuses {
			count[s]++
		}
		// The others are told the number is taken, until the address has
		// been refused ten times: then it is told to wait.
		if count[201] != 1 || count[409]+count[429] != n-1 || count[409] > 10 {
			t.Fatalf("statuses %v, want one 201 and the rest 409, at most ten of them, or 429", count)
		}
	})
}

func TestLoginThrottlingOverHTTP(t *testing.T) {
	srv := testserver.New(t, dbtest.Engines(t)[0])
	for i := range 5 {
		if r := srv.Do(t, "POST", "/api/v1/auth/login", "", map[string]string{"phone": testserver.ResidentPhone, "password": fmt.Sprintf("guess-%d-x", i)}); r.Status != 401 {
			t.Fatalf("failure %d: %d", i, r.Status)
		}
	}
	r := srv.Do(t, "POST", "/api/v1/auth/login", "", map[string]string{"phone": testserver.ResidentPhone, "password": testserver.Password})
	if r.Status != 429 || r.ErrorCode() != "rate_limited" || r.Header.Get("Retry-After") == "" {
		t.Fatalf("sixth attempt: %d %s Retry-After=%q", r.Status, r.Body, r.Header.Get("Retry-After"))
	}
	// Another resident at the same desk is not held up by it.
	srv.Login(t, testserver.TalentPhone, testserver.Password)
}

func TestPhonesAreMaskedForOthers(t *testing.T) {
	srv := testserver.New(t, dbtest.Engines(t)[0])
	subject, subjectToken := srv.Register(t, "陈阿姨", "13911112222")
	other, _ := srv.Register(t, "邻居", "13911113333")
	_ = other
	resident := srv.Login(t, testserver.ResidentPhone, testserver.Password)
	staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
	admin := srv.Login(t, testserver.AdminPhone, testserver.Password)

	r := srv.Do(t, "GET", "/api/v1/users/"+subject, resident, nil)
	if got := r.JSON(t); got["phone"] != nil || got["area_id"] != nil || got["name"] != "陈阿姨" {
		t.Fatalf("a neighbour sees %v", got)
	}
	if got := srv.Do(t, "GET", "/api/v1/users/"+subject, subjectToken, nil).JSON(t); got["phone"] != "13911112222" {
		t.Fatalf("the person sees %v", got)
	}
	if got := srv.Do(t, "GET", "/api/v1/users/"+subject, staff, nil).JSON(t); got["phone"] != "13911112222" {
		t.Fatalf("staff see %v", got)
	}
	list := srv.Do(t, "GET", "/api/v1/users?q=陈阿姨", staff, nil).JSON(t)["items"].([]any)
	if len(list) != 1 || list[0].(map[string]any)["phone"] != "139****2222" {
		t.Fatalf("staff search list %v", list)
	}
	if strings.Contains(string(srv.Do(t, "GET", "/api/v1/users?q=1391111", staff, nil).Body), "13911112222") {
		t.Fatal("a list shows a full phone number")
	}

	// Staff reads of the person's data are audited, and the person can see them.
	entries := srv.Do(t, "GET", "/api/v1/audit?user_id="+subject, subjectToken, nil).JSON(t)["items"].([]any)
	if len(entries) != 1 || entries[0].(map[string]any)["action"] != "user.view" || entries[0].(map[string]any)["actor_name"] != "顾小里" {
		t.Fatalf("audit as seen by the person: %v", entries)
	}
	if r := srv.Do(t, "GET", "/api/v1/audit?user_id="+subject, resident, nil); r.Status != 403 {
		t.Fatalf("a neighbour reading the audit log: %d", r.Status)
	}
	all := srv.Do(t, "GET", "/api/v1/audit", admin, nil).JSON(t)["items"].([]any)
	var actions []string
	for _, e := range all {
		actions = append(actions, e.(map[string]any)["action"].(string))
	}
	if !strings.Contains(strings.Join(actions, ","), "user.search") {
		t.Fatalf("staff search not audited: %v", actions)
	}
}

func TestStationsOverHTTP(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		srv := testserver.New(t, e)
		admin := srv.Login(t, testserver.AdminPhone, testserver.Password)
		r := srv.Do(t, "POST", "/api/v1/stations", admin, map[string]any{
			"name": "顾里二站", "address": "菊泉街", "opening_hours": map[string][]string{"wed": {"09:00-17:00"}, "thu": {"09:00-17:00"}},
			"opened_on": "2024-03-01"})
		if r.Status != 201 {
			t.Fatalf("create station: %d %s", r.Status, r.Body)
		}
		st := r.JSON(t)
		if st["timezone"] != "Asia/Shanghai" || st["opened_on"] != "2024-03-01" || fmt.Sprint(st["opening_hours"]) != "map[thu:[09:00-17:00] wed:[09:00-17:00]]" {
			t.Fatalf("station %v", st)
		}
		if st["areas"] == nil || st["rooms"] == nil {
			t.Fatalf("a new station lists no areas and rooms arrays: %v", st)
		}
		id := st["id"].(string)
		for _, bad := range []map[string]any{
			{"name": "x", "opening_hours": map[string][]string{"wed": {"9-5"}}},
			{"name": "x", "opening_hours": map[string][]string{"wed": {"17:00-09:00"}}},
			{"name": "x", "opening_hours": map[string][]string{"someday": {"09:00-17:00"}}},
			{"name": "x", "timezone": "Shanghai"},
			{"name": "x", "opened_on": "10/02/2023"},
			{"name": "x", "opening_hours": "always"},
		} {
			if r := srv.Do(t, "POST", "/api/v1/stations", admin, bad); r.Status != 422 {
				t.Errorf("station %v: %d %s", bad, r.Status, r.Body)
			}
		}
		r = srv.Do(t, "GET", "/api/v1/stations/"+id, "", nil)
		if r.Status != 200 || len(r.JSON(t)["areas"].([]any)) != 0 {
			t.Fatalf("get station: %d %s", r.Status, r.Body)
		}
		stations := srv.Do(t, "GET", "/api/v1/stations?limit=1", "", nil).JSON(t)
		if len(stations["items"].([]any)) != 1 || stations["next_cursor"] == "" {
			t.Fatalf("first page %v", stations)
		}
		next := srv.Do(t, "GET", "/api/v1/stations?limit=1&cursor="+stations["next_cursor"].(string), "", nil).JSON(t)
		if items := next["items"].([]any); len(items) != 1 || items[0].(map[string]any)["id"] != id || next["next_cursor"] != nil {
			t.Fatalf("second page %v", next)
		}
	})
}

// panicky makes one service method panic, as a bug would.
type panicky struct{ guli.AccountService }

func (panicky) FindUsers(context.Context, string, guli.ListOptions) (guli.Page[*guli.User], error) {
	panic("a bug in FindUsers")
}

func TestPanicsAnswerJSONAndAreLogged(t *testing.T) {
	srv := testserver.New(t, dbtest.Engines(t)[0], testserver.Options{Wrap: func(s *guli.Services) {
		s.Accounts = panicky{s.Accounts}
	}})
	srv.AllowErrors = true
	staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
	r := srv.Do(t, "GET", "/api/v1/users", staff, nil)
	if r.Status != 500 || r.ErrorCode() != "internal" {
		t.Fatalf("panic answered %d %s", r.Status, r.Body)
	}
	if r := srv.Do(t, "GET", "/healthz", "", nil); r.Status != 200 {
		t.Fatal("the server did not survive the panic")
	}
}

func TestMetricsCountRequestsByRoute(t *testing.T) {
	srv := testserver.New(t, dbtest.Engines(t)[0])
	srv.Do(t, "GET", "/api/v1/areas", "", nil)
	srv.Do(t, "GET", "/api/v1/areas", "", nil)
	// Junk methods are counted under one label, not one each.
	for i := range 20 {
		srv.Do(t, fmt.Sprintf("JUNK%d", i), "/api/v1/areas", "", nil)
	}
	if r := srv.Do(t, "GET", "/metrics", "", nil); r.Status != 401 {
		t.Errorf("metrics for anyone: %d", r.Status)
	}
	if r := srv.Do(t, "GET", "/metrics", srv.Login(t, testserver.StaffPhone, testserver.Password), nil); r.Status != 403 {
		t.Errorf("metrics for staff: %d", r.Status)
	}
	body := string(srv.Do(t, "GET", "/metrics", srv.Login(t, testserver.AdminPhone, testserver.Password), nil).Body)
	for _, want := range []string{
		`guli_http_requests_total{code="200",method="GET",route="GET /api/v1/areas"} 2`,
		`guli_http_request_duration_seconds_bucket{route="GET /api/v1/areas",le="`,
		`guli_http_requests_total{code="405",method="OTHER",route="unmatched"} 20`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	if strings.Contains(body, "JUNK") {
		t.Error("a junk method became a label")
	}
}

func TestSecurityHeadersAndCrossOriginProtection(t *testing.T) {
	srv := testserver.New(t, dbtest.Engines(t)[0])
	for _, path := range []string{"/", "/login", "/api/v1/areas", "/no-such-page"} {
		h := srv.Do(t, "GET", path, "", nil).Header
		csp := h.Get("Content-Security-Policy")
		if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("%s: CSP %q", path, csp)
		}
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") == "" {
			t.Errorf("%s: headers %v", path, h)
		}
	}

	// A cookie session from the pages.
	r := srv.Send(t, testserver.Request{Method: "POST", Path: "/login", Body: "phone=" + testserver.ResidentPhone + "&password=" + testserver.Password,
		Header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}})
	var cookie string
	for _, c := range (&http.Response{Header: r.Header}).Cookies() {
		if c.Name == "guli_session" {
			cookie = c.Name + "=" + c.Value
			if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode {
				t.Errorf("session cookie %+v", c)
			}
		}
	}
	if r.Status != 303 || cookie == "" {
		t.Fatalf("page login: %d, cookie %q", r.Status, cookie)
	}
	patch := func(headers map[string]string) int {
		headers["Cookie"] = cookie
		return srv.Send(t, testserver.Request{Method: "PATCH", Path: "/api/v1/me", Body: map[string]any{"birth_year": 1950}, Header: headers}).Status
	}
	if s := patch(map[string]string{"Sec-Fetch-Site": "cross-site"}); s != 403 {
		t.Errorf("cross-site PATCH riding on a cookie: %d, want 403", s)
	}
	if s := patch(map[string]string{"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}); s != 403 {
		t.Errorf("cross-origin PATCH riding on a cookie: %d, want 403", s)
	}
	if s := patch(map[string]string{"Sec-Fetch-Site": "same-origin"}); s != 200 {
		t.Errorf("same-origin PATCH with cookie: %d, want 200", s)
	}
	token := srv.Login(t, testserver.ResidentPhone, testserver.Password)
	r = srv.Send(t, testserver.Request{Method: "PATCH", Path: "/api/v1/me", Token: token, Body: map[string]any{"birth_year": 1950},
		Header: map[string]string{"Sec-Fetch-Site": "cross-site"}})
	if r.Status != 200 {
		t.Errorf("cross-site PATCH with a bearer token: %d, want 200", r.Status)
	}
}
