package web_test

import (
	"fmt"
	"net/url"
	"regexp"
	"testing"

	"guli/internal/dbtest"
	"guli/internal/testserver"
)

// TestCouncilsOverTheAPI sets a council up and says who its members are:
// a person once however often they are added at once, people of the
// station only, and the list of names for staff and members only.
func TestCouncilsOverTheAPI(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		srv := testserver.New(t, e)
		st := srv.Station.ID.String()
		staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
		resident := srv.Login(t, testserver.ResidentPhone, testserver.Password)
		residentID := myID(t, srv, resident)

		wantError(t, srv.Do(t, "POST", "/api/v1/councils", resident, map[string]any{"station_id": st, "name": "居民议事会", "kind": "residents"}), 403, "forbidden", "")
		wantError(t, srv.Do(t, "POST", "/api/v1/councils", staff, map[string]any{"station_id": st, "name": "议事会", "kind": "senate"}), 422, "validation_failed", "kind")
		r := srv.Do(t, "POST", "/api/v1/councils", staff, map[string]any{"station_id": st, "name": "居民议事会", "kind": "residents"})
		if r.Status != 201 {
			t.Fatalf("council: %d %s", r.Status, r.Body)
		}
		council := r.JSON(t)["id"].(string)

		// Added ten times at once, a person is one member.
		statuses := parallel(10, func(int) int {
			return srv.Do(t, "POST", "/api/v1/councils/"+council+"/members", staff, map[string]any{"user_id": residentID}).Status
		})
		if countOf(statuses, 201) != 1 || countOf(statuses, 409) != 9 {
			t.Fatalf("one person added at once: %v", statuses)
		}
		// Many people at once are each a member.
		var people []string
		for i := range 8 {
			id, _ := srv.Register(t, fmt.Sprintf("成员%d", i), fmt.Sprintf("139555500%02d", i))
			people = append(people, id)
		}
		statuses = parallel(len(people), func(i int) int {
			return srv.Do(t, "POST", "/api/v1/councils/"+council+"/members", staff, map[string]any{"user_id": people[i]}).Status
		})
		if countOf(statuses, 201) != len(people) {
			t.Fatalf("people added at once: %v", statuses)
		}
		if got := srv.Do(t, "GET", "/api/v1/councils/"+council, "", nil).JSON(t)["member_count"]; got != float64(len(people)+1) {
			t.Errorf("member count %v, want %d", got, len(people)+1)
		}

		// Names for members and staff; nobody else.
		if got := items(t, srv.Do(t, "GET", "/api/v1/councils/"+council+"/members", resident, nil)); len(got) != len(people)+1 || got[0]["phone"] != nil {
			t.Errorf("the members to a member: %v", got)
		}
		_, outsider := srv.Register(t, "路过的", "13955559999")
		wantError(t, srv.Do(t, "GET", "/api/v1/councils/"+council+"/members", outsider, nil), 403, "forbidden", "")
		wantError(t, srv.Do(t, "GET", "/api/v1/councils/"+council+"/members", "", nil), 401, "unauthenticated", "")

		// Someone of another station does not join.
		admin := srv.Login(t, testserver.AdminPhone, testserver.Password)
		other := srv.Do(t, "POST", "/api/v1/stations", admin, map[string]any{"name": "菊泉小站", "address": "菊泉街"}).JSON(t)["id"].(string)
		area := srv.Do(t, "POST", "/api/v1/stations/"+other+"/areas", admin, map[string]any{"name": "菊泉新苑"}).JSON(t)["id"].(string)
		r = srv.Do(t, "POST", "/api/v1/auth/register", "", map[string]any{"name": "外站居民", "phone": "13955558888", "password": "password-13955558888", "area_id": area})
		stranger := r.JSON(t)["user"].(map[string]any)["id"].(string)
		wantError(t, srv.Do(t, "POST", "/api/v1/councils/"+council+"/members", staff, map[string]any{"user_id": stranger}), 422, "validation_failed", "user_id")
		wantError(t, srv.Do(t, "POST", "/api/v1/councils/"+council+"/members", staff, map[string]any{"user_id": "99999"}), 422, "validation_failed", "user_id")

		// Taken off, once.
		if r := srv.Do(t, "DELETE", "/api/v1/councils/"+council+"/members/"+residentID, staff, nil); r.Status != 204 {
			t.Fatalf("take off: %d %s", r.Status, r.Body)
		}
		wantError(t, srv.Do(t, "DELETE", "/api/v1/councils/"+council+"/members/"+residentID, staff, nil), 404, "not_found", "")
		wantError(t, srv.Do(t, "GET", "/api/v1/councils/"+council+"/members", resident, nil), 403, "forbidden", "")
	})
}

// TestCouncilPages: staff set a council up on the page, add a member by
// phone (a wrong number said next to the field), and take one off.
func TestCouncilPages(t *testing.T) {
	srv := testserver.New(t, dbtest.Engines(t)[0])
	staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
	resident := srv.Login(t, testserver.ResidentPhone, testserver.Password)

	pageLacks(t, "the councils to a resident", asPage(t, srv, resident, "GET", "/councils", ""), `action="/councils/new"`)
	r := asPage(t, srv, staff, "POST", "/councils/new", url.Values{"name": {"居民议事会"}, "kind": {"residents"}}.Encode())
	m := regexpMustFind(t, `^/councils/(\d+)\?notice=council_created$`, r.Header.Get("Location"))
	page := "/councils/" + m
	pageHas(t, "the councils", srv.Do(t, "GET", "/councils", "", nil), `href="`+page+`"`, "居民议事会")

	r = asPage(t, srv, staff, "POST", page+"/members", "phone=13900001111")
	if r.Status != 422 {
		t.Fatalf("an unknown phone: %d", r.Status)
	}
	pageHas(t, "the refused member", r, `id="f-phone-error"`)
	r = asPage(t, srv, staff, "POST", page+"/members", "phone="+testserver.ResidentPhone)
	r = follow(t, srv, staff, r, page+"?notice=member_added")
	pageHas(t, "the council after", r, "李建华", `action="`+page+`/members/remove"`)
	pageHas(t, "the council to its member", asPage(t, srv, resident, "GET", page, ""), "李建华")
	pageLacks(t, "the council to its member", asPage(t, srv, resident, "GET", page, ""), `action="`+page+`/members"`)
	pageLacks(t, "the council to a passer-by", srv.Do(t, "GET", page, "", nil), "李建华")

	r = asPage(t, srv, staff, "POST", page+"/members/remove", "user_id="+myID(t, srv, resident))
	follow(t, srv, staff, r, page+"?notice=member_removed")
	pageLacks(t, "the council after taking off", asPage(t, srv, staff, "GET", page, ""), "李建华")
}

// regexpMustFind returns the first group of pattern in s, or fails.
func regexpMustFind(t *testing.T, pattern, s string) string {
	t.Helper()
	m := regexp.MustCompile(pattern).FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("%q does not match %s", s, pattern)
	}
	return m[1]
}
