package web_test

import (
	"context"
	"fmt"
	"guli/web/core"
	"net/http"
	"net/netip"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"guli/internal/dbtest"
	"guli/internal/testserver"
)

// TestMyActivitiesWhileRegistrationsChurn reads one's activities, as JSON,
// as a page and as the private calendar feed, while another client signs
// the same person up and off again and again. A row cancelled between
// reading the list and reading its place must never become a 500.
func TestMyActivitiesWhileRegistrationsChurn(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		srv := testserver.New(t, e)
		staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
		_, token := srv.Register(t, "天天来的人", "13912345001")
		var acts []string
		for _, day := range []time.Weekday{time.Wednesday, time.Thursday, time.Friday, time.Saturday} {
			a := createActivity(t, srv, staff, map[string]any{"start": rfc(nextOpen(day, "14:00")), "end": rfc(nextOpen(day, "15:00")), "capacity": 1})
			acts = append(acts, a["id"].(string))
		}
		// Someone else holds the one place of two of them: my places there are on the waitlist.
		other := srv.Login(t, testserver.ResidentPhone, testserver.Password)
		for _, a := range acts[:2] {
			srv.Do(t, "POST", "/api/v1/activities/"+a+"/registrations", other, nil)
		}
		feed := srv.Do(t, "GET", "/api/v1/me/calendar", token, nil).JSON(t)["url"].(string)
		u, _ := url.Parse(feed)

		ctx, stop := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		var rounds atomic.Int64
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ctx.Err() == nil; i++ {
				a := acts[i%len(acts)]
				srv.Do(t, "POST", "/api/v1/activities/"+a+"/registrations", token, nil)
				srv.Do(t, "DELETE", "/api/v1/activities/"+a+"/registrations/me", token, nil)
				rounds.Add(1)
			}
		}()
		defer func() { stop(); wg.Wait() }()
		// At least 150 reads, and on until the churn has gone round often
		// enough beside them (reads may be much quicker than writes).
		deadline := time.Now().Add(time.Minute)
		for i := 0; i < 150 || rounds.Load() < 20; i++ {
			if time.Now().After(deadline) {
				t.Fatalf("only %d rounds of churn ran beside %d reads in a minute", rounds.Load(), i)
			}
			var r *testserver.Response
			switch i % 3 {
			case 0:
				r = srv.Do(t, "GET", "/api/v1/me/activities", token, nil)
				for _, it := range items(t, r) {
					if reg, _ := it["my_registration"].(map[string]any); reg == nil {
						t.Fatalf("an activity without my place: %v", it)
					}
				}
			case 1:
				r = asPage(t, srv, token, "GET", "/my/activities", "")
			case 2:
				r = srv.Do(t, "GET", u.Path, "", nil)
			}
			if r.Status != 200 {
				t.Fatalf("read %d: %d %s", i, r.Status, r.Body)
			}
		}
	})
}

func TestPasswordLifeCycleOverHTTP(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		srv := testserver.New(t, e)
		id, phone := "", "13912345002"
		id, here := srv.Register(t, "忘性大的人", phone)
		there := srv.Login(t, phone, "password-"+phone)

		// Change the password: weak and wrong are refused with their codes.
		wantError(t, srv.Do(t, "PUT", "/api/v1/me/password", here, map[string]any{"current_password": "password-" + phone, "new_password": "aaaaaaaa"}), 422, "weak_password", "new_password")
		wantError(t, srv.Do(t, "PUT", "/api/v1/me/password", here, map[string]any{"current_password": "not-my-password", "new_password": "菊泉新城的桂花树"}), 422, "wrong_password", "current_password")
		if r := srv.Do(t, "PUT", "/api/v1/me/password", here, map[string]any{"current_password": "password-" + phone, "new_password": "菊泉新城的桂花树"}); r.Status != 204 {
			t.Fatalf("change password: %d %s", r.Status, r.Body)
		}
		if r := srv.Do(t, "GET", "/api/v1/me", here, nil); r.Status != 200 {
			t.Errorf("the session that changed the password: %d", r.Status)
		}
		if r := srv.Do(t, "GET", "/api/v1/me", there, nil); r.Status != 401 {
			t.Errorf("another session after the change: %d", r.Status)
		}

		// Sign out everywhere.
		again := srv.Login(t, phone, "菊泉新城的桂花树")
		if r := srv.Do(t, "POST", "/api/v1/auth/logout-all", here, nil); r.Status != 204 {
			t.Fatalf("logout-all: %d", r.Status)
		}
		for _, tok := range []string{here, again} {
			if r := srv.Do(t, "GET", "/api/v1/me", tok, nil); r.Status != 401 {
				t.Errorf("a session after logout-all: %d", r.Status)
			}
		}

		// Forgotten: staff give a code at the desk page; the resident sets a
		// new password on the reset page.
		staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
		found := string(asPage(t, srv, staff, "GET", "/desk/residents?q="+url.QueryEscape("忘性大"), "").Body)
		if !strings.Contains(found, "/desk/residents/"+id+"/password-reset") || strings.Contains(found, phone) {
			t.Fatalf("the residents page lacks the reset button, or shows the whole phone number")
		}
		r := asPage(t, srv, staff, "POST", "/desk/residents/"+id+"/password-reset", "")
		code := regexp.MustCompile(`class="big-code"[^>]*>(\d{8})<`).FindStringSubmatch(string(r.Body))
		if r.Status != 201 || code == nil {
			t.Fatalf("reset code page: %d", r.Status)
		}
		form := url.Values{"phone": {phone}, "code": {"00000000"}, "new_password": {"秋天的桂花香"}}
		if r := srv.Send(t, testserver.Request{Method: "POST", Path: "/reset", Body: form.Encode(), Header: formHeader}); r.Status != 422 {
			t.Fatalf("reset with a weak password and a wrong code: %d", r.Status)
		}
		form.Set("new_password", "秋天的桂花真的很香")
		if r := srv.Send(t, testserver.Request{Method: "POST", Path: "/reset", Body: form.Encode(), Header: formHeader}); r.Status != 422 || !strings.Contains(string(r.Body), "验证码不对") {
			t.Fatalf("reset with a wrong code: %d %s", r.Status, r.Body)
		}
		form.Set("code", code[1])
		r = srv.Send(t, testserver.Request{Method: "POST", Path: "/reset", Body: form.Encode(), Header: formHeader})
		if r.Status != 303 || !strings.HasPrefix(r.Header.Get("Location"), "/login?") {
			t.Fatalf("reset: %d %s", r.Status, r.Header.Get("Location"))
		}
		srv.Login(t, phone, "秋天的桂花真的很香")
		wantError(t, srv.Do(t, "POST", "/api/v1/auth/reset", "", map[string]any{"phone": phone, "code": code[1], "new_password": "又一个新的好密码"}), 422, "invalid_code", "code")

		// The API gives the code too, to staff only, and audits it.
		resident := srv.Login(t, testserver.ResidentPhone, testserver.Password)
		wantError(t, srv.Do(t, "POST", "/api/v1/users/"+id+"/password-reset", resident, nil), 403, "forbidden", "")
		rc := srv.Do(t, "POST", "/api/v1/users/"+id+"/password-reset", staff, nil)
		if rc.Status != 201 || len(rc.JSON(t)["code"].(string)) != 8 || !strings.HasSuffix(rc.JSON(t)["expires_at"].(string), "+08:00") {
			t.Fatalf("reset code over the API: %d %s", rc.Status, rc.Body)
		}
		own := srv.Login(t, phone, "秋天的桂花真的很香")
		audit := items(t, srv.Do(t, "GET", "/api/v1/audit?user_id="+id, own, nil))
		if len(audit) < 2 || audit[0]["action"] != "user.password_reset" {
			t.Errorf("the person's audit log: %v", audit)
		}
		admin := srv.Login(t, testserver.AdminPhone, testserver.Password)
		adminID := myID(t, srv, admin)
		wantError(t, srv.Do(t, "POST", "/api/v1/users/"+adminID+"/password-reset", staff, nil), 403, "forbidden", "")
	})
}

func TestSignInGivesADeviceThatKeepsTheOwnerIn(t *testing.T) {
	srv := testserver.New(t, dbtest.Engines(t)[0])
	r := srv.Do(t, "POST", "/api/v1/auth/login", "", map[string]string{"phone": testserver.ResidentPhone, "password": testserver.Password})
	device, _ := r.JSON(t)["device_token"].(string)
	if r.Status != 200 || len(device) < 20 {
		t.Fatalf("login: %d %s", r.Status, r.Body)
	}
	for range 6 {
		srv.Do(t, "POST", "/api/v1/auth/login", "", map[string]string{"phone": testserver.ResidentPhone, "password": "a-strangers-guess"})
	}
	r = srv.Do(t, "POST", "/api/v1/auth/login", "", map[string]string{"phone": testserver.ResidentPhone, "password": testserver.Password})
	if r.Status != 429 || r.Header.Get("Retry-After") == "" {
		t.Fatalf("the right password from a new device after guesses: %d", r.Status)
	}
	r = srv.Do(t, "POST", "/api/v1/auth/login", "", map[string]string{"phone": testserver.ResidentPhone, "password": testserver.Password, "device_token": device})
	if r.Status != 200 || r.JSON(t)["device_token"] != device {
		t.Fatalf("the right password from the owner's device: %d %s", r.Status, r.Body)
	}
}

func TestTheLastAdminCannotStepDown(t *testing.T) {
	srv := testserver.New(t, dbtest.Engines(t)[0])
	admin := srv.Login(t, testserver.AdminPhone, testserver.Password)
	id := myID(t, srv, admin)
	wantError(t, srv.Do(t, "PUT", "/api/v1/users/"+id+"/roles", admin, map[string]any{"roles": []string{"staff"}}), 409, "last_admin", "")
	staffID := myID(t, srv, srv.Login(t, testserver.StaffPhone, testserver.Password))
	if r := srv.Do(t, "PUT", "/api/v1/users/"+staffID+"/roles", admin, map[string]any{"roles": []string{"staff", "admin"}}); r.Status != 200 {
		t.Fatalf("a second admin: %d %s", r.Status, r.Body)
	}
	if r := srv.Do(t, "PUT", "/api/v1/users/"+id+"/roles", admin, map[string]any{"roles": []string{"staff"}}); r.Status != 200 {
		t.Fatalf("one of two admins steps down: %d %s", r.Status, r.Body)
	}
}

// TestHealthProbesStayOutOfTheLog: the proxy asks /readyz of every process
// every few seconds (deploy/Caddyfile); answered well, a probe is logged at
// debug level, which the log leaves out, while other requests are info;
// draining, it answers 503 as a warning.
func TestHealthProbesStayOutOfTheLog(t *testing.T) {
	srv := testserver.New(t, dbtest.Engines(t)[0])
	for _, p := range []string{"/healthz", "/readyz", "/api/v1/stations"} {
		if r := srv.Do(t, "GET", p, "", nil); r.Status != 200 {
			t.Fatalf("%s: %d", p, r.Status)
		}
	}
	want := map[string]string{"GET /healthz": "DEBUG", "GET /readyz": "DEBUG", "GET /api/v1/stations": "INFO"}
	for _, line := range strings.Split(srv.Logs(), "\n") {
		for route, level := range want {
			if strings.Contains(line, " route="+route+" status=") {
				if !strings.HasPrefix(line, level+" request ") {
					t.Errorf("%s is logged as %q, want level %s", route, line, level)
				}
				delete(want, route)
			}
		}
	}
	if len(want) > 0 {
		t.Errorf("not logged at all: %v\n%s", want, srv.Logs())
	}
	// Draining before a stop: not ready, a warning and no error (the test
	// server fails on any), while everything else is served.
	srv.Web.Drain()
	srv.AllowErrors = true // the 503 is asked for; the log is checked below
	if r := srv.Do(t, "GET", "/readyz", "", nil); r.Status != 503 || r.JSON(t)["error"].(map[string]any)["code"] != "unavailable" {
		t.Errorf("readyz while draining: %d %s", r.Status, r.Body)
	}
	for _, p := range []string{"/healthz", "/api/v1/stations"} {
		if r := srv.Do(t, "GET", p, "", nil); r.Status != 200 {
			t.Errorf("%s while draining: %d", p, r.Status)
		}
	}
	if logs := srv.Logs(); !strings.Contains(logs, "WARN request method=GET route=GET /readyz status=503") || strings.Contains(logs, "ERROR") {
		t.Errorf("the draining probe is not a warning, or something is an error:\n%s", logs)
	}
}

func TestSmallLeaksAreClosed(t *testing.T) {
	srv := testserver.New(t, dbtest.Engines(t)[0])
	// Folders of static files are not listed.
	for _, p := range []string{"/static/", "/static/vendor/", "/static/vendor"} {
		if r := srv.Do(t, "GET", p, "", nil); r.Status != 404 || strings.Contains(string(r.Body), `href="htmx.min.js"`) {
			t.Errorf("%s: %d, lists the folder", p, r.Status)
		}
	}
	if r := srv.Do(t, "GET", "/static/vendor/htmx.min.js", "", nil); r.Status != 200 {
		t.Errorf("a static file: %d", r.Status)
	}
	// The calendar feed's secret never reaches the log, nor does a search.
	token := srv.Login(t, testserver.ResidentPhone, testserver.Password)
	feed := srv.Do(t, "GET", "/api/v1/me/calendar", token, nil).JSON(t)["url"].(string)
	u, _ := url.Parse(feed)
	if r := srv.Do(t, "GET", u.Path, "", nil); r.Status != 200 {
		t.Fatalf("feed: %d", r.Status)
	}
	secret := strings.TrimSuffix(strings.TrimPrefix(u.Path, "/calendar/"), ".ics")
	// Mistyped addresses of the feed match no route; they are logged, but not whole.
	for _, p := range []string{u.Path + "/", "/" + u.Path, "/calendar/" + secret, "/" + secret + ".ics", "/" + secret, "/13800000008"} {
		srv.Do(t, "GET", p, "", nil)
	}
	staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
	srv.Do(t, "GET", "/api/v1/users?q=13800000008", staff, nil)
	logs := srv.Logs()
	if !strings.Contains(logs, "GET /calendar/{file}") {
		t.Fatalf("the feed's request is not in the log:\n%s", logs)
	}
	for _, s := range []string{secret, "13800000008", token} {
		if strings.Contains(logs, s) {
			t.Errorf("the log holds %q", s)
		}
	}
	// Browsing every resident with an empty search is audited.
	srv.Do(t, "GET", "/api/v1/users", staff, nil)
	admin := srv.Login(t, testserver.AdminPhone, testserver.Password)
	entries := items(t, srv.Do(t, "GET", "/api/v1/audit", admin, nil))
	if len(entries) == 0 || entries[0]["action"] != "user.search" || entries[0]["detail"] != "" {
		t.Errorf("browsing everyone is not audited: %v", entries[:min(2, len(entries))])
	}
	// The contract's address of the station calendar works, as does the first one.
	for _, p := range []string{"/api/v1/calendar.ics", "/calendar.ics"} {
		r := srv.Do(t, "GET", p+"?station_id="+srv.Station.ID.String(), "", nil)
		if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/calendar") {
			t.Errorf("%s: %d", p, r.Status)
		}
	}
	if r := srv.Do(t, "GET", "/favicon.ico", "", nil); r.Status != 200 || r.Header.Get("Content-Type") != "image/svg+xml" {
		t.Errorf("favicon: %d %q", r.Status, r.Header.Get("Content-Type"))
	}
}

func TestBookingRulesOverHTTP(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		srv := testserver.New(t, e)
		st := srv.Station.ID.String()
		staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
		resident := srv.Login(t, testserver.ResidentPhone, testserver.Password)
		rules := srv.Do(t, "GET", "/api/v1/stations/"+st, "", nil).JSON(t)["booking_rules"].(map[string]any)
		if rules["max_days_ahead"] != 60.0 || rules["max_minutes"] != 240.0 || rules["max_future_bookings"] != 4.0 {
			t.Fatalf("default rules %v", rules)
		}
		room := roomNamed(t, srv, "议事厅")
		book := func(token string, start time.Time, d time.Duration) *testserver.Response {
			return srv.Do(t, "POST", "/api/v1/rooms/"+room+"/bookings", token, map[string]any{"start": rfc(start), "end": rfc(start.Add(d)), "purpose": "家庭聚会"})
		}
		r := book(resident, nextOpen(time.Wednesday, "09:00"), 5*time.Hour)
		wantError(t, r, 422, "booking_too_long", "")
		if msg := r.JSON(t)["error"].(map[string]any)["message"].(string); !strings.Contains(msg, "4小时") {
			t.Errorf("the message does not name the limit: %q", msg)
		}
		wantError(t, book(resident, nextOpen(time.Wednesday, "09:00").AddDate(0, 0, 70), time.Hour), 422, "booking_too_far", "")
		for i := range 4 {
			if r := book(resident, nextOpen(time.Thursday, "09:00").Add(time.Duration(i)*time.Hour), time.Hour); r.Status != 201 {
				t.Fatalf("booking %d: %d %s", i, r.Status, r.Body)
			}
		}
		wantError(t, book(resident, nextOpen(time.Friday, "09:00"), time.Hour), 422, "booking_limit", "")
		if r := book(staff, nextOpen(time.Friday, "09:00").AddDate(0, 0, 90), 8*time.Hour); r.Status != 201 {
			t.Fatalf("staff book a whole day three months ahead: %d %s", r.Status, r.Body)
		}

		// Who booked, and why, is for the booker and staff; others see "booked".
		neighbour := srv.Login(t, testserver.TalentPhone, testserver.Password)
		for _, tc := range []struct {
			who   string
			token string
			sees  bool
		}{{"anonymous", "", false}, {"a neighbour", neighbour, false}, {"the booker", resident, true}, {"staff", staff, true}} {
			list := items(t, srv.Do(t, "GET", "/api/v1/rooms/"+room+"/bookings", tc.token, nil))
			mine := 0
			for _, b := range list {
				_, hasPurpose := b["purpose"]
				_, hasUser := b["user_id"]
				if hasPurpose && b["purpose"] == "家庭聚会" && hasUser {
					mine++
				} else if hasPurpose || hasUser {
					t.Errorf("%s sees a half-hidden booking %v", tc.who, b)
				}
			}
			want := map[bool]int{false: 0, true: 4}[tc.sees]
			if tc.who == "staff" {
				want = 5
			}
			if mine != want {
				t.Errorf("%s sees the purpose of %d bookings, want %d", tc.who, mine, want)
			}
			page := string(asPage(t, srv, tc.token, "GET", "/rooms/"+room+"?from="+nextOpen(time.Thursday, "09:00").Format("2006-01-02"), "").Body)
			if strings.Contains(page, "家庭聚会") != tc.sees || (!tc.sees && !strings.Contains(page, "已预约")) {
				t.Errorf("%s on the room page: purpose shown %v", tc.who, strings.Contains(page, "家庭聚会"))
			}
		}

		// Staff change the rules on the desk page.
		r = asPage(t, srv, staff, "POST", "/desk/booking-rules", "max_days_ahead=30&max_hours=1.5&max_future_bookings=6")
		if r.Status != 303 {
			t.Fatalf("rules page: %d", r.Status)
		}
		rules = srv.Do(t, "GET", "/api/v1/stations/"+st, "", nil).JSON(t)["booking_rules"].(map[string]any)
		if rules["max_days_ahead"] != 30.0 || rules["max_minutes"] != 90.0 || rules["max_future_bookings"] != 6.0 {
			t.Fatalf("rules after the page %v", rules)
		}
		r = asPage(t, srv, staff, "POST", "/desk/booking-rules", "max_days_ahead=0&max_hours=NaN&max_future_bookings=六")
		if r.Status != 422 || strings.Count(string(r.Body), `class="field-error"`) != 3 {
			t.Fatalf("bad rules on the page: %d", r.Status)
		}
		wantError(t, srv.Do(t, "PUT", "/api/v1/stations/"+st+"/booking-rules", staff, map[string]any{"max_days_ahead": 30}), 422, "validation_failed", "max_minutes")
	})
}

func TestTheDoorQRCodeCarriesAnUnguessableToken(t *testing.T) {
	srv := testserver.New(t, dbtest.Engines(t)[0])
	staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
	st := srv.Station.ID.String()
	c := srv.Do(t, "GET", "/api/v1/stations/"+st+"/checkin-code", staff, nil).JSON(t)
	tok := c["token"].(string)
	if len(tok) < 20 || tok == c["code"] {
		t.Fatalf("code %v", c)
	}
	resident := srv.Login(t, testserver.ResidentPhone, testserver.Password)
	page := string(asPage(t, srv, resident, "GET", "/checkin?station="+st+"&token="+tok, "").Body)
	if !strings.Contains(page, `name="code" value="`+tok+`"`) || strings.Contains(page, `id="f-code"`) {
		t.Fatal("the page the QR code opens asks to type a code")
	}
	if r := asPage(t, srv, resident, "POST", "/checkin", "station="+st+"&code="+tok); r.Status != 303 {
		t.Fatalf("check-in with the token: %d", r.Status)
	}
	wrong := tok[:len(tok)-1] + "B"
	if wrong == tok {
		wrong = tok[:len(tok)-1] + "C"
	}
	wantError(t, srv.Do(t, "POST", "/api/v1/stations/"+st+"/checkin", resident, map[string]any{"code": wrong}), 422, "invalid_code", "")
}

// TestTheClientIsWhomTheProxySays: behind a trusted proxy the address is
// the last one the proxy added, even when the client sent a line of its
// own, and an IPv6 client counts by its /64.
func TestTheClientIsWhomTheProxySays(t *testing.T) {
	srv := testserver.New(t, dbtest.Engines(t)[0], testserver.Options{TrustProxy: true})
	probe := func(header http.Header) int {
		req, _ := http.NewRequest("POST", srv.URL+"/api/v1/auth/register", strings.NewReader(
			`{"name": "试探", "phone": "`+testserver.ResidentPhone+`", "password": "试探用的长一点的密码", "area_id": "1"}`))
		req.Header = header
		req.Header.Set("Content-Type", "application/json")
		resp, err := srv.Client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for _, tc := range []struct {
		name    string
		header  func(i int) http.Header
		oneUser bool // all eleven are one client: the eleventh waits
	}{
		{"a line of the client's before the proxy's", func(i int) http.Header {
			return http.Header{"X-Forwarded-For": {fmt.Sprintf("10.66.0.%d", i), "10.200.0.1"}}
		}, true},
		{"addresses of one IPv6 block", func(i int) http.Header {
			return http.Header{"X-Forwarded-For": {fmt.Sprintf("2001:db8:1:2::%x", i+1)}}
		}, true},
		{"one list", func(i int) http.Header {
			return http.Header{"X-Forwarded-For": {fmt.Sprintf("10.66.1.%d, 10.200.0.2", i)}}
		}, true},
		// Through a second trusted proxy: the client is the one before it.
		{"eleven clients behind two proxies", func(i int) http.Header {
			return http.Header{"X-Forwarded-For": {fmt.Sprintf("10.66.2.%d, 127.0.0.9", i)}}
		}, false},
		// Proxies that write the client's port, or brackets: still eleven
		// clients, not all the proxy.
		{"eleven clients with their ports", func(i int) http.Header {
			return http.Header{"X-Forwarded-For": {fmt.Sprintf("10.66.3.%d:5%04d", i, i)}}
		}, false},
		{"eleven IPv6 clients in brackets", func(i int) http.Header {
			if i%2 == 0 {
				return http.Header{"X-Forwarded-For": {fmt.Sprintf("[2001:db8:3:%x::1]:443", i)}}
			}
			return http.Header{"X-Forwarded-For": {fmt.Sprintf("[2001:db8:3:%x::1]", i)}}
		}, false},
		// Behind a chain of 10,000 trusted hops (130 KB), the client
		// before them.
		{"eleven clients behind 10,000 proxies", func(i int) http.Header {
			return http.Header{"X-Forwarded-For": {fmt.Sprintf("10.66.4.%d, ", i) + strings.Repeat("127.0.0.9, ", 9999) + "127.0.0.9"}}
		}, false},
	} {
		var got []int
		for i := range 11 {
			got = append(got, probe(tc.header(i)))
		}
		if tc.oneUser && (got[9] != 409 || got[10] != 429) {
			t.Errorf("%s: %v, want ten 409 and then 429", tc.name, got)
		}
		if !tc.oneUser && slices.Contains(got, 429) {
			t.Errorf("%s: %v, want eleven clients, none waiting", tc.name, got)
		}
	}
}

// TestForwardingHeadersOnlyFromTheProxy: a client that reaches the server
// past the proxy cannot pass for other clients by sending X-Forwarded-For,
// nor make links https by X-Forwarded-Proto.
func TestForwardingHeadersOnlyFromTheProxy(t *testing.T) {
	srv := testserver.New(t, dbtest.Engines(t)[0], testserver.Options{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.9.9.9/32")}})
	var got []int
	for i := range 11 {
		r := srv.Send(t, testserver.Request{Method: "POST", Path: "/api/v1/auth/register",
			Header: map[string]string{"X-Forwarded-For": fmt.Sprintf("10.77.0.%d", i)},
			Body:   map[string]string{"name": "试探", "phone": testserver.ResidentPhone, "password": "试探用的长一点的密码", "area_id": "1"}})
		got = append(got, r.Status)
	}
	if got[9] != 409 || got[10] != 429 {
		t.Errorf("forwarded addresses from a client, not the proxy: %v, want ten 409 and then 429 (one client)", got)
	}
}

func TestParsingTrustedProxies(t *testing.T) {
	for _, tc := range []struct {
		in, want string // want: the prefixes, or "error"
	}{
		{"", ""},
		{" , ,", ""},
		{"127.0.0.1", "127.0.0.1/32"},
		{" 10.0.0.0/8 , ::1", "10.0.0.0/8 ::1/128"},
		{"\t10.0.0.1\t,10.0.0.1", "10.0.0.1/32 10.0.0.1/32"},
		{"10.1.2.3/8", "10.0.0.0/8"},
		{"::ffff:192.0.2.1", "192.0.2.1/32"},
		// Mapped blocks are the IPv4 blocks they map: connections are
		// compared unmapped, so as IPv6 blocks they would match nothing.
		{"::ffff:192.0.2.1/128", "192.0.2.1/32"},
		{"::ffff:10.0.0.0/104", "10.0.0.0/8"},
		{"2001:db8::/32", "2001:db8::/32"},
		// Every address: any client would name its own.
		{"0.0.0.0/0", "error"},
		{"::/0", "error"},
		{"::ffff:0.0.0.0/96", "error"},
		{"10.0.0.1, 0.0.0.0/0", "error"},
		{"true", "error"},
		{"fe80::1%eth0", "error"},
		{"10.0.0.0/33", "error"},
		{"10.0.0.0/-1", "error"},
		{"caddy.local", "error"},
		{"127.0.0.1:80", "error"},
		{"[::1]", "error"},
		{"127.0.0.1\x00", "error"},
		{"%FF", "error"},
		{"%00", "error"},
	} {
		ps, err := core.ParseProxies(tc.in)
		var parts []string
		for _, p := range ps {
			parts = append(parts, p.String())
		}
		got := strings.Join(parts, " ")
		if err != nil {
			got = "error"
		}
		if got != tc.want {
			t.Errorf("ParseProxies(%q) = %q (%v), want %q", tc.in, got, err, tc.want)
		}
	}
}

// TestTrustedProxiesAsTheyAreGiven: the proxies parsed from --trust-proxy
// are trusted, an IPv4-mapped block too (it was an IPv6 block no
// connection's unmapped address is in, so every client was the proxy).
func TestTrustedProxiesAsTheyAreGiven(t *testing.T) {
	for _, list := range []string{"127.0.0.1", "::ffff:127.0.0.0/104", "10.0.0.1, ::ffff:127.0.0.1"} {
		proxies, err := core.ParseProxies(list)
		if err != nil {
			t.Fatal(err)
		}
		srv := testserver.New(t, dbtest.Engines(t)[0], testserver.Options{TrustedProxies: proxies})
		var got []int
		for i := range 11 {
			r := srv.Send(t, testserver.Request{Method: "POST", Path: "/api/v1/auth/register",
				Header: map[string]string{"X-Forwarded-For": fmt.Sprintf("10.88.0.%d", i)},
				Body:   map[string]string{"name": "试探", "phone": testserver.ResidentPhone, "password": "试探用的长一点的密码", "area_id": "1"}})
			got = append(got, r.Status)
		}
		if slices.Contains(got, 429) {
			t.Errorf("--trust-proxy %q: %v, want eleven clients, none waiting", list, got)
		}
	}
}

// TestLoginThrottleFollowsTheProxysClient: wrong passwords from a client
// that reaches the server past the proxy count against its own address
// whatever X-Forwarded-For it sends (the 31st waits); through the trusted
// proxy they count against the client the proxy names.
func TestLoginThrottleFollowsTheProxysClient(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		for _, tc := range []struct {
			name    string
			opts    testserver.Options
			waiting bool
		}{
			{"past the proxy", testserver.Options{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.9.9.9/32")}}, true},
			{"through the proxy", testserver.Options{TrustProxy: true}, false},
		} {
			srv := testserver.New(t, e, tc.opts)
			var got []int
			for i := range 31 {
				r := srv.Send(t, testserver.Request{Method: "POST", Path: "/api/v1/auth/login",
					Header: map[string]string{"X-Forwarded-For": fmt.Sprintf("203.0.113.%d", i)},
					Body:   map[string]string{"phone": fmt.Sprintf("1370000%04d", i), "password": "wrong-password-guess"}})
				got = append(got, r.Status)
			}
			if waited := got[30] == 429; waited != tc.waiting || slices.Contains(got[:30], 429) {
				t.Errorf("%s: %v; want thirty 401 and then %v", tc.name, got, map[bool]string{true: "429", false: "401"}[tc.waiting])
			}
		}
	})
}

// TestForwardedAddressesAreCleanText: behind a trusted proxy the client's
// address comes from a header, which is text like any other input.
func TestForwardedAddressesAreCleanText(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		srv := testserver.New(t, e, testserver.Options{TrustProxy: true})
		for _, fwd := range []string{"::1%\xff\xfe", "fe80::1%eth0", "not an address", "10.0.0.1, \xff", "203.0.113.7",
			"%00", "%FF", "203.0.113.7%00", "[::1", "::1]", "[203.0.113.7]", "203.0.113.7:99999", "203.0.113.7:-1", "[::1]:", ",,,", " "} {
			r := srv.Send(t, testserver.Request{Method: "POST", Path: "/api/v1/auth/login", Header: map[string]string{"X-Forwarded-For": fwd},
				Body: map[string]string{"phone": testserver.ResidentPhone, "password": testserver.Password}})
			if r.Status != 200 {
				t.Errorf("X-Forwarded-For %q: %d %s", fwd, r.Status, r.Body)
			}
		}
	})
}

// TestPollInputsOfTheWrongShape: numbers no one expects and values of the
// wrong type in a poll and a ballot are refused with a 4xx, never a 5xx.
func TestPollInputsOfTheWrongShape(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		srv := testserver.New(t, e)
		staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
		resident := srv.Login(t, testserver.ResidentPhone, testserver.Password)
		council := councilWith(t, srv, srv.Station.ID.String(), staff, myID(t, srv, resident))
		poll, _ := openPoll(t, srv, staff, council, nil)
		closes := `"` + rfc(time.Now().Add(time.Hour)) + `"`
		weird := []string{`-1`, `0`, `-9223372036854775809`, `99999999999999999999999999`, `1e308`, `-1e308`, `1.5`, `"1"`, `true`, `null`, `[]`, `{}`}
		var bodies []string
		for _, w := range weird {
			for _, field := range []string{"max_choices", "seats"} {
				bodies = append(bodies, fmt.Sprintf(`{"question": "时间", "options": ["上午", "下午"], "closes_at": %s, %q: %s}`, closes, field, w))
			}
			bodies = append(bodies, fmt.Sprintf(`{"question": "时间", "options": ["上午", "下午"], "closes_at": %s}`, w),
				fmt.Sprintf(`{"question": %s, "options": ["上午", "下午"], "closes_at": %s}`, w, closes),
				fmt.Sprintf(`{"question": "时间", "options": %s, "closes_at": %s}`, w, closes),
				fmt.Sprintf(`{"question": "时间", "options": [%s, "下午"], "closes_at": %s}`, w, closes),
				fmt.Sprintf(`{"question": "时间", "options": ["上午", "下午"], "secret": %s, "closes_at": %s}`, w, closes))
		}
		bodies = append(bodies, `{"question": "时间", "options": ["上午", "下午"], "closes_at": "9999-12-31T23:59:59Z"}`,
			`{"question": "时间", "options": ["上午", "下午"], "closes_at": "0001-01-01T00:00:00Z"}`)
		for _, b := range bodies {
			r := srv.Send(t, testserver.Request{Method: "POST", Path: "/api/v1/councils/" + council + "/polls", Token: staff, Body: b})
			if r.Status >= 500 || (r.Status != 201 && r.Status != 422 && r.Status != 400) {
				t.Errorf("open a poll with %s: %d %s", b, r.Status, r.Body)
			}
		}
		for _, w := range weird {
			for _, b := range []string{fmt.Sprintf(`{"option_ids": %s}`, w), fmt.Sprintf(`{"option_ids": [%s]}`, w),
				fmt.Sprintf(`{"option_ids": [], "user_id": %s}`, w)} {
				for _, token := range []string{resident, staff} {
					r := srv.Send(t, testserver.Request{Method: "POST", Path: "/api/v1/polls/" + poll + "/votes", Token: token, Body: b})
					if r.Status >= 500 { // ["1"] is a ballot for the poll's first option
						t.Errorf("vote with %s: %d %s", b, r.Status, r.Body)
					}
				}
			}
		}
		many := make([]string, 5000)
		for i := range many {
			many[i] = fmt.Sprint(i + 1)
		}
		wantError(t, srv.Do(t, "POST", "/api/v1/polls/"+poll+"/votes", resident, map[string]any{"option_ids": many}), 422, "validation_failed", "option_ids")
	})
}
