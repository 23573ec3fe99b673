package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"guli/internal/dbtest"
	"guli/internal/testserver"
)

// TestAgeRanges: an activity for ages 6–12 takes a child of 8 and refuses
// a grown-up and a person whose age is unknown with age_out_of_range; the
// timetable filters activities for children.
func TestAgeRanges(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		srv := testserver.New(t, e)
		staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
		class := createActivity(t, srv, staff, map[string]any{"min_age": 6, "max_age": 12})
		if class["min_age"].(float64) != 6 || class["max_age"].(float64) != 12 {
			t.Fatalf("ages %v %v", class["min_age"], class["max_age"])
		}
		other := createActivity(t, srv, staff, map[string]any{"title": "太极拳", "start": rfc(nextOpen(time.Sunday, "09:30")), "end": rfc(nextOpen(time.Sunday, "10:30"))})
		if other["min_age"].(float64) != 0 || other["max_age"].(float64) != 0 {
			t.Fatalf("ages of an open activity %v %v", other["min_age"], other["max_age"])
		}
		path := "/api/v1/activities/" + class["id"].(string) + "/registrations"
		_, tokens := residents(t, srv, 2)
		year := nextOpen(time.Saturday, "09:30").Year()
		for _, tt := range []struct {
			name      string
			birthYear int
			status    int
			code      string
		}{
			{"age unknown", 0, http.StatusUnprocessableEntity, "age_out_of_range"},
			{"a grown-up", 1990, http.StatusUnprocessableEntity, "age_out_of_range"},
			{"five", year - 5, http.StatusUnprocessableEntity, "age_out_of_range"},
			{"eight", year - 8, http.StatusCreated, ""},
		} {
			if tt.birthYear != 0 {
				if r := srv.Do(t, "PATCH", "/api/v1/me", tokens[0], map[string]any{"birth_year": tt.birthYear}); r.Status != http.StatusOK {
					t.Fatalf("%s: set birth year: %d %s", tt.name, r.Status, r.Body)
				}
			}
			r := srv.Do(t, "POST", path, tokens[0], nil)
			if r.Status != tt.status || r.ErrorCode() != tt.code {
				t.Errorf("%s: %d %s, want %d %s", tt.name, r.Status, r.Body, tt.status, tt.code)
			}
		}
		// The demo's children's class is there too: each found is for
		// children, the open one not, the new class among them.
		r := srv.Do(t, "GET", "/api/v1/activities?for_children=true&station_id="+srv.Station.ID.String(), "", nil)
		found := false
		for _, it := range r.JSON(t)["items"].([]any) {
			a := it.(map[string]any)
			found = found || a["id"] == class["id"]
			if top := a["max_age"].(float64); top < 1 || top > 17 || a["id"] == other["id"] {
				t.Errorf("for children: %v", a)
			}
		}
		if r.Status != http.StatusOK || !found {
			t.Errorf("for children: %d %s", r.Status, r.Body)
		}
		for _, bad := range []map[string]any{{"min_age": 12, "max_age": 6}, {"min_age": -1}, {"max_age": strconv.Itoa(6)}, {"max_age": 1e12}} {
			body := map[string]any{"station_id": srv.Station.ID.String(), "title": "x", "category": "class",
				"start": rfc(nextOpen(time.Saturday, "13:30")), "end": rfc(nextOpen(time.Saturday, "14:00"))}
			for k, v := range bad {
				body[k] = v
			}
			if r := srv.Do(t, "POST", "/api/v1/activities", staff, body); r.Status != http.StatusUnprocessableEntity && r.Status != http.StatusBadRequest {
				t.Errorf("%v: %d %s", bad, r.Status, r.Body)
			}
		}
		if r := srv.Do(t, "GET", "/api/v1/activities?for_children=%FF", "", nil); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("for_children=%%FF: %d %s", r.Status, r.Body)
		}
	})
}

// family is a guardian with two children and a stranger, another guardian
// and the staff of another station, on a test server.
type family struct {
	srv                          *testserver.Server
	staff, otherStaff, admin     string
	guardian, stranger, other    string // tokens
	guardianID, strangerID       string
	child, child2, otherChild    string // ids
	strangerPhone, guardianPhone string
}

func newFamily(t *testing.T, e dbtest.Engine) *family {
	t.Helper()
	srv := testserver.New(t, e)
	f := &family{srv: srv, staff: srv.Login(t, testserver.StaffPhone, testserver.Password), admin: srv.Login(t, testserver.AdminPhone, testserver.Password)}
	f.guardianPhone, f.strangerPhone = "13910000000", "13910000001"
	ids, tokens := residents(t, srv, 3)
	f.guardianID, f.strangerID = ids[0], ids[1]
	f.guardian, f.stranger, f.other = tokens[0], tokens[1], tokens[2]
	year := time.Now().Year()
	f.child = f.addDependent(t, f.guardian, "小明", year-8, "child")["id"].(string)
	f.child2 = f.addDependent(t, f.guardian, "小红", year-9, "child")["id"].(string)
	f.otherChild = f.addDependent(t, f.other, "小刚", year-8, "child")["id"].(string)
	// The staff of a second station.
	r := srv.Do(t, "POST", "/api/v1/stations", f.admin, map[string]any{"name": "菊泉小站", "address": "菊泉街",
		"opening_hours": map[string][]string{"sat": {"09:00-17:00"}}})
	station := r.JSON(t)["id"].(string)
	area := srv.Do(t, "POST", "/api/v1/stations/"+station+"/areas", f.admin, map[string]any{"name": "菊泉新苑", "committee": "菊泉新苑居委会"}).JSON(t)["id"].(string)
	r = srv.Do(t, "POST", "/api/v1/users", f.admin, map[string]any{"name": "菊泉社工", "area_id": area, "phone": "13800000020", "password": "菊泉小站的社工小陈"})
	worker := r.JSON(t)["id"].(string)
	if r := srv.Do(t, "PUT", "/api/v1/users/"+worker+"/roles", f.admin, map[string]any{"roles": []string{"staff"}, "station_ids": []string{station}}); r.Status != 200 {
		t.Fatalf("second social worker: %d %s", r.Status, r.Body)
	}
	f.otherStaff = srv.Login(t, "13800000020", "菊泉小站的社工小陈")
	return f
}

func (f *family) addDependent(t *testing.T, token, name string, birthYear int, relation string) map[string]any {
	t.Helper()
	r := f.srv.Do(t, "POST", "/api/v1/me/dependents", token, map[string]any{"name": name, "birth_year": birthYear, "relation": relation})
	if r.Status != http.StatusCreated {
		t.Fatalf("add dependent %s: %d %s", name, r.Status, r.Body)
	}
	return r.JSON(t)
}

// TestDependents: a resident adds a child, with their consent recorded,
// and a parent without a phone; both are listed with their relation.
func TestDependents(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFamily(t, e)
		grandma := f.addDependent(t, f.guardian, "张阿婆", 1940, "parent")
		if grandma["consent_at"] != nil || grandma["relation"] != "parent" || grandma["status"] != "active" || grandma["kept"] != true {
			t.Errorf("a parent: %v", grandma)
		}
		r := f.srv.Do(t, "GET", "/api/v1/me/dependents", f.guardian, nil)
		items := r.JSON(t)["items"].([]any)
		if r.Status != 200 || len(items) != 3 {
			t.Fatalf("dependents: %d %s", r.Status, r.Body)
		}
		child := items[0].(map[string]any)
		if child["id"] != f.child || child["name"] != "小明" || child["relation"] != "child" || child["status"] != "active" || child["consent_at"] == nil {
			t.Errorf("a child: %v", child)
		}
		for _, bad := range []map[string]any{{}, {"name": "小明", "birth_year": 2016}, {"name": "小明", "birth_year": 2016, "relation": "pet"},
			{"name": "小明", "birth_year": -1, "relation": "child"}, {"name": "小明", "birth_year": 1e15, "relation": "child"},
			{"name": "小明", "birth_year": 2016, "relation": "child", "area_id": "999999"}} {
			if r := f.srv.Do(t, "POST", "/api/v1/me/dependents", f.guardian, bad); r.Status != 422 {
				t.Errorf("%v: %d %s", bad, r.Status, r.Body)
			}
		}
		if r := f.srv.Do(t, "POST", "/api/v1/me/dependents", f.guardian, map[string]any{"name": 5}); r.Status != 422 && r.Status != 400 {
			t.Errorf("a name of the wrong type: %d %s", r.Status, r.Body)
		}
		if r := f.srv.Do(t, "GET", "/api/v1/me/dependents", "", nil); r.Status != 401 {
			t.Errorf("signed out: %d", r.Status)
		}
		r = f.srv.Do(t, "GET", "/api/v1/me/dependents", f.stranger, nil)
		if r.Status != 200 || len(r.JSON(t)["items"].([]any)) != 0 {
			t.Errorf("a stranger's dependents: %d %s", r.Status, r.Body)
		}
	})
}

// TestActingForADependent is invariant 7 for families: a guardian acts for
// their dependent and for no one else; a stranger, another guardian and
// another station's staff find no such person.
func TestActingForADependent(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFamily(t, e)
		srv := f.srv
		class := createActivity(t, srv, f.staff, map[string]any{"min_age": 6, "max_age": 12})
		act := "/api/v1/activities/" + class["id"].(string)
		for _, tt := range []struct {
			name, token, user string
			status            int
		}{
			{"a stranger for the child", f.stranger, f.child, 404},
			{"another guardian for the child", f.other, f.child, 404},
			{"another station's staff for the child", f.otherStaff, f.child, 404},
			{"the guardian for another's child", f.guardian, f.otherChild, 404},
			{"the guardian for a stranger", f.guardian, f.strangerID, 404},
			{"the guardian for no one", f.guardian, "999999999", 404},
			{"the guardian for the child", f.guardian, f.child, 201},
		} {
			if r := srv.Do(t, "POST", act+"/registrations", tt.token, map[string]any{"user_id": tt.user}); r.Status != tt.status {
				t.Errorf("register: %s: %d %s", tt.name, r.Status, r.Body)
			}
		}
		// The child's places, to the guardian only.
		for _, tt := range []struct {
			name, token string
			status      int
		}{{"the guardian", f.guardian, 200}, {"a stranger", f.stranger, 404}, {"another guardian", f.other, 404}, {"another station's staff", f.otherStaff, 404}} {
			r := srv.Do(t, "GET", "/api/v1/me/activities?user_id="+f.child, tt.token, nil)
			if r.Status != tt.status || tt.status == 200 && len(r.JSON(t)["items"].([]any)) != 1 {
				t.Errorf("the child's activities, %s: %d %s", tt.name, r.Status, r.Body)
			}
			r = srv.Do(t, "GET", "/api/v1/users/"+f.child+"/health-measurements", tt.token, nil)
			if r.Status != tt.status {
				t.Errorf("the child's health checks, %s: %d %s", tt.name, r.Status, r.Body)
			}
			r = srv.Do(t, "POST", "/api/v1/help-requests", tt.token, map[string]any{"title": "接孩子放学", "category": "errand", "on_behalf_of": f.child})
			if want := map[int]int{200: 201, 404: 404}[tt.status]; r.Status != want && !(tt.token == f.otherStaff && r.Status == 422) {
				t.Errorf("help for the child, %s: %d %s", tt.name, r.Status, r.Body)
			} else if r.Status == 201 && r.JSON(t)["requester_id"] != f.child {
				t.Errorf("help for the child: %s", r.Body)
			}
		}
		// Cancelling: a stranger finds nothing; the guardian gives the place up.
		if r := srv.Do(t, "DELETE", act+"/registrations/"+f.child, f.stranger, nil); r.Status != 404 {
			t.Errorf("a stranger cancels: %d %s", r.Status, r.Body)
		}
		if r := srv.Do(t, "DELETE", act+"/registrations/"+f.child, f.guardian, nil); r.Status != 204 {
			t.Errorf("the guardian cancels: %d %s", r.Status, r.Body)
		}
		// The guardian's act is recorded with who did it.
		r := srv.Do(t, "GET", "/api/v1/audit?user_id="+f.child, f.staff, nil)
		if r.Status != 200 || !strings.Contains(string(r.Body), "registration.by_family") || !strings.Contains(string(r.Body), "registration.cancel_by_family") {
			t.Errorf("the audit: %d %s", r.Status, r.Body)
		}
	})
}

// TestLinkingAGrownUp: a son asks by phone to act for his mother, who has
// her own account; until she accepts he cannot act for her, once she does
// he can, and once either ends the link he cannot again, at once.
func TestLinkingAGrownUp(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFamily(t, e)
		srv := f.srv
		mother, son := f.stranger, f.guardian
		act := "/api/v1/activities/" + createActivity(t, srv, f.staff, nil)["id"].(string) + "/registrations"
		r := srv.Do(t, "POST", "/api/v1/me/dependents/link", son, map[string]any{"phone": f.strangerPhone})
		if r.Status != 201 || r.JSON(t)["status"] != "pending" {
			t.Fatalf("ask: %d %s", r.Status, r.Body)
		}
		link := r.JSON(t)["id"].(string)
		for _, tt := range []struct {
			name  string
			body  map[string]any
			code  string
			field string
		}{
			{"again", map[string]any{"phone": f.strangerPhone}, "link_exists", ""},
			{"one's own number", map[string]any{"phone": f.guardianPhone}, "validation_failed", "phone"},
			{"nobody's number", map[string]any{"phone": "13999999999"}, "validation_failed", "phone"},
			{"not a number", map[string]any{"phone": "12345"}, "validation_failed", "phone"},
			{"no number", map[string]any{}, "validation_failed", "phone"},
		} {
			r := srv.Do(t, "POST", "/api/v1/me/dependents/link", son, tt.body)
			if r.ErrorCode() != tt.code || tt.field != "" && !strings.Contains(string(r.Body), `"`+tt.field+`"`) {
				t.Errorf("ask %s: %d %s", tt.name, r.Status, r.Body)
			}
		}
		// Pending: not actable.
		if r := srv.Do(t, "POST", act, son, map[string]any{"user_id": f.strangerID}); r.Status != 404 {
			t.Errorf("acting on a pending link: %d %s", r.Status, r.Body)
		}
		r = srv.Do(t, "GET", "/api/v1/me/guardians", mother, nil)
		if items := r.JSON(t)["items"].([]any); len(items) != 1 || items[0].(map[string]any)["status"] != "pending" || items[0].(map[string]any)["link_id"] != link {
			t.Errorf("the mother's guardians: %s", r.Body)
		}
		for _, tt := range []struct {
			name, token string
			status      int
		}{{"the son himself", son, 403}, {"another resident", f.other, 404}, {"another station's staff", f.otherStaff, 404}, {"the mother", mother, 200}, {"the mother again", mother, 200}} {
			r := srv.Do(t, "POST", "/api/v1/links/"+link+"/accept", tt.token, nil)
			if r.Status != tt.status || tt.status == 200 && r.JSON(t)["status"] != "active" {
				t.Errorf("accept, %s: %d %s", tt.name, r.Status, r.Body)
			}
		}
		if r := srv.Do(t, "POST", act, son, map[string]any{"user_id": f.strangerID}); r.Status != 201 {
			t.Errorf("acting on an active link: %d %s", r.Status, r.Body)
		}
		// The mother reads who signed her up.
		r = srv.Do(t, "GET", "/api/v1/audit?user_id="+f.strangerID, mother, nil)
		if !strings.Contains(string(r.Body), "registration.by_family") || !strings.Contains(string(r.Body), f.guardianID) {
			t.Errorf("the mother's audit: %d %s", r.Status, r.Body)
		}
		for _, tt := range []struct {
			name, token string
			status      int
		}{{"another resident", f.other, 404}, {"another station's staff", f.otherStaff, 404}, {"the mother", mother, 204}, {"the mother again", mother, 404}} {
			if r := srv.Do(t, "DELETE", "/api/v1/links/"+link, tt.token, nil); r.Status != tt.status {
				t.Errorf("end, %s: %d %s", tt.name, r.Status, r.Body)
			}
		}
		if r := srv.Do(t, "DELETE", act+"/"+f.strangerID, son, nil); r.Status != 404 {
			t.Errorf("acting on an ended link: %d %s", r.Status, r.Body)
		}
		// Asked again, the desk's staff accept for her; the son ends it.
		link = srv.Do(t, "POST", "/api/v1/me/dependents/link", son, map[string]any{"phone": f.strangerPhone}).JSON(t)["id"].(string)
		if r := srv.Do(t, "POST", "/api/v1/links/"+link+"/accept", f.staff, nil); r.Status != 200 {
			t.Errorf("staff accept: %d %s", r.Status, r.Body)
		}
		if r := srv.Do(t, "DELETE", act+"/"+f.strangerID, son, nil); r.Status != 204 {
			t.Errorf("the son cancels for her: %d %s", r.Status, r.Body)
		}
		if r := srv.Do(t, "DELETE", "/api/v1/links/"+link, son, nil); r.Status != 204 {
			t.Errorf("the son ends it: %d %s", r.Status, r.Body)
		}
		for _, path := range []string{"/api/v1/links/0/accept", "/api/v1/links/-1/accept", "/api/v1/links/99999999999999999999/accept", "/api/v1/links/abc/accept"} {
			if r := srv.Do(t, "POST", path, mother, nil); r.Status != 404 && r.Status != 400 {
				t.Errorf("%s: %d %s", path, r.Status, r.Body)
			}
		}
	})
}

// TestTwoChildrenForTheLastPlace is invariant 1 with invariant 7: a
// guardian signs two children up for the last place at once; one is
// confirmed and the other waitlisted.
func TestTwoChildrenForTheLastPlace(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFamily(t, e)
		for round := range 5 {
			class := createActivity(t, f.srv, f.staff, map[string]any{"capacity": 1, "min_age": 6, "max_age": 12,
				"start": rfc(nextOpen(time.Saturday, "09:30").AddDate(0, 0, 7*round)), "end": rfc(nextOpen(time.Saturday, "11:00").AddDate(0, 0, 7*round))})
			path := "/api/v1/activities/" + class["id"].(string) + "/registrations"
			children := []string{f.child, f.child2}
			got := make([]string, 2)
			statuses := parallel(2, func(i int) int {
				r := f.srv.Do(t, "POST", path, f.guardian, map[string]any{"user_id": children[i]})
				if r.Status == http.StatusCreated {
					got[i], _ = r.JSON(t)["status"].(string)
				}
				return r.Status
			})
			if count(statuses, 201) != 2 || !(got[0] == "confirmed" && got[1] == "waitlisted" || got[0] == "waitlisted" && got[1] == "confirmed") {
				t.Fatalf("round %d: %v %v", round, statuses, got)
			}
			detail := f.srv.Do(t, "GET", "/api/v1/activities/"+class["id"].(string), "", nil).JSON(t)
			if detail["confirmed_count"].(float64) != 1 || detail["waitlist_count"].(float64) != 1 {
				t.Fatalf("round %d: counts %v", round, detail)
			}
		}
	})
}

// TestEndingALinkRacesAnAct: a son signs his mother up while she ends
// the link, many times at once. Whatever the order, nothing is done under
// the link once its end has answered: after the end, the son's acts find
// no such person, and every place he took was taken before the end
// committed (each act either succeeded and is audited, or found nothing).
func TestEndingALinkRacesAnAct(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFamily(t, e)
		srv := f.srv
		mother, son := f.stranger, f.guardian
		const rounds = 8
		for round := range rounds {
			link := srv.Do(t, "POST", "/api/v1/me/dependents/link", son, map[string]any{"phone": f.strangerPhone}).JSON(t)["id"].(string)
			if r := srv.Do(t, "POST", "/api/v1/links/"+link+"/accept", mother, nil); r.Status != 200 {
				t.Fatalf("accept: %d %s", r.Status, r.Body)
			}
			var acts []string
			for range 4 {
				acts = append(acts, "/api/v1/activities/"+createActivity(t, srv, f.staff, map[string]any{"title": "讲座" + strconv.Itoa(round),
					"start": rfc(nextOpen(time.Sunday, "09:30").AddDate(0, 0, 7*round)), "end": rfc(nextOpen(time.Sunday, "10:30").AddDate(0, 0, 7*round))})["id"].(string)+"/registrations")
			}
			statuses := parallel(5, func(i int) int {
				if i == 4 {
					return srv.Do(t, "DELETE", "/api/v1/links/"+link, mother, nil).Status
				}
				return srv.Do(t, "POST", acts[i], son, map[string]any{"user_id": f.strangerID}).Status
			})
			if statuses[4] != 204 {
				t.Fatalf("round %d: end %d", round, statuses[4])
			}
			for i, s := range statuses[:4] {
				if s != 201 && s != 404 {
					t.Fatalf("round %d: act %d answered %d", round, i, s)
				}
				// What answered 404 holds no place; what answered 201 does.
				mine := srv.Do(t, "GET", "/api/v1/me/activities", mother, nil).JSON(t)["items"].([]any)
				held := false
				for _, it := range mine {
					held = held || strings.HasPrefix(acts[i], "/api/v1/activities/"+it.(map[string]any)["id"].(string)+"/")
				}
				if held != (s == 201) {
					t.Fatalf("round %d: act %d answered %d, place held %v", round, i, s, held)
				}
			}
			// Once ended, at once: nothing more.
			if r := srv.Do(t, "POST", acts[0], son, map[string]any{"user_id": f.strangerID}); r.Status != 404 {
				t.Fatalf("round %d: an act after the end: %d", round, r.Status)
			}
		}
	})
}

// TestAChildIsSeenByGuardiansAndStaffOnly: a child's profile answers
// their guardian and their station's staff, and nobody else; on the
// roster of a talent's class the child shows without a name.
func TestAChildIsSeenByGuardiansAndStaffOnly(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFamily(t, e)
		srv := f.srv
		for _, tt := range []struct {
			name, token string
			status      int
		}{{"the guardian", f.guardian, 200}, {"the station's staff", f.staff, 200}, {"the admin", f.admin, 200},
			{"a stranger", f.stranger, 404}, {"another guardian", f.other, 404}, {"another station's staff", f.otherStaff, 404}} {
			if r := srv.Do(t, "GET", "/api/v1/users/"+f.child, tt.token, nil); r.Status != tt.status {
				t.Errorf("the child's profile, %s: %d %s", tt.name, r.Status, r.Body)
			}
		}
		talent := srv.Login(t, testserver.TalentPhone, testserver.Password)
		class := createActivity(t, srv, talent, map[string]any{"title": "少儿剪纸", "min_age": 6, "max_age": 12})
		roster := "/api/v1/activities/" + class["id"].(string) + "/registrations"
		if r := srv.Do(t, "POST", roster, f.guardian, map[string]any{"user_id": f.child}); r.Status != 201 {
			t.Fatalf("register: %d %s", r.Status, r.Body)
		}
		r := srv.Do(t, "GET", roster, talent, nil)
		item := r.JSON(t)["items"].([]any)[0].(map[string]any)
		if r.Status != 200 || item["name"] != "" || item["child"] != true || strings.Contains(string(r.Body), "小明") {
			t.Errorf("the host's roster: %d %s", r.Status, r.Body)
		}
		r = srv.Do(t, "GET", roster, f.staff, nil)
		if item := r.JSON(t)["items"].([]any)[0].(map[string]any); item["name"] != "小明" || item["child"] != nil {
			t.Errorf("the staff's roster: %d %s", r.Status, r.Body)
		}
		page := srv.Send(t, testserver.Request{Method: "GET", Path: "/desk/activities/" + class["id"].(string), Token: talent})
		if page.Status != 200 || strings.Contains(string(page.Body), "小明") || !strings.Contains(string(page.Body), "一名儿童") {
			t.Errorf("the host's roster page: %d", page.Status)
		}
	})
}

// TestADependentsNotificationsReachTheGuardian: a child promoted from the
// waitlist is told so, and the telling reaches their guardian's inbox,
// saying for whom; a station's alert comes once, the guardian's own; the
// guardian reads and marks the child's, a stranger finds none; once the
// link ends they stop reaching the guardian.
func TestADependentsNotificationsReachTheGuardian(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFamily(t, e)
		srv := f.srv
		class := createActivity(t, srv, f.staff, map[string]any{"capacity": 1})
		regs := "/api/v1/activities/" + class["id"].(string) + "/registrations"
		if r := srv.Do(t, "POST", regs, f.stranger, nil); r.Status != 201 {
			t.Fatalf("register: %d %s", r.Status, r.Body)
		}
		if r := srv.Do(t, "POST", regs, f.guardian, map[string]any{"user_id": f.child}); r.Status != 201 || r.JSON(t)["status"] != "waitlisted" {
			t.Fatalf("register the child: %d %s", r.Status, r.Body)
		}
		if r := srv.Do(t, "DELETE", regs+"/me", f.stranger, nil); r.Status != 204 {
			t.Fatalf("cancel: %d %s", r.Status, r.Body)
		}
		if r := srv.Do(t, "POST", "/api/v1/posts", f.staff, map[string]any{"station_id": srv.Station.ID.String(), "kind": "safety_alert", "title": "台风", "body": "关窗"}); r.Status != 201 {
			t.Fatalf("alert: %d %s", r.Status, r.Body)
		}
		r := srv.Do(t, "GET", "/api/v1/me/notifications", f.guardian, nil)
		var promoted map[string]any
		alerts := 0
		for _, it := range r.JSON(t)["items"].([]any) {
			n := it.(map[string]any)
			switch n["kind"] {
			case "waitlist_promoted":
				promoted = n
			case "safety_alert":
				alerts++
			}
		}
		if promoted == nil || promoted["for_user_id"] != f.child || promoted["for_name"] != "小明" || alerts != 1 {
			t.Fatalf("the guardian's inbox: %s", r.Body)
		}
		for _, tt := range []struct {
			name, token string
			status      int
		}{{"the guardian", f.guardian, 200}, {"a stranger", f.stranger, 404}, {"another guardian", f.other, 404}, {"the station's staff", f.staff, 404}} {
			if r := srv.Do(t, "GET", "/api/v1/me/notifications?user_id="+f.child, tt.token, nil); r.Status != tt.status {
				t.Errorf("the child's inbox, %s: %d %s", tt.name, r.Status, r.Body)
			}
		}
		if r := srv.Do(t, "POST", "/api/v1/me/notifications/read", f.guardian, map[string]any{"ids": []string{promoted["id"].(string)}}); r.Status != 204 {
			t.Fatalf("read: %d %s", r.Status, r.Body)
		}
		r = srv.Do(t, "GET", "/api/v1/me/notifications?user_id="+f.child, f.guardian, nil)
		read := false
		for _, it := range r.JSON(t)["items"].([]any) {
			read = read || it.(map[string]any)["id"] == promoted["id"] && it.(map[string]any)["read"] == true
		}
		if !read {
			t.Errorf("the child's inbox after reading: %s", r.Body)
		}
		// The link ended, the child's notifications no longer come.
		link := srv.Do(t, "GET", "/api/v1/me/dependents", f.guardian, nil).JSON(t)["items"].([]any)[0].(map[string]any)["link_id"].(string)
		if r := srv.Do(t, "DELETE", "/api/v1/links/"+link, f.guardian, nil); r.Status != 204 {
			t.Fatalf("end: %d %s", r.Status, r.Body)
		}
		r = srv.Do(t, "GET", "/api/v1/me/notifications", f.guardian, nil)
		for _, n := range items(t, r) {
			if n["for_user_id"] == f.child {
				t.Errorf("after the end, the child's news: %s", r.Body)
			}
		}
		if r := srv.Do(t, "GET", "/api/v1/me/notifications?user_id="+f.child, f.guardian, nil); r.Status != 404 {
			t.Errorf("the child's inbox after the end: %d", r.Status)
		}
	})
}

// TestAParentsCouncilTakesTheGuardiansOfItsChildren: the guardian of a
// child whose home is the other station joins that station's parents'
// council, though they live elsewhere; its residents' council does not
// take them, nor does the parents' council once the link has ended.
func TestAParentsCouncilTakesTheGuardiansOfItsChildren(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFamily(t, e)
		srv := f.srv
		var station, area string
		for _, st := range srv.Do(t, "GET", "/api/v1/areas", "", nil).JSON(t)["items"].([]any) {
			if a := st.(map[string]any); a["station_id"] != srv.Station.ID.String() {
				station, area = a["station_id"].(string), a["id"].(string)
			}
		}
		child := f.srv.Do(t, "POST", "/api/v1/me/dependents", f.stranger, map[string]any{"name": "小亮", "birth_year": time.Now().Year() - 7,
			"relation": "child", "area_id": area})
		if child.Status != 201 {
			t.Fatalf("child: %d %s", child.Status, child.Body)
		}
		council := func(kind string) string {
			r := srv.Do(t, "POST", "/api/v1/councils", f.otherStaff, map[string]any{"station_id": station, "name": "议事会", "kind": kind})
			if r.Status != 201 {
				t.Fatalf("council: %d %s", r.Status, r.Body)
			}
			return r.JSON(t)["id"].(string)
		}
		parents, residents := council("parents"), council("residents")
		wantError(t, srv.Do(t, "POST", "/api/v1/councils/"+residents+"/members", f.otherStaff, map[string]any{"user_id": f.strangerID}), 422, "validation_failed", "user_id")
		wantError(t, srv.Do(t, "POST", "/api/v1/councils/"+parents+"/members", f.otherStaff, map[string]any{"user_id": f.guardianID}), 422, "validation_failed", "user_id")
		// The child does not sit on it; their guardian does.
		r := srv.Do(t, "POST", "/api/v1/councils/"+parents+"/members", f.otherStaff, map[string]any{"user_id": child.JSON(t)["id"]})
		wantError(t, r, 422, "validation_failed", "user_id")
		if !strings.Contains(string(r.Body), "不满14岁的孩子不能加入议事会") {
			t.Errorf("a child on the council: %s", r.Body)
		}
		if r := srv.Do(t, "POST", "/api/v1/councils/"+parents+"/members", f.otherStaff, map[string]any{"user_id": f.strangerID}); r.Status != 201 {
			t.Fatalf("the child's guardian joins: %d %s", r.Status, r.Body)
		}
		parents2 := council("parents")
		if r := srv.Do(t, "DELETE", "/api/v1/links/"+child.JSON(t)["link_id"].(string), f.stranger, nil); r.Status != 204 {
			t.Fatalf("end: %d %s", r.Status, r.Body)
		}
		wantError(t, srv.Do(t, "POST", "/api/v1/councils/"+parents2+"/members", f.otherStaff, map[string]any{"user_id": f.strangerID}), 422, "validation_failed", "user_id")
	})
}

// TestAGuardianClosesADependentsRequest: a volunteer helps the child; the
// guardian reads the request and confirms the service for them (audited),
// and withdraws another; a stranger finds neither.
func TestAGuardianClosesADependentsRequest(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFamily(t, e)
		srv := f.srv
		volunteer := srv.Login(t, testserver.TalentPhone, testserver.Password)
		ask := func() string {
			r := srv.Do(t, "POST", "/api/v1/help-requests", f.guardian, map[string]any{"title": "辅导作业", "category": "tutoring", "on_behalf_of": f.child})
			if r.Status != 201 {
				t.Fatalf("ask: %d %s", r.Status, r.Body)
			}
			return "/api/v1/help-requests/" + r.JSON(t)["id"].(string)
		}
		done := ask()
		// The volunteer reads who asked for the child, and once they have
		// taken it, the guardian's phone: the child has none.
		if got := srv.Do(t, "GET", done, volunteer, nil).JSON(t); got["family"] != "居民00" || got["family_phone"] != nil {
			t.Errorf("before claiming, the volunteer reads family %v, phone %v", got["family"], got["family_phone"])
		}
		if r := srv.Do(t, "POST", done+"/claim", volunteer, nil); r.Status != 200 {
			t.Fatalf("claim: %d %s", r.Status, r.Body)
		}
		if got := srv.Do(t, "GET", done, volunteer, nil).JSON(t); got["family_phone"] != f.guardianPhone {
			t.Errorf("the claimer reads the family's phone %v, want %s", got["family_phone"], f.guardianPhone)
		}
		page := asPage(t, srv, volunteer, "GET", "/help/"+strings.TrimPrefix(done, "/api/v1/help-requests/"), "")
		pageHas(t, "the request's page", page, "家人居民00为一名儿童发出求助", `href="tel:`+f.guardianPhone+`"`)
		pageLacks(t, "the request's page", page, "社工为")
		for _, step := range []string{"done"} {
			if r := srv.Do(t, "POST", done+"/"+step, volunteer, map[string]any{"minutes": 60}); r.Status != 200 {
				t.Fatalf("%s: %d %s", step, r.Status, r.Body)
			}
		}
		if r := srv.Do(t, "GET", done, f.stranger, nil); r.Status != 404 {
			t.Errorf("a stranger reads it: %d", r.Status)
		}
		if r := srv.Do(t, "GET", done, f.guardian, nil); r.Status != 200 {
			t.Errorf("the guardian reads it: %d %s", r.Status, r.Body)
		}
		if r := srv.Do(t, "POST", done+"/confirm", f.stranger, map[string]any{"rating": 5}); r.Status != 404 {
			t.Errorf("a stranger confirms: %d %s", r.Status, r.Body)
		}
		if r := srv.Do(t, "POST", done+"/confirm", f.guardian, map[string]any{"rating": 5, "comment": "谢谢"}); r.Status != 200 || r.JSON(t)["status"] != "confirmed" {
			t.Errorf("the guardian confirms: %d %s", r.Status, r.Body)
		}
		open := ask()
		if r := srv.Do(t, "POST", open+"/cancel", f.other, nil); r.Status != 404 {
			t.Errorf("another guardian withdraws: %d %s", r.Status, r.Body)
		}
		if r := srv.Do(t, "POST", open+"/cancel", f.guardian, nil); r.Status != 200 {
			t.Errorf("the guardian withdraws: %d %s", r.Status, r.Body)
		}
		r := srv.Do(t, "GET", "/api/v1/audit?user_id="+f.child, f.staff, nil)
		for _, action := range []string{"help.file_by_family", "help.confirm_by_family", "help.cancel_by_family"} {
			if !strings.Contains(string(r.Body), action) {
				t.Errorf("no %s in the audit: %s", action, r.Body)
			}
		}
	})
}

// TestFamilyLinksInOnesData: a guardian's export holds their links, the
// consent given for a child among them; a parent who closes their account
// ends the link, and nobody acts for them any more.
func TestFamilyLinksInOnesData(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFamily(t, e)
		srv := f.srv
		r := srv.Do(t, "GET", "/api/v1/me/export", f.guardian, nil)
		links, _ := r.JSON(t)["family_links"].([]any)
		if r.Status != 200 || len(links) != 2 || links[0].(map[string]any)["consent_at"] == nil || links[0].(map[string]any)["side"] != "guardian" {
			t.Fatalf("the export: %d %s", r.Status, r.Body)
		}
		link := srv.Do(t, "POST", "/api/v1/me/dependents/link", f.guardian, map[string]any{"phone": f.strangerPhone}).JSON(t)["id"].(string)
		if r := srv.Do(t, "POST", "/api/v1/links/"+link+"/accept", f.stranger, nil); r.Status != 200 {
			t.Fatalf("accept: %d %s", r.Status, r.Body)
		}
		if r := srv.Do(t, "POST", "/api/v1/me/close", f.stranger, map[string]any{"password": "password-" + f.strangerPhone}); r.Status != 200 {
			t.Fatalf("close: %d %s", r.Status, r.Body)
		}
		act := "/api/v1/activities/" + createActivity(t, srv, f.staff, nil)["id"].(string) + "/registrations"
		if r := srv.Do(t, "POST", act, f.guardian, map[string]any{"user_id": f.strangerID}); r.Status != 404 {
			t.Errorf("acting for a closed account: %d %s", r.Status, r.Body)
		}
		if r := srv.Do(t, "GET", "/api/v1/me/dependents", f.guardian, nil); strings.Contains(string(r.Body), `"id":"`+f.strangerID+`"`) {
			t.Errorf("a closed account among the dependents: %s", r.Body)
		}
	})
}

// TestGivingADependentsMinutesWithinTheFamily: a son gives his mother's
// minutes to himself or to his child, not to anyone else; a stranger and
// staff cannot give them at all, nor the son once the link has ended.
func TestGivingADependentsMinutesWithinTheFamily(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFamily(t, e)
		srv := f.srv
		mother, son := f.stranger, f.guardian
		link := srv.Do(t, "POST", "/api/v1/me/dependents/link", son, map[string]any{"phone": f.strangerPhone}).JSON(t)["id"].(string)
		if r := srv.Do(t, "POST", "/api/v1/links/"+link+"/accept", mother, nil); r.Status != 200 {
			t.Fatalf("accept: %d %s", r.Status, r.Body)
		}
		if r := srv.Do(t, "POST", "/api/v1/timebank/credits", f.staff, map[string]any{"user_id": f.strangerID, "minutes": 120, "memo": "重阳节志愿"}); r.Status != 201 {
			t.Fatalf("credit: %d %s", r.Status, r.Body)
		}
		give := func(token string, body map[string]any) *testserver.Response {
			return srv.Send(t, testserver.Request{Method: "POST", Path: "/api/v1/timebank/transfers", Token: token, Body: body})
		}
		for _, tt := range []struct {
			name, token, to string
			status          int
			code            string
		}{
			{"to the son", son, f.guardianID, 201, ""},
			{"to the son's child", son, f.child, 201, ""},
			{"to a stranger", son, f.otherChild, 422, "validation_failed"},
			{"by a stranger", f.other, f.guardianID, 404, "not_found"},
			{"by staff", f.staff, f.guardianID, 404, "not_found"},
		} {
			r := give(tt.token, map[string]any{"from_user_id": f.strangerID, "to_user_id": tt.to, "minutes": 30, "memo": "给家人"})
			if r.Status != tt.status || tt.code != "" && r.ErrorCode() != tt.code {
				t.Errorf("%s: %d %s", tt.name, r.Status, r.Body)
			}
		}
		r := srv.Do(t, "GET", "/api/v1/me/timebank", mother, nil)
		if r.JSON(t)["balance_minutes"].(float64) != 60 {
			t.Errorf("the mother's balance: %s", r.Body)
		}
		if r := srv.Do(t, "DELETE", "/api/v1/links/"+link, mother, nil); r.Status != 204 {
			t.Fatalf("end: %d", r.Status)
		}
		if r := give(son, map[string]any{"from_user_id": f.strangerID, "to_user_id": f.guardianID, "minutes": 30}); r.Status != 404 {
			t.Errorf("after the end: %d %s", r.Status, r.Body)
		}
	})
}

// TestTheFamilyPage: 我的家人 adds a child, asks a parent by number, who
// accepts on their own page, and ends the link; errors show by the form.
func TestTheFamilyPage(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFamily(t, e)
		srv := f.srv
		r := asPage(t, srv, f.guardian, "GET", "/me/family", "")
		if r.Status != 200 || !strings.Contains(string(r.Body), "小明") || !strings.Contains(string(r.Body), "监护人已于") {
			t.Fatalf("the page: %d", r.Status)
		}
		r = asPage(t, srv, f.guardian, "POST", "/me/family/dependents", "name=小芳&birth_year=2017&relation=child")
		if r.Status != 303 {
			t.Fatalf("add: %d %s", r.Status, r.Body)
		}
		if r := asPage(t, srv, f.guardian, "POST", "/me/family/dependents", "name=&birth_year=abc&relation=pet"); r.Status != 422 {
			t.Errorf("add, wrong: %d", r.Status)
		}
		if r := asPage(t, srv, f.guardian, "POST", "/me/family/link", "phone="+f.strangerPhone); r.Status != 303 {
			t.Fatalf("link: %d %s", r.Status, r.Body)
		}
		if r := asPage(t, srv, f.guardian, "POST", "/me/family/link", "phone=13999999999"); r.Status != 422 || !strings.Contains(string(r.Body), "f-phone-error") {
			t.Errorf("link, nobody's number: %d", r.Status)
		}
		link := srv.Do(t, "GET", "/api/v1/me/guardians", f.stranger, nil).JSON(t)["items"].([]any)[0].(map[string]any)["link_id"].(string)
		if r := asPage(t, srv, f.other, "POST", "/me/family/links/"+link+"/accept", ""); r.Status != 404 {
			t.Errorf("accept, a stranger: %d", r.Status)
		}
		page := asPage(t, srv, f.stranger, "GET", "/me/family", "")
		if !strings.Contains(string(page.Body), "/me/family/links/"+link+"/accept") {
			t.Errorf("the parent's page has no accept button")
		}
		if r := asPage(t, srv, f.stranger, "POST", "/me/family/links/"+link+"/accept", ""); r.Status != 303 {
			t.Errorf("accept: %d", r.Status)
		}
		if r := asPage(t, srv, f.guardian, "POST", "/me/family/links/"+link+"/end", ""); r.Status != 303 {
			t.Errorf("end: %d", r.Status)
		}
		if r := asPage(t, srv, f.guardian, "POST", "/me/family/links/"+link+"/end", ""); r.Status != 404 {
			t.Errorf("end twice: %d", r.Status)
		}
	})
}

// TestActingForADependentOnTheTimetable: a guardian chooses at the top
// of the timetable whom to sign up, themself or a child, and the marks
// and buttons are that person's: a place taken for the child shows for
// the child only, the guardian's own week never shows the child's buttons
// though its parts are kept, and an activity outside the ages of the
// one chosen (the child's, or the guardian's own, unknown) says so. Someone not theirs, a link waiting for an answer or ended,
// and an id that is no number are refused, on the timetable, an
// activity's page, the forms and the dependent's activities.
func TestActingForADependentOnTheTimetable(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFamily(t, e)
		srv := f.srv
		class := createActivity(t, srv, f.staff, map[string]any{"title": "少儿剪纸", "min_age": 6, "max_age": 12})["id"].(string)
		elders := createActivity(t, srv, f.staff, map[string]any{"title": "长者健身操", "min_age": 60,
			"start": rfc(nextOpen(time.Saturday, "14:00")), "end": rfc(nextOpen(time.Saturday, "15:00"))})["id"].(string)
		week := "/activities?from=" + nextOpen(time.Saturday, "09:30").Format(time.DateOnly)
		forChild := week + "&for=" + f.child
		signUp := `action="/activities/` + class + `/register"`
		childField := `name="user_id" value="` + f.child + `"`

		// The guardian's own week, kept, then the child's, then their own again.
		for range 2 {
			r := asPage(t, srv, f.guardian, "GET", week, "")
			pageHas(t, "the guardian's week", r, "为谁报名", "我自己", "小明", "小红", `href="/activities?for=`+f.child+`&amp;from=`, "您的年龄不在范围内")
			pageLacks(t, "the guardian's week", r, `name="user_id"`, "给小明报名", "已报名", signUp)
		}
		r := asPage(t, srv, f.guardian, "GET", forChild, "")
		pageHas(t, "the child's week", r, signUp, childField, "给小明报名", "6–12岁", "这项活动有年龄要求", `aria-current="true">小明</a>`)
		pageLacks(t, "the child's week", r, `action="/activities/`+elders+`/register"`)
		// The sign-up, for the child, comes back to the child's week.
		r = asPage(t, srv, f.guardian, "POST", "/activities/"+class+"/register", url.Values{"next": {forChild}, "user_id": {f.child}}.Encode())
		if r.Status != 303 || r.Header.Get("Location") != forChild+"&notice=registered" {
			t.Fatalf("sign the child up: %d %q", r.Status, r.Header.Get("Location"))
		}
		r = asPage(t, srv, f.guardian, "GET", forChild, "")
		pageHas(t, "the child's week, signed up", r, "✓ 小明已报名")
		pageLacks(t, "the child's week, signed up", r, signUp)
		r = asPage(t, srv, f.guardian, "GET", week, "")
		pageHas(t, "the guardian's week after the child's sign-up", r, "您的年龄不在范围内")
		pageLacks(t, "the guardian's week after the child's sign-up", r, "已报名", `name="user_id"`, signUp)
		r = asPage(t, srv, f.guardian, "GET", week+"&for="+f.child2, "")
		pageHas(t, "the other child's week", r, signUp, `name="user_id" value="`+f.child2+`"`)
		pageLacks(t, "the other child's week", r, "小明已报名", childField)
		// For children only.
		r = asPage(t, srv, f.guardian, "GET", forChild+"&children=1", "")
		pageHas(t, "the children's activities", r, "少儿剪纸", `aria-current="true">少儿</a>`, `<input type="hidden" name="for" value="`+f.child+`">`)
		pageLacks(t, "the children's activities", r, "长者健身操")

		// The activity's page and the child's activities, with a way to cancel.
		r = asPage(t, srv, f.guardian, "GET", "/activities/"+class+"?for="+f.child, "")
		pageHas(t, "the class for the child", r, "✓ 小明已报名", "取消小明的报名", childField)
		r = asPage(t, srv, f.guardian, "GET", "/activities/"+class, "")
		pageHas(t, "the class for the guardian", r, "为谁报名", "您的年龄不在范围内")
		pageLacks(t, "the class for the guardian", r, "小明已报名")
		r = asPage(t, srv, f.guardian, "GET", "/my/activities?for="+f.child, "")
		pageHas(t, "the child's activities", r, "小明的活动", "少儿剪纸", "取消小明的报名", childField)
		pageLacks(t, "the guardian's activities", asPage(t, srv, f.guardian, "GET", "/my/activities", ""), "少儿剪纸")
		pageHas(t, "my family", asPage(t, srv, f.guardian, "GET", "/me/family", ""), `href="/my/activities?for=`+f.child+`"`,
			`href="/activities?for=`+f.child+`"`, `href="/help/new?for=`+f.child+`"`)
		// Outside the child's ages: the form answers as the API does.
		r = asPage(t, srv, f.guardian, "POST", "/activities/"+elders+"/register", url.Values{"next": {forChild}, "user_id": {f.child}}.Encode())
		if r.Status != 422 || !strings.Contains(string(r.Body), "这项活动有年龄要求") {
			t.Errorf("the child outside the ages: %d", r.Status)
		}

		// Nobody else's, on every page and form.
		pending := srv.Do(t, "POST", "/api/v1/me/dependents/link", f.guardian, map[string]any{"phone": f.strangerPhone}).JSON(t)["id"].(string)
		for _, tt := range []struct {
			name, token, user string
			status            int
		}{
			{"another's child", f.guardian, f.otherChild, 404},
			{"a link waiting for an answer", f.guardian, f.strangerID, 404},
			{"a stranger for the child", f.stranger, f.child, 404},
			{"another guardian for the child", f.other, f.child, 404},
			{"no one", f.guardian, "999999999", 404},
		} {
			for _, path := range []string{week + "&for=" + tt.user, "/activities/" + class + "?for=" + tt.user, "/my/activities?for=" + tt.user, "/help/new?for=" + tt.user} {
				if r := asPage(t, srv, tt.token, "GET", path, ""); r.Status != tt.status {
					t.Errorf("%s: GET %s: %d, want %d", tt.name, path, r.Status, tt.status)
				}
			}
			for _, step := range []string{"register", "cancel"} {
				if r := asPage(t, srv, tt.token, "POST", "/activities/"+class+"/"+step, "next=/&user_id="+tt.user); r.Status != tt.status {
					t.Errorf("%s: %s: %d, want %d", tt.name, step, r.Status, tt.status)
				}
			}
		}
		if r := asPage(t, srv, f.guardian, "GET", week+"&for=abc", ""); r.Status != 404 {
			t.Errorf("for=abc: %d", r.Status)
		}
		r = asPage(t, srv, f.guardian, "POST", "/activities/"+class+"/register", "next=/&user_id=abc")
		if r.Status != 422 || !strings.Contains(string(r.Body), "不知道要替谁办") {
			t.Errorf("user_id=abc: %d", r.Status)
		}
		// Accepted, the parent is theirs to act for; ended, at once no more.
		if r := srv.Do(t, "POST", "/api/v1/links/"+pending+"/accept", f.stranger, nil); r.Status != 200 {
			t.Fatalf("accept: %d %s", r.Status, r.Body)
		}
		pageHas(t, "the week for the parent", asPage(t, srv, f.guardian, "GET", week+"&for="+f.strangerID, ""), `name="user_id" value="`+f.strangerID+`"`)
		if r := srv.Do(t, "DELETE", "/api/v1/links/"+pending, f.stranger, nil); r.Status != 204 {
			t.Fatalf("end: %d %s", r.Status, r.Body)
		}
		if r := asPage(t, srv, f.guardian, "GET", week+"&for="+f.strangerID, ""); r.Status != 404 {
			t.Errorf("the week for the parent once the link ended: %d", r.Status)
		}
		if r := asPage(t, srv, f.guardian, "POST", "/activities/"+class+"/register", "next=/&user_id="+f.strangerID); r.Status != 404 {
			t.Errorf("signing up the parent once the link ended: %d", r.Status)
		}
		// The guardian gives the child's place up from the child's activities.
		r = asPage(t, srv, f.guardian, "POST", "/activities/"+class+"/cancel", url.Values{"next": {"/my/activities?for=" + f.child}, "user_id": {f.child}}.Encode())
		if r.Status != 303 || r.Header.Get("Location") != "/my/activities?for="+f.child+"&notice=cancelled" {
			t.Fatalf("cancel for the child: %d %q", r.Status, r.Header.Get("Location"))
		}
		pageLacks(t, "the child's activities after cancelling", asPage(t, srv, f.guardian, "GET", "/my/activities?for="+f.child, ""), "少儿剪纸")
		// A resident who acts for nobody sees no choice.
		pageLacks(t, "a stranger's week", asPage(t, srv, f.stranger, "GET", week, ""), "为谁报名")
	})
}

// TestAskingForHelpForADependentOnThePage: a guardian chooses whom the
// request is for on the help form; asked for the child, it is the
// child's. Someone not theirs is not found; an id that is no number is
// refused with a clear error; a stranger has no choice to make.
func TestAskingForHelpForADependentOnThePage(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFamily(t, e)
		srv := f.srv
		r := asPage(t, srv, f.guardian, "GET", "/help/new", "")
		pageHas(t, "the form", r, "为谁求助", `name="on_behalf_of" value="" checked`, `name="on_behalf_of" value="`+f.child+`"`, "小红")
		r = asPage(t, srv, f.guardian, "GET", "/help/new?for="+f.child, "")
		pageHas(t, "the form for the child", r, `name="on_behalf_of" value="`+f.child+`" checked`)
		pageLacks(t, "a stranger's form", asPage(t, srv, f.stranger, "GET", "/help/new", ""), "为谁求助", `name="on_behalf_of"`)
		form := func(who string) string {
			return url.Values{"on_behalf_of": {who}, "category": {"errand"}, "title": {"接孩子放学"}}.Encode()
		}
		r = asPage(t, srv, f.guardian, "POST", "/help/new", form(f.child))
		if r.Status != 303 || !strings.HasSuffix(r.Header.Get("Location"), "?notice=help_asked_family") {
			t.Fatalf("asking for the child: %d %q", r.Status, r.Header.Get("Location"))
		}
		id := strings.TrimSuffix(strings.TrimPrefix(r.Header.Get("Location"), "/help/"), "?notice=help_asked_family")
		if got := srv.Do(t, "GET", "/api/v1/help-requests/"+id, f.guardian, nil); got.JSON(t)["requester_id"] != f.child {
			t.Errorf("the request: %s", got.Body)
		}
		pageHas(t, "the request's page", asPage(t, srv, f.guardian, "GET", r.Header.Get("Location"), ""), "已替家人发出求助", "接孩子放学")
		pending := srv.Do(t, "POST", "/api/v1/me/dependents/link", f.guardian, map[string]any{"phone": f.strangerPhone})
		if pending.Status != 201 {
			t.Fatalf("link: %d %s", pending.Status, pending.Body)
		}
		for _, tt := range []struct {
			name, token, who string
			status           int
		}{
			{"another's child", f.guardian, f.otherChild, 404},
			{"a link waiting for an answer", f.guardian, f.strangerID, 404},
			{"a stranger for the child", f.stranger, f.child, 404},
			{"another guardian for the child", f.other, f.child, 404},
			{"not a number", f.guardian, "abc", 422},
			{"oneself", f.stranger, f.strangerID, 303},
		} {
			if r := asPage(t, srv, tt.token, "POST", "/help/new", form(tt.who)); r.Status != tt.status {
				t.Errorf("%s: %d, want %d", tt.name, r.Status, tt.status)
			} else if tt.status == 422 && !strings.Contains(string(r.Body), "不知道要替谁办") {
				t.Errorf("%s: no clear error", tt.name)
			}
		}
		// Staff of the child's station still ask for the child from the desk.
		r = asPage(t, srv, f.staff, "POST", "/help/new", form(f.child))
		if r.Status != 303 || !strings.HasSuffix(r.Header.Get("Location"), "?notice=help_filed") {
			t.Errorf("staff asking for the child: %d %q", r.Status, r.Header.Get("Location"))
		}
	})
}
