package browsertest_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"guli/i18n"
	"guli/internal/dbtest"
	"guli/internal/testserver"
)

// A resident's open page shows a new notice without being reloaded: staff
// register them for a class (on PostgreSQL through another server on the
// same database, as another process would), and the count in the menu
// goes up, the notice's title shows and is said. The page stays free of
// accessibility problems, and its 朗读 button reads the class aloud in
// Chinese and stops on a second press.
func TestAnOpenPageHearsOfANewNotice(t *testing.T) {
	cat := i18n.MustLoad()
	const title = "八段锦晨练"
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		ctx := tab(t)
		dsn := testserver.DemoDSN(t, e)
		srv := testserver.NewOnDSN(t, dsn)
		actor := srv // where staff act
		if e.Name == "postgres" {
			actor = testserver.NewOnDSN(t, dsn)
		}
		staff := actor.Login(t, testserver.StaffPhone, testserver.Password)
		start := nextOpenDay(time.Now().In(srv.Station.Location())).Add(10 * time.Hour)
		r := actor.Do(t, "POST", "/api/v1/activities", staff, map[string]any{"station_id": srv.Station.ID.String(),
			"title": title, "description": "跟着老师慢慢做，站着坐着都可以。", "category": "class",
			"start": start.Format(time.RFC3339), "end": start.Add(time.Hour).Format(time.RFC3339)})
		if r.Status != 201 {
			t.Fatalf("create the class: %d %s", r.Status, r.Body)
		}
		id := r.JSON(t)["items"].([]any)[0].(map[string]any)["id"].(string)
		residentID := srv.Do(t, "GET", "/api/v1/me", srv.Login(t, testserver.ResidentPhone, testserver.Password), nil).JSON(t)["id"].(string)

		login(t, ctx, srv, testserver.ResidentPhone)
		open(t, ctx, srv, "/activities/"+id)
		badge := func() (n int, hidden bool) {
			got := eval[[]string](t, ctx, `(() => { const b = document.getElementById('unread-badge');
				return b ? [b.textContent, String(b.hidden)] : []; })()`)
			if len(got) != 2 {
				t.Fatal("no unread badge in the menu")
			}
			n, err := strconv.Atoi(strings.TrimSpace(got[0]))
			if err != nil {
				t.Fatalf("badge %q", got[0])
			}
			return n, got[1] == "true"
		}
		before, hidden := badge()
		if hidden != (before == 0) {
			t.Fatalf("badge %d, hidden %v", before, hidden)
		}
		// The stream is open before staff act: a notice that came before
		// it would be in the count drawn with the page, not an event.
		for deadline := time.Now().Add(10 * time.Second); !eval[bool](t, ctx, `document.documentElement.dataset.live === 'open'`); time.Sleep(50 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatal("the page did not open its live stream")
			}
		}
		marker := eval[string](t, ctx, `(window.__page = 'not reloaded', window.__page)`)

		if r := actor.Do(t, "POST", "/api/v1/activities/"+id+"/registrations", staff, map[string]any{"user_id": residentID}); r.Status != 201 {
			t.Fatalf("staff register the resident: %d %s", r.Status, r.Body)
		}
		want := cat.T(i18n.Chinese, "live.new", cat.T(i18n.Chinese, "notify.registered_by_staff.title", title))
		var n int
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
			if n, hidden = badge(); n == before+1 && !hidden {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the badge still says %d (hidden %v), want %d", n, hidden, before+1)
			}
		}
		if got := eval[string](t, ctx, `window.__page || ''`); got != marker {
			t.Fatal("the page was reloaded")
		}
		if got := text(t, ctx, "#live-note"); got != want {
			t.Errorf("the note says %q, want %q", got, want)
		}
		if got := eval[string](t, ctx, `document.getElementById('live-news').textContent`); got != want {
			t.Errorf("the live region says %q, want %q", got, want)
		}
		if got := eval[string](t, ctx, `document.getElementById('unread-badge').getAttribute('aria-label')`); got != cat.T(i18n.Chinese, "notifications.unread", before+1) {
			t.Errorf("the badge's label %q", got)
		}
		checkAxe(t, ctx, "an activity page with a live notice")

		// 朗读: shown where the browser can speak; reads the article in
		// Chinese; a second press stops. The browser's speech is watched,
		// not replaced: what our script hands it is what is checked.
		if !eval[bool](t, ctx, `'speechSynthesis' in window`) {
			if !eval[bool](t, ctx, `document.querySelector('button.read-aloud').hidden`) {
				t.Error("the read-aloud button shows where the browser cannot speak")
			}
			return
		}
		do(t, ctx, "watch the speech", chromedp.Evaluate[chromedp.Void](`(() => {
			window.__spoken = []; window.__cancelled = 0;
			const speak = speechSynthesis.speak.bind(speechSynthesis), cancel = speechSynthesis.cancel.bind(speechSynthesis);
			speechSynthesis.speak = u => { window.__spoken.push([u.text, u.lang]); if (!window.__hold) speak(u); };
			speechSynthesis.cancel = () => { window.__cancelled++; cancel(); };
		})()`))
		button := "button.read-aloud"
		if eval[bool](t, ctx, `document.querySelector('button.read-aloud').hidden`) {
			t.Fatal("the read-aloud button is hidden where the browser can speak")
		}
		if got := text(t, ctx, button); got != cat.T(i18n.Chinese, "readaloud.start") {
			t.Errorf("the button says %q", got)
		}
		// The press and what follows are read in one script, so nothing
		// ends in between. Headless Chromium, which has no voice, may end
		// an utterance at once; while it reads, the button offers to stop.
		if got := eval[[]any](t, ctx, `(() => { const b = document.querySelector('button.read-aloud'); b.click(); return [b.textContent, speechSynthesis.speaking]; })()`); len(got) != 2 || got[1] == true && got[0] != cat.T(i18n.Chinese, "readaloud.stop") {
			t.Errorf("while reading the button says %v", got)
		}
		spoken := eval[[][]string](t, ctx, `window.__spoken`)
		if len(spoken) != 1 || !strings.Contains(spoken[0][0], title) || !strings.Contains(spoken[0][0], "站着坐着都可以") || spoken[0][1] != "zh-CN" {
			t.Fatalf("spoken %q", spoken)
		}
		if strings.Contains(spoken[0][0], cat.T(i18n.Chinese, "readaloud.start")) {
			t.Errorf("the button's own words were read: %q", spoken[0][0])
		}
		for deadline := time.Now().Add(5 * time.Second); text(t, ctx, button) != cat.T(i18n.Chinese, "readaloud.start"); time.Sleep(50 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("after reading the button says %q", text(t, ctx, button))
			}
		}
		// A reading that goes on: the utterance is held back from the
		// voiceless browser, so it never ends by itself. A second press
		// stops it, in one script with the first so nothing ends between.
		got := eval[[]any](t, ctx, `(() => {
			window.__hold = true;
			const b = document.querySelector('button.read-aloud');
			b.click();
			const reading = b.textContent, before = window.__cancelled;
			b.click();
			return [reading, window.__cancelled - before, b.textContent, window.__spoken.length];
		})()`)
		if len(got) != 4 || got[0] != cat.T(i18n.Chinese, "readaloud.stop") || got[1] == float64(0) || got[2] != cat.T(i18n.Chinese, "readaloud.start") || got[3] != float64(2) {
			t.Errorf("read, then stop: [while reading, cancels, after, utterances] = %v", got)
		}
	})
}
