package web_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"guli/internal/dbtest"
)

// TestTheDeskConfirmsALink: a son asks to act for his mother; she comes
// to the desk, where staff find her, see the request and confirm it with
// one button (audited as theirs), and later end it. The desk also shows a
// guardian's kept child by name. A resident, another station's staff and
// a link that is not there get no further.
func TestTheDeskConfirmsALink(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFamily(t, e)
		srv := f.srv
		link := srv.Do(t, "POST", "/api/v1/me/dependents/link", f.guardian, map[string]any{"phone": f.strangerPhone}).JSON(t)["id"].(string)
		search := "/desk/residents?q=" + url.QueryEscape("居民0")
		page := string(asPage(t, srv, f.staff, "GET", search, "").Body)
		for _, want := range []string{
			`action="/desk/links/` + link + `/accept"`, "确认关联", "居民00可以代其办事", "等待对方同意", // the mother's row
			"代居民01（父母）办事", "代小明（孩子）办事", // the son's
		} {
			if !strings.Contains(page, want) {
				t.Errorf("the desk's search lacks %q", want)
			}
		}
		accept, end := "/desk/links/"+link+"/accept", "/desk/links/"+link+"/end"
		form := "q=" + url.QueryEscape("居民0") + "&resident=" + f.strangerID
		for _, tt := range []struct {
			name, token, path string
			status            int
		}{
			{"a resident", f.stranger, accept, 403},
			{"the son, at the desk's address", f.guardian, accept, 403},
			{"another station's staff", f.otherStaff, accept, 404},
			{"another station's staff, ending", f.otherStaff, end, 404},
			{"no such link", f.staff, "/desk/links/99999999/accept", 404},
			{"not an id", f.staff, "/desk/links/abc/accept", 404},
			{"a negative id", f.staff, "/desk/links/-3/end", 404},
		} {
			if r := asPage(t, srv, tt.token, "POST", tt.path, form); r.Status != tt.status {
				t.Errorf("%s: %d", tt.name, r.Status)
			}
		}
		r := asPage(t, srv, f.staff, "POST", accept, form)
		if r.Status != 303 || !strings.Contains(r.Header.Get("Location"), "notice=link_accepted") || !strings.HasSuffix(r.Header.Get("Location"), "#resident-"+f.strangerID) {
			t.Fatalf("staff confirm: %d %s", r.Status, r.Header.Get("Location"))
		}
		mine := srv.Do(t, "GET", "/api/v1/me/guardians", f.stranger, nil).JSON(t)["items"].([]any)
		if len(mine) != 1 || mine[0].(map[string]any)["status"] != "active" {
			t.Fatalf("the mother's guardians: %v", mine)
		}
		page = string(asPage(t, srv, f.staff, "GET", r.Header.Get("Location"), "").Body)
		if strings.Contains(page, `action="/desk/links/`+link+`/accept"`) || !strings.Contains(page, `action="/desk/links/`+link+`/end"`) {
			t.Errorf("after confirming, the desk still offers to confirm, or not to end")
		}
		if r := asPage(t, srv, f.staff, "POST", end, form); r.Status != 303 || !strings.Contains(r.Header.Get("Location"), "notice=link_ended") {
			t.Fatalf("staff end: %d %s", r.Status, r.Header.Get("Location"))
		}
		if r := asPage(t, srv, f.staff, "POST", end, form); r.Status != 404 {
			t.Errorf("end twice: %d", r.Status)
		}
		audit := string(srv.Do(t, "GET", "/api/v1/audit?user_id="+f.strangerID, f.staff, nil).Body)
		for _, action := range []string{"family.accept_on_behalf", "family.end_on_behalf"} {
			if !strings.Contains(audit, action) {
				t.Errorf("no %s in the audit: %s", action, audit)
			}
		}
		// Another station's staff find no such resident, nor their links.
		if page := string(asPage(t, srv, f.otherStaff, "GET", search, "").Body); strings.Contains(page, "/desk/links/") || strings.Contains(page, "小明") {
			t.Errorf("another station's desk shows the family")
		}
	})
}

// TestClosingAGuardianClosesTheChildrenTheyKeep: a mother keeps a child,
// signed up for a class, and is linked to her own mother, who has an
// account. The closing form warns her of the child by name; closing her
// account closes the child's record too (their place given up, audited),
// and ends the link to the grandmother, who keeps her account.
func TestClosingAGuardianClosesTheChildrenTheyKeep(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFamily(t, e)
		srv := f.srv
		link := srv.Do(t, "POST", "/api/v1/me/dependents/link", f.guardian, map[string]any{"phone": f.strangerPhone}).JSON(t)["id"].(string)
		if r := srv.Do(t, "POST", "/api/v1/links/"+link+"/accept", f.stranger, nil); r.Status != 200 {
			t.Fatalf("accept: %d %s", r.Status, r.Body)
		}
		class := createActivity(t, srv, f.staff, map[string]any{"min_age": 6, "max_age": 12, "start": rfc(nextOpen(time.Saturday, "09:30").AddDate(0, 0, 7)),
			"end": rfc(nextOpen(time.Saturday, "11:00").AddDate(0, 0, 7))})
		regs := "/api/v1/activities/" + class["id"].(string) + "/registrations"
		if r := srv.Do(t, "POST", regs, f.guardian, map[string]any{"user_id": f.child}); r.Status != 201 {
			t.Fatalf("sign the child up: %d %s", r.Status, r.Body)
		}
		page := string(asPage(t, srv, f.guardian, "GET", "/me/data", "").Body)
		if !strings.Contains(page, "资料会一并注销") || !strings.Contains(page, "小明、小红") {
			t.Errorf("the closing form does not name the children it closes")
		}
		desk := string(asPage(t, srv, f.staff, "GET", "/desk/residents/"+f.guardianID+"/close", "").Body)
		if !strings.Contains(desk, "小明、小红") {
			t.Errorf("the desk's closing form does not name the children it closes")
		}
		r := srv.Do(t, "POST", "/api/v1/me/close", f.guardian, map[string]any{"password": "password-" + f.guardianPhone})
		if r.Status != 200 || fmt.Sprint(r.JSON(t)["dependents_closed"]) != fmt.Sprint([]any{f.child, f.child2}) {
			t.Fatalf("close: %d %s", r.Status, r.Body)
		}
		child := srv.Do(t, "GET", "/api/v1/users/"+f.child, f.staff, nil).JSON(t)
		if child["name"] != "已注销居民" {
			t.Errorf("the child after their guardian closed: %v", child)
		}
		if n := srv.Do(t, "GET", "/api/v1/activities/"+class["id"].(string), f.staff, nil).JSON(t)["confirmed_count"]; n != 0.0 {
			t.Errorf("the child's place is still held: %v", n)
		}
		if audit := string(srv.Do(t, "GET", "/api/v1/audit?user_id="+f.child, f.staff, nil).Body); !strings.Contains(audit, "user.close") {
			t.Errorf("the child's closing is not audited: %s", audit)
		}
		if r := srv.Do(t, "GET", "/api/v1/me/guardians", f.stranger, nil); strings.Contains(string(r.Body), "active") || r.Status != 200 {
			t.Errorf("the grandmother, after her daughter closed: %d %s", r.Status, r.Body)
		}
		// Another guardian's child is untouched.
		if other := srv.Do(t, "GET", "/api/v1/users/"+f.otherChild, f.staff, nil).JSON(t); other["name"] != "小刚" {
			t.Errorf("another's child: %v", other)
		}
	})
}

// TestRemovingAChildFromTheFamily: a guardian who ends the link to a child
// they keep, whom nobody else keeps, removes the child: their place is
// given up, their data erased and the closing audited; 我的家人 says so
// beside the button. Ending the link to a grown-up with an account
// closes nothing. Two ends of the same link at once: one ends it.
func TestRemovingAChildFromTheFamily(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFamily(t, e)
		srv := f.srv
		page := asPage(t, srv, f.guardian, "GET", "/me/family", "")
		pageHas(t, "我的家人", page, "从家人中移除", "如果没有其他家人替小明办事")
		class := createActivity(t, srv, f.staff, map[string]any{"min_age": 6, "max_age": 12})
		if r := srv.Do(t, "POST", "/api/v1/activities/"+class["id"].(string)+"/registrations", f.guardian, map[string]any{"user_id": f.child}); r.Status != 201 {
			t.Fatalf("sign the child up: %d %s", r.Status, r.Body)
		}
		var link string
		for _, d := range items(t, srv.Do(t, "GET", "/api/v1/me/dependents", f.guardian, nil)) {
			if d["id"] == f.child {
				link = d["link_id"].(string)
			}
		}
		if link == "" {
			t.Fatalf("no link to the child: %s", srv.Do(t, "GET", "/api/v1/me/dependents", f.guardian, nil).Body)
		}
		statuses := parallel(2, func(int) int { return srv.Do(t, "DELETE", "/api/v1/links/"+link, f.guardian, nil).Status })
		if count(statuses, 204) != 1 || count(statuses, 404) != 1 {
			t.Errorf("ending the link twice at once: %v", statuses)
		}
		if child := srv.Do(t, "GET", "/api/v1/users/"+f.child, f.staff, nil).JSON(t); child["name"] != "已注销居民" {
			t.Errorf("the child after their removal: %v", child)
		}
		if n := srv.Do(t, "GET", "/api/v1/activities/"+class["id"].(string), f.staff, nil).JSON(t)["confirmed_count"]; n != 0.0 {
			t.Errorf("the removed child's place is still held: %v", n)
		}
		if audit := string(srv.Do(t, "GET", "/api/v1/audit?user_id="+f.child, f.staff, nil).Body); strings.Count(audit, `"user.close"`) != 1 {
			t.Errorf("the child's closing audited not once: %s", audit)
		}
		// The other child is still theirs.
		if r := srv.Do(t, "GET", "/api/v1/me/activities?user_id="+f.child2, f.guardian, nil); r.Status != 200 {
			t.Errorf("the other child: %d", r.Status)
		}
		// A grown-up with an account is only unlinked.
		asked := srv.Do(t, "POST", "/api/v1/me/dependents/link", f.guardian, map[string]any{"phone": f.strangerPhone}).JSON(t)["id"].(string)
		if r := srv.Do(t, "POST", "/api/v1/links/"+asked+"/accept", f.stranger, nil); r.Status != 200 {
			t.Fatalf("accept: %d %s", r.Status, r.Body)
		}
		if r := srv.Do(t, "DELETE", "/api/v1/links/"+asked, f.stranger, nil); r.Status != 204 {
			t.Fatalf("the grandmother ends it: %d %s", r.Status, r.Body)
		}
		if r := srv.Do(t, "GET", "/api/v1/me", f.stranger, nil); r.Status != 200 {
			t.Errorf("the grandmother after ending the link: %d %s", r.Status, r.Body)
		}
	})
}
