package web_test

import (
	"net/http"
	"net/http/httptest"
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
	for _, page := range []struct{ name, path, token string }{
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
	} {
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
