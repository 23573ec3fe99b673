package web_test

import (
	"fmt"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"guli"
	"guli/internal/dbtest"
	"guli/internal/testserver"
)

// TestTeamInvariantsUnderConcurrency: adds of one person to a team at once
// make one membership, and approvals and declines of one nomination at once
// decide it once, with one studio at most, on both engines over HTTP.
func TestTeamInvariantsUnderConcurrency(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		srv := testserver.New(t, e)
		st, area := srv.Station.ID.String(), srv.Station.Areas[0].ID.String()
		staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
		admin := srv.Login(t, testserver.AdminPhone, testserver.Password)
		person, _ := srv.Register(t, "程秀英", "13912345001")

		r := srv.Do(t, "POST", "/api/v1/teams", staff, map[string]any{"station_id": st, "name": "社区合唱队", "kind": "interest_group"})
		if r.Status != http.StatusCreated {
			t.Fatalf("team: %d %s", r.Status, r.Body)
		}
		team := r.JSON(t)["id"].(string)
		statuses := parallel(12, func(i int) int {
			token := staff
			if i%2 == 1 {
				token = admin
			}
			return srv.Do(t, "POST", "/api/v1/teams/"+team+"/members", token, map[string]any{"user_id": person}).Status
		})
		if count(statuses, http.StatusCreated) != 1 || count(statuses, http.StatusConflict) != 11 {
			t.Fatalf("concurrent adds: %v", statuses)
		}
		got := srv.Do(t, "GET", "/api/v1/teams/"+team, "", nil).JSON(t)
		if got["member_count"].(float64) != 1 || len(got["members"].([]any)) != 1 {
			t.Errorf("the team after the adds: %v", got)
		}
		// The public reads names only.
		if m := got["members"].([]any)[0].(map[string]any); m["user_id"] != nil || m["name"] != "程秀英" || strings.Contains(string(r.Body), "13912345001") {
			t.Errorf("a member as the public sees them: %v", m)
		}

		// One person nominated for one skill many times at once (a form
		// sent twice, two desks) is one nomination.
		nominations := make(chan string, 12)
		statuses = parallel(12, func(i int) int {
			token := staff
			if i%2 == 1 {
				token = admin
			}
			r := srv.Do(t, "POST", "/api/v1/nominations", token, map[string]any{"area_id": area, "user_id": person, "skill": "合唱", "reason": "带领社区合唱队"})
			if r.Status == http.StatusCreated {
				nominations <- r.JSON(t)["id"].(string)
			} else if r.ErrorCode() != "already_nominated" {
				t.Errorf("a nomination refused with %d %s", r.Status, r.Body)
			}
			return r.Status
		})
		if count(statuses, http.StatusCreated) != 1 || count(statuses, http.StatusConflict) != 11 {
			t.Fatalf("concurrent nominations: %v", statuses)
		}
		nomination := <-nominations
		statuses = parallel(12, func(i int) int {
			action := "/approve"
			if i%2 == 1 {
				action = "/decline"
			}
			return srv.Do(t, "POST", "/api/v1/nominations/"+nomination+action, staff, nil).Status
		})
		if count(statuses, http.StatusOK) != 1 || count(statuses, http.StatusConflict) != 11 {
			t.Fatalf("concurrent decisions: %v", statuses)
		}
		// The demo station has a nomination and studios of its own.
		list := where(items(t, srv.Do(t, "GET", "/api/v1/stations/"+st+"/nominations", staff, nil)), "user_id", person)
		studios := where(items(t, srv.Do(t, "GET", "/api/v1/teams?station_id="+st+"&kind=studio", "", nil)), "name", "程秀英·合唱")
		if len(list) != 1 {
			t.Fatalf("the nominations of %s: %v", person, list)
		}
		want := map[string]int{"approved": 1, "declined": 0}[list[0]["status"].(string)]
		if len(studios) != want {
			t.Errorf("decided %v with %d studios", list[0]["status"], len(studios))
		}
		if want == 1 {
			roles := srv.Do(t, "GET", "/api/v1/users/"+person, staff, nil).JSON(t)["roles"]
			if !strings.Contains(strings.Join(toStrings(roles), ","), "talent") {
				t.Errorf("the approved nominee's roles: %v", roles)
			}
		}
		// Approved, the skill is not put forward again; declined, it may be.
		again := srv.Do(t, "POST", "/api/v1/nominations", staff, map[string]any{"area_id": area, "user_id": person, "skill": "合唱", "reason": "再推荐一次"})
		if wantStatus := map[int]int{1: http.StatusConflict, 0: http.StatusCreated}[want]; again.Status != wantStatus {
			t.Errorf("nominated again after %v: %d %s", list[0]["status"], again.Status, again.Body)
		}
		if r := srv.Do(t, "POST", "/api/v1/nominations", staff, map[string]any{"area_id": area, "user_id": person, "skill": "指挥", "reason": "另一项特长"}); r.Status != http.StatusCreated {
			t.Errorf("nominated for another skill: %d %s", r.Status, r.Body)
		}
		// The page's form sent again says so, and keeps what was typed.
		page := asPage(t, srv, staff, "POST", "/nominations/new", "area_id="+area+"&phone=13912345001&skill=指挥&reason=再按一次")
		if page.Status != http.StatusConflict {
			t.Errorf("the form sent again: %d", page.Status)
		}
		pageHas(t, "the form sent again", page, "已经以这项特长被推荐过了", "再按一次")
	})
}

// where keeps the items whose key has the value.
func where(items []map[string]any, key string, value any) []map[string]any {
	var out []map[string]any
	for _, it := range items {
		if it[key] == value {
			out = append(out, it)
		}
	}
	return out
}

func toStrings(v any) []string {
	var out []string
	list, _ := v.([]any)
	for _, s := range list {
		out = append(out, s.(string))
	}
	return out
}

// TestOwnNominationOnTheDesk: staff who live in the station's areas may be
// nominated by a committee; their desk shows the nomination without the
// buttons to decide it, which a colleague's desk has, and deciding it
// anyway is forbidden.
func TestOwnNominationOnTheDesk(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		srv := testserver.New(t, e)
		admin := srv.Login(t, testserver.AdminPhone, testserver.Password)
		colleague := srv.Login(t, testserver.StaffPhone, testserver.Password)
		id, _ := srv.Register(t, "住在小区的社工", "13912345071")
		if r := srv.Do(t, "PUT", "/api/v1/users/"+id+"/roles", admin, map[string]any{"roles": []string{"resident", "staff"},
			"station_ids": []string{srv.Station.ID.String()}}); r.Status != 200 {
			t.Fatalf("roles: %d %s", r.Status, r.Body)
		}
		worker := srv.Login(t, "13912345071", "password-13912345071")
		wantError(t, srv.Do(t, "POST", "/api/v1/nominations", worker, map[string]any{"area_id": srv.Station.Areas[0].ID.String(),
			"user_id": id, "skill": "书法", "reason": "我自己"}), 422, "validation_failed", "user_id")
		r := srv.Do(t, "POST", "/api/v1/nominations", colleague, map[string]any{"area_id": srv.Station.Areas[0].ID.String(),
			"user_id": id, "skill": "书法", "reason": "写得好"})
		if r.Status != 201 {
			t.Fatalf("nominate: %d %s", r.Status, r.Body)
		}
		nomination := r.JSON(t)["id"].(string)
		approve := "/desk/nominations/" + nomination + "/approve"
		if page := srv.Do(t, "GET", "/desk/teams", worker, nil); page.Status != 200 || strings.Contains(string(page.Body), approve) {
			t.Errorf("the nominee's desk: %d, offers to approve: %v", page.Status, strings.Contains(string(page.Body), approve))
		}
		if page := srv.Do(t, "GET", "/desk/teams", colleague, nil); page.Status != 200 || !strings.Contains(string(page.Body), approve) {
			t.Errorf("a colleague's desk: %d, offers to approve: %v", page.Status, strings.Contains(string(page.Body), approve))
		}
		wantError(t, srv.Do(t, "POST", "/api/v1/nominations/"+nomination+"/approve", worker, nil), 403, "forbidden", "")
		if r := srv.Do(t, "POST", "/api/v1/nominations/"+nomination+"/approve", colleague, nil); r.Status != 200 {
			t.Errorf("a colleague approves: %d %s", r.Status, r.Body)
		}
	})
}

// TestNominationsAreRateLimited: a committee member files the hour's
// nominations and the next is refused with 429 and a Retry-After; the
// station's staff file as many as they need.
func TestNominationsAreRateLimited(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		srv := testserver.New(t, e)
		staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
		st, area := srv.Station.ID.String(), srv.Station.Areas[0].ID.String()
		member, token := srv.Register(t, "居委会委员", "13977770011")
		nominee, _ := srv.Register(t, "会编绳结的居民", "13977770012")
		r := srv.Do(t, "POST", "/api/v1/teams", staff, map[string]any{"station_id": st, "name": "一居委", "kind": "committee"})
		if r.Status != http.StatusCreated {
			t.Fatalf("committee: %d %s", r.Status, r.Body)
		}
		if r := srv.Do(t, "POST", "/api/v1/teams/"+r.JSON(t)["id"].(string)+"/members", staff, map[string]any{"user_id": member}); r.Status != http.StatusCreated {
			t.Fatalf("member: %d %s", r.Status, r.Body)
		}
		skills := 0 // one person is nominated once for a skill
		nominate := func(token string) *testserver.Response {
			skills++
			return srv.Do(t, "POST", "/api/v1/nominations", token, map[string]any{"area_id": area, "user_id": nominee, "skill": fmt.Sprintf("绳结%d", skills), "reason": "手巧"})
		}
		for i := range guli.ThrottleNominations.Free {
			if r := nominate(token); r.Status != http.StatusCreated {
				t.Fatalf("nomination %d: %d %s", i, r.Status, r.Body)
			}
		}
		r = nominate(token)
		wantError(t, r, 429, "rate_limited", "")
		if r.Header.Get("Retry-After") == "" {
			t.Error("no Retry-After")
		}
		for i := range guli.ThrottleNominations.Free + 2 {
			if r := nominate(staff); r.Status != http.StatusCreated {
				t.Fatalf("staff's nomination %d: %d %s", i, r.Status, r.Body)
			}
		}
	})
}

// TestDeskKeepsEveryNominationWaiting: however many nominations are filed
// after one, it stays within reach of the desk, which shows those waiting
// first, a page of them at a time, and then the latest decided.
func TestDeskKeepsEveryNominationWaiting(t *testing.T) {
	srv := testserver.New(t, dbtest.Engines(t)[0])
	staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
	area := srv.Station.Areas[0].ID.String()
	person, _ := srv.Register(t, "手艺人", "13912345091")
	nominate := func(skill string) string {
		t.Helper()
		r := srv.Do(t, "POST", "/api/v1/nominations", staff, map[string]any{"area_id": area, "user_id": person, "skill": skill, "reason": "手巧"})
		if r.Status != http.StatusCreated {
			t.Fatalf("nominate: %d %s", r.Status, r.Body)
		}
		return r.JSON(t)["id"].(string)
	}
	first := nominate("老手艺")
	var last string
	for i := range guli.MaxLimit + 1 { // a page of them still waiting, and one to decline
		last = nominate(fmt.Sprintf("手艺%d", i))
	}
	if r := srv.Do(t, "POST", "/api/v1/nominations/"+last+"/decline", staff, nil); r.Status != http.StatusOK {
		t.Fatalf("decline: %d %s", r.Status, r.Body)
	}
	desk := asPage(t, srv, staff, "GET", "/desk/teams", "")
	pageHas(t, "the desk", desk, "更早的待处理推荐", "未同意")
	pageLacks(t, "the desk's first page", desk, `action="/desk/nominations/`+first+`/approve"`, `action="/desk/nominations/`+last+`/approve"`)
	more := regexp.MustCompile(`href="(/desk/teams\?cursor=[^"#]+)`).FindSubmatch(desk.Body)
	if more == nil {
		t.Fatal("no way to the older nominations waiting")
	}
	older := asPage(t, srv, staff, "GET", html.UnescapeString(string(more[1])), "")
	pageHas(t, "the older nominations waiting", older, `action="/desk/nominations/`+first+`/approve"`)
}
