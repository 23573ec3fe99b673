package web_test

import (
	"encoding/json"
	"fmt"
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
		// The ids the poll names that are not people's (its own, its
		// council's, its station's, its options') may equal a person's
		// by chance: the voters are looked for everywhere else.
		var shown any
		if err := json.Unmarshal(srv.Do(t, "GET", "/api/v1/polls/"+poll, staff, nil).Body, &shown); err != nil {
			t.Fatal(err)
		}
		named := personIDsIn(shown, "")
		for _, s := range []string{residentID, paperID, parentID} {
			if named[s] {
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

// personIDsIn gathers the strings of a JSON value but those under the
// keys that name a poll's own things (its id, its council, its station,
// its options, those elected or tied); key is the value's own.
func personIDsIn(v any, key string) map[string]bool {
	out := map[string]bool{}
	switch key {
	case "id", "council_id", "station_id", "option_id", "elected", "tied":
		return out
	}
	switch v := v.(type) {
	case string:
		out[v] = true
	case []any:
		for _, x := range v {
			for s := range personIDsIn(x, key) {
				out[s] = true
			}
		}
	case map[string]any:
		for k, x := range v {
			for s := range personIDsIn(x, k) {
				out[s] = true
			}
		}
	}
	return out
}

// TestFewSecretBallotsKeepTheirCount: staff see who voted and may close a
// poll at any time; closing a secret poll right after one or two ballots
// must not show how those voted, through the API or the page.
func TestFewSecretBallotsKeepTheirCount(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		srv := testserver.New(t, e)
		staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
		first, token := srv.Register(t, "先投的家长", "13912346101")
		paper, _ := srv.Register(t, "纸质选票的家长", "13912346102")
		third, _ := srv.Register(t, "没投的家长", "13912346103")
		council := councilWith(t, srv, srv.Station.ID.String(), staff, first, paper, third)
		for _, tt := range []struct {
			name   string
			ballot func(poll string, opts []string)
			voters float64
		}{
			{"one ballot", func(poll string, opts []string) {
				if r := srv.Do(t, "POST", "/api/v1/polls/"+poll+"/votes", token, map[string]any{"option_ids": []string{opts[2]}}); r.Status != 201 {
					t.Fatalf("vote: %d %s", r.Status, r.Body)
				}
			}, 1},
			{"two ballots, one on paper", func(poll string, opts []string) {
				if r := srv.Do(t, "POST", "/api/v1/polls/"+poll+"/votes", token, map[string]any{"option_ids": []string{opts[2]}}); r.Status != 201 {
					t.Fatalf("vote: %d %s", r.Status, r.Body)
				}
				if r := srv.Do(t, "POST", "/api/v1/polls/"+poll+"/votes", staff, map[string]any{"option_ids": []string{opts[1]}, "user_id": paper}); r.Status != 201 {
					t.Fatalf("paper ballot: %d %s", r.Status, r.Body)
				}
			}, 2},
		} {
			poll, opts := openPoll(t, srv, staff, council, map[string]any{"seats": 1})
			tt.ballot(poll, opts)
			closed := srv.Do(t, "POST", "/api/v1/polls/"+poll+"/close", staff, nil)
			if closed.Status != 200 {
				t.Fatalf("%s: close: %d %s", tt.name, closed.Status, closed.Body)
			}
			for who, r := range map[string]*testserver.Response{"the close's answer": closed,
				"the poll to staff":   srv.Do(t, "GET", "/api/v1/polls/"+poll, staff, nil),
				"the poll to a voter": srv.Do(t, "GET", "/api/v1/polls/"+poll, token, nil),
				"the poll to anyone":  srv.Do(t, "GET", "/api/v1/polls/"+poll, "", nil)} {
				got := r.JSON(t)
				if got["status"] != "closed" || got["voters_count"] != tt.voters || got["results"] != nil || got["elected"] != nil ||
					got["tied"] != nil || got["results_withheld"] != true {
					t.Errorf("%s, %s: %s", tt.name, who, r.Body)
				}
			}
			for _, p := range items(t, srv.Do(t, "GET", "/api/v1/councils/"+council+"/polls", "", nil)) {
				if p["id"] == poll && (p["results"] != nil || p["elected"] != nil || p["results_withheld"] != true) {
					t.Errorf("%s, the council's list: %v", tt.name, p)
				}
			}
			page := asPage(t, srv, staff, "GET", "/polls/"+poll, "")
			pageHas(t, tt.name+", the poll's page", page, "为了不让人从票数看出谁投了什么")
			pageLacks(t, tt.name+", the poll's page", page, "1 票", "poll-results", "badge elected")
		}
	})
}

// TestCouncilPollsPageByPage: a council's polls come a page at a time,
// open ones first and then the closed, newest first, each once, and the
// list's page links to the older ones: none is out of reach.
func TestCouncilPollsPageByPage(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		srv := testserver.New(t, e)
		staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
		council := councilWith(t, srv, srv.Station.ID.String(), staff)
		var polls []string
		for range 5 {
			poll, _ := openPoll(t, srv, staff, council, nil)
			polls = append(polls, poll)
		}
		for _, i := range []int{0, 3} {
			if r := srv.Do(t, "POST", "/api/v1/polls/"+polls[i]+"/close", staff, nil); r.Status != 200 {
				t.Fatalf("close: %d %s", r.Status, r.Body)
			}
		}
		want := []string{polls[4], polls[2], polls[1], polls[3], polls[0]} // open, newest first; then closed
		var got []string
		path := "/api/v1/councils/" + council + "/polls?limit=2"
		for next := ""; ; {
			r := srv.Do(t, "GET", path+next, "", nil)
			if r.Status != 200 {
				t.Fatalf("a page: %d %s", r.Status, r.Body)
			}
			for _, p := range items(t, r) {
				got = append(got, p["id"].(string))
			}
			cursor, _ := r.JSON(t)["next_cursor"].(string)
			if cursor == "" || len(got) > len(want) {
				break
			}
			next = "&cursor=" + cursor
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("the council's polls page by page: %v, want %v", got, want)
		}
		for _, bad := range []string{"abc", "MB8w", "Mh8x", "MB8tMQ", "MR85OTk5OTk5OTk5OTk5OTk5OTk5OQ"} { // 0␟0, 2␟1, 0␟-1, 1␟99999999999999999999
			wantError(t, srv.Do(t, "GET", path+"&cursor="+bad, "", nil), 422, "validation_failed", "cursor")
		}

		first := srv.Do(t, "GET", "/api/v1/councils/"+council+"/polls?limit=4", "", nil).JSON(t)["next_cursor"].(string)
		page := asPage(t, srv, "", "GET", "/councils/"+council+"/polls", "")
		pageLacks(t, "the polls' page, all on it", page, "更早的投票")
		r := asPage(t, srv, "", "GET", "/councils/"+council+"/polls?cursor="+first, "")
		pageHas(t, "older polls' page", r, `href="/polls/`+polls[0]+`"`)
		pageLacks(t, "older polls' page", r, `href="/polls/`+polls[4]+`"`)
		if r := srv.Do(t, "GET", "/councils/"+council+"/polls?cursor=abc", "", nil); r.Status != 400 {
			t.Errorf("a cursor of nonsense: %d, want 400", r.Status)
		}
	})
}

// TestClosedPollTurnoutStays: members added to the council after a poll
// ended could not vote in it; its turnout reads as it did when it closed.
func TestClosedPollTurnoutStays(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		srv := testserver.New(t, e)
		staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
		var tokens []string
		var members []string
		for i := range 3 {
			id, token := srv.Register(t, fmt.Sprintf("成员%d", i), fmt.Sprintf("1391234620%d", i))
			members, tokens = append(members, id), append(tokens, token)
		}
		council := councilWith(t, srv, srv.Station.ID.String(), staff, members...)
		closedPoll, opts := openPoll(t, srv, staff, council, nil)
		openOne, _ := openPoll(t, srv, staff, council, nil)
		for _, token := range tokens {
			if r := srv.Do(t, "POST", "/api/v1/polls/"+closedPoll+"/votes", token, map[string]any{"option_ids": []string{opts[0]}}); r.Status != 201 {
				t.Fatalf("vote: %d %s", r.Status, r.Body)
			}
		}
		if r := srv.Do(t, "POST", "/api/v1/polls/"+closedPoll+"/close", staff, nil); r.Status != 200 {
			t.Fatalf("close: %d %s", r.Status, r.Body)
		}
		time.Sleep(2 * time.Millisecond) // a later millisecond than the close
		late, _ := srv.Register(t, "后来的成员", "13912346209")
		if r := srv.Do(t, "POST", "/api/v1/councils/"+council+"/members", staff, map[string]any{"user_id": late}); r.Status != 201 {
			t.Fatalf("member: %d %s", r.Status, r.Body)
		}
		if got := srv.Do(t, "GET", "/api/v1/polls/"+closedPoll, "", nil).JSON(t); got["voters_count"] != 3.0 || got["eligible_count"] != 3.0 {
			t.Errorf("the closed poll's turnout after a member joined: %v of %v", got["voters_count"], got["eligible_count"])
		}
		if got := srv.Do(t, "GET", "/api/v1/polls/"+openOne, "", nil).JSON(t); got["eligible_count"] != 4.0 {
			t.Errorf("the open poll counts the new member: %v", got["eligible_count"])
		}
	})
}
