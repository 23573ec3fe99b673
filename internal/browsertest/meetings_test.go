package browsertest_test

import (
	"regexp"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"guli/internal/dbtest"
	"guli/internal/testserver"
)

// TestCouncilMeetingsInTheBrowser: a resident puts a proposal to the demo
// residents' council, a neighbour supports it with the big button and
// staff answer it; staff schedule a meeting, record a resolution that
// sets the age rule, and a new activity's page then shows the rule with
// the link to that resolution. Every page passes axe at a phone's width,
// in normal and elder mode, and none is wider than the phone.
func TestCouncilMeetingsInTheBrowser(t *testing.T) {
	resident, neighbour, desk, reader := tab(t), tab(t), tab(t), tab(t)
	srv := testserver.New(t, dbtest.Engines(t)[0])
	var council, safety string
	for _, c := range srv.Do(t, "GET", "/api/v1/councils?station_id="+srv.Station.ID.String(), "", nil).JSON(t)["items"].([]any) {
		if c := c.(map[string]any); c["name"] == "居民议事会" {
			council = c["id"].(string)
		}
	}
	for _, m := range srv.Do(t, "GET", "/api/v1/councils/"+council+"/meetings", "", nil).JSON(t)["items"].([]any) {
		if m := m.(map[string]any); m["title"] == "协商探讨社区70岁以上老人参与活动的安全保障" {
			safety = m["id"].(string)
		}
	}
	if council == "" || safety == "" {
		t.Fatalf("the demo residents' council %q and its safety meeting %q", council, safety)
	}
	proposals, meetings := "/councils/"+council+"/proposals", "/councils/"+council+"/meetings"

	// The demo's meeting, as a passer-by reads it: the picture of the README.
	open(t, reader, srv, "/meetings/"+safety)
	checkOnPhone(t, reader, "/meetings/{id} to a passer-by")
	screenshot(t, reader, "council")

	// A resident proposes.
	login(t, resident, srv, testserver.ResidentPhone)
	open(t, resident, srv, proposals)
	checkOnPhone(t, resident, proposals)
	fill(t, resident, [][2]string{{"#f-title", "小区门口增设休息座椅"}, {"#f-body", "老人买菜回来走累了，想坐一坐。"}})
	path, code := submit(t, resident, `form[action="`+proposals+`"] button[type="submit"]`)
	m := regexp.MustCompile(`^` + proposals + `\?notice=proposal_created$`).FindStringSubmatch(path)
	if m == nil || code != 200 {
		t.Fatalf("proposing: landed on %s with %d", path, code)
	}
	var proposal string
	for _, p := range srv.Do(t, "GET", "/api/v1"+proposals, "", nil).JSON(t)["items"].([]any) {
		if p := p.(map[string]any); p["title"] == "小区门口增设休息座椅" {
			proposal = p["id"].(string)
		}
	}
	if proposal == "" {
		t.Fatal("the proposal is not in the council's list")
	}

	// A neighbour supports it with the big button.
	login(t, neighbour, srv, "13800000009") // 陈美娣
	open(t, neighbour, srv, proposals)
	support := `form[action="/proposals/` + proposal + `/supports"] button`
	if h := eval[float64](t, neighbour, `document.querySelector('`+support+`').getBoundingClientRect().height`); h < 44 {
		t.Errorf("the support button is %.0fpx high, not a big button", h)
	}
	if path, code := submit(t, neighbour, support); path != proposals+"?notice=proposal_supported" || code != 200 {
		t.Fatalf("supporting: landed on %s with %d", path, code)
	}
	if got := text(t, neighbour, "#proposal-"+proposal+" .support-count"); got != "1 人支持" {
		t.Errorf("the count after supporting reads %q", got)
	}
	checkOnPhone(t, neighbour, proposals+" after supporting")

	// Staff answer it.
	login(t, desk, srv, testserver.StaffPhone)
	open(t, desk, srv, proposals)
	checkOnPhone(t, desk, proposals+" as staff")
	do(t, desk, "open the answer", chromedp.Click(chromedp.CSS(`#proposal-`+proposal+` summary`)))
	do(t, desk, "choose the outcome", chromedp.SetValue(chromedp.CSS(`#outcome-`+proposal), "accepted"))
	fill(t, desk, [][2]string{{"#answer-" + proposal, "已请物业在门口放两张座椅。"}})
	if path, code := submit(t, desk, `form[action="/proposals/`+proposal+`"] button[type="submit"]`); path != proposals+"?notice=proposal_answered" || code != 200 {
		t.Fatalf("answering: landed on %s with %d", path, code)
	}
	if got := text(t, desk, "#proposal-"+proposal+" .badge"); got != "已采纳" {
		t.Errorf("the outcome reads %q", got)
	}

	// Staff schedule a meeting and record a resolution that sets the rule.
	open(t, desk, srv, meetings)
	checkOnPhone(t, desk, meetings+" as staff")
	day := time.Now().In(srv.Station.Location()).AddDate(0, 0, 7).Format("2006-01-02")
	fill(t, desk, [][2]string{{"#f-title", "商议高龄老人活动安全的落实"}, {"#f-date", day}, {"#f-time", "14:00"}, {"#f-agenda", "通报落实情况\n商议新的年龄"}})
	path, code = submit(t, desk, `form[action="`+meetings+`"] button[type="submit"]`)
	mm := regexp.MustCompile(`^/meetings/(\d+)\?notice=meeting_created$`).FindStringSubmatch(path)
	if mm == nil || code != 200 {
		t.Fatalf("scheduling: landed on %s with %d", path, code)
	}
	meeting := "/meetings/" + mm[1]
	fill(t, desk, [][2]string{{"#f-minutes", "到会9人，一致通过。"}, {"#f-rule_text", "75岁以上老人参加活动须留紧急联系人"}, {"#f-rule_age", "75"}})
	if path, code := submit(t, desk, `form[action="`+meeting+`"] button[type="submit"]`); path != meeting+"?notice=meeting_recorded" || code != 200 {
		t.Fatalf("recording: landed on %s with %d", path, code)
	}
	checkOnPhone(t, desk, "/meetings/{id} as staff")
	var resolution string
	for _, r := range srv.Do(t, "GET", "/api/v1"+meeting, "", nil).JSON(t)["resolutions"].([]any) {
		if r := r.(map[string]any); r["rule"] != nil {
			resolution = r["id"].(string)
		}
	}

	// A new activity on the desk gets the rule, linked to the resolution.
	open(t, desk, srv, "/desk/activities/new")
	if !eval[bool](t, desk, `document.querySelector('#f-age_rule').checked`) {
		t.Error("the new-activity form does not tick the station's rule")
	}
	fill(t, desk, [][2]string{{"#f-title", "重阳登高"}, {"#f-date", nextOpenDay(time.Now().In(srv.Station.Location())).Format("2006-01-02")},
		{"#f-from", "09:30"}, {"#f-to", "11:00"}})
	path, code = submit(t, desk, `form[action="/desk/activities/new"] button[type="submit"]`)
	ma := regexp.MustCompile(`^/activities/(\d+)\?notice=activity_created$`).FindStringSubmatch(path)
	if ma == nil || code != 200 {
		t.Fatalf("the new activity: landed on %s with %d", path, code)
	}
	activity := "/activities/" + ma[1]
	open(t, resident, srv, activity)
	checkOnPhone(t, resident, activity)
	link := `a[href="` + meeting + `#resolution-` + resolution + `"]`
	if got := text(t, resident, link); got != "《75岁以上老人参加活动须留紧急联系人》" {
		t.Errorf("the rule's link reads %q", got)
	}
	if path, code := submit(t, resident, link); path != meeting || code != 200 {
		t.Fatalf("following the rule: landed on %s with %d", path, code)
	}
	checkOnPhone(t, resident, "/meetings/{id} from the rule")

	inElderMode(t, reader, srv, []string{proposals, meetings, meeting, "/meetings/" + safety, activity})
}
