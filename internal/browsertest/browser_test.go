package browsertest_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"guli/i18n"
	"guli/internal/browsertest"
	"guli/internal/dbtest"
	"guli/internal/testserver"
)

// browser is the one Chromium of this test binary; nil when the tests skip.
var (
	browser    context.Context
	skipReason string
)

func TestMain(m *testing.M) {
	if !browsertest.Available() {
		msg := fmt.Sprintf("no Chromium at %s (install chromium or set GULI_CHROMIUM)", browsertest.ExecPath())
		if os.Getenv("CI") == "true" {
			fmt.Fprintf(os.Stderr, "CI=true but %s: the browser tests must run in CI\n", msg)
			os.Exit(1)
		}
		fmt.Fprintf(os.Stderr, "%s: browser tests skipped\n", msg)
		skipReason = msg
		os.Exit(m.Run())
	}
	ctx, stop, err := browsertest.Start()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	browser = ctx
	code := m.Run()
	stop()
	os.Exit(code)
}

// tab opens a new tab with its own cookies, a phone-sized screen and a
// Chinese browser, for at most a minute. It closes when the test ends.
func tab(t *testing.T) context.Context {
	t.Helper()
	if browser == nil {
		t.Skip(skipReason)
	}
	// A browser context of its own: cookies are per host, not per port, so
	// tabs on two test servers would share the session and preferences.
	tabCtx, closeTab := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	ctx, cancel := context.WithTimeout(tabCtx, 60*time.Second)
	t.Cleanup(func() {
		cancel()
		closeTab()
	})
	do(t, ctx, "set up the tab",
		chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulatePortrait),
		chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
			if _, err := cdp.Call(ctx, tgt, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{
				Headers: network.Headers{"Accept-Language": "zh-CN,zh;q=0.9"}}); err != nil {
				return err
			}
			_, err := cdp.Call(ctx, tgt, emulation.SetLocaleOverride, emulation.SetLocaleOverrideParams{Locale: "zh_CN"})
			return err
		}),
	)
	return ctx
}

// do runs actions in the tab and stops the test when one fails.
func do(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// get runs one action that returns a value.
func get[T any](t *testing.T, ctx context.Context, what string, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return v
}

// open loads the page at path of srv and checks it answered 200.
func open(t *testing.T, ctx context.Context, srv *testserver.Server, path string) {
	t.Helper()
	resp := get(t, ctx, "open "+path, chromedp.NavigateResponse(srv.URL+path))
	if resp == nil || resp.Status != 200 {
		t.Fatalf("open %s: status %v", path, status(resp))
	}
}

// submit clicks the button sel, waits for the page that answers and returns
// its path (with query) and status.
func submit(t *testing.T, ctx context.Context, sel string) (path string, code int64) {
	t.Helper()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("click %s: %v", sel, err)
	}
	if resp == nil {
		t.Fatalf("click %s: no page loaded", sel)
	}
	return pathOf(t, ctx), resp.Status
}

func status(resp *network.Response) any {
	if resp == nil {
		return "no response"
	}
	return resp.Status
}

// pathOf is the path and query of the page in the tab.
func pathOf(t *testing.T, ctx context.Context) string {
	t.Helper()
	loc := get(t, ctx, "read the location", chromedp.Location())
	u, err := url.Parse(loc)
	if err != nil {
		t.Fatalf("location %q: %v", loc, err)
	}
	return u.RequestURI()
}

func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	return strings.TrimSpace(get(t, ctx, "text of "+sel, chromedp.Text(chromedp.CSS(sel))))
}

func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	return get(t, ctx, js, chromedp.Evaluate[T](js))
}

// fill sets the value of each field, by selector.
func fill(t *testing.T, ctx context.Context, fields [][2]string) {
	t.Helper()
	for _, f := range fields {
		do(t, ctx, "fill "+f[0], chromedp.SetValue(chromedp.CSS(f[0]), f[1]))
	}
}

// checkAxe runs axe on the page in the tab and fails the test for each
// serious or critical violation.
func checkAxe(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	vs, err := browsertest.Axe(ctx)
	if err != nil {
		t.Fatalf("axe on %s: %v", page, err)
	}
	for _, v := range browsertest.Serious(vs) {
		t.Errorf("axe on %s: %s", page, v)
	}
	if n := len(vs) - len(browsertest.Serious(vs)); n > 0 {
		var ids []string
		for _, v := range vs {
			ids = append(ids, v.ID+"("+v.Impact+")")
		}
		t.Logf("axe on %s: minor findings: %s", page, strings.Join(ids, ", "))
	}
}

// elderState reads elder mode from the page: the class on <html> and the
// header button's aria-pressed.
func elderState(t *testing.T, ctx context.Context) (class bool, pressed string) {
	t.Helper()
	class = eval[bool](t, ctx, `document.documentElement.classList.contains('elder')`)
	pressed = get(t, ctx, "aria-pressed of the elder button",
		chromedp.AttributeValue(chromedp.CSS(`form[action="/prefs/elder"] button`), "aria-pressed")).Value
	return class, pressed
}

// openOn reports whether the demo station opens on the day of now: Wednesday
// to Sunday, 09:00–17:00 in Asia/Shanghai.
func openOn(now time.Time) bool {
	return now.Weekday() != time.Monday && now.Weekday() != time.Tuesday
}

func TestResidentRegistersLogsInUsesElderModeAndReadsTodaysHours(t *testing.T) {
	cat := i18n.MustLoad()
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	const (
		name     = "张秀英"
		phone    = "13912345678"
		password = "xiuying-1956"
		zh       = i18n.Chinese
	)
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		ctx := tab(t) // first: skips before the database is made when there is no browser
		srv := testserver.New(t, e)

		// Register, first with a phone number that is not one.
		open(t, ctx, srv, "/register")
		if lang := eval[string](t, ctx, `document.documentElement.lang`); lang != zh {
			t.Fatalf(`<html lang=%q> on /register with Accept-Language zh-CN, want %q`, lang, zh)
		}
		area := eval[string](t, ctx, `document.querySelector('#f-area_id option:not([value=""])').value`)
		if area == "" {
			t.Fatal("/register offers no area to choose")
		}
		fill(t, ctx, [][2]string{{"#f-name", name}, {"#f-phone", "1381234"}, {"#f-password", password},
			{"#f-area_id", area}, {"#f-birth_year", "1956"}})
		if path, code := submit(t, ctx, `form[action="/register"] button[type="submit"]`); path != "/register" || code < 400 || code >= 500 {
			t.Fatalf("register with a bad phone: landed on %s with %d, want /register with a 4xx", path, code)
		}
		if got, want := text(t, ctx, "#f-phone-error"), cat.T(zh, "field.invalid_phone"); got != want {
			t.Errorf("#f-phone-error says %q, want %q", got, want)
		}
		if !eval[bool](t, ctx, `(() => {
			const in_ = document.getElementById('f-phone'), err = document.getElementById('f-phone-error');
			return err.closest('.field') === in_.closest('.field') &&
				in_.getAttribute('aria-invalid') === 'true' &&
				(in_.getAttribute('aria-describedby') || '').split(' ').includes('f-phone-error');
		})()`) {
			t.Error("the phone error is not tied to the phone field (same .field, aria-invalid, aria-describedby)")
		}
		checkAxe(t, ctx, "/register with errors")

		// Then right; the form keeps what was typed but the password.
		fill(t, ctx, [][2]string{{"#f-name", name}, {"#f-phone", phone}, {"#f-password", password},
			{"#f-area_id", area}, {"#f-birth_year", "1956"}})
		if path, code := submit(t, ctx, `form[action="/register"] button[type="submit"]`); path != "/?welcome=1" || code != 200 {
			t.Fatalf("register: landed on %s with %d, want /?welcome=1 with 200", path, code)
		}
		if got, want := text(t, ctx, ".notice"), cat.T(zh, "home.welcome", name); got != want {
			t.Errorf("welcome notice says %q, want %q", got, want)
		}
		checkAxe(t, ctx, "/ signed in")

		// Sign out from /me.
		open(t, ctx, srv, "/me")
		if got := text(t, ctx, "main h1"); got != cat.T(zh, "me.title") {
			t.Errorf("/me heading %q, want %q", got, cat.T(zh, "me.title"))
		}
		checkAxe(t, ctx, "/me")
		if path, _ := submit(t, ctx, `form[action="/logout"] button`); path != "/" {
			t.Fatalf("logout: landed on %s, want /", path)
		}
		if eval[bool](t, ctx, `!!document.querySelector('nav a[href="/me"]')`) {
			t.Fatal("after logout the menu still links to /me")
		}

		// Sign in again.
		open(t, ctx, srv, "/login")
		checkAxe(t, ctx, "/login")
		fill(t, ctx, [][2]string{{"#f-phone", phone}, {"#f-password", password}})
		if path, code := submit(t, ctx, `form[action="/login"] button[type="submit"]`); path != "/" || code != 200 {
			t.Fatalf("login: landed on %s with %d, want / with 200", path, code)
		}
		if !eval[bool](t, ctx, `!!document.querySelector('nav a[href="/me"]')`) {
			t.Fatal("after login the menu does not link to /me")
		}

		// Elder mode, and it stays after a reload.
		if class, pressed := elderState(t, ctx); class || pressed != "false" {
			t.Fatalf("before the switch: html.elder=%v aria-pressed=%q, want false, \"false\"", class, pressed)
		}
		if path, _ := submit(t, ctx, `form[action="/prefs/elder"] button`); path != "/" {
			t.Fatalf("elder switch: landed on %s, want /", path)
		}
		if class, pressed := elderState(t, ctx); !class || pressed != "true" {
			t.Fatalf("after the switch: html.elder=%v aria-pressed=%q, want true, \"true\"", class, pressed)
		}
		do(t, ctx, "reload", chromedp.Reload())
		if class, pressed := elderState(t, ctx); !class || pressed != "true" {
			t.Fatalf("after a reload: html.elder=%v aria-pressed=%q, want true, \"true\"", class, pressed)
		}
		checkAxe(t, ctx, "/ in elder mode")

		// Today's hours, as the station's clock reads them.
		before := time.Now().In(shanghai)
		today := text(t, ctx, ".today")
		after := time.Now().In(shanghai)
		const span = "09:00–17:00"
		closed := cat.T(zh, "home.closed_today")
		shows := func(open bool) bool {
			if open {
				return strings.Contains(today, span) && !strings.Contains(today, closed)
			}
			return strings.Contains(today, closed) && !strings.Contains(today, span)
		}
		if !shows(openOn(before)) && !shows(openOn(after)) { // the day may turn between the two
			want := closed
			if openOn(before) {
				want = span
			}
			t.Errorf("today card on %s (Asia/Shanghai) reads %q, want it to show %q", before.Format("Monday 2006-01-02 15:04"), today, want)
		}

		// English.
		if path, _ := submit(t, ctx, `form[action="/prefs/lang"] button`); path != "/" {
			t.Fatalf("language switch: landed on %s, want /", path)
		}
		if lang := eval[string](t, ctx, `document.documentElement.lang`); lang != i18n.English {
			t.Fatalf(`after the language switch <html lang=%q>, want "en"`, lang)
		}
		if got, want := text(t, ctx, `form[action="/prefs/elder"] button`), cat.T(i18n.English, "layout.elder"); got != want {
			t.Errorf("elder button in English reads %q, want %q", got, want)
		}
		if class, _ := elderState(t, ctx); !class {
			t.Error("elder mode was lost when the language changed")
		}
	})
}

// TestAxeReportsProblems makes sure axe runs and reports: a page with an
// unlabelled field and grey-on-white text must fail, a clean page must not.
func TestAxeReportsProblems(t *testing.T) {
	ctx := tab(t)
	bad := `<!doctype html><html lang="en"><head><title>bad</title></head><body><main>` +
		`<h1>Bad</h1><p style="color:#bbb;background:#fff">faint text</p><input type="text" name="q"></main></body></html>`
	do(t, ctx, "open the bad page", chromedp.Navigate("data:text/html;charset=utf-8,"+url.PathEscape(bad)))
	vs, err := browsertest.Axe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	found := map[string][]string{}
	for _, v := range browsertest.Serious(vs) {
		found[v.ID] = v.Targets()
	}
	for _, id := range []string{"color-contrast", "label"} {
		if len(found[id]) == 0 {
			t.Errorf("axe did not report %s on the bad page; it reported %v", id, vs)
		}
	}

	good := `<!doctype html><html lang="en"><head><title>good</title></head><body><main>` +
		`<h1>Good</h1><p>dark text</p><label for="q">Search</label><input id="q" type="text" name="q"></main></body></html>`
	do(t, ctx, "open the good page", chromedp.Navigate("data:text/html;charset=utf-8,"+url.PathEscape(good)))
	vs, err = browsertest.Axe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 0 {
		t.Errorf("axe reported problems on a clean page: %v", vs)
	}
}

// nextOpenDay is the first day after now, in now's zone, on which the demo
// station opens.
func nextOpenDay(now time.Time) time.Time {
	d := now.AddDate(0, 0, 1)
	for !openOn(d) {
		d = d.AddDate(0, 0, 1)
	}
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, now.Location())
}

// login signs in through /login and checks it lands on the home page.
func login(t *testing.T, ctx context.Context, srv *testserver.Server, phone string) {
	t.Helper()
	open(t, ctx, srv, "/login")
	fill(t, ctx, [][2]string{{"#f-phone", phone}, {"#f-password", testserver.Password}})
	if path, code := submit(t, ctx, `form[action="/login"] button[type="submit"]`); path != "/" || code != 200 {
		t.Fatalf("login %s: landed on %s with %d, want / with 200", phone, path, code)
	}
}

// tallyTotal reads the visitor total on the desk, and the count on the first
// +1 button; ok is false while the page is between documents.
func tallyTotal(ctx context.Context) (total, first int, ok bool) {
	got, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`(() => {
		const total = document.querySelector('#tally .total'), n = document.querySelector('#tally form .n');
		return total && n && document.readyState !== 'loading' ? [total.textContent, n.textContent] : [];
	})()`))
	if err != nil || len(got) != 2 {
		return 0, 0, false
	}
	var err1, err2 error
	total, err1 = strconv.Atoi(digits.FindString(got[0]))
	first, err2 = strconv.Atoi(strings.TrimSpace(got[1]))
	return total, first, err1 == nil && err2 == nil
}

var digits = regexp.MustCompile(`\d+`)

// waitTally waits until the desk's visitor total reads want, and returns the
// count on the first +1 button.
func waitTally(t *testing.T, ctx context.Context, want int) (first int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		total, first, ok := tallyTotal(ctx)
		if ok && total == want {
			return first
		}
		if time.Now().After(deadline) {
			t.Fatalf("the visitor total reads %d (readable: %v), want %d", total, ok, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestResidentSignsUpFromTimetableAndStaffChecksThemIn(t *testing.T) {
	cat := i18n.MustLoad()
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	const (
		title = "太极拳入门"
		name  = "李建华"
		zh    = i18n.Chinese
	)
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		began := time.Now()
		ctx := tab(t) // first: skips before the database is made when there is no browser
		desk := tab(t)
		srv := testserver.New(t, e)

		// Staff plan a class on the next open day, in the afternoon, with
		// no room: the test does not lean on the demo week.
		day := nextOpenDay(time.Now().In(shanghai))
		start := day.Add(15 * time.Hour)
		staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
		r := srv.Do(t, "POST", "/api/v1/activities", staff, map[string]any{"station_id": srv.Station.ID.String(),
			"title": title, "description": "杨式太极拳，零基础也欢迎。", "category": "class",
			"start": start.Format(time.RFC3339), "end": start.Add(time.Hour).Format(time.RFC3339), "capacity": 2})
		if r.Status != 201 {
			t.Fatalf("create the class: %d %s", r.Status, r.Body)
		}
		id := r.JSON(t)["items"].([]any)[0].(map[string]any)["id"].(string)
		residentID := srv.Do(t, "GET", "/api/v1/me", srv.Login(t, testserver.ResidentPhone, testserver.Password), nil).JSON(t)["id"].(string)
		date := day.Format(time.DateOnly)
		signUp := fmt.Sprintf(`form[action="/activities/%s/register"]`, id)

		// The resident signs in and finds the class on the timetable, on
		// its day.
		login(t, ctx, srv, testserver.ResidentPhone)
		open(t, ctx, srv, "/activities?from="+date)
		card := fmt.Sprintf(`(() => {
			const card = [...document.querySelectorAll('section.day article.activity')]
				.find(a => a.querySelector('h3').textContent.trim() === %q);
			if (!card) return null;
			const form = card.querySelector('form[action$="/register"]'), ok = card.querySelector('.mine .ok');
			return {day: card.closest('section.day').querySelector('h2').id,
				action: form ? form.getAttribute('action') : '', button: form ? form.querySelector('button').textContent.trim() : '',
				mine: ok ? ok.textContent.trim() : ''};
		})()`, title)
		type cardState struct{ Day, Action, Button, Mine string }
		got := eval[*cardState](t, ctx, card)
		if got == nil {
			t.Fatalf("no card titled %s on /activities?from=%s", title, date)
		}
		if want := (cardState{Day: "d-" + day.Format("20060102"), Action: "/activities/" + id + "/register",
			Button: cat.T(zh, "activity.sign_up")}); *got != want {
			t.Fatalf("the card of %s before signing up: %+v, want %+v", title, *got, want)
		}
		if path, code := submit(t, ctx, signUp+" button"); path != "/activities?from="+date+"&notice=registered" || code != 200 {
			t.Fatalf("sign up: landed on %s with %d, want /activities?from=%s&notice=registered with 200", path, code, date)
		}
		if got, want := text(t, ctx, "p.notice"), cat.T(zh, "notice.registered"); got != want {
			t.Errorf("the notice after signing up says %q, want %q", got, want)
		}
		got = eval[*cardState](t, ctx, card)
		if want := "✓ " + cat.T(zh, "activity.you_confirmed"); got == nil || got.Mine != want || got.Action != "" {
			t.Errorf("the card of %s after signing up: %+v, want it to say %q with no sign-up button", title, got, want)
		}
		checkAxe(t, ctx, "/activities with the notice")

		open(t, ctx, srv, "/activities/"+id)
		if !eval[bool](t, ctx, fmt.Sprintf(`!!document.querySelector('form[action="/activities/%s/cancel"] button')`, id)) {
			t.Errorf("/activities/%s offers no way to cancel the sign-up", id)
		}
		checkAxe(t, ctx, "/activities/{id}")

		open(t, ctx, srv, "/my/activities")
		if !eval[bool](t, ctx, fmt.Sprintf(`[...document.querySelectorAll('article.activity h2 a')]
			.some(a => a.textContent.trim() === %q && a.getAttribute('href') === '/activities/%s')`, title, id)) {
			t.Errorf("/my/activities does not list %s", title)
		}
		checkAxe(t, ctx, "/my/activities")

		open(t, ctx, srv, "/health")
		if !eval[bool](t, ctx, `!!document.querySelector('main svg')`) {
			t.Error("/health shows no chart of the demo's blood-pressure readings")
		}
		checkAxe(t, ctx, "/health")
		open(t, ctx, srv, "/rooms/"+srv.Station.Rooms[0].ID.String())
		checkAxe(t, ctx, "/rooms/{id}")
		open(t, ctx, srv, "/notifications")
		checkAxe(t, ctx, "/notifications")
		open(t, ctx, srv, "/checkin?station="+srv.Station.ID.String()+"&code=000000")
		checkAxe(t, ctx, "/checkin")

		// Elder mode on the timetable. The switch comes back to the page's
		// path, without its query; the week with the class is opened again.
		open(t, ctx, srv, "/activities")
		if path, _ := submit(t, ctx, `form[action="/prefs/elder"] button`); path != "/activities" {
			t.Fatalf("elder switch: landed on %s, want /activities", path)
		}
		open(t, ctx, srv, "/activities?from="+date)
		if class, pressed := elderState(t, ctx); !class || pressed != "true" {
			t.Fatalf("after the switch: html.elder=%v aria-pressed=%q, want true, \"true\"", class, pressed)
		}
		if got := eval[*cardState](t, ctx, card); got == nil || got.Mine == "" {
			t.Errorf("in elder mode the card of %s: %+v, want it marked as signed up", title, got)
		}
		checkAxe(t, ctx, "/activities in elder mode")

		// At the desk, in a tab of its own, staff tick the resident off.
		login(t, desk, srv, testserver.StaffPhone)
		roster := "/desk/activities/" + id
		open(t, desk, srv, roster)
		row := fmt.Sprintf(`(() => {
			const li = [...document.querySelectorAll('ul.roster li')].find(li => li.querySelector('.who')?.textContent.trim() === %q);
			if (!li) return null;
			const b = li.querySelector('form[action="/desk/activities/%s/attendance"] button'), ok = li.querySelector('.ok');
			return {button: b ? b.textContent.trim() : '', ok: ok ? ok.textContent.trim() : '', present: li.classList.contains('present')};
		})()`, name, id)
		type rowState struct {
			Button, OK string
			Present    bool
		}
		if got, want := eval[*rowState](t, desk, row), (rowState{Button: cat.T(zh, "desk.check_in", name)}); got == nil || *got != want {
			t.Fatalf("%s's row on the roster: %+v, want %+v", name, got, want)
		}
		checkAxe(t, desk, "/desk/activities/{id}")
		checkIn := fmt.Sprintf(`form[action="/desk/activities/%s/attendance"]:has(input[name="user_id"][value="%s"]) button`, id, residentID)
		if path, code := submit(t, desk, checkIn); path != roster+"?notice=checked_in" || code != 200 {
			t.Fatalf("check in: landed on %s with %d, want %s?notice=checked_in with 200", path, code, roster)
		}
		if got, want := eval[*rowState](t, desk, row), (rowState{OK: "✓ " + cat.T(zh, "desk.present"), Present: true}); got == nil || *got != want {
			t.Errorf("%s's row after the check-in: %+v, want %+v", name, got, want)
		}
		checkAxe(t, desk, "/desk/activities/{id} after the check-in")

		// The visitor counter: with htmx the tally swaps in place.
		open(t, desk, srv, "/desk")
		checkAxe(t, desk, "/desk")
		total, first, ok := tallyTotal(desk)
		if !ok {
			t.Fatal("/desk shows no visitor total and +1 button in #tally")
		}
		if !eval[bool](t, desk, `typeof window.htmx === 'object'`) {
			t.Fatal("htmx is not loaded on /desk")
		}
		eval[bool](t, desk, `window.sameDocument = true`)
		do(t, desk, "tap +1", chromedp.Click(chromedp.CSS(`#tally form button`)))
		if n := waitTally(t, desk, total+1); n != first+1 {
			t.Errorf("the first +1 button counts %d after a tap, want %d", n, first+1)
		}
		if !eval[bool](t, desk, `window.sameDocument === true`) {
			t.Error("with htmx the +1 button reloaded the page instead of swapping the tally")
		}
		if path := pathOf(t, desk); path != "/desk" {
			t.Errorf("after +1 with htmx the tab is on %s, want /desk", path)
		}
		checkAxe(t, desk, "/desk after +1")

		// Without JavaScript the +1 button posts the form and the desk
		// reloads with the new total.
		do(t, desk, "turn JavaScript off", chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
			_, err := cdp.Call(ctx, tgt, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
			return err
		}))
		open(t, desk, srv, "/desk")
		if eval[bool](t, desk, `typeof window.htmx === 'object'`) {
			t.Fatal("htmx still runs with JavaScript off")
		}
		if path, code := submit(t, desk, `#tally form button`); path != "/desk" || code != 200 {
			t.Fatalf("+1 without JavaScript: landed on %s with %d, want /desk with 200", path, code)
		}
		if n := waitTally(t, desk, total+2); n != first+2 {
			t.Errorf("the first +1 button counts %d after a second tap, want %d", n, first+2)
		}
		do(t, desk, "turn JavaScript on", chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
			_, err := cdp.Call(ctx, tgt, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: false})
			return err
		}))

		// The door screen follows the day's code in place, not by
		// reloading itself: make its ten-minute poll fire now.
		open(t, desk, srv, "/desk/door")
		checkAxe(t, desk, "/desk/door")
		code := text(t, desk, ".door-code strong")
		eval[bool](t, desk, `(() => {
			window.sameDocument = true;
			document.querySelector('.door-code strong').textContent = '-';
			const main = document.getElementById('main');
			main.setAttribute('hx-trigger', 'every 100ms');
			htmx.process(main);
			return true;
		})()`)
		if _, err := chromedp.Run(desk, chromedp.Poll[bool](fmt.Sprintf(
			`document.querySelector('.door-code strong')?.textContent === %q`, code), chromedp.WithPollingTimeout(10*time.Second))); err != nil {
			t.Errorf("the door's code was not fetched again in place: %v", err)
		} else if !eval[bool](t, desk, `window.sameDocument === true`) {
			t.Error("the door page reloaded instead of swapping its code in place")
		}
		open(t, desk, srv, "/desk/health?user_id="+residentID)
		checkAxe(t, desk, "/desk/health?user_id={id}")

		t.Logf("took %v on %s", time.Since(began).Round(time.Millisecond), e.Name)
	})
}

// screenshot saves the tab as name.png in $GULI_SCREENSHOTS, when it is set:
// how the README's pictures are made.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("GULI_SCREENSHOTS")
	if dir == "" {
		return
	}
	// A tall phone screen: the top of the page, as the README shows it.
	do(t, ctx, "a tall screen", chromedp.EmulateViewport(390, 1400, chromedp.EmulateMobile, chromedp.EmulatePortrait))
	png := get(t, ctx, "screenshot "+name, chromedp.CaptureScreenshot())
	do(t, ctx, "the phone's screen again", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulatePortrait))
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestForgottenPasswordAtTheDesk: a resident forgot their password; the
// social worker finds them at the desk and reads out a code; the resident
// sets a new password on their phone and signs in, then changes it again.
// Every page on the way passes axe.
func TestForgottenPasswordAtTheDesk(t *testing.T) {
	srv := testserver.New(t, dbtest.Engines(t)[0])
	desk := tab(t)
	login(t, desk, srv, testserver.StaffPhone)
	open(t, desk, srv, "/desk")
	screenshot(t, desk, "desk")
	open(t, desk, srv, "/desk/residents?q="+url.QueryEscape("李建华"))
	checkAxe(t, desk, "/desk/residents")
	if path, code := submit(t, desk, `form[action$="/password-reset"] button`); code != 201 || !strings.HasSuffix(path, "/password-reset") {
		t.Fatalf("reset button: %s %d", path, code)
	}
	code := text(t, desk, ".big-code")
	if len(code) != 8 {
		t.Fatalf("the code on the page: %q", code)
	}
	checkAxe(t, desk, "the reset code page")
	open(t, desk, srv, "/desk/booking-rules")
	checkAxe(t, desk, "/desk/booking-rules")

	phone := tab(t)
	open(t, phone, srv, "/login")
	if path, status := submit(t, phone, `a[href="/reset"]`); path != "/reset" || status != 200 {
		t.Fatalf("the forgot link: %s %d", path, status)
	}
	checkAxe(t, phone, "/reset")
	fill(t, phone, [][2]string{{"#f-phone", testserver.ResidentPhone}, {"#f-code", code}, {"#f-new_password", "12345678"}})
	if _, status := submit(t, phone, `form[action="/reset"] button[type="submit"]`); status != 422 {
		t.Fatalf("a common password: %d", status)
	}
	checkAxe(t, phone, "/reset with an error")
	fill(t, phone, [][2]string{{"#f-code", code}, {"#f-new_password", "菊泉新城的桂花树"}})
	if path, status := submit(t, phone, `form[action="/reset"] button[type="submit"]`); !strings.HasPrefix(path, "/login?") || status != 200 {
		t.Fatalf("reset: %s %d", path, status)
	}
	if got := get(t, phone, "the phone field", chromedp.Value(chromedp.CSS("#f-phone"))); got != testserver.ResidentPhone {
		t.Errorf("the login page does not have the number filled in: %q", got)
	}
	fill(t, phone, [][2]string{{"#f-password", "菊泉新城的桂花树"}})
	if path, status := submit(t, phone, `form[action="/login"] button[type="submit"]`); path != "/" || status != 200 {
		t.Fatalf("login with the new password: %s %d", path, status)
	}
	screenshot(t, phone, "home")
	open(t, phone, srv, "/me/password")
	checkAxe(t, phone, "/me/password")
	fill(t, phone, [][2]string{{"#f-current_password", "菊泉新城的桂花树"}, {"#f-new_password", "顾村公园的樱花开了"}})
	if path, status := submit(t, phone, `form[action="/me/password"] button[type="submit"]`); path != "/me?notice=password_changed" || status != 200 {
		t.Fatalf("change password: %s %d", path, status)
	}
	checkAxe(t, phone, "/me after changing the password")
	open(t, phone, srv, "/activities")
	screenshot(t, phone, "timetable")
}

// TestMutualAidInTheBrowser: a resident asks for help on /help/new, a
// volunteer takes it from /help and says it is done with its minutes, the
// resident confirms with a rating, and the minutes are in the volunteer's
// time bank. Every page of mutual aid passes axe at a phone's width, in
// normal and elder mode, and none is wider than the phone.
func TestMutualAidInTheBrowser(t *testing.T) {
	cat := i18n.MustLoad()
	const (
		title   = "阳台晾衣架坏了"
		minutes = 45
		zh      = i18n.Chinese
	)
	resident, volunteer, desk := tab(t), tab(t), tab(t) // first: skips before the database is made when there is no browser
	srv := testserver.New(t, dbtest.Engines(t)[0])
	if got := srv.Do(t, "GET", "/api/v1/me/timebank", srv.Login(t, testserver.TalentPhone, testserver.Password), nil).JSON(t)["balance_minutes"]; got != 0.0 {
		t.Fatalf("the volunteer holds %v minutes before the test, want none", got)
	}

	// The volunteer says what they can help with, in a few ticks.
	login(t, volunteer, srv, testserver.TalentPhone)
	open(t, volunteer, srv, "/me/volunteer")
	checkOnPhone(t, volunteer, "/me/volunteer")
	do(t, volunteer, "tick repairs", chromedp.Click(chromedp.CSS(`#f-skill-repair`)))
	if path, code := submit(t, volunteer, `form[action="/me/volunteer"] button[type="submit"]`); path != "/me/volunteer?saved=1" || code != 200 {
		t.Fatalf("saving the volunteer's profile: landed on %s with %d", path, code)
	}
	checkOnPhone(t, volunteer, "/me/volunteer saved")

	// The resident asks, from the big button on /help.
	login(t, resident, srv, testserver.ResidentPhone)
	open(t, resident, srv, "/help")
	checkOnPhone(t, resident, "/help as a resident")
	if path, code := submit(t, resident, `a.button[href="/help/new"]`); path != "/help/new" || code != 200 {
		t.Fatalf("the ask button: %s %d", path, code)
	}
	checkOnPhone(t, resident, "/help/new")
	// Without a title, the error is said next to the field.
	do(t, resident, "choose repairs", chromedp.Click(chromedp.CSS(`label.kind:has(input[value="repair"])`)))
	if _, code := submit(t, resident, `form[action="/help/new"] button[type="submit"]`); code != 422 {
		t.Fatalf("asking without a title: %d", code)
	}
	if got, want := text(t, resident, "#f-title-error"), cat.T(zh, "field.required"); got != want {
		t.Errorf("#f-title-error says %q, want %q", got, want)
	}
	if !eval[bool](t, resident, `document.querySelector('input[name="category"][value="repair"]').checked`) {
		t.Error("the kind of help chosen was lost with the error")
	}
	checkOnPhone(t, resident, "/help/new with an error")
	fill(t, resident, [][2]string{{"#f-title", title}, {"#f-description", "3号楼2楼，下午在家"}})
	path, code := submit(t, resident, `form[action="/help/new"] button[type="submit"]`)
	m := regexp.MustCompile(`^/help/(\d+)\?notice=help_asked$`).FindStringSubmatch(path)
	if m == nil || code != 200 {
		t.Fatalf("asking: landed on %s with %d", path, code)
	}
	page := "/help/" + m[1]
	if got, want := text(t, resident, "p.notice"), cat.T(zh, "notice.help_asked"); got != want {
		t.Errorf("the notice after asking says %q, want %q", got, want)
	}
	if got := text(t, resident, "ol.candidates"); !strings.Contains(got, "程秀英") || !strings.Contains(got, cat.T(zh, "match.reason.skill")) {
		t.Errorf("who could help reads %q, want 程秀英, who can repair", got)
	}
	checkOnPhone(t, resident, "/help/{id} as its requester")

	// The volunteer finds it on /help and takes it.
	login(t, volunteer, srv, testserver.TalentPhone)
	open(t, volunteer, srv, "/help")
	checkOnPhone(t, volunteer, "/help as a volunteer")
	screenshot(t, volunteer, "help")
	claim := fmt.Sprintf(`article.help-card:has(a[href="%s"]) form[action="%s/claim"] button`, page, page)
	if path, code := submit(t, volunteer, claim); path != page+"?notice=help_claimed" || code != 200 {
		t.Fatalf("claim: landed on %s with %d", path, code)
	}
	if got := get(t, volunteer, "the requester's phone", chromedp.AttributeValue(chromedp.CSS(`.facts a[href^="tel:"]`), "href")).Value; got != "tel:"+testserver.ResidentPhone {
		t.Errorf("the volunteer who took it calls %q", got)
	}
	checkOnPhone(t, volunteer, "/help/{id} taken")
	fill(t, volunteer, [][2]string{{"#f-minutes", strconv.Itoa(minutes)}})
	if path, code := submit(t, volunteer, fmt.Sprintf(`form[action="%s/done"] button`, page)); path != page+"?notice=help_done" || code != 200 {
		t.Fatalf("done: landed on %s with %d", path, code)
	}
	checkOnPhone(t, volunteer, "/help/{id} done")

	// The resident confirms, five stars and a word of thanks.
	open(t, resident, srv, page)
	do(t, resident, "five stars", chromedp.Click(chromedp.CSS(`input[name="rating"][value="5"]`)))
	fill(t, resident, [][2]string{{"#f-comment", "修好了，谢谢小程"}})
	if path, code := submit(t, resident, fmt.Sprintf(`form[action="%s/confirm"] button`, page)); path != page+"?notice=help_confirmed" || code != 200 {
		t.Fatalf("confirm: landed on %s with %d", path, code)
	}
	story := text(t, resident, "ol.timeline")
	for _, want := range []string{cat.T(zh, "help.story_done", "程秀英", cat.T(zh, "duration.m", minutes)), cat.T(zh, "help.rated", 5), "修好了，谢谢小程"} {
		if !strings.Contains(story, want) {
			t.Errorf("the story of the request %q lacks %q", story, want)
		}
	}
	checkOnPhone(t, resident, "/help/{id} confirmed")
	screenshot(t, resident, "help-request")
	open(t, resident, srv, "/my/services")
	checkOnPhone(t, resident, "/my/services as a resident")

	// The minutes are in the volunteer's time bank.
	open(t, volunteer, srv, "/timebank")
	if got, want := text(t, volunteer, ".big-balance"), cat.T(zh, "duration.m", minutes); got != want {
		t.Errorf("the volunteer's balance reads %q, want %q", got, want)
	}
	checkOnPhone(t, volunteer, "/timebank")
	screenshot(t, volunteer, "timebank")
	open(t, volunteer, srv, "/my/services")
	checkOnPhone(t, volunteer, "/my/services as a volunteer")

	// The desk, and every page again in elder mode.
	login(t, desk, srv, testserver.StaffPhone)
	open(t, desk, srv, "/desk/help?q="+url.QueryEscape("张阿婆"))
	checkOnPhone(t, desk, "/desk/help")
	for _, tb := range []struct {
		ctx   context.Context
		pages []string
	}{
		{resident, []string{"/help", "/help/new", page, "/my/services", "/timebank"}},
		{volunteer, []string{"/help", page, "/timebank", "/me/volunteer"}},
		{desk, []string{"/desk/help?q=" + url.QueryEscape("张阿婆"), "/help/new?for=" + personID(t, srv, "张阿婆"), page}},
	} {
		inElderMode(t, tb.ctx, srv, tb.pages)
	}
}

// checkOnPhone checks a page as a resident's phone shows it: no serious
// axe finding, and nothing wider than a 390px screen.
func checkOnPhone(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	checkAxe(t, ctx, page)
	if w := eval[int](t, ctx, `document.documentElement.scrollWidth`); w > 390 {
		t.Errorf("%s is %dpx wide on a 390px phone", page, w)
	}
}

// inElderMode switches the tab to elder mode, then opens each of pages
// and checks it on the phone (checkOnPhone).
func inElderMode(t *testing.T, ctx context.Context, srv *testserver.Server, pages []string) {
	t.Helper()
	open(t, ctx, srv, "/")
	if path, _ := submit(t, ctx, `form[action="/prefs/elder"] button`); path != "/" {
		t.Fatalf("elder switch: landed on %s", path)
	}
	for _, p := range pages {
		open(t, ctx, srv, p)
		if class, _ := elderState(t, ctx); !class {
			t.Fatalf("%s is not in elder mode", p)
		}
		checkOnPhone(t, ctx, p+" in elder mode")
	}
}

// personID finds the id of the one person of that name, as staff search.
func personID(t *testing.T, srv *testserver.Server, name string) string {
	t.Helper()
	r := srv.Do(t, "GET", "/api/v1/users?q="+url.QueryEscape(name), srv.Login(t, testserver.StaffPhone, testserver.Password), nil)
	items, _ := r.JSON(t)["items"].([]any)
	if len(items) != 1 {
		t.Fatalf("%d people named %s", len(items), name)
	}
	return items[0].(map[string]any)["id"].(string)
}
