package web_test

import (
	"fmt"
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"guli"
	"guli/internal/dbtest"
	"guli/internal/testserver"
)

var moreLink = regexp.MustCompile(`<a class="button wide" href="(/councils/\d+/(?:proposals|polls)\?cursor=[^"]+)">`)

// nextPage is the address a list page's "more" link goes to; "" when it
// has none.
func nextPage(r *testserver.Response) string {
	m := moreLink.FindStringSubmatch(string(r.Body))
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1])
}

// otherStationStaff is the social worker of a second station, signed in.
func otherStationStaff(t *testing.T, srv *testserver.Server) string {
	t.Helper()
	admin := srv.Login(t, testserver.AdminPhone, testserver.Password)
	station := srv.Do(t, "POST", "/api/v1/stations", admin, map[string]any{"name": "菊泉小站", "address": "菊泉街"}).JSON(t)["id"].(string)
	area := srv.Do(t, "POST", "/api/v1/stations/"+station+"/areas", admin, map[string]any{"name": "菊泉新苑"}).JSON(t)["id"].(string)
	r := srv.Do(t, "POST", "/api/v1/users", admin, map[string]any{"name": "菊泉社工", "area_id": area, "phone": "13800000020", "password": "菊泉小站的社工小陈"})
	if r.Status != 201 {
		t.Fatalf("the other station's social worker: %d %s", r.Status, r.Body)
	}
	worker := r.JSON(t)["id"].(string)
	if r := srv.Do(t, "PUT", "/api/v1/users/"+worker+"/roles", admin, map[string]any{"roles": []string{"staff"}, "station_ids": []string{station}}); r.Status != 200 {
		t.Fatalf("the other station's social worker's roles: %d %s", r.Status, r.Body)
	}
	return srv.Login(t, "13800000020", "菊泉小站的社工小陈")
}

// TestProposalsPageIsPaged: a council's proposals come twenty to a page,
// newest first, with a link to older ones and back that works without
// JavaScript; a support or a refused answer on an older page comes back
// to that page; a link to one proposal finds it however old; an address
// with a cursor no page makes is a 400, and another station's staff still
// find nothing to answer.
func TestProposalsPageIsPaged(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		srv := testserver.New(t, e)
		staff, resident := srv.Login(t, testserver.StaffPhone, testserver.Password), srv.Login(t, testserver.ResidentPhone, testserver.Password)
		list := "/councils/" + createCouncil(t, srv, staff, "") + "/proposals"
		var made []string // oldest first
		for i := range 21 {
			r := srv.Do(t, "POST", "/api/v1"+list, staff, map[string]any{"title": fmt.Sprintf("第%d条提议", i+1)})
			if r.Status != 201 {
				t.Fatalf("proposal %d: %d %s", i+1, r.Status, r.Body)
			}
			made = append(made, r.JSON(t)["id"].(string))
		}
		oldest := `id="proposal-` + made[0] + `"`

		first := asPage(t, srv, resident, "GET", list, "")
		if n := strings.Count(string(first.Body), `class="notice-card proposal-card"`); first.Status != 200 || n != 20 {
			t.Fatalf("the first page: %d, %d proposals", first.Status, n)
		}
		pageHas(t, "the first page", first, `id="proposal-`+made[20]+`"`, `id="proposal-`+made[1]+`"`)
		pageLacks(t, "the first page", first, oldest, "最新的提议")
		older := nextPage(first)
		if older == "" {
			t.Fatal("the first page links to no older proposals")
		}
		second := asPage(t, srv, resident, "GET", older, "")
		if n := strings.Count(string(second.Body), `class="notice-card proposal-card"`); second.Status != 200 || n != 1 {
			t.Fatalf("the second page: %d, %d proposals", second.Status, n)
		}
		pageHas(t, "the second page", second, oldest, "第1条提议", `href="`+list+`">← 最新的提议`)
		if more := nextPage(second); more != "" {
			t.Errorf("the last page links on to %q", more)
		}
		cursor, _ := url.ParseQuery(strings.SplitN(older, "?", 2)[1])

		// A support on the older page comes back to it.
		r := asPage(t, srv, resident, "POST", "/proposals/"+made[0]+"/supports", url.Values{"cursor": {cursor.Get("cursor")}}.Encode())
		r = follow(t, srv, resident, r, older+"&notice=proposal_supported#proposal-"+made[0])
		pageHas(t, "the older page after a support", r, oldest, "1 人支持", "你已支持")

		// A refused answer shows on the older page, the card open.
		r = asPage(t, srv, staff, "POST", "/proposals/"+made[0], url.Values{"outcome": {"maybe"}, "cursor": {cursor.Get("cursor")}}.Encode())
		if r.Status != 422 {
			t.Fatalf("an outcome no council gives: %d", r.Status)
		}
		pageHas(t, "the refused answer", r, oldest, `<details class="staff-answer" open>`, `id="outcome-`+made[0]+`-error">`)

		// A link to one proposal (a notice, a meeting's agenda) finds it.
		r = asPage(t, srv, resident, "GET", list+"?cursor="+guli.ProposalsFrom(guli.ParseID(made[0])), "")
		pageHas(t, "the page a link to the oldest goes to", r, oldest)

		// Addresses no page makes.
		for _, bad := range []string{"nonsense~~", guli.EncodeCursor("x"), guli.EncodeCursor("3", "4"), strings.Repeat("A", 600)} {
			r := asPage(t, srv, resident, "GET", list+"?cursor="+url.QueryEscape(bad), "")
			if r.Status != 400 {
				t.Errorf("cursor %.20q: %d, want 400", bad, r.Status)
			}
		}
		if r := asPage(t, srv, resident, "GET", "/councils/99999/proposals?cursor="+url.QueryEscape(cursor.Get("cursor")), ""); r.Status != 404 {
			t.Errorf("no such council, with a cursor: %d", r.Status)
		}

		// Another station's staff answer nothing, whatever page they say.
		stranger := otherStationStaff(t, srv)
		if r := asPage(t, srv, stranger, "POST", "/proposals/"+made[0], url.Values{"outcome": {"declined"}, "cursor": {cursor.Get("cursor")}}.Encode()); r.Status != 404 {
			t.Errorf("another station's staff answering: %d", r.Status)
		}
		if r := asPage(t, srv, stranger, "POST", "/proposals/"+made[0]+"/supports", url.Values{"cursor": {cursor.Get("cursor")}}.Encode()); r.Status != 404 {
			t.Errorf("another station's staff supporting: %d", r.Status)
		}

		// The API keeps its pages: 50 by default, as many as asked.
		page := srv.Do(t, "GET", "/api/v1"+list+"?limit=20", "", nil).JSON(t)
		rest := srv.Do(t, "GET", "/api/v1"+list+"?limit=20&cursor="+page["next_cursor"].(string), "", nil).JSON(t)
		if len(page["items"].([]any)) != 20 || len(rest["items"].([]any)) != 1 || rest["items"].([]any)[0].(map[string]any)["id"] != made[0] {
			t.Errorf("the API's pages: %d then %v", len(page["items"].([]any)), rest["items"])
		}
		if got := srv.Do(t, "GET", "/api/v1"+list, "", nil).JSON(t); len(got["items"].([]any)) != 21 {
			t.Errorf("the API's first page: %d proposals", len(got["items"].([]any)))
		}
	})
}

// TestPollsPageIsPaged: a council's polls come twenty to a page, open
// ones first, on the page and in the API alike.
func TestPollsPageIsPaged(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		srv := testserver.New(t, e)
		staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
		resident := srv.Login(t, testserver.ResidentPhone, testserver.Password)
		council := councilWith(t, srv, srv.Station.ID.String(), staff)
		var made []string
		for range 21 {
			id, _ := openPoll(t, srv, staff, council, nil)
			made = append(made, id)
		}
		if r := srv.Do(t, "POST", "/api/v1/polls/"+made[20]+"/close", staff, nil); r.Status != 200 {
			t.Fatalf("close: %d %s", r.Status, r.Body)
		}
		list := "/councils/" + council + "/polls"
		first := asPage(t, srv, resident, "GET", list, "")
		if n := strings.Count(string(first.Body), `class="notice-card poll-card"`); first.Status != 200 || n != 20 {
			t.Fatalf("the first page: %d, %d polls", first.Status, n)
		}
		// The newest is closed: it goes after every open one, on page 2.
		pageHas(t, "the first page", first, `href="/polls/`+made[19]+`"`, `href="/polls/`+made[0]+`"`)
		pageLacks(t, "the first page", first, `href="/polls/`+made[20]+`"`)
		older := nextPage(first)
		second := asPage(t, srv, resident, "GET", older, "")
		if n := strings.Count(string(second.Body), `class="notice-card poll-card"`); older == "" || second.Status != 200 || n != 1 {
			t.Fatalf("the second page (%q): %d, %d polls", older, second.Status, n)
		}
		pageHas(t, "the second page", second, `href="/polls/`+made[20]+`"`, "已结束", `href="`+list+`">← 进行中和最新的投票`)
		for _, bad := range []string{"nonsense~~", guli.EncodeCursor(made[0]), guli.EncodeCursor("open", "x")} {
			if r := asPage(t, srv, resident, "GET", list+"?cursor="+url.QueryEscape(bad), ""); r.Status != 400 {
				t.Errorf("cursor %q on the page: %d, want 400", bad, r.Status)
			}
			wantError(t, srv.Do(t, "GET", "/api/v1"+list+"?cursor="+url.QueryEscape(bad), "", nil), 422, "validation_failed", "cursor")
		}

		page := srv.Do(t, "GET", "/api/v1"+list+"?limit=20", "", nil).JSON(t)
		next, _ := page["next_cursor"].(string)
		if len(page["items"].([]any)) != 20 || next == "" {
			t.Fatalf("the API's first page: %d polls, next %q", len(page["items"].([]any)), next)
		}
		rest := srv.Do(t, "GET", "/api/v1"+list+"?limit=20&cursor="+next, "", nil).JSON(t)
		if items := rest["items"].([]any); len(items) != 1 || items[0].(map[string]any)["id"] != made[20] || rest["next_cursor"] != nil {
			t.Errorf("the API's second page: %v, next %v", items, rest["next_cursor"])
		}
	})
}
