package sqlstore_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"testing"
	"time"

	"guli"
	"guli/internal/dbtest"
	"guli/sqlstore"
)

// smallPNG is a real picture of w × h, a few hundred bytes.
func smallPNG(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(10 * x), uint8(10 * y), 200, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestPhotoUploadAndWhoSeesIt(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFixture(t, e)
		photos := sqlstore.NewPhotos(f.db)
		resident := f.register(t, "拍照的阿姨", "13700003001")
		neighbour := f.register(t, "邻居", "13700003002")
		staff := f.staff(t, "社工", "13700003003")
		other, otherStaff := f.otherStation(t, "13700003004")

		p, err := photos.Upload(as(resident), 0, bytes.NewReader(smallPNG(t, 40, 30)))
		if err != nil {
			t.Fatal(err)
		}
		if p.ID == 0 || p.StationID != f.station.ID || p.UploaderID != resident.ID || p.Width != 40 || p.Height != 30 || p.ContentType != "image/jpeg" || p.Size == 0 {
			t.Fatalf("uploaded %+v", p)
		}

		sees := []struct {
			name string
			ctx  context.Context
			want string
		}{
			{"the uploader", as(resident), ""},
			{"the station's staff", as(staff), ""},
			{"the system", system(), ""},
			{"a neighbour", as(neighbour), guli.ECNotFound},
			{"another station's staff", as(otherStaff), guli.ECNotFound},
			{"anonymous", context.Background(), guli.ECNotFound},
		}
		check := func(when string, attached bool) {
			t.Helper()
			for _, tt := range sees {
				for _, thumb := range []bool{false, true} {
					data, ct, err := photos.Photo(tt.ctx, p.ID, thumb)
					want := tt.want
					if attached {
						want = ""
					}
					if code(err) != want {
						t.Errorf("%s, %s (thumb %v): %v, want %q", when, tt.name, thumb, err, want)
						continue
					}
					if err == nil && (ct != "image/jpeg" || !bytes.HasPrefix(data, []byte{0xFF, 0xD8})) {
						t.Errorf("%s, %s: %s, % x…", when, tt.name, ct, data[:4])
					}
				}
			}
		}
		check("unattached", false)

		// Uploads: only to a station one belongs to; never by nobody.
		uploads := []struct {
			name    string
			ctx     context.Context
			station guli.ID
			body    []byte
			want    string
		}{
			{"anonymous", context.Background(), 0, smallPNG(t, 4, 4), guli.ECUnauthenticated},
			{"to another station", as(resident), other.ID, smallPNG(t, 4, 4), guli.ECNotFound},
			{"to no station at all", as(resident), 999999, smallPNG(t, 4, 4), guli.ECNotFound},
			{"staff to another station", as(staff), other.ID, smallPNG(t, 4, 4), guli.ECNotFound},
			{"staff to their own", as(staff), f.station.ID, smallPNG(t, 4, 4), ""},
			{"another station's staff to theirs", as(otherStaff), 0, smallPNG(t, 4, 4), ""},
			{"not a picture", as(resident), 0, []byte("<script>alert(1)</script>"), guli.ECUnsupportedImage},
			{"nothing", as(resident), 0, nil, guli.ECValidation},
		}
		for _, tt := range uploads {
			if _, err := photos.Upload(tt.ctx, tt.station, bytes.NewReader(tt.body)); code(err) != tt.want {
				t.Errorf("upload %s: %v, want %q", tt.name, err, tt.want)
			}
		}
		if _, _, err := photos.Photo(as(resident), 999999, false); code(err) != guli.ECNotFound {
			t.Errorf("no such photo: %v", err)
		}

		// Attached to a post, it is everyone's to see, from any process
		// on the database.
		ctx := context.Background()
		post, err := sqlstore.AttachPhotosNow(ctx, f.db, f.station.ID, resident.ID, []guli.ID{p.ID})
		if err != nil {
			t.Fatal(err)
		}
		check("attached", true)
		again := dbtest.OpenDSN(t, f.dsn)
		if data, _, err := sqlstore.NewPhotos(again).Photo(ctx, p.ID, false); err != nil || len(data) != p.Size {
			t.Errorf("read by another process: %d bytes, %v; want %d", len(data), err, p.Size)
		}
		// Its post taken down, it is the uploader's own again.
		if err := sqlstore.NewPosts(f.db).DeletePost(as(resident), post); err != nil {
			t.Fatal(err)
		}
		check("detached", false)
	})
}

func TestAttachPhotos(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFixture(t, e)
		photos := sqlstore.NewPhotos(f.db)
		resident := f.register(t, "发帖的人", "13700003101")
		neighbour := f.register(t, "邻居", "13700003102")
		upload := func(u *guli.User) guli.ID {
			p, err := photos.Upload(as(u), 0, bytes.NewReader(smallPNG(t, 8, 8)))
			if err != nil {
				t.Fatal(err)
			}
			return p.ID
		}
		mine, mine2, theirs := upload(resident), upload(resident), upload(neighbour)
		ctx := context.Background()
		tests := []struct {
			name    string
			station guli.ID
			ids     []guli.ID
			want    string
		}{
			{"someone else's", f.station.ID, []guli.ID{mine, theirs}, guli.ECValidation},
			{"at another station", f.station.ID + 1000, []guli.ID{mine}, guli.ECValidation},
			{"no such photo", f.station.ID, []guli.ID{999999}, guli.ECValidation},
			{"twice in one post", f.station.ID, []guli.ID{mine, mine}, guli.ECValidation},
			{"one's own", f.station.ID, []guli.ID{mine}, ""},
			{"attached already", f.station.ID, []guli.ID{mine2, mine}, guli.ECValidation},
			{"none", f.station.ID, nil, ""},
		}
		for _, tt := range tests {
			_, err := sqlstore.AttachPhotosNow(ctx, f.db, tt.station, resident.ID, tt.ids)
			if code(err) != tt.want {
				t.Errorf("%s: %v, want %q", tt.name, err, tt.want)
			}
			if err != nil && guli.AsError(err).Fields["photo_ids"] == "" {
				t.Errorf("%s: %v does not name photo_ids", tt.name, err)
			}
		}
		// A refused post attached nothing, not even the photos before the
		// one refused.
		if _, _, err := photos.Photo(context.Background(), mine2, false); code(err) != guli.ECNotFound {
			t.Errorf("the photo of a refused post became public: %v", err)
		}
		if _, _, err := photos.Photo(context.Background(), mine, false); err != nil {
			t.Errorf("the attached photo: %v", err)
		}
	})
}

// TestPhotoUploadsAreThrottledUnderConcurrency: one person's uploads sent
// all at once pass the hourly limit no more than sequential ones would.
func TestPhotoUploadsAreThrottledUnderConcurrency(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		clk := newClock()
		f := newFixtureWith(t, e, sqlstore.Options{Now: clk.Now})
		photos := sqlstore.NewPhotos(f.db)
		resident := f.register(t, "上传很多的人", "13700003201")
		body := smallPNG(t, 8, 8)
		const n = 30
		counts := outcomes(n, func(int) error {
			_, err := photos.Upload(as(resident), 0, bytes.NewReader(body))
			if e := guli.AsError(err); e.Code == guli.ECRateLimited && e.Note == guli.NoteBusy {
				return guli.Errorf("busy") // the server was busy, not the person over the limit
			}
			return err
		})
		free := guli.ThrottlePhotoUpload.Free
		if counts[""] > free || counts[""]+counts["busy"] < free || counts[""]+counts["busy"]+counts[guli.ECRateLimited] != n {
			t.Fatalf("%d uploads at once: %v; want at most %d kept, the rest rate_limited", n, counts, free)
		}
		kept, err := sqlstore.QueryInt(context.Background(), f.db, "SELECT COUNT(*) FROM photos")
		if err != nil {
			t.Fatal(err)
		}
		if kept != counts[""] {
			t.Fatalf("%d photos kept, %d answered kept", kept, counts[""])
		}
		// An hour on, there are turns again; other people never waited.
		if _, err := photos.Upload(as(f.register(t, "别人", "13700003202")), 0, bytes.NewReader(body)); err != nil {
			t.Fatalf("another person: %v", err)
		}
		clk.Add(2 * time.Hour)
		if _, err := photos.Upload(as(resident), 0, bytes.NewReader(body)); err != nil {
			t.Fatalf("two hours later: %v", err)
		}
	})
}

func TestSweepDeletesUnattachedPhotos(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		clk := newClock()
		f := newFixtureWith(t, e, sqlstore.Options{Now: clk.Now})
		photos := sqlstore.NewPhotos(f.db)
		resident := f.register(t, "忘了发帖的人", "13700003301")
		var ids []guli.ID
		for range 3 {
			p, err := photos.Upload(as(resident), 0, bytes.NewReader(smallPNG(t, 8, 8)))
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, p.ID)
		}
		ctx := context.Background()
		if _, err := sqlstore.AttachPhotosNow(ctx, f.db, f.station.ID, resident.ID, ids[:1]); err != nil {
			t.Fatal(err)
		}
		clk.Add(6 * 24 * time.Hour)
		if sw, err := f.db.Sweep(ctx); err != nil || sw.Photos != 0 {
			t.Fatalf("after six days: %+v %v", sw, err)
		}
		clk.Add(2 * 24 * time.Hour)
		if sw, err := f.db.Sweep(ctx); err != nil || sw.Photos != 2 {
			t.Fatalf("after eight days: %+v %v, want the two unattached photos swept", sw, err)
		}
		if _, _, err := photos.Photo(ctx, ids[0], false); err != nil {
			t.Errorf("the attached photo: %v", err)
		}
	})
}
