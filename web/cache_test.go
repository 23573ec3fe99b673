package web_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

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
		refused := srv.Send(t, testserver.Request{Method: "GET", Path: page, Header: map[string]string{"Accept-Encoding": "gzip;q=0"}})
		if refused.Header.Get("Content-Encoding") != "" || !bytes.Equal(refused.Body, plain.Body) {
			t.Fatalf("gzip refused, got %v", refused.Header)
		}

		// Signed in, the page is the reader's own, not the kept one.
		resident := srv.Login(t, testserver.ResidentPhone, testserver.Password)
		mine := srv.Send(t, testserver.Request{Method: "GET", Path: page, Header: map[string]string{"Cookie": "guli_session=" + resident}})
		if mine.Status != http.StatusOK || !strings.Contains(string(mine.Body), `href="/me"`) || strings.Contains(string(plain.Body), `href="/me"`) {
			t.Fatal("the signed-in page is not the reader's own")
		}
	})
}
