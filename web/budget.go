package web

import (
	"context"
	"net/http"
	"strings"
	"time"

	"golang.org/x/sync/semaphore"

	"guli"
	"guli/web/core"
)

// Request bodies are read whole (JSON, forms), and reading and decoding a
// body of up to 1 MiB briefly takes a few times its size. A flood of large
// bodies, with no sign-in needed, could so hold gigabytes: bodies larger
// than smallBody share a budget of bodyBudget bytes in flight, and beyond a
// short wait a request is told to come back. The small bodies of everyday
// use never wait.
const (
	smallBody     = 16 << 10
	bodyBudget    = 16 << 20
	bodyPatience  = 3 * time.Second
	bodyRetryWait = 2 * time.Second
	bodyArrival   = 10 * time.Second
)

// A photo upload (the API's, or a team page's photo form) may be larger
// than other bodies, and take longer to come from a phone: ten megabytes
// at a few megabits a second.
const (
	photoBody    = guli.MaxPhotoBytes + 64<<10 // the photo and the form around it
	photoArrival = time.Minute
	// The board's write form takes a few photos with the words.
	noticeBody    = guli.MaxFormPhotos*guli.MaxPhotoBytes + 64<<10
	noticeArrival = 2 * time.Minute
)

// A roster's upload (the API's, or the import page's) may be as large as
// a roster may be, and is read whole: while it arrives it holds the whole
// budget, so two never arrive at once. Imports are rare.
const (
	rosterBody    = guli.MaxRosterBytes + 64<<10
	rosterArrival = 2 * time.Minute
)

// rosterUpload reports whether r uploads a roster: POST
// /api/v1/stations/{id}/imports or /desk/import.
func rosterUpload(r *http.Request) bool {
	if r.Method != http.MethodPost {
		return false
	}
	if r.URL.Path == "/desk/import" {
		return true
	}
	id, ok := strings.CutPrefix(r.URL.Path, "/api/v1/stations/")
	id, ok2 := strings.CutSuffix(id, "/imports")
	return ok && ok2 && id != "" && !strings.Contains(id, "/")
}

// bodyLimit is how large r's body may be, how much of it its handler holds
// at once (its share of the budget), and how soon it must arrive once in
// the budget. The write form is read part by part, a photo at a time, so
// it holds one photo's worth however many it carries: charged whole, a
// form of two large photos would ask for more than the budget and wait
// for ever.
func bodyLimit(r *http.Request) (size, held int64, arrival time.Duration) {
	if r.Method == http.MethodPost && (r.URL.Path == "/api/v1/photos" || teamPhotoForm(r.URL.Path)) {
		return photoBody, photoBody, photoArrival
	}
	if rosterUpload(r) {
		return rosterBody, bodyBudget, rosterArrival
	}
	if r.Method == http.MethodPost && r.URL.Path == "/notices/new" {
		return noticeBody, photoBody, noticeArrival
	}
	return maxBody, maxBody, bodyArrival
}

// teamPhotoForm reports whether path is a team page's photo form,
// /teams/{id}/photo, which carries one photo.
func teamPhotoForm(path string) bool {
	id, ok := strings.CutPrefix(path, "/teams/")
	id, ok2 := strings.CutSuffix(id, "/photo")
	return ok && ok2 && id != "" && !strings.Contains(id, "/")
}

// limitBodies holds a large request until its body fits the budget. A
// body that says it is larger than its route takes is refused unread.
func (s *Server) limitBodies(next http.Handler) http.Handler {
	budget := semaphore.NewWeighted(bodyBudget)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		size := r.ContentLength
		if size >= 0 && size <= smallBody || r.Body == nil || r.Body == http.NoBody {
			next.ServeHTTP(w, r)
			return
		}
		limit, held, arrival := bodyLimit(r)
		if size > limit && limit > maxBody {
			note := guli.NotePhoto
			if rosterUpload(r) {
				note = guli.NoteRoster
			}
			w.Header().Set("Connection", "close")
			s.Fail(w, r, http.StatusRequestEntityTooLarge, &guli.Error{Code: guli.ECBodyTooLarge, Note: note})
			return
		}
		if size < 0 || size > limit {
			size = limit // unknown length: as much as may be read
		}
		size = min(size, held)
		ctx, cancel := context.WithTimeout(r.Context(), bodyPatience)
		err := budget.Acquire(ctx, size)
		cancel()
		if err != nil {
			if r.Context().Err() != nil {
				return // the client left
			}
			// Closing the connection spares reading the unread body just to
			// keep it open.
			w.Header().Set("Connection", "close")
			w.Header().Set("Retry-After", core.RetryAfter(&guli.Error{RetryAfter: bodyRetryWait}))
			s.Fail(w, r, http.StatusTooManyRequests, &guli.Error{Code: guli.ECRateLimited, Note: guli.NoteBusy, RetryAfter: bodyRetryWait})
			return
		}
		defer budget.Release(size)
		// A body in the budget must arrive briskly: a slow sender may not
		// hold its share for the minute a request may otherwise take.
		http.NewResponseController(w).SetReadDeadline(time.Now().Add(arrival))
		next.ServeHTTP(w, r)
	})
}
