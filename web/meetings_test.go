package web_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"guli"
	"guli/internal/dbtest"
	"guli/internal/testserver"
)

// createCouncil sets up a residents' council at the test station with the
// resident as its member and returns its id.
func createCouncil(t *testing.T, srv *testserver.Server, staff, memberID string) string {
	t.Helper()
	r := srv.Do(t, "POST", "/api/v1/councils", staff, map[string]any{"station_id": srv.Station.ID.String(), "name": "居民议事会", "kind": "residents"})
	if r.Status != 201 {
		t.Fatalf("council: %d %s", r.Status, r.Body)
	}
	id := r.JSON(t)["id"].(string)
	if memberID != "" {
		if r := srv.Do(t, "POST", "/api/v1/councils/"+id+"/members", staff, map[string]any{"user_id": memberID}); r.Status != 201 {
			t.Fatalf("member: %d %s", r.Status, r.Body)
		}
	}
	return id
}

func createMeeting(t testing.TB, srv *testserver.Server, staff, council string) map[string]any {
	t.Helper()
	r := srv.Do(t, "POST", "/api/v1/councils/"+council+"/meetings", staff, map[string]any{"title": "协商探讨社区70岁以上老人参与活动的安全保障",
		"start": rfc(nextOpen(time.Tuesday, "14:00")), "agenda": []string{"通报活动中的安全情况", " ", "讨论紧急联系人制度"}})
	if r.Status != 201 {
		t.Fatalf("meeting: %d %s", r.Status, r.Body)
	}
	return r.JSON(t)
}

// TestMeetingsOverTheAPI walks a meeting from its agenda to a resolution
// that becomes the station's age rule, followed up until done.
func TestMeetingsOverTheAPI(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		srv := testserver.New(t, e)
		staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
		resident := srv.Login(t, testserver.ResidentPhone, testserver.Password)
		residentID := srv.Do(t, "GET", "/api/v1/me", resident, nil).JSON(t)["id"].(string)
		council := createCouncil(t, srv, staff, residentID)

		wantError(t, srv.Do(t, "POST", "/api/v1/councils/"+council+"/meetings", resident, map[string]any{"title": "会", "start": rfc(nextOpen(time.Tuesday, "14:00"))}), 403, "forbidden", "")
		wantError(t, srv.Do(t, "POST", "/api/v1/councils/"+council+"/meetings", staff, map[string]any{"title": "会", "start": "明天"}), 422, "validation_failed", "start")
		wantError(t, srv.Do(t, "POST", "/api/v1/councils/"+council+"/meetings", staff, map[string]any{"title": "", "start": rfc(nextOpen(time.Tuesday, "14:00"))}), 422, "validation_failed", "title")
		wantError(t, srv.Do(t, "POST", "/api/v1/councils/99999/meetings", staff, map[string]any{"title": "会", "start": rfc(nextOpen(time.Tuesday, "14:00"))}), 404, "not_found", "")

		m := createMeeting(t, srv, staff, council)
		id := m["id"].(string)
		if agenda := m["agenda"].([]any); len(agenda) != 2 || agenda[1] != "讨论紧急联系人制度" {
			t.Errorf("agenda, blank lines dropped, in order: %v", agenda)
		}

		// Before the resolution, a new activity gets the rule the demo
		// residents' council resolved.
		before, _ := createActivity(t, srv, staff, nil)["age_rule"].(map[string]any)
		if before == nil || before["resolution_id"] == nil {
			t.Fatalf("an activity before the rule: %v", before)
		}

		record := map[string]any{"minutes": "到会12人，一致通过。", "resolutions": []any{"楼道加装扶手",
			map[string]any{"text": "70岁以上老人参加活动须留紧急联系人", "rule": map[string]any{"kind": "emergency_contact_from_age", "age": 70}}}}
		wantError(t, srv.Do(t, "PATCH", "/api/v1/meetings/"+id, resident, record), 403, "forbidden", "")
		wantError(t, srv.Do(t, "PATCH", "/api/v1/meetings/"+id, staff, map[string]any{"resolutions": []any{map[string]any{"text": "禁烟", "rule": map[string]any{"kind": "no_smoking", "age": 1}}}}), 422, "validation_failed", "resolutions")
		wantError(t, srv.Do(t, "PATCH", "/api/v1/meetings/"+id, staff, map[string]any{"resolutions": []any{7}}), 422, "validation_failed", "resolutions")
		for range 2 { // the same record twice adds nothing the second time
			if r := srv.Do(t, "PATCH", "/api/v1/meetings/"+id, staff, record); r.Status != 200 {
				t.Fatalf("record: %d %s", r.Status, r.Body)
			}
		}
		got := srv.Do(t, "GET", "/api/v1/meetings/"+id, "", nil).JSON(t)
		res := got["resolutions"].([]any)
		if got["minutes"] != "到会12人，一致通过。" || len(res) != 2 {
			t.Fatalf("the meeting as recorded: %v", got)
		}
		rule := res[1].(map[string]any)
		ruleID := rule["id"].(string)
		if rule["status"] != "open" || rule["rule"].(map[string]any)["age"] != float64(70) {
			t.Errorf("the rule's resolution: %v", rule)
		}

		// Attendance: members only, names for staff and members alone.
		wantError(t, srv.Do(t, "PUT", "/api/v1/meetings/"+id+"/attendance", staff, map[string]any{"user_ids": []string{"99999"}}), 422, "validation_failed", "user_ids")
		if r := srv.Do(t, "PUT", "/api/v1/meetings/"+id+"/attendance", staff, map[string]any{"user_ids": []string{residentID, residentID}}); r.Status != 200 || r.JSON(t)["attended_count"] != float64(1) {
			t.Fatalf("attendance: %d %s", r.Status, r.Body)
		}
		if got := srv.Do(t, "GET", "/api/v1/meetings/"+id, "", nil).JSON(t); got["attendees"] != nil || got["attended_count"] != float64(1) {
			t.Errorf("attendees to a passer-by: %v", got["attendees"])
		}
		if got := srv.Do(t, "GET", "/api/v1/meetings/"+id, resident, nil).JSON(t); len(got["attendees"].([]any)) != 1 {
			t.Errorf("attendees to a member: %v", got["attendees"])
		}

		// New activities get the rule, resting on the resolution; staff
		// may still choose none.
		a := createActivity(t, srv, staff, nil)
		if r, _ := a["age_rule"].(map[string]any); r == nil || r["emergency_contact_from_age"] != float64(70) || r["resolution_id"] != ruleID || ruleID == before["resolution_id"] {
			t.Errorf("a new activity's rule: %v", a["age_rule"])
		}
		if a := createActivity(t, srv, staff, map[string]any{"age_rule": nil}); a["age_rule"] != nil {
			t.Errorf("an activity staff chose no rule for: %v", a["age_rule"])
		}
		if a := createActivity(t, srv, staff, map[string]any{"age_rule": map[string]any{"emergency_contact_from_age": 80}}); a["age_rule"].(map[string]any)["resolution_id"] != nil {
			t.Errorf("a rule of staff's own rests on no resolution: %v", a["age_rule"])
		}

		// Follow-up: forward until done.
		wantError(t, srv.Do(t, "PATCH", "/api/v1/resolutions/"+ruleID, resident, map[string]any{"status": "done"}), 403, "forbidden", "")
		if r := srv.Do(t, "PATCH", "/api/v1/resolutions/"+ruleID, staff, map[string]any{"status": "in_progress", "note": "已通知各班老师"}); r.Status != 200 || r.JSON(t)["note"] != "已通知各班老师" {
			t.Fatalf("in progress: %d %s", r.Status, r.Body)
		}
		wantError(t, srv.Do(t, "PATCH", "/api/v1/resolutions/"+ruleID, staff, map[string]any{"status": "open"}), 422, "validation_failed", "status")
		if r := srv.Do(t, "PATCH", "/api/v1/resolutions/"+ruleID, staff, map[string]any{"status": "done"}); r.Status != 200 || r.JSON(t)["note"] != "已通知各班老师" {
			t.Fatalf("done: %d %s", r.Status, r.Body)
		}
		wantError(t, srv.Do(t, "PATCH", "/api/v1/resolutions/"+ruleID, staff, map[string]any{"status": "done"}), 409, "resolution_done", "")
		follow := items(t, srv.Do(t, "GET", "/api/v1/councils/"+council+"/resolutions", "", nil))
		if len(follow) != 2 || follow[0]["status"] != "open" || follow[1]["status"] != "done" {
			t.Errorf("the follow-up list, what is left first: %v", follow)
		}
		if list := items(t, srv.Do(t, "GET", "/api/v1/councils/"+council+"/meetings", "", nil)); len(list) != 1 || list[0]["id"] != id {
			t.Errorf("the council's meetings: %v", list)
		}
	})
}

// TestProposalsOverTheAPI puts a proposal to a council, supports it, and
// answers it on a meeting's agenda.
func TestProposalsOverTheAPI(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		srv := testserver.New(t, e)
		staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
		resident := srv.Login(t, testserver.ResidentPhone, testserver.Password)
		_, neighbour := srv.Register(t, "提议的邻居", "13912340011")
		council := createCouncil(t, srv, staff, "")
		meeting := createMeeting(t, srv, staff, council)["id"].(string)

		wantError(t, srv.Do(t, "POST", "/api/v1/councils/"+council+"/proposals", "", map[string]any{"title": "加装扶手"}), 401, "unauthenticated", "")
		wantError(t, srv.Do(t, "POST", "/api/v1/councils/"+council+"/proposals", resident, map[string]any{"title": strings.Repeat("长", 101)}), 422, "validation_failed", "title")
		r := srv.Do(t, "POST", "/api/v1/councils/"+council+"/proposals", resident, map[string]any{"title": "三号楼楼道加装扶手", "body": "老人上下楼不便"})
		if r.Status != 201 {
			t.Fatalf("propose: %d %s", r.Status, r.Body)
		}
		id := r.JSON(t)["id"].(string)
		if r := srv.Do(t, "POST", "/api/v1/proposals/"+id+"/supports", neighbour, nil); r.Status != 201 || r.JSON(t)["support_count"] != float64(1) || r.JSON(t)["supported"] != true {
			t.Fatalf("support: %d %s", r.Status, r.Body)
		}
		wantError(t, srv.Do(t, "POST", "/api/v1/proposals/"+id+"/supports", neighbour, nil), 409, "already_supported", "")
		list := items(t, srv.Do(t, "GET", "/api/v1/councils/"+council+"/proposals", "", nil))
		if len(list) != 1 || list[0]["support_count"] != float64(1) || list[0]["author"] != nil || list[0]["outcome"] != nil {
			t.Errorf("proposals to a passer-by: %v", list)
		}
		if got := srv.Do(t, "GET", "/api/v1/proposals/"+id, staff, nil).JSON(t); got["author"] != "李建华" {
			t.Errorf("the author to staff: %v", got["author"])
		}

		wantError(t, srv.Do(t, "PATCH", "/api/v1/proposals/"+id, resident, map[string]any{"outcome": "accepted"}), 403, "forbidden", "")
		wantError(t, srv.Do(t, "PATCH", "/api/v1/proposals/"+id, staff, map[string]any{"outcome": "maybe"}), 422, "validation_failed", "outcome")
		wantError(t, srv.Do(t, "PATCH", "/api/v1/proposals/"+id, staff, map[string]any{"meeting_id": "99999"}), 422, "validation_failed", "meeting_id")
		r = srv.Do(t, "PATCH", "/api/v1/proposals/"+id, staff, map[string]any{"meeting_id": meeting, "outcome": "accepted", "answer": "物业下月施工"})
		if p := r.JSON(t); r.Status != 200 || p["outcome"] != "accepted" || p["meeting_id"] != meeting || p["answer"] != "物业下月施工" {
			t.Fatalf("answer: %d %s", r.Status, r.Body)
		}
		if ps := srv.Do(t, "GET", "/api/v1/meetings/"+meeting, "", nil).JSON(t)["proposals"].([]any); len(ps) != 1 {
			t.Errorf("the proposal on the meeting's agenda: %v", ps)
		}
		// A meeting shows its proposals as the proposals' own answers do:
		// the author's name to the author and staff, to nobody else.
		for _, reader := range []struct {
			name, token, author string
		}{{"a passer-by", "", ""}, {"a neighbour", neighbour, ""}, {"the author", resident, "李建华"}, {"staff", staff, "李建华"}} {
			one := srv.Do(t, "GET", "/api/v1/meetings/"+meeting, reader.token, nil).JSON(t)["proposals"].([]any)
			listed := items(t, srv.Do(t, "GET", "/api/v1/councils/"+council+"/meetings", reader.token, nil))[0]["proposals"].([]any)
			for _, ps := range [][]any{one, listed} {
				if got, _ := ps[0].(map[string]any)["author"].(string); got != reader.author {
					t.Errorf("the author of a meeting's proposal to %s: %q, want %q", reader.name, got, reader.author)
				}
			}
		}
		if ps := srv.Do(t, "GET", "/api/v1/meetings/"+meeting, neighbour, nil).JSON(t)["proposals"].([]any); ps[0].(map[string]any)["supported"] != true {
			t.Errorf("a meeting's proposal says whether the reader supports it: %v", ps[0])
		}

		// The author hears the answer once; the same answer again is no news.
		if r := srv.Do(t, "PATCH", "/api/v1/proposals/"+id, staff, map[string]any{"outcome": "accepted", "answer": "物业下月施工"}); r.Status != 200 {
			t.Fatalf("the same answer again: %d %s", r.Status, r.Body)
		}
		var told []map[string]any
		for _, n := range items(t, srv.Do(t, "GET", "/api/v1/me/notifications", resident, nil)) {
			if n["kind"] == "proposal_answered" {
				told = append(told, n)
			}
		}
		if len(told) != 1 || told[0]["title"] != "你的提议有了答复：三号楼楼道加装扶手" || !strings.Contains(told[0]["body"].(string), "已采纳") {
			t.Fatalf("the author's notifications of the answer: %v", told)
		}
		for _, n := range items(t, srv.Do(t, "GET", "/api/v1/me/notifications", neighbour, nil)) {
			if n["kind"] == "proposal_answered" {
				t.Errorf("a supporter is told the author's news: %v", n)
			}
		}
		en := srv.Send(t, testserver.Request{Method: "GET", Path: "/notifications", Token: resident, Header: map[string]string{"Cookie": "guli_lang=en"}})
		pageHas(t, "the author's notifications page", en, `href="/councils/`+council+`/proposals?cursor=`+guli.ProposalsFrom(guli.ParseID(id))+`#proposal-`+id+`"`, "Your proposal is answered", "Accepted")
	})
}

// TestSupportsUnderConcurrency: one person supporting many times at once
// counts once; many people at once are each counted.
func TestSupportsUnderConcurrency(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		srv := testserver.New(t, e)
		staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
		resident := srv.Login(t, testserver.ResidentPhone, testserver.Password)
		council := createCouncil(t, srv, staff, "")
		r := srv.Do(t, "POST", "/api/v1/councils/"+council+"/proposals", resident, map[string]any{"title": "增加助餐点"})
		if r.Status != 201 {
			t.Fatalf("propose: %d %s", r.Status, r.Body)
		}
		id := r.JSON(t)["id"].(string)
		const n = 12
		once := parallel(n, func(int) int { return srv.Do(t, "POST", "/api/v1/proposals/"+id+"/supports", resident, nil).Status })
		if count(once, 201) != 1 || count(once, 409) != n-1 {
			t.Fatalf("one person %d times at once: %v", n, once)
		}
		_, tokens := residents(t, srv, n)
		many := parallel(n, func(i int) int { return srv.Do(t, "POST", "/api/v1/proposals/"+id+"/supports", tokens[i], nil).Status })
		if count(many, 201) != n {
			t.Fatalf("%d people at once: %v", n, many)
		}
		if got := srv.Do(t, "GET", "/api/v1/proposals/"+id, "", nil).JSON(t)["support_count"]; got != float64(n+1) {
			t.Errorf("support count %v, want %d", got, n+1)
		}
	})
}

// TestMeetingListIsPaged: meetings come whole (agenda, minutes,
// resolutions), so a page of them is bounded whatever limit a passer-by
// asks for; the page links to older meetings, and a cursor of nonsense
// shows the first page.
func TestMeetingListIsPaged(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		srv := testserver.New(t, e)
		staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
		council := createCouncil(t, srv, staff, "")
		const n = 23
		for range n {
			createMeeting(t, srv, staff, council)
		}
		r := srv.Do(t, "GET", "/api/v1/councils/"+council+"/meetings?limit=200", "", nil)
		first := r.JSON(t)
		cursor, _ := first["next_cursor"].(string)
		if got := len(first["items"].([]any)); got != 20 || cursor == "" {
			t.Fatalf("limit=200 gave %d meetings, next %q; want 20 and a cursor", got, cursor)
		}
		rest := srv.Do(t, "GET", "/api/v1/councils/"+council+"/meetings?limit=200&cursor="+cursor, "", nil).JSON(t)
		if got := len(rest["items"].([]any)); got != n-20 || rest["next_cursor"] != nil {
			t.Errorf("the second page: %d meetings, next %v", got, rest["next_cursor"])
		}
		page := srv.Do(t, "GET", "/councils/"+council+"/meetings", "", nil)
		if page.Status != 200 || strings.Count(string(page.Body), `class="notice-card meeting-card"`) != 20 ||
			!strings.Contains(string(page.Body), "/councils/"+council+"/meetings?cursor=") {
			t.Errorf("the page: %d, %d meetings, a link to older ones: %v", page.Status,
				strings.Count(string(page.Body), `class="notice-card meeting-card"`), strings.Contains(string(page.Body), "?cursor="))
		}
		older := srv.Do(t, "GET", "/councils/"+council+"/meetings?cursor="+cursor, "", nil)
		if older.Status != 200 || strings.Count(string(older.Body), `class="notice-card meeting-card"`) != n-20 {
			t.Errorf("older meetings on the page: %d", older.Status)
		}
		// As on the proposals and polls: an address no link makes is a bad one.
		if r := srv.Do(t, "GET", "/councils/"+council+"/meetings?cursor=nonsense~~", "", nil); r.Status != 400 {
			t.Errorf("a cursor of nonsense on the page: %d", r.Status)
		}
	})
}

// TestRuleIsNeverDroppedUnsaid: the rule of a resolution is the station's
// rule for new activities; a record that would lose it says so rather
// than answering 200 without it.
func TestRuleIsNeverDroppedUnsaid(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		srv := testserver.New(t, e)
		staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
		council := createCouncil(t, srv, staff, "")
		id := createMeeting(t, srv, staff, council)["id"].(string)
		rule := func(text string, age int) map[string]any {
			return map[string]any{"text": text, "rule": map[string]any{"kind": "emergency_contact_from_age", "age": age}}
		}
		wantError(t, srv.Do(t, "PATCH", "/api/v1/meetings/"+id, staff, map[string]any{"resolutions": []any{rule(" ", 70)}}), 422, "validation_failed", "resolutions")
		r := srv.Do(t, "PATCH", "/api/v1/meetings/"+id, staff, map[string]any{"resolutions": []any{"七十岁以上留紧急联系人", rule("七十岁以上留紧急联系人", 70)}})
		if r.Status != 200 {
			t.Fatalf("record: %d %s", r.Status, r.Body)
		}
		rs := r.JSON(t)["resolutions"].([]any)
		if len(rs) != 1 || rs[0].(map[string]any)["rule"] == nil {
			t.Fatalf("a text given plain and with its rule keeps the rule: %v", rs)
		}
		wantError(t, srv.Do(t, "PATCH", "/api/v1/meetings/"+id, staff, map[string]any{"resolutions": []any{rule("七十岁以上留紧急联系人", 75)}}), 422, "validation_failed", "resolutions")
		if r := srv.Do(t, "PATCH", "/api/v1/meetings/"+id, staff, map[string]any{"resolutions": []any{rule("七十岁以上留紧急联系人", 70)}}); r.Status != 200 {
			t.Errorf("the same rule again, a retry: %d %s", r.Status, r.Body)
		}
		act := srv.Do(t, "POST", "/api/v1/activities", staff, map[string]any{"station_id": srv.Station.ID.String(), "title": "太极", "category": "class",
			"start": rfc(nextOpen(time.Wednesday, "10:00")), "end": rfc(nextOpen(time.Wednesday, "11:00")), "capacity": 10})
		if act.Status != 201 || !strings.Contains(string(act.Body), `"emergency_contact_from_age":70`) {
			t.Errorf("the station's rule on a new activity: %d %s", act.Status, act.Body)
		}
	})
}

// TestProposalsAreRateLimited: a resident cannot flood a council's public
// list of proposals; the station's staff are not limited.
func TestProposalsAreRateLimited(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		srv := testserver.New(t, e)
		staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
		// A resident the demo's proposals are not of, so that the hour's
		// count starts at none.
		_, resident := srv.Register(t, "爱提议的居民", "13977770001")
		council := createCouncil(t, srv, staff, "")
		propose := func(token string, i int) *testserver.Response {
			return srv.Do(t, "POST", "/api/v1/councils/"+council+"/proposals", token, map[string]any{"title": fmt.Sprintf("提议%d", i)})
		}
		for i := range guli.ThrottleProposals.Free {
			if r := propose(resident, i); r.Status != 201 {
				t.Fatalf("proposal %d: %d %s", i, r.Status, r.Body)
			}
		}
		r := propose(resident, 99)
		wantError(t, r, 429, "rate_limited", "")
		if r.Header.Get("Retry-After") == "" {
			t.Error("no Retry-After")
		}
		for i := range guli.ThrottleProposals.Free + 2 {
			if r := propose(staff, i); r.Status != 201 {
				t.Fatalf("staff's proposal %d: %d %s", i, r.Status, r.Body)
			}
		}
	})
}

// TestMeetingsRefuseBadJSON: wrong JSON types and numbers no one expects,
// in every field of the meetings, resolutions and proposals routes, are
// refused with a 4xx, never a 5xx.
func TestMeetingsRefuseBadJSON(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		srv := testserver.New(t, e)
		staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
		council := createCouncil(t, srv, staff, "")
		meeting := createMeeting(t, srv, staff, council)["id"].(string)
		recorded := srv.Do(t, "PATCH", "/api/v1/meetings/"+meeting, staff, map[string]any{"resolutions": []string{"楼道加装扶手"}})
		resolution := recorded.JSON(t)["resolutions"].([]any)[0].(map[string]any)["id"].(string)
		proposal := srv.Do(t, "POST", "/api/v1/councils/"+council+"/proposals", staff, map[string]any{"title": "增加助餐点"}).JSON(t)["id"].(string)
		bad := []string{`true`, `{}`, `[]`, `-1`, `99999999999999999999999999`, `-9223372036854775809`, `1e308`, `"-1"`, `"99999999999999999999"`, `[true]`, `[{}]`, `[-1]`, `[1e308]`}
		for _, tc := range []struct {
			method, path string
			fields       []string
		}{
			{"POST", "/api/v1/councils/" + council + "/meetings", []string{"title", "start", "agenda"}},
			{"PATCH", "/api/v1/meetings/" + meeting, []string{"minutes", "resolutions"}},
			{"PUT", "/api/v1/meetings/" + meeting + "/attendance", []string{"user_ids"}},
			{"PATCH", "/api/v1/resolutions/" + resolution, []string{"status", "note"}},
			{"POST", "/api/v1/councils/" + council + "/proposals", []string{"title", "body"}},
			{"PATCH", "/api/v1/proposals/" + proposal, []string{"meeting_id", "outcome", "answer"}},
		} {
			for _, field := range tc.fields {
				for _, value := range bad {
					body := `{"` + field + `": ` + value + `}`
					// Text that looks like a number is text, and an empty
					// list or resolution is nothing to record.
					mayPass := strings.HasPrefix(value, `"`) || value == `[]` || (value == `[{}]` && field == "resolutions")
					r := srv.Send(t, testserver.Request{Method: tc.method, Path: tc.path, Token: staff, Body: body})
					if r.Status >= 500 || (!mayPass && r.Status < 400) {
						t.Errorf("%s %s with %s: %d %s", tc.method, tc.path, body, r.Status, r.Body)
					}
				}
			}
		}
		// A rule's age out of range, or of the wrong type.
		for _, age := range []string{`0`, `-1`, `151`, `1e308`, `"70"`, `99999999999999999999`} {
			body := `{"resolutions": [{"text": "70岁以上须留紧急联系人", "rule": {"kind": "emergency_contact_from_age", "age": ` + age + `}}]}`
			if r := srv.Send(t, testserver.Request{Method: "PATCH", Path: "/api/v1/meetings/" + meeting, Token: staff, Body: body}); r.Status != 422 {
				t.Errorf("a rule's age of %s: %d %s", age, r.Status, r.Body)
			}
		}
	})
}
