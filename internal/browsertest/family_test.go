package browsertest_test

import (
	"testing"

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
