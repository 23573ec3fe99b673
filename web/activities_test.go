package web_test

import (
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"guli/internal/dbtest"
	"guli/internal/testserver"
)

var shanghai = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err)
	}
	return loc
}()

// nextOpen returns the next given weekday (the demo station opens Wed–Sun,
// 09:00–17:00) at clock, at least a day ahead, in Shanghai time.
func nextOpen(day time.Weekday, clock string) time.Time {
	var h, m int
	fmt.Sscanf(clock, "%d:%d", &h, &m)
	d := time.Now().In(shanghai).AddDate(0, 0, 1)
	for d.Weekday() != day {
		d = d.AddDate(0, 0, 1)
	}
	return time.Date(d.Year(), d.Month(), d.Day(), h, m, 0, 0, shanghai)
}

func rfc(t time.Time) string { return t.Format(time.RFC3339) }

// residents registers n residents and returns their ids and tokens.
func residents(t *testing.T, srv *testserver.Server, n int) (ids, tokens []string) {
	t.Helper()
	for i := range n {
		id, token := srv.Register(t, fmt.Sprintf("居民%02d", i), fmt.Sprintf("1391000%04d", i))
		ids, tokens = append(ids, id), append(tokens, token)
	}
	return ids, tokens
}

func createActivity(t *testing.T, srv *testserver.Server, token string, body map[string]any) map[string]any {
	t.Helper()
	in := map[string]any{"station_id": srv.Station.ID.String(), "title": "少儿书法班", "description": "谢墨林老师的公益班",
		"category": "class", "start": rfc(nextOpen(time.Saturday, "09:30")), "end": rfc(nextOpen(time.Saturday, "11:00")), "capacity": 20}
	for k, v := range body {
		in[k] = v
	}
	r := srv.Do(t, "POST", "/api/v1/activities", token, in)
	if r.Status != http.StatusCreated {
		t.Fatalf("create activity: %d %s", r.Status, r.Body)
	}
	return r.JSON(t)["items"].([]any)[0].(map[string]any)
}

// parallel runs f(i) for i in [0, n) all at once and collects the statuses.
func parallel(n int, f func(i int) int) []int {
	statuses := make([]int, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			statuses[i] = f(i)
		}()
	}
	close(start)
	wg.Wait()
	return statuses
}

func count(statuses []int, status int) int {
	n := 0
	for _, s := range statuses {
		if s == status {
			n++
		}
	}
	return n
}

// TestCapacityAndWaitlistUnderConcurrency is invariant 1: 60 residents
// sign up for 20 places at once; exactly 20 are confirmed and the rest queue
// in one strict order; ten cancellations at once promote exactly the first
// ten of the queue, each told so.
func TestCapacityAndWaitlistUnderConcurrency(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		srv := testserver.New(t, e)
		staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
		ids, tokens := residents(t, srv, 60)
		a := createActivity(t, srv, staff, map[string]any{"capacity": 20})
		path := "/api/v1/activities/" + a["id"].(string)

		results := make([]map[string]any, 60)
		statuses := parallel(60, func(i int) int {
			r := srv.Do(t, "POST", path+"/registrations", tokens[i], nil)
			if r.Status == http.StatusCreated {
				results[i] = r.JSON(t)
			}
			return r.Status
		})
		if count(statuses, 201) != 60 {
			t.Fatalf("statuses %v", statuses)
		}
		var positions []int
		confirmed := 0
		for _, res := range results {
			switch res["status"] {
			case "confirmed":
				confirmed++
			case "waitlisted":
				positions = append(positions, int(res["position"].(float64)))
			}
		}
		sort.Ints(positions)
		if confirmed != 20 || len(positions) != 40 || positions[0] != 1 || positions[39] != 40 || slices.Compact(positions) == nil || len(slices.Compact(slices.Clone(positions))) != 40 {
			t.Fatalf("%d confirmed, waitlist positions %v", confirmed, positions)
		}
		detail := srv.Do(t, "GET", path, "", nil).JSON(t)
		if detail["confirmed_count"].(float64) != 20 || detail["waitlist_count"].(float64) != 40 || detail["places_left"].(float64) != 0 {
			t.Fatalf("counts %v", detail)
		}

		// The roster shows the queue in the order the answers gave.
		roster := srv.Do(t, "GET", path+"/registrations", staff, nil).JSON(t)["items"].([]any)
		var queue []string // user ids by waitlist position
		for _, it := range roster {
			m := it.(map[string]any)
			if m["status"] == "waitlisted" {
				queue = append(queue, m["user_id"].(string))
				if int(m["position"].(float64)) != len(queue) {
					t.Fatalf("roster position %v at place %d", m["position"], len(queue))
				}
			}
		}
		for i, res := range results {
			if res["status"] == "waitlisted" && queue[int(res["position"].(float64))-1] != ids[i] {
				t.Fatalf("resident %d was told position %v but the roster disagrees", i, res["position"])
			}
		}

		// Ten confirmed people cancel at once.
		var cancelling []int
		for i, res := range results {
			if res["status"] == "confirmed" && len(cancelling) < 10 {
				cancelling = append(cancelling, i)
			}
		}
		statuses = parallel(10, func(k int) int {
			return srv.Do(t, "DELETE", path+"/registrations/me", tokens[cancelling[k]], nil).Status
		})
		if count(statuses, 204) != 10 {
			t.Fatalf("cancel statuses %v", statuses)
		}
		detail = srv.Do(t, "GET", path, "", nil).JSON(t)
		if detail["confirmed_count"].(float64) != 20 || detail["waitlist_count"].(float64) != 30 {
			t.Fatalf("after ten cancellations: %v", detail)
		}
		promoted := map[string]bool{}
		for _, it := range srv.Do(t, "GET", path+"/registrations", staff, nil).JSON(t)["items"].([]any) {
			m := it.(map[string]any)
			if m["status"] == "confirmed" && slices.Contains(queue, m["user_id"].(string)) {
				promoted[m["user_id"].(string)] = true
			}
		}
		for k, uid := range queue {
			if promoted[uid] != (k < 10) {
				t.Fatalf("queue place %d promoted=%v; the first ten, and only they, should be", k+1, promoted[uid])
			}
		}
		// Each promoted resident is told, once.
		for i, uid := range ids {
			if !promoted[uid] {
				continue
			}
			items := srv.Do(t, "GET", "/api/v1/me/notifications", tokens[i], nil).JSON(t)["items"].([]any)
			if len(items) != 1 || items[0].(map[string]any)["kind"] != "waitlist_promoted" || !strings.Contains(items[0].(map[string]any)["title"].(string), "少儿书法班") {
				t.Fatalf("promoted resident's notifications: %v", items)
			}
		}
		// The same person twice, at once: one place.
		statuses = parallel(8, func(int) int { return srv.Do(t, "POST", path+"/registrations", tokens[cancelling[0]], nil).Status })
		if count(statuses, 201) != 1 || count(statuses, 409) != 7 {
			t.Fatalf("one person registering 8 times at once: %v", statuses)
		}
	})
}

// TestRoomNeverHeldTwice is invariant 2: thirty overlapping bookings of one
// room at once, and bookings racing activities for it: one wins each race.
func TestRoomNeverHeldTwice(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		srv := testserver.New(t, e)
		staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
		_, tokens := residents(t, srv, 30)
		room := srv.Station.Rooms[2].ID.String() // 议事厅
		base := nextOpen(time.Wednesday, "10:00")
		statuses := parallel(30, func(i int) int {
			// Every booking overlaps every other: all contain 10:50–11:00.
			start := base.Add(time.Duration(i) * time.Minute)
			return srv.Do(t, "POST", "/api/v1/rooms/"+room+"/bookings", tokens[i], map[string]any{
				"start": rfc(start), "end": rfc(start.Add(time.Hour)), "purpose": "邻里聚会"}).Status
		})
		if count(statuses, 201) != 1 || count(statuses, 409) != 29 {
			t.Fatalf("30 overlapping bookings: %d created, %d conflicts (%v)", count(statuses, 201), count(statuses, 409), statuses)
		}

		// Bookings and activities race for another slot.
		slot := nextOpen(time.Thursday, "14:00")
		statuses = parallel(20, func(i int) int {
			start := slot.Add(time.Duration(i%5) * 10 * time.Minute)
			if i%2 == 0 {
				return srv.Do(t, "POST", "/api/v1/rooms/"+room+"/bookings", tokens[i], map[string]any{
					"start": rfc(start), "end": rfc(start.Add(time.Hour)), "purpose": "议事"}).Status
			}
			return srv.Do(t, "POST", "/api/v1/activities", staff, map[string]any{"station_id": srv.Station.ID.String(),
				"title": "居民议事会", "category": "meeting", "start": rfc(start), "end": rfc(start.Add(time.Hour)), "room_id": room}).Status
		})
		if count(statuses, 201) != 1 || count(statuses, 409) != 19 {
			t.Fatalf("bookings racing activities: %v", statuses)
		}

		// What is booked is what the room's list shows, without overlaps.
		list := srv.Do(t, "GET", "/api/v1/rooms/"+room+"/bookings?from="+base.Format("2006-01-02"), "", nil).JSON(t)["items"].([]any)
		var spans [][2]time.Time
		for _, it := range list {
			m := it.(map[string]any)
			s, _ := time.Parse(time.RFC3339, m["start"].(string))
			en, _ := time.Parse(time.RFC3339, m["end"].(string))
			spans = append(spans, [2]time.Time{s, en})
		}
		acts := srv.Do(t, "GET", "/api/v1/activities?station_id="+srv.Station.ID.String()+"&from="+base.Format("2006-01-02")+"&limit=200", "", nil).JSON(t)["items"].([]any)
		for _, it := range acts {
			m := it.(map[string]any)
			if m["room_id"] == room && m["status"] == "scheduled" {
				s, _ := time.Parse(time.RFC3339, m["start"].(string))
				en, _ := time.Parse(time.RFC3339, m["end"].(string))
				spans = append(spans, [2]time.Time{s, en})
			}
		}
		for i := range spans {
			for j := i + 1; j < len(spans); j++ {
				if spans[i][0].Before(spans[j][1]) && spans[j][0].Before(spans[i][1]) {
					t.Fatalf("the room is held twice: %v and %v", spans[i], spans[j])
				}
			}
		}
	})
}

// A busy week is more than one page of the activity list and more than a
// phone's screen can hold: the timetable shows it a day at a time, each
// day whole, with the week's days and their counts to choose from.
func TestTimetableShowsABusyWeekDayByDay(t *testing.T) {
	srv := testserver.New(t, dbtest.Engines(t)[0])
	staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
	monday := nextOpen(time.Wednesday, "09:00").AddDate(0, 0, 28)
	monday = monday.AddDate(0, 0, -int(monday.Weekday()+6)%7) // the Monday of that week
	const busy = 230
	for i := range busy {
		start := monday.AddDate(0, 0, 2+i%5).Add(time.Duration(i/5) * 10 * time.Minute) // Wed–Sun, from 09:00
		r := srv.Do(t, "POST", "/api/v1/activities", staff, map[string]any{"station_id": srv.Station.ID.String(),
			"title": fmt.Sprintf("活动 %d", i), "category": "class", "start": start.Format(time.RFC3339),
			"end": start.Add(5 * time.Minute).Format(time.RFC3339)})
		if r.Status != http.StatusCreated {
			t.Fatalf("activity %d: %d %s", i, r.Status, r.Body)
		}
	}
	week := string(srv.Do(t, "GET", "/activities?from="+monday.Format(time.DateOnly), "", nil).Body)
	if strings.Count(week, "<article") > 100 {
		t.Fatalf("a busy week is shown whole: %d cards", strings.Count(week, "<article"))
	}
	seen := map[int]int{}
	for i := range 7 {
		day := monday.AddDate(0, 0, i).Format(time.DateOnly)
		link := "/activities?day=" + day + "&amp;from=" + monday.Format(time.DateOnly)
		if !strings.Contains(week, link) {
			t.Fatalf("no link to %s in the week's days", day)
		}
		page := string(srv.Do(t, "GET", strings.ReplaceAll(link, "&amp;", "&"), "", nil).Body)
		cards, ours := strings.Count(page, "<article"), 0
		if !strings.Contains(page, fmt.Sprintf("（%d）</a>", cards)) {
			t.Errorf("%s shows %d cards, not the count its link gives", day, cards)
		}
		for n := range busy {
			if strings.Contains(page, fmt.Sprintf("活动 %d<", n)) {
				seen[n]++
				ours++
			}
		}
		if want := (busy / 5) * min(1, max(0, i-1)); ours != want { // Wed–Sun hold 46 each
			t.Errorf("%s shows %d of the test's activities, want %d", day, ours, want)
		}
	}
	for n := range busy {
		if seen[n] != 1 {
			t.Errorf("activity %d is on %d days", n, seen[n])
		}
	}
}

// TestCallingOffAnActivityThatIsOver: cancelling a class tells its people
// while it has not ended (it rained at the start: those on their way
// learn of it); one called off after it ended, to record that it did not
// take place, tells no one.
func TestCallingOffAnActivityThatIsOver(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		var c clock
		srv := testserver.New(t, e, c.Options())
		staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
		resident := srv.Login(t, testserver.ResidentPhone, testserver.Password)
		start := time.Now().Add(-2 * time.Hour)
		c.Set(3 * time.Hour) // the sign-ups were made before either began
		over := createActivity(t, srv, staff, map[string]any{"title": "已经结束的课", "start": rfc(start), "end": rfc(start.Add(time.Hour))})["id"].(string)
		going := createActivity(t, srv, staff, map[string]any{"title": "正在上的课", "start": rfc(start), "end": rfc(start.Add(3 * time.Hour))})["id"].(string)
		for _, id := range []string{over, going} {
			if r := srv.Do(t, "POST", "/api/v1/activities/"+id+"/registrations", resident, nil); r.Status != 201 {
				t.Fatalf("sign-up: %d %s", r.Status, r.Body)
			}
		}
		c.Set(0)
		for _, id := range []string{over, going} {
			if r := srv.Do(t, "DELETE", "/api/v1/activities/"+id, staff, nil); r.Status != 204 {
				t.Fatalf("calling off: %d %s", r.Status, r.Body)
			}
		}
		var told []string
		for _, n := range items(t, srv.Do(t, "GET", "/api/v1/me/notifications", resident, nil)) {
			if n["kind"] == "activity_cancelled" {
				told = append(told, n["title"].(string))
			}
		}
		if len(told) != 1 || !strings.Contains(told[0], "正在上的课") {
			t.Errorf("told of %q, want only the class still on", told)
		}
	})
}
