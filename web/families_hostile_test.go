package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"guli"
	"guli/internal/dbtest"
	"guli/internal/testserver"
)

// TestStaffAnswerNotTheirOwnAsk: staff who ask to act for a resident of
// their desk, like the admin, cannot accept the ask themselves — that
// would make them a guardian unasked, free to give the resident's minutes
// away to themselves; the resident's answer is still needed.
func TestStaffAnswerNotTheirOwnAsk(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFamily(t, e)
		srv := f.srv
		if r := srv.Do(t, "POST", "/api/v1/timebank/credits", f.staff, map[string]any{"user_id": f.strangerID, "minutes": 120, "memo": "重阳节志愿"}); r.Status != 201 {
			t.Fatalf("credit: %d %s", r.Status, r.Body)
		}
		for _, tt := range []struct{ name, token string }{{"the station's staff", f.staff}, {"the admin", f.admin}} {
			r := srv.Do(t, "POST", "/api/v1/me/dependents/link", tt.token, map[string]any{"phone": f.strangerPhone})
			if r.Status != http.StatusCreated {
				t.Fatalf("%s asks: %d %s", tt.name, r.Status, r.Body)
			}
			link := r.JSON(t)["id"].(string)
			if r := srv.Do(t, "POST", "/api/v1/links/"+link+"/accept", tt.token, nil); r.Status != http.StatusForbidden {
				t.Errorf("%s accept their own ask: %d %s", tt.name, r.Status, r.Body)
			}
			self := srv.Do(t, "GET", "/api/v1/me", tt.token, nil).JSON(t)["id"].(string)
			r = srv.Send(t, testserver.Request{Method: "POST", Path: "/api/v1/timebank/transfers", Token: tt.token,
				Body: map[string]any{"from_user_id": f.strangerID, "to_user_id": self, "minutes": 30}})
			if r.Status != http.StatusNotFound {
				t.Errorf("%s give the resident's minutes: %d %s", tt.name, r.Status, r.Body)
			}
			if r := srv.Do(t, "DELETE", "/api/v1/links/"+link, tt.token, nil); r.Status != http.StatusNoContent {
				t.Errorf("%s withdraw their ask: %d %s", tt.name, r.Status, r.Body)
			}
		}
		if r := srv.Do(t, "GET", "/api/v1/me/timebank", f.stranger, nil); r.JSON(t)["balance_minutes"].(float64) != 120 {
			t.Errorf("the resident's balance: %s", r.Body)
		}
	})
}

// TestAnAskShowsNothingOfThePersonAsked: anyone who knows a number may ask
// to act for its owner; until the owner accepts, the asker reads only the
// number they typed — not the owner's name, birth year or area — in the
// API and on 我的家人. Once accepted, the name shows.
func TestAnAskShowsNothingOfThePersonAsked(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFamily(t, e)
		srv := f.srv
		if r := srv.Do(t, "PATCH", "/api/v1/me", f.stranger, map[string]any{"name": "李秀英", "birth_year": 1948}); r.Status != 200 {
			t.Fatalf("profile: %d %s", r.Status, r.Body)
		}
		r := srv.Do(t, "POST", "/api/v1/me/dependents/link", f.other, map[string]any{"phone": f.strangerPhone})
		if r.Status != http.StatusCreated {
			t.Fatalf("ask: %d %s", r.Status, r.Body)
		}
		link := r.JSON(t)["id"].(string)
		asked := func() map[string]any {
			t.Helper()
			for _, it := range srv.Do(t, "GET", "/api/v1/me/dependents", f.other, nil).JSON(t)["items"].([]any) {
				if m := it.(map[string]any); m["link_id"] == link {
					return m
				}
			}
			t.Fatalf("the ask is not listed")
			return nil
		}
		if m := asked(); m["status"] != "pending" || m["name"] != "" || m["birth_year"] != nil || m["area_id"] != nil || m["phone"] != "139****0001" {
			t.Errorf("a pending ask shows %v", m)
		}
		if page := asPage(t, srv, f.other, "GET", "/me/family", ""); strings.Contains(string(page.Body), "李秀英") || !strings.Contains(string(page.Body), "139****0001") {
			t.Errorf("the asker's page shows the person asked, or not the number")
		}
		if r := srv.Do(t, "POST", "/api/v1/links/"+link+"/accept", f.stranger, nil); r.Status != 200 {
			t.Fatalf("accept: %d %s", r.Status, r.Body)
		}
		if m := asked(); m["name"] != "李秀英" || m["birth_year"] != float64(1948) {
			t.Errorf("an accepted link shows %v", m)
		}
	})
}

// TestAChildsHelpRequestShowsNoName: a guardian asks help for their child
// of 8; the volunteers who read the list, the request, its page, and who
// claim it, serve it and are thanked, read "a child", never the child's
// name — in the API, the pages and their notifications. The guardian and
// the station's staff read the name.
func TestAChildsHelpRequestShowsNoName(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFamily(t, e)
		srv := f.srv
		volunteer := srv.Login(t, testserver.TalentPhone, testserver.Password)
		r := srv.Do(t, "POST", "/api/v1/help-requests", f.guardian, map[string]any{"title": "辅导作业", "category": "tutoring", "on_behalf_of": f.child})
		if r.Status != http.StatusCreated || r.JSON(t)["requester_name"] != "小明" {
			t.Fatalf("ask: %d %s", r.Status, r.Body)
		}
		help := "/api/v1/help-requests/" + r.JSON(t)["id"].(string)
		page := "/help/" + r.JSON(t)["id"].(string)
		noName := func(what string, r *testserver.Response) {
			t.Helper()
			if r.Status != http.StatusOK || strings.Contains(string(r.Body), "小明") {
				t.Errorf("%s: %d, names the child: %v", what, r.Status, strings.Contains(string(r.Body), "小明"))
			}
		}
		noName("the volunteer's list", srv.Do(t, "GET", "/api/v1/help-requests", volunteer, nil))
		r = srv.Do(t, "GET", help, volunteer, nil)
		noName("the volunteer's request", r)
		if r.JSON(t)["requester_child"] != true {
			t.Errorf("the request does not say a child asked: %s", r.Body)
		}
		noName("the volunteer's page of requests", asPage(t, srv, volunteer, "GET", "/help", ""))
		p := asPage(t, srv, volunteer, "GET", page, "")
		noName("the volunteer's page of the request", p)
		if !strings.Contains(string(p.Body), "一名儿童") {
			t.Errorf("the page does not say a child asked")
		}
		noName("the claim", srv.Do(t, "POST", help+"/claim", volunteer, nil))
		noName("done", srv.Do(t, "POST", help+"/done", volunteer, map[string]any{"minutes": 60}))
		if r := srv.Do(t, "POST", help+"/confirm", f.guardian, map[string]any{"rating": 5}); r.Status != http.StatusOK {
			t.Fatalf("confirm: %d %s", r.Status, r.Body)
		}
		noName("the volunteer's notifications", srv.Do(t, "GET", "/api/v1/me/notifications", volunteer, nil))
		noName("the volunteer's notifications page", asPage(t, srv, volunteer, "GET", "/notifications", ""))
		for _, tt := range []struct{ name, token string }{{"the guardian", f.guardian}, {"the station's staff", f.staff}} {
			if r := srv.Do(t, "GET", help, tt.token, nil); r.JSON(t)["requester_name"] != "小明" || r.JSON(t)["requester_child"] == true {
				t.Errorf("%s reads: %s", tt.name, r.Body)
			}
		}
		if r := srv.Do(t, "GET", "/api/v1/help-requests", f.staff, nil); !strings.Contains(string(r.Body), "小明") {
			t.Errorf("the staff's list: %s", r.Body)
		}
	})
}

// TestAChildInATeamShowsNoName: a team's members are listed to anyone;
// a child under 14 among them — added by a resident who leads the team,
// guessing the child's id — shows as a child to everyone but the
// station's staff, in the API and on the team's page, and the leader
// who added them learns no name either.
func TestAChildInATeamShowsNoName(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFamily(t, e)
		srv := f.srv
		r := srv.Do(t, "POST", "/api/v1/teams", f.staff, map[string]any{"station_id": srv.Station.ID.String(), "name": "书法队",
			"kind": "interest_group", "leader_user_id": f.strangerID})
		if r.Status != http.StatusCreated {
			t.Fatalf("team: %d %s", r.Status, r.Body)
		}
		team := r.JSON(t)["id"].(string)
		r = srv.Do(t, "POST", "/api/v1/teams/"+team+"/members", f.stranger, map[string]any{"user_id": f.child, "role": "member"})
		if r.Status != http.StatusCreated || strings.Contains(string(r.Body), "小明") {
			t.Errorf("the leader adds the child: %d %s", r.Status, r.Body)
		}
		for _, tt := range []struct{ name, token string }{{"signed out", ""}, {"the leader", f.stranger}, {"another station's staff", f.otherStaff}} {
			r := srv.Do(t, "GET", "/api/v1/teams/"+team, tt.token, nil)
			if r.Status != http.StatusOK || strings.Contains(string(r.Body), "小明") || !strings.Contains(string(r.Body), `"child":true`) {
				t.Errorf("the team, %s: %d %s", tt.name, r.Status, r.Body)
			}
			page := srv.Send(t, testserver.Request{Method: "GET", Path: "/teams/" + team, Token: tt.token})
			if page.Status != http.StatusOK || strings.Contains(string(page.Body), "小明") || !strings.Contains(string(page.Body), "一名儿童") {
				t.Errorf("the team's page, %s: %d", tt.name, page.Status)
			}
		}
		if r := srv.Do(t, "GET", "/api/v1/teams/"+team, f.staff, nil); !strings.Contains(string(r.Body), "小明") {
			t.Errorf("the station's staff read: %s", r.Body)
		}
	})
}

// TestAFamilyIsNotAFlood: one person holds at most guli.MaxFamily live
// links as guardian; thirty adds at once leave exactly that many, the rest
// answered 409 family_full with a sentence, and an ask by number is
// refused the same way. Removing one makes room again.
func TestAFamilyIsNotAFlood(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFamily(t, e)
		srv := f.srv // the guardian keeps two children already
		statuses := parallel(30, func(i int) int {
			return srv.Do(t, "POST", "/api/v1/me/dependents", f.guardian, map[string]any{"name": fmt.Sprintf("孩子%02d", i), "birth_year": 2015, "relation": "child"}).Status
		})
		if count(statuses, 201) != guli.MaxFamily-2 || count(statuses, 409) != 30-(guli.MaxFamily-2) {
			t.Fatalf("thirty adds at once: %v", statuses)
		}
		r := srv.Do(t, "POST", "/api/v1/me/dependents/link", f.guardian, map[string]any{"phone": f.strangerPhone})
		wantError(t, r, 409, "family_full", "")
		if !strings.Contains(string(r.Body), "不能再添加") {
			t.Errorf("the refusal says: %s", r.Body)
		}
		if n := len(items(t, srv.Do(t, "GET", "/api/v1/me/dependents", f.guardian, nil))); n != guli.MaxFamily {
			t.Errorf("%d in the family, want %d", n, guli.MaxFamily)
		}
		page := asPage(t, srv, f.guardian, "POST", "/me/family/dependents", "name=%E5%B0%8F%E5%AE%9D&birth_year=2016&relation=child")
		if page.Status != 409 || !strings.Contains(string(page.Body), "不能再添加") {
			t.Errorf("the page's add, full: %d", page.Status)
		}
		link := items(t, srv.Do(t, "GET", "/api/v1/me/dependents", f.guardian, nil))[0]["link_id"].(string)
		if r := srv.Do(t, "DELETE", "/api/v1/links/"+link, f.guardian, nil); r.Status != 204 {
			t.Fatalf("remove one: %d", r.Status)
		}
		if r := srv.Do(t, "POST", "/api/v1/me/dependents/link", f.guardian, map[string]any{"phone": f.strangerPhone}); r.Status != 201 {
			t.Errorf("asking once there is room: %d %s", r.Status, r.Body)
		}
	})
}
