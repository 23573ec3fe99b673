package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"guli/internal/dbtest"
	"guli/internal/testserver"
)

// roles a request is sent as, in the order of the expectations below.
var roles = []string{"anonymous", "resident", "staff", "admin"}

// TestEveryRouteForEveryRole sends each route as each role and checks the
// status the API contract implies (docs/openapi.yaml). A route missing from the table fails the test, so
// new routes get their access rules written down.
func TestEveryRouteForEveryRole(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		srv := testserver.New(t, e)
		st := srv.Station.ID.String()
		area := srv.Station.Areas[0].ID.String()
		target, _ := srv.Register(t, "被改身份的居民", "13912340000")
		form := map[string]string{"Content-Type": "application/x-www-form-urlencoded"}

		// Fixtures for the shared space.
		resident := srv.Login(t, testserver.ResidentPhone, testserver.Password)
		residentID := srv.Do(t, "GET", "/api/v1/me", resident, nil).JSON(t)["id"].(string)
		// Without the station's age rule, so that anyone may sign up.
		activity := createActivity(t, srv, srv.Login(t, testserver.StaffPhone, testserver.Password), map[string]any{"age_rule": nil})["id"].(string)
		doomed := createActivity(t, srv, srv.Login(t, testserver.StaffPhone, testserver.Password), map[string]any{"age_rule": nil})["id"].(string)
		// A class two weeks ago, where the resident came to help.
		helped := createActivity(t, srv, srv.Login(t, testserver.StaffPhone, testserver.Password), map[string]any{
			"start": rfc(nextOpen(time.Saturday, "09:30").AddDate(0, 0, -14)), "end": rfc(nextOpen(time.Saturday, "11:00").AddDate(0, 0, -14))})["id"].(string)
		if r := srv.Do(t, "POST", "/api/v1/activities/"+helped+"/attendance", srv.Login(t, testserver.StaffPhone, testserver.Password),
			map[string]any{"user_id": residentID}); r.Status != 201 {
			t.Fatalf("check in: %d %s", r.Status, r.Body)
		}
		room := srv.Station.Rooms[0].ID.String()
		slot := func(i int) map[string]any { // a free hour for each role
			start := nextOpen(time.Wednesday, "09:00").Add(time.Duration(i) * time.Hour)
			return map[string]any{"start": rfc(start), "end": rfc(start.Add(time.Hour)), "purpose": "练歌"}
		}
		// The resident holds many bookings below: lift the station's limit.
		if r := srv.Do(t, "PUT", "/api/v1/stations/"+st+"/booking-rules", srv.Login(t, testserver.StaffPhone, testserver.Password),
			map[string]any{"max_days_ahead": 60, "max_minutes": 240, "max_future_bookings": 20}); r.Status != 200 {
			t.Fatalf("booking rules: %d %s", r.Status, r.Body)
		}
		var bookings []string // one the resident holds for each role to try to cancel
		for i := range roles {
			start := nextOpen(time.Thursday, "13:00").Add(time.Duration(i) * time.Hour)
			r := srv.Do(t, "POST", "/api/v1/rooms/"+room+"/bookings", resident, map[string]any{"start": rfc(start), "end": rfc(start.Add(time.Hour)), "purpose": "排练"})
			bookings = append(bookings, r.JSON(t)["id"].(string))
		}
		closed := nextOpen(time.Sunday, "00:00").AddDate(0, 0, 7).Format("2006-01-02")
		var pageBookings []string
		for i := range roles {
			start := nextOpen(time.Sunday, "09:00").Add(time.Duration(i) * time.Hour)
			r := srv.Do(t, "POST", "/api/v1/rooms/"+room+"/bookings", resident, map[string]any{"start": rfc(start), "end": rfc(start.Add(time.Hour)), "purpose": "书画"})
			pageBookings = append(pageBookings, r.JSON(t)["id"].(string))
		}
		friday := nextOpen(time.Friday, "09:00").Format("2006-01-02")

		// Mutual aid: the resident's requests, one for each role to act on
		// where acting changes them; the talent, a volunteer, claims them.
		talent := srv.Login(t, testserver.TalentPhone, testserver.Password)
		talentID := myID(t, srv, talent)
		help := func(steps ...string) string {
			r := srv.Do(t, "POST", "/api/v1/help-requests", resident, map[string]any{"title": "帮忙取药", "category": "errand"})
			if r.Status != 201 {
				t.Fatalf("ask for help: %d %s", r.Status, r.Body)
			}
			id := r.JSON(t)["id"].(string)
			for _, step := range steps {
				if r := srv.Do(t, "POST", "/api/v1/help-requests/"+id+"/"+step, talent, map[string]any{"minutes": 30}); r.Status != 200 {
					t.Fatalf("%s: %d %s", step, r.Status, r.Body)
				}
			}
			return id
		}
		openHelp, claimedHelp := help(), help("claim")
		var doneHelps, cancellable, pageDone, pageCancellable []string
		for range roles {
			doneHelps, cancellable = append(doneHelps, help("claim", "done")), append(cancellable, help())
			pageDone, pageCancellable = append(pageDone, help("claim", "done")), append(pageCancellable, help())
		}
		// The resident holds minutes to give; staff and admin hold none.
		if r := srv.Do(t, "POST", "/api/v1/timebank/credits", srv.Login(t, testserver.StaffPhone, testserver.Password),
			map[string]any{"user_id": residentID, "minutes": 60, "memo": "活动志愿"}); r.Status != 201 {
			t.Fatalf("credit: %d %s", r.Status, r.Body)
		}

		// The notice board: the talent's tip everyone reads, one of theirs
		// for each role to report, and the station's own for each role to
		// take down, hide, and restore once hidden.
		staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
		post := func(as, kind string) string {
			r := srv.Do(t, "POST", "/api/v1/posts", as, map[string]any{"station_id": st, "kind": kind, "title": "雨天路滑", "body": "出门**慢行**"})
			if r.Status != 201 {
				t.Fatalf("post: %d %s", r.Status, r.Body)
			}
			return r.JSON(t)["id"].(string)
		}
		tip := post(talent, "tip")
		_, neighbour := srv.Register(t, "发帖的邻居", "13912340001")
		var reportable, deletable, hideable, restorable []string
		var pageReportable, pageDeletable, pageHideable, pageRestorable []string
		for i := range roles {
			pageReportable = append(pageReportable, post(neighbour, "tip"))
			pageDeletable, pageHideable, pageRestorable = append(pageDeletable, post(staff, "notice")), append(pageHideable, post(staff, "notice")), append(pageRestorable, post(staff, "notice"))
			if r := srv.Do(t, "POST", "/api/v1/posts/"+pageRestorable[i]+"/hide", staff, nil); r.Status != 200 {
				t.Fatalf("hide: %d %s", r.Status, r.Body)
			}
			reportable = append(reportable, tip) // nobody signed in reports it
			if i > 0 {
				reportable[i] = post(talent, "tip")
			}
			deletable, hideable, restorable = append(deletable, post(staff, "notice")), append(hideable, post(staff, "notice")), append(restorable, post(staff, "notice"))
			if r := srv.Do(t, "POST", "/api/v1/posts/"+restorable[i]+"/hide", staff, nil); r.Status != 200 {
				t.Fatalf("hide: %d %s", r.Status, r.Body)
			}
		}
		// Call lists: a safety alert told to the resident, and a class
		// the resident joined, cancelled.
		alert := post(staff, "safety_alert")
		cancelled := createActivity(t, srv, staff, map[string]any{"age_rule": nil})["id"].(string)
		if r := srv.Do(t, "POST", "/api/v1/activities/"+cancelled+"/registrations", resident, nil); r.Status != 201 {
			t.Fatalf("register: %d %s", r.Status, r.Body)
		}
		if r := srv.Do(t, "DELETE", "/api/v1/activities/"+cancelled, staff, nil); r.Status != 204 {
			t.Fatalf("cancel: %d %s", r.Status, r.Body)
		}

		// A photo of the resident's, attached to no post yet.
		photo := uploadPhoto(t, srv, resident, "")
		png := map[string]string{"Content-Type": "image/png"}

		// Councils: one the station's staff set up, with members for each
		// role to take off, on the API and on the page.
		council := srv.Do(t, "POST", "/api/v1/councils", staff, map[string]any{"station_id": st, "name": "居民议事会", "kind": "residents"}).JSON(t)["id"].(string)
		var leaving, pageLeaving, joining []string
		for i := range roles {
			id, _ := srv.Register(t, "新成员", fmt.Sprintf("139123412%d0", i))
			joining = append(joining, id)
			for j, list := range []*[]string{&leaving, &pageLeaving} {
				id, _ := srv.Register(t, "议事会成员", fmt.Sprintf("139123411%d%d", i, j))
				if r := srv.Do(t, "POST", "/api/v1/councils/"+council+"/members", staff, map[string]any{"user_id": id}); r.Status != 201 {
					t.Fatalf("member: %d %s", r.Status, r.Body)
				}
				*list = append(*list, id)
			}
		}

		// Teams and studios: a team for the API's rows and one for the
		// pages'; nominations for each role to approve and to decline.
		newTeam := func() string {
			r := srv.Do(t, "POST", "/api/v1/teams", staff, map[string]any{"station_id": st, "name": "社区合唱队", "kind": "interest_group"})
			if r.Status != 201 {
				t.Fatalf("team: %d %s", r.Status, r.Body)
			}
			return r.JSON(t)["id"].(string)
		}
		apiTeam, pageTeam := newTeam(), newTeam()
		// A photo for each role to set on the API's team: the resident's
		// (who leads no team), the staff member's and the admin's own.
		teamPhotos := []string{"", uploadPhoto(t, srv, resident, ""), uploadPhoto(t, srv, staff, st),
			uploadPhoto(t, srv, srv.Login(t, testserver.AdminPhone, testserver.Password), st)}
		teamPhotoForm, teamPhotoHeader := photoForm(t, nil, "IMG_0001.jpg", photoPNG(t, 30, 20))
		rosterBody, rosterHeader := rosterForm(t, map[string]string{"dry_run": "true"}, "名单.csv", rosterCSV("姓名,手机号,小区", "钱阿姨,13977770001,馨佳园"))
		pageRosterBody, pageRosterHeader := rosterForm(t, nil, "名单.csv", rosterCSV("姓名,手机号,小区", "钱阿姨,13977770001,馨佳园"))
		skills := 0 // one nomination a person and skill
		nominate := func() string {
			skills++
			r := srv.Do(t, "POST", "/api/v1/nominations", staff, map[string]any{"area_id": area, "user_id": target, "skill": fmt.Sprintf("书法%d", skills), "reason": "墨迹书香"})
			if r.Status != 201 {
				t.Fatalf("nominate: %d %s", r.Status, r.Body)
			}
			return r.JSON(t)["id"].(string)
		}
		var approvable, declinable, pageApprovable, pageDeclinable []string
		for range roles {
			approvable, declinable = append(approvable, nominate()), append(declinable, nominate())
			pageApprovable, pageDeclinable = append(pageApprovable, nominate()), append(pageDeclinable, nominate())
		}
		// Staff add one person, the admin another; then take them out.
		joiner := func(i int) string { return []string{target, target, target, residentID}[i] }
		joinerPhone := func(i int) string {
			return []string{"13912340000", "13912340000", "13912340000", testserver.ResidentPhone}[i]
		}

		// Meetings, proposals and resolutions: a council with the resident
		// as member, a meeting with a resolution, and a proposal for each
		// role to support, put by staff (residents' proposals are
		// rate-limited, and the table's own rows propose as the resident).
		deliberating := createCouncil(t, srv, staff, residentID)
		meeting := createMeeting(t, srv, staff, deliberating)["id"].(string)
		recorded := srv.Do(t, "PATCH", "/api/v1/meetings/"+meeting, staff, map[string]any{"resolutions": []string{"楼道加装扶手"}})
		if recorded.Status != 200 {
			t.Fatalf("record: %d %s", recorded.Status, recorded.Body)
		}
		resolutionID := recorded.JSON(t)["resolutions"].([]any)[0].(map[string]any)["id"].(string)
		propose := func() string {
			r := srv.Do(t, "POST", "/api/v1/councils/"+deliberating+"/proposals", staff, map[string]any{"title": "增加助餐点"})
			if r.Status != 201 {
				t.Fatalf("propose: %d %s", r.Status, r.Body)
			}
			return r.JSON(t)["id"].(string)
		}
		proposal := propose()
		var supportable, pageSupportable []string
		for range roles {
			supportable, pageSupportable = append(supportable, propose()), append(pageSupportable, propose())
		}
		meetingForm := "title=" + "议事会例会" + "&date=" + nextOpen(time.Tuesday, "14:00").Format("2006-01-02") + "&time=14:00&agenda=通报"

		// Polls: a council with the resident and two more members; a poll
		// each role votes in (staff and the admin enter paper ballots for
		// the other two), one for each role to close, the same for pages.
		memberTwo, _ := srv.Register(t, "议事会成员二", "13912340100")
		memberThree, _ := srv.Register(t, "议事会成员三", "13912340101")
		pollCouncil := councilWith(t, srv, st, staff, residentID, memberTwo, memberThree)
		votePoll, voteOptions := openPoll(t, srv, staff, pollCouncil, nil)
		pageVotePoll, pageVoteOptions := openPoll(t, srv, staff, pollCouncil, nil)
		ballot := func(options []string) func(int) any {
			return func(i int) any {
				b := map[string]any{"option_ids": []string{options[0]}}
				if i >= 2 {
					b["user_id"] = []string{"", "", memberTwo, memberThree}[i]
				}
				return b
			}
		}
		pageBallot := func(i int) any {
			b := url.Values{"option_id": {pageVoteOptions[0]}}
			if i >= 2 {
				b.Set("user_id", []string{"", "", memberTwo, memberThree}[i])
			}
			return b.Encode()
		}
		var closable, pageClosable []string
		for range roles {
			id, _ := openPoll(t, srv, staff, pollCouncil, nil)
			closable = append(closable, id)
			id, _ = openPoll(t, srv, staff, pollCouncil, nil)
			pageClosable = append(pageClosable, id)
		}
		newPollForm := url.Values{"question": {"活动时间"}, "options": {"上午\n下午"}, "max_choices": {"1"},
			"date": {time.Now().AddDate(0, 0, 3).Format("2006-01-02")}, "time": {"17:00"}}.Encode()

		// Accounts each role tries to close, by the API and at the desk.
		var apiClosable, deskClosable []string
		for i := range roles {
			id, _ := srv.Register(t, "要注销的居民", fmt.Sprintf("139129901%02d", i))
			apiClosable = append(apiClosable, id)
			id, _ = srv.Register(t, "要注销的居民", fmt.Sprintf("139129902%02d", i))
			deskClosable = append(deskClosable, id)
		}

		// Families: a link for each role to accept and then end, from a
		// fresh son or daughter: to the resident themself, and to people
		// of the station for its staff and the admin.
		srv.Register(t, "被关联的家人", "13912349000")
		var links []string
		for i := range roles {
			_, child := srv.Register(t, "子女", fmt.Sprintf("139123490%02d", i+1))
			phone := testserver.ResidentPhone
			if i != 1 {
				phone = fmt.Sprintf("139123491%02d", i)
				srv.Register(t, "老人", phone)
			}
			r := srv.Do(t, "POST", "/api/v1/me/dependents/link", child, map[string]any{"phone": phone})
			if r.Status != 201 {
				t.Fatalf("link: %d %s", r.Status, r.Body)
			}
			links = append(links, r.JSON(t)["id"].(string))
		}
		link := func(i int) string { return "/api/v1/links/" + links[i] }
		// And the same for the page's buttons, to a number of their own.
		srv.Register(t, "被关联的家人", "13912349500")
		var pageLinks []string
		for i := range roles {
			_, child := srv.Register(t, "子女", fmt.Sprintf("139123492%02d", i+1))
			phone := testserver.ResidentPhone
			if i != 1 {
				phone = fmt.Sprintf("139123493%02d", i)
				srv.Register(t, "老人", phone)
			}
			r := srv.Do(t, "POST", "/api/v1/me/dependents/link", child, map[string]any{"phone": phone})
			if r.Status != 201 {
				t.Fatalf("page link: %d %s", r.Status, r.Body)
			}
			pageLinks = append(pageLinks, r.JSON(t)["id"].(string))
		}
		pageLink := func(i int) string { return "/me/family/links/" + pageLinks[i] }
		// And requests the desk confirms, then ends, for a parent of the
		// station who came in person.
		var deskLinks []string
		for i := range roles {
			_, child := srv.Register(t, "子女", fmt.Sprintf("139123496%02d", i+1))
			phone := fmt.Sprintf("139123497%02d", i)
			srv.Register(t, "老人", phone)
			r := srv.Do(t, "POST", "/api/v1/me/dependents/link", child, map[string]any{"phone": phone})
			if r.Status != 201 {
				t.Fatalf("desk link: %d %s", r.Status, r.Body)
			}
			deskLinks = append(deskLinks, r.JSON(t)["id"].(string))
		}
		deskLink := func(i int) string { return "/desk/links/" + deskLinks[i] }

		tests := []struct {
			pattern string
			path    any // a string, or func(role int) string
			body    any // a body, or func(role int) any
			header  map[string]string
			want    [4]int // anonymous, resident, staff, admin
		}{
			{"GET /healthz", "/healthz", nil, nil, [4]int{200, 200, 200, 200}},
			{"GET /readyz", "/readyz", nil, nil, [4]int{200, 200, 200, 200}},
			{"GET /metrics", "/metrics", nil, nil, [4]int{401, 403, 403, 200}},
			{"POST /api/v1/auth/register", "/api/v1/auth/register", map[string]any{}, nil, [4]int{422, 422, 422, 422}},
			{"POST /api/v1/auth/login", "/api/v1/auth/login", map[string]any{}, nil, [4]int{422, 422, 422, 422}},
			{"POST /api/v1/auth/logout", "/api/v1/auth/logout", nil, nil, [4]int{401, 204, 204, 204}},
			{"POST /api/v1/auth/logout-all", "/api/v1/auth/logout-all", nil, nil, [4]int{401, 204, 204, 204}},
			// No text-message sender in tests: registration needs no code.
			{"POST /api/v1/auth/sms-code", "/api/v1/auth/sms-code", map[string]any{"phone": "13912340009"}, nil, [4]int{404, 404, 404, 404}},
			{"POST /api/v1/auth/reset", "/api/v1/auth/reset", map[string]any{}, nil, [4]int{422, 422, 422, 422}},
			{"PUT /api/v1/me/password", "/api/v1/me/password", map[string]any{}, nil, [4]int{401, 422, 422, 422}},
			{"GET /api/v1/me", "/api/v1/me", nil, nil, [4]int{401, 200, 200, 200}},
			{"PATCH /api/v1/me", "/api/v1/me", map[string]any{}, nil, [4]int{401, 200, 200, 200}},
			{"PUT /api/v1/me/volunteer-profile", "/api/v1/me/volunteer-profile", map[string]any{"skills": []string{"tech"}}, nil, [4]int{401, 403, 403, 403}},
			{"POST /api/v1/users", "/api/v1/users", map[string]any{"name": "张阿公", "area_id": area}, nil, [4]int{401, 403, 201, 201}},
			{"GET /api/v1/users", "/api/v1/users?q=张", nil, nil, [4]int{401, 403, 200, 200}},
			{"GET /api/v1/users/{id}", "/api/v1/users/" + target, nil, nil, [4]int{401, 200, 200, 200}},
			{"PUT /api/v1/users/{id}/roles", "/api/v1/users/" + target + "/roles", map[string]any{"roles": []string{"resident", "volunteer"}}, nil, [4]int{401, 403, 200, 200}},
			{"POST /api/v1/users/{id}/password-reset", "/api/v1/users/" + target + "/password-reset", nil, nil, [4]int{401, 403, 201, 201}},
			{"GET /api/v1/audit", "/api/v1/audit", nil, nil, [4]int{401, 403, 200, 200}},
			{"GET /api/v1/me/export", "/api/v1/me/export", nil, nil, [4]int{401, 200, 200, 200}},
			{"POST /api/v1/me/close", "/api/v1/me/close", map[string]any{}, nil, [4]int{401, 422, 422, 422}},
			{"POST /api/v1/users/{id}/close", func(i int) string { return "/api/v1/users/" + apiClosable[i] + "/close" }, nil, nil, [4]int{401, 403, 200, 200}},
			{"POST /api/v1/stations", "/api/v1/stations", map[string]any{"name": "顾里二站", "opening_hours": map[string][]string{"sat": {"09:00-12:00"}}}, nil, [4]int{401, 403, 403, 201}},
			{"GET /api/v1/stations", "/api/v1/stations", nil, nil, [4]int{200, 200, 200, 200}},
			{"GET /api/v1/stations/{id}", "/api/v1/stations/" + st, nil, nil, [4]int{200, 200, 200, 200}},
			{"PUT /api/v1/stations/{id}/opening-hours", "/api/v1/stations/" + st + "/opening-hours", map[string]any{"opening_hours": map[string][]string{"wed": {"09:00-17:00"}, "thu": {"09:00-17:00"}, "fri": {"09:00-17:00"}, "sat": {"09:00-17:00"}, "sun": {"09:00-17:00"}}}, nil, [4]int{401, 403, 200, 200}},
			{"PUT /api/v1/stations/{id}/booking-rules", "/api/v1/stations/" + st + "/booking-rules", map[string]any{"max_days_ahead": 60, "max_minutes": 240, "max_future_bookings": 20}, nil, [4]int{401, 403, 200, 200}},
			{"POST /api/v1/stations/{id}/areas", "/api/v1/stations/" + st + "/areas", map[string]any{"name": "新小区", "committee": "新小区居委会"}, nil, [4]int{401, 403, 403, 201}},
			{"GET /api/v1/areas", "/api/v1/areas", nil, nil, [4]int{200, 200, 200, 200}},
			{"POST /api/v1/stations/{id}/rooms", "/api/v1/stations/" + st + "/rooms", map[string]any{"name": "阅览室", "capacity": 8}, nil, [4]int{401, 403, 201, 201}},
			{"POST /api/v1/stations/{id}/closures", "/api/v1/stations/" + st + "/closures", map[string]any{"date": closed, "reason": "设备检修"}, nil, [4]int{401, 403, 201, 201}},
			{"GET /api/v1/stations/{id}/closures", "/api/v1/stations/" + st + "/closures", nil, nil, [4]int{200, 200, 200, 200}},
			// Staff reopen the day; for the admin after them it is open already.
			{"DELETE /api/v1/stations/{id}/closures/{date}", "/api/v1/stations/" + st + "/closures/" + closed, nil, nil, [4]int{401, 403, 204, 404}},
			{"GET /api/v1/stations/{id}/wecom-webhook", "/api/v1/stations/" + st + "/wecom-webhook", nil, nil, [4]int{401, 403, 200, 200}},
			{"PUT /api/v1/stations/{id}/wecom-webhook", "/api/v1/stations/" + st + "/wecom-webhook", map[string]any{"url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7aaa"}, nil, [4]int{401, 403, 200, 200}},
			{"GET /api/v1/stations/{id}/deliveries", "/api/v1/stations/" + st + "/deliveries", nil, nil, [4]int{401, 403, 200, 200}},
			{"POST /api/v1/stations/{id}/visits", "/api/v1/stations/" + st + "/visits", map[string]any{"count": 2, "purpose": "health_check"}, nil, [4]int{401, 403, 201, 201}},
			{"GET /api/v1/stations/{id}/checkin-code", "/api/v1/stations/" + st + "/checkin-code", nil, nil, [4]int{401, 403, 200, 200}},
			{"GET /api/v1/stations/{id}/checkin-code.png", "/api/v1/stations/" + st + "/checkin-code.png", nil, nil, [4]int{401, 403, 200, 200}},
			{"POST /api/v1/stations/{id}/checkin", "/api/v1/stations/" + st + "/checkin", map[string]any{"code": "not-a-code"}, nil, [4]int{401, 422, 422, 422}},

			{"POST /api/v1/activities", "/api/v1/activities", map[string]any{"station_id": st, "title": "中医义诊", "category": "service",
				"start": rfc(nextOpen(time.Sunday, "14:00")), "end": rfc(nextOpen(time.Sunday, "16:00"))}, nil, [4]int{401, 403, 201, 201}},
			{"GET /api/v1/activities", "/api/v1/activities?q=书法", nil, nil, [4]int{200, 200, 200, 200}},
			{"GET /api/v1/activities/{id}", "/api/v1/activities/" + activity, nil, nil, [4]int{200, 200, 200, 200}},
			{"POST /api/v1/activities/{id}/registrations", "/api/v1/activities/" + activity + "/registrations", nil, nil, [4]int{401, 201, 201, 201}},
			{"GET /api/v1/activities/{id}/registrations", "/api/v1/activities/" + activity + "/registrations", nil, nil, [4]int{401, 403, 200, 200}},
			{"POST /api/v1/activities/{id}/attendance", "/api/v1/activities/" + activity + "/attendance", map[string]any{"user_id": residentID}, nil, [4]int{401, 403, 201, 201}},
			{"DELETE /api/v1/activities/{id}/registrations/{user}", "/api/v1/activities/" + activity + "/registrations/me", nil, nil, [4]int{401, 204, 204, 204}},
			{"DELETE /api/v1/activities/{id}", "/api/v1/activities/" + doomed, nil, nil, [4]int{401, 403, 204, 204}},
			{"GET /api/v1/me/activities", "/api/v1/me/activities", nil, nil, [4]int{401, 200, 200, 200}},
			{"GET /api/v1/me/calendar", "/api/v1/me/calendar", nil, nil, [4]int{401, 200, 200, 200}},
			{"POST /api/v1/me/dependents", "/api/v1/me/dependents", map[string]any{"name": "小明", "birth_year": 2016, "relation": "child"}, nil, [4]int{401, 201, 201, 201}},
			{"GET /api/v1/me/dependents", "/api/v1/me/dependents", nil, nil, [4]int{401, 200, 200, 200}},
			{"GET /api/v1/me/guardians", "/api/v1/me/guardians", nil, nil, [4]int{401, 200, 200, 200}},
			{"POST /api/v1/me/dependents/link", "/api/v1/me/dependents/link", map[string]any{"phone": "13912349000"}, nil, [4]int{401, 201, 201, 201}},
			{"POST /api/v1/links/{id}/accept", func(i int) string { return link(i) + "/accept" }, nil, nil, [4]int{401, 200, 200, 200}},
			{"DELETE /api/v1/links/{id}", link, nil, nil, [4]int{401, 204, 204, 204}},
			{"POST /api/v1/me/calendar", "/api/v1/me/calendar", nil, nil, [4]int{401, 200, 200, 200}},
			{"GET /api/v1/calendar.ics", "/api/v1/calendar.ics?station_id=" + st, nil, nil, [4]int{200, 200, 200, 200}},
			{"GET /calendar.ics", "/calendar.ics?station_id=" + st, nil, nil, [4]int{200, 200, 200, 200}},
			{"GET /calendar/{file}", "/calendar/not-anyones-token-at-all.ics", nil, nil, [4]int{404, 404, 404, 404}},

			{"POST /api/v1/rooms/{id}/bookings", "/api/v1/rooms/" + room + "/bookings", func(i int) any { return slot(i) }, nil, [4]int{401, 201, 201, 201}},
			{"GET /api/v1/rooms/{id}/bookings", "/api/v1/rooms/" + room + "/bookings", nil, nil, [4]int{200, 200, 200, 200}},
			{"DELETE /api/v1/bookings/{id}", func(i int) string { return "/api/v1/bookings/" + bookings[i] }, nil, nil, [4]int{401, 204, 204, 204}},

			{"POST /api/v1/health-measurements", "/api/v1/health-measurements", map[string]any{"user_id": residentID, "kind": "temperature", "celsius": 36.6}, nil, [4]int{401, 403, 201, 201}},
			{"GET /api/v1/users/{id}/health-measurements", "/api/v1/users/" + residentID + "/health-measurements", nil, nil, [4]int{401, 200, 200, 200}},
			{"GET /api/v1/me/notifications", "/api/v1/me/notifications", nil, nil, [4]int{401, 200, 200, 200}},
			{"POST /api/v1/me/notifications/read", "/api/v1/me/notifications/read", map[string]any{"ids": []string{}}, nil, [4]int{401, 204, 204, 204}},

			// Only volunteers claim, only the claimer releases or finishes;
			// the requester and staff of the station confirm and cancel.
			{"POST /api/v1/help-requests", "/api/v1/help-requests", map[string]any{"title": "修水龙头", "category": "repair"}, nil, [4]int{401, 201, 201, 201}},
			{"GET /api/v1/help-requests", "/api/v1/help-requests?status=open", nil, nil, [4]int{401, 200, 200, 200}},
			{"GET /api/v1/help-requests/{id}", "/api/v1/help-requests/" + openHelp, nil, nil, [4]int{401, 200, 200, 200}},
			{"GET /api/v1/help-requests/{id}/candidates", "/api/v1/help-requests/" + openHelp + "/candidates", nil, nil, [4]int{401, 200, 200, 200}},
			{"POST /api/v1/help-requests/{id}/claim", "/api/v1/help-requests/" + openHelp + "/claim", nil, nil, [4]int{401, 403, 403, 403}},
			{"POST /api/v1/help-requests/{id}/release", "/api/v1/help-requests/" + claimedHelp + "/release", nil, nil, [4]int{401, 403, 403, 403}},
			{"POST /api/v1/help-requests/{id}/done", "/api/v1/help-requests/" + claimedHelp + "/done", map[string]any{"minutes": 30}, nil, [4]int{401, 403, 403, 403}},
			{"POST /api/v1/help-requests/{id}/confirm", func(i int) string { return "/api/v1/help-requests/" + doneHelps[i] + "/confirm" },
				map[string]any{"rating": 5, "comment": "谢谢"}, nil, [4]int{401, 200, 200, 200}},
			{"POST /api/v1/help-requests/{id}/cancel", func(i int) string { return "/api/v1/help-requests/" + cancellable[i] + "/cancel" }, nil, nil, [4]int{401, 200, 200, 200}},
			{"GET /api/v1/me/timebank", "/api/v1/me/timebank", nil, nil, [4]int{401, 200, 200, 200}},
			{"POST /api/v1/timebank/transfers", "/api/v1/timebank/transfers", map[string]any{"to_user_id": target, "minutes": 10},
				map[string]string{"Idempotency-Key": "access-table"}, [4]int{401, 201, 422, 422}},
			{"POST /api/v1/activities/{id}/credits", "/api/v1/activities/" + helped + "/credits", map[string]any{"minutes": 90, "memo": "书法班助教"}, nil, [4]int{401, 403, 201, 201}},
			{"POST /api/v1/timebank/credits", "/api/v1/timebank/credits", map[string]any{"user_id": residentID, "minutes": 30, "memo": "活动志愿"}, nil, [4]int{401, 403, 201, 201}},

			// Anyone signed in shares tips; the author and the station's
			// staff take posts down, and only staff moderate.
			{"POST /api/v1/posts", "/api/v1/posts", map[string]any{"station_id": st, "kind": "tip", "title": "门口修路", "body": "绕行东门"}, nil, [4]int{401, 201, 201, 201}},
			{"GET /api/v1/posts", "/api/v1/posts?station_id=" + st, nil, nil, [4]int{200, 200, 200, 200}},
			{"GET /api/v1/posts/{id}", "/api/v1/posts/" + tip, nil, nil, [4]int{200, 200, 200, 200}},
			{"DELETE /api/v1/posts/{id}", func(i int) string { return "/api/v1/posts/" + deletable[i] }, nil, nil, [4]int{401, 403, 204, 204}},
			{"GET /api/v1/posts/{id}/comments", "/api/v1/posts/" + tip + "/comments", nil, nil, [4]int{200, 200, 200, 200}},
			{"POST /api/v1/posts/{id}/comments", "/api/v1/posts/" + tip + "/comments", map[string]any{"body": "谢谢提醒"}, nil, [4]int{401, 201, 201, 201}},
			{"POST /api/v1/posts/{id}/reports", func(i int) string { return "/api/v1/posts/" + reportable[i] + "/reports" },
				map[string]any{"reason": "不实信息"}, nil, [4]int{401, 201, 201, 201}},
			{"POST /api/v1/posts/{id}/hide", func(i int) string { return "/api/v1/posts/" + hideable[i] + "/hide" }, nil, nil, [4]int{401, 403, 200, 200}},
			{"POST /api/v1/posts/{id}/restore", func(i int) string { return "/api/v1/posts/" + restorable[i] + "/restore" }, nil, nil, [4]int{401, 404, 200, 200}},
			{"GET /api/v1/stations/{id}/moderation", "/api/v1/stations/" + st + "/moderation", nil, nil, [4]int{401, 403, 200, 200}},

			// Staff set councils up and say who their members are; members
			// and staff see who they are.
			{"POST /api/v1/councils", "/api/v1/councils", map[string]any{"station_id": st, "name": "家长议事会", "kind": "parents"}, nil, [4]int{401, 403, 201, 201}},
			{"GET /api/v1/councils", "/api/v1/councils?station_id=" + st, nil, nil, [4]int{200, 200, 200, 200}},
			{"GET /api/v1/councils/{id}", "/api/v1/councils/" + council, nil, nil, [4]int{200, 200, 200, 200}},
			{"POST /api/v1/councils/{id}/members", "/api/v1/councils/" + council + "/members", func(i int) any { return map[string]any{"user_id": joining[i]} },
				nil, [4]int{401, 403, 201, 201}},
			{"GET /api/v1/councils/{id}/members", "/api/v1/councils/" + council + "/members", nil, nil, [4]int{401, 403, 200, 200}},
			{"DELETE /api/v1/councils/{id}/members/{user}", func(i int) string { return "/api/v1/councils/" + council + "/members/" + leaving[i] }, nil, nil, [4]int{401, 403, 204, 204}},

			// Meetings, resolutions and proposals.
			{"POST /api/v1/councils/{id}/meetings", "/api/v1/councils/" + deliberating + "/meetings", map[string]any{"title": "议事会例会", "start": rfc(nextOpen(time.Tuesday, "14:00"))}, nil, [4]int{401, 403, 201, 201}},
			{"GET /api/v1/councils/{id}/meetings", "/api/v1/councils/" + deliberating + "/meetings", nil, nil, [4]int{200, 200, 200, 200}},
			{"GET /api/v1/meetings/{id}", "/api/v1/meetings/" + meeting, nil, nil, [4]int{200, 200, 200, 200}},
			{"PATCH /api/v1/meetings/{id}", "/api/v1/meetings/" + meeting, map[string]any{"minutes": "到会8人"}, nil, [4]int{401, 403, 200, 200}},
			{"PUT /api/v1/meetings/{id}/attendance", "/api/v1/meetings/" + meeting + "/attendance", map[string]any{"user_ids": []string{residentID}}, nil, [4]int{401, 403, 200, 200}},
			{"GET /api/v1/councils/{id}/resolutions", "/api/v1/councils/" + deliberating + "/resolutions", nil, nil, [4]int{200, 200, 200, 200}},
			{"PATCH /api/v1/resolutions/{id}", "/api/v1/resolutions/" + resolutionID, map[string]any{"status": "in_progress", "note": "已报物业"}, nil, [4]int{401, 403, 200, 200}},
			{"POST /api/v1/councils/{id}/proposals", "/api/v1/councils/" + deliberating + "/proposals", map[string]any{"title": "修路灯"}, nil, [4]int{401, 201, 201, 201}},
			{"GET /api/v1/councils/{id}/proposals", "/api/v1/councils/" + deliberating + "/proposals", nil, nil, [4]int{200, 200, 200, 200}},
			{"GET /api/v1/proposals/{id}", "/api/v1/proposals/" + proposal, nil, nil, [4]int{200, 200, 200, 200}},
			{"POST /api/v1/proposals/{id}/supports", func(i int) string { return "/api/v1/proposals/" + supportable[i] + "/supports" }, nil, nil, [4]int{401, 201, 201, 201}},
			{"PATCH /api/v1/proposals/{id}", "/api/v1/proposals/" + proposal, map[string]any{"meeting_id": meeting, "outcome": "accepted", "answer": "下月施工"}, nil, [4]int{401, 403, 200, 200}},
			// Anyone signed in uploads; an unattached photo is its uploader's
			// and the station's staff's.
			{"POST /api/v1/photos", "/api/v1/photos?station_id=" + st, func(int) any { return photoPNG(t, 12, 12) }, png, [4]int{401, 201, 201, 201}},
			{"GET /photos/{file}", "/photos/" + photo + ".jpg", nil, nil, [4]int{404, 200, 200, 200}},
			{"GET /photos/{id}/thumb.jpg", "/photos/" + photo + "/thumb.jpg", nil, nil, [4]int{404, 200, 200, 200}},

			// Teams and studios: staff start them and add members; anyone
			// reads them; staff decide nominations.
			{"POST /api/v1/teams", "/api/v1/teams", map[string]any{"station_id": st, "name": "交谊舞队", "kind": "interest_group"}, nil, [4]int{401, 403, 201, 201}},
			{"GET /api/v1/teams", "/api/v1/teams?station_id=" + st + "&kind=interest_group", nil, nil, [4]int{200, 200, 200, 200}},
			{"GET /api/v1/teams/{id}", "/api/v1/teams/" + apiTeam, nil, nil, [4]int{200, 200, 200, 200}},
			{"PATCH /api/v1/teams/{id}", "/api/v1/teams/" + apiTeam, func(i int) any { return map[string]any{"photo_id": teamPhotos[i]} }, nil, [4]int{401, 403, 200, 200}},
			{"POST /api/v1/teams/{id}/members", "/api/v1/teams/" + apiTeam + "/members", func(i int) any { return map[string]any{"user_id": joiner(i)} }, nil, [4]int{401, 403, 201, 201}},
			{"DELETE /api/v1/teams/{id}/members/{user_id}", func(i int) string { return "/api/v1/teams/" + apiTeam + "/members/" + joiner(i) }, nil, nil, [4]int{401, 403, 204, 204}},
			{"POST /api/v1/nominations", "/api/v1/nominations", func(i int) any { // a skill a role: one nomination a person and skill
				return map[string]any{"area_id": area, "user_id": target, "skill": fmt.Sprintf("结艺%d", i), "reason": "生活结艺"}
			}, nil, [4]int{401, 403, 201, 201}},
			{"GET /api/v1/stations/{id}/nominations", "/api/v1/stations/" + st + "/nominations?status=pending", nil, nil, [4]int{401, 403, 200, 200}},
			{"POST /api/v1/nominations/{id}/approve", func(i int) string { return "/api/v1/nominations/" + approvable[i] + "/approve" }, nil, nil, [4]int{401, 403, 200, 200}},
			{"POST /api/v1/nominations/{id}/decline", func(i int) string { return "/api/v1/nominations/" + declinable[i] + "/decline" }, nil, nil, [4]int{401, 403, 200, 200}},
			{"GET /teams/{id}", "/teams/" + pageTeam, nil, nil, [4]int{200, 200, 200, 200}},
			{"POST /teams/{id}/photo", "/teams/" + pageTeam + "/photo", teamPhotoForm, teamPhotoHeader, [4]int{303, 403, 303, 303}},
			{"POST /teams/{id}/members", "/teams/" + pageTeam + "/members", func(i int) any { return "phone=" + joinerPhone(i) }, form, [4]int{303, 403, 303, 303}},
			{"POST /teams/{id}/members/{user_id}/remove", func(i int) string { return "/teams/" + pageTeam + "/members/" + joiner(i) + "/remove" }, "", form, [4]int{303, 403, 303, 303}},
			{"GET /nominations/new", "/nominations/new", nil, nil, [4]int{303, 403, 200, 200}},
			{"POST /nominations/new", "/nominations/new", func(i int) any {
				return "area_id=" + area + "&phone=13912340000&skill=" + fmt.Sprintf("交谊舞%d", i) + "&reason=舞姿优美"
			}, form, [4]int{303, 403, 303, 303}},
			{"GET /desk/teams", "/desk/teams", nil, nil, [4]int{303, 403, 200, 200}},
			{"POST /desk/teams", "/desk/teams", "name=社区家长委员会&kind=committee", form, [4]int{303, 403, 303, 303}},
			{"POST /desk/nominations/{id}/approve", func(i int) string { return "/desk/nominations/" + pageApprovable[i] + "/approve" }, "", form, [4]int{303, 403, 303, 303}},
			{"POST /desk/nominations/{id}/decline", func(i int) string { return "/desk/nominations/" + pageDeclinable[i] + "/decline" }, "", form, [4]int{303, 403, 303, 303}},

			// Staff of the station import committees' rosters; a dry run
			// here, and a confirm whose upload is not theirs.
			{"POST /api/v1/stations/{id}/imports", "/api/v1/stations/" + st + "/imports", rosterBody, rosterHeader, [4]int{401, 403, 200, 200}},
			{"GET /desk/import", "/desk/import", nil, nil, [4]int{303, 403, 200, 200}},
			{"POST /desk/import", "/desk/import", pageRosterBody, pageRosterHeader, [4]int{303, 403, 200, 200}},
			{"POST /desk/import/confirm", "/desk/import/confirm", "token=not-an-upload", form, [4]int{303, 403, 404, 404}},
			{"GET /desk/import/{file}", "/desk/import/roster-template.xlsx", nil, nil, [4]int{303, 403, 200, 200}},

			// Staff of the station make its monthly reports and its
			// volunteers' certificates; a volunteer has their own.
			{"GET /api/v1/stations/{id}/reports/monthly", "/api/v1/stations/" + st + "/reports/monthly?format=csv", nil, nil, [4]int{401, 403, 200, 200}},
			{"GET /desk/reports", "/desk/reports", nil, nil, [4]int{303, 403, 200, 200}},
			{"GET /desk/reports/monthly", "/desk/reports/monthly?format=csv", nil, nil, [4]int{303, 403, 200, 200}},
			{"GET /desk/volunteers/{id}/certificate", "/desk/volunteers/" + talentID + "/certificate", nil, nil, [4]int{303, 403, 200, 200}},
			{"GET /me/certificate", "/me/certificate", nil, nil, [4]int{303, 200, 200, 200}},
			// The paper a station runs on: the week's poster is everyone's;
			// sign-in sheets, records and the ledger its staff's. Records are
			// saved from the version each began with: staff's first, then
			// the admin's from staff's.
			{"GET /print/week", "/print/week", nil, nil, [4]int{200, 200, 200, 200}},
			{"GET /desk/activities/{id}/sign-in-sheet", "/desk/activities/" + activity + "/sign-in-sheet", nil, nil, [4]int{303, 403, 200, 200}},
			{"GET /desk/activities/{id}/record", "/desk/activities/" + helped + "/record", nil, nil, [4]int{303, 403, 200, 200}},
			{"POST /desk/activities/{id}/record", "/desk/activities/" + helped + "/record", func(i int) any {
				return fmt.Sprintf("summary=重阳节敬老活动小结&version=%d", max(i-2, 0))
			}, form, [4]int{303, 403, 303, 303}},
			{"GET /desk/ledger", "/desk/ledger", nil, nil, [4]int{303, 403, 200, 200}},
			{"GET /desk/ledger.xlsx", "/desk/ledger.xlsx", nil, nil, [4]int{303, 403, 200, 200}},

			// Staff mark the residents they watch over; a call list is its
			// station's staff's, and to a resident there is none.
			{"POST /desk/residents/{id}/marks", "/desk/residents/" + target + "/marks", "kind=lives_alone&on=1", form, [4]int{303, 403, 303, 303}},
			{"POST /desk/links/{id}/accept", func(i int) string { return deskLink(i) + "/accept" }, "q=老人", form, [4]int{303, 403, 303, 303}},
			{"POST /desk/links/{id}/end", func(i int) string { return deskLink(i) + "/end" }, "q=老人", form, [4]int{303, 403, 303, 303}},
			{"GET /desk/calls/{id}", "/desk/calls/" + alert, nil, nil, [4]int{303, 404, 200, 200}},
			{"POST /desk/calls/{id}", "/desk/calls/" + alert, "user_id=" + residentID + "&outcome=called", form, [4]int{303, 404, 303, 303}},
			{"GET /desk/activities/{id}/calls", "/desk/activities/" + cancelled + "/calls", nil, nil, [4]int{303, 404, 200, 200}},
			{"POST /desk/activities/{id}/calls", "/desk/activities/" + cancelled + "/calls", "user_id=" + residentID + "&outcome=visited", form, [4]int{303, 404, 303, 303}},

			{"GET /{$}", "/", nil, nil, [4]int{200, 200, 200, 200}},
			{"GET /stations", "/stations", nil, nil, [4]int{200, 200, 200, 200}},
			{"POST /stations", "/stations", "station_id=" + st, form, [4]int{303, 303, 303, 303}},
			{"GET /login", "/login", nil, nil, [4]int{200, 200, 200, 200}},
			{"POST /login", "/login", "phone=13999999999&password=wrong-password", form, [4]int{401, 401, 401, 401}},
			{"POST /logout", "/logout", "", form, [4]int{303, 303, 303, 303}},
			{"GET /register", "/register", nil, nil, [4]int{200, 200, 200, 200}},
			{"POST /register", "/register", "name=", form, [4]int{422, 422, 422, 422}},
			{"POST /register/sms-code", "/register/sms-code", "phone=13912340009", form, [4]int{404, 404, 404, 404}},
			{"GET /reset", "/reset", nil, nil, [4]int{200, 200, 200, 200}},
			{"POST /reset", "/reset", "phone=&code=&new_password=", form, [4]int{422, 422, 422, 422}},
			{"POST /logout-all", "/logout-all", "", form, [4]int{303, 303, 303, 303}},
			{"GET /me/volunteer", "/me/volunteer", nil, nil, [4]int{303, 403, 403, 403}},
			{"POST /me/volunteer", "/me/volunteer", "skill=errand", form, [4]int{303, 403, 403, 403}},
			{"GET /me/password", "/me/password", nil, nil, [4]int{303, 200, 200, 200}},
			{"POST /me/password", "/me/password", "current_password=&new_password=", form, [4]int{303, 422, 422, 422}},
			{"GET /me", "/me", nil, nil, [4]int{303, 200, 200, 200}},
			{"GET /me/data", "/me/data", nil, nil, [4]int{303, 200, 200, 200}},
			{"GET /me/family", "/me/family", nil, nil, [4]int{303, 200, 200, 200}},
			{"POST /me/family/dependents", "/me/family/dependents", "name=小明&birth_year=2016&relation=child", form, [4]int{303, 303, 303, 303}},
			{"POST /me/family/link", "/me/family/link", "phone=13912349500", form, [4]int{303, 303, 303, 303}},
			{"POST /me/family/links/{id}/accept", func(i int) string { return pageLink(i) + "/accept" }, "", form, [4]int{303, 303, 303, 303}},
			{"POST /me/family/links/{id}/end", func(i int) string { return pageLink(i) + "/end" }, "", form, [4]int{303, 303, 303, 303}},
			{"GET /me/data/export", "/me/data/export", nil, nil, [4]int{303, 200, 200, 200}},
			{"POST /me/close", "/me/close", "password=&confirm=1", form, [4]int{303, 422, 422, 422}},
			{"POST /me", "/me", "ec_name=&ec_phone=", form, [4]int{303, 303, 303, 303}},
			{"POST /prefs/elder", "/prefs/elder", "elder=1&next=/", form, [4]int{303, 303, 303, 303}},
			{"POST /prefs/lang", "/prefs/lang", "lang=en&next=/", form, [4]int{303, 303, 303, 303}},
			{"GET /activities", "/activities", nil, nil, [4]int{200, 200, 200, 200}},
			{"GET /activities/{id}", "/activities/" + activity, nil, nil, [4]int{200, 200, 200, 200}},
			{"POST /activities/{id}/register", "/activities/" + activity + "/register", "next=/", form, [4]int{303, 303, 303, 303}},
			{"POST /activities/{id}/cancel", "/activities/" + activity + "/cancel", "next=/", form, [4]int{303, 303, 303, 303}},
			{"GET /my/activities", "/my/activities", nil, nil, [4]int{303, 200, 200, 200}},
			{"GET /checkin", "/checkin?station=" + st + "&code=123456", nil, nil, [4]int{303, 200, 200, 200}},
			{"POST /checkin", "/checkin", "station=" + st + "&code=bad", form, [4]int{303, 422, 422, 422}},
			{"GET /rooms/{id}", "/rooms/" + room, nil, nil, [4]int{200, 200, 200, 200}},
			{"POST /rooms/{id}/book", "/rooms/" + room + "/book", func(i int) any {
				return fmt.Sprintf("date=%s&from=%02d:00&to=%02d:00&purpose=合唱", friday, 9+i, 10+i)
			}, form, [4]int{303, 303, 303, 303}},
			{"POST /bookings/{id}/cancel", func(i int) string { return "/bookings/" + pageBookings[i] + "/cancel" }, "next=/", form, [4]int{303, 303, 303, 303}},
			{"GET /health", "/health", nil, nil, [4]int{303, 200, 200, 200}},
			{"GET /notifications", "/notifications", nil, nil, [4]int{303, 200, 200, 200}},
			{"POST /notifications/read", "/notifications/read", "", form, [4]int{303, 303, 303, 303}},
			{"GET /events", "/events", nil, nil, [4]int{401, 200, 200, 200}},
			{"GET /desk", "/desk", nil, nil, [4]int{303, 403, 200, 200}},
			{"POST /desk/visits", "/desk/visits", "purpose=other&count=1", form, [4]int{303, 403, 303, 303}},
			{"GET /desk/door", "/desk/door", nil, nil, [4]int{303, 403, 200, 200}},
			{"GET /desk/health", "/desk/health?user_id=" + residentID, nil, nil, [4]int{303, 403, 200, 200}},
			{"POST /desk/health", "/desk/health", "user_id=" + residentID + "&kind=temperature&celsius=36.5", form, [4]int{303, 403, 303, 303}},
			{"GET /desk/activities/new", "/desk/activities/new", nil, nil, [4]int{303, 403, 200, 200}},
			{"POST /desk/activities/new", "/desk/activities/new", "title=结艺&category=class&date=" + friday + "&from=14:00&to=15:30&capacity=10&weeks=1", form, [4]int{303, 403, 303, 303}},
			{"GET /desk/activities/{id}", "/desk/activities/" + activity, nil, nil, [4]int{303, 403, 200, 200}},
			{"POST /desk/activities/{id}/attendance", "/desk/activities/" + activity + "/attendance", "user_id=" + residentID, form, [4]int{303, 403, 303, 303}},
			{"POST /desk/activities/{id}/register", "/desk/activities/" + activity + "/register", func(i int) any {
				return "user_id=" + []string{residentID, residentID, residentID, target}[i]
			}, form, [4]int{303, 403, 303, 303}},
			{"POST /desk/activities/{id}/credits", "/desk/activities/" + helped + "/credits", "user_id=" + residentID + "&hours=1.5&memo=助教", form, [4]int{303, 403, 303, 303}},
			{"POST /desk/activities/{id}/cancel", "/desk/activities/" + doomed + "/cancel", "", form, [4]int{303, 403, 303, 303}},
			{"GET /desk/residents", "/desk/residents?q=被改", nil, nil, [4]int{303, 403, 200, 200}},
			{"POST /desk/residents/{id}/password-reset", "/desk/residents/" + target + "/password-reset", "", form, [4]int{303, 403, 201, 201}},
			{"GET /desk/residents/{id}/close", "/desk/residents/" + target + "/close", nil, nil, [4]int{303, 403, 200, 200}},
			{"POST /desk/residents/{id}/close", func(i int) string { return "/desk/residents/" + deskClosable[i] + "/close" }, "confirm=1", form, [4]int{303, 403, 303, 303}},
			{"GET /desk/audit", "/desk/audit?q=被改&action=user.&from=2023-01-01", nil, nil, [4]int{303, 403, 200, 200}},
			{"GET /desk/booking-rules", "/desk/booking-rules", nil, nil, [4]int{303, 403, 200, 200}},
			{"POST /desk/booking-rules", "/desk/booking-rules", "max_days_ahead=60&max_hours=4&max_future_bookings=20", form, [4]int{303, 403, 303, 303}},
			{"GET /desk/deliveries", "/desk/deliveries", nil, nil, [4]int{303, 403, 200, 200}},
			{"POST /desk/wecom-webhook", "/desk/wecom-webhook", "url=https%3A%2F%2Fqyapi.weixin.qq.com%2Fcgi-bin%2Fwebhook%2Fsend%3Fkey%3Dabcdef123456", form, [4]int{303, 403, 303, 303}},
			{"GET /help", "/help", nil, nil, [4]int{200, 200, 200, 200}},
			{"GET /help/new", "/help/new", nil, nil, [4]int{303, 200, 200, 200}},
			{"POST /help/new", "/help/new", "category=repair&title=修水龙头", form, [4]int{303, 303, 303, 303}},
			{"GET /help/{id}", "/help/" + openHelp, nil, nil, [4]int{303, 200, 200, 200}},
			// As over the API: only volunteers claim, only the claimer
			// releases or finishes; the requester and staff of the station
			// confirm and cancel.
			{"POST /help/{id}/claim", "/help/" + openHelp + "/claim", "", form, [4]int{303, 403, 403, 403}},
			{"POST /help/{id}/release", "/help/" + claimedHelp + "/release", "", form, [4]int{303, 403, 403, 403}},
			{"POST /help/{id}/done", "/help/" + claimedHelp + "/done", "minutes=30", form, [4]int{303, 403, 403, 403}},
			{"POST /help/{id}/confirm", func(i int) string { return "/help/" + pageDone[i] + "/confirm" }, "rating=5&comment=谢谢", form, [4]int{303, 303, 303, 303}},
			{"POST /help/{id}/cancel", func(i int) string { return "/help/" + pageCancellable[i] + "/cancel" }, "", form, [4]int{303, 303, 303, 303}},
			{"GET /my/services", "/my/services", nil, nil, [4]int{303, 200, 200, 200}},
			{"GET /timebank", "/timebank", nil, nil, [4]int{303, 200, 200, 200}},
			// The resident holds minutes; staff and the admin hold none.
			{"POST /timebank/transfer", "/timebank/transfer", "to_phone=13912340000&minutes=10&key=access-table-page", form, [4]int{303, 303, 422, 422}},
			{"GET /desk/help", "/desk/help?q=被改", nil, nil, [4]int{303, 403, 200, 200}},
			{"GET /teams", "/teams", nil, nil, [4]int{200, 200, 200, 200}},
			{"GET /notices", "/notices", nil, nil, [4]int{200, 200, 200, 200}},
			{"GET /councils", "/councils", nil, nil, [4]int{200, 200, 200, 200}},
			{"POST /councils/new", "/councils/new", "name=" + url.QueryEscape("家长议事会") + "&kind=parents", form, [4]int{303, 403, 303, 303}},
			{"GET /councils/{id}", "/councils/" + council, nil, nil, [4]int{200, 200, 200, 200}},
			{"POST /councils/{id}/members", "/councils/" + council + "/members", "phone=" + testserver.ResidentPhone, form, [4]int{303, 403, 303, 303}},
			{"POST /councils/{id}/members/remove", "/councils/" + council + "/members/remove", func(i int) any { return "user_id=" + pageLeaving[i] }, form, [4]int{303, 403, 303, 303}},
			{"GET /notices/week", "/notices/week", nil, nil, [4]int{200, 200, 200, 200}},
			{"GET /notices/new", "/notices/new", nil, nil, [4]int{303, 200, 200, 200}},
			{"POST /notices/new", "/notices/new", "kind=tip&title=门口修路&body=绕行东门", form, [4]int{303, 303, 303, 303}},
			{"GET /notices/{id}", "/notices/" + tip, nil, nil, [4]int{200, 200, 200, 200}},
			{"POST /notices/{id}/comments", "/notices/" + tip + "/comments", "body=谢谢提醒", form, [4]int{303, 303, 303, 303}},
			{"POST /notices/{id}/reports", func(i int) string { return "/notices/" + pageReportable[i] + "/reports" }, "reason=广告", form, [4]int{303, 303, 303, 303}},
			{"POST /notices/{id}/delete", func(i int) string { return "/notices/" + pageDeletable[i] + "/delete" }, "", form, [4]int{303, 403, 303, 303}},
			{"POST /notices/{id}/hide", func(i int) string { return "/notices/" + pageHideable[i] + "/hide" }, "", form, [4]int{303, 403, 303, 303}},
			{"POST /notices/{id}/restore", func(i int) string { return "/notices/" + pageRestorable[i] + "/restore" }, "", form, [4]int{303, 404, 303, 303}},
			{"GET /councils/{id}/meetings", "/councils/" + deliberating + "/meetings", nil, nil, [4]int{200, 200, 200, 200}},
			{"POST /councils/{id}/meetings", "/councils/" + deliberating + "/meetings", meetingForm, form, [4]int{303, 403, 303, 303}},
			{"GET /meetings/{id}", "/meetings/" + meeting, nil, nil, [4]int{200, 200, 200, 200}},
			{"POST /meetings/{id}", "/meetings/" + meeting, "minutes=到会8人&resolutions=修路灯", form, [4]int{303, 403, 303, 303}},
			{"POST /meetings/{id}/attendance", "/meetings/" + meeting + "/attendance", "user_id=" + residentID, form, [4]int{303, 403, 303, 303}},
			{"POST /resolutions/{id}", "/resolutions/" + resolutionID, "status=in_progress&note=已报物业", form, [4]int{303, 403, 303, 303}},
			{"GET /councils/{id}/proposals", "/councils/" + deliberating + "/proposals", nil, nil, [4]int{200, 200, 200, 200}},
			{"POST /councils/{id}/proposals", "/councils/" + deliberating + "/proposals", "title=修路灯", form, [4]int{303, 303, 303, 303}},
			{"POST /proposals/{id}/supports", func(i int) string { return "/proposals/" + pageSupportable[i] + "/supports" }, "", form, [4]int{303, 303, 303, 303}},
			{"POST /proposals/{id}", "/proposals/" + proposal, "outcome=done&answer=已施工", form, [4]int{303, 403, 303, 303}},
			{"GET /desk/moderation", "/desk/moderation", nil, nil, [4]int{303, 403, 200, 200}},
			{"GET /councils", "/councils", nil, nil, [4]int{200, 200, 200, 200}},
			// The figures: a station's and the district's are public; the
			// desk's are staff's, the district's table and workbook the admin's.
			{"GET /api/v1/stats", "/api/v1/stats?station_id=" + st, nil, nil, [4]int{200, 200, 200, 200}},
			{"GET /stats", "/stats", nil, nil, [4]int{200, 200, 200, 200}},
			{"GET /stations/{id}/impact", "/stations/" + st + "/impact", nil, nil, [4]int{200, 200, 200, 200}},
			{"GET /desk/stats", "/desk/stats", nil, nil, [4]int{303, 403, 200, 200}},
			{"GET /admin/district", "/admin/district", nil, nil, [4]int{303, 403, 403, 200}},
			{"GET /admin/district.xlsx", "/admin/district.xlsx", nil, nil, [4]int{303, 403, 403, 200}},

			// Polls: staff of the station open and close them; members vote,
			// and staff enter a member's paper ballot.
			{"POST /api/v1/councils/{id}/polls", "/api/v1/councils/" + pollCouncil + "/polls", map[string]any{"question": "活动时间",
				"options": []string{"上午", "下午"}, "closes_at": rfc(time.Now().Add(time.Hour))}, nil, [4]int{401, 403, 201, 201}},
			{"GET /api/v1/councils/{id}/polls", "/api/v1/councils/" + pollCouncil + "/polls", nil, nil, [4]int{200, 200, 200, 200}},
			{"GET /api/v1/polls/{id}", "/api/v1/polls/" + votePoll, nil, nil, [4]int{200, 200, 200, 200}},
			{"POST /api/v1/polls/{id}/votes", "/api/v1/polls/" + votePoll + "/votes", ballot(voteOptions), nil, [4]int{401, 201, 201, 201}},
			{"POST /api/v1/polls/{id}/close", func(i int) string { return "/api/v1/polls/" + closable[i] + "/close" }, nil, nil, [4]int{401, 403, 200, 200}},
			{"GET /councils/{id}/polls", "/councils/" + pollCouncil + "/polls", nil, nil, [4]int{200, 200, 200, 200}},
			{"POST /councils/{id}/polls", "/councils/" + pollCouncil + "/polls", newPollForm, form, [4]int{303, 403, 303, 303}},
			{"GET /polls/{id}", "/polls/" + pageVotePoll, nil, nil, [4]int{200, 200, 200, 200}},
			{"POST /polls/{id}/vote", "/polls/" + pageVotePoll + "/vote", pageBallot, form, [4]int{303, 303, 303, 303}},
			{"POST /polls/{id}/close", func(i int) string { return "/polls/" + pageClosable[i] + "/close" }, "", form, [4]int{303, 403, 303, 303}},
			{"GET /static/", "/static/style.css", nil, nil, [4]int{200, 200, 200, 200}},
			{"GET /favicon.ico", "/favicon.ico", nil, nil, [4]int{200, 200, 200, 200}},
		}

		var covered []string
		for _, tt := range tests {
			covered = append(covered, tt.pattern)
			method, _, _ := strings.Cut(tt.pattern, " ")
			for i, role := range roles {
				// A fresh session per request: logout must not end the others.
				token := ""
				switch role {
				case "resident":
					token = srv.Login(t, testserver.ResidentPhone, testserver.Password)
				case "staff":
					token = srv.Login(t, testserver.StaffPhone, testserver.Password)
				case "admin":
					token = srv.Login(t, testserver.AdminPhone, testserver.Password)
				}
				path, body := tt.path, tt.body
				if f, ok := path.(func(int) string); ok {
					path = f(i)
				}
				if f, ok := body.(func(int) any); ok {
					body = f(i)
				}
				r := srv.Send(t, testserver.Request{Method: method, Path: path.(string), Token: token, Body: body, Header: tt.header})
				if r.Status != tt.want[i] {
					t.Errorf("%s as %s: %d, want %d; body %.200s", tt.pattern, role, r.Status, tt.want[i], r.Body)
				}
			}
		}
		for _, p := range srv.Web.Patterns() {
			if !slices.Contains(covered, p) {
				t.Errorf("route %q has no row in the access table", p)
			}
		}
	})
}

func TestUnknownPathsAndMethods(t *testing.T) {
	srv := testserver.New(t, dbtest.Engines(t)[0])
	tests := []struct {
		method, path string
		status       int
		json         bool
	}{
		{"GET", "/api/v1/nothing-here", http.StatusNotFound, true},
		{"GET", "/api/v1/stations/abc", http.StatusNotFound, true},
		{"GET", "/api/v1/stations/99999", http.StatusNotFound, true},
		{"DELETE", "/api/v1/areas", http.StatusMethodNotAllowed, true},
		{"GET", "/no-such-page", http.StatusNotFound, false},
		{"DELETE", "/login", http.StatusMethodNotAllowed, false},
	}
	for _, tt := range tests {
		r := srv.Do(t, tt.method, tt.path, "", nil)
		if r.Status != tt.status {
			t.Errorf("%s %s: %d, want %d", tt.method, tt.path, r.Status, tt.status)
		}
		ct := r.Header.Get("Content-Type")
		if tt.json != strings.HasPrefix(ct, "application/json") || (!tt.json && !strings.HasPrefix(ct, "text/html")) {
			t.Errorf("%s %s: Content-Type %q", tt.method, tt.path, ct)
		}
	}
}
