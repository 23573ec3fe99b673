package web_test

import (
	"fmt"
	"strings"
	"testing"

	"guli/internal/dbtest"
	"guli/internal/testserver"
)

// TestNoticeBoardOverTheAPI walks a tip and a notice through the board:
// what is written is shown safe, to whom, and who may take it down.
func TestNoticeBoardOverTheAPI(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		srv := testserver.New(t, e)
		st := srv.Station.ID.String()
		resident := srv.Login(t, testserver.ResidentPhone, testserver.Password)
		neighbour := srv.Login(t, testserver.TalentPhone, testserver.Password)
		staff := srv.Login(t, testserver.StaffPhone, testserver.Password)

		wantError(t, srv.Do(t, "POST", "/api/v1/posts", resident, map[string]any{"station_id": st, "kind": "safety_alert", "title": "小心诈骗", "body": "x"}), 403, "forbidden", "")
		wantError(t, srv.Do(t, "POST", "/api/v1/posts", resident, map[string]any{"station_id": "99999", "kind": "tip", "title": "x", "body": "x"}), 422, "validation_failed", "station_id")
		wantError(t, srv.Do(t, "POST", "/api/v1/posts", resident, map[string]any{"station_id": st, "kind": "tip", "title": strings.Repeat("长", 101), "body": "x"}), 422, "validation_failed", "title")
		wantError(t, srv.Do(t, "POST", "/api/v1/posts", resident, map[string]any{"station_id": st, "kind": "tip", "title": 3, "body": "x"}), 422, "validation_failed", "title")

		hostile := "周三**太极拳**改到东门\n<script>alert(1)</script><img src=x onerror=alert(2)>[看地图](javascript:alert(3))"
		r := srv.Do(t, "POST", "/api/v1/posts", resident, map[string]any{"station_id": st, "kind": "tip", "title": "太极拳换地方", "body": hostile})
		if r.Status != 201 {
			t.Fatalf("post: %d %s", r.Status, r.Body)
		}
		tip := r.JSON(t)
		id, html := tip["id"].(string), tip["body_html"].(string)
		for _, bad := range []string{"<script", "onerror", "javascript:", "<img"} {
			if strings.Contains(strings.ToLower(html), bad) {
				t.Errorf("body_html keeps %q: %s", bad, html)
			}
		}
		if !strings.Contains(html, "<strong>太极拳</strong>") || tip["body"] != hostile {
			t.Errorf("the tip as posted: %v", tip)
		}

		// Passers-by read the board with residents' names masked.
		board := items(t, srv.Do(t, "GET", "/api/v1/posts?station_id="+st, "", nil))
		if board[0]["id"] != id || board[0]["author_name"] != "李**" || board[0]["author_id"] != nil {
			t.Fatalf("the board to a passer-by, newest first: %v", board[0])
		}
		if got := items(t, srv.Do(t, "GET", "/api/v1/posts?station_id="+st, neighbour, nil)); got[0]["author_name"] != "李建华" {
			t.Errorf("the board to a neighbour: %v", got)
		}
		for _, p := range items(t, srv.Do(t, "GET", "/api/v1/posts?kind=notice&station_id="+st, "", nil)) {
			if p["kind"] != "notice" {
				t.Errorf("among the notices: %v", p)
			}
		}
		wantError(t, srv.Do(t, "GET", "/api/v1/posts?kind=gossip", "", nil), 422, "validation_failed", "kind")

		if r := srv.Do(t, "POST", "/api/v1/posts/"+id+"/comments", neighbour, map[string]any{"body": "谢谢告知"}); r.Status != 201 {
			t.Fatalf("comment: %d %s", r.Status, r.Body)
		}
		wantError(t, srv.Do(t, "POST", "/api/v1/posts/"+id+"/comments", neighbour, map[string]any{"body": "  "}), 422, "validation_failed", "body")
		if got := srv.Do(t, "GET", "/api/v1/posts/"+id, "", nil).JSON(t); got["comment_count"] != float64(1) {
			t.Errorf("comment count: %v", got)
		}
		wantError(t, srv.Do(t, "POST", "/api/v1/posts/"+id+"/reports", resident, map[string]any{"reason": "自己的"}), 403, "forbidden", "")
		wantError(t, srv.Do(t, "DELETE", "/api/v1/posts/"+id, neighbour, nil), 403, "forbidden", "")

		// Hidden by staff: off the board, still there for its author and
		// staff, gone for everyone else.
		if r := srv.Do(t, "POST", "/api/v1/posts/"+id+"/hide", staff, nil); r.Status != 200 || r.JSON(t)["status"] != "hidden" {
			t.Fatalf("hide: %d %s", r.Status, r.Body)
		}
		for _, p := range items(t, srv.Do(t, "GET", "/api/v1/posts?station_id="+st, "", nil)) {
			if p["id"] == id {
				t.Errorf("a hidden post on the board: %v", p)
			}
		}
		if r := srv.Do(t, "GET", "/api/v1/posts/"+id, resident, nil); r.Status != 200 || r.JSON(t)["status"] != "hidden" {
			t.Errorf("the author reads their hidden post: %d %s", r.Status, r.Body)
		}
		for _, who := range []string{"", neighbour} {
			wantError(t, srv.Do(t, "GET", "/api/v1/posts/"+id, who, nil), 404, "not_found", "")
			wantError(t, srv.Do(t, "GET", "/api/v1/posts/"+id+"/comments", who, nil), 404, "not_found", "")
		}
		wantError(t, srv.Do(t, "POST", "/api/v1/posts/"+id+"/comments", resident, map[string]any{"body": "为什么"}), 403, "forbidden", "")
		if r := srv.Do(t, "DELETE", "/api/v1/posts/"+id, resident, nil); r.Status != 204 {
			t.Fatalf("the author takes it down: %d %s", r.Status, r.Body)
		}
		wantError(t, srv.Do(t, "GET", "/api/v1/posts/"+id, staff, nil), 404, "not_found", "")
		wantError(t, srv.Do(t, "DELETE", "/api/v1/posts/"+id, resident, nil), 404, "not_found", "")
	})
}

// TestNoticeBoardRacesOverHTTP fires requests at once at the board's
// invariants: a safety alert reaches each resident of its station once
// and nobody else; reports made at once are each counted and hold the
// post; a person reports once; a flood of posts is cut at the limit.
func TestNoticeBoardRacesOverHTTP(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		srv := testserver.New(t, e)
		st := srv.Station.ID.String()
		staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
		author := srv.Login(t, testserver.ResidentPhone, testserver.Password)
		var residents []string
		for i := range 10 {
			_, token := srv.Register(t, fmt.Sprintf("邻居%d", i), fmt.Sprintf("139333300%02d", i))
			residents = append(residents, token)
		}
		admin := srv.Login(t, testserver.AdminPhone, testserver.Password)
		other := srv.Do(t, "POST", "/api/v1/stations", admin, map[string]any{"name": "菊泉小站", "address": "菊泉街"}).JSON(t)["id"].(string)
		otherArea := srv.Do(t, "POST", "/api/v1/stations/"+other+"/areas", admin, map[string]any{"name": "菊泉新苑"}).JSON(t)["id"].(string)
		if r := srv.Do(t, "POST", "/api/v1/auth/register", "", map[string]any{"name": "外站居民", "phone": "13933339999", "password": "password-13933339999", "area_id": otherArea}); r.Status != 201 {
			t.Fatalf("register elsewhere: %d %s", r.Status, r.Body)
		}
		elsewhere := srv.Login(t, "13933339999", "password-13933339999")

		// Two alerts posted at once, while residents read their inboxes.
		statuses := parallel(4, func(i int) int {
			if i < 2 {
				return srv.Do(t, "POST", "/api/v1/posts", staff, map[string]any{"station_id": st, "kind": "safety_alert",
					"title": fmt.Sprintf("防诈骗提醒%d", i), "body": "陌生电话要核实"}).Status
			}
			return srv.Do(t, "GET", "/api/v1/me/notifications", residents[i], nil).Status
		})
		if countOf(statuses[:2], 201) != 2 || countOf(statuses[2:], 200) != 2 {
			t.Fatalf("alerts at once: %v", statuses)
		}
		for i, tk := range append(residents, author) {
			seen := map[string]int{}
			for _, n := range items(t, srv.Do(t, "GET", "/api/v1/me/notifications?limit=200", tk, nil)) {
				if title := n["title"].(string); n["kind"] == "safety_alert" && strings.Contains(title, "防诈骗提醒") {
					seen[title]++
				}
			}
			if len(seen) != 2 || seen["安全提醒：防诈骗提醒0"] != 1 || seen["安全提醒：防诈骗提醒1"] != 1 {
				t.Errorf("resident %d was told %v, want each alert once", i, seen)
			}
		}
		for _, n := range items(t, srv.Do(t, "GET", "/api/v1/me/notifications", elsewhere, nil)) {
			if n["kind"] == "safety_alert" {
				t.Errorf("another station's resident was told: %v", n)
			}
		}

		// Everyone reports the same tip at once; the same person reports
		// another many times at once.
		tip := func(title string) string {
			r := srv.Do(t, "POST", "/api/v1/posts", author, map[string]any{"station_id": st, "kind": "tip", "title": title, "body": "楼下超市打折"})
			if r.Status != 201 {
				t.Fatalf("tip: %d %s", r.Status, r.Body)
			}
			return r.JSON(t)["id"].(string)
		}
		reported, twice := tip("超市打折"), tip("超市又打折")
		reports := parallel(len(residents), func(i int) int {
			return srv.Do(t, "POST", "/api/v1/posts/"+reported+"/reports", residents[i], map[string]any{"reason": "广告"}).Status
		})
		// The third report holds it: later ones find nothing to report.
		if countOf(reports, 201) != 3 || countOf(reports, 404) != len(residents)-3 {
			t.Fatalf("reports at once: %v", reports)
		}
		statuses = parallel(6, func(int) int {
			return srv.Do(t, "POST", "/api/v1/posts/"+twice+"/reports", residents[0], map[string]any{"reason": "广告"}).Status
		})
		if countOf(statuses, 201) != 1 || countOf(statuses, 409) != 5 {
			t.Fatalf("one person's reports at once: %v", statuses)
		}
		queue := map[string]map[string]any{}
		for _, p := range items(t, srv.Do(t, "GET", "/api/v1/stations/"+st+"/moderation", staff, nil)) {
			queue[p["id"].(string)] = p
		}
		if p := queue[reported]; p == nil || p["status"] != "held" || p["report_count"] != float64(3) || p["unreviewed_reports"] != float64(3) {
			t.Errorf("the reported tip in the queue: %v", p)
		}
		if p := queue[twice]; p == nil || p["status"] != "visible" || p["report_count"] != float64(1) {
			t.Errorf("the tip reported once: %v", p)
		}
		wantError(t, srv.Do(t, "GET", "/api/v1/posts/"+reported, residents[1], nil), 404, "not_found", "")

		// Restored, it counts fresh reports only: two more do not hold it.
		if r := srv.Do(t, "POST", "/api/v1/posts/"+reported+"/restore", staff, nil); r.Status != 200 || r.JSON(t)["status"] != "visible" {
			t.Fatalf("restore: %d %s", r.Status, r.Body)
		}
		var reporters, others []string
		for i, s := range reports {
			if s == 201 {
				reporters = append(reporters, residents[i])
			} else {
				others = append(others, residents[i])
			}
		}
		wantError(t, srv.Do(t, "POST", "/api/v1/posts/"+reported+"/reports", reporters[0], map[string]any{"reason": "广告"}), 409, "already_reported", "")
		if r := srv.Do(t, "GET", "/api/v1/posts/"+reported, reporters[1], nil); r.Status != 200 || r.JSON(t)["reported_by_me"] != true {
			t.Errorf("the restored tip to one who reported it: %d %s", r.Status, r.Body)
		}
		for _, tk := range others[:2] {
			if r := srv.Do(t, "POST", "/api/v1/posts/"+reported+"/reports", tk, map[string]any{"reason": "广告"}); r.Status != 201 {
				t.Fatalf("a fresh report: %d %s", r.Status, r.Body)
			}
		}
		if r := srv.Do(t, "GET", "/api/v1/posts/"+reported, "", nil); r.Status != 200 || r.JSON(t)["status"] != "visible" {
			t.Errorf("two fresh reports hold it: %d %s", r.Status, r.Body)
		}

		// Comments at once are each counted.
		statuses = parallel(len(residents), func(i int) int {
			return srv.Do(t, "POST", "/api/v1/posts/"+twice+"/comments", residents[i], map[string]any{"body": "同意"}).Status
		})
		if countOf(statuses, 201) != len(residents) {
			t.Fatalf("comments at once: %v", statuses)
		}
		if got := srv.Do(t, "GET", "/api/v1/posts/"+twice, "", nil).JSON(t); got["comment_count"] != float64(len(residents)) {
			t.Errorf("comment count after comments at once: %v", got["comment_count"])
		}

		// A flood of posts from one resident: the limit holds at once too.
		flooder := residents[2]
		statuses = parallel(12, func(i int) int {
			return srv.Do(t, "POST", "/api/v1/posts", flooder, map[string]any{"station_id": st, "kind": "tip", "title": fmt.Sprintf("刷屏%d", i), "body": "x"}).Status
		})
		if countOf(statuses, 201) != 5 || countOf(statuses, 429) != 7 {
			t.Fatalf("a flood of posts: %v", statuses)
		}
		r := srv.Do(t, "POST", "/api/v1/posts", flooder, map[string]any{"station_id": st, "kind": "tip", "title": "再来", "body": "x"})
		wantError(t, r, 429, "rate_limited", "")
		if r.Header.Get("Retry-After") == "" {
			t.Errorf("no Retry-After on a refused post")
		}
		// Staff are not limited: an alert must go out.
		for i := range 7 {
			if r := srv.Do(t, "POST", "/api/v1/posts", staff, map[string]any{"station_id": st, "kind": "notice", "title": fmt.Sprintf("通知%d", i), "body": "x"}); r.Status != 201 {
				t.Fatalf("staff notice %d: %d %s", i, r.Status, r.Body)
			}
		}
	})
}
