package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"guli/internal/dbtest"
	"guli/internal/testserver"
)

var formHeader = map[string]string{"Content-Type": "application/x-www-form-urlencoded"}

func cookieOf(r *testserver.Response, name string) *http.Cookie {
	for _, c := range (&http.Response{Header: r.Header}).Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func TestHomePageShowsTodaysHoursInEitherLanguage(t *testing.T) {
	srv := testserver.New(t, dbtest.Engines(t)[0])
	zh := string(srv.Do(t, "GET", "/", "", nil).Body)
	for _, want := range []string{`<html lang="zh-CN"`, "顾里小站", "开放时间", "星期三", "09:00–17:00", "长辈模式", "休息"} {
		if !strings.Contains(zh, want) {
			t.Errorf("Chinese home page lacks %q", want)
		}
	}
	en := string(srv.Send(t, testserver.Request{Method: "GET", Path: "/", Header: map[string]string{"Accept-Language": "en-US,en;q=0.9"}}).Body)
	for _, want := range []string{`<html lang="en"`, "Opening hours", "Wednesday", "Large text"} {
		if !strings.Contains(en, want) {
			t.Errorf("English home page lacks %q", want)
		}
	}
	// The switches are remembered in cookies.
	r := srv.Send(t, testserver.Request{Method: "POST", Path: "/prefs/lang", Body: "lang=en&next=/login", Header: formHeader})
	if r.Status != 303 || r.Header.Get("Location") != "/login" || cookieOf(r, "guli_lang").Value != "en" {
		t.Fatalf("language switch: %d %v", r.Status, r.Header)
	}
	page := string(srv.Send(t, testserver.Request{Method: "GET", Path: "/", Header: map[string]string{"Cookie": "guli_lang=en; guli_elder=1"}}).Body)
	if !strings.Contains(page, `<html lang="en" class="elder">`) || !strings.Contains(page, `aria-pressed="true"`) {
		t.Errorf("cookies for English and elder mode ignored")
	}
	// The switch only sends people back to this site.
	for _, next := range []string{"https://evil.example/", "//evil.example/", "/\\evil.example"} {
		r := srv.Send(t, testserver.Request{Method: "POST", Path: "/prefs/elder", Body: "elder=1&next=" + url.QueryEscape(next), Header: formHeader})
		if loc := r.Header.Get("Location"); loc != "/" {
			t.Errorf("next=%q redirected to %q", next, loc)
		}
	}
}

func TestRegisterPageShowsErrorsNextToFields(t *testing.T) {
	srv := testserver.New(t, dbtest.Engines(t)[0])
	form := url.Values{"name": {"叶阿姨"}, "phone": {"1381234"}, "password": {"123"}, "area_id": {""}, "birth_year": {"一九五零"}}
	r := srv.Send(t, testserver.Request{Method: "POST", Path: "/register", Body: form.Encode(), Header: formHeader})
	body := string(r.Body)
	if r.Status != 422 {
		t.Fatalf("status %d", r.Status)
	}
	for _, want := range []string{
		`id="f-phone-error">请填写11位手机号`,
		`id="f-password-error">密码至少要8位`,
		`id="f-area_id-error">这一项必须填写`,
		`id="f-birth_year-error">数值不在允许的范围内`,
		`value="叶阿姨"`, // what was typed stays
	} {
		if !strings.Contains(body, want) {
			t.Errorf("register page lacks %q", want)
		}
	}
	if strings.Contains(body, `value="123"`) {
		t.Error("the password is echoed back")
	}

	form = url.Values{"name": {"叶阿姨"}, "phone": {"139 1234 5678"}, "password": {"password"}, "area_id": {srv.Station.Areas[2].ID.String()}}
	r = srv.Send(t, testserver.Request{Method: "POST", Path: "/register", Body: form.Encode(), Header: formHeader})
	if r.Status != 422 || !strings.Contains(string(r.Body), `id="f-password-error">这是很常用的密码`) {
		t.Errorf("a common password: %d", r.Status)
	}
	form.Set("password", "菊泉新城的桂花树")
	r = srv.Send(t, testserver.Request{Method: "POST", Path: "/register", Body: form.Encode(), Header: formHeader})
	c := cookieOf(r, "guli_session")
	if r.Status != 303 || c == nil || !strings.HasPrefix(r.Header.Get("Location"), "/") {
		t.Fatalf("registration: %d %v", r.Status, r.Header)
	}
	home := string(srv.Send(t, testserver.Request{Method: "GET", Path: r.Header.Get("Location"), Header: map[string]string{"Cookie": c.Name + "=" + c.Value}}).Body)
	if !strings.Contains(home, "叶阿姨，欢迎您来到小站") {
		t.Errorf("no welcome after registering")
	}

	r = srv.Send(t, testserver.Request{Method: "POST", Path: "/register", Body: form.Encode(), Header: formHeader})
	if r.Status != 409 || !strings.Contains(string(r.Body), "这个手机号已经注册过了") {
		t.Errorf("second registration: %d", r.Status)
	}
}

func TestLoginPage(t *testing.T) {
	srv := testserver.New(t, dbtest.Engines(t)[0])
	r := srv.Send(t, testserver.Request{Method: "POST", Path: "/login", Body: "phone=&password=", Header: formHeader})
	if r.Status != 422 || !strings.Contains(string(r.Body), `id="f-phone-error">这一项必须填写`) {
		t.Errorf("empty login: %d", r.Status)
	}
	r = srv.Send(t, testserver.Request{Method: "POST", Path: "/login", Body: "phone=" + testserver.ResidentPhone + "&password=wrong-password", Header: formHeader})
	if r.Status != 401 || !strings.Contains(string(r.Body), "手机号或密码不对") {
		t.Errorf("wrong password: %d", r.Status)
	}
	// The owner signs in on their phone, which the browser remembers.
	r = srv.Send(t, testserver.Request{Method: "POST", Path: "/login", Body: "phone=" + testserver.ResidentPhone + "&password=" + testserver.Password, Header: formHeader})
	device := cookieOf(r, "guli_device")
	if r.Status != 303 || device == nil || device.MaxAge < 300*24*3600 || !device.HttpOnly {
		t.Fatalf("sign-in gives no lasting device cookie: %d %v", r.Status, device)
	}
	// A stranger guesses the password somewhere else.
	for range 5 {
		srv.Send(t, testserver.Request{Method: "POST", Path: "/login", Body: "phone=" + testserver.ResidentPhone + "&password=wrong-password", Header: formHeader})
	}
	r = srv.Send(t, testserver.Request{Method: "POST", Path: "/login", Body: "phone=" + testserver.ResidentPhone + "&password=" + testserver.Password, Header: formHeader})
	if r.Status != 429 || r.Header.Get("Retry-After") == "" || !strings.Contains(string(r.Body), "秒后再试") {
		t.Errorf("throttled login page on a new device: %d", r.Status)
	}
	// The owner's phone is not held up by the stranger's guesses.
	r = srv.Send(t, testserver.Request{Method: "POST", Path: "/login", Body: "phone=" + testserver.ResidentPhone + "&password=" + testserver.Password,
		Header: map[string]string{"Content-Type": formHeader["Content-Type"], "Cookie": device.Name + "=" + device.Value}})
	if r.Status != 303 {
		t.Errorf("the owner's own phone after a stranger's guesses: %d", r.Status)
	}

	// Signing in sends people back where they were going.
	r = srv.Send(t, testserver.Request{Method: "GET", Path: "/me"})
	if r.Status != 303 || r.Header.Get("Location") != "/login?next=%2Fme" {
		t.Fatalf("/me anonymous: %d %s", r.Status, r.Header.Get("Location"))
	}
	r = srv.Send(t, testserver.Request{Method: "POST", Path: "/login", Body: "next=%2Fme&phone=" + testserver.StaffPhone + "&password=" + testserver.Password, Header: formHeader})
	if r.Status != 303 || r.Header.Get("Location") != "/me" {
		t.Fatalf("login with next: %d %s", r.Status, r.Header.Get("Location"))
	}
	c := cookieOf(r, "guli_session")
	me := srv.Send(t, testserver.Request{Method: "GET", Path: "/me", Header: map[string]string{"Cookie": c.Name + "=" + c.Value}})
	if me.Status != 200 || !strings.Contains(string(me.Body), "顾小里") {
		t.Fatalf("/me signed in: %d", me.Status)
	}
	out := srv.Send(t, testserver.Request{Method: "POST", Path: "/logout", Header: map[string]string{"Cookie": c.Name + "=" + c.Value}})
	if out.Status != 303 || cookieOf(out, "guli_session").MaxAge >= 0 {
		t.Fatalf("logout: %d", out.Status)
	}
	if r := srv.Send(t, testserver.Request{Method: "GET", Path: "/me", Header: map[string]string{"Cookie": c.Name + "=" + c.Value}}); r.Status != 303 {
		t.Fatalf("old cookie after logout: %d", r.Status)
	}
}

func TestEmergencyContactPage(t *testing.T) {
	srv := testserver.New(t, dbtest.Engines(t)[0])
	token := srv.Login(t, testserver.TalentPhone, testserver.Password)
	auth := map[string]string{"Authorization": "Bearer " + token, "Content-Type": "application/x-www-form-urlencoded"}
	r := srv.Send(t, testserver.Request{Method: "POST", Path: "/me", Body: "ec_name=儿子&ec_phone=12345", Header: auth})
	if r.Status != 422 || !strings.Contains(string(r.Body), `id="f-ec_phone-error">请填写11位手机号`) {
		t.Fatalf("bad contact phone: %d", r.Status)
	}
	r = srv.Send(t, testserver.Request{Method: "POST", Path: "/me", Body: "ec_name=儿子&ec_phone=13700009999", Header: auth})
	if r.Status != 303 {
		t.Fatalf("save contact: %d", r.Status)
	}
	me := srv.Do(t, "GET", "/api/v1/me", token, nil).JSON(t)
	if me["emergency_contact"].(map[string]any)["phone"] != "13700009999" {
		t.Fatalf("contact not saved: %v", me)
	}
}

func TestNotFoundPageIsFriendly(t *testing.T) {
	srv := testserver.New(t, dbtest.Engines(t)[0])
	r := srv.Do(t, "GET", "/activities/none/such", "", nil)
	if r.Status != 404 || !strings.Contains(string(r.Body), "找不到这个页面") || !strings.Contains(string(r.Body), `href="/"`) {
		t.Fatalf("404 page: %d %.200s", r.Status, r.Body)
	}
}

// texts keeps the codes an SMS sender would send.
type texts struct {
	mu   sync.Mutex
	sent map[string]string
}

func (x *texts) SendCode(_ context.Context, phone, code string) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.sent[phone] = code
	return nil
}

func TestRegisterPageWithTextedCodes(t *testing.T) {
	sms := &texts{sent: map[string]string{}}
	srv := testserver.New(t, dbtest.Engines(t)[0], testserver.Options{SMS: sms})
	page := string(srv.Do(t, "GET", "/register", "", nil).Body)
	if !strings.Contains(page, `formaction="/register/sms-code"`) || !strings.Contains(page, `id="f-sms_code"`) {
		t.Fatal("the sign-up page has no way to get a code")
	}
	form := url.Values{"name": {"新来的"}, "phone": {"139 1234 0066"}, "area_id": {srv.Station.Areas[0].ID.String()}, "password": {"菊泉新城的桂花树"}}
	r := srv.Send(t, testserver.Request{Method: "POST", Path: "/register/sms-code", Body: form.Encode(), Header: formHeader})
	body := string(r.Body)
	if r.Status != 200 || !strings.Contains(body, "验证码已发送到 139****0066") || !strings.Contains(body, `value="新来的"`) || strings.Contains(body, "菊泉新城的桂花树") {
		t.Fatalf("after sending the code: %d", r.Status)
	}
	r = srv.Send(t, testserver.Request{Method: "POST", Path: "/register", Body: form.Encode(), Header: formHeader})
	if r.Status != 422 || !strings.Contains(string(r.Body), `id="f-sms_code-error"`) {
		t.Fatalf("registering without the code: %d", r.Status)
	}
	form.Set("sms_code", sms.sent["13912340066"])
	r = srv.Send(t, testserver.Request{Method: "POST", Path: "/register", Body: form.Encode(), Header: formHeader})
	if r.Status != 303 || cookieOf(r, "guli_session") == nil {
		t.Fatalf("registering with the code: %d %s", r.Status, r.Body)
	}
	r = srv.Send(t, testserver.Request{Method: "POST", Path: "/register/sms-code", Body: "phone=13912340067", Header: formHeader})
	if r.Status != 200 {
		t.Fatalf("a code for another number: %d", r.Status)
	}
	r = srv.Send(t, testserver.Request{Method: "POST", Path: "/register/sms-code", Body: "phone=13912340067", Header: formHeader})
	if r.Status != 429 || !strings.Contains(string(r.Body), "秒后再试") {
		t.Fatalf("a second code at once: %d", r.Status)
	}
}

// The weeks at the ends of the calendar link to no week past them.
func TestTimetableAtTheEndsOfTheCalendar(t *testing.T) {
	srv := testserver.New(t, dbtest.Engines(t)[0])
	for _, tt := range []struct{ from, never string }{{"9999-12-31", "from=10000-"}, {"0001-01-01", "from=0000-"}} {
		body := string(srv.Do(t, "GET", "/activities?from="+tt.from, "", nil).Body)
		if strings.Contains(body, tt.never) || !strings.Contains(body, "from="+tt.from) {
			t.Errorf("the week of %s links past the calendar: %.3000s", tt.from, body[strings.Index(body, "<main"):])
		}
	}
}

// A room's page is its own station's, whichever station the reader chose,
// and a room booked from it is booked in its station's time.
func TestARoomOfAnotherStation(t *testing.T) {
	srv := testserver.New(t, dbtest.Engines(t)[0])
	admin := srv.Login(t, testserver.AdminPhone, testserver.Password)
	r := srv.Do(t, "POST", "/api/v1/stations", admin, map[string]any{"name": "菊泉小站", "address": "菊泉街",
		"opening_hours": map[string][]string{"mon": {"08:00-20:00"}, "tue": {"08:00-20:00"}, "wed": {"08:00-20:00"}, "thu": {"08:00-20:00"},
			"fri": {"08:00-20:00"}, "sat": {"08:00-20:00"}, "sun": {"08:00-20:00"}}})
	if r.Status != 201 {
		t.Fatalf("second station: %d %s", r.Status, r.Body)
	}
	other := r.JSON(t)["id"].(string)
	room := srv.Do(t, "POST", "/api/v1/stations/"+other+"/rooms", admin, map[string]any{"name": "菊泉活动室", "capacity": 20}).JSON(t)["id"].(string)
	resident := srv.Login(t, testserver.ResidentPhone, testserver.Password)
	page := asPage(t, srv, resident, "GET", "/rooms/"+room, "")
	if page.Status != 200 || !strings.Contains(string(page.Body), "菊泉活动室") || !strings.Contains(string(page.Body), "菊泉小站") {
		t.Fatalf("a room of another station: %d", page.Status)
	}
	day := nextOpen(time.Tuesday, "10:00").Format(time.DateOnly)
	booked := asPage(t, srv, resident, "POST", "/rooms/"+room+"/book", "date="+day+"&from=10:00&to=11:00&purpose="+url.QueryEscape("排练"))
	if booked.Status != 303 {
		t.Fatalf("booking it: %d %.300s", booked.Status, booked.Body)
	}
	// Refused (the same hour again): the error is shown on the room's page.
	again := asPage(t, srv, resident, "POST", "/rooms/"+room+"/book", "date="+day+"&from=10:30&to=11:30&purpose="+url.QueryEscape("排练"))
	if again.Status == 404 || again.Status < 400 || !strings.Contains(string(again.Body), "菊泉活动室") {
		t.Fatalf("a refused booking: %d", again.Status)
	}
	if r := srv.Do(t, "GET", "/rooms/987654", resident, nil); r.Status != 404 {
		t.Fatalf("no such room: %d", r.Status)
	}
}
