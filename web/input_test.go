package web_test

import (
	"bytes"
	"fmt"
	"hash/crc32"
	"image"
	"image/jpeg"
	"image/png"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"guli"
	"guli/i18n"
	"guli/internal/dbtest"
	"guli/internal/testserver"
)

// Text that no engine should see: invalid UTF-8 (%FF%FE) and NUL (%00), in
// every form field, query parameter, path value and JSON field. Each is
// refused where it enters, with 422 naming the field (400 for a path),
// never a 5xx, on SQLite and PostgreSQL alike; a 4-byte character (outside
// the BMP) is ordinary text and goes through.

const fourBytes = "𠀀书😀" // U+20000, and an emoji

var badTexts = []struct{ name, raw string }{
	{"invalid UTF-8", "\xff\xfe"},
	{"NUL", "a\x00b"},
}

// pageForms lists every form a page posts, with its fields. A POST route of
// the pages missing here fails the test, so new forms are covered.
func pageForms(ids map[string]string) map[string][]string {
	return map[string][]string{
		"/login":                              {"phone", "password", "next"},
		"/logout":                             {"x"},
		"/logout-all":                         {"x"},
		"/register":                           {"name", "phone", "password", "area_id", "birth_year", "sms_code"},
		"/register/sms-code":                  {"name", "phone", "area_id", "birth_year"},
		"/reset":                              {"phone", "code", "new_password"},
		"/me":                                 {"ec_name", "ec_phone", "email_form", "email", "email_on"},
		"/me/password":                        {"current_password", "new_password"},
		"/stations":                           {"station_id"},
		"/prefs/elder":                        {"elder", "next"},
		"/prefs/lang":                         {"lang", "next"},
		"/activities/{id}/register":           {"next", "user_id"},
		"/activities/{id}/cancel":             {"next", "user_id"},
		"/checkin":                            {"station", "code"},
		"/rooms/{id}/book":                    {"date", "from", "to", "purpose"},
		"/bookings/{id}/cancel":               {"next"},
		"/notifications/read":                 {"ids"},
		"/desk/visits":                        {"purpose", "count"},
		"/desk/health":                        {"user_id", "kind", "systolic", "diastolic", "pulse", "celsius", "q"},
		"/desk/activities/new":                {"title", "description", "category", "date", "from", "to", "capacity", "room_id", "weeks", "age_rule"},
		"/desk/activities/{id}/attendance":    {"user_id"},
		"/desk/activities/{id}/register":      {"user_id"},
		"/desk/activities/{id}/credits":       {"user_id", "hours", "memo"},
		"/desk/activities/{id}/record":        {"summary", "version"},
		"/me/volunteer":                       {"skill", "area", "free"},
		"/desk/activities/{id}/cancel":        {"x"},
		"/desk/residents/{id}/password-reset": {"x"},
		"/desk/booking-rules":                 {"max_days_ahead", "max_hours", "max_future_bookings"},
		"/desk/wecom-webhook":                 {"url"},
		"/help/new":                           {"category", "title", "description", "needed_date", "needed_time", "on_behalf_of"},
		"/help/{id}/claim":                    {"next"},
		"/help/{id}/release":                  {"next"},
		"/help/{id}/done":                     {"minutes", "next"},
		"/help/{id}/confirm":                  {"rating", "comment", "pay", "next"},
		"/help/{id}/cancel":                   {"next"},
		"/timebank/transfer":                  {"to_phone", "minutes", "memo", "key"},
		"/me/family/dependents":               {"name", "birth_year", "relation"},
		"/me/family/link":                     {"phone"},
		"/me/family/links/{id}/accept":        {"x"},
		"/me/family/links/{id}/end":           {"x"},
		"/notices/new":                        {"kind", "urgent", "title", "body", "photo_id", "activity_id"},
		"/councils/new":                       {"name", "kind"},
		"/councils/{id}/members":              {"phone"},
		"/councils/{id}/members/remove":       {"user_id"},
		"/notices/{id}/comments":              {"body"},
		"/notices/{id}/reports":               {"reason"},
		"/notices/{id}/delete":                {"next"},
		"/notices/{id}/hide":                  {"next"},
		"/notices/{id}/restore":               {"next"},
		// Teams and studios.
		"/teams/{id}/members":                  {"phone", "role"},
		"/teams/{id}/photo":                    {"remove"},
		"/teams/{id}/members/{user_id}/remove": {"x"},
		"/nominations/new":                     {"area_id", "phone", "skill", "reason"},
		"/desk/teams":                          {"name", "kind", "description", "phone"},
		"/desk/nominations/{id}/approve":       {"x"},
		"/desk/nominations/{id}/decline":       {"x"},
		"/councils/{id}/meetings":              {"title", "date", "time", "agenda"},
		"/meetings/{id}":                       {"minutes", "resolutions", "rule_text", "rule_age"},
		"/meetings/{id}/attendance":            {"user_id"},
		"/resolutions/{id}":                    {"status", "note", "from"},
		"/councils/{id}/proposals":             {"title", "body"},
		"/proposals/{id}/supports":             {"x"},
		"/proposals/{id}":                      {"meeting_id", "outcome", "answer"},
		"/councils/{id}/polls":                 {"question", "options", "max_choices", "seats", "secret", "date", "time"},
		"/polls/{id}/vote":                     {"option_id", "user_id"},
		"/polls/{id}/close":                    {"x"},
		"/desk/import/confirm":                 {"token"},
		"/desk/import":                         {"file"},
		// Data rights.
		"/me/close":                  {"password", "confirm"},
		"/desk/residents/{id}/close": {"confirm"},
		// Residents staff watch over, and the call lists.
		"/desk/residents/{id}/marks":  {"kind", "on", "q"},
		"/desk/links/{id}/accept":     {"q", "resident"},
		"/desk/links/{id}/end":        {"q", "resident"},
		"/desk/calls/{id}":            {"user_id", "outcome", "note", "after"},
		"/desk/activities/{id}/calls": {"user_id", "outcome", "note", "after"},
	}
}

// queries lists the query parameters each GET route reads; every route
// also gets one it does not read ("x"), which must be refused the same.
var queries = map[string][]string{
	"/api/v1/activities":                     {"station_id", "from", "to", "category", "q", "for_children", "limit", "cursor"},
	"/api/v1/users":                          {"q", "limit", "cursor"},
	"/api/v1/audit":                          {"user_id", "q", "action", "actor_id", "from", "to", "limit", "cursor"},
	"/api/v1/stations":                       {"limit", "cursor"},
	"/api/v1/areas":                          {"limit", "cursor"},
	"/api/v1/me/activities":                  {"from", "user_id"},
	"/api/v1/rooms/{id}/bookings":            {"from", "to"},
	"/api/v1/stations/{id}/closures":         {"from"},
	"/api/v1/stations/{id}/deliveries":       {"limit", "cursor"},
	"/desk/deliveries":                       {"cursor"},
	"/api/v1/users/{id}/health-measurements": {"limit", "cursor"},
	"/api/v1/me/notifications":               {"limit", "cursor", "user_id"},
	"/api/v1/help-requests":                  {"status", "mine", "limit", "cursor"},
	"/api/v1/posts":                          {"station_id", "kind", "limit", "cursor"},
	"/api/v1/posts/{id}/comments":            {"limit", "cursor"},
	"/api/v1/stations/{id}/moderation":       {"limit", "cursor"},
	"/api/v1/calendar.ics":                   {"station_id"},
	"/calendar.ics":                          {"station_id"},
	"/activities":                            {"from", "category", "q", "day", "children", "for"},
	"/activities/{id}":                       {"for"},
	"/my/activities":                         {"for"},
	"/rooms/{id}":                            {"from"},
	"/checkin":                               {"station", "code", "token"},
	"/login":                                 {"next", "phone"},
	"/reset":                                 {"phone"},
	"/desk/residents":                        {"q"},
	"/desk/activities/{id}":                  {"q"},
	"/desk/health":                           {"user_id", "q"},
	"/help":                                  {"category", "area"},
	"/help/new":                              {"for"},
	"/desk/help":                             {"status", "q"},
	"/":                                      {"welcome", "notice"},
	"/notices":                               {"kind", "cursor"},
	"/api/v1/councils":                       {"station_id", "limit", "cursor"},
	"/notices/new":                           {"kind"},
	// Teams and studios.
	"/api/v1/teams":                     {"station_id", "kind", "limit", "cursor"},
	"/api/v1/stations/{id}/nominations": {"status", "limit", "cursor"},
	"/teams":                            {"kind"},
	"/api/v1/councils/{id}/polls":       {"limit", "cursor"},
	// Meetings and proposals.
	"/api/v1/councils/{id}/meetings":  {"limit", "cursor"},
	"/api/v1/councils/{id}/proposals": {"limit", "cursor"},
	// The audit log.
	"/desk/audit": {"q", "action", "from", "to", "user_id", "actor_id", "cursor"},
	"/me/data":    {"section"},
	// The figures.
	"/api/v1/stats":         {"station_id", "from", "to"},
	"/stats":                {"from", "to"},
	"/stations/{id}/impact": {"from", "to"},
	"/desk/stats":           {"from", "to"},
	"/admin/district":       {"from", "to"},
	"/admin/district.xlsx":  {"from", "to"},
	// Reports and certificates.
	"/api/v1/stations/{id}/reports/monthly": {"month", "area_id", "format"},
	"/desk/reports/monthly":                 {"month", "area_id", "format"},
	"/desk/volunteers/{id}/certificate":     {"from", "to"},
	"/me/certificate":                       {"from", "to"},
	// The paper a station runs on.
	"/print/week":       {"week", "station"},
	"/desk/ledger":      {"month"},
	"/desk/ledger.xlsx": {"month"},
	// The call lists.
	"/desk/calls/{id}":            {"after", "page"},
	"/desk/activities/{id}/calls": {"after", "page"},
}

var wildcard = regexp.MustCompile(`\{[^}]+\}`)

func TestBadTextIsRefusedWhereItEnters(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		srv := testserver.New(t, e)
		staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
		resident := srv.Login(t, testserver.ResidentPhone, testserver.Password)
		residentID := myID(t, srv, resident)
		activity := createActivity(t, srv, staff, nil)["id"].(string)
		room := srv.Station.Rooms[0].ID.String()
		start := nextOpen(time.Thursday, "15:00")
		booking := srv.Do(t, "POST", "/api/v1/rooms/"+room+"/bookings", resident, map[string]any{"start": rfc(start), "end": rfc(start.Add(time.Hour)), "purpose": "排练"}).JSON(t)["id"].(string)
		help := srv.Do(t, "POST", "/api/v1/help-requests", resident, map[string]any{"title": "帮忙搬家具", "category": "errand"}).JSON(t)["id"].(string)
		post := srv.Do(t, "POST", "/api/v1/posts", resident, map[string]any{"station_id": srv.Station.ID.String(), "kind": "tip", "title": "雨天路滑", "body": "慢行"}).JSON(t)["id"].(string)
		alert := srv.Do(t, "POST", "/api/v1/posts", staff, map[string]any{"station_id": srv.Station.ID.String(), "kind": "safety_alert", "title": "台风", "body": "关窗"}).JSON(t)["id"].(string)
		council := srv.Do(t, "POST", "/api/v1/councils", staff, map[string]any{"station_id": srv.Station.ID.String(), "name": "居民议事会", "kind": "residents"}).JSON(t)["id"].(string)
		team := srv.Do(t, "POST", "/api/v1/teams", staff, map[string]any{"station_id": srv.Station.ID.String(), "name": "社区合唱队", "kind": "interest_group"}).JSON(t)["id"].(string)
		nomination := srv.Do(t, "POST", "/api/v1/nominations", staff, map[string]any{"area_id": srv.Station.Areas[0].ID.String(), "user_id": residentID,
			"skill": "书法", "reason": "墨迹书香"}).JSON(t)["id"].(string)
		pollCouncil := councilWith(t, srv, srv.Station.ID.String(), staff, residentID)
		poll, _ := openPoll(t, srv, staff, pollCouncil, nil)
		meeting := createMeeting(t, srv, staff, council)["id"].(string)
		resolution := srv.Do(t, "PATCH", "/api/v1/meetings/"+meeting, staff, map[string]any{"resolutions": []string{"楼道加装扶手"}}).JSON(t)["resolutions"].([]any)[0].(map[string]any)["id"].(string)
		proposal := srv.Do(t, "POST", "/api/v1/councils/"+council+"/proposals", resident, map[string]any{"title": "增加助餐点"}).JSON(t)["id"].(string)
		familyLink := srv.Do(t, "POST", "/api/v1/me/dependents/link", resident, map[string]any{"phone": testserver.StaffPhone}).JSON(t)["id"].(string)
		ids := map[string]string{"meetings": meeting, "resolutions": resolution, "proposals": proposal, "councils": council, "activities": activity, "rooms": room, "bookings": booking, "users": residentID,
			"stations": srv.Station.ID.String(), "residents": residentID, "help-requests": help, "help": help, "posts": post, "notices": post,
			"teams": team, "nominations": nomination, "polls": poll, "calls": alert, "links": familyLink}
		// fill puts real IDs into a route's path.
		fill := func(pattern string) string {
			parts := strings.Split(pattern, "/")
			for i, p := range parts {
				if wildcard.MatchString(p) {
					if id, ok := ids[parts[i-1]]; ok {
						parts[i] = id
					} else {
						parts[i] = "1"
					}
				}
			}
			return strings.Join(parts, "/")
		}

		var served []string
		for _, p := range srv.Web.Patterns() {
			served = append(served, p)
		}

		t.Run("forms", func(t *testing.T) {
			forms := pageForms(ids)
			for _, p := range served {
				method, path, _ := strings.Cut(p, " ")
				if method == "POST" && !strings.HasPrefix(path, "/api/") {
					if _, ok := forms[path]; !ok {
						t.Errorf("POST %s has no row in pageForms", path)
					}
				}
			}
			for route, fields := range forms {
				staff := srv.Login(t, testserver.StaffPhone, testserver.Password) // /logout-all ends the others
				for _, field := range fields {
					for _, bad := range badTexts {
						form := url.Values{field: {"书法" + bad.raw}}
						r := srv.Send(t, testserver.Request{Method: "POST", Path: fill(route), Token: staff, Body: form.Encode(), Header: formHeader})
						if r.Status != 422 || !strings.Contains(string(r.Body), "无法识别的字符") || !strings.Contains(string(r.Body), field) {
							t.Errorf("POST %s with %s in %s: %d, want a 422 page naming the field", route, bad.name, field, r.Status)
						}
					}
					form := url.Values{field: {fourBytes}}
					r := srv.Send(t, testserver.Request{Method: "POST", Path: fill(route), Token: staff, Body: form.Encode(), Header: formHeader})
					if r.Status >= 500 {
						t.Errorf("POST %s with a 4-byte character in %s: %d", route, field, r.Status)
					}
				}
			}
		})

		t.Run("queries", func(t *testing.T) {
			staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
			for _, p := range served {
				method, path, _ := strings.Cut(p, " ")
				if method != "GET" || strings.Contains(path, "...") {
					continue
				}
				path = strings.TrimSuffix(path, "{$}")
				params := append(slices.Clone(queries[path]), "x")
				target := fill(path)
				if path == "/calendar/{file}" || path == "/static/" {
					continue // files, below
				}
				for _, param := range params {
					for _, bad := range badTexts {
						r := srv.Do(t, "GET", target+"?"+param+"="+url.QueryEscape(bad.raw), staff, nil)
						if r.Status != 422 {
							t.Errorf("GET %s with %s in ?%s: %d, want 422", path, bad.name, param, r.Status)
							continue
						}
						if strings.HasPrefix(path, "/api/") {
							wantError(t, r, 422, "validation_failed", param)
						}
					}
					r := srv.Do(t, "GET", target+"?"+param+"="+url.QueryEscape(fourBytes), staff, nil)
					if r.Status >= 500 {
						t.Errorf("GET %s with a 4-byte character in ?%s: %d", path, param, r.Status)
					}
				}
			}
			// A key that is not text is named as the query.
			wantError(t, srv.Do(t, "GET", "/api/v1/areas?%FF=1", "", nil), 422, "validation_failed", "query")
		})

		// Numbers no form expects, in every field of every form and every
		// query parameter: refused or ignored, never a 5xx.
		t.Run("numbers", func(t *testing.T) {
			numbers := []string{"-1", "0", "-9223372036854775809", "99999999999999999999999999", "1e308", "-1e308", "NaN", "0x10", "１２"}
			for route, fields := range pageForms(ids) {
				staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
				for _, field := range fields {
					for _, n := range numbers {
						form := url.Values{field: {n}}
						if r := srv.Send(t, testserver.Request{Method: "POST", Path: fill(route), Token: staff, Body: form.Encode(), Header: formHeader}); r.Status >= 500 {
							t.Errorf("POST %s with %s in %s: %d", route, n, field, r.Status)
						}
					}
				}
			}
			staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
			for path, params := range queries {
				for _, param := range params {
					for _, n := range numbers {
						if r := srv.Do(t, "GET", fill(path)+"?"+param+"="+url.QueryEscape(n), staff, nil); r.Status >= 500 {
							t.Errorf("GET %s with %s in ?%s: %d", path, n, param, r.Status)
						}
					}
				}
			}
		})

		t.Run("paths", func(t *testing.T) {
			staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
			for _, p := range served {
				method, path, _ := strings.Cut(p, " ")
				if !wildcard.MatchString(path) && path != "/static/" {
					continue
				}
				for _, bad := range []string{"%FF%FE", "%00", "x%00.ics"} {
					target := wildcard.ReplaceAllString(path, bad)
					if path == "/static/" {
						target = "/static/" + bad
					}
					r := srv.Do(t, method, target, staff, nil)
					if r.Status != 400 {
						t.Errorf("%s %s: %d, want 400", method, target, r.Status)
					}
					if strings.HasPrefix(path, "/api/") && r.ErrorCode() != "bad_request" {
						t.Errorf("%s %s: code %q", method, target, r.ErrorCode())
					}
				}
			}
		})

		t.Run("json", func(t *testing.T) {
			staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
			// Every JSON field that takes text, on every API route that reads
			// a body. Raw bytes are sent as they are: \xff is not JSON text.
			bodies := []struct {
				method, path string
				fields       []string
			}{
				{"POST", "/api/v1/auth/register", []string{"name", "phone", "password", "area_id", "sms_code"}},
				{"POST", "/api/v1/auth/sms-code", []string{"phone"}},
				{"POST", "/api/v1/auth/login", []string{"phone", "password", "device_token"}},
				{"POST", "/api/v1/auth/reset", []string{"phone", "code", "new_password"}},
				{"PATCH", "/api/v1/me", []string{"name", "emergency_contact.name", "emergency_contact.phone", "email"}},
				{"PUT", "/api/v1/me/password", []string{"current_password", "new_password"}},
				{"PUT", "/api/v1/me/volunteer-profile", []string{"skills"}},
				{"POST", "/api/v1/users", []string{"name", "phone", "password", "area_id"}},
				{"PUT", "/api/v1/users/" + residentID + "/roles", []string{"roles", "station_ids"}},
				{"POST", "/api/v1/stations", []string{"name", "address", "timezone", "opened_on", "opening_hours.wed"}},
				{"PUT", "/api/v1/stations/" + ids["stations"] + "/opening-hours", []string{"opening_hours.wed"}},
				{"POST", "/api/v1/stations/" + ids["stations"] + "/areas", []string{"name", "committee"}},
				{"POST", "/api/v1/stations/" + ids["stations"] + "/rooms", []string{"name"}},
				{"POST", "/api/v1/stations/" + ids["stations"] + "/closures", []string{"date", "reason"}},
				{"POST", "/api/v1/stations/" + ids["stations"] + "/visits", []string{"purpose", "user_id"}},
				{"POST", "/api/v1/stations/" + ids["stations"] + "/checkin", []string{"code"}},
				{"PUT", "/api/v1/stations/" + ids["stations"] + "/wecom-webhook", []string{"url"}},
				{"POST", "/api/v1/activities", []string{"station_id", "title", "description", "category", "start", "end", "room_id"}},
				{"POST", "/api/v1/activities/" + activity + "/registrations", []string{"user_id"}},
				{"POST", "/api/v1/activities/" + activity + "/attendance", []string{"user_id"}},
				{"POST", "/api/v1/rooms/" + room + "/bookings", []string{"start", "end", "purpose"}},
				{"POST", "/api/v1/health-measurements", []string{"user_id", "kind", "taken_at"}},
				{"POST", "/api/v1/me/notifications/read", []string{"ids"}},
				{"POST", "/api/v1/help-requests", []string{"title", "description", "category", "needed_by", "on_behalf_of"}},
				{"POST", "/api/v1/help-requests/" + help + "/confirm", []string{"comment"}},
				{"POST", "/api/v1/timebank/transfers", []string{"from_user_id", "to_user_id", "to_phone", "memo"}},
				{"POST", "/api/v1/timebank/credits", []string{"user_id", "memo"}},
				{"POST", "/api/v1/posts", []string{"station_id", "kind", "title", "body", "photo_ids"}},
				{"POST", "/api/v1/posts/" + post + "/comments", []string{"body"}},
				{"POST", "/api/v1/posts/" + post + "/reports", []string{"reason"}},
				{"POST", "/api/v1/councils", []string{"station_id", "name", "kind"}},
				{"POST", "/api/v1/councils/" + council + "/members", []string{"user_id"}},
				// Teams and studios.
				{"POST", "/api/v1/teams", []string{"station_id", "name", "kind", "description", "leader_user_id", "photo_id"}},
				{"PATCH", "/api/v1/teams/" + team, []string{"photo_id"}},
				{"POST", "/api/v1/teams/" + team + "/members", []string{"user_id", "role"}},
				{"POST", "/api/v1/nominations", []string{"area_id", "user_id", "skill", "reason"}},
				{"POST", "/api/v1/councils/" + pollCouncil + "/polls", []string{"question", "options", "closes_at"}},
				{"POST", "/api/v1/polls/" + poll + "/votes", []string{"option_ids", "user_id"}},
				// Meetings, resolutions and proposals.
				{"POST", "/api/v1/councils/" + council + "/meetings", []string{"title", "start", "agenda"}},
				{"PATCH", "/api/v1/meetings/" + meeting, []string{"minutes", "resolutions"}},
				{"PUT", "/api/v1/meetings/" + meeting + "/attendance", []string{"user_ids"}},
				{"PATCH", "/api/v1/resolutions/" + resolution, []string{"status", "note"}},
				{"POST", "/api/v1/councils/" + council + "/proposals", []string{"title", "body"}},
				{"PATCH", "/api/v1/proposals/" + proposal, []string{"meeting_id", "outcome", "answer"}},
				{"POST", "/api/v1/me/close", []string{"password"}},
				// Families.
				{"POST", "/api/v1/me/dependents", []string{"name", "relation", "area_id"}},
				{"POST", "/api/v1/me/dependents/link", []string{"phone"}},
			}
			for _, b := range bodies {
				for _, field := range b.fields {
					for _, bad := range []struct{ name, json string }{{"invalid UTF-8", "\"书\xff\xfe\""}, {"NUL", `"书\u0000法"`}, {"a control character", `"\u0007"`}} {
						body := nest(field, bad.json)
						if strings.HasSuffix(field, "skills") || field == "roles" || field == "ids" || field == "station_ids" || field == "photo_ids" || field == "options" || field == "option_ids" ||
							field == "agenda" || field == "resolutions" || field == "user_ids" || strings.HasPrefix(field, "opening_hours") {
							body = nest(field, "["+bad.json+"]")
						}
						r := srv.Send(t, testserver.Request{Method: b.method, Path: b.path, Token: staff, Body: body})
						if r.Status != 422 {
							t.Errorf("%s %s with %s in %s: %d %s", b.method, b.path, bad.name, field, r.Status, r.Body)
							continue
						}
						wantError(t, r, 422, "validation_failed", field)
					}
				}
			}
			// Every form a control character or a lone surrogate can take
			// in JSON, raw or escaped, nested or in a list.
			for _, tc := range []struct {
				name, body, field string
			}{
				{"raw DEL", "{\"name\": \"del\x7fX\"}", "name"},
				{"raw C1", "{\"name\": \"a\xc2\x85b\"}", "name"},
				{"escaped DEL", `{"name": "a\u007fb"}`, "name"},
				{"escaped C1", `{"name": "a\u0085b"}`, "name"},
				{"escaped backspace", `{"name": "a\bb"}`, "name"},
				{"a lone high surrogate", `{"name": "a\ud800b"}`, "name"},
				{"a lone low surrogate", `{"name": "a\udc00"}`, "name"},
				{"a surrogate pair broken", `{"name": "\ud83d\u0041"}`, "name"},
				{"a right-to-left override", "{\"name\": \"李\u202e华建\"}", "name"},
				{"deep in an object", `{"emergency_contact": {"name": "x", "phone": "1\u00003"}}`, "emergency_contact.phone"},
				{"after a nested object", `{"emergency_contact": {"name": "x"}, "name": "\u0000"}`, "name"},
			} {
				r := srv.Send(t, testserver.Request{Method: "PATCH", Path: "/api/v1/me", Token: resident, Body: tc.body})
				if r.Status != 422 {
					t.Errorf("%s: %d %s", tc.name, r.Status, r.Body)
					continue
				}
				wantError(t, r, 422, "validation_failed", tc.field)
			}
			for _, good := range []string{`{"name": "\ud83d\ude00"}`, `{"name": "tab\tand\nline"}`, `{"name": "引号\"和\\斜杠"}`} {
				if r := srv.Send(t, testserver.Request{Method: "PATCH", Path: "/api/v1/me", Token: resident, Body: good}); r.Status != 200 {
					t.Errorf("%s: %d %s", good, r.Status, r.Body)
				}
			}
			// A key that is not text names the body.
			r := srv.Send(t, testserver.Request{Method: "PATCH", Path: "/api/v1/me", Token: resident, Body: "{\"\xff\": 1}"})
			wantError(t, r, 422, "validation_failed", "body")
		})

		t.Run("four-byte characters are kept as they are", func(t *testing.T) {
			staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
			name := "陈" + fourBytes
			r := srv.Do(t, "POST", "/api/v1/auth/register", "", map[string]any{"name": name, "phone": "13912348888", "password": "馨清佳苑的" + fourBytes, "area_id": srv.Station.Areas[0].ID.String()})
			if r.Status != 201 || r.JSON(t)["user"].(map[string]any)["name"] != name {
				t.Fatalf("register with a 4-byte name: %d %s", r.Status, r.Body)
			}
			token := srv.Login(t, "13912348888", "馨清佳苑的"+fourBytes)
			if got := srv.Do(t, "GET", "/api/v1/me", token, nil).JSON(t)["name"]; got != name {
				t.Fatalf("read back %q, want %q", got, name)
			}
			title := "剪纸" + fourBytes
			a := createActivity(t, srv, staff, map[string]any{"title": title, "description": strings.Repeat(fourBytes, 100)})
			if got := srv.Do(t, "GET", "/api/v1/activities/"+a["id"].(string), "", nil).JSON(t)["title"]; got != title {
				t.Fatalf("activity title read back %q", got)
			}
			list := items(t, srv.Do(t, "GET", "/api/v1/activities?q="+url.QueryEscape("剪纸"+fourBytes[:4]), "", nil))
			if len(list) != 1 {
				t.Fatalf("search by a 4-byte character found %d", len(list))
			}
		})
	})
}

// nest builds a JSON object with value at a dotted path: "a.b" → {"a":{"b":v}}.
func nest(path, value string) string {
	parts := strings.Split(path, ".")
	s := value
	for i := len(parts) - 1; i >= 0; i-- {
		s = fmt.Sprintf(`{%q: %s}`, parts[i], s)
	}
	return s
}

// TestPhotoUploadsRefused is the table of uploads that must be refused,
// each with its code, never a 5xx.
func TestPhotoUploadsRefused(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		srv := testserver.New(t, e)
		resident := srv.Login(t, testserver.ResidentPhone, testserver.Password)
		admin := srv.Login(t, testserver.AdminPhone, testserver.Password)
		other := srv.Do(t, "POST", "/api/v1/stations", admin, map[string]any{"name": "菊泉小站", "opening_hours": map[string][]string{"sat": {"09:00-12:00"}}}).JSON(t)["id"].(string)
		image := map[string]string{"Content-Type": "image/jpeg"}
		script, scriptHeader := photoForm(t, nil, "photo.jpg", []byte("<script>alert(document.cookie)</script>"))
		noPhoto, noPhotoHeader := photoForm(t, map[string]string{"title": "没有照片"}, "", nil)
		garbageStation, garbageStationHeader := photoForm(t, map[string]string{"station_id": "abc"}, "a.png", photoPNG(t, 4, 4))
		good := photoPNG(t, 40, 30)
		huge := strings.Repeat("x", guli.MaxPhotoBytes+200<<10)
		tests := []struct {
			name   string
			path   string
			token  string
			body   any
			header map[string]string
			status int
			code   string
		}{
			{"anonymous", "/api/v1/photos", "", good, image, 401, "unauthenticated"},
			{"a script named .jpg", "/api/v1/photos", resident, script, scriptHeader, 415, "unsupported_image"},
			{"a script sent as an image", "/api/v1/photos", resident, "<script>alert(1)</script>", image, 415, "unsupported_image"},
			{"JSON", "/api/v1/photos", resident, map[string]any{"photo": "aGVsbG8="}, nil, 415, "unsupported_image"},
			{"a form without a file", "/api/v1/photos", resident, "photo=abc", formHeader, 415, "unsupported_image"},
			{"no content type", "/api/v1/photos", resident, good, map[string]string{"Content-Type": ""}, 415, "unsupported_image"},
			{"an empty body", "/api/v1/photos", resident, "", image, 422, "validation_failed"},
			{"a multipart form without a photo", "/api/v1/photos", resident, noPhoto, noPhotoHeader, 422, "validation_failed"},
			{"multipart garbage", "/api/v1/photos", resident, "--x\r\ngarbage\xff\x00", map[string]string{"Content-Type": "multipart/form-data; boundary=x"}, 422, "validation_failed"},
			{"multipart without a boundary", "/api/v1/photos", resident, "garbage", map[string]string{"Content-Type": "multipart/form-data"}, 422, "validation_failed"},
			{"a truncated JPEG", "/api/v1/photos", resident, jpegHead(t), image, 415, "unsupported_image"},
			{"a decompression bomb", "/api/v1/photos", resident, bombPNG(), map[string]string{"Content-Type": "image/png"}, 422, "image_too_large"},
			{"a station that is not a number", "/api/v1/photos?station_id=abc", resident, good, image, 422, "validation_failed"},
			{"a station number too large", "/api/v1/photos?station_id=99999999999999999999", resident, good, image, 422, "validation_failed"},
			{"a garbage station in the form", "/api/v1/photos", resident, garbageStation, garbageStationHeader, 422, "validation_failed"},
			{"no such station", "/api/v1/photos?station_id=999999", resident, good, image, 404, "not_found"},
			{"another station", "/api/v1/photos?station_id=" + other, resident, good, image, 404, "not_found"},
			{"over 10 MB", "/api/v1/photos", resident, huge, image, 413, "body_too_large"},
		}
		for _, tt := range tests {
			r := srv.Send(t, testserver.Request{Method: "POST", Path: tt.path, Token: tt.token, Body: tt.body, Header: tt.header})
			if r.Status != tt.status || r.ErrorCode() != tt.code {
				t.Errorf("%s: %d %q, want %d %q: %.300s", tt.name, r.Status, r.ErrorCode(), tt.status, tt.code, r.Body)
			}
		}

		// Over the limit, the message says the photo's limit, not the API's,
		// in each language; and a body of unknown length is cut off there.
		for _, lang := range []string{"zh-CN", "en"} {
			r := srv.Send(t, testserver.Request{Method: "POST", Path: "/api/v1/photos", Token: resident, Body: huge,
				Header: map[string]string{"Content-Type": "image/jpeg", "Accept-Language": lang}})
			want := i18n.MustLoad().T(lang, "error.body_too_large.photo")
			if msg := r.JSON(t)["error"].(map[string]any)["message"]; msg != want || !strings.Contains(want, "10") {
				t.Errorf("%s: %q, want %q", lang, msg, want)
			}
		}
		req, _ := http.NewRequest("POST", srv.URL+"/api/v1/photos", &endlessReader{})
		req.Header.Set("Content-Type", "image/jpeg")
		req.Header.Set("Authorization", "Bearer "+resident)
		resp, err := srv.Client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 413 {
			t.Errorf("an endless body: %d, want 413", resp.StatusCode)
		}
	})
}

// endlessReader sends bytes for ever, of no stated length.
type endlessReader struct{}

func (endlessReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'x'
	}
	return len(p), nil
}

// jpegHead is the first half of a real JPEG.
func jpegHead(t testing.TB) []byte {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, image.NewGray(image.Rect(0, 0, 64, 64)), nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()[:buf.Len()/2]
}

// bombPNG is a PNG of a few bytes whose header claims 100000 × 100000.
func bombPNG() []byte {
	var buf bytes.Buffer
	png.Encode(&buf, image.NewGray(image.Rect(0, 0, 1, 1)))
	b := buf.Bytes()
	// IHDR's width and height, then its checksum made right again.
	copy(b[16:24], []byte{0, 1, 0x86, 0xA0, 0, 1, 0x86, 0xA0})
	crc := crc32.ChecksumIEEE(b[12:29])
	copy(b[29:33], []byte{byte(crc >> 24), byte(crc >> 16), byte(crc >> 8), byte(crc)})
	return b
}
