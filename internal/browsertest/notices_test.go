package browsertest_test

import (
	"context"
	"regexp"
	"testing"

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
	check := func(ctx context.Context, page string) {
		t.Helper()
		checkAxe(t, ctx, page)
		if w := eval[int](t, ctx, `document.documentElement.scrollWidth`); w > 390 {
			t.Errorf("%s is %dpx wide on a 390px phone", page, w)
		}
	}

	login(t, resident, srv, testserver.ResidentPhone)
	open(t, resident, srv, "/notices")
	check(resident, "/notices")
	if path, code := submit(t, resident, `a.button[href="/notices/new"]`); path != "/notices/new" || code != 200 {
		t.Fatalf("the write button: %s %d", path, code)
	}
	check(resident, "/notices/new")
	// Without a title, the error is said next to the field.
	if _, code := submit(t, resident, `form[action="/notices/new"] button[type="submit"]`); code != 422 {
		t.Fatalf("posting without a title: %d", code)
	}
	if got, want := text(t, resident, "#f-title-error"), cat.T(i18n.Chinese, "field.required"); got != want {
		t.Errorf("#f-title-error says %q, want %q", got, want)
	}
	check(resident, "/notices/new with an error")
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
	check(resident, "/notices/{id} as its author")

	login(t, neighbour, srv, testserver.TalentPhone)
	open(t, neighbour, srv, page)
	fill(t, neighbour, [][2]string{{"#f-body", "谢谢提醒！"}})
	if path, code := submit(t, neighbour, `form[action="`+page+`/comments"] button`); path != page || code != 200 {
		t.Fatalf("comment: landed on %s with %d", path, code)
	}
	if got := text(t, neighbour, "#comments .comment:last-of-type p:last-child"); got != "谢谢提醒！" {
		t.Errorf("the comment reads %q", got)
	}
	do(t, neighbour, "open the report form", chromedp.Click(chromedp.CSS(`details summary`)))
	check(neighbour, "/notices/{id} as a neighbour")
	screenshot(t, neighbour, "notice")

	login(t, desk, srv, testserver.StaffPhone)
	open(t, desk, srv, "/notices")
	check(desk, "/notices as staff")
	screenshot(t, desk, "notices")
	open(t, desk, srv, "/notices/week")
	check(desk, "/notices/week")
	open(t, desk, srv, "/desk/moderation")
	check(desk, "/desk/moderation")
	open(t, desk, srv, "/notices/new?kind=safety_alert")
	check(desk, "/notices/new as staff")

	for _, tb := range []struct {
		ctx   context.Context
		pages []string
	}{
		{resident, []string{"/notices", "/notices/new", page}},
		{desk, []string{"/notices/week", "/desk/moderation", page}},
	} {
		open(t, tb.ctx, srv, "/")
		if path, _ := submit(t, tb.ctx, `form[action="/prefs/elder"] button`); path != "/" {
			t.Fatalf("elder switch: landed on %s", path)
		}
		for _, p := range tb.pages {
			open(t, tb.ctx, srv, p)
			if class, _ := elderState(t, tb.ctx); !class {
				t.Fatalf("%s is not in elder mode", p)
			}
			check(tb.ctx, p+" in elder mode")
		}
	}
}
