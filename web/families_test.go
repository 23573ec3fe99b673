package web_test

import (
	"net/http"
	"strconv"
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
		r := srv.Do(t, "GET", "/api/v1/activities?for_children=true&station_id="+srv.Station.ID.String(), "", nil)
		items := r.JSON(t)["items"].([]any)
		if r.Status != http.StatusOK || len(items) != 1 || items[0].(map[string]any)["id"] != class["id"] {
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
