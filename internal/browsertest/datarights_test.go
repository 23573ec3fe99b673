package browsertest_test

import (
	"testing"

	"github.com/chromedp/chromedp"

	"guli/internal/dbtest"
	"guli/internal/testserver"
)

// TestDataRightsInTheBrowser: a resident reads their data and who touched
// it, opens a section, and closes their account with the password and the
// box ticked; staff search the audit log and find the closure, and open
// the desk's confirmation for another resident. Every page passes axe at a
// phone's width, in normal and elder mode, and none is wider than the
// phone.
func TestDataRightsInTheBrowser(t *testing.T) {
	resident, desk := tab(t), tab(t)
	srv := testserver.New(t, dbtest.Engines(t)[0])
	staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
	me := srv.Do(t, "GET", "/api/v1/me", srv.Login(t, testserver.ResidentPhone, testserver.Password), nil).JSON(t)["id"].(string)
	if r := srv.Do(t, "GET", "/api/v1/users/"+me+"/health-measurements", staff, nil); r.Status != 200 {
		t.Fatalf("a look at the resident's health records: %d", r.Status)
	}

	login(t, resident, srv, testserver.ResidentPhone)
	open(t, resident, srv, "/me")
	if path, code := submit(t, resident, `a[href="/me/data"]`); path != "/me/data" || code != 200 {
		t.Fatalf("to my data: landed on %s with %d", path, code)
	}
	checkOnPhone(t, resident, "/me/data")
	if path, code := submit(t, resident, `a[href="/me/data?section=registrations#records"]`); path != "/me/data?section=registrations" || code != 200 {
		t.Fatalf("to my registrations: landed on %s with %d", path, code)
	}
	do(t, resident, "open the closing form", chromedp.Click(chromedp.CSS(`#close details summary`)))
	checkOnPhone(t, resident, "/me/data?section=registrations, the closing form opened")
	inElderMode(t, resident, srv, []string{"/me/data", "/me/data?section=profile"})

	// Staff search the log while the resident is still here.
	login(t, desk, srv, testserver.StaffPhone)
	open(t, desk, srv, "/desk/audit")
	checkOnPhone(t, desk, "/desk/audit")
	do(t, desk, "choose the health records", chromedp.SetValue(chromedp.CSS(`#f-action`), "health."))
	if path, code := submit(t, desk, `form[action="/desk/audit"] button[type="submit"]`); path != "/desk/audit?q=&action=health.&from=&to=" || code != 200 {
		t.Fatalf("searching: landed on %s with %d", path, code)
	}
	if got := text(t, desk, `.data-rows code`); got != "health.view" {
		t.Errorf("the newest health entry reads %q", got)
	}
	checkOnPhone(t, desk, "/desk/audit, searched")

	// The resident closes their account.
	open(t, resident, srv, "/me/data")
	do(t, resident, "open the closing form", chromedp.Click(chromedp.CSS(`#close details summary`)))
	fill(t, resident, [][2]string{{"#f-password", testserver.Password}})
	do(t, resident, "tick the box", chromedp.Click(chromedp.CSS(`#f-confirm`)))
	if path, code := submit(t, resident, `form[action="/me/close"] button[type="submit"]`); path != "/me/close" || code != 200 {
		t.Fatalf("closing: landed on %s with %d", path, code)
	}
	if got := text(t, resident, "h1"); got != "账户已注销" {
		t.Errorf("after closing the page says %q", got)
	}
	checkOnPhone(t, resident, "/me/close, closed")

	// Staff find the closure, and the desk's confirmation for another.
	open(t, desk, srv, "/desk/audit?user_id="+me)
	if got := text(t, desk, `.data-rows code`); got != "user.close" {
		t.Errorf("the newest entry about the resident reads %q", got)
	}
	other := personID(t, srv, "陈美娣")
	open(t, desk, srv, "/desk/residents/"+other+"/close")
	checkOnPhone(t, desk, "/desk/residents/{id}/close")
	inElderMode(t, desk, srv, []string{"/desk/audit?user_id=" + me, "/desk/residents/" + other + "/close"})
}
