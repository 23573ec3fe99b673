package web_test

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"guli/internal/dbtest"
	"guli/internal/testserver"
)

// The shared space over HTTP: activities, room bookings, health checks,
// visits and the door check-in, notifications, calendars and search.

// wantError checks an error answer: its status, its code, a message, and,
// when field is set, that error.fields names the field with a translated
// reason. field may list alternatives separated by "|".
func wantError(t *testing.T, r *testserver.Response, status int, code, field string) {
	t.Helper()
	if r.Status != status || r.ErrorCode() != code {
		t.Fatalf("got %d %q, want %d %q: %.400s", r.Status, r.ErrorCode(), status, code, r.Body)
	}
	e := r.JSON(t)["error"].(map[string]any)
	if msg, _ := e["message"].(string); msg == "" || msg == "error."+code {
		t.Fatalf("no message for %s: %v", code, e)
	}
	if field == "" {
		return
	}
	fields, _ := e["fields"].(map[string]any)
	for _, f := range strings.Split(field, "|") {
		if msg, _ := fields[f].(string); msg != "" {
			if strings.HasPrefix(msg, "field.") {
				t.Fatalf("field %s has no translated reason: %q", f, msg)
			}
			return
		}
	}
	t.Fatalf("error.fields %v does not name %q: %s", fields, field, r.Body)
}

// badCase is a request that must be refused with a clear error.
type badCase struct {
	name   string
	method string
	path   string
	token  string
	body   any
	status int
	code   string
	field  string
}

func runBad(t *testing.T, srv *testserver.Server, cases []badCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := srv.Send(t, testserver.Request{Method: c.method, Path: c.path, Token: c.token, Body: c.body})
			wantError(t, r, c.status, c.code, c.field)
		})
	}
}

// with copies base and applies over; a nil value removes the key.
func with(base, over map[string]any) map[string]any {
	out := make(map[string]any, len(base)+len(over))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range over {
		if v == nil {
			delete(out, k)
		} else {
			out[k] = v
		}
	}
	return out
}

func myID(t *testing.T, srv *testserver.Server, token string) string {
	t.Helper()
	return srv.Do(t, "GET", "/api/v1/me", token, nil).JSON(t)["id"].(string)
}

func roomNamed(t *testing.T, srv *testserver.Server, name string) string {
	t.Helper()
	for _, r := range srv.Station.Rooms {
		if r.Name == name {
			return r.ID.String()
		}
	}
	t.Fatalf("the demo station has no room %s", name)
	return ""
}

func items(t *testing.T, r *testserver.Response) []map[string]any {
	t.Helper()
	if r.Status != http.StatusOK {
		t.Fatalf("list: %d %s", r.Status, r.Body)
	}
	var out []map[string]any
	for _, it := range r.JSON(t)["items"].([]any) {
		out = append(out, it.(map[string]any))
	}
	return out
}

func notifications(t *testing.T, srv *testserver.Server, token string) []map[string]any {
	t.Helper()
	return items(t, srv.Do(t, "GET", "/api/v1/me/notifications", token, nil))
}

const (
	chenMeidiPhone = "13800000009" // 陈美娣, born 1948, no emergency contact
)

// TestSharedSpaceBadInput sends malformed and out-of-range input to every
// shared-space endpoint: each gets a clear 4xx with its code and the field
// at fault, never a 5xx.
func TestSharedSpaceBadInput(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		srv := testserver.New(t, e)
		st := srv.Station.ID.String()
		staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
		admin := srv.Login(t, testserver.AdminPhone, testserver.Password)
		resident := srv.Login(t, testserver.ResidentPhone, testserver.Password)
		residentID := myID(t, srv, resident)
		hall := roomNamed(t, srv, "议事厅")

		// A room of another station.
		r := srv.Do(t, "POST", "/api/v1/stations", admin, map[string]any{"name": "顾里二站", "address": "菊泉街",
			"opening_hours": map[string][]string{"wed": {"09:00-17:00"}}})
		if r.Status != 201 {
			t.Fatalf("second station: %d %s", r.Status, r.Body)
		}
		other := r.JSON(t)["id"].(string)
		wantError(t, srv.Do(t, "POST", "/api/v1/stations/"+other+"/rooms", staff, map[string]any{"name": "活动室", "capacity": 10}), 404, "not_found", "")
		r = srv.Do(t, "POST", "/api/v1/stations/"+other+"/rooms", admin, map[string]any{"name": "活动室", "capacity": 10})
		if r.Status != 201 {
			t.Fatalf("room of the second station: %d %s", r.Status, r.Body)
		}
		otherRoom := r.JSON(t)["id"].(string)

		t.Run("activities", func(t *testing.T) {
			start, end := nextOpen(time.Sunday, "10:00"), nextOpen(time.Sunday, "11:00")
			base := map[string]any{"station_id": st, "title": "剪纸兴趣班", "description": "红纸剪窗花", "category": "class",
				"start": rfc(start), "end": rfc(end), "capacity": 10}
			p := "/api/v1/activities"
			bad := func(name string, over map[string]any, field string) badCase {
				return badCase{name, "POST", p, staff, with(base, over), 422, "validation_failed", field}
			}
			runBad(t, srv, []badCase{
				bad("missing title", map[string]any{"title": nil}, "title"),
				bad("blank title", map[string]any{"title": "   "}, "title"),
				bad("title too long", map[string]any{"title": strings.Repeat("剪", 101)}, "title"),
				bad("description too long", map[string]any{"description": strings.Repeat("剪", 5001)}, "description"),
				bad("missing category", map[string]any{"category": nil}, "category"),
				bad("bad category", map[string]any{"category": "party"}, "category"),
				bad("missing start", map[string]any{"start": nil}, "start"),
				bad("missing end", map[string]any{"end": nil}, "end"),
				bad("missing station", map[string]any{"station_id": nil}, "station_id"),
				bad("start with a space", map[string]any{"start": start.Format("2006-01-02 15:04")}, "start"),
				bad("start without offset", map[string]any{"start": start.Format("2006-01-02T15:04:05")}, "start"),
				bad("start a bare date", map[string]any{"start": start.Format("2006-01-02")}, "start"),
				bad("end a clock time", map[string]any{"end": "11:00"}, "end"),
				bad("start on 30 February", map[string]any{"start": "2031-02-30T10:00:00+08:00", "end": "2031-03-02T11:00:00+08:00"}, "start"),
				bad("end equals start", map[string]any{"end": rfc(start)}, "end"),
				bad("end before start", map[string]any{"end": rfc(start.Add(-time.Hour))}, "end"),
				bad("span over a week", map[string]any{"end": rfc(start.AddDate(0, 0, 8))}, "end"),
				bad("negative capacity", map[string]any{"capacity": -1}, "capacity"),
				bad("capacity too large", map[string]any{"capacity": 10001}, "capacity"),
				bad("capacity beyond int", map[string]any{"capacity": 1e20}, "capacity"),
				bad("weekly_count 0", map[string]any{"repeat": map[string]any{"weekly_count": 0}}, "repeat|repeat.weekly_count"),
				bad("weekly_count 53", map[string]any{"repeat": map[string]any{"weekly_count": 53}}, "repeat|repeat.weekly_count"),
				bad("weekly_count negative", map[string]any{"repeat": map[string]any{"weekly_count": -3}}, "repeat|repeat.weekly_count"),
				bad("unknown station_id", map[string]any{"station_id": "999999"}, "station_id"),
				bad("malformed station_id", map[string]any{"station_id": "顾里"}, "station_id"),
				bad("unknown room", map[string]any{"room_id": "999999"}, "room_id"),
				bad("room of another station", map[string]any{"room_id": otherRoom}, "room_id"),
				bad("unknown host", map[string]any{"host_id": "999999"}, "host_id"),
				bad("age_rule 0", map[string]any{"age_rule": map[string]any{"emergency_contact_from_age": 0}}, "age_rule"),
				bad("age_rule negative", map[string]any{"age_rule": map[string]any{"emergency_contact_from_age": -70}}, "age_rule"),
				bad("age_rule 151", map[string]any{"age_rule": map[string]any{"emergency_contact_from_age": 151}}, "age_rule"),
				bad("title a number", map[string]any{"title": 5}, "title"),
				bad("capacity a string", map[string]any{"capacity": "20"}, "capacity"),
				bad("start a number", map[string]any{"start": 1700000000}, "start"),
				bad("station_id a boolean", map[string]any{"station_id": true}, "station_id"),
				bad("age_rule a number", map[string]any{"age_rule": 70}, "age_rule"),
				bad("weekly_count a string", map[string]any{"repeat": map[string]any{"weekly_count": "2"}}, "repeat.weekly_count|repeat"),
				{"not JSON", "POST", p, staff, `{"title": "剪纸`, 400, "bad_json", ""},
				{"JSON array", "POST", p, staff, `[{"title": "剪纸"}]`, 400, "bad_json", ""},
				{"JSON string", "POST", p, staff, `"剪纸"`, 400, "bad_json", ""},
				{"signed out", "POST", p, "", base, 401, "unauthenticated", ""},
				{"a resident", "POST", p, resident, base, 403, "forbidden", ""},
				// Holding a room: closed on Monday, before nine.
				{"room on a Monday", "POST", p, staff, with(base, map[string]any{"room_id": hall,
					"start": rfc(nextOpen(time.Monday, "10:00")), "end": rfc(nextOpen(time.Monday, "11:00"))}), 422, "outside_opening_hours", ""},
				{"room at eight", "POST", p, staff, with(base, map[string]any{"room_id": hall,
					"start": rfc(nextOpen(time.Sunday, "08:00")), "end": rfc(nextOpen(time.Sunday, "09:00"))}), 422, "outside_opening_hours", ""},
			})
			// The edges that are allowed.
			for _, over := range []map[string]any{
				{"capacity": 0}, {"capacity": 10000},
				{"age_rule": map[string]any{"emergency_contact_from_age": 1}},
				{"age_rule": map[string]any{"emergency_contact_from_age": 150}},
				{"repeat": map[string]any{"weekly_count": 1}},
				{"title": strings.Repeat("剪", 100), "end": rfc(start.AddDate(0, 0, 7))},
			} {
				if r := srv.Do(t, "POST", p, staff, with(base, over)); r.Status != 201 {
					t.Errorf("%v: %d %s", over, r.Status, r.Body)
				}
			}
			r := srv.Do(t, "POST", p, staff, with(base, map[string]any{"repeat": map[string]any{"weekly_count": 52}}))
			if r.Status != 201 || len(r.JSON(t)["items"].([]any)) != 52 {
				t.Errorf("weekly_count 52: %d %.300s", r.Status, r.Body)
			}
		})

		t.Run("activity list", func(t *testing.T) {
			p := "/api/v1/activities?station_id=" + st
			twoParts := base64.RawURLEncoding.EncodeToString([]byte("soon\x1fabc"))
			onePart := base64.RawURLEncoding.EncodeToString([]byte("12345"))
			runBad(t, srv, []badCase{
				{"from not a time", "GET", p + "&from=yesterday", "", nil, 422, "validation_failed", "from"},
				{"from without offset", "GET", p + "&from=2030-01-01T09:00:00", "", nil, 422, "validation_failed", "from"},
				{"to not a date", "GET", p + "&to=2030-13-01", "", nil, 422, "validation_failed", "to"},
				{"unknown category", "GET", p + "&category=party", "", nil, 422, "validation_failed", "category"},
				{"limit 0", "GET", p + "&limit=0", "", nil, 422, "validation_failed", "limit"},
				{"limit negative", "GET", p + "&limit=-5", "", nil, 422, "validation_failed", "limit"},
				{"limit not a number", "GET", p + "&limit=ten", "", nil, 422, "validation_failed", "limit"},
				{"cursor not base64", "GET", p + "&cursor=%25%25", "", nil, 422, "validation_failed", "cursor"},
				{"cursor of non-numbers", "GET", p + "&cursor=" + twoParts, "", nil, 422, "validation_failed", "cursor"},
				{"cursor of one part", "GET", p + "&cursor=" + onePart, "", nil, 422, "validation_failed", "cursor"},
				{"cursor too long", "GET", p + "&cursor=" + strings.Repeat("A", 600), "", nil, 422, "validation_failed", "cursor"},
				{"query too long", "GET", p + "&q=" + url.QueryEscape(strings.Repeat("血压", 26)), "", nil, 422, "validation_failed", "q"},
			})
			for _, ok := range []string{"&limit=1", "&limit=1000", "&category=service", "&from=2030-01-01", "&q=" + url.QueryEscape("！？"), "&station_id=999999"} {
				if r := srv.Do(t, "GET", p+ok, "", nil); r.Status != 200 {
					t.Errorf("%s: %d %s", ok, r.Status, r.Body)
				}
			}
		})

		t.Run("bookings", func(t *testing.T) {
			p := "/api/v1/rooms/" + hall + "/bookings"
			at := func(day time.Weekday, from, to string) map[string]any {
				return map[string]any{"start": rfc(nextOpen(day, from)), "end": rfc(nextOpen(day, to)), "purpose": "楼组长例会"}
			}
			ok := at(time.Thursday, "10:00", "11:00")
			bad := func(name string, over map[string]any, field string) badCase {
				return badCase{name, "POST", p, resident, with(ok, over), 422, "validation_failed", field}
			}
			// A closure day: a Friday a week after the next one.
			closed := nextOpen(time.Friday, "15:00").AddDate(0, 0, 7)
			r := srv.Do(t, "POST", "/api/v1/stations/"+st+"/closures", staff, map[string]any{"date": closed.Format("2006-01-02"), "reason": "设备检修"})
			if r.Status != 201 {
				t.Fatalf("closure: %d %s", r.Status, r.Body)
			}
			past := nextOpen(time.Thursday, "10:00").AddDate(0, 0, -14)
			runBad(t, srv, []badCase{
				bad("start not a time", map[string]any{"start": "明天上午"}, "start"),
				bad("end without offset", map[string]any{"end": nextOpen(time.Thursday, "11:00").Format("2006-01-02T15:04:05")}, "end"),
				bad("missing start", map[string]any{"start": nil}, "start"),
				bad("missing end", map[string]any{"end": ""}, "end"),
				bad("end before start", map[string]any{"end": rfc(nextOpen(time.Thursday, "09:30"))}, "end"),
				bad("end equals start", map[string]any{"end": ok["start"]}, "end"),
				bad("in the past", map[string]any{"start": rfc(past), "end": rfc(past.Add(time.Hour))}, "start"),
				bad("missing purpose", map[string]any{"purpose": nil}, "purpose"),
				bad("blank purpose", map[string]any{"purpose": "  "}, "purpose"),
				bad("purpose too long", map[string]any{"purpose": strings.Repeat("议", 201)}, "purpose"),
				bad("start a number", map[string]any{"start": 10}, "start"),
				{"a Monday", "POST", p, resident, at(time.Monday, "10:00", "11:00"), 422, "outside_opening_hours", ""},
				{"at eight", "POST", p, resident, at(time.Thursday, "08:00", "09:00"), 422, "outside_opening_hours", ""},
				{"over closing time", "POST", p, resident, at(time.Thursday, "16:30", "17:30"), 422, "outside_opening_hours", ""},
				{"overnight", "POST", p, resident, map[string]any{"start": rfc(nextOpen(time.Thursday, "16:00")), "end": rfc(nextOpen(time.Thursday, "16:00").Add(18 * time.Hour)), "purpose": "通宵"}, 422, "booking_too_long", ""},
				{"overnight by staff", "POST", p, staff, map[string]any{"start": rfc(nextOpen(time.Thursday, "16:00")), "end": rfc(nextOpen(time.Thursday, "16:00").Add(18 * time.Hour)), "purpose": "通宵"}, 422, "outside_opening_hours", ""},
				{"in the year 2099", "POST", p, resident, map[string]any{"start": "2099-01-07T10:00:00+08:00", "end": "2099-01-07T11:00:00+08:00", "purpose": "占位"}, 422, "booking_too_far", ""},
				{"a closure day", "POST", p, resident, map[string]any{"start": rfc(closed), "end": rfc(closed.Add(time.Hour)), "purpose": "排练"}, 422, "outside_opening_hours", ""},
				{"unknown room", "POST", "/api/v1/rooms/999999/bookings", resident, ok, 404, "not_found", ""},
				{"malformed room", "POST", "/api/v1/rooms/abc/bookings", resident, ok, 404, "not_found", ""},
				{"not JSON", "POST", p, resident, "start=10:00", 400, "bad_json", ""},
				{"signed out", "POST", p, "", ok, 401, "unauthenticated", ""},
				{"list from not a time", "GET", p + "?from=soon", "", nil, 422, "validation_failed", "from"},
				{"list of an unknown room", "GET", "/api/v1/rooms/999999/bookings", "", nil, 404, "not_found", ""},
				{"cancel an unknown booking", "DELETE", "/api/v1/bookings/999999", resident, nil, 404, "not_found", ""},
			})
			// The same hour a week after the closure is open; the good
			// booking goes through, and a second one of it conflicts.
			later := closed.AddDate(0, 0, 7)
			if r := srv.Do(t, "POST", p, resident, map[string]any{"start": rfc(later), "end": rfc(later.Add(time.Hour)), "purpose": "排练"}); r.Status != 201 {
				t.Fatalf("the Friday after the closure: %d %s", r.Status, r.Body)
			}
			if r := srv.Do(t, "POST", p, resident, ok); r.Status != 201 {
				t.Fatalf("a good booking: %d %s", r.Status, r.Body)
			}
			wantError(t, srv.Do(t, "POST", p, resident, ok), 409, "booking_conflict", "")
			// Exactly the opening hours fit.
			if r := srv.Do(t, "POST", p, resident, at(time.Sunday, "09:00", "10:00")); r.Status != 201 {
				t.Fatalf("09:00–10:00: %d %s", r.Status, r.Body)
			}
			if r := srv.Do(t, "POST", p, resident, at(time.Sunday, "16:00", "17:00")); r.Status != 201 {
				t.Fatalf("16:00–17:00: %d %s", r.Status, r.Body)
			}
		})

		t.Run("health measurements", func(t *testing.T) {
			p := "/api/v1/health-measurements"
			bp := func(sys, dia int) map[string]any {
				return map[string]any{"user_id": residentID, "kind": "blood_pressure", "systolic": sys, "diastolic": dia}
			}
			temp := func(c float64) map[string]any {
				return map[string]any{"user_id": residentID, "kind": "temperature", "celsius": c}
			}
			bad := func(name string, body map[string]any, field string) badCase {
				return badCase{name, "POST", p, staff, body, 422, "validation_failed", field}
			}
			runBad(t, srv, []badCase{
				bad("systolic 49", bp(49, 40), "systolic"),
				bad("systolic 261", bp(261, 90), "systolic"),
				bad("diastolic 29", bp(120, 29), "diastolic"),
				bad("diastolic 201", bp(250, 201), "diastolic"),
				bad("diastolic equals systolic", bp(120, 120), "diastolic"),
				bad("diastolic above systolic", bp(90, 120), "diastolic"),
				bad("pulse 29", with(bp(120, 80), map[string]any{"pulse": 29}), "pulse"),
				bad("pulse 221", with(bp(120, 80), map[string]any{"pulse": 221}), "pulse"),
				bad("missing systolic", with(bp(120, 80), map[string]any{"systolic": nil}), "systolic"),
				bad("missing diastolic", with(bp(120, 80), map[string]any{"diastolic": nil}), "diastolic"),
				bad("temperature 33.9", temp(33.9), "celsius"),
				bad("temperature 43.1", temp(43.1), "celsius"),
				bad("temperature missing", with(temp(36.5), map[string]any{"celsius": nil}), "celsius"),
				bad("missing kind", with(bp(120, 80), map[string]any{"kind": nil}), "kind"),
				bad("unknown kind", with(bp(120, 80), map[string]any{"kind": "weight"}), "kind"),
				bad("missing user_id", with(bp(120, 80), map[string]any{"user_id": nil}), "user_id"),
				bad("unknown user_id", with(bp(120, 80), map[string]any{"user_id": "999999"}), "user_id"),
				bad("malformed user_id", with(bp(120, 80), map[string]any{"user_id": "李建华"}), "user_id"),
				bad("taken_at in the future", with(bp(120, 80), map[string]any{"taken_at": rfc(time.Now().Add(time.Hour))}), "taken_at"),
				bad("taken_at over a year ago", with(bp(120, 80), map[string]any{"taken_at": rfc(time.Now().AddDate(-1, 0, -2))}), "taken_at"),
				bad("taken_at not a time", with(bp(120, 80), map[string]any{"taken_at": "上周三"}), "taken_at"),
				bad("systolic a string", with(bp(120, 80), map[string]any{"systolic": "120"}), "systolic"),
				bad("systolic a fraction", with(bp(120, 80), map[string]any{"systolic": 120.5}), "systolic"),
				bad("celsius a string", with(temp(36.5), map[string]any{"celsius": "36.5"}), "celsius"),
				{"not JSON", "POST", p, staff, "120/80", 400, "bad_json", ""},
				{"a resident", "POST", p, resident, bp(120, 80), 403, "forbidden", ""},
				{"signed out", "POST", p, "", bp(120, 80), 401, "unauthenticated", ""},
			})
			// Both edges of each range are allowed.
			for _, body := range []map[string]any{bp(50, 30), bp(260, 200), with(bp(120, 80), map[string]any{"pulse": 30}),
				with(bp(120, 80), map[string]any{"pulse": 220}), temp(34.0), temp(43.0)} {
				if r := srv.Do(t, "POST", p, staff, body); r.Status != 201 {
					t.Errorf("%v: %d %s", body, r.Status, r.Body)
				}
			}
		})

		t.Run("visits", func(t *testing.T) {
			p := "/api/v1/stations/" + st + "/visits"
			bad := func(name string, body any, field string) badCase {
				return badCase{name, "POST", p, staff, body, 422, "validation_failed", field}
			}
			runBad(t, srv, []badCase{
				bad("count 0", map[string]any{"count": 0}, "count"),
				bad("count negative", map[string]any{"count": -2}, "count"),
				bad("count 501", map[string]any{"count": 501}, "count"),
				bad("count a string", map[string]any{"count": "two"}, "count"),
				bad("bad purpose", map[string]any{"purpose": "shopping"}, "purpose"),
				bad("unknown user_id", map[string]any{"user_id": "999999"}, "user_id"),
				bad("a named visit of two", map[string]any{"user_id": residentID, "count": 2}, "count"),
				{"unknown station", "POST", "/api/v1/stations/999999/visits", staff, map[string]any{"count": 1}, 404, "not_found", ""},
				{"malformed station", "POST", "/api/v1/stations/abc/visits", staff, map[string]any{"count": 1}, 404, "not_found", ""},
				{"not JSON", "POST", p, staff, "count=1", 400, "bad_json", ""},
				{"a resident", "POST", p, resident, map[string]any{"count": 1}, 403, "forbidden", ""},
			})
			for _, body := range []map[string]any{{}, {"count": 1}, {"count": 500, "purpose": "activity"}, {"user_id": residentID, "purpose": "health_check"}} {
				if r := srv.Do(t, "POST", p, staff, body); r.Status != 201 {
					t.Errorf("%v: %d %s", body, r.Status, r.Body)
				}
			}
		})

		t.Run("checkin", func(t *testing.T) {
			p := "/api/v1/stations/" + st + "/checkin"
			code := srv.Do(t, "GET", "/api/v1/stations/"+st+"/checkin-code", staff, nil).JSON(t)["code"].(string)
			n, _ := strconv.Atoi(code)
			wrong := fmt.Sprintf("%06d", (n+1)%1_000_000)
			runBad(t, srv, []badCase{
				{"empty code", "POST", p, resident, map[string]any{"code": ""}, 422, "validation_failed", "code"},
				{"no code", "POST", p, resident, map[string]any{}, 422, "validation_failed", "code"},
				{"code a number", "POST", p, resident, map[string]any{"code": n}, 422, "validation_failed", "code"},
				{"wrong code", "POST", p, resident, map[string]any{"code": wrong}, 422, "invalid_code", ""},
				{"code of letters", "POST", p, resident, map[string]any{"code": "abcdef"}, 422, "invalid_code", ""},
				{"unknown station", "POST", "/api/v1/stations/999999/checkin", resident, map[string]any{"code": code}, 404, "not_found", ""},
				{"not JSON", "POST", p, resident, code, 400, "bad_json", ""},
				{"signed out", "POST", p, "", map[string]any{"code": code}, 401, "unauthenticated", ""},
				{"code of an unknown station", "GET", "/api/v1/stations/999999/checkin-code", staff, nil, 404, "not_found", ""},
				{"png of an unknown station", "GET", "/api/v1/stations/999999/checkin-code.png", staff, nil, 404, "not_found", ""},
				{"code for a resident", "GET", "/api/v1/stations/" + st + "/checkin-code", resident, nil, 403, "forbidden", ""},
			})

			// Guessing: ten wrong codes, then 429 with Retry-After.
			_, guesser := srv.Register(t, "猜码的人", "13912300001")
			for i := range 10 {
				r := srv.Do(t, "POST", p, guesser, map[string]any{"code": fmt.Sprintf("%06d", (n+1+i)%1_000_000)})
				if r.Status != 422 || r.ErrorCode() != "invalid_code" {
					t.Fatalf("wrong code %d: %d %s", i+1, r.Status, r.Body)
				}
			}
			r := srv.Do(t, "POST", p, guesser, map[string]any{"code": wrong})
			wantError(t, r, 429, "rate_limited", "")
			if s, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || s < 1 {
				t.Fatalf("Retry-After %q", r.Header.Get("Retry-After"))
			}
			// Someone else is not held up by it.
			if r := srv.Do(t, "POST", p, resident, map[string]any{"code": code}); r.Status != 201 {
				t.Fatalf("another resident's check-in: %d %s", r.Status, r.Body)
			}
		})
	})
}

// TestSharedSpaceActivityRules proves the business rules of registration,
// cancellation and who may run an activity.
func TestSharedSpaceActivityRules(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		srv := testserver.New(t, e)
		staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
		staffID := myID(t, srv, staff)
		admin := srv.Login(t, testserver.AdminPhone, testserver.Password)
		li := srv.Login(t, testserver.ResidentPhone, testserver.Password)
		liID := myID(t, srv, li)
		chen := srv.Login(t, chenMeidiPhone, testserver.Password)
		chenID := myID(t, srv, chen)
		reg := func(id string) string { return "/api/v1/activities/" + id + "/registrations" }

		t.Run("cancelled", func(t *testing.T) {
			a := createActivity(t, srv, staff, map[string]any{"title": "停办的讲座"})["id"].(string)
			if r := srv.Do(t, "DELETE", "/api/v1/activities/"+a, staff, nil); r.Status != 204 {
				t.Fatalf("cancel: %d %s", r.Status, r.Body)
			}
			wantError(t, srv.Do(t, "POST", reg(a), li, nil), 422, "activity_cancelled", "")
			wantError(t, srv.Do(t, "POST", reg(a), staff, map[string]any{"user_id": liID}), 422, "activity_cancelled", "")
			if r := srv.Do(t, "DELETE", "/api/v1/activities/"+a, staff, nil); r.Status != 204 {
				t.Fatalf("cancelling twice: %d %s", r.Status, r.Body)
			}
		})

		t.Run("started", func(t *testing.T) {
			now := time.Now()
			for name, span := range map[string][2]time.Time{
				"under way":        {now.Add(-2 * time.Second), now.Add(time.Hour)},
				"over":             {now.Add(-3 * time.Hour), now.Add(-2 * time.Hour)},
				"started just now": {now.Add(-time.Minute), now.Add(time.Minute)},
			} {
				a := createActivity(t, srv, staff, map[string]any{"title": "已开始的活动", "start": rfc(span[0]), "end": rfc(span[1])})["id"].(string)
				r := srv.Do(t, "POST", reg(a), li, nil)
				if r.Status != 422 || r.ErrorCode() != "activity_started" {
					t.Errorf("%s: %d %s", name, r.Status, r.Body)
				}
			}
		})

		t.Run("age rule", func(t *testing.T) {
			a := createActivity(t, srv, staff, map[string]any{"title": "登山健步走", "category": "event",
				"age_rule": map[string]any{"emergency_contact_from_age": 70}})
			if a["age_rule"].(map[string]any)["emergency_contact_from_age"].(float64) != 70 {
				t.Fatalf("age rule %v", a["age_rule"])
			}
			id := a["id"].(string)
			wantError(t, srv.Do(t, "POST", reg(id), chen, nil), 422, "emergency_contact_required", "")
			// Staff cannot bypass the rule on her behalf either.
			wantError(t, srv.Do(t, "POST", reg(id), staff, map[string]any{"user_id": chenID}), 422, "emergency_contact_required", "")
			r := srv.Do(t, "PATCH", "/api/v1/me", chen, map[string]any{"emergency_contact": map[string]string{"name": "陈女儿", "phone": "13700009999"}})
			if r.Status != 200 {
				t.Fatalf("set contact: %d %s", r.Status, r.Body)
			}
			r = srv.Do(t, "POST", reg(id), chen, nil)
			if r.Status != 201 || r.JSON(t)["status"] != "confirmed" {
				t.Fatalf("with a contact: %d %s", r.Status, r.Body)
			}
			if r := srv.Do(t, "POST", reg(id), li, nil); r.Status != 201 {
				t.Fatalf("李建华, who has a contact: %d %s", r.Status, r.Body)
			}
			wantError(t, srv.Do(t, "POST", reg(id), li, nil), 409, "already_registered", "")
			wantError(t, srv.Do(t, "POST", reg(id), staff, map[string]any{"user_id": liID}), 409, "already_registered", "")
			detail := srv.Do(t, "GET", "/api/v1/activities/"+id, li, nil).JSON(t)
			if detail["confirmed_count"].(float64) != 2 || detail["my_registration"].(map[string]any)["status"] != "confirmed" {
				t.Fatalf("detail %v", detail)
			}
			// A younger resident without a contact needs none.
			_, young := srv.Register(t, "年轻邻居", "13912300002")
			if r := srv.Do(t, "POST", reg(id), young, nil); r.Status != 201 {
				t.Fatalf("a resident of unknown age: %d %s", r.Status, r.Body)
			}
		})

		t.Run("on behalf", func(t *testing.T) {
			title := "社区电影放映"
			a := createActivity(t, srv, staff, map[string]any{"title": title, "category": "event"})["id"].(string)
			subjectID, subject := srv.Register(t, "没有智能手机的居民", "13912300003")
			_, neighbour := srv.Register(t, "热心邻居", "13912300004")
			// Someone who is not one's dependent is not there (invariant 7).
			wantError(t, srv.Do(t, "POST", reg(a), neighbour, map[string]any{"user_id": subjectID}), 404, "not_found", "")
			wantError(t, srv.Do(t, "POST", reg(a), li, map[string]any{"user_id": chenID}), 404, "not_found", "")
			wantError(t, srv.Do(t, "POST", reg(a), staff, map[string]any{"user_id": "999999"}), 422, "validation_failed", "user_id")
			wantError(t, srv.Do(t, "POST", reg("999999"), staff, map[string]any{"user_id": subjectID}), 404, "not_found", "")
			wantError(t, srv.Do(t, "POST", reg(a), staff, `{"user_id": `), 400, "bad_json", "")

			r := srv.Do(t, "POST", reg(a), staff, map[string]any{"user_id": subjectID})
			if r.Status != 201 || r.JSON(t)["status"] != "confirmed" {
				t.Fatalf("on behalf: %d %s", r.Status, r.Body)
			}
			// A resident sending their own id is just registering.
			if r := srv.Do(t, "POST", reg(a), neighbour, map[string]any{"user_id": myID(t, srv, neighbour)}); r.Status != 201 {
				t.Fatalf("own user_id: %d %s", r.Status, r.Body)
			}
			var found bool
			for _, e := range items(t, srv.Do(t, "GET", "/api/v1/audit?user_id="+subjectID, admin, nil)) {
				if e["action"] == "registration.on_behalf" && e["subject_id"] == subjectID && e["actor_id"] == staffID {
					found = true
				}
			}
			if !found {
				t.Fatalf("no registration.on_behalf audit entry about %s", subjectID)
			}
			found = false
			for _, e := range items(t, srv.Do(t, "GET", "/api/v1/audit", admin, nil)) {
				found = found || (e["action"] == "registration.on_behalf" && e["subject_id"] == subjectID)
			}
			if !found {
				t.Fatal("the admin's whole audit log lacks the on-behalf registration")
			}
			ns := notifications(t, srv, subject)
			if len(ns) != 1 || ns[0]["kind"] != "registered_by_staff" || !strings.Contains(ns[0]["title"].(string), title) || ns[0]["read"] != false {
				t.Fatalf("the resident's notifications: %v", ns)
			}
			if ns := notifications(t, srv, neighbour); len(ns) != 0 {
				t.Fatalf("registering oneself notifies: %v", ns)
			}
		})

		t.Run("cancelling notifies and frees the room", func(t *testing.T) {
			hall := roomNamed(t, srv, "议事厅")
			start, end := nextOpen(time.Sunday, "10:00"), nextOpen(time.Sunday, "11:00")
			title := "垃圾分类宣讲"
			a := createActivity(t, srv, staff, map[string]any{"title": title, "category": "event", "room_id": hall,
				"start": rfc(start), "end": rfc(end)})["id"].(string)
			ids, tokens := residents(t, srv, 3)
			for i := range tokens {
				if r := srv.Do(t, "POST", reg(a), tokens[i], nil); r.Status != 201 {
					t.Fatalf("register %d: %d %s", i, r.Status, r.Body)
				}
			}
			// One gives up her place first: she is not told of the cancellation.
			if r := srv.Do(t, "DELETE", reg(a)+"/me", tokens[2], nil); r.Status != 204 {
				t.Fatalf("give up a place: %d %s", r.Status, r.Body)
			}
			booking := map[string]any{"start": rfc(start.Add(30 * time.Minute)), "end": rfc(end), "purpose": "借用议事厅"}
			wantError(t, srv.Do(t, "POST", "/api/v1/rooms/"+hall+"/bookings", li, booking), 409, "booking_conflict", "")
			wantError(t, srv.Do(t, "DELETE", "/api/v1/activities/"+a, li, nil), 403, "forbidden", "")
			wantError(t, srv.Do(t, "DELETE", "/api/v1/activities/999999", staff, nil), 404, "not_found", "")
			if r := srv.Do(t, "DELETE", "/api/v1/activities/"+a, staff, nil); r.Status != 204 {
				t.Fatalf("cancel: %d %s", r.Status, r.Body)
			}
			if got := srv.Do(t, "GET", "/api/v1/activities/"+a, "", nil).JSON(t)["status"]; got != "cancelled" {
				t.Fatalf("status after cancelling: %v", got)
			}
			for i := range 2 {
				ns := notifications(t, srv, tokens[i])
				if len(ns) != 1 || ns[0]["kind"] != "activity_cancelled" || !strings.Contains(ns[0]["title"].(string), title) {
					t.Fatalf("registrant %s's notifications: %v", ids[i], ns)
				}
			}
			if ns := notifications(t, srv, tokens[2]); len(ns) != 0 {
				t.Fatalf("someone who had cancelled was told: %v", ns)
			}
			if r := srv.Do(t, "POST", "/api/v1/rooms/"+hall+"/bookings", li, booking); r.Status != 201 {
				t.Fatalf("the room after the cancellation: %d %s", r.Status, r.Body)
			}
		})

		t.Run("talent", func(t *testing.T) {
			talent := srv.Login(t, testserver.TalentPhone, testserver.Password)
			talentID := myID(t, srv, talent)
			own := createActivity(t, srv, talent, map[string]any{"title": "合唱声部练习"})
			if own["host_id"] != talentID {
				t.Fatalf("a talent's activity has host %v, want %s", own["host_id"], talentID)
			}
			if r := srv.Do(t, "POST", "/api/v1/activities", talent, map[string]any{"station_id": srv.Station.ID.String(), "title": "合唱加练",
				"category": "class", "start": rfc(nextOpen(time.Thursday, "14:00")), "end": rfc(nextOpen(time.Thursday, "15:00")), "host_id": talentID}); r.Status != 201 {
				t.Fatalf("a talent naming themself as host: %d %s", r.Status, r.Body)
			}
			wantError(t, srv.Do(t, "POST", "/api/v1/activities", talent, map[string]any{"station_id": srv.Station.ID.String(), "title": "冒名的课",
				"category": "class", "start": rfc(nextOpen(time.Thursday, "14:00")), "end": rfc(nextOpen(time.Thursday, "15:00")), "host_id": staffID}), 403, "forbidden", "")
			ownID := own["id"].(string)
			if r := srv.Do(t, "POST", reg(ownID), li, nil); r.Status != 201 {
				t.Fatalf("register: %d %s", r.Status, r.Body)
			}
			roster := items(t, srv.Do(t, "GET", reg(ownID), talent, nil))
			if len(roster) != 1 || roster[0]["user_id"] != liID || roster[0]["checked_in"] != false {
				t.Fatalf("roster %v", roster)
			}
			if r := srv.Do(t, "POST", "/api/v1/activities/"+ownID+"/attendance", talent, map[string]any{"user_id": liID}); r.Status != 201 {
				t.Fatalf("check in at own activity: %d %s", r.Status, r.Body)
			}
			if roster := items(t, srv.Do(t, "GET", reg(ownID), talent, nil)); roster[0]["checked_in"] != true {
				t.Fatalf("roster after check-in %v", roster)
			}
			wantError(t, srv.Do(t, "POST", "/api/v1/activities/"+ownID+"/attendance", talent, map[string]any{"user_id": "999999"}), 422, "validation_failed", "user_id")
			wantError(t, srv.Do(t, "POST", "/api/v1/activities/"+ownID+"/attendance", talent, map[string]any{}), 422, "validation_failed", "user_id")

			others := createActivity(t, srv, staff, map[string]any{"title": "别人的课"})["id"].(string)
			wantError(t, srv.Do(t, "GET", reg(others), talent, nil), 403, "forbidden", "")
			wantError(t, srv.Do(t, "POST", "/api/v1/activities/"+others+"/attendance", talent, map[string]any{"user_id": liID}), 403, "forbidden", "")
			wantError(t, srv.Do(t, "DELETE", "/api/v1/activities/"+others, talent, nil), 403, "forbidden", "")
			wantError(t, srv.Do(t, "GET", reg(ownID), li, nil), 403, "forbidden", "")
			wantError(t, srv.Do(t, "GET", reg("999999"), staff, nil), 404, "not_found", "")
			// The host may cancel their own.
			if r := srv.Do(t, "DELETE", "/api/v1/activities/"+ownID, talent, nil); r.Status != 204 {
				t.Fatalf("host cancels own: %d %s", r.Status, r.Body)
			}
		})
	})
}

// TestSharedSpaceHealthPrivacy: health readings are the person's and
// staff's only, and staff reads are audited where the person can see them.
func TestSharedSpaceHealthPrivacy(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		srv := testserver.New(t, e)
		staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
		staffID := myID(t, srv, staff)
		li := srv.Login(t, testserver.ResidentPhone, testserver.Password)
		liID := myID(t, srv, li)
		chen := srv.Login(t, chenMeidiPhone, testserver.Password)
		talent := srv.Login(t, testserver.TalentPhone, testserver.Password)
		p := "/api/v1/users/" + liID + "/health-measurements"

		r := srv.Do(t, "POST", "/api/v1/health-measurements", staff, map[string]any{"user_id": liID, "kind": "temperature", "celsius": 36.64})
		if r.Status != 201 {
			t.Fatalf("record: %d %s", r.Status, r.Body)
		}
		latest := r.JSON(t)
		if latest["celsius"].(float64) != 36.6 || latest["recorded_by"] != staffID {
			t.Fatalf("recorded %v", latest)
		}

		for _, token := range []string{chen, talent} { // another resident; a talent
			wantError(t, srv.Do(t, "GET", p, token, nil), 404, "not_found", "")
		}
		wantError(t, srv.Do(t, "GET", "/api/v1/users/999999/health-measurements", chen, nil), 404, "not_found", "")
		wantError(t, srv.Do(t, "GET", "/api/v1/users/999999/health-measurements", staff, nil), 404, "not_found", "")
		wantError(t, srv.Do(t, "GET", p, "", nil), 401, "unauthenticated", "")

		healthViews := func() []map[string]any {
			var out []map[string]any
			for _, e := range items(t, srv.Do(t, "GET", "/api/v1/audit?user_id="+liID, li, nil)) {
				if e["action"] == "health.view" {
					out = append(out, e)
				}
			}
			return out
		}
		mine := items(t, srv.Do(t, "GET", p, li, nil))
		if len(mine) != 7 || mine[0]["id"] != latest["id"] {
			t.Fatalf("the person's own readings: %d, first %v", len(mine), mine[0])
		}
		for i := 1; i < len(mine); i++ {
			a, _ := time.Parse(time.RFC3339, mine[i-1]["created_at"].(string))
			b, _ := time.Parse(time.RFC3339, mine[i]["created_at"].(string))
			if b.After(a) {
				t.Fatalf("readings not newest first: %v then %v", a, b)
			}
		}
		for _, m := range mine {
			if m["user_id"] != liID {
				t.Fatalf("someone else's reading: %v", m)
			}
		}
		if v := healthViews(); len(v) != 0 {
			t.Fatalf("the person's own read was audited as a staff view: %v", v)
		}
		// Pages of one reading walk the same list.
		var walked []string
		cursor := ""
		for range 10 {
			page := srv.Do(t, "GET", p+"?limit=3&cursor="+cursor, li, nil).JSON(t)
			for _, it := range page["items"].([]any) {
				walked = append(walked, it.(map[string]any)["id"].(string))
			}
			cursor, _ = page["next_cursor"].(string)
			if cursor == "" {
				break
			}
		}
		if len(walked) != 7 || walked[0] != mine[0]["id"] || walked[6] != mine[6]["id"] {
			t.Fatalf("paging walked %v", walked)
		}

		seen := items(t, srv.Do(t, "GET", p, staff, nil))
		if len(seen) != 7 {
			t.Fatalf("staff see %d readings", len(seen))
		}
		v := healthViews()
		if len(v) != 1 || v[0]["subject_id"] != liID || v[0]["actor_id"] != staffID || v[0]["actor_name"] != "顾小里" {
			t.Fatalf("health.view entries the person sees: %v", v)
		}
		// 陈美娣 cannot read 李建华's audit trail.
		wantError(t, srv.Do(t, "GET", "/api/v1/audit?user_id="+liID, chen, nil), 403, "forbidden", "")
	})
}

// TestSharedSpaceCheckin: the door's code of the day, its QR image, and a
// resident checking in once a day.
func TestSharedSpaceCheckin(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		srv := testserver.New(t, e)
		st := srv.Station.ID.String()
		staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
		li := srv.Login(t, testserver.ResidentPhone, testserver.Password)
		liID := myID(t, srv, li)

		before := time.Now().In(shanghai)
		r := srv.Do(t, "GET", "/api/v1/stations/"+st+"/checkin-code", staff, nil)
		after := time.Now().In(shanghai)
		if r.Status != 200 {
			t.Fatalf("code: %d %s", r.Status, r.Body)
		}
		body := r.JSON(t)
		code, _ := body["code"].(string)
		if !regexp.MustCompile(`^\d{6}$`).MatchString(code) {
			t.Fatalf("code %q is not six digits", code)
		}
		expires, _ := body["expires_at"].(string)
		midnight := func(now time.Time) string {
			return time.Date(now.Year(), now.Month(), now.Day()+1, 0, 0, 0, 0, shanghai).Format(time.RFC3339)
		}
		if expires != midnight(before) && expires != midnight(after) {
			t.Fatalf("expires_at %q, want %q", expires, midnight(after))
		}
		if !strings.HasSuffix(expires, "T00:00:00+08:00") {
			t.Fatalf("expires_at %q is not a local midnight at +08:00", expires)
		}
		if again := srv.Do(t, "GET", "/api/v1/stations/"+st+"/checkin-code", staff, nil).JSON(t)["code"]; again != code {
			t.Fatalf("the code changed within the day: %v then %v", code, again)
		}

		png := srv.Do(t, "GET", "/api/v1/stations/"+st+"/checkin-code.png", staff, nil)
		if png.Status != 200 || png.Header.Get("Content-Type") != "image/png" || !bytes.HasPrefix(png.Body, []byte("\x89PNG\r\n\x1a\n")) {
			t.Fatalf("png: %d %q %.16q", png.Status, png.Header.Get("Content-Type"), png.Body)
		}
		wantError(t, srv.Do(t, "GET", "/api/v1/stations/"+st+"/checkin-code.png", li, nil), 403, "forbidden", "")
		wantError(t, srv.Do(t, "GET", "/api/v1/stations/"+st+"/checkin-code.png", "", nil), 401, "unauthenticated", "")

		p := "/api/v1/stations/" + st + "/checkin"
		first := srv.Do(t, "POST", p, li, map[string]any{"code": code})
		if first.Status != 201 {
			t.Fatalf("check in: %d %s", first.Status, first.Body)
		}
		v := first.JSON(t)
		if v["user_id"] != liID || v["station_id"] != st || v["count"].(float64) != 1 || v["day"] != after.Format("2006-01-02") {
			t.Fatalf("visit %v", v)
		}
		second := srv.Do(t, "POST", p, li, map[string]any{"code": " " + code + " "})
		if second.Status != 201 || second.JSON(t)["id"] != v["id"] {
			t.Fatalf("second check-in the same day: %d %s, want the visit %v again", second.Status, second.Body, v["id"])
		}
		// Another resident's check-in is another visit.
		_, other := srv.Register(t, "来签到的邻居", "13912300005")
		third := srv.Do(t, "POST", p, other, map[string]any{"code": code})
		if third.Status != 201 || third.JSON(t)["id"] == v["id"] {
			t.Fatalf("another resident's check-in: %d %s", third.Status, third.Body)
		}
	})
}

// TestSharedSpaceNotificationsRead: marking read touches one's own
// notifications only.
func TestSharedSpaceNotificationsRead(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		srv := testserver.New(t, e)
		staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
		ids, tokens := residents(t, srv, 2)
		for _, title := range []string{"重阳节敬老宴", "社区运动会"} {
			a := createActivity(t, srv, staff, map[string]any{"title": title, "category": "event"})["id"].(string)
			for _, id := range ids {
				if r := srv.Do(t, "POST", "/api/v1/activities/"+a+"/registrations", staff, map[string]any{"user_id": id}); r.Status != 201 {
					t.Fatalf("on behalf: %d %s", r.Status, r.Body)
				}
			}
		}
		mine, theirs := notifications(t, srv, tokens[0]), notifications(t, srv, tokens[1])
		if len(mine) != 2 || len(theirs) != 2 {
			t.Fatalf("notifications %v / %v", mine, theirs)
		}
		for _, n := range append(mine, theirs...) {
			if n["read"] != false || n["kind"] != "registered_by_staff" || n["id"] == "" || n["created_at"] == nil || n["body"] == "" {
				t.Fatalf("a new notification %v", n)
			}
		}
		if mine[0]["title"] != "社工已为您报名：社区运动会" {
			t.Fatalf("newest first, titled in Chinese: %v", mine[0]["title"])
		}
		// One of mine, and both of theirs.
		body := map[string]any{"ids": []any{mine[0]["id"], theirs[0]["id"], theirs[1]["id"], "not-an-id", "999999"}}
		if r := srv.Do(t, "POST", "/api/v1/me/notifications/read", tokens[0], body); r.Status != 204 || len(r.Body) != 0 {
			t.Fatalf("mark read: %d %s", r.Status, r.Body)
		}
		mine = notifications(t, srv, tokens[0])
		if mine[0]["read"] != true || mine[1]["read"] != false {
			t.Fatalf("after marking one read: %v", mine)
		}
		for _, n := range notifications(t, srv, tokens[1]) {
			if n["read"] != false {
				t.Fatalf("someone else's notification was marked read: %v", n)
			}
		}
		// Marking again, and marking nothing, are harmless.
		for _, b := range []any{body, map[string]any{"ids": []any{}}, map[string]any{}} {
			if r := srv.Do(t, "POST", "/api/v1/me/notifications/read", tokens[0], b); r.Status != 204 {
				t.Fatalf("mark read %v: %d %s", b, r.Status, r.Body)
			}
		}
		wantError(t, srv.Do(t, "POST", "/api/v1/me/notifications/read", tokens[0], map[string]any{"ids": "all"}), 422, "validation_failed", "ids")
		wantError(t, srv.Do(t, "POST", "/api/v1/me/notifications/read", tokens[0], "ids=1"), 400, "bad_json", "")
		wantError(t, srv.Do(t, "POST", "/api/v1/me/notifications/read", "", body), 401, "unauthenticated", "")
		many := make([]string, 501)
		for i := range many {
			many[i] = strconv.Itoa(i + 1)
		}
		wantError(t, srv.Do(t, "POST", "/api/v1/me/notifications/read", tokens[0], map[string]any{"ids": many}), 422, "validation_failed", "ids")
		// In English on request.
		r := srv.Send(t, testserver.Request{Method: "GET", Path: "/api/v1/me/notifications", Token: tokens[1], Header: map[string]string{"Accept-Language": "en"}})
		if got := items(t, r)[0]["title"]; got != "A social worker signed you up: 社区运动会" {
			t.Fatalf("English title %v", got)
		}
	})
}

// TestSharedSpaceCalendars: the station's public feed and a resident's
// private one, whose address can be replaced.
func TestSharedSpaceCalendars(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		srv := testserver.New(t, e)
		st := srv.Station.ID.String()
		staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
		long := strings.Repeat("剪", 400) + "尾巴"
		mine := createActivity(t, srv, staff, map[string]any{"title": "剪纸兴趣班", "description": long})["id"].(string)
		theirs := createActivity(t, srv, staff, map[string]any{"title": "葫芦丝班", "start": rfc(nextOpen(time.Sunday, "14:00")),
			"end": rfc(nextOpen(time.Sunday, "15:00"))})["id"].(string)
		_, tokens := residents(t, srv, 2)
		for i, a := range []string{mine, theirs} {
			if r := srv.Do(t, "POST", "/api/v1/activities/"+a+"/registrations", tokens[i], nil); r.Status != 201 {
				t.Fatalf("register: %d %s", r.Status, r.Body)
			}
		}

		r := srv.Do(t, "GET", "/calendar.ics?station_id="+st, "", nil)
		if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/calendar") {
			t.Fatalf("station calendar: %d %q", r.Status, r.Header.Get("Content-Type"))
		}
		cal := string(r.Body)
		for _, want := range []string{"BEGIN:VCALENDAR", "剪纸兴趣班", "葫芦丝班", "免费测量血压", "END:VCALENDAR"} {
			if !strings.Contains(cal, want) {
				t.Errorf("the station calendar lacks %q", want)
			}
		}
		// Long descriptions are cut short: the event links to the rest.
		unfolded := strings.ReplaceAll(cal, "\r\n ", "")
		if strings.Contains(unfolded, "尾巴") || strings.Count(unfolded, "剪") > 300+1 || !strings.Contains(unfolded, "剪…") {
			t.Errorf("a 402-character description is not cut to 300 in the feed")
		}
		// The contract's address serves the same feed.
		if r := srv.Do(t, "GET", "/api/v1/calendar.ics?station_id="+st, "", nil); string(r.Body) != cal {
			t.Errorf("/api/v1/calendar.ics differs from /calendar.ics")
		}
		wantError(t, srv.Do(t, "GET", "/calendar.ics", "", nil), 422, "validation_failed", "station_id")
		wantError(t, srv.Do(t, "GET", "/calendar.ics?station_id=999999", "", nil), 404, "not_found", "")
		wantError(t, srv.Do(t, "GET", "/calendar.ics?station_id=abc", "", nil), 404, "not_found", "")

		feed := func(method, token string) string {
			t.Helper()
			r := srv.Do(t, method, "/api/v1/me/calendar", token, nil)
			if r.Status != 200 {
				t.Fatalf("%s /me/calendar: %d %s", method, r.Status, r.Body)
			}
			u, err := url.Parse(r.JSON(t)["url"].(string))
			if err != nil || !strings.HasPrefix(u.Path, "/calendar/") || !strings.HasSuffix(u.Path, ".ics") {
				t.Fatalf("feed url %v", r.JSON(t)["url"])
			}
			return u.Path
		}
		path := feed("GET", tokens[0])
		if again := feed("GET", tokens[0]); again != path {
			t.Fatalf("the feed address changed without asking: %s then %s", path, again)
		}
		r = srv.Do(t, "GET", path, "", nil)
		if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/calendar") {
			t.Fatalf("personal calendar: %d %q %s", r.Status, r.Header.Get("Content-Type"), r.Body)
		}
		if body := string(r.Body); !strings.Contains(body, "剪纸兴趣班") || strings.Contains(body, "葫芦丝班") || strings.Contains(body, "免费测量血压") {
			t.Fatalf("the personal calendar should list exactly the resident's own registration:\n%s", body)
		}
		if other := feed("GET", tokens[1]); other == path {
			t.Fatal("two residents share a feed address")
		}

		rotated := feed("POST", tokens[0])
		if rotated == path {
			t.Fatal("POST /me/calendar did not change the address")
		}
		if r := srv.Do(t, "GET", path, "", nil); r.Status != 404 {
			t.Fatalf("the old address answers %d", r.Status)
		}
		if r := srv.Do(t, "GET", rotated, "", nil); r.Status != 200 || !strings.Contains(string(r.Body), "剪纸兴趣班") {
			t.Fatalf("the new address: %d", r.Status)
		}
		if feed("GET", tokens[0]) != rotated {
			t.Fatal("GET after rotation gives another address")
		}
		for _, bad := range []string{"/calendar/guessing.ics", "/calendar/" + strings.Repeat("A", 32) + ".ics", "/calendar/" + strings.TrimSuffix(strings.TrimPrefix(rotated, "/calendar/"), ".ics")} {
			if r := srv.Do(t, "GET", bad, "", nil); r.Status != 404 {
				t.Errorf("%s: %d", bad, r.Status)
			}
		}
		wantError(t, srv.Do(t, "GET", "/api/v1/me/calendar", "", nil), 401, "unauthenticated", "")
	})
}

// TestSharedSpaceSearch: q finds Chinese words in titles and descriptions,
// results by start.
func TestSharedSpaceSearch(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		srv := testserver.New(t, e)
		st := srv.Station.ID.String()
		search := func(q string) []map[string]any {
			t.Helper()
			list := items(t, srv.Do(t, "GET", "/api/v1/activities?limit=200&station_id="+st+"&q="+url.QueryEscape(q), "", nil))
			var last time.Time
			for _, a := range list {
				start, err := time.Parse(time.RFC3339, a["start"].(string))
				if err != nil || start.Before(last) {
					t.Fatalf("q=%s: results not ordered by start: %v after %v", q, a["start"], last)
				}
				last = start
			}
			return list
		}
		titles := func(list []map[string]any) map[string]int {
			m := map[string]int{}
			for _, a := range list {
				m[a["title"].(string)]++
			}
			return m
		}
		for _, tc := range []struct {
			q, want, must string
		}{
			{"血压", "免费测量血压", "血压"},
			{"书法", "少儿书法班", "书法"},
			{"测量血压", "免费测量血压", "血压"},
			{"书法班", "少儿书法班", "书法班"},
			{"少儿", "少儿书法班", "少儿"},
			{"  血压  ", "免费测量血压", "血压"},
		} {
			list := search(tc.q)
			if titles(list)[tc.want] == 0 {
				t.Errorf("q=%s does not find %s: %v", tc.q, tc.want, titles(list))
			}
			for _, a := range list {
				if !strings.Contains(a["title"].(string)+a["description"].(string), tc.must) {
					t.Errorf("q=%s finds %v", tc.q, a["title"])
				}
			}
		}
		if got := titles(search("书法")); got["墨迹书香·书法课"] == 0 {
			t.Errorf("q=书法 misses the adults' class: %v", got)
		}
		for _, q := range []string{"钢琴", "血糖", "书法钢琴", "piano"} {
			if list := search(q); len(list) != 0 {
				t.Errorf("q=%s finds %v", q, titles(list))
			}
		}
		// A new activity is found at once, by a word of its description too.
		staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
		createActivity(t, srv, staff, map[string]any{"title": "钢琴启蒙", "description": "适合零基础的邻居，Yamaha电钢琴"})
		if got := titles(search("钢琴")); got["钢琴启蒙"] != 1 || len(got) != 1 {
			t.Errorf("q=钢琴 after creating one: %v", got)
		}
		if got := titles(search("yamaha")); got["钢琴启蒙"] != 1 {
			t.Errorf("q=yamaha: %v", got)
		}
		if got := titles(search("零基础")); got["钢琴启蒙"] != 1 {
			t.Errorf("q=零基础 (in a description): %v", got)
		}
		// Filters combine with q.
		list := items(t, srv.Do(t, "GET", "/api/v1/activities?category=class&q="+url.QueryEscape("血压"), "", nil))
		if len(list) != 0 {
			t.Errorf("q=血压&category=class: %v", titles(list))
		}
	})
}

// TestSharedSpaceHostileInput sends text and times that are valid JSON but
// that a database or an encoder may choke on. Each must be refused with a
// clear error or accepted and answered in valid JSON; never a 5xx.
func TestSharedSpaceHostileInput(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		srv := testserver.New(t, e)
		st := srv.Station.ID.String()
		staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
		resident := srv.Login(t, testserver.ResidentPhone, testserver.Password)
		hall := roomNamed(t, srv, "议事厅")
		base := map[string]any{"station_id": st, "title": "剪纸兴趣班", "category": "class",
			"start": rfc(nextOpen(time.Sunday, "10:00")), "end": rfc(nextOpen(time.Sunday, "11:00"))}
		// A word of a thousand letters that do not compress.
		var long strings.Builder
		for i := range 1000 {
			long.WriteRune(rune(0xAC00 + (i*7919)%11172))
		}
		slot := func(day time.Weekday) map[string]any {
			return map[string]any{"start": rfc(nextOpen(day, "10:00")), "end": rfc(nextOpen(day, "11:00"))}
		}
		for _, c := range []struct {
			name, path, token string
			body              map[string]any
			field             string
		}{
			{"NUL in a title", "/api/v1/activities", staff, with(base, map[string]any{"title": "剪纸\u0000班"}), "title"},
			{"NUL in a description", "/api/v1/activities", staff, with(base, map[string]any{"description": "红纸\u0000"}), "description"},
			{"a very long word in a description", "/api/v1/activities", staff, with(base, map[string]any{"description": long.String()}), "description"},
			{"NUL in a booking's purpose", "/api/v1/rooms/" + hall + "/bookings", resident, with(slot(time.Thursday), map[string]any{"purpose": "排练\u0000"}), "purpose"},
			{"NUL in a closure's reason", "/api/v1/stations/" + st + "/closures", staff, map[string]any{"date": nextOpen(time.Friday, "10:00").AddDate(0, 0, 21).Format("2006-01-02"), "reason": "检修\u0000"}, "reason"},
			// A weekly series that runs past the year 9999.
			{"a series into the year 10000", "/api/v1/activities", staff, with(base, map[string]any{"start": "9999-12-26T10:00:00+08:00",
				"end": "9999-12-26T11:00:00+08:00", "repeat": map[string]any{"weekly_count": 2}}), "start|end|repeat|repeat.weekly_count"},
		} {
			t.Run(c.name, func(t *testing.T) {
				r := srv.Do(t, "POST", c.path, c.token, c.body)
				if r.Status == 422 {
					wantError(t, r, 422, "validation_failed", c.field)
					return
				}
				if r.Status != 201 {
					t.Fatalf("%d %.300s; want 201 or 422 naming %s", r.Status, r.Body, c.field)
				}
				r.JSON(t) // the answer must be JSON
			})
		}
		// Whatever was stored lists as valid JSON.
		for _, p := range []string{"/api/v1/activities?limit=200&station_id=" + st, "/api/v1/activities?from=9999-01-01",
			"/api/v1/rooms/" + hall + "/bookings", "/api/v1/stations/" + st + "/closures"} {
			r := srv.Do(t, "GET", p, "", nil)
			if r.Status != 200 {
				t.Fatalf("%s: %d %s", p, r.Status, r.Body)
			}
			r.JSON(t)
		}
	})
}

func TestBookerShownOnlyToThemAndStaff(t *testing.T) {
	srv := testserver.New(t, dbtest.Engines(t)[0])
	owner := srv.Login(t, testserver.ResidentPhone, testserver.Password)
	staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
	other := srv.Login(t, testserver.TalentPhone, testserver.Password)
	room := srv.Station.Rooms[2].ID.String()
	start := nextOpen(time.Wednesday, "10:00")
	if r := srv.Do(t, "POST", "/api/v1/rooms/"+room+"/bookings", owner, map[string]any{"start": rfc(start), "end": rfc(start.Add(time.Hour)), "purpose": "家庭聚会"}); r.Status != 201 || r.JSON(t)["user_id"] == nil {
		t.Fatalf("booking: %d %s", r.Status, r.Body)
	}
	for _, tc := range []struct {
		who   string
		token string
		shown bool
	}{{"anonymous", "", false}, {"another resident", other, false}, {"the booker", owner, true}, {"staff", staff, true}} {
		items := srv.Do(t, "GET", "/api/v1/rooms/"+room+"/bookings", tc.token, nil).JSON(t)["items"].([]any)
		if len(items) != 1 || (items[0].(map[string]any)["user_id"] != nil) != tc.shown {
			t.Errorf("%s sees %v", tc.who, items)
		}
	}
}
