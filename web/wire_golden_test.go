package web_test

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"guli"
	"guli/internal/dbtest"
	"guli/internal/testserver"
	"guli/sqlstore"
)

var updateWire = flag.Bool("update", false, "write the wire golden files under testdata/wire")

// Values that differ from run to run, and what each becomes in the golden
// files. Each placeholder keeps the value's JSON type and the shape that
// clients read (a time keeps its zone), so only the value itself is left
// out of the comparison. A time's fraction of a second is left out too: a
// time that falls on a whole second is written without one, so whether it
// has one is the clock's doing, not the format's.
var (
	wireTime     = regexp.MustCompile(`"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})"`)
	wireDate     = regexp.MustCompile(`"\d{4}-\d{2}-\d{2}"`)
	wireID       = regexp.MustCompile(`"\d{1,9}"`)
	wireSecret   = regexp.MustCompile(`"(token|device_token|url|next_cursor)":"[^"]*"|"(code)":"\d+"`)
	wireMonthDay = regexp.MustCompile(`\d{1,2}月\d{1,2}日`)
	wirePhoto    = regexp.MustCompile(`"/photos/\d+/`) // a thumbnail's address, which holds its photo's id
	pathDate     = regexp.MustCompile(`\d{4}-\d{2}-\d{2}`)
	pathID       = regexp.MustCompile(`([/=])\d{1,9}\b`)
)

func normalisePath(path string) string {
	return pathID.ReplaceAllString(pathDate.ReplaceAllString(path, "<date>"), "$1<id>")
}

func normaliseWire(body string) string {
	body = wireSecret.ReplaceAllString(body, `"$1$2":"<$1$2>"`)
	body = wireTime.ReplaceAllString(body, `"<time$2>"`)
	body = wireDate.ReplaceAllString(body, `"<date>"`)
	body = wireID.ReplaceAllString(body, `"<id>"`)
	body = wirePhoto.ReplaceAllString(body, `"/photos/<id>/`)
	return wireMonthDay.ReplaceAllString(body, "M月D日")
}

// TestWireFormat pins the bytes of every JSON answer of the API, as
// docs/openapi.yaml promises them, so a change of the types behind them
// cannot change what clients read. Run with -update to write the golden
// files after a change of the contract that was meant.
func TestWireFormat(t *testing.T) {
	srv := testserver.New(t, dbtest.Engines(t)[0])
	st := srv.Station.ID.String()
	area := srv.Station.Areas[0].ID.String()
	room := srv.Station.Rooms[0].ID.String()
	admin := srv.Login(t, testserver.AdminPhone, testserver.Password)
	staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
	talent := srv.Login(t, testserver.TalentPhone, testserver.Password)
	resident := srv.Login(t, testserver.ResidentPhone, testserver.Password)

	n := 0
	sendRequest := func(name string, req testserver.Request) *testserver.Response {
		t.Helper()
		n++
		r := srv.Send(t, req)
		got := fmt.Sprintf("%s %s\n%d\n%s\n", req.Method, normalisePath(req.Path), r.Status, normaliseWire(string(r.Body)))
		file := filepath.Join("testdata", "wire", fmt.Sprintf("%02d-%s.txt", n, name))
		if *updateWire {
			if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
			return r
		}
		want, err := os.ReadFile(file)
		if err != nil {
			t.Fatalf("%s: %v (run with -update to write it)", name, err)
		}
		if got != string(want) {
			t.Errorf("%s changed on the wire:\n got %s\nwant %s", name, got, want)
		}
		return r
	}
	send := func(name, method, path, token string, body any) *testserver.Response {
		t.Helper()
		return sendRequest(name, testserver.Request{Method: method, Path: path, Token: token, Body: body})
	}
	id := func(r *testserver.Response, keys ...string) string {
		t.Helper()
		m := r.JSON(t)
		for _, k := range keys[:len(keys)-1] {
			m = m[k].(map[string]any)
		}
		return m[keys[len(keys)-1]].(string)
	}

	// Accounts.
	reg := send("register", "POST", "/api/v1/auth/register", "", map[string]any{
		"name": "金婚纪念", "phone": "13912345678", "password": "password-13912345678", "area_id": area, "birth_year": 1948})
	newcomer := id(reg, "user", "id")
	send("register-invalid", "POST", "/api/v1/auth/register", "", map[string]any{"name": "", "area_id": 7})
	newcomerToken := send("login", "POST", "/api/v1/auth/login", "", map[string]any{"phone": "13912345678", "password": "password-13912345678"}).JSON(t)["token"].(string)
	send("login-wrong", "POST", "/api/v1/auth/login", "", map[string]any{"phone": "13912345678", "password": "wrong"})
	send("me", "GET", "/api/v1/me", resident, nil)
	send("me-unauthenticated", "GET", "/api/v1/me", "", nil)
	send("update-me", "PATCH", "/api/v1/me", resident, map[string]any{"birth_year": 1950, "emergency_contact": map[string]any{"name": "李芳", "phone": "13900000008"}})
	send("update-me-bad-type", "PATCH", "/api/v1/me", resident, map[string]any{"emergency_contact": 3})
	send("volunteer-profile", "PUT", "/api/v1/me/volunteer-profile", talent, map[string]any{
		"skills": []string{"tech", "companion"}, "area_ids": []string{area}, "availability": map[string][]string{"sat": {"09:00-12:00"}}})
	kept := id(send("create-user", "POST", "/api/v1/users", staff, map[string]any{"name": "金阿婆", "area_id": area, "birth_year": 1940}), "id")
	send("find-users", "GET", "/api/v1/users?q=金", staff, nil)
	send("user-as-staff", "GET", "/api/v1/users/"+newcomer, staff, nil)
	send("user-as-resident", "GET", "/api/v1/users/"+newcomer, resident, nil)
	send("user-staff-member", "GET", "/api/v1/users/"+id(srv.Do(t, "GET", "/api/v1/me", staff, nil), "id"), admin, nil)
	send("set-roles", "PUT", "/api/v1/users/"+newcomer+"/roles", admin, map[string]any{"roles": []string{"resident", "volunteer"}})
	send("reset-code", "POST", "/api/v1/users/"+newcomer+"/password-reset", staff, nil)
	send("audit", "GET", "/api/v1/audit?limit=3&user_id="+newcomer, admin, nil)
	send("audit-forbidden", "GET", "/api/v1/audit", resident, nil)

	// Stations, areas, rooms.
	other := send("create-station", "POST", "/api/v1/stations", admin, map[string]any{"name": "顾里二站", "address": "顾里路 2 号",
		"opening_hours": map[string][]string{"sat": {"09:00-12:00", "13:30-17:00"}}, "opened_on": "2024-05-01"})
	send("stations", "GET", "/api/v1/stations", "", nil)
	send("station", "GET", "/api/v1/stations/"+st, "", nil)
	send("station-empty", "GET", "/api/v1/stations/"+id(other, "id"), "", nil)
	send("station-not-found", "GET", "/api/v1/stations/99999", "", nil)
	send("opening-hours", "PUT", "/api/v1/stations/"+st+"/opening-hours", staff, map[string]any{"opening_hours": map[string][]string{
		"mon": {"09:00-17:00"}, "tue": {"09:00-17:00"}, "wed": {"09:00-17:00"}, "thu": {"09:00-17:00"}, "fri": {"09:00-17:00"}, "sat": {"09:00-17:00"}, "sun": {"09:00-17:00"}}})
	send("booking-rules", "PUT", "/api/v1/stations/"+st+"/booking-rules", staff, map[string]any{"max_days_ahead": 60, "max_minutes": 240, "max_future_bookings": 20})
	send("create-area", "POST", "/api/v1/stations/"+st+"/areas", admin, map[string]any{"name": "新小区", "committee": "新小区居委会"})
	send("areas", "GET", "/api/v1/areas", "", nil)
	send("create-room", "POST", "/api/v1/stations/"+st+"/rooms", staff, map[string]any{"name": "阅览室", "capacity": 8})
	closed := nextOpen(time.Sunday, "00:00").AddDate(0, 0, 7).Format("2006-01-02")
	send("add-closure", "POST", "/api/v1/stations/"+st+"/closures", staff, map[string]any{"date": closed, "reason": "设备检修"})
	send("closures", "GET", "/api/v1/stations/"+st+"/closures", "", nil)

	// Visits and the door check-in.
	send("record-visit", "POST", "/api/v1/stations/"+st+"/visits", staff, map[string]any{"count": 2, "purpose": "health_check"})
	send("record-named-visit", "POST", "/api/v1/stations/"+st+"/visits", staff, map[string]any{"user_id": newcomer, "purpose": "consultation"})
	code := send("checkin-code", "GET", "/api/v1/stations/"+st+"/checkin-code", staff, nil).JSON(t)["code"].(string)
	send("checkin", "POST", "/api/v1/stations/"+st+"/checkin", resident, map[string]any{"code": code})
	send("checkin-bad-code", "POST", "/api/v1/stations/"+st+"/checkin", resident, map[string]any{"code": "not-a-code"})

	// Activities.
	talentID := id(srv.Do(t, "GET", "/api/v1/me", talent, nil), "id")
	act := send("create-activity", "POST", "/api/v1/activities", staff, map[string]any{"station_id": st, "title": "金婚纪念合唱", "description": "老歌新唱",
		"category": "class", "start": rfc(nextOpen(time.Saturday, "09:30")), "end": rfc(nextOpen(time.Saturday, "11:00")), "capacity": 1,
		"room_id": room, "host_id": talentID, "age_rule": map[string]any{"emergency_contact_from_age": 90}})
	activity := act.JSON(t)["items"].([]any)[0].(map[string]any)["id"].(string)
	send("create-series", "POST", "/api/v1/activities", staff, map[string]any{"station_id": st, "title": "金婚纪念讲座",
		"category": "event", "start": rfc(nextOpen(time.Sunday, "14:00")), "end": rfc(nextOpen(time.Sunday, "15:00")), "repeat": map[string]any{"weekly_count": 2}})
	send("create-activity-wrong-type", "POST", "/api/v1/activities", staff, map[string]any{"station_id": st, "capacity": "many"})
	send("create-activity-invalid", "POST", "/api/v1/activities", staff, map[string]any{"station_id": st, "start": "tomorrow", "category": "party"})
	send("activities", "GET", "/api/v1/activities?q=金婚纪念", "", nil)
	send("activities-page", "GET", "/api/v1/activities?q=金婚纪念&limit=1", "", nil)
	send("register-for-activity", "POST", "/api/v1/activities/"+activity+"/registrations", newcomerToken, nil)
	send("register-waitlisted", "POST", "/api/v1/activities/"+activity+"/registrations", staff, nil)
	// An id may come as a number.
	send("register-for-someone", "POST", "/api/v1/activities/"+activity+"/registrations", staff, map[string]any{"user_id": json.Number(kept)})
	send("activity-anonymous", "GET", "/api/v1/activities/"+activity, "", nil)
	send("activity-signed-in", "GET", "/api/v1/activities/"+activity, newcomerToken, nil)
	send("activity-waitlisted", "GET", "/api/v1/activities/"+activity, staff, nil)
	send("activity-not-registered", "GET", "/api/v1/activities/"+activity, admin, nil)
	send("registrations", "GET", "/api/v1/activities/"+activity+"/registrations", staff, nil)
	send("attendance", "POST", "/api/v1/activities/"+activity+"/attendance", staff, map[string]any{"user_id": newcomer})
	send("my-activities", "GET", "/api/v1/me/activities", newcomerToken, nil)
	send("my-activities-waitlisted", "GET", "/api/v1/me/activities", staff, nil)
	send("calendar-feed", "GET", "/api/v1/me/calendar", resident, nil)
	send("calendar-feed-new", "POST", "/api/v1/me/calendar", resident, nil)

	// Room bookings.
	start := nextOpen(time.Thursday, "13:00")
	booking := send("book", "POST", "/api/v1/rooms/"+room+"/bookings", resident, map[string]any{"start": rfc(start), "end": rfc(start.Add(time.Hour)), "purpose": "排练"})
	send("book-invalid", "POST", "/api/v1/rooms/"+room+"/bookings", resident, map[string]any{"start": "soon", "purpose": 3})
	window := "?from=" + start.Format("2006-01-02") + "&to=" + start.AddDate(0, 0, 1).Format("2006-01-02")
	send("bookings-anonymous", "GET", "/api/v1/rooms/"+room+"/bookings"+window, "", nil)
	send("bookings-booker", "GET", "/api/v1/rooms/"+room+"/bookings"+window, resident, nil)
	send("bookings-staff", "GET", "/api/v1/rooms/"+room+"/bookings"+window, staff, nil)
	send("cancel-booking", "DELETE", "/api/v1/bookings/"+id(booking, "id"), resident, nil)

	// Health checks.
	send("measure-temperature", "POST", "/api/v1/health-measurements", staff, map[string]any{"user_id": newcomer, "kind": "temperature", "celsius": 36.6})
	send("measure-pressure", "POST", "/api/v1/health-measurements", staff, map[string]any{"user_id": newcomer, "kind": "blood_pressure",
		"systolic": 130, "diastolic": 85, "pulse": 72, "station_id": st})
	send("measurements", "GET", "/api/v1/users/"+newcomer+"/health-measurements", newcomerToken, nil)

	// Notifications: cancelling the activity tells those registered.
	send("cancel-activity", "DELETE", "/api/v1/activities/"+activity, staff, nil)
	send("notifications", "GET", "/api/v1/me/notifications", newcomerToken, nil)
	send("mark-read", "POST", "/api/v1/me/notifications/read", newcomerToken, map[string]any{"ids": []string{}})

	// Answers without a body, and the bodies of requests whose success has none.
	send("cancel-registration", "DELETE", "/api/v1/activities/"+activity+"/registrations/me", staff, nil)
	send("remove-closure", "DELETE", "/api/v1/stations/"+st+"/closures/"+closed, staff, nil)
	send("set-roles-bad-station", "PUT", "/api/v1/users/"+newcomer+"/roles", admin, map[string]any{"roles": []string{"staff"}, "station_ids": []any{true}})
	send("sms-code", "POST", "/api/v1/auth/sms-code", "", map[string]any{"phone": "13912345678"})
	send("change-password-wrong", "PUT", "/api/v1/me/password", newcomerToken, map[string]any{"current_password": "wrong", "new_password": "a-new-password-9"})
	send("change-password", "PUT", "/api/v1/me/password", newcomerToken, map[string]any{"current_password": "password-13912345678", "new_password": "a-new-password-9"})
	send("reset-wrong-code", "POST", "/api/v1/auth/reset", "", map[string]any{"phone": "13912345678", "code": "000000", "new_password": "another-password-8"})
	resetCode := id(srv.Do(t, "POST", "/api/v1/users/"+newcomer+"/password-reset", staff, nil), "code")
	send("reset", "POST", "/api/v1/auth/reset", "", map[string]any{"phone": "13912345678", "code": resetCode, "new_password": "another-password-8"})
	send("logout", "POST", "/api/v1/auth/logout", resident, nil)
	send("logout-all", "POST", "/api/v1/auth/logout-all", talent, nil)

	// The time bank: minutes given to a family member found by phone.
	// (After the rest, so that the files above keep their numbers.)
	giver := srv.Login(t, "13912345678", "another-password-8")
	if r := srv.Do(t, "POST", "/api/v1/timebank/credits", staff, map[string]any{"user_id": newcomer, "minutes": 60, "memo": "重阳节活动"}); r.Status != 201 {
		t.Fatalf("credit: %d %s", r.Status, r.Body)
	}
	send("transfer-by-phone", "POST", "/api/v1/timebank/transfers", giver, map[string]any{"to_phone": "138 0000 0008", "minutes": 15, "memo": "给邻居"})
	send("transfer-unknown-phone", "POST", "/api/v1/timebank/transfers", giver, map[string]any{"to_phone": "13912349999", "minutes": 15})

	// The notice board.
	send("post-safety-alert", "POST", "/api/v1/posts", staff, map[string]any{"station_id": st, "kind": "safety_alert", "title": "燃气安全提醒", "body": "出门前**关好燃气阀门**。"})
	send("safety-alert-notification", "GET", "/api/v1/me/notifications?limit=1", giver, nil)
	send("post-notice-forbidden", "POST", "/api/v1/posts", giver, map[string]any{"station_id": st, "kind": "notice", "title": "停水", "body": "周三停水"})
	send("post-invalid", "POST", "/api/v1/posts", giver, map[string]any{"station_id": st, "kind": "rumour", "title": ""})
	tip := id(send("post-tip", "POST", "/api/v1/posts", giver, map[string]any{"station_id": st, "kind": "tip", "title": "菜场搬家",
		"body": "新址在[东门](https://example.org/map)<script>alert(1)</script>"}), "id")
	send("posts-anonymous", "GET", "/api/v1/posts?station_id="+st, "", nil)
	send("posts-staff-tips", "GET", "/api/v1/posts?kind=tip&station_id="+st, staff, nil)
	send("post", "GET", "/api/v1/posts/"+tip, giver, nil)
	send("comment", "POST", "/api/v1/posts/"+tip+"/comments", staff, map[string]any{"body": "谢谢提醒"})
	send("comments", "GET", "/api/v1/posts/"+tip+"/comments", "", nil)
	send("report", "POST", "/api/v1/posts/"+tip+"/reports", admin, map[string]any{"reason": "地址不对"})
	send("report-again", "POST", "/api/v1/posts/"+tip+"/reports", admin, map[string]any{"reason": "地址不对"})
	send("moderation", "GET", "/api/v1/stations/"+st+"/moderation", staff, nil)
	send("hide-post", "POST", "/api/v1/posts/"+tip+"/hide", staff, nil)
	send("restore-post", "POST", "/api/v1/posts/"+tip+"/restore", staff, nil)
	send("delete-post", "DELETE", "/api/v1/posts/"+tip, giver, nil)
	send("deleted-post", "GET", "/api/v1/posts/"+tip, giver, nil)
	// Photos: a picture uploaded as a form, and refusals of the kinds only
	// uploads have.
	form, header := photoForm(t, nil, "IMG_0001.png", photoPNG(t, 64, 48))
	uploaded := sendRequest("upload-photo", testserver.Request{Method: "POST", Path: "/api/v1/photos?station_id=" + st, Token: giver, Body: form, Header: header})
	sendRequest("upload-not-an-image", testserver.Request{Method: "POST", Path: "/api/v1/photos", Token: giver, Body: "<script>alert(1)</script>",
		Header: map[string]string{"Content-Type": "image/jpeg"}})
	send("post-highlight-with-photo", "POST", "/api/v1/posts", giver, map[string]any{"station_id": st, "kind": "highlight", "title": "合唱队排练",
		"body": "", "photo_ids": []string{id(uploaded, "id")}})
	sendRequest("upload-bomb", testserver.Request{Method: "POST", Path: "/api/v1/photos", Token: giver, Body: bombPNG(), Header: map[string]string{"Content-Type": "image/png"}})
	// Delivery: the station's robot, shown masked, its log, and an e-mail
	// address on one's account.
	send("set-wecom-webhook", "PUT", "/api/v1/stations/"+st+"/wecom-webhook", staff, map[string]any{"url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7aaa-4bc4-97a0-0ec2sifa5aaa"})
	send("wecom-webhook", "GET", "/api/v1/stations/"+st+"/wecom-webhook", staff, nil)
	send("set-wecom-webhook-invalid", "PUT", "/api/v1/stations/"+st+"/wecom-webhook", staff, map[string]any{"url": "ftp://qyapi.weixin.qq.com/x"})
	if err := sqlstore.NewDeliveries(srv.DB).RecordDelivery(context.Background(), &guli.Delivery{JobID: 1, StationID: srv.Station.ID,
		Channel: guli.ChannelWeCom, Target: "qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…5aaa", Status: guli.DeliveryFailed,
		Error: "the robot answered 500 Internal Server Error", Attempt: 1}); err != nil {
		t.Fatal(err)
	}
	send("deliveries", "GET", "/api/v1/stations/"+st+"/deliveries", staff, nil)
	send("update-me-email", "PATCH", "/api/v1/me", giver, map[string]any{"email": "JinHun@Example.CN", "email_on": true})
	send("update-me-email-invalid", "PATCH", "/api/v1/me", giver, map[string]any{"email": "jinhun at example"})
	// The live stream's first event: the count of unread notices now.
	send("events", "GET", "/events", giver, nil)

	// Councils.
	councilID := id(send("create-council", "POST", "/api/v1/councils", staff, map[string]any{"station_id": st, "name": "居民议事会", "kind": "residents"}), "id")
	send("create-council-invalid", "POST", "/api/v1/councils", staff, map[string]any{"station_id": st, "name": "", "kind": "senate"})
	send("add-council-member", "POST", "/api/v1/councils/"+councilID+"/members", staff, map[string]any{"user_id": newcomer})
	send("add-council-member-again", "POST", "/api/v1/councils/"+councilID+"/members", staff, map[string]any{"user_id": newcomer})
	send("councils", "GET", "/api/v1/councils?station_id="+st, "", nil)
	send("council", "GET", "/api/v1/councils/"+councilID, "", nil)
	send("council-members", "GET", "/api/v1/councils/"+councilID+"/members", staff, nil)
	send("council-members-admin", "GET", "/api/v1/councils/"+councilID+"/members", admin, nil)
	send("remove-council-member", "DELETE", "/api/v1/councils/"+councilID+"/members/"+newcomer, staff, nil)
	// Polls and elections of a council (issue 10, polls): a secret election
	// of one, a member's vote, a paper ballot, refusals, and the results
	// once closed.
	voter := srv.Login(t, testserver.ResidentPhone, testserver.Password)
	thirdVoter, third := srv.Register(t, "第三位家长", "13912348801")
	council := councilWith(t, srv, st, staff, id(srv.Do(t, "GET", "/api/v1/me", voter, nil), "id"), newcomer, thirdVoter)
	created := send("create-poll", "POST", "/api/v1/councils/"+council+"/polls", staff, map[string]any{"question": "推选家委会成员",
		"options": []string{"王芳", "李强", "赵敏"}, "max_choices": 1, "secret": true, "seats": 1, "closes_at": rfc(time.Now().Add(48 * time.Hour))})
	poll := id(created, "id")
	var choices []string
	for _, o := range created.JSON(t)["options"].([]any) {
		choices = append(choices, o.(map[string]any)["id"].(string))
	}
	send("create-poll-invalid", "POST", "/api/v1/councils/"+council+"/polls", staff, map[string]any{"question": "", "options": []string{"只有一个"}, "closes_at": "明天"})
	send("vote", "POST", "/api/v1/polls/"+poll+"/votes", voter, map[string]any{"option_ids": []string{choices[1]}})
	send("vote-again", "POST", "/api/v1/polls/"+poll+"/votes", voter, map[string]any{"option_ids": []string{choices[0]}})
	send("vote-too-many", "POST", "/api/v1/polls/"+poll+"/votes", voter, map[string]any{"option_ids": choices[:2]})
	send("vote-not-member", "POST", "/api/v1/polls/"+poll+"/votes", admin, map[string]any{"option_ids": []string{choices[0]}})
	send("paper-ballot", "POST", "/api/v1/polls/"+poll+"/votes", staff, map[string]any{"option_ids": []string{choices[1]}, "user_id": newcomer})
	send("poll-open", "GET", "/api/v1/polls/"+poll, voter, nil)
	send("council-polls", "GET", "/api/v1/councils/"+council+"/polls", "", nil)
	if r := srv.Do(t, "POST", "/api/v1/polls/"+poll+"/votes", third, map[string]any{"option_ids": []string{choices[0]}}); r.Status != 201 {
		t.Fatalf("a third vote: %d %s", r.Status, r.Body) // a secret count of fewer is withheld
	}
	send("close-poll", "POST", "/api/v1/polls/"+poll+"/close", staff, nil)
	send("poll-closed", "GET", "/api/v1/polls/"+poll, "", nil)
	send("vote-closed", "POST", "/api/v1/polls/"+poll+"/votes", voter, map[string]any{"option_ids": []string{choices[0]}})

	// Teams and studios.
	teamID := id(send("create-team", "POST", "/api/v1/teams", staff, map[string]any{"station_id": st, "name": "金婚纪念合唱队", "kind": "interest_group",
		"description": "每周六上午排练", "leader_user_id": talentID}), "id")
	send("create-team-invalid", "POST", "/api/v1/teams", staff, map[string]any{"station_id": st, "name": "", "kind": "club"})
	send("add-team-member", "POST", "/api/v1/teams/"+teamID+"/members", staff, map[string]any{"user_id": newcomer})
	send("add-team-member-again", "POST", "/api/v1/teams/"+teamID+"/members", staff, map[string]any{"user_id": newcomer})
	send("teams", "GET", "/api/v1/teams?station_id="+st, "", nil)
	send("team-public", "GET", "/api/v1/teams/"+teamID, "", nil)
	send("team-as-staff", "GET", "/api/v1/teams/"+teamID, staff, nil)
	send("remove-team-member", "DELETE", "/api/v1/teams/"+teamID+"/members/"+newcomer, staff, nil)
	nomination := id(send("nominate", "POST", "/api/v1/nominations", staff, map[string]any{"area_id": area, "user_id": kept, "skill": "剪纸",
		"reason": "剪纸四十年，愿意教邻居"}), "id")
	send("nominations", "GET", "/api/v1/stations/"+st+"/nominations", staff, nil)
	send("approve-nomination", "POST", "/api/v1/nominations/"+nomination+"/approve", staff, nil)
	send("decline-approved-nomination", "POST", "/api/v1/nominations/"+nomination+"/decline", staff, nil)

	// Meetings, proposals and resolutions. The resident logged out above
	// and the newcomer (giver) changed password: sign them in again.
	resident = srv.Login(t, testserver.ResidentPhone, testserver.Password)
	if r := srv.Do(t, "POST", "/api/v1/councils/"+councilID+"/members", staff, map[string]any{"user_id": newcomer}); r.Status != 201 {
		t.Fatalf("member again: %d %s", r.Status, r.Body)
	}
	meeting := id(send("create-meeting", "POST", "/api/v1/councils/"+councilID+"/meetings", staff, map[string]any{
		"title": "协商探讨社区70岁以上老人参与活动的安全保障", "start": rfc(nextOpen(time.Tuesday, "14:00")),
		"agenda": []string{"通报活动中的安全情况", "讨论紧急联系人制度"}}), "id")
	send("create-meeting-invalid", "POST", "/api/v1/councils/"+councilID+"/meetings", staff, map[string]any{"title": "", "start": "明天", "agenda": []string{"议程"}})
	recorded := send("record-meeting", "PATCH", "/api/v1/meetings/"+meeting, staff, map[string]any{"minutes": "到会12人，一致通过。",
		"resolutions": []any{"楼道加装扶手", map[string]any{"text": "70岁以上老人参加活动须留紧急联系人",
			"rule": map[string]any{"kind": "emergency_contact_from_age", "age": 70}}}})
	send("record-meeting-bad-rule", "PATCH", "/api/v1/meetings/"+meeting, staff, map[string]any{"resolutions": []any{map[string]any{"text": "禁烟", "rule": map[string]any{"kind": "no_smoking", "age": 1}}}})
	send("meeting-attendance", "PUT", "/api/v1/meetings/"+meeting+"/attendance", staff, map[string]any{"user_ids": []string{newcomer}})
	send("meeting-anonymous", "GET", "/api/v1/meetings/"+meeting, "", nil)
	send("meeting-member", "GET", "/api/v1/meetings/"+meeting, giver, nil)
	send("meetings", "GET", "/api/v1/councils/"+councilID+"/meetings", "", nil)
	resolutions := recorded.JSON(t)["resolutions"].([]any)
	rule := resolutions[1].(map[string]any)["id"].(string)
	send("activity-under-rule", "POST", "/api/v1/activities", staff, map[string]any{"station_id": st, "title": "重阳登高",
		"category": "event", "start": rfc(nextOpen(time.Saturday, "14:00")), "end": rfc(nextOpen(time.Saturday, "16:00"))})
	send("update-resolution", "PATCH", "/api/v1/resolutions/"+rule, staff, map[string]any{"status": "in_progress", "note": "已通知各班老师"})
	send("resolution-done", "PATCH", "/api/v1/resolutions/"+rule, staff, map[string]any{"status": "done"})
	send("update-resolution-done", "PATCH", "/api/v1/resolutions/"+rule, staff, map[string]any{"status": "done"})
	send("resolutions", "GET", "/api/v1/councils/"+councilID+"/resolutions", "", nil)
	proposal := id(send("propose", "POST", "/api/v1/councils/"+councilID+"/proposals", resident, map[string]any{"title": "三号楼楼道加装扶手", "body": "老人上下楼不便"}), "id")
	send("propose-invalid", "POST", "/api/v1/councils/"+councilID+"/proposals", resident, map[string]any{"title": ""})
	send("support", "POST", "/api/v1/proposals/"+proposal+"/supports", giver, nil)
	send("support-twice", "POST", "/api/v1/proposals/"+proposal+"/supports", giver, nil)
	send("proposals-anonymous", "GET", "/api/v1/councils/"+councilID+"/proposals", "", nil)
	send("proposals-staff", "GET", "/api/v1/councils/"+councilID+"/proposals", staff, nil)
	send("proposal-author", "GET", "/api/v1/proposals/"+proposal, resident, nil)
	send("answer-proposal", "PATCH", "/api/v1/proposals/"+proposal, staff, map[string]any{"meeting_id": meeting, "outcome": "accepted", "answer": "物业下月施工"})
	send("answer-proposal-invalid", "PATCH", "/api/v1/proposals/"+proposal, staff, map[string]any{"outcome": "maybe"})

	// A team's photo: a studio started with the staff's photo, its
	// leader's in its place, refusals, and the photo taken away.
	studio := id(send("create-team-with-photo", "POST", "/api/v1/teams", staff, map[string]any{"station_id": st, "name": "墨迹书香", "kind": "studio",
		"description": "书法工作室", "leader_user_id": talentID, "photo_id": uploadPhoto(t, srv, staff, st)}), "id")
	talent = srv.Login(t, testserver.TalentPhone, testserver.Password)
	send("set-team-photo", "PATCH", "/api/v1/teams/"+studio, talent, map[string]any{"photo_id": uploadPhoto(t, srv, talent, st)})
	send("set-team-photo-not-mine", "PATCH", "/api/v1/teams/"+studio, talent, map[string]any{"photo_id": uploadPhoto(t, srv, resident, st)})
	send("set-team-photo-forbidden", "PATCH", "/api/v1/teams/"+studio, resident, map[string]any{"photo_id": uploadPhoto(t, srv, resident, st)})
	send("team-with-photo", "GET", "/api/v1/teams/"+studio, "", nil)
	send("remove-team-photo", "PATCH", "/api/v1/teams/"+studio, staff, map[string]any{"photo_id": nil})

	// A committee's roster: a dry run that finds problems, the import
	// that then creates nobody, the fixed roster's import, and a file
	// without the headers an import needs.
	areaName := srv.Station.Areas[0].Name
	roster := func(name string, dry bool, lines ...string) {
		t.Helper()
		body, header := rosterForm(t, map[string]string{"dry_run": fmt.Sprint(dry)}, "名单.csv", rosterCSV(lines...))
		sendRequest(name, testserver.Request{Method: "POST", Path: "/api/v1/stations/" + st + "/imports", Token: staff, Body: body, Header: header})
	}
	bad := []string{"序号,姓名,手机号,出生年份,小区", "1,钱秀英,13955550001,1948," + areaName, "2,孙桂兰,1395555,2999,火星小区", "3,周玉兰,13955550001,," + areaName}
	roster("import-dry-run", true, bad...)
	roster("import-refused", false, bad...)
	roster("import", false, "姓名,手机号,出生年份,小区,紧急联系人,紧急联系电话", "钱秀英,13955550001,1948,"+areaName+",钱伟,13955550091", "孙桂兰,13955550002,1950,"+areaName+",,")
	roster("import-no-header", true, "张三,13955550003")
	// Data rights and the audit log's search: the newcomer downloads what
	// is kept of them; one who leaves closes their account, and staff
	// close one for a resident at the desk.
	send("audit-search", "GET", "/api/v1/audit?limit=2&action=user.&q=%E9%87%91%E5%A9%9A", staff, nil)
	send("audit-search-bad-range", "GET", "/api/v1/audit?from=2023-02-30", staff, nil)
	leaving, _ := srv.Register(t, "要搬走的居民", "13912345990")
	leavingToken := srv.Login(t, "13912345990", "password-13912345990")
	send("ask-before-leaving", "POST", "/api/v1/help-requests", leavingToken, map[string]any{"title": "帮忙打包行李", "category": "errand"})
	send("export", "GET", "/api/v1/me/export", leavingToken, nil)
	send("close-me-wrong-password", "POST", "/api/v1/me/close", leavingToken, map[string]any{"password": "not-my-password"})
	send("close-me", "POST", "/api/v1/me/close", leavingToken, map[string]any{"password": "password-13912345990"})
	send("closed-account", "GET", "/api/v1/users/"+leaving, staff, nil)
	atDesk := id(send("create-user-to-close", "POST", "/api/v1/users", staff, map[string]any{"name": "回老家的居民", "area_id": area}), "id")
	send("close-user", "POST", "/api/v1/users/"+atDesk+"/close", staff, nil)
	send("close-user-twice", "POST", "/api/v1/users/"+atDesk+"/close", staff, nil)
	// The figures: the article's range at the demo station (whose people
	// registered today: of 2023 there are only its days open, 178), the
	// district of the same days, and refusals.
	send("stats", "GET", "/api/v1/stats?station_id="+st+"&from=2023-02-10&to=2023-10-15", "", nil)
	send("stats-district", "GET", "/api/v1/stats?from=2023-02-10&to=2023-10-15", "", nil)
	send("stats-invalid", "GET", "/api/v1/stats?station_id="+st+"&from=2023-10-16&to=2023-10-15", "", nil)
	send("stats-not-found", "GET", "/api/v1/stats?station_id=99999", "", nil)

	// A monthly report answers a file; its refusals are JSON: a month
	// that is not one, a month before the station opened, a format it
	// does not make with an area that is not a number, and a resident.
	report := "/api/v1/stations/" + st + "/reports/monthly"
	send("report-month-invalid", "GET", report+"?month=2023-13", staff, nil)
	send("report-month-out-of-range", "GET", report+"?month=2022-12", staff, nil)
	send("report-format-and-area", "GET", report+"?month=2023-10&format=pdf&area_id=abc", staff, nil)
	send("report-forbidden", "GET", report, resident, nil)

	// A highlight of an activity, and one of a kind that names none.
	send("post-highlight-of-activity", "POST", "/api/v1/posts", giver, map[string]any{"station_id": st, "kind": "highlight", "title": "金婚纪念合唱的照片",
		"body": "唱得真好", "activity_id": activity})
	send("post-tip-of-activity", "POST", "/api/v1/posts", giver, map[string]any{"station_id": st, "kind": "tip", "title": "合唱", "body": "好听",
		"activity_id": activity})
	// An urgent notice is told to every resident as an alert is, and
	// reading it marks it read (off the desk's call list); only a notice
	// may be urgent, and urgent is true or false.
	urgent := id(send("post-urgent-notice", "POST", "/api/v1/posts", staff, map[string]any{"station_id": st, "kind": "notice", "urgent": true,
		"title": "明天上午停水", "body": "明天 9:00 到 12:00 停水，请提前储水。"}), "id")
	send("urgent-notice-notification", "GET", "/api/v1/me/notifications?limit=1", giver, nil)
	send("urgent-notice-opened", "GET", "/api/v1/posts/"+urgent, giver, nil)
	send("urgent-notice-notification-read", "GET", "/api/v1/me/notifications?limit=1", giver, nil)
	send("post-urgent-tip", "POST", "/api/v1/posts", giver, map[string]any{"station_id": st, "kind": "tip", "urgent": true, "title": "菜场搬家", "body": "东门"})
	send("post-urgent-wrong-type", "POST", "/api/v1/posts", staff, map[string]any{"station_id": st, "kind": "notice", "urgent": "yes", "title": "停电", "body": "周三停电"})

	// Families: a child added with the guardian's consent, a class for
	// 6–12 the guardian signs the child up for, a grown-up asked for by
	// phone who accepts, and the link ended.
	child := id(send("add-dependent", "POST", "/api/v1/me/dependents", giver, map[string]any{"name": "小明", "birth_year": 2020, "relation": "child"}), "id") // 6–12 until 2032
	send("add-dependent-invalid", "POST", "/api/v1/me/dependents", giver, map[string]any{"name": "小明", "relation": "pet"})
	send("create-activity-for-children", "POST", "/api/v1/activities", staff, map[string]any{"station_id": st, "title": "少儿书法班", "category": "class",
		"start": rfc(nextOpen(time.Saturday, "09:30")), "end": rfc(nextOpen(time.Saturday, "11:00")), "capacity": 12, "min_age": 6, "max_age": 12})
	send("register-dependent", "POST", "/api/v1/activities/"+childrenClass(t, srv, st)+"/registrations", giver, map[string]any{"user_id": child})
	send("register-out-of-age", "POST", "/api/v1/activities/"+childrenClass(t, srv, st)+"/registrations", giver, nil)
	send("register-not-my-dependent", "POST", "/api/v1/activities/"+childrenClass(t, srv, st)+"/registrations", resident, map[string]any{"user_id": child})
	send("dependent-activities", "GET", "/api/v1/me/activities?user_id="+child, giver, nil)
	link := id(send("request-link", "POST", "/api/v1/me/dependents/link", giver, map[string]any{"phone": testserver.ResidentPhone}), "id")
	send("request-link-again", "POST", "/api/v1/me/dependents/link", giver, map[string]any{"phone": testserver.ResidentPhone})
	send("guardians", "GET", "/api/v1/me/guardians", resident, nil)
	send("accept-link", "POST", "/api/v1/links/"+link+"/accept", resident, nil)
	send("dependents", "GET", "/api/v1/me/dependents", giver, nil)
	send("end-link", "DELETE", "/api/v1/links/"+link, resident, nil)
	send("end-link-again", "DELETE", "/api/v1/links/"+link, resident, nil)
}

// childrenClass is the demo station's class for children made above.
func childrenClass(t *testing.T, srv *testserver.Server, st string) string {
	t.Helper()
	r := srv.Do(t, "GET", "/api/v1/activities?for_children=true&station_id="+st, "", nil)
	return r.JSON(t)["items"].([]any)[0].(map[string]any)["id"].(string)
}
