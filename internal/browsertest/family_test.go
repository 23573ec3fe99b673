package browsertest_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"guli/internal/dbtest"
	"guli/internal/testserver"
)

// TestMyFamilyInTheBrowser: a resident opens 我的家人 from 我的, adds a
// child, and asks a parent with an account by their number; the parent
// accepts on their own page. Every page passes axe at a phone's width, in
// normal and elder mode, and none is wider than the phone.
func TestMyFamilyInTheBrowser(t *testing.T) {
	son, mother := tab(t), tab(t)
	srv := testserver.New(t, dbtest.Engines(t)[0])
	login(t, son, srv, testserver.ResidentPhone)
	open(t, son, srv, "/me")
	if path, code := submit(t, son, `a[href="/me/family"]`); path != "/me/family" || code != 200 {
		t.Fatalf("to my family: landed on %s with %d", path, code)
	}
	checkOnPhone(t, son, "/me/family")
	fill(t, son, [][2]string{{"#f-name", "小明"}, {"#f-birth_year", "2016"}})
	if path, code := submit(t, son, `form[action="/me/family/dependents"] button[type="submit"]`); path != "/me/family?notice=dependent_added" || code != 200 {
		t.Fatalf("adding a child: landed on %s with %d", path, code)
	}
	if got := text(t, son, `.roster .who`); got != "小明" {
		t.Errorf("the first of my family reads %q", got)
	}
	fill(t, son, [][2]string{{"#f-phone", "1390000"}})
	if _, code := submit(t, son, `form[action="/me/family/link"] button[type="submit"]`); code != 422 {
		t.Errorf("a number too short: %d", code)
	}
	checkOnPhone(t, son, "/me/family, a number refused")
	fill(t, son, [][2]string{{"#f-phone", testserver.TalentPhone}})
	if path, code := submit(t, son, `form[action="/me/family/link"] button[type="submit"]`); path != "/me/family?notice=link_requested" || code != 200 {
		t.Fatalf("asking: landed on %s with %d", path, code)
	}
	checkOnPhone(t, son, "/me/family, asked")
	screenshot(t, son, "family")

	login(t, mother, srv, testserver.TalentPhone)
	open(t, mother, srv, "/me/family")
	checkOnPhone(t, mother, "/me/family, asked to link")
	if path, code := submit(t, mother, `form[action$="/accept"] button`); path != "/me/family?notice=link_accepted" || code != 200 {
		t.Fatalf("accepting: landed on %s with %d", path, code)
	}
	inElderMode(t, son, srv, []string{"/me/family"})
}

// TestAParentSignsAChildUpInTheBrowser: a parent adds a child on 我的家人,
// opens the timetable, chooses the child at its top, keeps the children's
// activities and signs the child up for the demo's 少儿书法班 (ages 6–12);
// the class, the child's activities and the help form act for the child.
// The station's staff then find the child by name on the class's roster
// and its sign-in sheet. Every page passes axe at a phone's width, in
// normal and elder mode.
func TestAParentSignsAChildUpInTheBrowser(t *testing.T) {
	parent, desk := tab(t), tab(t)
	srv := testserver.New(t, dbtest.Engines(t)[0])
	const child = "小雨"

	// The demo's children's class, and the week it begins.
	r := srv.Do(t, "GET", "/api/v1/activities?for_children=true&station_id="+srv.Station.ID.String(), "", nil)
	items, _ := r.JSON(t)["items"].([]any)
	if r.Status != 200 || len(items) == 0 || items[0].(map[string]any)["title"] != "少儿书法班" {
		t.Fatalf("the demo's children's class: %d %s", r.Status, r.Body)
	}
	class := items[0].(map[string]any)["id"].(string)
	start, err := time.Parse(time.RFC3339, items[0].(map[string]any)["start"].(string))
	if err != nil {
		t.Fatal(err)
	}
	date := start.Format(time.DateOnly)

	// The parent adds the child, nine at the class.
	login(t, parent, srv, testserver.ResidentPhone)
	open(t, parent, srv, "/me/family")
	fill(t, parent, [][2]string{{"#f-name", child}, {"#f-birth_year", strconv.Itoa(start.Year() - 9)}})
	if path, code := submit(t, parent, `form[action="/me/family/dependents"] button[type="submit"]`); path != "/me/family?notice=dependent_added" || code != 200 {
		t.Fatalf("adding the child: landed on %s with %d", path, code)
	}
	checkOnPhone(t, parent, "/me/family with a child")
	deps := srv.Do(t, "GET", "/api/v1/me/dependents", srv.Login(t, testserver.ResidentPhone, testserver.Password), nil).JSON(t)["items"].([]any)
	childID := deps[0].(map[string]any)["id"].(string)

	// The timetable offers the choice; the parent chooses the child, then
	// the children's activities.
	open(t, parent, srv, "/activities?from="+date)
	if got := text(t, parent, `nav.acting-for a[aria-current="true"]`); got != "我自己" {
		t.Errorf("the timetable acts first for %q", got)
	}
	checkOnPhone(t, parent, "/activities with the choice")
	forChild := "/activities?for=" + childID + "&from=" + date
	if path, code := submit(t, parent, `nav.acting-for a[href*="for=`+childID+`"]`); path != forChild || code != 200 {
		t.Fatalf("choosing the child: landed on %s with %d", path, code)
	}
	if got := text(t, parent, `nav.acting-for a[aria-current="true"]`); got != child {
		t.Errorf("the timetable acts for %q, want %s", got, child)
	}
	checkOnPhone(t, parent, "/activities for the child")
	children := "/activities?children=1&for=" + childID + "&from=" + date
	if path, code := submit(t, parent, `nav.chips a[href*="children=1"]`); path != children || code != 200 {
		t.Fatalf("the children's activities: landed on %s with %d", path, code)
	}
	checkOnPhone(t, parent, "/activities for children, for the child")
	signUp := `form[action="/activities/` + class + `/register"]`
	if got := eval[string](t, parent, `document.querySelector('`+signUp+` input[name="user_id"]')?.value ?? ''`); got != childID {
		t.Fatalf("the class's sign-up acts for %q, want the child %s", got, childID)
	}
	if path, code := submit(t, parent, signUp+" button"); path != children+"&notice=registered" || code != 200 {
		t.Fatalf("signing the child up: landed on %s with %d", path, code)
	}
	if got := text(t, parent, `section.day article.activity .mine .ok`); got != "✓ "+child+"已报名" {
		t.Errorf("after signing up the card says %q", got)
	}
	checkOnPhone(t, parent, "/activities after signing the child up")
	screenshot(t, parent, "timetable-family")

	// The class and the child's activities, with a way to give the place up.
	for _, page := range []string{"/activities/" + class + "?for=" + childID, "/my/activities?for=" + childID} {
		open(t, parent, srv, page)
		if !eval[bool](t, parent, `!!document.querySelector('form[action="/activities/`+class+`/cancel"] input[name="user_id"][value="`+childID+`"]')`) {
			t.Errorf("%s offers no way to give up the child's place", page)
		}
		checkOnPhone(t, parent, page)
	}
	// The help form asks for the child, chosen from 我的家人.
	open(t, parent, srv, "/me/family")
	if path, code := submit(t, parent, `a[href="/help/new?for=`+childID+`"]`); path != "/help/new?for="+childID || code != 200 {
		t.Fatalf("asking for the child: landed on %s with %d", path, code)
	}
	if !eval[bool](t, parent, `document.querySelector('input[name="on_behalf_of"][value="`+childID+`"]').checked`) {
		t.Error("the help form does not ask for the child")
	}
	checkOnPhone(t, parent, "/help/new for the child")
	do(t, parent, "choose an errand", chromedp.Click(chromedp.CSS(`input[name="category"][value="errand"]`)))
	fill(t, parent, [][2]string{{"#f-title", "周六接孩子下课"}})
	if path, code := submit(t, parent, `form[action="/help/new"] button[type="submit"]`); !strings.HasSuffix(path, "?notice=help_asked_family") || code != 200 {
		t.Fatalf("asking for help for the child: landed on %s with %d", path, code)
	}
	checkOnPhone(t, parent, "the child's request")

	// The station's staff see the child by name on the roster and the
	// sign-in sheet.
	login(t, desk, srv, testserver.StaffPhone)
	for _, page := range []string{"/desk/activities/" + class, "/desk/activities/" + class + "/sign-in-sheet"} {
		open(t, desk, srv, page)
		if !strings.Contains(text(t, desk, "main"), child) {
			t.Errorf("%s does not name %s", page, child)
		}
		checkAxe(t, desk, page)
	}

	inElderMode(t, parent, srv, []string{children, "/activities/" + class + "?for=" + childID, "/my/activities?for=" + childID, "/help/new?for=" + childID, "/me/family"})
}
