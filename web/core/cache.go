package core

import (
	"bytes"
	"compress/gzip"
	"context"
	"hash/fnv"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"guli"
)

// Versioner tells the data version: a number that moves whenever anything
// is written, by any process on the database; and, finer, the version of
// the tables a request read, so that what was made of them is kept until
// one of those is written.
type Versioner interface {
	DataVersion(ctx context.Context) uint64
	// TrackReads returns ctx under which the tables read are followed,
	// from their versions now.
	TrackReads(ctx context.Context) context.Context
	// Untracked returns ctx under which reads are not followed, for what
	// nothing kept shows.
	Untracked(ctx context.Context) context.Context
	// ReadsSoFar tells what was read under ctx so far; not ok when none
	// of it may be kept.
	ReadsSoFar(ctx context.Context) (guli.ReadStamp, bool)
}

// Public reads that everyone who is not signed in sees alike (the home
// page, the timetable, the list of activities) are kept whole, answer and
// all, while nothing they were made from is written, and for at most publicFresh:
// what a page says of the clock ("open now", "started") may be that old.
// They answer If-None-Match with 304.
//
// What is kept is bounded in bytes, so that a flood of made-up addresses
// costs the server no more memory than the real ones: an address longer
// than maxKeptKey is answered but never kept (every form on a page repeats
// it), and past maxKeptBytes the cache starts afresh.
const (
	publicFresh     = 5 * time.Second
	maxKeptKey      = 1024
	maxKeptBodySize = 1 << 20
	maxKeptBytes    = 32 << 20
)

type keptAnswer struct {
	read    guli.ReadStamp // what was read to make it
	at      time.Time
	status  int
	header  http.Header
	body    []byte
	gzipped []byte // body compressed, when worth it: a busy week or a month's list is tens of kilobytes
	etag    string
}

// minGzipSize is the least body worth compressing: below a packet or so
// it saves nothing.
const minGzipSize = 1400

// gzipOf compresses b, once for everyone who reads it.
func gzipOf(b []byte) []byte {
	var buf bytes.Buffer
	z, _ := gzipWriters.Get().(*gzip.Writer)
	if z == nil {
		z, _ = gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	} else {
		z.Reset(&buf)
	}
	z.Write(b)
	z.Close()
	gzipWriters.Put(z)
	return buf.Bytes()
}

// gzipWriters are kept between answers: a writer is over a megabyte of
// tables, and one made for each answer was half of a busy server's live
// heap.
var gzipWriters sync.Pool

// acceptsGzip reports whether the request takes a gzipped answer: it
// names gzip with a weight above zero.
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(coding), "gzip") {
			continue
		}
		name, value, ok := strings.Cut(strings.ReplaceAll(params, " ", ""), "=")
		if !ok || !strings.EqualFold(name, "q") {
			return true
		}
		q, err := strconv.ParseFloat(value, 64)
		return err != nil || q > 0
	}
	return false
}

// matchesETag reports whether an If-None-Match header names etag: one of
// its list, or *.
func matchesETag(header, etag string) bool {
	for _, tag := range strings.Split(header, ",") {
		if tag = strings.TrimSpace(tag); tag == etag || tag == "*" {
			return true
		}
	}
	return false
}

// answerCache keeps the public answers.
type answerCache struct {
	mu    sync.Mutex
	kept  map[string]*keptAnswer
	bytes int // of keys and bodies kept
}

// size is what a kept answer costs, roughly.
func (a *keptAnswer) size(key string) int { return len(key) + len(a.body) + len(a.gzipped) + 256 }

// Public serves h from the cache for anyone not signed in.
func (s *Core) Public(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.Changes == nil || guli.UserFromContext(r.Context()) != nil || r.Method != http.MethodGet {
			h(w, r)
			return
		}
		ri := Info(r)
		key := r.URL.RequestURI() + "\x1f" + ri.Lang + "\x1f" + strconv.FormatBool(ri.Elder)
		if c, err := r.Cookie(StationCookie); err == nil && !IsAPI(r) {
			key += "\x1f" + guli.ParseID(c.Value).String() // what the pages read of it
		}
		if s.BaseURL == "" {
			// Links that leave the site (the week poster's QR codes) are
			// made from the request's address: never one host's for another.
			key += "\x1f" + s.SiteURL(r)
		}
		if len(key) > maxKeptKey {
			h(w, r)
			return
		}
		now := s.TimeNow()
		s.answers.mu.Lock()
		a := s.answers.kept[key]
		s.answers.mu.Unlock()
		if a == nil || now.Sub(a.at) > publicFresh || now.Before(a.at) || !a.read.Current(r.Context()) {
			rec := &recorder{header: http.Header{}, status: http.StatusOK}
			r := r.WithContext(s.Changes.TrackReads(r.Context()))
			h(rec, r)
			read, keep := s.Changes.ReadsSoFar(r.Context())
			a = &keptAnswer{read: read, at: now, status: rec.status, header: rec.header, body: rec.body.Bytes()}
			sum := fnv.New64a()
			sum.Write(a.body)
			a.etag = `W/"` + strconv.FormatUint(sum.Sum64(), 36) + `"`
			if a.status == http.StatusOK && len(a.body) >= minGzipSize {
				a.gzipped = gzipOf(a.body)
			}
			// An answer made while a read failed, or for a reader who left
			// before it was done, is this reader's alone.
			if keep && a.status == http.StatusOK && len(a.body) <= maxKeptBodySize && !ri.Incomplete && r.Context().Err() == nil {
				s.answers.mu.Lock()
				if old := s.answers.kept[key]; old != nil {
					s.answers.bytes -= old.size(key)
				}
				if s.answers.kept == nil || s.answers.bytes+a.size(key) > maxKeptBytes {
					s.answers.kept, s.answers.bytes = map[string]*keptAnswer{}, 0
				}
				s.answers.kept[key] = a
				s.answers.bytes += a.size(key)
				s.answers.mu.Unlock()
			}
		}
		for k, vs := range a.header {
			w.Header()[k] = slices.Clone(vs) // the kept one is shared
		}
		if a.gzipped != nil {
			w.Header().Add("Vary", "Accept-Encoding")
		}
		if a.status == http.StatusOK {
			// Browsers may keep it but must ask again each time; the
			// answer to their If-None-Match is then a 304.
			w.Header().Set("Cache-Control", "private, no-cache")
			w.Header().Set("ETag", a.etag)
			if matchesETag(r.Header.Get("If-None-Match"), a.etag) {
				w.WriteHeader(http.StatusNotModified)
				return
			}
		}
		body := a.body
		if a.gzipped != nil && acceptsGzip(r) {
			w.Header().Set("Content-Encoding", "gzip")
			body = a.gzipped
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(a.status)
		w.Write(body)
	}
}

// recorder keeps what a handler answers.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
	wrote  bool
}

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(code int) {
	if !r.wrote {
		r.status, r.wrote = code, true
	}
}

func (r *recorder) Write(b []byte) (int, error) {
	r.wrote = true
	return r.body.Write(b)
}

// Activity cards are the most of a timetable's rendering, and alike for
// everyone in the same place on the same activity: each is kept, rendered,
// while nothing its page had read is written.
// Like the answers, the parts kept are bounded in bytes, and a part whose
// key is longer than maxKeptKey (it holds the page's address) is rendered
// every time.
type fragmentCache struct {
	mu    sync.Mutex
	kept  map[string]keptPart
	bytes int // of keys and parts kept
}

// keptPart is a rendered part, and the tables its page had read when it
// was made, with their version then.
type keptPart struct {
	html template.HTML
	read guli.ReadStamp
}

const maxKeptFragmentBytes = 32 << 20

// get returns the part kept under key if none of the tables it was made
// from was written since, or renders and keeps it under those the page
// read so far: everything the part shows of the database is among them.
func (c *fragmentCache) get(ctx context.Context, changes Versioner, key string, render func() (template.HTML, error)) (template.HTML, error) {
	if len(key) > maxKeptKey {
		return render()
	}
	read, ok := changes.ReadsSoFar(ctx)
	if !ok {
		return render()
	}
	c.mu.Lock()
	p, kept := c.kept[key]
	c.mu.Unlock()
	if kept && p.read.Current(ctx) {
		return p.html, nil
	}
	h, err := render()
	if err != nil {
		return "", err
	}
	c.mu.Lock()
	if c.kept == nil || c.bytes+len(key)+len(h) > maxKeptFragmentBytes {
		c.kept, c.bytes = map[string]keptPart{}, 0
	}
	if old, ok := c.kept[key]; ok {
		c.bytes -= len(key) + len(old.html)
	}
	c.kept[key] = keptPart{html: h, read: read}
	c.bytes += len(key) + len(h)
	c.mu.Unlock()
	return h, nil
}
