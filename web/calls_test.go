package web_test

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"guli/internal/dbtest"
	"guli/internal/testserver"
)

// personsOnList are the people a call list's page names, in its order.
var personOnList = regexp.MustCompile(`<li id="person-(\d+)"`)

func callOrder(t *testing.T, body []byte) []string {
	t.Helper()
	var ids []string
	for _, m := range personOnList.FindAllSubmatch(body, -1) {
		ids = append(ids, string(m[1]))
	}
	return ids
}

// mark sets (or takes off) a mark on the desk's residents page, as its
// button does.
func mark(t *testing.T, srv *testserver.Server, token, person, kind string, on bool) *testserver.Response {
	t.Helper()
	v := url.Values{"kind": {kind}, "on": {"0"}, "q": {"居民"}}
	if on {
		v.Set("on", "1")
	}
	return asPage(t, srv, token, "POST", "/desk/residents/"+person+"/marks", v.Encode())
}

// TestTheCallList: staff mark the residents they watch over; a safety
// alert goes out; a resident who opens it leaves the list, the one living
// alone is first, the one needing visits next; staff tick them off, two
// at once for the same person keeping both; residents and anyone not
// signed in find no list.
func TestTheCallList(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		srv := testserver.New(t, e)
		st := srv.Station.ID.String()
		staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
		admin := srv.Login(t, testserver.AdminPhone, testserver.Password)
		alone, aloneTk := srv.Register(t, "独居的李阿婆", "13912300001")
		visits, _ := srv.Register(t, "要探访的王伯", "13912300002")
		reader, readerTk := srv.Register(t, "看了提醒的张叔", "13912300003")
		plain, _ := srv.Register(t, "普通的陈阿姨", "13912300004")

		// Marks: one tap each, back to the person's row; shown as a label
		// on the residents' page; refused to a resident; a kind the page
		// does not offer is refused naming no field but saying so.
		r := mark(t, srv, staff, alone, "lives_alone", true)
		if r.Status != 303 || !strings.HasSuffix(r.Header.Get("Location"), "#resident-"+alone) || !strings.Contains(r.Header.Get("Location"), "notice=mark_set") {
			t.Fatalf("mark: %d %s", r.Status, r.Header.Get("Location"))
		}
		if r := mark(t, srv, staff, alone, "lives_alone", true); r.Status != 303 {
			t.Errorf("marking again: %d", r.Status)
		}
		if r := mark(t, srv, staff, visits, "needs_visits", true); r.Status != 303 {
			t.Fatalf("mark: %d", r.Status)
		}
		// Set and taken off again: nothing left of it but the audit.
		if r := mark(t, srv, staff, plain, "no_smartphone", true); r.Status != 303 {
			t.Fatalf("mark: %d", r.Status)
		}
		if r := mark(t, srv, admin, plain, "no_smartphone", false); r.Status != 303 || !strings.Contains(r.Header.Get("Location"), "notice=mark_unset") {
			t.Fatalf("unmark: %d %s", r.Status, r.Header.Get("Location"))
		}
		if r := mark(t, srv, aloneTk, alone, "lives_alone", false); r.Status != 403 {
			t.Errorf("a resident takes their mark off: %d", r.Status)
		}
		if r := mark(t, srv, staff, alone, "lonely", true); r.Status != 422 {
			t.Errorf("an unknown mark: %d", r.Status)
		}
		if r := mark(t, srv, staff, "99999999", "lives_alone", true); r.Status != 404 {
			t.Errorf("a mark on nobody: %d", r.Status)
		}
		page := string(asPage(t, srv, staff, "GET", "/desk/residents?q="+url.QueryEscape("李阿婆"), "").Body)
		if !strings.Contains(page, `class="badge mark mark-lives_alone"`) || !strings.Contains(page, `aria-pressed="true"`) {
			t.Errorf("the residents' page shows no mark: %.2000s", page)
		}
		audit := items(t, srv.Do(t, "GET", "/api/v1/audit?action=mark.&user_id="+plain, staff, nil))
		if len(audit) != 2 || audit[0]["action"] != "mark.unset" || audit[1]["action"] != "mark.set" {
			t.Errorf("the audit of a mark set and taken off: %v", audit)
		}
		if n := len(items(t, srv.Do(t, "GET", "/api/v1/audit?action=mark.&user_id="+alone, staff, nil))); n != 1 {
			t.Errorf("marking twice is audited %d times, want once", n)
		}

		// The alert goes out; the reader opens it on its page.
		alert := srv.Do(t, "POST", "/api/v1/posts", staff, map[string]any{"station_id": st, "kind": "safety_alert", "title": "台风预警", "body": "今晚台风过境，请关好门窗。"}).JSON(t)["id"].(string)
		if r := asPage(t, srv, readerTk, "GET", "/notices/"+alert, ""); r.Status != 200 || strings.Contains(string(r.Body), "/desk/calls/") {
			t.Fatalf("the alert as a resident reads it: %d, with the call list's link: %v", r.Status, strings.Contains(string(r.Body), "/desk/calls/"))
		}
		if n := notifications(t, srv, readerTk); len(n) == 0 || n[0]["read"] != true {
			t.Errorf("the reader's notice of the alert, after reading it: %v", n)
		}
		if r := asPage(t, srv, staff, "GET", "/notices/"+alert, ""); !strings.Contains(string(r.Body), `href="/desk/calls/`+alert+`"`) {
			t.Errorf("the alert's page offers staff no call list")
		}

		r = asPage(t, srv, staff, "GET", "/desk/calls/"+alert, "")
		if r.Status != 200 {
			t.Fatalf("the call list: %d %s", r.Status, r.Body)
		}
		// The demo's 张阿婆 lives alone without a phone: she and the one
		// marked here come first (by area, then name), then the one who
		// needs visits.
		order := callOrder(t, r.Body)
		zhang := items(t, srv.Do(t, "GET", "/api/v1/users?q="+url.QueryEscape("张阿婆"), staff, nil))[0]["id"].(string)
		if len(order) < 3 || !slices.Contains(order[:2], alone) || !slices.Contains(order[:2], zhang) || order[2] != visits {
			t.Errorf("the list begins %v; want those living alone (%s, %s), then the one needing visits (%s)", order[:min(3, len(order))], zhang, alone, visits)
		}
		if slices.Contains(order, reader) || !slices.Contains(order, plain) {
			t.Errorf("the list names the reader: %v; names the one who did not read it: %v", slices.Contains(order, reader), slices.Contains(order, plain))
		}
		body := string(r.Body)
		for _, want := range []string{`href="tel:13912300001"`, "没有留电话，请上门告知。", "已联系 0 / ", `<progress`, `name="outcome" value="called"`, `aria-current="true">2 小时后`} {
			if !strings.Contains(body, want) {
				t.Errorf("the call list lacks %q", want)
			}
		}
		if view := items(t, srv.Do(t, "GET", "/api/v1/audit?action=calls.view", staff, nil)); len(view) == 0 || view[0]["subject_id"] != alert {
			t.Errorf("the look at the list, audited: %v", view)
		}
		if r := asPage(t, srv, staff, "GET", "/desk/calls/"+alert+"?after=30m", ""); r.Status != 200 || !strings.Contains(string(r.Body), `aria-current="true">30 分钟后`) {
			t.Errorf("after 30 minutes: %d", r.Status)
		}

		// Who finds no list: a resident, anyone of a post that needs none,
		// a wait no page offers.
		for _, c := range []struct {
			name, token, path string
			want              int
		}{
			{"a resident", aloneTk, "/desk/calls/" + alert, 404},
			{"nobody signed in", "", "/desk/calls/" + alert, 303},
			{"the admin", admin, "/desk/calls/" + alert, 200},
			{"a tip", staff, "/desk/calls/" + srv.Do(t, "POST", "/api/v1/posts", readerTk, map[string]any{"station_id": st, "kind": "tip", "title": "菜场搬家", "body": "东门"}).JSON(t)["id"].(string), 404},
			{"a plain notice", staff, "/desk/calls/" + srv.Do(t, "POST", "/api/v1/posts", staff, map[string]any{"station_id": st, "kind": "notice", "title": "停水", "body": "周三"}).JSON(t)["id"].(string), 404},
			{"no post", staff, "/desk/calls/99999999", 404},
			{"a wait no page offers", staff, "/desk/calls/" + alert + "?after=1h", 400},
			{"page 0", staff, "/desk/calls/" + alert + "?page=0", 400},
			{"a page that is no number", staff, "/desk/calls/" + alert + "?page=二", 400},
			{"a page past the last, which is the last", staff, "/desk/calls/" + alert + "?page=99", 200},
		} {
			if r := asPage(t, srv, c.token, "GET", c.path, ""); r.Status != c.want {
				t.Errorf("%s: %d, want %d", c.name, r.Status, c.want)
			}
		}

		// Ticks: one big button, back to the person's place.
		tick := func(token, person, outcome string) *testserver.Response {
			return asPage(t, srv, token, "POST", "/desk/calls/"+alert, url.Values{"user_id": {person}, "outcome": {outcome}, "after": {"2h"}, "note": {"女儿会转告"}}.Encode())
		}
		if r := tick(staff, visits, "not_reached"); r.Status != 303 || r.Header.Get("Location") != "/desk/calls/"+alert+"?after=2h&notice=call_recorded#person-"+visits {
			t.Fatalf("tick: %d %s", r.Status, r.Header.Get("Location"))
		}
		if r := tick(staff, visits, "texted"); r.Status != 422 || !strings.Contains(string(r.Body), "calls-bar") {
			t.Errorf("an outcome no button sends: %d", r.Status)
		}
		if r := tick(aloneTk, alone, "called"); r.Status != 404 {
			t.Errorf("a resident ticks: %d", r.Status)
		}
		newcomer, _ := srv.Register(t, "提醒后才来的居民", "13912300005")
		if r := tick(staff, newcomer, "called"); r.Status != 404 {
			t.Errorf("a tick of someone never told: %d", r.Status)
		}
		// The reader, ticked after reading it, stays on the list as the record.
		if r := tick(staff, reader, "called"); r.Status != 303 {
			t.Errorf("a tick of one who read it: %d", r.Status)
		}

		// Two staff ticking the one living alone at once: every tick is
		// kept, and the list shows the latest.
		const at = 8
		var wg sync.WaitGroup
		statuses := make([]int, at)
		for i := range at {
			wg.Add(1)
			go func() {
				defer wg.Done()
				token, outcome := staff, "called"
				if i%2 == 1 {
					token, outcome = admin, "visited"
				}
				statuses[i] = tick(token, alone, outcome).Status
			}()
		}
		wg.Wait()
		for i, s := range statuses {
			if s != 303 {
				t.Errorf("tick %d at once: %d", i, s)
			}
		}
		export := srv.Do(t, "GET", "/api/v1/me/export", aloneTk, nil).JSON(t)
		calls, _ := export["calls"].([]any)
		if len(calls) != at {
			t.Fatalf("the one living alone was ticked %d times, want %d: %v", len(calls), at, calls)
		}
		latest := calls[len(calls)-1].(map[string]any)
		if latest["note"] != "女儿会转告" || latest["title"] != "台风预警" {
			t.Errorf("a call in the person's own data: %v", latest)
		}
		if marks, _ := export["marks"].([]any); len(marks) != 1 || marks[0].(map[string]any)["kind"] != "lives_alone" {
			t.Errorf("the person's own marks in their data: %v", export["marks"])
		}
		r = asPage(t, srv, staff, "GET", "/desk/calls/"+alert, "")
		body = string(r.Body)
		item := body[strings.Index(body, `id="person-`+alone+`"`):]
		item = item[:strings.Index(item, "</li>")]
		want := map[string]string{"called": "已打通", "visited": "已上门"}[latest["outcome"].(string)]
		if !strings.Contains(item, `<p class="outcome">`+want) || !strings.Contains(item, fmt.Sprintf("共登记了 %d 次", at)) {
			t.Errorf("the list shows the one living alone as %.600s; want %s, the latest of %d", item, want, at)
		}
		// Reached: the one living alone, and the reader; not the one not reached.
		if !strings.Contains(body, "已联系 2 / ") || !strings.Contains(body, "登记之后，这位居民已在应用里看过了") {
			t.Errorf("the progress after the ticks: %.300s", body[strings.Index(body, "calls-progress"):])
		}
		if ticks := items(t, srv.Do(t, "GET", "/api/v1/audit?action=calls.tick&user_id="+alone, staff, nil)); len(ticks) != at {
			t.Errorf("%d ticks audited, want %d", len(ticks), at)
		}
	})
}

// TestAnUrgentNoticeAndACancellationAreFollowedUp: a notice staff mark
// urgent on the board's form reaches every resident and has a call list;
// a neighbour cannot mark a tip urgent; a cancelled activity's list names
// those who were on it and have not read its cancellation, and its roster
// shows staff the marks and links to the list.
func TestAnUrgentNoticeAndACancellationAreFollowedUp(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		srv := testserver.New(t, e)
		staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
		alone, aloneTk := srv.Register(t, "独居的李阿婆", "13912300011")
		reader, readerTk := srv.Register(t, "看了通知的张叔", "13912300012")
		if r := mark(t, srv, staff, alone, "lives_alone", true); r.Status != 303 {
			t.Fatalf("mark: %d", r.Status)
		}

		r := asPage(t, srv, staff, "POST", "/notices/new", url.Values{"kind": {"notice"}, "urgent": {"1"}, "title": {"明天停水"}, "body": {"明天上午停水"}}.Encode())
		if r.Status != 303 {
			t.Fatalf("an urgent notice: %d %s", r.Status, r.Body)
		}
		urgent := strings.TrimPrefix(strings.Split(r.Header.Get("Location"), "?")[0], "/notices/")
		if n := notifications(t, srv, aloneTk); len(n) == 0 || n[0]["kind"] != "urgent_notice" || n[0]["read"] != false {
			t.Errorf("the urgent notice, as a resident is told: %v", n)
		}
		if body := string(asPage(t, srv, staff, "GET", "/notices/"+urgent, "").Body); !strings.Contains(body, `class="badge urgent"`) || !strings.Contains(body, "/desk/calls/"+urgent) {
			t.Errorf("the urgent notice's page shows staff no label or list")
		}
		if order := callOrder(t, asPage(t, srv, staff, "GET", "/desk/calls/"+urgent, "").Body); len(order) < 2 || !slices.Contains(order[:2], alone) {
			t.Errorf("the urgent notice's list begins %v, want %s", order, alone)
		}
		r = asPage(t, srv, readerTk, "POST", "/notices/new", url.Values{"kind": {"tip"}, "urgent": {"1"}, "title": {"菜场搬家"}, "body": {"东门"}}.Encode())
		if r.Status != 422 || !strings.Contains(string(r.Body), `<p class="alert" role="alert">`) {
			t.Errorf("an urgent tip: %d", r.Status)
		}
		if strings.Contains(string(asPage(t, srv, readerTk, "GET", "/notices/new", "").Body), `name="urgent"`) {
			t.Error("a resident is offered to make a post urgent")
		}

		// A class the two joined, cancelled at the desk.
		activity := createActivity(t, srv, staff, map[string]any{"age_rule": nil})["id"].(string)
		for _, tk := range []string{aloneTk, readerTk} {
			if r := srv.Do(t, "POST", "/api/v1/activities/"+activity+"/registrations", tk, nil); r.Status != 201 {
				t.Fatalf("register: %d %s", r.Status, r.Body)
			}
		}
		roster := string(asPage(t, srv, staff, "GET", "/desk/activities/"+activity, "").Body)
		if !strings.Contains(roster, `class="badge mark mark-lives_alone"`) || strings.Contains(roster, "/desk/activities/"+activity+"/calls") {
			t.Errorf("the roster of a scheduled class: marks shown %v, call list offered %v",
				strings.Contains(roster, "mark-lives_alone"), strings.Contains(roster, "/calls"))
		}
		if r := asPage(t, srv, staff, "GET", "/desk/activities/"+activity+"/calls", ""); r.Status != 404 {
			t.Errorf("the call list of a class not cancelled: %d", r.Status)
		}
		if regs := srv.Do(t, "GET", "/api/v1/activities/"+activity+"/registrations", staff, nil); strings.Contains(string(regs.Body), "lives_alone") {
			t.Errorf("the API's roster carries marks: %s", regs.Body)
		}
		if r := asPage(t, srv, staff, "POST", "/desk/activities/"+activity+"/cancel", ""); r.Status != 303 {
			t.Fatalf("cancel: %d", r.Status)
		}
		if roster := string(asPage(t, srv, staff, "GET", "/desk/activities/"+activity, "").Body); !strings.Contains(roster, `href="/desk/activities/`+activity+`/calls"`) {
			t.Error("the cancelled class's roster offers no call list")
		}
		if r := asPage(t, srv, readerTk, "GET", "/activities/"+activity, ""); r.Status != 200 {
			t.Fatalf("the cancelled class, as the reader opens it: %d", r.Status)
		}
		r = asPage(t, srv, staff, "GET", "/desk/activities/"+activity+"/calls", "")
		if order := callOrder(t, r.Body); !slices.Equal(order, []string{alone}) {
			t.Errorf("the cancelled class's list: %v, want only %s (not %s, who read it)", order, alone, reader)
		}
		if !strings.Contains(string(r.Body), "活动取消") {
			t.Error("the list does not say it follows a cancellation")
		}
		r = asPage(t, srv, staff, "POST", "/desk/activities/"+activity+"/calls", url.Values{"user_id": {alone}, "outcome": {"visited"}}.Encode())
		if r.Status != 303 || r.Header.Get("Location") != "/desk/activities/"+activity+"/calls?notice=call_recorded#person-"+alone {
			t.Errorf("tick at a cancelled class: %d %s", r.Status, r.Header.Get("Location"))
		}
		if body := string(asPage(t, srv, staff, "GET", "/desk/activities/"+activity+"/calls", "").Body); !strings.Contains(body, "已联系 1 / 1") {
			t.Errorf("the class's list after its tick: %.300s", body)
		}
		if r := asPage(t, srv, aloneTk, "GET", "/desk/activities/"+activity+"/calls", ""); r.Status != 404 {
			t.Errorf("a resident on the class's list: %d", r.Status)
		}
	})
}

// TestOpeningAPostWritesOnlyWhenUnread: reading a post moves the data
// version only when it marks the reader's notice of it read, once.
func TestOpeningAPostWritesOnlyWhenUnread(t *testing.T) {
	srv := testserver.New(t, dbtest.Engines(t)[0])
	staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
	_, reader := srv.Register(t, "看提醒的居民", "13912300021")
	alert := srv.Do(t, "POST", "/api/v1/posts", staff, map[string]any{"station_id": srv.Station.ID.String(), "kind": "safety_alert",
		"title": "暴雨", "body": "少出门"}).JSON(t)["id"].(string)
	tip := srv.Do(t, "POST", "/api/v1/posts", reader, map[string]any{"station_id": srv.Station.ID.String(), "kind": "tip", "title": "伞", "body": "带伞"}).JSON(t)["id"].(string)
	ctx := t.Context()
	for i, c := range []struct {
		path  string
		moves bool
	}{{"/notices/" + tip, false}, {"/notices/" + alert, true}, {"/notices/" + alert, false}, {"/api/v1/posts/" + alert, false}} {
		before := srv.DB.DataVersion(ctx)
		if r := asPage(t, srv, reader, "GET", c.path, ""); r.Status != 200 {
			t.Fatalf("%s: %d", c.path, r.Status)
		}
		if moved := srv.DB.DataVersion(ctx) != before; moved != c.moves {
			t.Errorf("%d: reading %s moved the data version: %v, want %v", i, c.path, moved, c.moves)
		}
	}
}

// TestAClosedAccountIsNobodyToCall: a closed account's row stays in its
// area, named 已注销居民 without a phone; a safety alert or an urgent
// notice posted after is not told to it, so no call list asks staff to go
// to its door, none counts it as told, and a tick of it answers as if it
// were not on the list. Closed while on a list, it leaves it.
func TestAClosedAccountIsNobodyToCall(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		srv := testserver.New(t, e)
		staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
		st := srv.Station.ID.String()
		gone, _ := srv.Register(t, "搬走的居民", "13912300031")
		later, _ := srv.Register(t, "后来注销的居民", "13912300032")
		first := srv.Do(t, "POST", "/api/v1/posts", staff, map[string]any{"station_id": st, "kind": "safety_alert", "title": "暴雨", "body": "少出门"}).JSON(t)["id"].(string)
		if r := srv.Do(t, "POST", "/api/v1/users/"+gone+"/close", staff, nil); r.Status != 200 {
			t.Fatalf("close: %d %s", r.Status, r.Body)
		}
		for _, p := range []map[string]any{
			{"station_id": st, "kind": "safety_alert", "title": "台风", "body": "关好门窗"},
			{"station_id": st, "kind": "notice", "urgent": true, "title": "停水", "body": "明天上午"},
		} {
			post := srv.Do(t, "POST", "/api/v1/posts", staff, p).JSON(t)["id"].(string)
			r := asPage(t, srv, staff, "GET", "/desk/calls/"+post, "")
			if order := callOrder(t, r.Body); r.Status != 200 || slices.Contains(order, gone) || !slices.Contains(order, later) {
				t.Errorf("the %s's list names the closed account: %v (%d)", p["kind"], slices.Contains(order, gone), r.Status)
			}
			if strings.Contains(string(r.Body), "已注销") {
				t.Errorf("the %s's list has a closed account on it", p["kind"])
			}
			if r := asPage(t, srv, staff, "POST", "/desk/calls/"+post, "user_id="+gone+"&outcome=visited"); r.Status != 404 {
				t.Errorf("a tick of the closed account on the %s's list: %d", p["kind"], r.Status)
			}
		}
		// On the first alert's list, then closed: off it, and not ticked.
		if order := callOrder(t, asPage(t, srv, staff, "GET", "/desk/calls/"+first, "").Body); !slices.Contains(order, later) {
			t.Fatalf("the first alert's list lacks %s: %v", later, order)
		}
		if r := srv.Do(t, "POST", "/api/v1/users/"+later+"/close", staff, nil); r.Status != 200 {
			t.Fatalf("close: %d %s", r.Status, r.Body)
		}
		if r := asPage(t, srv, staff, "POST", "/desk/calls/"+first, "user_id="+later+"&outcome=called"); r.Status != 404 {
			t.Errorf("a tick of one closed since the list was read: %d", r.Status)
		}
		if order := callOrder(t, asPage(t, srv, staff, "GET", "/desk/calls/"+first, "").Body); slices.Contains(order, later) || slices.Contains(order, gone) {
			t.Errorf("the first alert's list after the closures: %v", order)
		}
	})
}

// TestAMarkIsSetOnlyAsItsButtonSays: the buttons send on=1 and on=0; any
// other value is refused (on=true took a mark off), and an id no person
// has answers 404, as a person who is not there.
func TestAMarkIsSetOnlyAsItsButtonSays(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		srv := testserver.New(t, e)
		staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
		alone, _ := srv.Register(t, "李阿婆", "13912300041")
		if r := mark(t, srv, staff, alone, "lives_alone", true); r.Status != 303 {
			t.Fatalf("mark: %d", r.Status)
		}
		for _, on := range []string{"true", "on", "yes", "2", "-1", "01", ""} {
			if r := asPage(t, srv, staff, "POST", "/desk/residents/"+alone+"/marks", "kind=lives_alone&q=x&on="+on); r.Status != 422 {
				t.Errorf("on=%q: %d", on, r.Status)
			}
		}
		if r := asPage(t, srv, staff, "POST", "/desk/residents/"+alone+"/marks", "kind=lives_alone"); r.Status != 422 {
			t.Errorf("no on: %d", r.Status)
		}
		page := string(asPage(t, srv, staff, "GET", "/desk/residents?q="+url.QueryEscape("李阿婆"), "").Body)
		if !strings.Contains(page, `class="badge mark mark-lives_alone"`) {
			t.Error("the mark was taken off by a value no button sends")
		}
		for _, id := range []string{"0", "-1", "abc", "99999999999999999999", "99999999"} {
			if r := asPage(t, srv, staff, "POST", "/desk/residents/"+id+"/marks", "kind=lives_alone&on=1"); r.Status != 404 {
				t.Errorf("a mark on %s: %d", id, r.Status)
			}
		}
	})
}
