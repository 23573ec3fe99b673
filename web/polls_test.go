package web_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"guli/internal/dbtest"
	"guli/internal/testserver"
)

// councilWith sets up a council of a station, as its staff, with the
// members given by id.
func councilWith(t testing.TB, srv *testserver.Server, station, staff string, members ...string) string {
	t.Helper()
	r := srv.Do(t, "POST", "/api/v1/councils", staff, map[string]any{"station_id": station, "name": "家长议事会", "kind": "parents"})
	if r.Status != 201 {
		t.Fatalf("council: %d %s", r.Status, r.Body)
	}
	id := r.JSON(t)["id"].(string)
	for _, m := range members {
		if r := srv.Do(t, "POST", "/api/v1/councils/"+id+"/members", staff, map[string]any{"user_id": m}); r.Status != 201 {
			t.Fatalf("member: %d %s", r.Status, r.Body)
		}
	}
	return id
}

// openPoll opens a poll in a council: a secret single choice of three
// closing tomorrow, changed by body.
func openPoll(t testing.TB, srv *testserver.Server, staff, council string, body map[string]any) (id string, options []string) {
	t.Helper()
	in := map[string]any{"question": "推选家委会成员", "options": []string{"王芳", "李强", "赵敏"}, "max_choices": 1,
		"secret": true, "closes_at": rfc(time.Now().Add(24 * time.Hour))}
	for k, v := range body {
		in[k] = v
	}
	r := srv.Do(t, "POST", "/api/v1/councils/"+council+"/polls", staff, in)
	if r.Status != 201 {
		t.Fatalf("open a poll: %d %s", r.Status, r.Body)
	}
	p := r.JSON(t)
	for _, o := range p["options"].([]any) {
		options = append(options, o.(map[string]any)["id"].(string))
	}
	return p["id"].(string), options
}

func TestPollsOverTheAPI(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		srv := testserver.New(t, e)
		staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
		resident := srv.Login(t, testserver.ResidentPhone, testserver.Password)
		outsider := srv.Login(t, testserver.TalentPhone, testserver.Password)
		residentID := srv.Do(t, "GET", "/api/v1/me", resident, nil).JSON(t)["id"].(string)
		paperID, _ := srv.Register(t, "没有手机的家长", "13912345001")
		parentID, parent := srv.Register(t, "家长", "13912345002")
		council := councilWith(t, srv, srv.Station.ID.String(), staff, residentID, paperID, parentID)

		path := "/api/v1/councils/" + council + "/polls"
		good := map[string]any{"question": "选举", "options": []string{"甲", "乙"}, "closes_at": rfc(time.Now().Add(time.Hour))}
		wantError(t, srv.Do(t, "POST", path, resident, good), 403, "forbidden", "")
		wantError(t, srv.Do(t, "POST", path, "", good), 401, "unauthenticated", "")
		wantError(t, srv.Do(t, "POST", "/api/v1/councils/99999/polls", staff, good), 404, "not_found", "")
		wantError(t, srv.Do(t, "POST", path, staff, map[string]any{"question": "选举", "options": []string{"甲"}, "closes_at": rfc(time.Now().Add(time.Hour))}), 422, "validation_failed", "options")
		wantError(t, srv.Do(t, "POST", path, staff, map[string]any{"question": "选举", "options": []string{"甲", "乙"}, "closes_at": "明天"}), 422, "validation_failed", "closes_at")
		wantError(t, srv.Do(t, "POST", path, staff, map[string]any{"question": "选举", "options": []string{"甲", "乙"}, "closes_at": rfc(time.Now().Add(-time.Hour))}), 422, "validation_failed", "closes_at")
		wantError(t, srv.Do(t, "POST", path, staff, map[string]any{"question": "选举", "options": []string{"甲", "乙", "丙"}, "seats": 1, "max_choices": 2, "closes_at": rfc(time.Now().Add(time.Hour))}), 422, "validation_failed", "max_choices")
		wantError(t, srv.Do(t, "POST", path, staff, map[string]any{"question": "选举", "options": "甲,乙", "closes_at": rfc(time.Now().Add(time.Hour))}), 422, "validation_failed", "options")

		// An election of one among three, secret.
		poll, opts := openPoll(t, srv, staff, council, map[string]any{"seats": 1})
		votes := "/api/v1/polls/" + poll + "/votes"
		wantError(t, srv.Do(t, "POST", votes, outsider, map[string]any{"option_ids": []string{opts[0]}}), 403, "forbidden", "")
		wantError(t, srv.Do(t, "POST", votes, staff, map[string]any{"option_ids": []string{opts[0]}}), 403, "forbidden", "")
		wantError(t, srv.Do(t, "POST", votes, resident, map[string]any{"option_ids": []string{}}), 422, "validation_failed", "option_ids")
		wantError(t, srv.Do(t, "POST", votes, resident, map[string]any{"option_ids": []string{opts[0], opts[1]}}), 422, "validation_failed", "option_ids")
		wantError(t, srv.Do(t, "POST", votes, resident, map[string]any{"option_ids": []string{"99999"}}), 422, "validation_failed", "option_ids")
		wantError(t, srv.Do(t, "POST", votes, resident, map[string]any{"option_ids": opts[0]}), 422, "validation_failed", "option_ids")
		wantError(t, srv.Do(t, "POST", votes, resident, map[string]any{"option_ids": []string{opts[1]}, "user_id": paperID}), 403, "forbidden", "")
		if r := srv.Do(t, "POST", votes, resident, map[string]any{"option_ids": []string{opts[1]}}); r.Status != 201 || r.JSON(t)["user_id"] != residentID {
			t.Fatalf("vote: %d %s", r.Status, r.Body)
		}
		wantError(t, srv.Do(t, "POST", votes, resident, map[string]any{"option_ids": []string{opts[0]}}), 409, "already_voted", "")
		wantError(t, srv.Do(t, "POST", votes, staff, map[string]any{"option_ids": []string{opts[0]}, "user_id": testserver.StaffPhone}), 422, "validation_failed", "user_id")
		if r := srv.Do(t, "POST", votes, staff, map[string]any{"option_ids": []string{opts[1]}, "user_id": paperID}); r.Status != 201 {
			t.Fatalf("paper ballot: %d %s", r.Status, r.Body)
		}
		wantError(t, srv.Do(t, "POST", votes, staff, map[string]any{"option_ids": []string{opts[0]}, "user_id": paperID}), 409, "already_voted", "")
		if r := srv.Do(t, "POST", votes, parent, map[string]any{"option_ids": []string{opts[2]}}); r.Status != 201 {
			t.Fatalf("vote: %d %s", r.Status, r.Body)
		}

		open := srv.Do(t, "GET", "/api/v1/polls/"+poll, resident, nil).JSON(t)
		if open["status"] != "open" || open["voters_count"] != 3.0 || open["eligible_count"] != 3.0 || open["voted"] != true ||
			open["results"] != nil || open["elected"] != nil {
			t.Fatalf("an open secret poll: %v", open)
		}
		if got := srv.Do(t, "GET", "/api/v1/polls/"+poll, "", nil).JSON(t); got["voted"] != false || got["results"] != nil {
			t.Fatalf("to a passer-by: %v", got)
		}
		wantError(t, srv.Do(t, "POST", "/api/v1/polls/"+poll+"/close", resident, nil), 403, "forbidden", "")
		r := srv.Do(t, "POST", "/api/v1/polls/"+poll+"/close", staff, nil)
		if r.Status != 200 {
			t.Fatalf("close: %d %s", r.Status, r.Body)
		}
		closed := r.JSON(t)
		if closed["status"] != "closed" || closed["closed_at"] == nil || fmt.Sprint(closed["results"]) != fmt.Sprintf("[map[option_id:%s votes:0] map[option_id:%s votes:2] map[option_id:%s votes:1]]", opts[0], opts[1], opts[2]) ||
			fmt.Sprint(closed["elected"]) != "["+opts[1]+"]" || closed["tied"] != nil {
			t.Fatalf("closed: %v", closed)
		}
		wantError(t, srv.Do(t, "POST", "/api/v1/polls/"+poll+"/close", staff, nil), 422, "poll_closed", "")
		wantError(t, srv.Do(t, "POST", votes, parent, map[string]any{"option_ids": []string{opts[0]}}), 422, "poll_closed", "")
		for _, s := range []string{"user_id", residentID, paperID, parentID} {
			if strings.Contains(string(srv.Do(t, "GET", "/api/v1/polls/"+poll, staff, nil).Body), `"`+s+`"`) && s != "user_id" {
				t.Errorf("the closed secret poll names voter %s", s)
			}
		}

		list := items(t, srv.Do(t, "GET", path, "", nil))
		if len(list) != 1 || list[0]["id"] != poll {
			t.Fatalf("the council's polls: %v", list)
		}
		wantError(t, srv.Do(t, "GET", "/api/v1/councils/99999/polls", "", nil), 404, "not_found", "")
		wantError(t, srv.Do(t, "GET", "/api/v1/polls/99999", "", nil), 404, "not_found", "")
	})
}

// TestOneVotePerMemberAtOnce is invariant 5 over HTTP: a member pressing
// vote many times at once, while staff enter their paper ballot too, has
// one vote counted.
func TestOneVotePerMemberAtOnce(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		srv := testserver.New(t, e)
		staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
		var ids, tokens []string
		for i := range 3 {
			id, token := srv.Register(t, fmt.Sprintf("家长%d", i), fmt.Sprintf("1391234600%d", i))
			ids, tokens = append(ids, id), append(tokens, token)
		}
		council := councilWith(t, srv, srv.Station.ID.String(), staff, ids...)
		poll, opts := openPoll(t, srv, staff, council, map[string]any{"options": []string{"同意", "不同意"}, "max_choices": 2, "secret": true})
		const each = 8
		type answer struct {
			paper  bool // both options, on paper; one of the member's own
			status int
		}
		statuses := make(chan answer, len(ids)*each*2)
		var wg sync.WaitGroup
		for m := range ids {
			for i := range each {
				wg.Add(2)
				go func() {
					defer wg.Done()
					statuses <- answer{false, srv.Do(t, "POST", "/api/v1/polls/"+poll+"/votes", tokens[m], map[string]any{"option_ids": []string{opts[i%2]}}).Status}
				}()
				go func() {
					defer wg.Done()
					statuses <- answer{true, srv.Do(t, "POST", "/api/v1/polls/"+poll+"/votes", staff, map[string]any{"option_ids": opts, "user_id": ids[m]}).Status}
				}()
			}
		}
		wg.Wait()
		close(statuses)
		counts := map[int]int{}
		var want float64 // votes the accepted ballots chose
		for a := range statuses {
			counts[a.status]++
			if a.status == 201 {
				want++
				if a.paper {
					want++
				}
			}
		}
		if counts[201] != len(ids) || counts[409] != len(ids)*(2*each-1) {
			t.Fatalf("statuses %v: want %d votes and the rest already_voted", counts, len(ids))
		}
		r := srv.Do(t, "POST", "/api/v1/polls/"+poll+"/close", staff, nil).JSON(t)
		if r["voters_count"] != float64(len(ids)) {
			t.Fatalf("voters %v", r["voters_count"])
		}
		var counted float64
		for _, res := range r["results"].([]any) {
			counted += res.(map[string]any)["votes"].(float64)
		}
		if counted != want {
			t.Fatalf("%v votes counted, want %v: the accepted ballots' and no more", counted, want)
		}
	})
}
