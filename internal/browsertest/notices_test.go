package browsertest_test

import (
	"context"
	"regexp"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"guli/i18n"
	"guli/internal/dbtest"
	"guli/internal/testserver"
)

// TestNoticeBoardInTheBrowser: a resident shares a tip from the write
// form, a neighbour comments on it, and staff find the board, the week
// and the moderation queue. Every page of the board passes axe at a
// phone's width, in normal and elder mode, and none is wider than the
// phone.
func TestNoticeBoardInTheBrowser(t *testing.T) {
	cat := i18n.MustLoad()
	resident, neighbour, desk := tab(t), tab(t), tab(t)
	srv := testserver.New(t, dbtest.Engines(t)[0])

	login(t, resident, srv, testserver.ResidentPhone)
	open(t, resident, srv, "/notices")
	checkOnPhone(t, resident, "/notices")
	if path, code := submit(t, resident, `a.button[href="/notices/new"]`); path != "/notices/new" || code != 200 {
		t.Fatalf("the write button: %s %d", path, code)
	}
	checkOnPhone(t, resident, "/notices/new")
	// Without a title, the error is said next to the field.
	if _, code := submit(t, resident, `form[action="/notices/new"] button[type="submit"]`); code != 422 {
		t.Fatalf("posting without a title: %d", code)
	}
	if got, want := text(t, resident, "#f-title-error"), cat.T(i18n.Chinese, "field.required"); got != want {
		t.Errorf("#f-title-error says %q, want %q", got, want)
	}
	checkOnPhone(t, resident, "/notices/new with an error")
	fill(t, resident, [][2]string{{"#f-title", "菜场搬到东门了"}, {"#f-body", "周三起**菜场**搬到东门。\n<script>document.title='x'</script>"}})
	path, code := submit(t, resident, `form[action="/notices/new"] button[type="submit"]`)
	m := regexp.MustCompile(`^/notices/(\d+)\?notice=post_created$`).FindStringSubmatch(path)
	if m == nil || code != 200 {
		t.Fatalf("posting: landed on %s with %d", path, code)
	}
	page := "/notices/" + m[1]
	if got := text(t, resident, "#post-body strong"); got != "菜场" {
		t.Errorf("the bold word reads %q", got)
	}
	if eval[int](t, resident, `document.querySelectorAll('#post-body script').length`) != 0 {
		t.Error("a script survived in the post")
	}
	checkOnPhone(t, resident, "/notices/{id} as its author")

	login(t, neighbour, srv, testserver.TalentPhone)
	open(t, neighbour, srv, page)
	fill(t, neighbour, [][2]string{{"#f-body", "谢谢提醒！"}})
	if path, code := submit(t, neighbour, `form[action="`+page+`/comments"] button`); path != page || code != 200 {
		t.Fatalf("comment: landed on %s with %d", path, code)
	}
	if got := text(t, neighbour, "#comments .comment:last-of-type p:last-child"); got != "谢谢提醒！" {
		t.Errorf("the comment reads %q", got)
	}
	open(t, neighbour, srv, page)
	screenshot(t, neighbour, "notice")
	do(t, neighbour, "open the report form", chromedp.Click(chromedp.CSS(`details summary`)))
	checkOnPhone(t, neighbour, "/notices/{id} as a neighbour")

	login(t, desk, srv, testserver.StaffPhone)
	open(t, desk, srv, "/notices")
	checkOnPhone(t, desk, "/notices as staff")
	screenshot(t, desk, "notices")
	open(t, desk, srv, "/notices/week")
	checkOnPhone(t, desk, "/notices/week")
	open(t, desk, srv, "/desk/moderation")
	checkOnPhone(t, desk, "/desk/moderation")
	open(t, desk, srv, "/notices/new?kind=safety_alert")
	checkOnPhone(t, desk, "/notices/new as staff")

	for _, tb := range []struct {
		ctx   context.Context
		pages []string
	}{
		{resident, []string{"/notices", "/notices/new", page}},
		{desk, []string{"/notices/week", "/desk/moderation", page}},
	} {
		inElderMode(t, tb.ctx, srv, tb.pages)
	}
}

// A safety alert reaches a resident's open page without a reload: staff
// post it (on PostgreSQL through another server on the same database, as
// another process would), and the resident's board shows the count go up
// and says the alert's title; the alert's page offers 朗读. axe-clean.
func TestASafetyAlertReachesAnOpenPage(t *testing.T) {
	cat := i18n.MustLoad()
	const title = "台风天请勿外出 $& 关好门窗" // "$&" is text, not a pattern, in the live note
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		ctx := tab(t)
		dsn := testserver.DemoDSN(t, e)
		srv := testserver.NewOnDSN(t, dsn)
		actor := srv
		if e.Name == "postgres" {
			actor = testserver.NewOnDSN(t, dsn)
		}
		staff := actor.Login(t, testserver.StaffPhone, testserver.Password)

		login(t, ctx, srv, testserver.ResidentPhone)
		open(t, ctx, srv, "/notices")
		before := eval[string](t, ctx, `document.getElementById('unread-badge').textContent.trim()`)
		for deadline := time.Now().Add(10 * time.Second); !eval[bool](t, ctx, `document.documentElement.dataset.live === 'open'`); time.Sleep(50 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatal("the board did not open its live stream")
			}
		}
		eval[string](t, ctx, `(window.__page = 'not reloaded', window.__page)`)

		r := actor.Do(t, "POST", "/api/v1/posts", staff, map[string]any{"station_id": srv.Station.ID.String(), "kind": "safety_alert",
			"title": title, "body": "关好门窗，**不要**去河边。"})
		if r.Status != 201 {
			t.Fatalf("the alert: %d %s", r.Status, r.Body)
		}
		id := r.JSON(t)["id"].(string)
		want := cat.T(i18n.Chinese, "live.new", cat.T(i18n.Chinese, "notify.safety_alert.title", title))
		for deadline := time.Now().Add(10 * time.Second); text(t, ctx, "#live-note") != want; time.Sleep(100 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("the open board says %q, want %q", text(t, ctx, "#live-note"), want)
			}
		}
		if got := eval[string](t, ctx, `window.__page || ''`); got != "not reloaded" {
			t.Fatal("the board was reloaded")
		}
		if got := eval[string](t, ctx, `document.getElementById('unread-badge').textContent.trim()`); got == before {
			t.Errorf("the badge still says %s", got)
		}
		checkAxe(t, ctx, "/notices with a live alert")

		open(t, ctx, srv, "/notices/"+id)
		if got := text(t, ctx, "h1"); got != title {
			t.Errorf("the alert's page is titled %q", got)
		}
		if eval[bool](t, ctx, `'speechSynthesis' in window`) == eval[bool](t, ctx, `document.querySelector('button.read-aloud').hidden`) {
			t.Error("the read-aloud button is shown where the browser cannot speak, or hidden where it can")
		}
		checkAxe(t, ctx, "/notices/{id} of an alert")
	})
}
