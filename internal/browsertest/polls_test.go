package browsertest_test

import (
	"regexp"
	"testing"

	"github.com/chromedp/chromedp"

	"guli/internal/dbtest"
	"guli/internal/testserver"
)

// TestAMemberVotesOnAPhone: staff open an election of the parents'
// council from its polls page; a member votes on a phone with one big
// button and is told so; staff close the poll and the results show with
// their bars. Every page passes axe at a phone's width, normal and elder.
func TestAMemberVotesOnAPhone(t *testing.T) {
	member, desk := tab(t), tab(t)
	srv := testserver.New(t, dbtest.Engines(t)[0])
	staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
	me := srv.Do(t, "GET", "/api/v1/me", srv.Login(t, testserver.ResidentPhone, testserver.Password), nil).JSON(t)["id"].(string)
	r := srv.Do(t, "POST", "/api/v1/councils", staff, map[string]any{"station_id": srv.Station.ID.String(), "name": "社区家委会", "kind": "parents"})
	if r.Status != 201 {
		t.Fatalf("council: %d %s", r.Status, r.Body)
	}
	council := r.JSON(t)["id"].(string)
	other, otherToken := srv.Register(t, "家长", "13912348001")
	third, thirdToken := srv.Register(t, "另一位家长", "13912348002")
	for _, m := range []string{me, other, third} {
		if r := srv.Do(t, "POST", "/api/v1/councils/"+council+"/members", staff, map[string]any{"user_id": m}); r.Status != 201 {
			t.Fatalf("member: %d %s", r.Status, r.Body)
		}
	}

	login(t, desk, srv, testserver.StaffPhone)
	polls := "/councils/" + council + "/polls"
	open(t, desk, srv, polls)
	checkOnPhone(t, desk, polls+" as staff")
	fill(t, desk, [][2]string{{"#f-question", "推选家委会成员"}, {"#f-options", "王芳\n李强\n赵敏"}, {"#f-seats", "1"}})
	do(t, desk, "tick secret", chromedp.Click(chromedp.CSS(`#f-secret`)))
	path, code := submit(t, desk, `form[action="`+polls+`"] button[type="submit"]`)
	m := regexp.MustCompile(`^/polls/(\d+)\?notice=poll_opened$`).FindStringSubmatch(path)
	if m == nil || code != 200 {
		t.Fatalf("opening the poll: landed on %s with %d", path, code)
	}
	poll := "/polls/" + m[1]
	checkOnPhone(t, desk, poll+" as staff, open")

	login(t, member, srv, testserver.ResidentPhone)
	open(t, member, srv, polls)
	checkOnPhone(t, member, polls)
	open(t, member, srv, poll)
	checkOnPhone(t, member, poll+" as a member")
	do(t, member, "choose 李强", chromedp.Click(chromedp.CSS(`fieldset.choices label.choice:nth-of-type(2)`)))
	screenshot(t, member, "poll")
	if path, code := submit(t, member, `form[action="`+poll+`/vote"] button[type="submit"]`); path != poll+"?notice=voted" || code != 200 {
		t.Fatalf("voting: landed on %s with %d", path, code)
	}
	if got := text(t, member, ".done-note"); got != "您已投票，谢谢！" {
		t.Errorf("after voting the page says %q", got)
	}
	checkOnPhone(t, member, poll+" after voting")

	// Two more ballots for 李强: a secret count of fewer than three is
	// withheld.
	options := srv.Do(t, "GET", "/api/v1"+poll, "", nil).JSON(t)["options"].([]any)
	for _, token := range []string{otherToken, thirdToken} {
		if r := srv.Do(t, "POST", "/api/v1"+poll+"/votes", token, map[string]any{"option_ids": []string{options[1].(map[string]any)["id"].(string)}}); r.Status != 201 {
			t.Fatalf("vote: %d %s", r.Status, r.Body)
		}
	}

	open(t, desk, srv, poll)
	if path, code := submit(t, desk, `form[action="`+poll+`/close"] button[type="submit"]`); path != poll+"?notice=poll_closed" || code != 200 {
		t.Fatalf("closing: landed on %s with %d", path, code)
	}
	open(t, member, srv, poll)
	if got := text(t, member, "ul.poll-results li:nth-child(2) .poll-count"); got != "3 票" {
		t.Errorf("李强's count reads %q", got)
	}
	if got := text(t, member, "ul.poll-results li:nth-child(2) .badge.elected"); got != "当选" {
		t.Errorf("李强 is marked %q", got)
	}
	if w := eval[float64](t, member, `document.querySelector('ul.poll-results li:nth-child(2) .poll-bar-fill').getBBox().width`); w != 100 {
		t.Errorf("the winner's bar is %v of 100 long", w)
	}
	checkOnPhone(t, member, poll+" closed, with results")
	screenshot(t, member, "poll-results")

	inElderMode(t, member, srv, []string{polls, poll})
	inElderMode(t, desk, srv, []string{polls})
}
