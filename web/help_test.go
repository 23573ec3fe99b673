package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"guli/internal/dbtest"
	"guli/internal/testserver"
)

// TestMutualAidOverTheAPI walks a request from asked to confirmed, and
// the volunteer's minutes into the time bank and on to someone else.
func TestMutualAidOverTheAPI(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		srv := testserver.New(t, e)
		resident := srv.Login(t, testserver.ResidentPhone, testserver.Password)
		volunteer := srv.Login(t, testserver.TalentPhone, testserver.Password)
		other := srv.Login(t, "13800000007", testserver.Password) // another volunteer
		staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
		residentID, volunteerID := myID(t, srv, resident), myID(t, srv, volunteer)

		wantError(t, srv.Do(t, "POST", "/api/v1/help-requests", resident, map[string]any{"title": " ", "category": "magic", "needed_by": "明天"}), 422, "validation_failed", "needed_by")
		wantError(t, srv.Do(t, "POST", "/api/v1/help-requests", resident, map[string]any{"title": "", "category": "errand"}), 422, "validation_failed", "title")
		neededBy := time.Now().Add(72 * time.Hour).UTC().Truncate(time.Second)
		r := srv.Do(t, "POST", "/api/v1/help-requests", resident, map[string]any{"title": "帮忙换灯泡", "description": "厨房的灯", "category": "repair", "needed_by": rfc(neededBy)})
		if r.Status != 201 {
			t.Fatalf("ask: %d %s", r.Status, r.Body)
		}
		h := r.JSON(t)
		id := h["id"].(string)
		if h["status"] != "open" || h["requester_id"] != residentID || h["volunteer_id"] != nil || h["overdue"] != false || h["area_id"] == nil ||
			h["requester_phone"] != testserver.ResidentPhone || h["requester_name"] == "" {
			t.Fatalf("the request asked: %v", h)
		}
		if got, _ := time.Parse(time.RFC3339, h["needed_by"].(string)); !got.Equal(neededBy) || !strings.HasSuffix(h["needed_by"].(string), "+08:00") {
			t.Errorf("needed_by %v, want %v in the station's zone", h["needed_by"], neededBy)
		}

		// The phone is for the requester, the claimer and staff.
		phone := func(token string) any {
			return srv.Do(t, "GET", "/api/v1/help-requests/"+id, token, nil).JSON(t)["requester_phone"]
		}
		if phone(volunteer) != nil || phone(staff) != testserver.ResidentPhone {
			t.Errorf("the phone before the claim: volunteer %v, staff %v", phone(volunteer), phone(staff))
		}
		wantError(t, srv.Do(t, "POST", "/api/v1/help-requests/"+id+"/claim", resident, nil), 403, "forbidden", "")
		r = srv.Do(t, "POST", "/api/v1/help-requests/"+id+"/claim", volunteer, nil)
		if h := r.JSON(t); r.Status != 200 || h["status"] != "claimed" || h["volunteer_id"] != volunteerID || h["requester_phone"] != testserver.ResidentPhone {
			t.Fatalf("claim: %d %s", r.Status, r.Body)
		}
		wantError(t, srv.Do(t, "POST", "/api/v1/help-requests/"+id+"/claim", other, nil), 409, "not_open", "")
		if phone(other) != nil {
			t.Errorf("another volunteer sees the phone")
		}
		for _, it := range items(t, srv.Do(t, "GET", "/api/v1/help-requests?status=claimed", other, nil)) {
			if it["requester_phone"] != nil {
				t.Errorf("another volunteer sees the phone in the list: %v", it)
			}
		}
		// Lists hold no phone: it is read on the request itself.
		mine := items(t, srv.Do(t, "GET", "/api/v1/help-requests?mine=true", volunteer, nil))
		if len(mine) != 1 || mine[0]["id"] != id || mine[0]["requester_phone"] != nil {
			t.Errorf("the volunteer's own: %v", mine)
		}
		for _, it := range items(t, srv.Do(t, "GET", "/api/v1/help-requests?status=claimed", staff, nil)) {
			if it["requester_phone"] != nil {
				t.Errorf("staff see a phone in the list: %v", it)
			}
		}
		// Staff reading it on the request are audited; the claimer is not.
		admin := srv.Login(t, testserver.AdminPhone, testserver.Password)
		views := func() int {
			n := 0
			for _, e := range items(t, srv.Do(t, "GET", "/api/v1/audit?user_id="+residentID, admin, nil)) {
				if e["action"] == "help.view_contact" && e["detail"] == id {
					n++
				}
			}
			return n
		}
		before := views()
		phone(volunteer)
		phone(staff)
		if got := views() - before; got != 1 {
			t.Errorf("%d audited reads of the phone, want staff's one", got)
		}
		wantError(t, srv.Do(t, "GET", "/api/v1/help-requests?status=lost", resident, nil), 422, "validation_failed", "status")

		wantError(t, srv.Do(t, "POST", "/api/v1/help-requests/"+id+"/confirm", resident, nil), 409, "not_done", "")
		wantError(t, srv.Do(t, "POST", "/api/v1/help-requests/"+id+"/done", volunteer, map[string]any{"minutes": 0}), 422, "validation_failed", "minutes")
		wantError(t, srv.Do(t, "POST", "/api/v1/help-requests/"+id+"/done", volunteer, map[string]any{"minutes": "45"}), 422, "validation_failed", "minutes")
		if r := srv.Do(t, "POST", "/api/v1/help-requests/"+id+"/done", volunteer, map[string]any{"minutes": 45}); r.Status != 200 || r.JSON(t)["status"] != "done" {
			t.Fatalf("done: %d %s", r.Status, r.Body)
		}
		wantError(t, srv.Do(t, "POST", "/api/v1/help-requests/"+id+"/cancel", resident, nil), 409, "not_cancellable", "")
		wantError(t, srv.Do(t, "POST", "/api/v1/help-requests/"+id+"/confirm", other, nil), 403, "forbidden", "")
		r = srv.Do(t, "POST", "/api/v1/help-requests/"+id+"/confirm", resident, map[string]any{"rating": 5, "comment": "灯亮了，谢谢"})
		if h := r.JSON(t); r.Status != 200 || h["status"] != "confirmed" || h["minutes"] != 45.0 || h["rating"] != 5.0 || h["comment"] != "灯亮了，谢谢" {
			t.Fatalf("confirm: %d %s", r.Status, r.Body)
		}

		// The volunteer earned the minutes, once, and gives some away.
		bank := srv.Do(t, "GET", "/api/v1/me/timebank", volunteer, nil).JSON(t)
		entries, _ := bank["entries"].([]any)
		if bank["balance_minutes"] != 45.0 || bank["earned_minutes"] != 45.0 || len(entries) != 1 || entries[0].(map[string]any)["kind"] != "earned" {
			t.Fatalf("the volunteer's time bank: %v", bank)
		}
		give := func(key string, minutes int) *testserver.Response {
			return srv.Send(t, testserver.Request{Method: "POST", Path: "/api/v1/timebank/transfers", Token: volunteer,
				Body: map[string]any{"to_user_id": residentID, "minutes": minutes, "memo": "给邻居"}, Header: map[string]string{"Idempotency-Key": key}})
		}
		first := give("gift-1", 20)
		again := give("gift-1", 20)
		if first.Status != 201 || again.Status != 201 || string(first.Body) != string(again.Body) || first.JSON(t)["balance_minutes"] != 25.0 {
			t.Fatalf("a transfer and its retry: %d %s / %d %s", first.Status, first.Body, again.Status, again.Body)
		}
		wantError(t, give("gift-2", 26), 422, "insufficient_balance", "")
		wantError(t, give("gift-3", 0), 422, "validation_failed", "minutes")
		if got := srv.Do(t, "GET", "/api/v1/me/timebank", resident, nil).JSON(t)["balance_minutes"]; got != 20.0 {
			t.Errorf("the resident's balance after the gift: %v", got)
		}

		// Staff credit hours at activities; residents may not.
		wantError(t, srv.Do(t, "POST", "/api/v1/timebank/credits", resident, map[string]any{"user_id": volunteerID, "minutes": 60, "memo": "x"}), 403, "forbidden", "")
		wantError(t, srv.Do(t, "POST", "/api/v1/timebank/credits", staff, map[string]any{"user_id": "999999", "minutes": 60, "memo": "x"}), 422, "validation_failed", "user_id")
		if r := srv.Do(t, "POST", "/api/v1/timebank/credits", staff, map[string]any{"user_id": volunteerID, "minutes": 60, "memo": "重阳节活动"}); r.Status != 201 || r.JSON(t)["balance_minutes"] != 85.0 {
			t.Fatalf("credit: %d %s", r.Status, r.Body)
		}
	})
}

// Invariants 3 and 4 over HTTP, on a real server: volunteers claiming one
// request at once, the requester confirming over and over at once, and a
// rush of transfers against one balance.
func TestMutualAidRacesOverHTTP(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		srv := testserver.New(t, e)
		staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
		resident := srv.Login(t, testserver.ResidentPhone, testserver.Password)
		var volunteers []string
		for i := range 12 {
			id, token := srv.Register(t, fmt.Sprintf("志愿者%d", i), fmt.Sprintf("139222200%02d", i))
			if r := srv.Do(t, "PUT", "/api/v1/users/"+id+"/roles", staff, map[string]any{"roles": []string{"resident", "volunteer"}}); r.Status != 200 {
				t.Fatalf("volunteer role: %d %s", r.Status, r.Body)
			}
			volunteers = append(volunteers, token)
		}
		id := srv.Do(t, "POST", "/api/v1/help-requests", resident, map[string]any{"title": "陪我去医院", "category": "companion"}).JSON(t)["id"].(string)
		statuses := parallel(len(volunteers), func(i int) int {
			return srv.Do(t, "POST", "/api/v1/help-requests/"+id+"/claim", volunteers[i], nil).Status
		})
		claimer := -1
		for i, s := range statuses {
			switch {
			case s == 200 && claimer < 0:
				claimer = i
			case s != 409:
				t.Fatalf("claims at once: %v", statuses)
			}
		}
		if claimer < 0 {
			t.Fatalf("nobody claimed: %v", statuses)
		}
		if r := srv.Do(t, "POST", "/api/v1/help-requests/"+id+"/done", volunteers[claimer], map[string]any{"minutes": 90}); r.Status != 200 {
			t.Fatalf("done: %d %s", r.Status, r.Body)
		}
		statuses = parallel(8, func(int) int {
			return srv.Do(t, "POST", "/api/v1/help-requests/"+id+"/confirm", resident, map[string]any{"rating": 5}).Status
		})
		if ok := countOf(statuses, 200); ok != 1 || countOf(statuses, 409) != 7 {
			t.Fatalf("confirms at once: %v", statuses)
		}
		// The claimer holds 90 minutes; twenty transfers of 10 at once move nine.
		statuses = parallel(20, func(int) int {
			return srv.Do(t, "POST", "/api/v1/timebank/transfers", volunteers[claimer], map[string]any{"to_user_id": myID(t, srv, resident), "minutes": 10}).Status
		})
		if countOf(statuses, 201) != 9 || countOf(statuses, 422) != 11 {
			t.Fatalf("transfers at once: %v", statuses)
		}
		mine := srv.Do(t, "GET", "/api/v1/me/timebank", volunteers[claimer], nil).JSON(t)
		if mine["balance_minutes"] != float64(0) || mine["earned_minutes"] != float64(90) {
			t.Fatalf("the claimer's time bank: %v", mine)
		}
		if err := srv.DB.CheckLedger(context.Background()); err != nil {
			t.Fatal(err)
		}
	})
}

// countOf counts want in statuses.
func countOf(statuses []int, want int) int {
	n := 0
	for _, s := range statuses {
		if s == want {
			n++
		}
	}
	return n
}

// Who could help: ranked from the volunteers' profiles, with reasons in
// the reader's language, for the requester and staff only.
func TestCandidatesOverTheAPI(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		srv := testserver.New(t, e)
		resident := srv.Login(t, testserver.ResidentPhone, testserver.Password)
		handy := srv.Login(t, testserver.TalentPhone, testserver.Password)
		other := srv.Login(t, "13800000007", testserver.Password)
		staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
		area := srv.Do(t, "GET", "/api/v1/me", resident, nil).JSON(t)["area_id"]
		for token, skills := range map[string][]string{handy: {"repair"}, other: {"companion"}} {
			r := srv.Do(t, "PUT", "/api/v1/me/volunteer-profile", token, map[string]any{"skills": skills, "area_ids": []any{area}})
			if r.Status != 200 {
				t.Fatalf("profile: %d %s", r.Status, r.Body)
			}
		}
		r := srv.Do(t, "POST", "/api/v1/help-requests", resident, map[string]any{"title": "修水龙头", "category": "repair"})
		if r.Status != 201 {
			t.Fatalf("ask: %d %s", r.Status, r.Body)
		}
		path := "/api/v1/help-requests/" + r.JSON(t)["id"].(string) + "/candidates"
		ask := func(token, lang string) []map[string]any {
			t.Helper()
			return items(t, srv.Send(t, testserver.Request{Method: "GET", Path: path, Token: token, Header: map[string]string{"Accept-Language": lang}}))
		}
		for _, tt := range []struct{ lang, reason string }{{"zh-CN", "会做这类事"}, {"en", "can do this kind of help"}} {
			// The demo's own volunteers may follow; these two come in this order.
			got := ask(resident, tt.lang)
			last := got[len(got)-1]
			if len(got) < 2 || got[0]["user_id"] != myID(t, srv, handy) || last["user_id"] != myID(t, srv, other) {
				t.Fatalf("%s: %v", tt.lang, got)
			}
			if reasons := got[0]["reasons"].([]any); len(reasons) == 0 || reasons[0] != tt.reason {
				t.Errorf("%s: reasons %v, want %q first", tt.lang, reasons, tt.reason)
			}
			if codes := fmt.Sprint(got[0]["reason_codes"]); codes != "[skill area free rested]" {
				t.Errorf("reason codes %s", codes)
			}
			for i := 1; i < len(got); i++ {
				if got[i-1]["score"].(float64) < got[i]["score"].(float64) {
					t.Errorf("scores out of order: %v", got)
				}
			}
		}
		if got := ask(staff, "zh-CN"); len(got) < 2 {
			t.Errorf("staff see %d candidates", len(got))
		}
		wantError(t, srv.Do(t, "GET", path, handy, nil), 403, "forbidden", "")
	})
}
