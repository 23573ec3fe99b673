package web_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"guli/internal/dbtest"
	"guli/internal/testserver"
)

// place is one station with what its staff act on: a resident of its own,
// an activity the resident joined, a room with the resident's booking, a
// health check, a closure day, the resident's help requests (one done, one
// open).
type place struct {
	station, area, room  string
	staff                string // a token of the staff member who works there
	resident, residentTk string
	activity, booking    string
	closed               string // a date the station is closed
	helpDone, helpOpen   string
	pageDone, pageOpen   string // the same, for the pages to act on
	postDelete, postHide string // the resident's tips on the board
	postHidden           string // one the station's staff hid
	council              string // the station's residents' council
	photo                string // the resident's photo, attached to no post
	team                 string // a team of the station
	teamPhoto            string // a photo its staff uploaded, for the team
	approve, decline     string // nominations of the resident, as talents
	pageApprove          string
	// Polls: a council with the resident as member, and two open polls
	// of it, for the API and for the pages.
	pollCouncil, poll, pagePoll, pollOption string
	meeting                                 string // a meeting of the council, with resolutions
	resolution                              string // and its resolutions, one for the API, one for the page
	pageResolution                          string
	proposal                                string // the resident's proposals, to support and answer
	pageProposal                            string
	closable, pageClosable                  string // residents whose accounts staff close, by the API and at the desk
	alert, cancelled                        string // a safety alert told to the resident, and a class of theirs cancelled
	link, child                             string // a son's pending link to the resident, and the resident's child
	pageLink                                string // another son's, for the page's buttons
	deskLink                                string // a daughter's, for the desk's buttons
}

// TestStaffActOnlyAtTheirStations is the role × route table across two
// stations: each staff member reaches the people and things of their own
// station, and everything of the other station answers 404, as if it did
// not exist. The admin works everywhere.
func TestStaffActOnlyAtTheirStations(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		srv := testserver.New(t, e)
		admin := srv.Login(t, testserver.AdminPhone, testserver.Password)
		form := map[string]string{"Content-Type": "application/x-www-form-urlencoded"}

		// 顾里小站 and its social worker, and a second station with its own.
		one := &place{station: srv.Station.ID.String(), area: srv.Station.Areas[0].ID.String(), room: roomNamed(t, srv, "议事厅"),
			staff: srv.Login(t, testserver.StaffPhone, testserver.Password)}
		r := srv.Do(t, "POST", "/api/v1/stations", admin, map[string]any{"name": "菊泉小站", "address": "菊泉街",
			"opening_hours": map[string][]string{"wed": {"09:00-17:00"}, "thu": {"09:00-17:00"}, "fri": {"09:00-17:00"}, "sat": {"09:00-17:00"}, "sun": {"09:00-17:00"}}})
		if r.Status != 201 {
			t.Fatalf("second station: %d %s", r.Status, r.Body)
		}
		two := &place{station: r.JSON(t)["id"].(string)}
		two.area = srv.Do(t, "POST", "/api/v1/stations/"+two.station+"/areas", admin, map[string]any{"name": "菊泉新苑", "committee": "菊泉新苑居委会"}).JSON(t)["id"].(string)
		two.room = srv.Do(t, "POST", "/api/v1/stations/"+two.station+"/rooms", admin, map[string]any{"name": "活动室", "capacity": 20}).JSON(t)["id"].(string)
		r = srv.Do(t, "POST", "/api/v1/users", admin, map[string]any{"name": "菊泉社工", "area_id": two.area, "phone": "13800000020", "password": "菊泉小站的社工小陈"})
		if r.Status != 201 {
			t.Fatalf("second social worker: %d %s", r.Status, r.Body)
		}
		worker := r.JSON(t)["id"].(string)
		wantError(t, srv.Do(t, "PUT", "/api/v1/users/"+worker+"/roles", admin, map[string]any{"roles": []string{"staff"}}), 422, "validation_failed", "station_ids")
		r = srv.Do(t, "PUT", "/api/v1/users/"+worker+"/roles", admin, map[string]any{"roles": []string{"staff"}, "station_ids": []string{two.station}})
		if r.Status != 200 || fmt.Sprint(r.JSON(t)["station_ids"]) != "["+two.station+"]" {
			t.Fatalf("the second social worker's station: %d %s", r.Status, r.Body)
		}
		two.staff = srv.Login(t, "13800000020", "菊泉小站的社工小陈")
		// Staff do not say where staff work; the admin does.
		wantError(t, srv.Do(t, "PUT", "/api/v1/users/"+worker+"/roles", one.staff, map[string]any{"roles": []string{"staff"}, "station_ids": []string{one.station}}), 404, "not_found", "")

		volunteer := srv.Login(t, testserver.TalentPhone, testserver.Password)
		for i, p := range []*place{one, two} {
			phone := fmt.Sprintf("1391111000%d", i)
			r := srv.Do(t, "POST", "/api/v1/auth/register", "", map[string]any{"name": fmt.Sprintf("居民%d", i), "phone": phone, "password": "password-" + phone, "area_id": p.area})
			if r.Status != 201 {
				t.Fatalf("resident %d: %d %s", i, r.Status, r.Body)
			}
			p.resident = r.JSON(t)["user"].(map[string]any)["id"].(string)
			p.residentTk = srv.Login(t, phone, "password-"+phone)
			sonPhone := fmt.Sprintf("139111130%d0", i)
			srv.Do(t, "POST", "/api/v1/auth/register", "", map[string]any{"name": "儿子", "phone": sonPhone, "password": "password-" + sonPhone, "area_id": p.area})
			r = srv.Do(t, "POST", "/api/v1/me/dependents/link", srv.Login(t, sonPhone, "password-"+sonPhone), map[string]any{"phone": phone})
			if r.Status != 201 {
				t.Fatalf("link %d: %d %s", i, r.Status, r.Body)
			}
			p.link = r.JSON(t)["id"].(string)
			sonPhone = fmt.Sprintf("139111130%d1", i)
			srv.Do(t, "POST", "/api/v1/auth/register", "", map[string]any{"name": "二儿子", "phone": sonPhone, "password": "password-" + sonPhone, "area_id": p.area})
			r = srv.Do(t, "POST", "/api/v1/me/dependents/link", srv.Login(t, sonPhone, "password-"+sonPhone), map[string]any{"phone": phone})
			if r.Status != 201 {
				t.Fatalf("page link %d: %d %s", i, r.Status, r.Body)
			}
			p.pageLink = r.JSON(t)["id"].(string)
			sonPhone = fmt.Sprintf("139111130%d2", i)
			srv.Do(t, "POST", "/api/v1/auth/register", "", map[string]any{"name": "女儿", "phone": sonPhone, "password": "password-" + sonPhone, "area_id": p.area})
			r = srv.Do(t, "POST", "/api/v1/me/dependents/link", srv.Login(t, sonPhone, "password-"+sonPhone), map[string]any{"phone": phone})
			if r.Status != 201 {
				t.Fatalf("desk link %d: %d %s", i, r.Status, r.Body)
			}
			p.deskLink = r.JSON(t)["id"].(string)
			r = srv.Do(t, "POST", "/api/v1/me/dependents", p.residentTk, map[string]any{"name": "小明", "birth_year": time.Now().Year() - 8, "relation": "child", "area_id": p.area})
			if r.Status != 201 {
				t.Fatalf("child %d: %d %s", i, r.Status, r.Body)
			}
			p.child = r.JSON(t)["id"].(string)
			for j, id := range []*string{&p.closable, &p.pageClosable} {
				phone := fmt.Sprintf("139111120%d%d", i, j)
				r := srv.Do(t, "POST", "/api/v1/auth/register", "", map[string]any{"name": "要注销的居民", "phone": phone, "password": "password-" + phone, "area_id": p.area})
				if r.Status != 201 {
					t.Fatalf("resident to close %d: %d %s", i, r.Status, r.Body)
				}
				*id = r.JSON(t)["user"].(map[string]any)["id"].(string)
			}
			a := srv.Do(t, "POST", "/api/v1/activities", p.staff, map[string]any{"station_id": p.station, "title": fmt.Sprintf("太极拳%d", i), "category": "class",
				"start": rfc(nextOpen(time.Saturday, "14:00")), "end": rfc(nextOpen(time.Saturday, "15:00")), "capacity": 10})
			if a.Status != 201 {
				t.Fatalf("activity %d: %d %s", i, a.Status, a.Body)
			}
			p.activity = a.JSON(t)["items"].([]any)[0].(map[string]any)["id"].(string)
			if r := srv.Do(t, "POST", "/api/v1/activities/"+p.activity+"/registrations", p.residentTk, nil); r.Status != 201 {
				t.Fatalf("registration %d: %d %s", i, r.Status, r.Body)
			}
			start := nextOpen(time.Thursday, "10:00")
			b := srv.Do(t, "POST", "/api/v1/rooms/"+p.room+"/bookings", p.residentTk, map[string]any{"start": rfc(start), "end": rfc(start.Add(time.Hour)), "purpose": "家里的私事"})
			if b.Status != 201 {
				t.Fatalf("booking %d: %d %s", i, b.Status, b.Body)
			}
			p.booking = b.JSON(t)["id"].(string)
			if r := srv.Do(t, "POST", "/api/v1/health-measurements", p.staff, map[string]any{"user_id": p.resident, "kind": "temperature", "celsius": 36.5}); r.Status != 201 {
				t.Fatalf("measurement %d: %d %s", i, r.Status, r.Body)
			}
			p.closed = nextOpen(time.Friday, "10:00").AddDate(0, 0, 14+7*i).Format("2006-01-02")
			if r := srv.Do(t, "POST", "/api/v1/stations/"+p.station+"/closures", p.staff, map[string]any{"date": p.closed, "reason": "检修"}); r.Status != 201 {
				t.Fatalf("closure %d: %d %s", i, r.Status, r.Body)
			}
			for _, id := range []*string{&p.helpDone, &p.helpOpen, &p.pageDone, &p.pageOpen} {
				r := srv.Do(t, "POST", "/api/v1/help-requests", p.residentTk, map[string]any{"title": "陪同就医", "category": "companion"})
				if r.Status != 201 {
					t.Fatalf("help request %d: %d %s", i, r.Status, r.Body)
				}
				*id = r.JSON(t)["id"].(string)
			}
			for _, id := range []*string{&p.postDelete, &p.postHide, &p.postHidden} {
				r := srv.Do(t, "POST", "/api/v1/posts", p.residentTk, map[string]any{"station_id": p.station, "kind": "tip", "title": "菜场搬家", "body": "新址在东门"})
				if r.Status != 201 {
					t.Fatalf("post %d: %d %s", i, r.Status, r.Body)
				}
				*id = r.JSON(t)["id"].(string)
			}
			p.council = srv.Do(t, "POST", "/api/v1/councils", p.staff, map[string]any{"station_id": p.station, "name": "居民议事会", "kind": "residents"}).JSON(t)["id"].(string)
			p.meeting = createMeeting(t, srv, p.staff, p.council)["id"].(string)
			r = srv.Do(t, "PATCH", "/api/v1/meetings/"+p.meeting, p.staff, map[string]any{"resolutions": []string{"楼道加装扶手", "路灯报修"}})
			if r.Status != 200 {
				t.Fatalf("record %d: %d %s", i, r.Status, r.Body)
			}
			resolutions := r.JSON(t)["resolutions"].([]any)
			p.resolution, p.pageResolution = resolutions[0].(map[string]any)["id"].(string), resolutions[1].(map[string]any)["id"].(string)
			for _, id := range []*string{&p.proposal, &p.pageProposal} {
				r := srv.Do(t, "POST", "/api/v1/councils/"+p.council+"/proposals", p.residentTk, map[string]any{"title": "增加助餐点"})
				if r.Status != 201 {
					t.Fatalf("proposal %d: %d %s", i, r.Status, r.Body)
				}
				*id = r.JSON(t)["id"].(string)
			}
			if r := srv.Do(t, "POST", "/api/v1/posts/"+p.postHidden+"/hide", p.staff, nil); r.Status != 200 {
				t.Fatalf("hide %d: %d %s", i, r.Status, r.Body)
			}
			p.photo = uploadPhoto(t, srv, p.residentTk, "")
			r = srv.Do(t, "POST", "/api/v1/teams", p.staff, map[string]any{"station_id": p.station, "name": "社区能人志愿服务队", "kind": "volunteer_team"})
			if r.Status != 201 {
				t.Fatalf("team %d: %d %s", i, r.Status, r.Body)
			}
			p.team = r.JSON(t)["id"].(string)
			p.teamPhoto = uploadPhoto(t, srv, p.staff, p.station)
			for k, id := range []*string{&p.approve, &p.decline, &p.pageApprove} {
				r := srv.Do(t, "POST", "/api/v1/nominations", p.staff, map[string]any{"area_id": p.area, "user_id": p.resident,
					"skill": []string{"结艺", "剪纸", "篆刻"}[k], "reason": "手巧"}) // one nomination a skill
				if r.Status != 201 {
					t.Fatalf("nomination %d: %d %s", i, r.Status, r.Body)
				}
				*id = r.JSON(t)["id"].(string)
			}
			p.pollCouncil = councilWith(t, srv, p.station, p.staff, p.resident)
			var options []string
			p.poll, options = openPoll(t, srv, p.staff, p.pollCouncil, nil)
			p.pagePoll, _ = openPoll(t, srv, p.staff, p.pollCouncil, nil)
			p.pollOption = options[0]
			p.alert = srv.Do(t, "POST", "/api/v1/posts", p.staff, map[string]any{"station_id": p.station, "kind": "safety_alert", "title": "台风预警", "body": "关好门窗"}).JSON(t)["id"].(string)
			p.cancelled = createActivityAt(t, srv, p)
			if r := srv.Do(t, "POST", "/api/v1/activities/"+p.cancelled+"/registrations", p.residentTk, nil); r.Status != 201 {
				t.Fatalf("registration %d: %d %s", i, r.Status, r.Body)
			}
			if r := srv.Do(t, "DELETE", "/api/v1/activities/"+p.cancelled, p.staff, nil); r.Status != 204 {
				t.Fatalf("cancel %d: %d %s", i, r.Status, r.Body)
			}
			for _, done := range []string{p.helpDone, p.pageDone} {
				for _, step := range []string{"claim", "done"} {
					if r := srv.Do(t, "POST", "/api/v1/help-requests/"+done+"/"+step, volunteer, map[string]any{"minutes": 45}); r.Status != 200 {
						t.Fatalf("help request %d, %s: %d %s", i, step, r.Status, r.Body)
					}
				}
			}
		}

		// Each row is sent by the staff of a station to their own station's
		// thing (want own) and to the other station's (want other).
		type row struct {
			name         string
			method, path string
			body         func(p *place) any
			header       map[string]string
			own, other   int
		}
		pathOf := func(tmpl string) func(p *place) string {
			return func(p *place) string {
				return strings.NewReplacer("{station}", p.station, "{room}", p.room, "{activity}", p.activity, "{booking}", p.booking,
					"{resident}", p.resident, "{closed}", p.closed,
					"{help-done}", p.helpDone, "{help-open}", p.helpOpen, "{page-done}", p.pageDone, "{page-open}", p.pageOpen,
					"{post-delete}", p.postDelete, "{post-hide}", p.postHide, "{post-hidden}", p.postHidden, "{photo}", p.photo, "{council}", p.council,
					"{team}", p.team, "{approve}", p.approve, "{decline}", p.decline, "{page-approve}", p.pageApprove,
					"{poll-council}", p.pollCouncil, "{poll}", p.poll, "{page-poll}", p.pagePoll,
					"{meeting}", p.meeting, "{resolution}", p.resolution, "{page-resolution}", p.pageResolution,
					"{proposal}", p.proposal, "{page-proposal}", p.pageProposal,
					"{closable}", p.closable, "{page-closable}", p.pageClosable, "{alert}", p.alert, "{cancelled}", p.cancelled,
					"{link}", p.link, "{child}", p.child, "{page-link}", p.pageLink, "{desk-link}", p.deskLink).Replace(tmpl)
			}
		}
		none := func(*place) any { return nil }
		rosterBody, rosterHeader := rosterForm(t, map[string]string{"dry_run": "true"}, "名单.csv", rosterCSV("姓名,手机号", "钱阿姨,13977770002"))
		rows := []row{
			{"read a resident's measurements", "GET", "/api/v1/users/{resident}/health-measurements", none, nil, 200, 404},
			{"record a measurement at the other station", "POST", "/api/v1/health-measurements", func(p *place) any {
				return map[string]any{"user_id": p.resident, "kind": "temperature", "celsius": 36.6, "station_id": p.station}
			}, nil, 201, 422},
			{"reset a resident's password", "POST", "/api/v1/users/{resident}/password-reset", none, nil, 201, 404},
			{"change a resident's roles", "PUT", "/api/v1/users/{resident}/roles", func(*place) any { return map[string]any{"roles": []string{"resident", "volunteer"}} }, nil, 200, 404},
			{"an activity's roster", "GET", "/api/v1/activities/{activity}/registrations", none, nil, 200, 404},
			{"attendance", "POST", "/api/v1/activities/{activity}/attendance", func(p *place) any { return map[string]any{"user_id": p.resident} }, nil, 201, 404},
			{"cancel a resident's place", "DELETE", "/api/v1/activities/{activity}/registrations/{resident}", none, nil, 204, 404},
			{"register a resident", "POST", "/api/v1/activities/{activity}/registrations", func(p *place) any { return map[string]any{"user_id": p.resident} }, nil, 201, 404},
			// Families: a child's data is their guardian's and their
			// station's staff's; staff answer a link for a resident at
			// the desk, and end it.
			{"sign a child up on the page", "POST", "/activities/{activity}/register", func(p *place) any { return "next=/&user_id=" + p.child }, form, 303, 404},
			{"give a child's place up on the page", "POST", "/activities/{activity}/cancel", func(p *place) any { return "next=/&user_id=" + p.child }, form, 303, 404},
			{"register a child", "POST", "/api/v1/activities/{activity}/registrations", func(p *place) any { return map[string]any{"user_id": p.child} }, nil, 201, 404},
			{"read a child's measurements", "GET", "/api/v1/users/{child}/health-measurements", none, nil, 200, 404},
			{"ask for help for a child", "POST", "/api/v1/help-requests", func(p *place) any {
				return map[string]any{"title": "接孩子放学", "category": "errand", "on_behalf_of": p.child}
			}, nil, 201, 422},
			{"accept a resident's family link", "POST", "/api/v1/links/{link}/accept", none, nil, 200, 404},
			{"end a resident's family link", "DELETE", "/api/v1/links/{link}", none, nil, 204, 404},
			{"accept a resident's family link on the page", "POST", "/me/family/links/{page-link}/accept", func(*place) any { return "" }, form, 303, 404},
			{"end a resident's family link on the page", "POST", "/me/family/links/{page-link}/end", func(*place) any { return "" }, form, 303, 404},
			{"confirm a resident's family link at the desk", "POST", "/desk/links/{desk-link}/accept", func(*place) any { return "q=" }, form, 303, 404},
			{"end a resident's family link at the desk", "POST", "/desk/links/{desk-link}/end", func(*place) any { return "q=" }, form, 303, 404},
			{"create an activity", "POST", "/api/v1/activities", func(p *place) any {
				return map[string]any{"station_id": p.station, "title": "讲座", "category": "event", "start": rfc(nextOpen(time.Sunday, "14:00")), "end": rfc(nextOpen(time.Sunday, "15:00"))}
			}, nil, 201, 422},
			{"cancel a booking", "DELETE", "/api/v1/bookings/{booking}", none, nil, 204, 404},
			{"opening hours", "PUT", "/api/v1/stations/{station}/opening-hours", func(*place) any {
				return map[string]any{"opening_hours": map[string][]string{"wed": {"09:00-17:00"}, "thu": {"09:00-17:00"}, "fri": {"09:00-17:00"}, "sat": {"09:00-17:00"}, "sun": {"09:00-17:00"}}}
			}, nil, 200, 404},
			{"booking rules", "PUT", "/api/v1/stations/{station}/booking-rules", func(*place) any {
				return map[string]any{"max_days_ahead": 60, "max_minutes": 240, "max_future_bookings": 4}
			}, nil, 200, 404},
			{"add a room", "POST", "/api/v1/stations/{station}/rooms", func(*place) any { return map[string]any{"name": "小会议室", "capacity": 6} }, nil, 201, 404},
			{"close a day", "POST", "/api/v1/stations/{station}/closures", func(p *place) any {
				return map[string]any{"date": nextOpen(time.Saturday, "10:00").AddDate(0, 0, 35).Format("2006-01-02"), "reason": "停电"}
			}, nil, 201, 404},
			{"open a closed day", "DELETE", "/api/v1/stations/{station}/closures/{closed}", none, nil, 204, 404},
			{"the group robot", "GET", "/api/v1/stations/{station}/wecom-webhook", none, nil, 200, 404},
			{"set the group robot", "PUT", "/api/v1/stations/{station}/wecom-webhook", func(*place) any {
				return map[string]any{"url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7aaa-4bc4"}
			}, nil, 200, 404},
			{"the delivery log", "GET", "/api/v1/stations/{station}/deliveries", none, nil, 200, 404},
			{"count visitors", "POST", "/api/v1/stations/{station}/visits", func(*place) any { return map[string]any{"count": 2} }, nil, 201, 404},
			{"the check-in code", "GET", "/api/v1/stations/{station}/checkin-code", none, nil, 200, 404},
			{"the check-in QR code", "GET", "/api/v1/stations/{station}/checkin-code.png", none, nil, 200, 404},
			{"cancel an activity", "DELETE", "/api/v1/activities/{activity}", none, nil, 204, 404},
			{"the roster page", "GET", "/desk/activities/{activity}", none, nil, 200, 404},
			// Its paper: the sign-in sheet and the record; a record of a class
			// yet to begin is refused as such, never another station's.
			{"an activity's sign-in sheet", "GET", "/desk/activities/{activity}/sign-in-sheet", none, nil, 200, 404},
			{"an activity's record", "GET", "/desk/activities/{activity}/record", none, nil, 200, 404},
			{"save an activity's record", "POST", "/desk/activities/{activity}/record", func(*place) any { return "summary=小结&version=0" }, form, 422, 404},
			{"a station's week poster", "GET", "/print/week?station={station}", none, nil, 200, 200},
			{"the reset page", "POST", "/desk/residents/{resident}/password-reset", func(*place) any { return "" }, form, 201, 404},
			{"import a roster", "POST", "/api/v1/stations/{station}/imports", func(*place) any { return rosterBody }, rosterHeader, 200, 404},
			// Closing an account: for the staff of the person's own station.
			{"the desk's page to close an account", "GET", "/desk/residents/{closable}/close", none, nil, 200, 404},
			{"close a resident's account", "POST", "/api/v1/users/{closable}/close", none, nil, 200, 404},
			{"close a resident's account at the desk", "POST", "/desk/residents/{page-closable}/close", func(*place) any { return "confirm=1" }, form, 303, 404},
			// A help request is for its requester and claimer, volunteers and
			// its station's staff: to other stations' staff it does not exist.
			{"confirm a resident's help", "POST", "/api/v1/help-requests/{help-done}/confirm", func(*place) any { return map[string]any{"rating": 4} }, nil, 200, 404},
			{"who could help a resident", "GET", "/api/v1/help-requests/{help-open}/candidates", none, nil, 200, 404},
			{"cancel a resident's help request", "POST", "/api/v1/help-requests/{help-open}/cancel", none, nil, 200, 404},
			// Staff of the station are told it has not begun yet; others
			// that there is no such activity.
			{"credit an activity's helpers", "POST", "/api/v1/activities/{activity}/credits", func(*place) any { return map[string]any{"minutes": 60} }, nil, 422, 404},
			{"credit helpers at the desk", "POST", "/desk/activities/{activity}/credits", func(p *place) any { return "user_id=" + p.resident + "&hours=1" }, form, 422, 404},
			{"confirm a resident's help on the page", "POST", "/help/{page-done}/confirm", func(*place) any { return "rating=4" }, form, 303, 404},
			{"cancel a resident's help request on the page", "POST", "/help/{page-open}/cancel", func(*place) any { return "" }, form, 303, 404},
			{"the form to ask for a resident", "GET", "/help/new?for={resident}", none, nil, 200, 404},
			{"ask for a resident", "POST", "/help/new", func(p *place) any {
				return url.Values{"on_behalf_of": {p.resident}, "category": {"errand"}, "title": {"帮忙买米"}}.Encode()
			}, form, 303, 404},
			// The board: staff speak for their own station and moderate
			// its posts; another station's hidden post does not exist.
			{"post a notice", "POST", "/api/v1/posts", func(p *place) any {
				return map[string]any{"station_id": p.station, "kind": "notice", "title": "停水通知", "body": "周三上午停水"}
			}, nil, 201, 403},
			{"read a hidden post", "GET", "/api/v1/posts/{post-hidden}", none, nil, 200, 404},
			{"take down a resident's post", "DELETE", "/api/v1/posts/{post-delete}", none, nil, 204, 404},
			{"hide a resident's post", "POST", "/api/v1/posts/{post-hide}/hide", none, nil, 200, 404},
			{"restore a hidden post", "POST", "/api/v1/posts/{post-hidden}/restore", none, nil, 200, 404},
			{"the moderation queue", "GET", "/api/v1/stations/{station}/moderation", none, nil, 200, 404},
			// A council is its station's: another station's staff neither
			// set one up there nor touch its members.
			{"set up a council", "POST", "/api/v1/councils", func(p *place) any {
				return map[string]any{"station_id": p.station, "name": "家长议事会", "kind": "parents"}
			}, nil, 201, 422},
			{"add a council member", "POST", "/api/v1/councils/{council}/members", func(p *place) any { return map[string]any{"user_id": p.resident} }, nil, 201, 404},
			{"a council's members", "GET", "/api/v1/councils/{council}/members", none, nil, 200, 404},
			{"take a member off a council", "DELETE", "/api/v1/councils/{council}/members/{resident}", none, nil, 204, 404},
			{"take a member off on the page", "POST", "/councils/{council}/members/remove", func(p *place) any { return "user_id=" + p.resident }, form, 404, 404},
			// Its meetings, resolutions and proposals are the station's too:
			// another station's staff neither record nor answer them, and
			// may not put proposals to it as if they lived there.
			{"schedule a meeting", "POST", "/api/v1/councils/{council}/meetings", func(*place) any {
				return map[string]any{"title": "议事会例会", "start": rfc(nextOpen(time.Tuesday, "14:00")), "agenda": []string{"通报"}}
			}, nil, 201, 404},
			{"record a meeting", "PATCH", "/api/v1/meetings/{meeting}", func(*place) any { return map[string]any{"minutes": "到会8人"} }, nil, 200, 404},
			{"a meeting's attendance", "PUT", "/api/v1/meetings/{meeting}/attendance", func(*place) any { return map[string]any{"user_ids": []string{}} }, nil, 200, 404},
			{"follow a resolution up", "PATCH", "/api/v1/resolutions/{resolution}", func(*place) any { return map[string]any{"status": "in_progress", "note": "已报物业"} }, nil, 200, 404},
			{"put a proposal", "POST", "/api/v1/councils/{council}/proposals", func(*place) any { return map[string]any{"title": "修路灯"} }, nil, 201, 404},
			{"support a proposal", "POST", "/api/v1/proposals/{proposal}/supports", none, nil, 201, 404},
			{"answer a proposal", "PATCH", "/api/v1/proposals/{proposal}", func(p *place) any {
				return map[string]any{"meeting_id": p.meeting, "outcome": "accepted", "answer": "下月施工"}
			}, nil, 200, 404},
			{"schedule a meeting on the page", "POST", "/councils/{council}/meetings", func(*place) any {
				return "title=议事会例会&date=" + nextOpen(time.Tuesday, "14:00").Format("2006-01-02") + "&time=14:00&agenda=通报"
			}, form, 303, 404},
			{"record a meeting on the page", "POST", "/meetings/{meeting}", func(*place) any { return "minutes=到会8人&resolutions=修路灯" }, form, 303, 404},
			{"attendance on the page", "POST", "/meetings/{meeting}/attendance", func(p *place) any { return "" }, form, 303, 404},
			{"follow a resolution up on the page", "POST", "/resolutions/{page-resolution}", func(*place) any { return "status=done&note=已修好" }, form, 303, 404},
			{"put a proposal on the page", "POST", "/councils/{council}/proposals", func(*place) any { return "title=修路灯" }, form, 303, 404},
			{"support a proposal on the page", "POST", "/proposals/{page-proposal}/supports", func(*place) any { return "" }, form, 303, 404},
			{"answer a proposal on the page", "POST", "/proposals/{page-proposal}", func(*place) any { return "outcome=declined&answer=经费不足" }, form, 303, 404},
			{"hide a post on the page", "POST", "/notices/{post-hide}/hide", func(*place) any { return "" }, form, 303, 404},
			{"a hidden post's page", "GET", "/notices/{post-hide}", none, nil, 200, 404},
			// A photo not yet on a post is its uploader's and the station's
			// staff's; staff upload for their own station only.
			{"a resident's photo", "GET", "/photos/{photo}.jpg", none, nil, 200, 404},
			{"a resident's photo's thumbnail", "GET", "/photos/{photo}/thumb.jpg", none, nil, 200, 404},
			{"upload a photo for the station", "POST", "/api/v1/photos?station_id={station}", func(*place) any { return photoPNG(t, 8, 8) },
				map[string]string{"Content-Type": "image/png"}, 201, 404},
			// Teams and nominations: staff start and staff their own
			// station's teams and decide its nominations.
			{"start a team", "POST", "/api/v1/teams", func(p *place) any {
				return map[string]any{"station_id": p.station, "name": "社区家长委员会", "kind": "committee"}
			}, nil, 201, 404},
			{"add a resident to a team", "POST", "/api/v1/teams/{team}/members", func(p *place) any { return map[string]any{"user_id": p.resident} }, nil, 201, 404},
			{"take a resident out of a team", "DELETE", "/api/v1/teams/{team}/members/{resident}", none, nil, 204, 404},
			{"set a team's photo", "PATCH", "/api/v1/teams/{team}", func(p *place) any { return map[string]any{"photo_id": p.teamPhoto} }, nil, 200, 404},
			{"take a team's photo down on the page", "POST", "/teams/{team}/photo", func(*place) any { return "remove=1" }, form, 303, 404},
			{"nominate a resident", "POST", "/api/v1/nominations", func(p *place) any {
				return map[string]any{"area_id": p.area, "user_id": p.resident, "skill": "书法", "reason": "墨迹书香"}
			}, nil, 201, 404},
			{"the nominations", "GET", "/api/v1/stations/{station}/nominations", none, nil, 200, 404},
			{"approve a nomination", "POST", "/api/v1/nominations/{approve}/approve", none, nil, 200, 404},
			{"decline a nomination", "POST", "/api/v1/nominations/{decline}/decline", none, nil, 200, 404},
			{"approve a nomination on the page", "POST", "/desk/nominations/{page-approve}/approve", func(*place) any { return "" }, form, 303, 404},
			// Polls: staff open, enter paper ballots and close in their own
			// station's councils only.
			{"open a poll", "POST", "/api/v1/councils/{poll-council}/polls", func(*place) any {
				return map[string]any{"question": "活动时间", "options": []string{"上午", "下午"}, "closes_at": rfc(time.Now().Add(time.Hour))}
			}, nil, 201, 404},
			{"enter a paper ballot", "POST", "/api/v1/polls/{poll}/votes", func(p *place) any {
				return map[string]any{"user_id": p.resident, "option_ids": []string{p.pollOption}}
			}, nil, 201, 404},
			{"close a poll", "POST", "/api/v1/polls/{poll}/close", none, nil, 200, 404},
			{"open a poll on the page", "POST", "/councils/{poll-council}/polls", func(*place) any {
				return url.Values{"question": {"活动时间"}, "options": {"上午\n下午"}, "max_choices": {"1"},
					"date": {time.Now().AddDate(0, 0, 3).Format("2006-01-02")}, "time": {"17:00"}}.Encode()
			}, form, 303, 404},
			{"enter a paper ballot on the page", "POST", "/polls/{page-poll}/vote", func(p *place) any {
				return url.Values{"user_id": {p.resident}, "option_id": {pollOptionOf(t, srv, p.pagePoll)}}.Encode()
			}, form, 303, 404},
			{"close a poll on the page", "POST", "/polls/{page-poll}/close", func(*place) any { return "" }, form, 303, 404},
			{"credit a resident's hours", "POST", "/api/v1/timebank/credits", func(p *place) any {
				return map[string]any{"user_id": p.resident, "minutes": 60, "memo": "活动志愿"}
			}, nil, 201, 422},
			// The figures are aggregates, public for every station; the
			// district's table and workbook are the admin's, not staff's.
			{"a station's figures", "GET", "/api/v1/stats?station_id={station}", none, nil, 200, 200},
			{"a station's impact page", "GET", "/stations/{station}/impact", none, nil, 200, 200},
			{"the district's figures", "GET", "/admin/district?from=2023-02-10", none, nil, 403, 403},
			{"the district's workbook", "GET", "/admin/district.xlsx?from=2023-02-10", none, nil, 403, 403},
			// A station's reports and its people's certificates are its
			// staff's.
			{"a monthly report", "GET", "/api/v1/stations/{station}/reports/monthly?format=csv", none, nil, 200, 404},
			{"a resident's hours certificate", "GET", "/desk/volunteers/{resident}/certificate", none, nil, 200, 404},
			// Marks and call lists: the station's staff's, of its people.
			{"mark a resident", "POST", "/desk/residents/{resident}/marks", func(*place) any { return "kind=lives_alone&on=1" }, form, 303, 404},
			{"an alert's call list", "GET", "/desk/calls/{alert}", none, nil, 200, 404},
			{"tick an alert's call list", "POST", "/desk/calls/{alert}", func(p *place) any { return "user_id=" + p.resident + "&outcome=called" }, form, 303, 404},
			{"a cancellation's call list", "GET", "/desk/activities/{cancelled}/calls", none, nil, 200, 404},
			{"tick a cancellation's call list", "POST", "/desk/activities/{cancelled}/calls", func(p *place) any { return "user_id=" + p.resident + "&outcome=visited" }, form, 303, 404},
		}
		for _, rw := range rows {
			for _, dir := range []struct {
				name     string
				from, to *place
				want     int
				other    bool
			}{{"other", one, two, rw.other, true}, {"other", two, one, rw.other, true}, {"own", one, one, rw.own, false}, {"own", two, two, rw.own, false}} {
				// The other station's thing is tried first, while it is
				// still there to be refused.
				body := rw.body(dir.to)
				r := srv.Send(t, testserver.Request{Method: rw.method, Path: pathOf(rw.path)(dir.to), Token: dir.from.staff, Body: body, Header: rw.header})
				if r.Status != dir.want {
					t.Errorf("%s, station %s's staff on station %s's (%s): %d, want %d: %.200s", rw.name, dir.from.station, dir.to.station, dir.name, r.Status, dir.want, r.Body)
				}
			}
		}

		// Reads that answer but must not show the other station's people.
		for _, p := range []struct{ from, to *place }{{one, two}, {two, one}} {
			u := srv.Do(t, "GET", "/api/v1/users/"+p.to.resident, p.from.staff, nil).JSON(t)
			if u["phone"] != nil || u["area_id"] != nil || u["name"] == nil {
				t.Errorf("another station's resident, as staff see them: %v", u)
			}
			if own := srv.Do(t, "GET", "/api/v1/users/"+p.from.resident, p.from.staff, nil).JSON(t); own["phone"] == nil {
				t.Errorf("their own station's resident: %v", own)
			}
			for _, q := range []string{"居民", "13911110"} {
				found := items(t, srv.Do(t, "GET", "/api/v1/users?q="+url.QueryEscape(q), p.from.staff, nil))
				for _, f := range found {
					if f["id"] == p.to.resident {
						t.Errorf("a search for %q finds another station's resident", q)
					}
				}
			}
			// The audit log: entries about the other station's people are
			// not found, by id or by name, on the API or the desk's page.
			for _, path := range []string{"/api/v1/audit?user_id=" + p.to.resident, "/api/v1/audit?q=" + url.QueryEscape("居民")} {
				for _, e := range items(t, srv.Do(t, "GET", path, p.from.staff, nil)) {
					if e["subject_id"] == p.to.resident || e["subject_id"] == p.to.closable {
						t.Errorf("%s as station %s's staff see it: %v", path, p.from.station, e)
					}
				}
			}
			if own := items(t, srv.Do(t, "GET", "/api/v1/audit?user_id="+p.from.closable, p.from.staff, nil)); len(own) == 0 || own[0]["action"] != "user.close" {
				t.Errorf("the closure of their own station's resident, as its staff see it: %v", own)
			}
			if page := string(asPage(t, srv, p.from.staff, "GET", "/desk/audit?user_id="+p.to.resident, "").Body); !strings.Contains(page, "没有符合条件的记录") {
				t.Errorf("the desk's audit page shows station %s's staff an entry about another station's resident", p.from.station)
			}
			if r := srv.Do(t, "GET", "/api/v1/help-requests/"+p.to.helpOpen, p.from.staff, nil); r.Status != 404 {
				t.Errorf("another station's help request, as staff see it: %d %s", r.Status, r.Body)
			}
			if h := srv.Do(t, "GET", "/api/v1/help-requests/"+p.from.helpOpen, p.from.staff, nil).JSON(t); h["requester_phone"] == nil {
				t.Errorf("their own station's help request, as staff see it: %v", h)
			}
			// The pages say the same: the phone on one's own station's
			// request only, no buttons on the other's, and the desk's list
			// of one's own station only, whichever station was chosen.
			own := string(asPage(t, srv, p.from.staff, "GET", "/help/"+p.from.helpOpen, "").Body)
			other := string(asPage(t, srv, p.from.staff, "GET", "/help/"+p.to.helpOpen, "").Body)
			if !strings.Contains(own, `href="tel:`) || strings.Contains(other, `href="tel:`) {
				t.Errorf("the phone on the request pages of station %s's staff: own %v, other %v", p.from.station,
					strings.Contains(own, `href="tel:`), strings.Contains(other, `href="tel:`))
			}
			ask := func(q *place) string {
				return srv.Do(t, "POST", "/api/v1/help-requests", q.residentTk, map[string]any{"title": "修水管", "category": "repair"}).JSON(t)["id"].(string)
			}
			ownOpen, otherOpen := ask(p.from), ask(p.to)
			own = string(asPage(t, srv, p.from.staff, "GET", "/help/"+ownOpen, "").Body)
			other = string(asPage(t, srv, p.from.staff, "GET", "/help/"+otherOpen, "").Body)
			if !strings.Contains(own, `action="/help/`+ownOpen+`/cancel"`) || strings.Contains(other, `action="/help/`+otherOpen+`/cancel"`) {
				t.Errorf("station %s's staff are offered to cancel the wrong requests", p.from.station)
			}
			// The desk's figures are of one's own station, whichever was
			// chosen: its page links to its own impact page.
			figures := string(asPage(t, srv, p.from.staff, "GET", "/desk/stats", "", "Cookie", "guli_station="+p.to.station).Body)
			if !strings.Contains(figures, `href="/stations/`+p.from.station+`/impact?`) || strings.Contains(figures, `href="/stations/`+p.to.station+`/impact?`) {
				t.Errorf("the desk's figures of station %s's staff are of the wrong station", p.from.station)
			}
			desk := string(asPage(t, srv, p.from.staff, "GET", "/desk/help", "", "Cookie", "guli_station="+p.to.station).Body)
			if !strings.Contains(desk, `href="/help/`+p.from.helpOpen+`"`) || strings.Contains(desk, `href="/help/`+p.to.helpOpen+`"`) {
				t.Errorf("the desk's help list of station %s's staff shows the wrong station's requests", p.from.station)
			}
			bookings := items(t, srv.Do(t, "GET", "/api/v1/rooms/"+p.to.room+"/bookings", p.from.staff, nil))
			for _, b := range bookings {
				if b["purpose"] != nil || b["user_id"] != nil {
					t.Errorf("another station's booking, as staff see it: %v", b)
				}
			}
			// A council's pages offer the forms to record and answer to the
			// staff of its own station only.
			forms := func(q *place) map[string]string {
				return map[string]string{"/meetings/" + q.meeting: `action="/meetings/` + q.meeting + `"`,
					"/councils/" + q.council + "/proposals": `action="/proposals/` + q.pageProposal + `"`,
					"/councils/" + q.council + "/meetings":  `action="/councils/` + q.council + `/meetings"`}
			}
			for _, q := range []*place{p.from, p.to} {
				for path, action := range forms(q) {
					shown := strings.Contains(string(asPage(t, srv, p.from.staff, "GET", path, "").Body), action)
					if shown != (q == p.from) {
						t.Errorf("%s as station %s's staff see it: the form %s shown %v", path, p.from.station, action, shown)
					}
				}
			}
			page := string(asPage(t, srv, p.from.staff, "GET", "/desk", "").Body)
			var name string
			for _, st := range items(t, srv.Do(t, "GET", "/api/v1/stations", "", nil)) {
				if st["id"] == p.from.station {
					name = st["name"].(string)
				}
			}
			if !strings.Contains(page, name) {
				t.Errorf("the desk of station %s's staff does not open on their station", p.from.station)
			}
		}

		// The admin works everywhere.
		for _, p := range []*place{one, two} {
			if r := srv.Do(t, "GET", "/api/v1/activities/"+p.activity+"/registrations", admin, nil); r.Status != 200 {
				t.Errorf("the admin on station %s's roster: %d", p.station, r.Status)
			}
			if u := srv.Do(t, "GET", "/api/v1/users/"+p.resident, admin, nil).JSON(t); u["phone"] == nil {
				t.Errorf("the admin on station %s's resident: %v", p.station, u)
			}
		}

		// A resident of one station who joins the other's class belongs to
		// both: the other station's staff now see them, and their checks
		// taken there, but not those taken at home.
		if r := srv.Do(t, "POST", "/api/v1/activities/"+createActivityAt(t, srv, two)+"/registrations", one.residentTk, nil); r.Status != 201 {
			t.Fatalf("joining the other station's class: %d %s", r.Status, r.Body)
		}
		if u := srv.Do(t, "GET", "/api/v1/users/"+one.resident, two.staff, nil).JSON(t); u["phone"] == nil {
			t.Errorf("a visitor from the other station, after joining a class here: %v", u)
		}
		wantError(t, srv.Do(t, "GET", "/api/v1/users/"+one.resident+"/health-measurements", two.staff, nil), 404, "not_found", "")
		if r := srv.Do(t, "POST", "/api/v1/health-measurements", two.staff, map[string]any{"user_id": one.resident, "kind": "temperature", "celsius": 36.8}); r.Status != 201 {
			t.Fatalf("a check of the visitor here: %d %s", r.Status, r.Body)
		}
		readings := items(t, srv.Do(t, "GET", "/api/v1/users/"+one.resident+"/health-measurements", two.staff, nil))
		for _, m := range readings {
			if m["station_id"] != two.station {
				t.Errorf("station %s's staff see a check taken elsewhere: %v", two.station, m)
			}
		}
		if len(readings) != 1 {
			t.Errorf("station %s's staff see %d checks of the visitor, want the one taken there", two.station, len(readings))
		}
		// Seeing a visitor is not keeping their account: that stays with
		// their home station's staff.
		wantError(t, srv.Do(t, "POST", "/api/v1/users/"+one.resident+"/password-reset", two.staff, nil), 403, "forbidden", "")
		wantError(t, srv.Do(t, "PUT", "/api/v1/users/"+one.resident+"/roles", two.staff, map[string]any{"roles": []string{"resident", "volunteer"}}), 403, "forbidden", "")
		// A place given up leaves no tie: the other station's staff see
		// the public view again.
		regs := items(t, srv.Do(t, "GET", "/api/v1/me/activities", one.residentTk, nil))
		for _, a := range regs {
			if a["station_id"] == two.station {
				if r := srv.Do(t, "DELETE", "/api/v1/activities/"+a["id"].(string)+"/registrations/me", one.residentTk, nil); r.Status != 204 {
					t.Fatalf("giving up the place: %d %s", r.Status, r.Body)
				}
			}
		}
		if u := srv.Do(t, "GET", "/api/v1/users/"+one.resident, two.staff, nil).JSON(t); u["phone"] != nil {
			t.Errorf("a visitor who gave up their place, as the other station's staff see them: %v", u)
		}
	})
}

// createActivityAt makes an activity at p's station, by its staff.
func createActivityAt(t *testing.T, srv *testserver.Server, p *place) string {
	t.Helper()
	r := srv.Do(t, "POST", "/api/v1/activities", p.staff, map[string]any{"station_id": p.station, "title": "书法公开课", "category": "class",
		"start": rfc(nextOpen(time.Sunday, "09:00")), "end": rfc(nextOpen(time.Sunday, "10:00"))})
	if r.Status != 201 {
		t.Fatalf("activity at %s: %d %s", p.station, r.Status, r.Body)
	}
	return r.JSON(t)["items"].([]any)[0].(map[string]any)["id"].(string)
}

// pollOptionOf is the first option of a poll.
func pollOptionOf(t *testing.T, srv *testserver.Server, poll string) string {
	t.Helper()
	return srv.Do(t, "GET", "/api/v1/polls/"+poll, "", nil).JSON(t)["options"].([]any)[0].(map[string]any)["id"].(string)
}
