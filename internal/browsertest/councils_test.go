package browsertest_test

import (
	"regexp"
	"testing"

	"github.com/chromedp/chromedp"

	"guli/internal/dbtest"
	"guli/internal/testserver"
)

// TestCouncilPagesInTheBrowser: staff set a council up and add a member
// by phone; the pages pass axe at a phone's width, in normal and elder
// mode, and none is wider than the phone.
func TestCouncilPagesInTheBrowser(t *testing.T) {
	desk := tab(t)
	srv := testserver.New(t, dbtest.Engines(t)[0])
	login(t, desk, srv, testserver.StaffPhone)
	open(t, desk, srv, "/councils")
	checkOnPhone(t, desk, "/councils as staff")
	fill(t, desk, [][2]string{{"#f-name", "顾里小站居民议事会"}})
	do(t, desk, "choose residents", chromedp.Click(chromedp.CSS(`input[name="kind"][value="residents"]`)))
	path, code := submit(t, desk, `form[action="/councils/new"] button[type="submit"]`)
	m := regexp.MustCompile(`^/councils/(\d+)\?notice=council_created$`).FindStringSubmatch(path)
	if m == nil || code != 200 {
		t.Fatalf("setting a council up: landed on %s with %d", path, code)
	}
	page := "/councils/" + m[1]
	fill(t, desk, [][2]string{{"#f-phone", testserver.ResidentPhone}})
	if path, code := submit(t, desk, `form[action="`+page+`/members"] button[type="submit"]`); path != page+"?notice=member_added" || code != 200 {
		t.Fatalf("adding a member: landed on %s with %d", path, code)
	}
	checkOnPhone(t, desk, "/councils/{id} as staff")
	inElderMode(t, desk, srv, []string{"/councils", page})
}
