package web_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"guli/demo"
	"guli/internal/dbtest"
	"guli/internal/testserver"
)

// TestPollPages walks an election through its pages, without JavaScript:
// staff open it, a member votes with radio buttons, staff enter a paper
// ballot and close it, and the results show with their bars.
func TestPollPages(t *testing.T) {
	srv := testserver.New(t, dbtest.Engines(t)[0])
	staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
	memberID, member := srv.Register(t, "投票的家长", "13912347001")
	paperID, _ := srv.Register(t, "没有手机的家长", "13912347002")
	_, outsider := srv.Register(t, "不是成员", "13912347003")
	thirdID, third := srv.Register(t, "第三位家长", "13912347004")
	council := councilWith(t, srv, srv.Station.ID.String(), staff, memberID, paperID, thirdID)

	form := url.Values{"question": {"推选家委会成员"}, "options": {"王芳\n李强\n\n赵敏"}, "max_choices": {"1"}, "seats": {"1"}, "secret": {"1"},
		"date": {time.Now().AddDate(0, 0, 3).Format("2006-01-02")}, "time": {"17:00"}}
	if r := asPage(t, srv, member, "POST", "/councils/"+council+"/polls", form.Encode()); r.Status != 403 {
		t.Fatalf("a member opens a poll: %d", r.Status)
	}
	bad := url.Values{"question": {""}, "options": {"只有一个"}, "max_choices": {"1"}, "date": {"2020-01-01"}, "time": {"17:00"}}
	r := asPage(t, srv, staff, "POST", "/councils/"+council+"/polls", bad.Encode())
	if r.Status != 422 || !strings.Contains(string(r.Body), "请至少写两个选项") || !strings.Contains(string(r.Body), `id="f-date-error"`) {
		t.Fatalf("a poll refused: %d %.2000s", r.Status, r.Body)
	}
	r = asPage(t, srv, staff, "POST", "/councils/"+council+"/polls", form.Encode())
	if r.Status != 303 {
		t.Fatalf("open: %d %.500s", r.Status, r.Body)
	}
	pollPath := strings.SplitN(r.Header.Get("Location"), "?", 2)[0]
	poll := strings.TrimPrefix(pollPath, "/polls/")
	options := srv.Do(t, "GET", "/api/v1/polls/"+poll, "", nil).JSON(t)["options"].([]any)
	if len(options) != 3 {
		t.Fatalf("options %v", options)
	}
	option := func(i int) string { return options[i].(map[string]any)["id"].(string) }

	list := string(asPage(t, srv, "", "GET", "/councils/"+council+"/polls", "").Body)
	if !strings.Contains(list, `href="/polls/`+poll+`"`) || !strings.Contains(list, "进行中") || strings.Contains(list, `action="/councils/`+council+`/polls"`) {
		t.Errorf("the council's polls to a passer-by")
	}
	if staffList := string(asPage(t, srv, staff, "GET", "/councils/"+council+"/polls", "").Body); !strings.Contains(staffList, `action="/councils/`+council+`/polls"`) {
		t.Error("staff are not offered the form to open a poll")
	}

	page := string(asPage(t, srv, member, "GET", pollPath, "").Body)
	if !strings.Contains(page, `type="radio" name="option_id" value="`+option(0)+`"`) || !strings.Contains(page, ">投票</button>") || strings.Contains(page, "录入纸质选票") {
		t.Fatalf("the ballot a member sees: %.3000s", page)
	}
	if p := string(asPage(t, srv, outsider, "GET", pollPath, "").Body); strings.Contains(p, `name="option_id"`) || !strings.Contains(p, "只有议事会成员可以投票") {
		t.Error("someone not a member is offered a ballot")
	}
	r = asPage(t, srv, member, "POST", pollPath+"/vote", "")
	if r.Status != 422 || !strings.Contains(string(r.Body), "这一项必须填写") {
		t.Fatalf("a vote without a choice: %d", r.Status)
	}
	if r := asPage(t, srv, member, "POST", pollPath+"/vote", "option_id="+option(1)); r.Status != 303 {
		t.Fatalf("vote: %d", r.Status)
	}
	page = string(asPage(t, srv, member, "GET", pollPath, "").Body)
	if !strings.Contains(page, "您已投票") || strings.Contains(page, `name="option_id"`) || strings.Contains(page, "poll-results") {
		t.Fatalf("after voting: %.3000s", page)
	}
	if r := asPage(t, srv, member, "POST", pollPath+"/vote", "option_id="+option(0)); r.Status != 409 || strings.Contains(string(r.Body), "找不到这个页面") {
		t.Fatalf("a second vote: %d, the page: %.2000s", r.Status, r.Body)
	}
	if r := asPage(t, srv, member, "POST", pollPath+"/close", ""); r.Status != 403 {
		t.Fatalf("a member closes: %d", r.Status)
	}

	staffPage := string(asPage(t, srv, staff, "GET", pollPath, "").Body)
	if !strings.Contains(staffPage, `<option value="`+paperID+`"`) || strings.Contains(staffPage, `<option value="`+memberID+`"`) ||
		!strings.Contains(staffPage, `action="`+pollPath+`/close"`) {
		t.Fatalf("the staff's page offers the paper ballot of those who have not voted: %.3000s", staffPage)
	}
	if r := asPage(t, srv, staff, "POST", pollPath+"/vote", "user_id="+paperID+"&option_id="+option(1)); r.Status != 303 || !strings.Contains(r.Header.Get("Location"), "ballot_entered") {
		t.Fatalf("paper ballot: %d", r.Status)
	}
	// A third ballot: a secret count of fewer is withheld.
	if r := asPage(t, srv, third, "POST", pollPath+"/vote", "option_id="+option(0)); r.Status != 303 {
		t.Fatalf("the third vote: %d", r.Status)
	}
	if r := asPage(t, srv, staff, "POST", pollPath+"/close", ""); r.Status != 303 {
		t.Fatalf("close: %d", r.Status)
	}
	for _, as := range []string{"", member} {
		page = string(asPage(t, srv, as, "GET", pollPath, "").Body)
		for _, want := range []string{"已结束", "投票结果", "2 票", "0 票", "当选", `class="poll-bar-fill" width="100"`, `class="poll-bar-fill" width="0"`} {
			if !strings.Contains(page, want) {
				t.Errorf("the results lack %q", want)
			}
		}
		if strings.Contains(page, `name="option_id"`) || strings.Contains(page, "/close") {
			t.Error("a closed poll still offers a ballot or closing")
		}
	}

	// Several choices are checkboxes.
	multi := url.Values{"question": {"周末活动选哪些"}, "options": {"书法\n太极\n合唱"}, "max_choices": {"2"}, "seats": {"0"},
		"date": {time.Now().AddDate(0, 0, 3).Format("2006-01-02")}, "time": {"17:00"}}
	r = asPage(t, srv, staff, "POST", "/councils/"+council+"/polls", multi.Encode())
	if r.Status != 303 {
		t.Fatalf("open: %d", r.Status)
	}
	page = string(asPage(t, srv, member, "GET", strings.SplitN(r.Header.Get("Location"), "?", 2)[0], "").Body)
	if !strings.Contains(page, `type="checkbox" name="option_id"`) || !strings.Contains(page, "最多选 2 项") {
		t.Errorf("a poll of several choices: %.3000s", page)
	}
}

// TestTheDemoElectionPage: the demo's parents' council elected its
// committee, and the election's page shows it closed, the bars of the
// five candidates and the three elected; the residents' council's poll
// is still open, its counts not shown.
func TestTheDemoElectionPage(t *testing.T) {
	srv := testserver.New(t, dbtest.Engines(t)[0])
	councils := items(t, srv.Do(t, "GET", "/api/v1/councils?station_id="+srv.Station.ID.String(), "", nil))
	parents, residents := where(councils, "name", "家长议事会"), where(councils, "name", "居民议事会")
	if len(parents) != 1 || len(residents) != 1 {
		t.Fatalf("the demo's councils: %v", councils)
	}
	election := where(items(t, srv.Do(t, "GET", "/api/v1/councils/"+parents[0]["id"].(string)+"/polls", "", nil)), "question", demo.Election)
	if len(election) != 1 || election[0]["status"] != "closed" {
		t.Fatalf("the demo election: %v", election)
	}
	page := srv.Do(t, "GET", "/polls/"+election[0]["id"].(string), "", nil)
	if page.Status != 200 {
		t.Fatalf("the election's page: %d", page.Status)
	}
	html := string(page.Body)
	if n := strings.Count(html, `class="poll-bar-fill"`); n != 5 {
		t.Errorf("the election's page has %d bars, want 5", n)
	}
	for _, name := range []string{"汪雅琴", "周晨", "孙巧云"} {
		if !strings.Contains(html, name+` <span class="badge elected">当选</span>`) {
			t.Errorf("the election's page does not mark %s elected", name)
		}
	}
	if n := strings.Count(html, `class="badge elected"`); n != 3 {
		t.Errorf("%d marked elected, want 3", n)
	}
	open := items(t, srv.Do(t, "GET", "/api/v1/councils/"+residents[0]["id"].(string)+"/polls", "", nil))
	if len(open) != 1 || open[0]["status"] != "open" || open[0]["results"] != nil {
		t.Errorf("the residents' council's polls: %v", open)
	}
}
