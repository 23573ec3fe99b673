package web_test

import (
	"bytes"
	"fmt"
	"html"
	"image"
	"image/png"
	"math/rand/v2"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"guli"
	"guli/internal/dbtest"
	"guli/internal/testserver"
)

// TestTeamPhotoOverHTTP: staff start a studio with their own photo and its
// leader replaces it with theirs; either is public while it is the team's.
// A member who does not lead is forbidden, another station's staff meet
// not_found; a photo of someone else's, of a post (hidden with it or not),
// of no one any more is refused naming photo_id; taken away, the photo is
// its uploader's own again. On both engines.
func TestTeamPhotoOverHTTP(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		srv := testserver.New(t, e)
		st := srv.Station.ID.String()
		staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
		admin := srv.Login(t, testserver.AdminPhone, testserver.Password)
		leaderID, leader := srv.Register(t, "叶老师", "13912349101")
		memberID, member := srv.Register(t, "学书法的邻居", "13912349102")

		first := uploadPhoto(t, srv, staff, st)
		r := srv.Do(t, "POST", "/api/v1/teams", staff, map[string]any{"station_id": st, "name": "墨香书法", "kind": "studio",
			"leader_user_id": leaderID, "photo_id": first})
		if r.Status != 201 {
			t.Fatalf("a studio with a photo: %d %s", r.Status, r.Body)
		}
		team := r.JSON(t)
		id := team["id"].(string)
		photo, _ := team["photo"].(map[string]any)
		if team["photo_id"] != first || photo == nil || photo["url"] != "/photos/"+first+".jpg" || photo["thumb_url"] != "/photos/"+first+"/thumb.jpg" ||
			photo["width"] != 24.0 || photo["height"] != 16.0 {
			t.Fatalf("the studio as started: %s", r.Body)
		}
		if r := srv.Do(t, "POST", "/api/v1/teams/"+id+"/members", staff, map[string]any{"user_id": memberID}); r.Status != 201 {
			t.Fatalf("member: %d %s", r.Status, r.Body)
		}
		seen := func(photo, token string) int {
			t.Helper()
			return srv.Do(t, "GET", "/photos/"+photo+".jpg", token, nil).Status
		}
		if got := seen(first, ""); got != 200 {
			t.Errorf("the studio's photo to anyone: %d", got)
		}

		// A second station with its own social worker.
		other := srv.Do(t, "POST", "/api/v1/stations", admin, map[string]any{"name": "菊泉小站", "opening_hours": map[string][]string{"sat": {"09:00-12:00"}}}).JSON(t)["id"].(string)
		otherArea := srv.Do(t, "POST", "/api/v1/stations/"+other+"/areas", admin, map[string]any{"name": "菊泉新苑", "committee": "菊泉新苑居委会"}).JSON(t)["id"].(string)
		worker := srv.Do(t, "POST", "/api/v1/users", admin, map[string]any{"name": "菊泉社工", "area_id": otherArea, "phone": "13800000021",
			"password": "菊泉小站的社工小王"}).JSON(t)["id"].(string)
		if r := srv.Do(t, "PUT", "/api/v1/users/"+worker+"/roles", admin, map[string]any{"roles": []string{"staff"}, "station_ids": []string{other}}); r.Status != 200 {
			t.Fatalf("roles: %d %s", r.Status, r.Body)
		}
		otherStaff := srv.Login(t, "13800000021", "菊泉小站的社工小王")

		mine, theirs, onPost, onHidden := uploadPhoto(t, srv, leader, ""), uploadPhoto(t, srv, member, ""), uploadPhoto(t, srv, leader, ""), uploadPhoto(t, srv, leader, "")
		post := func(photo string) string {
			r := srv.Do(t, "POST", "/api/v1/posts", leader, map[string]any{"station_id": st, "kind": "highlight", "title": "书法课", "body": "写福字", "photo_ids": []string{photo}})
			if r.Status != 201 {
				t.Fatalf("post: %d %s", r.Status, r.Body)
			}
			return r.JSON(t)["id"].(string)
		}
		post(onPost)
		if r := srv.Do(t, "POST", "/api/v1/posts/"+post(onHidden)+"/hide", staff, nil); r.Status != 200 {
			t.Fatalf("hide: %d %s", r.Status, r.Body)
		}
		otherPhoto := uploadPhoto(t, srv, otherStaff, other)

		refused := []struct {
			name   string
			token  string
			body   any
			status int
			code   string
		}{
			{"anonymous", "", map[string]any{"photo_id": mine}, 401, "unauthenticated"},
			{"a member who does not lead", member, map[string]any{"photo_id": theirs}, 403, "forbidden"},
			{"another station's staff", otherStaff, map[string]any{"photo_id": otherPhoto}, 404, "not_found"},
			{"someone else's photo", leader, map[string]any{"photo_id": theirs}, 422, "validation_failed"},
			{"staff with the leader's photo", staff, map[string]any{"photo_id": mine}, 422, "validation_failed"},
			{"a photo on a post", leader, map[string]any{"photo_id": onPost}, 422, "validation_failed"},
			{"a photo of a hidden post", leader, map[string]any{"photo_id": onHidden}, 422, "validation_failed"},
			{"a photo that is no more", leader, map[string]any{"photo_id": "99999999"}, 422, "validation_failed"},
			{"a photo id that is no id", leader, map[string]any{"photo_id": "abc"}, 422, "validation_failed"},
			{"no photo_id", leader, map[string]any{}, 422, "validation_failed"},
			{"a photo_id of the wrong type", leader, map[string]any{"photo_id": true}, 422, "validation_failed"},
			{"not JSON", leader, "photo_id=1", 400, "bad_json"},
		}
		for _, tt := range refused {
			r := srv.Do(t, "PATCH", "/api/v1/teams/"+id, tt.token, tt.body)
			field := ""
			if tt.code == "validation_failed" {
				field = "photo_id"
			}
			if r.Status != tt.status || r.ErrorCode() != tt.code {
				t.Errorf("%s: %d %s, want %d %s", tt.name, r.Status, r.Body, tt.status, tt.code)
				continue
			}
			wantError(t, r, tt.status, tt.code, field)
		}
		// Nor does a new team start with a photo not its starter's.
		wantError(t, srv.Do(t, "POST", "/api/v1/teams", staff, map[string]any{"station_id": st, "name": "借来的照片", "kind": "studio",
			"photo_id": mine}), 422, "validation_failed", "photo_id")
		if got := where(items(t, srv.Do(t, "GET", "/api/v1/teams?station_id="+st, "", nil)), "name", "借来的照片"); len(got) != 0 {
			t.Errorf("a team refused for its photo was started: %v", got)
		}
		if got := srv.Do(t, "GET", "/api/v1/teams/"+id, "", nil).JSON(t)["photo_id"]; got != first {
			t.Fatalf("after the refusals the studio's photo is %v, want %s", got, first)
		}
		for _, p := range []string{theirs, onHidden} {
			if got := seen(p, ""); got != 404 {
				t.Errorf("photo %s, refused, to anyone: %d", p, got)
			}
		}

		// The leader puts theirs in its place: the staff's is theirs again.
		r = srv.Do(t, "PATCH", "/api/v1/teams/"+id, leader, map[string]any{"photo_id": mine})
		if r.Status != 200 || r.JSON(t)["photo_id"] != mine || len(r.JSON(t)["members"].([]any)) != 2 {
			t.Fatalf("the leader's photo: %d %s", r.Status, r.Body)
		}
		if seen(mine, "") != 200 || seen(first, "") != 404 || seen(first, staff) != 200 {
			t.Errorf("replaced: the new photo to anyone %d, the old to anyone %d, to its uploader %d", seen(mine, ""), seen(first, ""), seen(first, staff))
		}
		studios := where(items(t, srv.Do(t, "GET", "/api/v1/teams?station_id="+st+"&kind=studio", "", nil)), "id", id)
		if len(studios) != 1 || studios[0]["photo_id"] != mine || studios[0]["photo"].(map[string]any)["url"] != "/photos/"+mine+".jpg" {
			t.Errorf("the studio in the list: %v", studios)
		}
		// Nor may it go on a post now.
		wantError(t, srv.Do(t, "POST", "/api/v1/posts", leader, map[string]any{"station_id": st, "kind": "highlight", "title": "工作室",
			"body": "", "photo_ids": []string{mine}}), 422, "validation_failed", "photo_ids")

		// Staff take it away.
		r = srv.Do(t, "PATCH", "/api/v1/teams/"+id, staff, map[string]any{"photo_id": nil})
		if got := r.JSON(t); r.Status != 200 || got["photo_id"] != nil || got["photo"] != nil {
			t.Fatalf("taken away: %d %s", r.Status, r.Body)
		}
		if seen(mine, "") != 404 || seen(mine, member) != 404 || seen(mine, leader) != 200 {
			t.Errorf("taken away: to anyone %d, to a member %d, to its uploader %d", seen(mine, ""), seen(mine, member), seen(mine, leader))
		}
		if got := srv.Do(t, "GET", "/teams/"+id, "", nil); strings.Contains(string(got.Body), "/photos/"+mine) {
			t.Error("the page still shows the photo taken away")
		}
	})
}

var teamPhotoImg = regexp.MustCompile(`<figure class="team-photo"><img src="/photos/(\d+)\.jpg" alt="([^"]*)" width="(\d+)" height="(\d+)">`)

// TestTeamPhotoOnThePage: the leader uploads the studio's photo from the
// team's page (a multipart form, no script needed) and everyone sees it
// big with the studio's name for its alt text, and its thumbnail on the
// card; a file that is no picture is refused next to the field; the
// photo is taken down with the other button; a member who does not lead
// is offered neither form and is forbidden.
func TestTeamPhotoOnThePage(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		srv := testserver.New(t, e)
		st := srv.Station.ID.String()
		staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
		leaderID, leader := srv.Register(t, "宋老师", "13912349201")
		memberID, member := srv.Register(t, "学结艺的邻居", "13912349202")
		r := srv.Do(t, "POST", "/api/v1/teams", staff, map[string]any{"station_id": st, "name": "巧手结艺", "kind": "studio", "leader_user_id": leaderID})
		if r.Status != 201 {
			t.Fatalf("studio: %d %s", r.Status, r.Body)
		}
		id := r.JSON(t)["id"].(string)
		if r := srv.Do(t, "POST", "/api/v1/teams/"+id+"/members", staff, map[string]any{"user_id": memberID}); r.Status != 201 {
			t.Fatalf("member: %d %s", r.Status, r.Body)
		}
		page := "/teams/" + id
		action := `action="` + page + `/photo"`
		send := func(token, name string, data []byte) *testserver.Response {
			body, header := photoForm(t, nil, name, data)
			header["Authorization"] = "Bearer " + token
			return srv.Send(t, testserver.Request{Method: "POST", Path: page + "/photo", Body: body, Header: header})
		}

		pageHas(t, "the leader's page", asPage(t, srv, leader, "GET", page, ""), action, `enctype="multipart/form-data"`, `name="photo"`, "上传照片")
		pageLacks(t, "the member's page", asPage(t, srv, member, "GET", page, ""), action)
		pageLacks(t, "the page without a photo", srv.Do(t, "GET", page, "", nil), `class="team-photo"`)
		if r := send(member, "IMG_1.png", photoPNG(t, 60, 40)); r.Status != 403 {
			t.Errorf("a member uploads: %d", r.Status)
		}
		if r := asPage(t, srv, member, "POST", page+"/photo", "remove=1"); r.Status != 403 {
			t.Errorf("a member takes it down: %d", r.Status)
		}

		r = send(leader, "IMG_2.jpg", []byte("<script>alert(1)</script>"))
		if r.Status != 422 {
			t.Fatalf("a script as the photo: %d", r.Status)
		}
		pageHas(t, "the refused form", r, `id="f-photo-error"`, "这不是能用的照片", action)
		if r := send(leader, "", nil); r.Status != 422 {
			t.Errorf("the form without a photo: %d", r.Status)
		}
		if r := asPage(t, srv, leader, "POST", page+"/photo", ""); r.Status != 422 {
			t.Errorf("a plain form with nothing to do: %d", r.Status)
		}
		huge, header := photoForm(t, nil, "IMG_9.jpg", bytes.Repeat([]byte("x"), 11<<20))
		header["Authorization"] = "Bearer " + leader
		if r := srv.Send(t, testserver.Request{Method: "POST", Path: page + "/photo", Body: huge, Header: header}); r.Status != http.StatusRequestEntityTooLarge {
			t.Errorf("a photo over 10 MB: %d", r.Status)
		}

		r = follow(t, srv, leader, send(leader, "IMG_3.png", photoPNG(t, 60, 40)), page+"?notice=team_photo_set#photo")
		m := teamPhotoImg.FindStringSubmatch(string(r.Body))
		if m == nil || m[2] != "巧手结艺" || m[3] != "60" || m[4] != "40" {
			t.Fatalf("the studio's photo on its page: %v", m)
		}
		pageHas(t, "the page after the upload", r, "照片已放上团队页面。", "换这张照片", "撤下照片")
		if got := teamPhotoImg.FindStringSubmatch(string(srv.Do(t, "GET", page, "", nil).Body)); got == nil || got[1] != m[1] {
			t.Errorf("the page to anyone shows %v, want photo %s", got, m[1])
		}
		if r := srv.Do(t, "GET", "/photos/"+m[1]+".jpg", "", nil); r.Status != 200 {
			t.Errorf("the photo to anyone: %d", r.Status)
		}
		pageHas(t, "the list of teams", srv.Do(t, "GET", "/teams?kind=studio", "", nil), `<img class="team-thumb" src="/photos/`+m[1]+`/thumb.jpg" alt=""`)
		// A phone's photo is larger than the 1 MiB other forms take.
		big := noisyPNG(t, 800, 600)
		if len(big) < 1<<20 {
			t.Fatalf("the large photo is %d bytes", len(big))
		}
		r = follow(t, srv, leader, send(leader, "IMG_4.png", big), page+"?notice=team_photo_set#photo")
		if got := teamPhotoImg.FindStringSubmatch(string(r.Body)); got == nil || got[1] == m[1] || got[3] != "800" {
			t.Fatalf("the large photo on the page: %v", got)
		}
		if got := srv.Do(t, "GET", "/photos/"+m[1]+".jpg", "", nil).Status; got != http.StatusNotFound {
			t.Errorf("the photo replaced, to anyone: %d", got)
		}
		m = teamPhotoImg.FindStringSubmatch(string(r.Body))

		// In English, the same photo with the same name.
		en := srv.Send(t, testserver.Request{Method: "GET", Path: page, Token: leader, Header: map[string]string{"Accept-Language": "en"}})
		pageHas(t, "the page in English", en, `alt="巧手结艺"`, "The team&#39;s photo", "Replace the photo")

		// Taken down, it is the leader's own again.
		r = follow(t, srv, leader, asPage(t, srv, leader, "POST", page+"/photo", url.Values{"remove": {"1"}}.Encode()), page+"?notice=team_photo_removed#photo")
		pageLacks(t, "the page after taking it down", r, `class="team-photo"`, "撤下照片")
		pageHas(t, "the page after taking it down", r, "照片已撤下。")
		if got := srv.Do(t, "GET", "/photos/"+m[1]+".jpg", "", nil).Status; got != http.StatusNotFound {
			t.Errorf("the photo taken down, to anyone: %d", got)
		}
	})
}

// noisyPNG is a picture of w × h that compresses badly: a phone photo's
// size, as PNG.
func noisyPNG(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range img.Pix {
		img.Pix[i] = uint8(rng.IntN(256))
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestTheTeamsPageGoesOn: a station with more teams than one page holds
// links to the next page, keeping the kind chosen; the last page links
// nowhere, and a forged cursor is refused on the page, not a 5xx.
func TestTheTeamsPageGoesOn(t *testing.T) {
	srv := testserver.New(t, dbtest.Engines(t)[0])
	staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
	for i := range guli.MaxLimit {
		r := srv.Do(t, "POST", "/api/v1/teams", staff, map[string]any{"station_id": srv.Station.ID.String(), "name": fmt.Sprintf("楼组志愿队%03d", i), "kind": "volunteer_team"})
		if r.Status != 201 {
			t.Fatalf("team %d: %d %s", i, r.Status, r.Body)
		}
	}
	first := srv.Do(t, "GET", "/teams?kind=volunteer_team", "", nil)
	more := regexp.MustCompile(`href="(/teams\?cursor=[^"]+)"`).FindStringSubmatch(string(first.Body))
	if first.Status != 200 || more == nil || !strings.Contains(more[1], "kind=volunteer_team") {
		t.Fatalf("the first page: %d, link to more %v", first.Status, more)
	}
	next := srv.Do(t, "GET", html.UnescapeString(more[1]), "", nil)
	pageHas(t, "the next page", next, "楼组志愿队")
	pageLacks(t, "the next page", next, "看更多团队")
	if r := srv.Do(t, "GET", "/teams?cursor=%FF%00", "", nil); r.Status >= 500 {
		t.Errorf("a forged cursor: %d", r.Status)
	}
}
