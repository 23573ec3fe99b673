package browsertest_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"guli/internal/dbtest"
	"guli/internal/testserver"
)

// TestFiguresInTheBrowser: on 顾里小站 with the article's history (guli
// demo --like-seed), a resident follows the home page's tile to the
// station's figures, with three charts and their tables, and asks for the
// article's days with the page's form: they read as the article does,
// 已服务近180天, 累计服务居民近9000人次, 236 residents who asked, 948
// services. The admin reads the desk's figures, picks this month with a
// click, and reads the district's table. Every page passes axe at a
// phone's width, in normal and elder mode, and none is wider than the
// phone (the district's wide table scrolls inside its own box).
func TestFiguresInTheBrowser(t *testing.T) {
	if browser == nil {
		t.Skip(skipReason)
	}
	// The history first: writing it takes a while (more under -race), and
	// a tab lives a minute. On PostgreSQL when there is one, as the
	// history's own browser test: one fill serves both.
	engines := dbtest.Engines(t)
	srv := testserver.NewOnDSN(t, testserver.HistoryDSN(t, engines[len(engines)-1]))
	resident, desk := tab(t), tab(t)

	open(t, resident, srv, "/")
	if path, code := submit(t, resident, `a.tile[href="/stats"]`); path != "/stats" || code != 200 {
		t.Fatalf("the figures' tile: landed on %s with %d", path, code)
	}
	if got := text(t, resident, "h1"); got != "顾里小站的服务成果" {
		t.Errorf("the figures' page is titled %q", got)
	}
	if n := eval[int](t, resident, `document.querySelectorAll('svg.chart-bars[role="img"] > title').length`); n != 3 {
		t.Errorf("%d charts with a title, want 3", n)
	}
	checkOnPhone(t, resident, "/stats")

	fill(t, resident, [][2]string{{"#f-from", "2023-02-10"}, {"#f-to", "2023-10-15"}})
	path, code := submit(t, resident, `form[action="/stats"] button[type="submit"]`)
	if path != "/stats?from=2023-02-10&to=2023-10-15" || code != 200 {
		t.Fatalf("asking for the article's days: landed on %s with %d", path, code)
	}
	if got := eval[[]string](t, resident, `[...document.querySelectorAll('.big-figures .figure-number')].map(e => e.textContent)`); strings.Join(got, " ") != "近180 近9000 236 948 706.6" {
		t.Errorf("the article's days read %q, want 近180 近9000 236 948 and the hours", got)
	}
	// The table under the weekly chart opens without a script, a row a week.
	do(t, resident, "open the table", chromedp.Click(chromedp.CSS(`#chart-visits ~ details summary`)))
	if n := eval[int](t, resident, `[...document.querySelectorAll('section[aria-labelledby="chart-visits"] details[open] tbody tr')].filter(r => r.offsetHeight > 0).length`); n != 36 {
		t.Errorf("the weekly table shows %d rows, want the 36 weeks", n)
	}
	checkOnPhone(t, resident, "/stats of the article's days, with a table open")
	open(t, resident, srv, "/stats?from=2023-02-10&to=2023-10-15")
	screenshot(t, resident, "impact")
	do(t, resident, "scroll to the charts", chromedp.ScrollIntoView(chromedp.CSS(`#chart-visits`)))
	screenshot(t, resident, "impact-charts")

	login(t, desk, srv, testserver.AdminPhone)
	open(t, desk, srv, "/desk")
	if path, code := submit(t, desk, `a[href="/desk/stats"]`); path != "/desk/stats" || code != 200 {
		t.Fatalf("the desk's figures: landed on %s with %d", path, code)
	}
	checkOnPhone(t, desk, "/desk/stats")
	path, code = submit(t, desk, `nav.chips a:first-child`)
	if !regexp.MustCompile(`^/desk/stats\?from=\d{4}-\d{2}-01&to=\d{4}-\d{2}-\d{2}$`).MatchString(path) || code != 200 {
		t.Fatalf("this month: landed on %s with %d", path, code)
	}
	if got := eval[string](t, desk, `document.querySelector('nav.chips a[aria-current="true"]').textContent`); got != "本月" {
		t.Errorf("the chosen range is marked %q", got)
	}
	if path, code := submit(t, desk, `a[href="/admin/district"]`); path != "/admin/district" || code != 200 {
		t.Fatalf("the district's figures: landed on %s with %d", path, code)
	}
	if got := eval[string](t, desk, `document.querySelector('tfoot th').textContent`); got != "合计" {
		t.Errorf("the district's table ends with %q", got)
	}
	if href := eval[string](t, desk, `document.querySelector('a[download]').getAttribute('href')`); !regexp.MustCompile(`^/admin/district\.xlsx\?from=`).MatchString(href) {
		t.Errorf("the workbook's link %q", href)
	}
	checkOnPhone(t, desk, "/admin/district")

	inElderMode(t, resident, srv, []string{"/stats", "/stats?from=2023-02-10&to=2023-10-15"})
	inElderMode(t, desk, srv, []string{"/desk/stats", "/admin/district"})
}
