package web_test

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"mime/multipart"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"guli"
	"guli/internal/dbtest"
	"guli/internal/testserver"
)

var noticeID = regexp.MustCompile(`^/notices/(\d+)\?notice=post_created$`)

// TestNoticeBoardPages walks the board's pages: a resident writes a tip,
// neighbours comment and report it until it is held, staff restore it
// from the queue, and the week's page gathers what is on.
func TestNoticeBoardPages(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		srv := testserver.New(t, e)
		resident := srv.Login(t, testserver.ResidentPhone, testserver.Password) // 李建华
		staff := srv.Login(t, testserver.StaffPhone, testserver.Password)

		// Residents are offered tips and highlights; staff notices and alerts too.
		r := asPage(t, srv, resident, "GET", "/notices/new", "")
		pageHas(t, "the resident's form", r, `value="tip" checked`, `value="highlight"`)
		pageLacks(t, "the resident's form", r, `value="notice"`, `value="safety_alert"`)
		pageHas(t, "the staff's form", asPage(t, srv, staff, "GET", "/notices/new?kind=safety_alert", ""), `value="notice"`, `value="safety_alert" checked`)

		// A form with nothing in it says what is missing, and keeps the rest.
		r = asPage(t, srv, resident, "POST", "/notices/new", url.Values{"kind": {"tip"}, "title": {""}, "body": {"还记得吗"}}.Encode())
		if r.Status != 422 {
			t.Fatalf("an empty title: %d", r.Status)
		}
		pageHas(t, "the refused form", r, "这一项必须填写", "还记得吗")
		r = asPage(t, srv, resident, "POST", "/notices/new", url.Values{"kind": {"notice"}, "title": {"冒充通知"}, "body": {"x"}}.Encode())
		if r.Status != 403 {
			t.Errorf("a resident's notice: %d", r.Status)
		}

		body := "周三**太极拳**改到东门\n<script>alert(1)</script>[地图](javascript:alert(2))"
		r = asPage(t, srv, resident, "POST", "/notices/new", url.Values{"kind": {"tip"}, "title": {"太极拳换地方"}, "body": {body}}.Encode())
		m := noticeID.FindStringSubmatch(r.Header.Get("Location"))
		if r.Status != 303 || m == nil {
			t.Fatalf("post: %d %q", r.Status, r.Header.Get("Location"))
		}
		id := m[1]
		r = follow(t, srv, resident, r, "/notices/"+id+"?notice=post_created")
		pageHas(t, "the new post", r, "已发布", "<strong>太极拳</strong>", "李建华")
		pageLacks(t, "the new post", r, "<script>alert", "javascript:")

		// The board, to a passer-by: the tip, its author masked.
		r = srv.Do(t, "GET", "/notices", "", nil)
		pageHas(t, "the board to a passer-by", r, `href="/notices/`+id+`"`, "李**", `href="/login?next=/notices/new"`)
		pageLacks(t, "the board to a passer-by", r, "李建华")
		pageHas(t, "the board's tips", srv.Do(t, "GET", "/notices?kind=tip", "", nil), `href="/notices/`+id+`"`)
		pageLacks(t, "the board's notices", srv.Do(t, "GET", "/notices?kind=notice", "", nil), `href="/notices/`+id+`"`)

		// Neighbours comment, then report it until it is held.
		var neighbours []string
		for i, phone := range []string{"13944440001", "13944440002", "13944440003"} {
			_, tk := srv.Register(t, "邻居"+string(rune('甲'+i)), phone)
			neighbours = append(neighbours, tk)
		}
		r = asPage(t, srv, neighbours[0], "POST", "/notices/"+id+"/comments", "body="+url.QueryEscape("谢谢告知"))
		r = follow(t, srv, neighbours[0], r, "/notices/"+id+"#comments")
		pageHas(t, "the post after a comment", r, "谢谢告知", "邻居甲")
		r = asPage(t, srv, neighbours[0], "POST", "/notices/"+id+"/comments", "body=")
		if r.Status != 422 {
			t.Errorf("an empty comment: %d", r.Status)
		}
		pageLacks(t, "the author's own post", asPage(t, srv, resident, "GET", "/notices/"+id, ""), `action="/notices/`+id+`/reports"`)
		for i, tk := range neighbours {
			pageHas(t, "a neighbour's view", asPage(t, srv, tk, "GET", "/notices/"+id, ""), `action="/notices/`+id+`/reports"`)
			r := asPage(t, srv, tk, "POST", "/notices/"+id+"/reports", "reason="+url.QueryEscape("地址写错了"))
			if r.Status != 303 || r.Header.Get("Location") != "/notices?notice=post_reported" {
				t.Fatalf("report %d: %d %q", i, r.Status, r.Header.Get("Location"))
			}
		}
		pageLacks(t, "the board after the reports", srv.Do(t, "GET", "/notices", "", nil), `href="/notices/`+id+`"`)
		if r := asPage(t, srv, neighbours[0], "GET", "/notices/"+id, ""); r.Status != 404 {
			t.Errorf("a held post to a neighbour: %d", r.Status)
		}
		pageHas(t, "the held post to its author", asPage(t, srv, resident, "GET", "/notices/"+id, ""), "已暂时隐藏")

		// Staff see it in the queue with why, and restore it.
		r = asPage(t, srv, staff, "GET", "/desk/moderation", "")
		pageHas(t, "the queue", r, "太极拳换地方", "地址写错了", "举报后暂时隐藏", `action="/notices/`+id+`/restore"`)
		r = asPage(t, srv, staff, "POST", "/notices/"+id+"/restore", "next=/desk/moderation")
		r = follow(t, srv, staff, r, "/desk/moderation?notice=post_restored")
		pageLacks(t, "the queue after", r, "太极拳换地方")
		pageHas(t, "the board after", srv.Do(t, "GET", "/notices", "", nil), `href="/notices/`+id+`"`)
		if r := asPage(t, srv, resident, "GET", "/desk/moderation", ""); r.Status != 403 {
			t.Errorf("the queue to a resident: %d", r.Status)
		}

		// The week: a class this week and the station's notice.
		createActivity(t, srv, staff, map[string]any{"title": "重阳节包饺子", "start": rfc(nextOpen(time.Saturday, "09:30")), "end": rfc(nextOpen(time.Saturday, "11:00"))})
		if r := srv.Do(t, "POST", "/api/v1/posts", staff, map[string]any{"station_id": srv.Station.ID.String(), "kind": "notice", "title": "周三停水", "body": "上午九点到十二点"}); r.Status != 201 {
			t.Fatalf("notice: %d %s", r.Status, r.Body)
		}
		r = srv.Do(t, "GET", "/notices/week", "", nil)
		pageHas(t, "the week", r, "重阳节包饺子", "周三停水")
		pageLacks(t, "the week", r, "太极拳换地方") // tips are for the board

		// Taken down by its author, it is gone.
		r = asPage(t, srv, resident, "POST", "/notices/"+id+"/delete", "")
		follow(t, srv, resident, r, "/notices?notice=post_deleted")
		if r := srv.Do(t, "GET", "/notices/"+id, "", nil); r.Status != 404 {
			t.Errorf("a deleted post: %d", r.Status)
		}

		// In English.
		pageHas(t, "the board in English", srv.Send(t, testserver.Request{Method: "GET", Path: "/notices", Header: map[string]string{"Accept-Language": "en"}}),
			"Notice board", "From the station")
	})
}

// TestNoticeBoardPhotos: a highlight posted from the page with a photo
// shows it to everyone; a script dressed as a photo is refused next to the
// field; once the post is hidden, its photo is no one's but the author's
// and staff's; a photo of someone else's cannot be put on one's post.
func TestNoticeBoardPhotos(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		srv := testserver.New(t, e)
		resident := srv.Login(t, testserver.ResidentPhone, testserver.Password)
		neighbour := srv.Login(t, testserver.TalentPhone, testserver.Password)
		staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
		page := func(token string, fields map[string]string, name string, data []byte) *testserver.Response {
			body, header := photoForm(t, fields, name, data)
			header["Authorization"] = "Bearer " + token
			return srv.Send(t, testserver.Request{Method: "POST", Path: "/notices/new", Body: body, Header: header})
		}

		r := page(resident, map[string]string{"kind": "highlight", "title": "假照片", "body": ""}, "IMG_1.jpg", []byte("<script>alert(1)</script>"))
		if r.Status != 422 {
			t.Fatalf("a script as a photo: %d", r.Status)
		}
		pageHas(t, "the refused form", r, `id="f-photo-error"`, "假照片")

		// A form refused for its title keeps the photo it uploaded: the
		// second try sends it back, not the picture again.
		r = page(resident, map[string]string{"kind": "highlight", "title": "", "body": "大家唱得真好"}, "IMG_2.png", photoPNG(t, 40, 30))
		if r.Status != 422 {
			t.Fatalf("a photo without a title: %d", r.Status)
		}
		kept := regexp.MustCompile(`name="photo_id" value="(\d+)"`).FindStringSubmatch(string(r.Body))
		if kept == nil {
			t.Fatalf("the refused form forgot its photo: %.500s", r.Body)
		}
		pageHas(t, "the refused form", r, `src="/photos/`+kept[1]+`/thumb.jpg"`, "大家唱得真好")
		theirs := uploadPhoto(t, srv, neighbour, "")
		r = asPage(t, srv, resident, "POST", "/notices/new", url.Values{"kind": {"highlight"}, "title": {"借来的照片"}, "body": {""}, "photo_id": {theirs}}.Encode())
		if r.Status != 422 {
			t.Fatalf("someone else's photo: %d", r.Status)
		}
		pageLacks(t, "the form refusing someone else's photo", r, `value="`+theirs+`"`)
		r = asPage(t, srv, resident, "POST", "/notices/new", url.Values{"kind": {"highlight"}, "title": {"合唱队排练"}, "body": {"大家唱得真好"}, "photo_id": {kept[1]}}.Encode())
		m := noticeID.FindStringSubmatch(r.Header.Get("Location"))
		if r.Status != 303 || m == nil {
			t.Fatalf("a highlight with a photo: %d %q %.300s", r.Status, r.Header.Get("Location"), r.Body)
		}
		post := srv.Do(t, "GET", "/api/v1/posts/"+m[1], "", nil).JSON(t)
		photos, _ := post["photos"].([]any)
		if len(photos) != 1 {
			t.Fatalf("the highlight's photos: %v", post)
		}
		thumb := photos[0].(map[string]any)["thumb_url"].(string)
		full := photos[0].(map[string]any)["url"].(string)
		pageHas(t, "the highlight's page", srv.Do(t, "GET", "/notices/"+m[1], "", nil), `src="`+thumb+`"`, `href="`+full+`"`)
		if r := srv.Do(t, "GET", full, "", nil); r.Status != 200 || r.Header.Get("Content-Type") != "image/jpeg" {
			t.Errorf("the photo to a passer-by: %d %s", r.Status, r.Header.Get("Content-Type"))
		}

		// Hidden, the post takes its photo with it.
		if r := srv.Do(t, "POST", "/api/v1/posts/"+m[1]+"/hide", staff, nil); r.Status != 200 {
			t.Fatalf("hide: %d %s", r.Status, r.Body)
		}
		for who, want := range map[string]int{"": 404, neighbour: 404, resident: 200, staff: 200} {
			if r := srv.Do(t, "GET", thumb, who, nil); r.Status != want {
				t.Errorf("a hidden post's photo: %d, want %d", r.Status, want)
			}
		}

		// Someone else's photo, or one already shown, is refused.
		wantError(t, srv.Do(t, "POST", "/api/v1/posts", resident, map[string]any{"station_id": srv.Station.ID.String(), "kind": "highlight",
			"title": "借用照片", "body": "", "photo_ids": []string{theirs}}), 422, "validation_failed", "photo_ids")
		wantError(t, srv.Do(t, "POST", "/api/v1/posts", resident, map[string]any{"station_id": srv.Station.ID.String(), "kind": "highlight",
			"title": "再用一次", "body": "", "photo_ids": []string{photos[0].(map[string]any)["id"].(string)}}), 422, "validation_failed", "photo_ids")
		wantError(t, srv.Do(t, "POST", "/api/v1/posts", resident, map[string]any{"station_id": srv.Station.ID.String(), "kind": "highlight",
			"title": "没有照片", "body": ""}), 422, "validation_failed", "body")
	})
}

// The write form takes its four photos of up to 10 MB each: read a photo
// at a time, it holds one photo's worth of the body budget however large
// it is, so a form of two large photos is posted, not told to come back
// for ever.
func TestNoticeFormWithLargePhotos(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		srv := testserver.New(t, e)
		resident := srv.Login(t, testserver.ResidentPhone, testserver.Password)
		var jpg bytes.Buffer
		if err := jpeg.Encode(&jpg, image.NewGray(image.Rect(0, 0, 32, 24)), nil); err != nil {
			t.Fatal(err)
		}
		// A phone's large photo: a picture and, after it, what the camera
		// appended (kept out of what is stored).
		large := append(jpg.Bytes(), make([]byte, guli.MaxPhotoBytes-jpg.Len()-1024)...)
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		for k, v := range map[string]string{"kind": "highlight", "title": "重阳登高", "body": "两张大照片"} {
			mw.WriteField(k, v)
		}
		for i := range 2 {
			fw, err := mw.CreateFormFile("photo", fmt.Sprintf("IMG_%d.jpg", i))
			if err != nil {
				t.Fatal(err)
			}
			fw.Write(large)
		}
		mw.Close()
		if body.Len() <= 16<<20 {
			t.Fatalf("the form is %d bytes: not larger than the body budget", body.Len())
		}
		r := srv.Send(t, testserver.Request{Method: "POST", Path: "/notices/new", Body: body.String(),
			Header: map[string]string{"Content-Type": mw.FormDataContentType(), "Authorization": "Bearer " + resident}})
		m := noticeID.FindStringSubmatch(r.Header.Get("Location"))
		if r.Status != 303 || m == nil {
			t.Fatalf("a form of two large photos: %d %q %.300s", r.Status, r.Header.Get("Location"), r.Body)
		}
		if post := srv.Do(t, "GET", "/api/v1/posts/"+m[1], "", nil).JSON(t); len(post["photos"].([]any)) != 2 {
			t.Errorf("the post's photos: %v", post["photos"])
		}
	})
}

// The write form's words are checked before its photos are uploaded: a
// form sent without a title keeps no photo (nor spends one of the hour's
// uploads), and a kind that takes no photos says so next to the photos.
func TestNoticeFormChecksItsWordsBeforeUploading(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		srv := testserver.New(t, e)
		resident := srv.Login(t, testserver.ResidentPhone, testserver.Password)
		staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
		send := func(token string, fields map[string]string) *testserver.Response {
			body, header := photoForm(t, fields, "IMG_1.png", photoPNG(t, 40, 30))
			header["Authorization"] = "Bearer " + token
			return srv.Send(t, testserver.Request{Method: "POST", Path: "/notices/new", Body: body, Header: header})
		}
		before := uploadPhoto(t, srv, resident, "")
		for _, fields := range []map[string]string{
			{"kind": "notice", "title": "居民发的通知", "body": "不行"},
			{"kind": "rumour", "title": "不知道什么", "body": "x"},
		} {
			if r := send(resident, fields); r.Status < 400 || r.Status >= 500 {
				t.Fatalf("%v: %d", fields, r.Status)
			}
		}
		// Ids are handed out in turn: the next upload's follows the last.
		next := uploadPhoto(t, srv, resident, "")
		if guli.ParseID(next) != guli.ParseID(before)+1 {
			t.Errorf("photos were kept for forms no typing could mend: %s, then %s", before, next)
		}
		// A title forgotten: the photo is uploaded once and kept in the
		// form; sent again with the title, it is not uploaded again.
		r := send(resident, map[string]string{"kind": "highlight", "title": "", "body": "忘了写标题"})
		if r.Status != 422 || !strings.Contains(string(r.Body), `name="photo_id"`) {
			t.Fatalf("a form without its title: %d", r.Status)
		}
		kept := regexp.MustCompile(`name="photo_id" value="(\d+)"`).FindStringSubmatch(string(r.Body))[1]
		if guli.ParseID(kept) != guli.ParseID(next)+1 {
			t.Errorf("the kept photo is %s, after %s", kept, next)
		}
		if r := asPage(t, srv, resident, "POST", "/notices/new", url.Values{"kind": {"highlight"}, "title": {"补上标题"}, "body": {"忘了写标题"}, "photo_id": {kept}}.Encode()); r.Status != 303 {
			t.Fatalf("sent again with the title: %d", r.Status)
		}
		if after := uploadPhoto(t, srv, resident, ""); guli.ParseID(after) != guli.ParseID(kept)+1 {
			t.Errorf("the form sent again uploaded more: %s after %s", after, kept)
		}
		r = send(staff, map[string]string{"kind": "notice", "title": "停水通知", "body": "周三停水"})
		if r.Status != 422 {
			t.Fatalf("a notice with a photo: %d", r.Status)
		}
		pageHas(t, "the refused notice", r, `id="f-photo-error"`, "停水通知")
	})
}
