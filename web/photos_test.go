package web_test

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"mime/multipart"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"guli"
	"guli/i18n"
	"guli/internal/dbtest"
	"guli/internal/testserver"
	"guli/web/core"
)

// photoPNG is a real picture of w × h.
func photoPNG(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(3 * x), uint8(5 * y), 90, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// photoForm is a multipart form of fields and, when data is not nil, a
// file part "photo" named name; it returns the body and its header.
func photoForm(t testing.TB, fields map[string]string, name string, data []byte) (string, map[string]string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	if data != nil {
		fw, err := mw.CreateFormFile("photo", name)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(data)
	}
	mw.Close()
	return buf.String(), map[string]string{"Content-Type": mw.FormDataContentType()}
}

// uploadPhoto uploads a small picture as token, for station (empty: one's
// own), and returns its id.
func uploadPhoto(t testing.TB, srv *testserver.Server, token, station string) string {
	t.Helper()
	path := "/api/v1/photos"
	if station != "" {
		path += "?station_id=" + station
	}
	r := srv.Send(t, testserver.Request{Method: "POST", Path: path, Token: token, Body: photoPNG(t, 24, 16), Header: map[string]string{"Content-Type": "image/png"}})
	if r.Status != 201 {
		t.Fatalf("upload: %d %s", r.Status, r.Body)
	}
	return r.JSON(t)["id"].(string)
}

func TestPhotoUploadAndServing(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		srv := testserver.New(t, e)
		resident := srv.Login(t, testserver.ResidentPhone, testserver.Password)
		staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
		_, neighbour := srv.Register(t, "隔壁邻居", "13912347001")

		// As a form from a phone, and as a bare image body from an app.
		body, header := photoForm(t, map[string]string{"station_id": srv.Station.ID.String()}, "IMG_0001.jpg", photoPNG(t, 64, 48))
		r := srv.Send(t, testserver.Request{Method: "POST", Path: "/api/v1/photos", Token: resident, Body: body, Header: header})
		if r.Status != 201 {
			t.Fatalf("upload a form: %d %s", r.Status, r.Body)
		}
		p := r.JSON(t)
		id := p["id"].(string)
		if p["width"] != 64.0 || p["height"] != 48.0 || p["url"] != "/photos/"+id+".jpg" || p["thumb_url"] != "/photos/"+id+"/thumb.jpg" {
			t.Fatalf("uploaded %v", p)
		}
		uploadPhoto(t, srv, resident, "")

		for _, path := range []string{p["url"].(string), p["thumb_url"].(string)} {
			r := srv.Do(t, "GET", path, resident, nil)
			h := r.Header
			if r.Status != 200 || h.Get("Content-Type") != "image/jpeg" || h.Get("X-Content-Type-Options") != "nosniff" ||
				!strings.Contains(h.Get("Cache-Control"), "immutable") || !strings.Contains(h.Get("Cache-Control"), "max-age=31536000") || h.Get("ETag") == "" {
				t.Fatalf("GET %s: %d %v", path, r.Status, h)
			}
			if _, err := jpeg.Decode(bytes.NewReader(r.Body)); err != nil {
				t.Fatalf("GET %s is not a JPEG: %v", path, err)
			}
			again := srv.Send(t, testserver.Request{Method: "GET", Path: path, Token: resident, Header: map[string]string{"If-None-Match": h.Get("ETag")}})
			if again.Status != 304 || len(again.Body) != 0 {
				t.Errorf("GET %s with its ETag: %d, %d bytes", path, again.Status, len(again.Body))
			}
			// Unattached, it is the uploader's and the station's staff's.
			for _, who := range []struct {
				name, token string
				want        int
			}{{"staff", staff, 200}, {"a neighbour", neighbour, 404}, {"anonymous", "", 404}} {
				if r := srv.Do(t, "GET", path, who.token, nil); r.Status != who.want {
					t.Errorf("GET %s as %s: %d, want %d", path, who.name, r.Status, who.want)
				}
			}
		}
		if p["url"] == p["thumb_url"] || srv.Do(t, "GET", p["url"].(string), resident, nil).Header.Get("ETag") == srv.Do(t, "GET", p["thumb_url"].(string), resident, nil).Header.Get("ETag") {
			t.Error("the photo and its thumbnail share an address or an ETag")
		}

		// Addresses that name no photo.
		for _, path := range []string{"/photos/abc.jpg", "/photos/99999999999999999999.jpg", "/photos/-1.jpg", "/photos/0.jpg",
			"/photos/" + id + ".png", "/photos/" + id, "/photos/.jpg", "/photos/999999.jpg", "/photos/abc/thumb.jpg", "/photos/99999999999999999999/thumb.jpg"} {
			if r := srv.Do(t, "GET", path, resident, nil); r.Status != 404 {
				t.Errorf("GET %s: %d, want 404", path, r.Status)
			}
		}
	})
}

// TestPhotoUploadsAtOnceKeepTheLimit: one person's uploads sent at once to
// the real server are kept no more than the hourly limit allows; the rest
// are told to wait, none fails.
func TestPhotoUploadsAtOnceKeepTheLimit(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		srv := testserver.New(t, e)
		_, token := srv.Register(t, "一次传很多的人", "13912347101")
		body := photoPNG(t, 16, 16)
		const n = 30
		statuses := make(chan int, n)
		var wg sync.WaitGroup
		for range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := srv.Send(t, testserver.Request{Method: "POST", Path: "/api/v1/photos", Token: token, Body: body, Header: map[string]string{"Content-Type": "image/png"}})
				if r.Status == 429 && r.Header.Get("Retry-After") == "" {
					t.Errorf("429 without Retry-After")
				}
				statuses <- r.Status
			}()
		}
		wg.Wait()
		close(statuses)
		counts := map[int]int{}
		for s := range statuses {
			counts[s]++
		}
		if counts[201] > guli.ThrottlePhotoUpload.Free || counts[201] == 0 || counts[201]+counts[429] != n {
			t.Fatalf("%d uploads at once: %v; want at most %d kept, the rest 429", n, counts, guli.ThrottlePhotoUpload.Free)
		}
	})
}

// TestPhotoInputPartial renders the photo field the posts' form includes:
// a file input for pictures, with its hint, in both languages.
func TestPhotoInputPartial(t *testing.T) {
	srv := testserver.New(t, dbtest.Engines(t)[0])
	cat := i18n.MustLoad()
	for _, lang := range []string{"zh-CN", "en"} {
		r := httptest.NewRequest("GET", "/", nil)
		r = r.WithContext(core.WithInfo(r.Context(), &core.RequestInfo{Lang: lang}))
		v := srv.Web.NewView(r, "app.name", "")
		v.Errors["photo"] = "坏了"
		w := httptest.NewRecorder()
		srv.Web.RenderPartial(w, r, "home", "photo-input", v)
		html := w.Body.String()
		for _, want := range []string{`type="file"`, `name="photo"`, `accept="image/*"`, cat.T(lang, "photo.hint"), cat.T(lang, "photo.label"), "坏了", `aria-invalid="true"`} {
			if !strings.Contains(html, want) {
				t.Errorf("%s: the field lacks %q:\n%s", lang, want, html)
			}
		}
	}
}
