package web_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"guli"
	"guli/internal/dbtest"
	"guli/internal/testserver"
)

// Public answers are kept whole for anyone not signed in: a write shows at
// once, If-None-Match gets 304, and a client that takes gzip gets the
// same answer compressed.
func TestPublicAnswersAreKeptAndFollowWrites(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		srv := testserver.New(t, e)
		staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
		start := nextOpen(time.Saturday, "14:00")
		list := "/api/v1/activities?station_id=" + srv.Station.ID.String() + "&from=" + start.Format(time.DateOnly) +
			"&to=" + start.AddDate(0, 0, 1).Format(time.DateOnly)

		first := srv.Do(t, "GET", list, "", nil)
		etag := first.Header.Get("ETag")
		if first.Status != http.StatusOK || etag == "" {
			t.Fatalf("first read: %d, ETag %q", first.Status, etag)
		}
		again := srv.Send(t, testserver.Request{Method: "GET", Path: list, Header: map[string]string{"If-None-Match": etag}})
		if again.Status != http.StatusNotModified || len(again.Body) != 0 {
			t.Fatalf("If-None-Match of the same answer: %d %q", again.Status, again.Body)
		}

		r := srv.Do(t, "POST", "/api/v1/activities", staff, map[string]any{"station_id": srv.Station.ID.String(),
			"title": "剪纸", "category": "class", "start": start.Format(time.RFC3339), "end": start.Add(time.Hour).Format(time.RFC3339)})
		if r.Status != http.StatusCreated {
			t.Fatalf("create: %d %s", r.Status, r.Body)
		}
		after := srv.Send(t, testserver.Request{Method: "GET", Path: list, Header: map[string]string{"If-None-Match": etag}})
		if after.Status != http.StatusOK || !strings.Contains(string(after.Body), "剪纸") || after.Header.Get("ETag") == etag {
			t.Fatalf("after a write the kept answer stayed: %d %s", after.Status, after.Body)
		}

		page := "/activities?from=" + start.Format(time.DateOnly)
		plain := srv.Send(t, testserver.Request{Method: "GET", Path: page, Header: map[string]string{"Accept-Encoding": "identity"}})
		zipped := srv.Send(t, testserver.Request{Method: "GET", Path: page, Header: map[string]string{"Accept-Encoding": "br, gzip;q=0.8"}})
		if zipped.Header.Get("Content-Encoding") != "gzip" || !strings.Contains(strings.Join(zipped.Header.Values("Vary"), ","), "Accept-Encoding") {
			t.Fatalf("gzip asked for, got %v", zipped.Header)
		}
		z, err := gzip.NewReader(bytes.NewReader(zipped.Body))
		if err != nil {
			t.Fatal(err)
		}
		unzipped, err := io.ReadAll(z)
		if err != nil || !bytes.Equal(unzipped, plain.Body) || !strings.Contains(string(plain.Body), "剪纸") {
			t.Fatalf("the gzipped page is not the page (%v)", err)
		}
		for _, no := range []string{"gzip;q=0", "gzip; Q=0.", "br, gzip;q=0.000"} {
			refused := srv.Send(t, testserver.Request{Method: "GET", Path: page, Header: map[string]string{"Accept-Encoding": no}})
			if refused.Header.Get("Content-Encoding") != "" || !bytes.Equal(refused.Body, plain.Body) {
				t.Fatalf("gzip refused (%s), got %v", no, refused.Header)
			}
		}

		// Signed in, the page is the reader's own, not the kept one.
		resident := srv.Login(t, testserver.ResidentPhone, testserver.Password)
		mine := srv.Send(t, testserver.Request{Method: "GET", Path: page, Header: map[string]string{"Cookie": "guli_session=" + resident}})
		if mine.Status != http.StatusOK || !strings.Contains(string(mine.Body), `href="/me"`) || strings.Contains(string(plain.Body), `href="/me"`) {
			t.Fatal("the signed-in page is not the reader's own")
		}
	})
}

// flaky fails the activity lists while fail is set, as a busy database or
// a reader who hung up would.
type flaky struct {
	guli.ActivityService
	fail *atomic.Bool
}

func (f flaky) Activities(ctx context.Context, filter guli.ActivityFilter, opts guli.ListOptions) (guli.Page[*guli.Activity], error) {
	if f.fail.Load() {
		return guli.Page[*guli.Activity]{}, guli.Errorf(guli.ECUnavailable)
	}
	return f.ActivityService.Activities(ctx, filter, opts)
}

// A page made while a read failed is that reader's alone: the next reader
// gets the whole page, though nothing was written in between; whole, kept
// in parts, signed in or not.
func TestPagesMadeWhileAReadFailedAreNotKept(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		var fail atomic.Bool
		srv := testserver.New(t, e, testserver.Options{Wrap: func(s *guli.Services) {
			s.Activities = flaky{s.Activities, &fail}
		}})
		srv.AllowErrors = true
		staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
		start := nextOpen(time.Saturday, "14:00")
		r := srv.Do(t, "POST", "/api/v1/activities", staff, map[string]any{"station_id": srv.Station.ID.String(),
			"title": "剪纸", "category": "class", "start": start.Format(time.RFC3339), "end": start.Add(time.Hour).Format(time.RFC3339)})
		if r.Status != http.StatusCreated {
			t.Fatalf("create: %d %s", r.Status, r.Body)
		}
		resident := srv.Login(t, testserver.ResidentPhone, testserver.Password)
		page := "/activities?from=" + start.Format(time.DateOnly)
		for _, who := range []struct{ name, first, then string }{{"anonymous", "", ""}, {"signed in", staff, resident}} {
			get := func(token string) string {
				req := testserver.Request{Method: "GET", Path: page}
				if token != "" {
					req.Header = map[string]string{"Cookie": "guli_session=" + token}
				}
				return string(srv.Send(t, req).Body)
			}
			fail.Store(true)
			if body := get(who.first); strings.Contains(body, "剪纸") {
				t.Fatalf("%s: the failing read showed the activity", who.name)
			}
			fail.Store(false)
			if body := get(who.then); !strings.Contains(body, "剪纸") {
				t.Errorf("%s: the page made while a read failed was kept for the next reader", who.name)
			}
		}
	})
}

// An address too long to be worth keeping is answered, never kept (it
// carries no ETag), and a station cookie is keyed by what it names.
func TestLongAddressesAreAnsweredNotKept(t *testing.T) {
	srv := testserver.New(t, dbtest.Engines(t)[0])
	short := srv.Do(t, "GET", "/activities", "", nil)
	long := srv.Do(t, "GET", "/activities?x="+strings.Repeat("a", 2000), "", nil)
	if short.Header.Get("ETag") == "" || long.Status != http.StatusOK || long.Header.Get("ETag") != "" {
		t.Fatalf("short: %d ETag %q; long: %d ETag %q", short.Status, short.Header.Get("ETag"), long.Status, long.Header.Get("ETag"))
	}
	// Made-up station cookies are one key: the kept answer for one is the
	// kept answer for another.
	a := srv.Send(t, testserver.Request{Method: "GET", Path: "/activities", Header: map[string]string{"Cookie": "guli_station=junk-one"}})
	b := srv.Send(t, testserver.Request{Method: "GET", Path: "/activities", Header: map[string]string{"Cookie": "guli_station=junk-two",
		"If-None-Match": `"other", ` + a.Header.Get("ETag")}})
	if a.Header.Get("ETag") == "" || b.Status != http.StatusNotModified || b.Header.Get("Cache-Control") != "private, no-cache" {
		t.Fatalf("a made-up station cookie: %d %v", b.Status, b.Header)
	}
}
