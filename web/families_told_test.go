package web_test

import (
	"strings"
	"testing"

	"guli/internal/dbtest"
	"guli/internal/testserver"
)

// inbox reads a person's own notifications in a language, by kind: the
// title of the newest of each.
func inbox(t *testing.T, srv *testserver.Server, token, lang string) map[string]string {
	t.Helper()
	r := srv.Send(t, testserver.Request{Method: "GET", Path: "/api/v1/me/notifications", Token: token, Header: map[string]string{"Accept-Language": lang}})
	if r.Status != 200 {
		t.Fatalf("inbox: %d %s", r.Status, r.Body)
	}
	titles := map[string]string{}
	for _, it := range r.JSON(t)["items"].([]any) {
		n := it.(map[string]any)
		if _, seen := titles[n["kind"].(string)]; !seen && n["for_user_id"] == nil {
			titles[n["kind"].(string)] = n["title"].(string) + " / " + n["body"].(string)
		}
	}
	return titles
}

// TestAGrownUpIsToldWhatTheirFamilyDid: a mother with her own account,
// linked to her son, is told in her inbox, in her language, each thing he
// does for her — signs her up and cancels, asks for help and withdraws
// it, gives her minutes — and by whom; the son's inbox does not show him
// his own acts as news for her. A child kept without an account is told
// nothing (they have no inbox of their own).
func TestAGrownUpIsToldWhatTheirFamilyDid(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFamily(t, e)
		srv := f.srv
		mother, son := f.stranger, f.guardian
		link := srv.Do(t, "POST", "/api/v1/me/dependents/link", son, map[string]any{"phone": f.strangerPhone}).JSON(t)["id"].(string)
		if r := srv.Do(t, "POST", "/api/v1/links/"+link+"/accept", mother, nil); r.Status != 200 {
			t.Fatalf("accept: %d %s", r.Status, r.Body)
		}
		act := "/api/v1/activities/" + createActivity(t, srv, f.staff, map[string]any{"title": "太极拳"})["id"].(string) + "/registrations"
		steps := []struct {
			name, method, path string
			body               map[string]any
			status             int
		}{
			{"sign her up", "POST", act, map[string]any{"user_id": f.strangerID}, 201},
			{"cancel for her", "DELETE", act + "/" + f.strangerID, nil, 204},
			{"ask help for her", "POST", "/api/v1/help-requests", map[string]any{"title": "换灯泡", "category": "repair", "on_behalf_of": f.strangerID}, 201},
		}
		for _, s := range steps {
			if r := srv.Do(t, s.method, s.path, son, s.body); r.Status != s.status {
				t.Fatalf("%s: %d %s", s.name, r.Status, r.Body)
			}
		}
		help := srv.Do(t, "GET", "/api/v1/help-requests?mine=true", mother, nil).JSON(t)["items"].([]any)[0].(map[string]any)["id"].(string)
		if r := srv.Do(t, "POST", "/api/v1/help-requests/"+help+"/cancel", son, nil); r.Status != 200 {
			t.Fatalf("withdraw for her: %d %s", r.Status, r.Body)
		}
		if r := srv.Do(t, "POST", "/api/v1/timebank/credits", f.staff, map[string]any{"user_id": f.strangerID, "minutes": 60, "memo": "重阳节志愿"}); r.Status != 201 {
			t.Fatalf("credit: %d %s", r.Status, r.Body)
		}
		for _, to := range []string{f.guardianID, f.child} {
			r := srv.Send(t, testserver.Request{Method: "POST", Path: "/api/v1/timebank/transfers", Token: son,
				Body: map[string]any{"from_user_id": f.strangerID, "to_user_id": to, "minutes": 20}})
			if r.Status != 201 {
				t.Fatalf("give her minutes: %d %s", r.Status, r.Body)
			}
		}

		zh, en := inbox(t, srv, mother, "zh-CN"), inbox(t, srv, mother, "en")
		for _, tt := range []struct{ kind, zh, en string }{
			{"family_registered", "居民00为您报名了：太极拳", "居民00 signed you up: 太极拳"},
			{"family_cancelled", "居民00为您取消了报名：太极拳", "居民00 cancelled your place: 太极拳"},
			{"family_help_asked", "居民00为您发起了求助：换灯泡", "居民00 asked for help for you: 换灯泡"},
			{"family_help_cancelled", "居民00为您撤回了求助：换灯泡", "居民00 withdrew a request of yours: 换灯泡"},
			{"family_minutes_given", "转给了一名儿童", "to a child"}, // the newest: to the son's child, unnamed
		} {
			if !strings.Contains(zh[tt.kind], tt.zh) || !strings.Contains(en[tt.kind], tt.en) {
				t.Errorf("%s: %q / %q", tt.kind, zh[tt.kind], en[tt.kind])
			}
		}
		if strings.Contains(zh["family_minutes_given"], "小明") {
			t.Errorf("the child's name reached their grandmother: %s", zh["family_minutes_given"])
		}
		// The son's inbox holds her news, not his own acts told back to him.
		r := srv.Do(t, "GET", "/api/v1/me/notifications", son, nil)
		if strings.Contains(string(r.Body), "family_") {
			t.Errorf("the son's inbox: %s", r.Body)
		}

		// A kept child: signed up by their guardian, told nothing.
		class := "/api/v1/activities/" + createActivity(t, srv, f.staff, map[string]any{"min_age": 6, "max_age": 12})["id"].(string) + "/registrations"
		if r := srv.Do(t, "POST", class, son, map[string]any{"user_id": f.child}); r.Status != 201 {
			t.Fatalf("sign the child up: %d %s", r.Status, r.Body)
		}
		r = srv.Do(t, "GET", "/api/v1/me/notifications?user_id="+f.child, son, nil)
		if r.Status != 200 || strings.Contains(string(r.Body), "family_") {
			t.Errorf("the child's inbox: %d %s", r.Status, r.Body)
		}
	})
}
