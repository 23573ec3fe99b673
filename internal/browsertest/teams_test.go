package browsertest_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"

	"guli/i18n"
	"guli/internal/dbtest"
	"guli/internal/testserver"
)

// TestTeamPagesInTheBrowser: a resident finds the station's teams and a
// talent's studio, with its photo on its card and big on its page, and
// signs up for one of its classes there; staff start a team with a leader,
// add a member by phone, upload the team's photo with the page's form (no
// script needed) and approve a committee's nomination, which opens the new
// talent's studio. Every page passes axe at a phone's width, in normal and
// elder mode, and none is wider than the phone.
func TestTeamPagesInTheBrowser(t *testing.T) {
	cat := i18n.MustLoad()
	resident, desk := tab(t), tab(t)
	srv := testserver.New(t, dbtest.Engines(t)[0])

	login(t, resident, srv, testserver.ResidentPhone)
	open(t, resident, srv, "/teams")
	checkOnPhone(t, resident, "/teams")
	studio := eval[string](t, resident, `([...document.querySelectorAll('.team-card h3 a')].find(a => a.textContent === '墨迹书香') || {getAttribute: () => ''}).getAttribute('href')`)
	if !regexp.MustCompile(`^/teams/\d+$`).MatchString(studio) {
		t.Fatalf("no card links to the studio 墨迹书香: %q", studio)
	}
	if !photoShown(t, resident, `.team-card:has(a[href="`+studio+`"]) img.team-thumb`, "") {
		t.Error("the studio's card shows no thumbnail")
	}
	open(t, resident, srv, studio)
	if got := text(t, resident, "h1"); got != "墨迹书香" {
		t.Errorf("the studio's page is titled %q", got)
	}
	if !photoShown(t, resident, ".team-photo img", "墨迹书香") {
		t.Error("the studio's page shows no photo")
	}
	if w := eval[float64](t, resident, `document.querySelector('.team-photo img').getBoundingClientRect().width`); w < 300 || w > 390 {
		t.Errorf("the studio's photo is %vpx wide on a phone 390px wide", w)
	}
	if got := text(t, resident, ".lead"); got != cat.T(i18n.Chinese, "teams.led_by", "谢墨林") {
		t.Errorf("the studio's leader line reads %q", got)
	}
	if n := eval[int](t, resident, `document.querySelectorAll('article.activity form[action$="/register"]').length`); n == 0 {
		t.Fatal("the studio's page offers no class to sign up for")
	}
	checkOnPhone(t, resident, "/teams/{id} of a studio")
	if path, code := submit(t, resident, `article.activity form[action$="/register"] button`); code != 200 || !regexp.MustCompile(`^`+studio+`\b`).MatchString(path) {
		t.Fatalf("signing up from the studio's page: landed on %s with %d", path, code)
	}
	if got := text(t, resident, "article.activity .mine"); got != "✓ "+cat.T(i18n.Chinese, "activity.you_confirmed") {
		t.Errorf("after signing up, the first class says %q", got)
	}
	open(t, resident, srv, studio)
	screenshot(t, resident, "studio")

	login(t, desk, srv, testserver.StaffPhone)
	open(t, desk, srv, "/desk/teams")
	checkOnPhone(t, desk, "/desk/teams")
	fill(t, desk, [][2]string{{"#f-name", "顾里小站读书会"}, {"#f-description", "每月读一本书，周日下午在书画室聊聊。"}, {"#f-phone", "13800000007"}})
	do(t, desk, "choose an interest group", chromedp.Click(chromedp.CSS(`input[name="kind"][value="interest_group"]`)))
	path, code := submit(t, desk, `form[action="/desk/teams"] button[type="submit"]`)
	m := regexp.MustCompile(`^/teams/(\d+)\?notice=team_created$`).FindStringSubmatch(path)
	if m == nil || code != 200 {
		t.Fatalf("starting a team: landed on %s with %d", path, code)
	}
	page := "/teams/" + m[1]
	fill(t, desk, [][2]string{{"#f-phone", testserver.ResidentPhone}})
	if path, code := submit(t, desk, `form[action="`+page+`/members"] button[type="submit"]`); path != page+"?notice=member_added" || code != 200 {
		t.Fatalf("adding a member: landed on %s with %d", path, code)
	}
	if got := eval[[]string](t, desk, `[...document.querySelectorAll('#members .member-name')].map(e => e.textContent)`); len(got) != 2 || got[0] != "周晨" || got[1] != "李建华" {
		t.Errorf("the new team's members: %v", got)
	}
	checkOnPhone(t, desk, "/teams/{id} as staff")
	picture := filepath.Join(t.TempDir(), "IMG_0001.png")
	if err := os.WriteFile(picture, pngOf(t, 320, 240), 0o644); err != nil {
		t.Fatal(err)
	}
	do(t, desk, "choose the team's photo", chromedp.SetUploadFiles(chromedp.CSS(`#photo input[type="file"]`), []string{picture}))
	if path, code := submit(t, desk, `form[action="`+page+`/photo"] button[type="submit"]`); path != page+"?notice=team_photo_set" || code != 200 {
		t.Fatalf("uploading the team's photo: landed on %s with %d", path, code)
	}
	if !photoShown(t, desk, ".team-photo img", "顾里小站读书会") {
		t.Error("the team's page shows no photo after the upload")
	}
	checkOnPhone(t, desk, "/teams/{id} as staff, with its photo")

	open(t, desk, srv, "/desk/teams")
	if path, code := submit(t, desk, `form[action^="/desk/nominations/"][action$="/approve"] button`); path != "/desk/teams?notice=nomination_approved" || code != 200 {
		t.Fatalf("approving the nomination: landed on %s with %d", path, code)
	}
	opened := eval[string](t, desk, `(document.querySelector('#nominations a[href^="/teams/"]') || {getAttribute: () => ''}).getAttribute('href')`)
	if opened == "" {
		t.Fatal("the approved nomination links to no studio")
	}
	checkOnPhone(t, desk, "/desk/teams after an approval")
	open(t, desk, srv, opened)
	if got := text(t, desk, "h1"); got != "李建华·象棋" {
		t.Errorf("the new studio is called %q", got)
	}

	inElderMode(t, resident, srv, []string{"/teams", studio})
	inElderMode(t, desk, srv, []string{"/desk/teams", page, opened})
}

// photoShown reports whether the image sel is on the page, loaded, with
// the alt text alt.
func photoShown(t *testing.T, ctx context.Context, sel, alt string) bool {
	t.Helper()
	return eval[bool](t, ctx, `(() => { const i = document.querySelector(`+strconv.Quote(sel)+`);
		return !!i && i.complete && i.naturalWidth > 0 && i.alt === `+strconv.Quote(alt)+`; })()`)
}

// pngOf is a picture of w × h, as a phone's album holds one.
func pngOf(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 120, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
