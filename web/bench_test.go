package web_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"guli/internal/dbtest"
	"guli/internal/testserver"
)

// BenchmarkPages is what one page costs the server, without the network:
// the work a profile of the load tool (cmd/guli-load) points at. Run with
//
//	go test ./web -run '^$' -bench Pages -benchmem
func BenchmarkPages(b *testing.B) {
	srv := testserver.New(b, dbtest.Engines(b)[0])
	resident := srv.Login(b, testserver.ResidentPhone, testserver.Password)
	volunteer := srv.Login(b, testserver.TalentPhone, testserver.Password)
	staff := srv.Login(b, testserver.StaffPhone, testserver.Password)
	admin := srv.Login(b, testserver.AdminPhone, testserver.Password)
	// A busy station's requests: the desk lists a page of them.
	var request string
	for i := range 60 {
		r := srv.Do(b, "POST", "/api/v1/help-requests", resident, map[string]any{"title": "帮忙买菜", "category": "errand"})
		request = r.JSON(b)["id"].(string)
		if i%2 == 0 {
			srv.Do(b, "POST", "/api/v1/help-requests/"+request+"/claim", volunteer, nil)
		}
	}
	benchPages(b, srv, []benchPage{
		{"help/volunteer", "/help", volunteer},
		{"help-request/requester", "/help/" + request, resident},
		{"my-services/volunteer", "/my/services", volunteer},
		{"timebank/volunteer", "/timebank", volunteer},
		{"desk-help/staff", "/desk/help", staff},
		{"ask/resident", "/help/new", resident},
		{"volunteer-profile/volunteer", "/me/volunteer", volunteer},
		{"home/anonymous", "/", ""},
		{"home/signed-in", "/", resident},
		{"timetable/anonymous", "/activities", ""},
		{"timetable/signed-in", "/activities", resident},
		{"my-activities/signed-in", "/my/activities", resident},
		// The figures.
		{"impact/anonymous", "/stats", ""},
		{"impact/signed-in", "/stats", resident},
		{"desk-stats/staff", "/desk/stats", staff},
		{"district/admin", "/admin/district", admin},
	})
}

// benchPage is one page benchmarked: its name, its path, and who reads it
// ("" for nobody signed in).
type benchPage struct{ name, path, token string }

// benchPages benchmarks each page as its reader asks for it.
func benchPages(b *testing.B, srv *testserver.Server, pages []benchPage) {
	for _, page := range pages {
		b.Run(page.name, func(b *testing.B) {
			req := httptest.NewRequest("GET", page.path, nil)
			if page.token != "" {
				req.AddCookie(&http.Cookie{Name: "guli_session", Value: page.token})
			}
			for b.Loop() {
				w := httptest.NewRecorder()
				srv.Web.ServeHTTP(w, req)
				if w.Code != http.StatusOK {
					b.Fatalf("%s: %d", page.path, w.Code)
				}
			}
		})
	}
}

// BenchmarkCouncilPages is what the councils' pages cost: a council with
// many proposals (a page of them shown), a meeting with its agenda,
// resolutions and proposals, a poll, and the desk's teams page listing
// 200 teams. Run with
//
//	go test ./web -run '^$' -bench CouncilPages -benchmem
func BenchmarkCouncilPages(b *testing.B) {
	srv := testserver.New(b, dbtest.Engines(b)[0])
	staff := srv.Login(b, testserver.StaffPhone, testserver.Password)
	resident := srv.Login(b, testserver.ResidentPhone, testserver.Password)
	council := councilWith(b, srv, srv.Station.ID.String(), staff)
	meeting := createMeeting(b, srv, staff, council)["id"].(string)
	srv.Do(b, "PATCH", "/api/v1/meetings/"+meeting, staff, map[string]any{"minutes": "到会12人，一致通过。",
		"resolutions": []string{"楼道加装扶手", "70岁以上老人参加活动须留紧急联系人"}})
	for i := range 60 {
		p := srv.Do(b, "POST", "/api/v1/councils/"+council+"/proposals", staff, map[string]any{"title": "三号楼楼道加装扶手", "body": "老人上下楼不便"})
		if i%10 == 0 {
			srv.Do(b, "PATCH", "/api/v1/proposals/"+p.JSON(b)["id"].(string), staff, map[string]any{"meeting_id": meeting, "outcome": "accepted", "answer": "已列入议程"})
		}
	}
	poll, _ := openPoll(b, srv, staff, council, nil)
	for range 200 {
		srv.Do(b, "POST", "/api/v1/teams", staff, map[string]any{"station_id": srv.Station.ID.String(), "name": "压测志愿队", "kind": "volunteer_team"})
	}
	benchPages(b, srv, []benchPage{
		{"proposals/resident", "/councils/" + council + "/proposals", resident},
		{"proposals/staff", "/councils/" + council + "/proposals", staff},
		{"meeting/staff", "/meetings/" + meeting, staff},
		{"meeting/resident", "/meetings/" + meeting, resident},
		{"polls/resident", "/councils/" + council + "/polls", resident},
		{"poll/resident", "/polls/" + poll, resident},
		{"poll/staff", "/polls/" + poll, staff},
		{"desk-teams/staff", "/desk/teams", staff},
	})
}

// BenchmarkCallList is what a call list of a hundred residents costs (a
// full page of them), each view read and audited, beside the roster and
// residents' pages that show marks. Run with
//
//	go test ./web -run '^$' -bench CallList -benchmem
func BenchmarkCallList(b *testing.B) {
	srv := testserver.New(b, dbtest.Engines(b)[0])
	staff := srv.Login(b, testserver.StaffPhone, testserver.Password)
	for i := range 100 {
		srv.Register(b, fmt.Sprintf("居民%03d", i), fmt.Sprintf("1391230%04d", i))
	}
	alert := srv.Do(b, "POST", "/api/v1/posts", staff, map[string]any{"station_id": srv.Station.ID.String(), "kind": "safety_alert",
		"title": "台风预警", "body": "关好门窗"}).JSON(b)["id"].(string)
	benchPages(b, srv, []benchPage{
		{"call-list/staff", "/desk/calls/" + alert, staff},
		{"residents/staff", "/desk/residents?q=" + url.QueryEscape("居民"), staff},
	})
}
