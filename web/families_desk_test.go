package web_test

import (
	"fmt"
	"net/url"
	"strconv"
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

// TestTheDeskAnswersNotForAColleague: a resident asks to act for a social
// worker of the station; a colleague at the desk may neither confirm it
// for them nor end it (no button, and the address refused, on the page
// and in the API): it would hand a stranger a staff member's inbox,
// places and minutes, as only an admin resets a staff member's password.
// The worker answers themself.
func TestTheDeskAnswersNotForAColleague(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFamily(t, e)
		srv := f.srv
		station := srv.Station.ID.String()
		r := srv.Do(t, "POST", "/api/v1/users", f.admin, map[string]any{"name": "顾村社工小李", "area_id": srv.Station.Areas[0].ID.String(),
			"phone": "13800000021", "password": "顾村小站的社工小李"})
		if r.Status != 201 {
			t.Fatalf("a second worker: %d %s", r.Status, r.Body)
		}
		worker := r.JSON(t)["id"].(string)
		if r := srv.Do(t, "PUT", "/api/v1/users/"+worker+"/roles", f.admin, map[string]any{"roles": []string{"staff"}, "station_ids": []string{station}}); r.Status != 200 {
			t.Fatalf("roles: %d %s", r.Status, r.Body)
		}
		link := srv.Do(t, "POST", "/api/v1/me/dependents/link", f.guardian, map[string]any{"phone": "13800000021"}).JSON(t)["id"].(string)
		page := string(asPage(t, srv, f.staff, "GET", "/desk/residents?q="+url.QueryEscape("顾村社工小李"), "").Body)
		if strings.Contains(page, "/desk/links/"+link+"/") {
			t.Errorf("the desk offers to answer for a colleague")
		}
		form := "q=x&resident=" + worker
		for _, step := range []string{"accept", "end"} {
			if r := asPage(t, srv, f.staff, "POST", "/desk/links/"+link+"/"+step, form); r.Status < 400 || r.Status >= 500 {
				t.Errorf("a colleague, %s at the desk: %d", step, r.Status)
			}
		}
		if r := srv.Do(t, "POST", "/api/v1/links/"+link+"/accept", f.staff, nil); r.Status < 400 || r.Status >= 500 {
			t.Errorf("a colleague, accepting in the API: %d", r.Status)
		}
		if r := srv.Do(t, "GET", "/api/v1/me/activities?user_id="+worker, f.guardian, nil); r.Status != 404 {
			t.Errorf("the resident acts for the worker: %d", r.Status)
		}
		worker2 := srv.Login(t, "13800000021", "顾村小站的社工小李")
		if r := srv.Do(t, "POST", "/api/v1/links/"+link+"/accept", worker2, nil); r.Status != 200 {
			t.Errorf("the worker accepts: %d %s", r.Status, r.Body)
		}
	})
}

// TestTheDeskNamesNotWhomAResidentAsked: a resident asks to act for the
// owner of a number who lives at another station; until they accept, the
// asker reads only the number (FamilyLink.ShownToGuardian), and so does
// the desk of the asker's station, whose staff do not see that person:
// the resident at the desk would read them the name. Once accepted, the
// family is the resident's to know.
func TestTheDeskNamesNotWhomAResidentAsked(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFamily(t, e)
		srv := f.srv
		link := srv.Do(t, "POST", "/api/v1/me/dependents/link", f.guardian, map[string]any{"phone": "13800000020"}).JSON(t)["id"].(string)
		search := "/desk/residents?q=" + url.QueryEscape("居民00")
		r := asPage(t, srv, f.staff, "GET", search, "")
		pageHas(t, "the asker at the desk", r, "代138****0020（父母）办事", "等待对方同意")
		pageLacks(t, "the asker at the desk", r, "菊泉社工")
		if r := srv.Do(t, "POST", "/api/v1/links/"+link+"/accept", f.otherStaff, nil); r.Status != 200 {
			t.Fatalf("accept: %d %s", r.Status, r.Body)
		}
		pageHas(t, "the asker at the desk, accepted", asPage(t, srv, f.staff, "GET", search, ""), "代菊泉社工（父母）办事")
	})
}

// TestClosingRacesAddingAChild: staff close a resident's account at the
// desk while the resident, on the phone, adds children and asks to act
// for someone. Whatever was added before the closing is closed with it;
// nothing added after stands: no child is left kept by a closed account
// (their data held with nobody's consent), nor an ask of a closed one
// waiting to be accepted.
func TestClosingRacesAddingAChild(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFamily(t, e)
		srv := f.srv
		year := time.Now().Year()
		for round := range 6 {
			id, token := srv.Register(t, "将注销的居民"+strconv.Itoa(round), fmt.Sprintf("1392000%04d", round))
			kids := make([]string, 3)
			statuses := parallel(5, func(i int) int {
				switch i {
				case 0:
					return srv.Do(t, "POST", "/api/v1/users/"+id+"/close", f.staff, nil).Status
				case 4:
					return srv.Do(t, "POST", "/api/v1/me/dependents/link", token, map[string]any{"phone": f.strangerPhone}).Status
				}
				r := srv.Do(t, "POST", "/api/v1/me/dependents", token, map[string]any{"name": "小孩" + strconv.Itoa(i), "birth_year": year - 7, "relation": "child"})
				if r.Status == 201 {
					kids[i-1] = r.JSON(t)["id"].(string)
				}
				return r.Status
			})
			if statuses[0] != 200 {
				t.Fatalf("round %d: close %d", round, statuses[0])
			}
			for i, s := range statuses[1:] {
				if s >= 500 {
					t.Fatalf("round %d: act %d answered %d", round, i, s)
				}
			}
			for _, kid := range kids {
				if kid == "" {
					continue
				}
				if name := srv.Do(t, "GET", "/api/v1/users/"+kid, f.staff, nil).JSON(t)["name"]; name != "已注销居民" {
					t.Errorf("round %d: a child added as their guardian closed is kept still: %v", round, name)
				}
			}
			if r := srv.Do(t, "GET", "/api/v1/me/guardians", f.stranger, nil); strings.Contains(string(r.Body), "pending") {
				t.Errorf("round %d: a closed account's ask waits: %s", round, r.Body)
			}
		}
	})
}
