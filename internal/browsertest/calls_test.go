package browsertest_test

import (
	"net/url"
	"regexp"
	"slices"
	"testing"
	"time"

	"guli/i18n"
	"guli/internal/dbtest"
	"guli/internal/testserver"
)

// TestTheCallListInTheBrowser: staff mark a resident as living alone with
// one tap on the residents' page, post a safety alert from the board's
// form, and a resident opens it on their phone; the alert's page leads
// staff to its call list, which no longer names that resident and names
// the one living alone first, with her number to ring; staff tick
// "called" and the list says so. A cancelled class has its list too.
// Every page passes axe at a phone's width, in normal and elder mode.
func TestTheCallListInTheBrowser(t *testing.T) {
	cat := i18n.MustLoad()
	desk, phone := tab(t), tab(t)
	srv := testserver.New(t, dbtest.Engines(t)[0])
	alone, aloneTk := srv.Register(t, "独居的李阿婆", "13912377001")
	residentTk := srv.Login(t, testserver.ResidentPhone, testserver.Password)
	resident := srv.Do(t, "GET", "/api/v1/me", residentTk, nil).JSON(t)["id"].(string)

	login(t, desk, srv, testserver.StaffPhone)
	residents := "/desk/residents?q=" + url.QueryEscape("李阿婆")
	open(t, desk, srv, residents)
	mark := `#resident-` + alone + ` form[action="/desk/residents/` + alone + `/marks"] input[value="lives_alone"] ~ button`
	path, code := submit(t, desk, mark)
	if code != 200 || path != residents+"&notice=mark_set" {
		t.Fatalf("marking her: landed on %s with %d", path, code)
	}
	if got := text(t, desk, `#resident-`+alone+` .badge.mark`); got != cat.T(i18n.Chinese, "marks.lives_alone") {
		t.Errorf("her label reads %q", got)
	}
	if pressed := eval[string](t, desk, `document.querySelector('`+mark+`').getAttribute('aria-pressed')`); pressed != "true" {
		t.Errorf("the mark's button is pressed: %q", pressed)
	}
	checkOnPhone(t, desk, residents)

	open(t, desk, srv, "/notices/new?kind=safety_alert")
	fill(t, desk, [][2]string{{"#f-title", "今晚台风过境"}, {"#f-body", "请关好门窗，**不要**去河边。"}})
	path, code = submit(t, desk, `form[action="/notices/new"] button[type="submit"]`)
	m := regexp.MustCompile(`^/notices/(\d+)\?notice=post_created$`).FindStringSubmatch(path)
	if m == nil || code != 200 {
		t.Fatalf("posting the alert: landed on %s with %d", path, code)
	}
	alert := m[1]

	// The resident reads it on their phone.
	login(t, phone, srv, testserver.ResidentPhone)
	open(t, phone, srv, "/notices/"+alert)
	if n := eval[int](t, phone, `document.querySelectorAll('a[href^="/desk/calls/"]').length`); n != 0 {
		t.Error("a resident is offered the call list")
	}

	open(t, desk, srv, "/notices/"+alert)
	checkOnPhone(t, desk, "/notices/{alert} as staff")
	calls := "/desk/calls/" + alert
	if path, code := submit(t, desk, `a[href="`+calls+`"]`); path != calls || code != 200 {
		t.Fatalf("the link to the call list: %s %d", path, code)
	}
	// She and the demo's 张阿婆, who lives alone without a phone, first.
	first := eval[[]string](t, desk, `Array.from(document.querySelectorAll('ol.calls li')).slice(0, 2).map(li => li.id)`)
	if zhang := "person-" + personID(t, srv, "张阿婆"); !slices.Contains(first, "person-"+alone) || !slices.Contains(first, zhang) {
		t.Errorf("the list begins with %v, want those living alone (person-%s, %s)", first, alone, zhang)
	}
	if n := eval[int](t, desk, `document.querySelectorAll('#person-`+resident+`').length`); n != 0 {
		t.Error("the list names the resident who read the alert")
	}
	if href := eval[string](t, desk, `document.querySelector('#person-`+alone+` a.tel').getAttribute('href')`); href != "tel:13912377001" {
		t.Errorf("her number rings %q", href)
	}
	checkOnPhone(t, desk, calls)

	path, code = submit(t, desk, `#person-`+alone+` button[value="called"]`)
	if code != 200 || path != calls+"?after=2h&notice=call_recorded" {
		t.Fatalf("ticking her: landed on %s with %d", path, code)
	}
	if got, want := text(t, desk, `#person-`+alone+` .outcome`), cat.T(i18n.Chinese, "calls.outcome.called"); !regexp.MustCompile("^" + want + " · ").MatchString(got) {
		t.Errorf("her outcome reads %q", got)
	}
	if got := text(t, desk, `#progress-title`); !regexp.MustCompile(`^已联系 1 / \d+$`).MatchString(got) {
		t.Errorf("the progress reads %q", got)
	}
	if v := eval[int](t, desk, `document.getElementById('calls-bar').value`); v != 1 {
		t.Errorf("the bar is at %d", v)
	}
	checkOnPhone(t, desk, calls+" after a tick")
	eval[int](t, desk, `(window.scrollTo(0, 0), 0)`) // the page's top: what the list is of, and how far
	screenshot(t, desk, "calls")

	// A class she joined, cancelled: its list from its roster.
	staffTk := srv.Login(t, testserver.StaffPhone, testserver.Password)
	start := time.Now().AddDate(0, 0, 10).Truncate(time.Hour)
	r := srv.Do(t, "POST", "/api/v1/activities", staffTk, map[string]any{"station_id": srv.Station.ID.String(), "title": "剪纸课",
		"category": "class", "start": start.Format(time.RFC3339), "end": start.Add(time.Hour).Format(time.RFC3339), "age_rule": nil})
	if r.Status != 201 {
		t.Fatalf("a class: %d %s", r.Status, r.Body)
	}
	class := r.JSON(t)["items"].([]any)[0].(map[string]any)["id"].(string)
	if r := srv.Do(t, "POST", "/api/v1/activities/"+class+"/registrations", aloneTk, nil); r.Status != 201 {
		t.Fatalf("she joins: %d %s", r.Status, r.Body)
	}
	if r := srv.Do(t, "DELETE", "/api/v1/activities/"+class, staffTk, nil); r.Status != 204 {
		t.Fatalf("cancel: %d %s", r.Status, r.Body)
	}
	open(t, desk, srv, "/desk/activities/"+class)
	classCalls := "/desk/activities/" + class + "/calls"
	if path, code := submit(t, desk, `a[href="`+classCalls+`"]`); path != classCalls || code != 200 {
		t.Fatalf("the cancelled class's list: %s %d", path, code)
	}
	checkOnPhone(t, desk, classCalls)

	inElderMode(t, desk, srv, []string{calls, classCalls, residents, "/notices/" + alert})
}
