package web_test

import (
	"net/url"
	"regexp"
	"testing"
	"time"

	"guli"
	"guli/internal/dbtest"
	"guli/internal/testserver"
)

var (
	meetingPath  = regexp.MustCompile(`^/meetings/(\d+)\?notice=meeting_created$`)
	proposalPath = regexp.MustCompile(`^/councils/\d+/proposals\?notice=proposal_created#proposal-(\d+)$`)
	activityPath = regexp.MustCompile(`^/activities/(\d+)\?notice=activity_created$`)
)

// TestMeetingPages walks a council's pages without JavaScript: staff
// schedule a meeting with its agenda, record its minutes and a resolution
// that makes the 70+ rule, follow it up to done; a resident proposes, a
// neighbour supports with the big button, staff answer; and an activity
// made on the desk afterwards shows the rule, linked to the resolution.
func TestMeetingPages(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		srv := testserver.New(t, e)
		staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
		resident := srv.Login(t, testserver.ResidentPhone, testserver.Password) // 李建华
		residentID := myID(t, srv, resident)
		council := createCouncil(t, srv, staff, residentID)
		meetings := "/councils/" + council + "/meetings"

		// Only staff are offered to schedule one.
		pageHas(t, "the meetings to staff", asPage(t, srv, staff, "GET", meetings, ""), `action="`+meetings+`"`)
		pageLacks(t, "the meetings to a resident", asPage(t, srv, resident, "GET", meetings, ""), `action="`+meetings+`"`)

		// Errors next to their fields; what was typed stays.
		day := nextOpen(time.Tuesday, "14:00").Format("2006-01-02")
		r := asPage(t, srv, staff, "POST", meetings, url.Values{"title": {""}, "date": {"下周二"}, "time": {"14:00"}, "agenda": {"通报安全情况"}}.Encode())
		if r.Status != 422 {
			t.Fatalf("an empty meeting: %d", r.Status)
		}
		pageHas(t, "the refused meeting", r, `id="f-title-error">这一项必须填写`, `id="f-date-error">`, "通报安全情况")

		r = asPage(t, srv, staff, "POST", meetings, url.Values{"title": {"协商探讨社区70岁以上老人参与活动的安全保障"}, "date": {day}, "time": {"14:00"},
			"agenda": {"通报活动中的安全情况\n\n讨论紧急联系人制度\n"}}.Encode())
		m := meetingPath.FindStringSubmatch(r.Header.Get("Location"))
		if r.Status != 303 || m == nil {
			t.Fatalf("schedule: %d %q", r.Status, r.Header.Get("Location"))
		}
		meeting := "/meetings/" + m[1]
		r = follow(t, srv, staff, r, meeting+"?notice=meeting_created")
		pageHas(t, "the new meeting", r, "会议已安排", "协商探讨社区70岁以上老人参与活动的安全保障",
			"<li>通报活动中的安全情况</li><li>讨论紧急联系人制度</li>", `action="`+meeting+`"`, `action="`+meeting+`/attendance"`)
		pageLacks(t, "the meeting to a resident", asPage(t, srv, resident, "GET", meeting, ""), `action="`+meeting+`"`)

		// A rule of no age is refused next to the age; the minutes stay.
		record := url.Values{"minutes": {"到会12人，一致通过。"}, "resolutions": {"楼道加装扶手\n\n"},
			"rule_text": {"70岁以上老人参加活动须留紧急联系人"}, "rule_age": {"0"}}
		r = asPage(t, srv, staff, "POST", meeting, record.Encode())
		if r.Status != 422 {
			t.Fatalf("a rule of age 0: %d", r.Status)
		}
		pageHas(t, "the refused record", r, `id="f-rule_age-error">`, "到会12人，一致通过。")
		record.Set("rule_age", "70")
		r = follow(t, srv, staff, asPage(t, srv, staff, "POST", meeting, record.Encode()), meeting+"?notice=meeting_recorded")
		pageHas(t, "the recorded meeting", r, "到会12人，一致通过。", "楼道加装扶手", "70岁以上老人参加活动须留紧急联系人",
			"本站新活动的规则：70岁及以上须留紧急联系人")
		var rule, other string
		for _, res := range srv.Do(t, "GET", "/api/v1"+meeting, "", nil).JSON(t)["resolutions"].([]any) {
			res := res.(map[string]any)
			if res["rule"] != nil {
				rule = res["id"].(string)
			} else {
				other = res["id"].(string)
			}
		}
		if rule == "" || other == "" {
			t.Fatalf("the resolutions recorded on the page: rule %q, other %q", rule, other)
		}

		// Who came: named to staff and members, counted to a passer-by.
		r = follow(t, srv, staff, asPage(t, srv, staff, "POST", meeting+"/attendance", "user_id="+residentID), meeting+"?notice=attendance_saved")
		pageHas(t, "the attendance to staff", r, "1 人到会：李建华", `value="`+residentID+`" checked`)
		r = srv.Do(t, "GET", meeting, "", nil)
		pageHas(t, "the attendance to a passer-by", r, "1 人到会")
		pageLacks(t, "the attendance to a passer-by", r, "李建华")

		// Follow-up: forward, never back, until done; errors by the form.
		r = asPage(t, srv, staff, "POST", "/resolutions/"+rule, "status=in_progress&note="+url.QueryEscape("已通知各班老师"))
		follow(t, srv, staff, r, meeting+"?notice=resolution_updated#resolution-"+rule)
		r = asPage(t, srv, staff, "POST", "/resolutions/"+rule, "status=open&note="+url.QueryEscape("退回重议"))
		if r.Status != 422 {
			t.Fatalf("a resolution moved back: %d", r.Status)
		}
		pageHas(t, "the refused follow-up", r, `id="status-`+rule+`-error">`, `aria-describedby="status-`+rule+`-error"`, `value="退回重议"`, "到会12人，一致通过。")
		pageLacks(t, "the refused follow-up", r, `id="status-`+other+`-error"`)
		r = asPage(t, srv, staff, "POST", "/resolutions/"+rule, "from=council&status=done&note="+url.QueryEscape("已写入活动报名规则"))
		r = follow(t, srv, staff, r, meetings+"?notice=resolution_updated#resolution-"+rule)
		pageHas(t, "the follow-up list", r, "决议进度已更新", "已办结", "已写入活动报名规则", `action="/resolutions/`+other+`"`)
		pageLacks(t, "the follow-up list", r, `action="/resolutions/`+rule+`"`)
		r = asPage(t, srv, staff, "POST", "/resolutions/"+rule, "status=done")
		if r.Status != 409 {
			t.Errorf("a done resolution moved: %d", r.Status)
		}
		pageHas(t, "a done resolution moved", r, "这条决议已经办结")

		// A resident proposes; a neighbour supports with the big button.
		proposals := "/councils/" + council + "/proposals"
		r = asPage(t, srv, resident, "POST", proposals, "title=&body="+url.QueryEscape("老人上下楼不便"))
		if r.Status != 422 {
			t.Fatalf("an empty proposal: %d", r.Status)
		}
		pageHas(t, "the refused proposal", r, `id="f-title-error">这一项必须填写`, "老人上下楼不便")
		r = asPage(t, srv, resident, "POST", proposals, url.Values{"title": {"三号楼楼道加装扶手"}, "body": {"老人上下楼不便"}}.Encode())
		p := proposalPath.FindStringSubmatch(r.Header.Get("Location"))
		if r.Status != 303 || p == nil {
			t.Fatalf("propose: %d %q", r.Status, r.Header.Get("Location"))
		}
		proposal := p[1]
		pageHas(t, "the new proposal", follow(t, srv, resident, r, r.Header.Get("Location")), "提议已提交", "三号楼楼道加装扶手", "李建华")
		_, neighbour := srv.Register(t, "支持的邻居", "13955550001")
		support := `action="/proposals/` + proposal + `/supports"><button type="submit" class="button primary wide big">`
		r = asPage(t, srv, neighbour, "GET", proposals, "")
		pageHas(t, "the proposals to a neighbour", r, support, "0 人支持")
		pageLacks(t, "the proposals to a neighbour", r, "李建华", `action="/proposals/`+proposal+`"`)
		for range 2 { // a second press is no harm
			r = asPage(t, srv, neighbour, "POST", "/proposals/"+proposal+"/supports", "")
			r = follow(t, srv, neighbour, r, proposals+"?notice=proposal_supported#proposal-"+proposal)
		}
		pageHas(t, "the supported proposal", r, "谢谢你的支持", "1 人支持", "你已支持")
		pageLacks(t, "the supported proposal", r, support)

		// Staff answer it, on the meeting's agenda; errors by the form.
		r = asPage(t, srv, staff, "POST", "/proposals/"+proposal, "outcome=maybe&answer="+url.QueryEscape("再议"))
		if r.Status != 422 {
			t.Fatalf("an outcome no council gives: %d", r.Status)
		}
		pageHas(t, "the refused answer", r, `<details class="staff-answer" open>`, `id="outcome-`+proposal+`-error">`)
		r = asPage(t, srv, staff, "POST", "/proposals/"+proposal, url.Values{"meeting_id": {m[1]}, "outcome": {"accepted"}, "answer": {"物业下月施工"}}.Encode())
		r = follow(t, srv, staff, r, proposals+"?notice=proposal_answered#proposal-"+proposal)
		pageHas(t, "the answered proposal", r, "已采纳", "物业下月施工", `href="`+meeting+`"`)
		pageHas(t, "the meeting with the proposal", srv.Do(t, "GET", meeting, "", nil), `href="`+proposals+`?cursor=`+guli.ProposalsFrom(guli.ParseID(proposal))+`#proposal-`+proposal+`"`, "三号楼楼道加装扶手")

		// An activity made on the desk now gets the rule, linked to the
		// resolution that made it.
		link := `href="` + meeting + `#resolution-` + rule + `"`
		pageHas(t, "the new-activity form", asPage(t, srv, staff, "GET", "/desk/activities/new", ""), `name="age_rule" type="checkbox" value="1" checked`, link)
		saturday := nextOpen(time.Saturday, "09:30").Format("2006-01-02")
		r = asPage(t, srv, staff, "POST", "/desk/activities/new", url.Values{"title": {"重阳登高"}, "category": {"event"}, "date": {saturday},
			"from": {"09:30"}, "to": {"11:00"}, "capacity": {"20"}, "weeks": {"1"}, "age_rule": {"1"}}.Encode())
		a := activityPath.FindStringSubmatch(r.Header.Get("Location"))
		if r.Status != 303 || a == nil {
			t.Fatalf("new activity: %d %q %.300s", r.Status, r.Header.Get("Location"), r.Body)
		}
		r = srv.Do(t, "GET", "/activities/"+a[1], "", nil)
		pageHas(t, "the new activity", r, "70岁及以上的居民报名，需要先留紧急联系人", "依据：居民议事会决议", link, "《70岁以上老人参加活动须留紧急联系人》")
	})
}
