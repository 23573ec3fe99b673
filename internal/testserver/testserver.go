// Package testserver runs the real Guli HTTP server on a real database for
// tests, seeded with the demo station, and speaks JSON to it.
package testserver

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"guli"
	"guli/demo"
	"guli/i18n"
	"guli/internal/dbtest"
	"guli/password"
	"guli/sqlstore"
	"guli/web"
)

// Demo accounts the seed creates (see package demo).
const (
	AdminPhone    = "13800000000"
	StaffPhone    = "13800000001"
	TalentPhone   = "13800000002"
	ResidentPhone = "13800000008"
	Password      = demo.Password
)

// Server is a running Guli with the demo station.
type Server struct {
	URL     string
	DB      *sqlstore.DB
	Web     *web.Server
	Station *guli.Station
	Client  *http.Client

	t      testing.TB
	mu     sync.Mutex
	errors []string
	logs   strings.Builder
	// AllowErrors stops logged server errors from failing the test, for
	// tests that provoke one on purpose.
	AllowErrors bool
}

// Options change how the server is built.
type Options struct {
	// Wrap lets a test replace services, e.g. to make one panic.
	Wrap func(*guli.Services)
	// SMS makes registration need a code texted by this sender.
	SMS guli.SMSSender
	// TrustProxy takes client addresses from X-Forwarded-For: the test's
	// client, on the loopback, is the trusted proxy.
	TrustProxy bool
	// TrustedProxies, if set, are the proxies trusted instead.
	TrustedProxies []netip.Prefix
	// Now is the services' clock, for a test that moves it; the real
	// one when nil.
	Now func() time.Time
	// Email makes notifying transactions enqueue e-mail jobs.
	Email bool
}

// New starts a server on a fresh database of engine e, with the demo in
// it.
func New(t testing.TB, e dbtest.Engine, opts ...Options) *Server {
	t.Helper()
	for _, o := range opts {
		if o.Now != nil || o.Email {
			// The demo is filled as these options would have it.
			return NewOnDSN(t, e.DSN(t), opts...)
		}
	}
	return NewOnDSN(t, DemoDSN(t, e), opts...)
}

// DemoDSN returns the address of a fresh database of engine e with the
// demo in it: a copy of one filled once for the test process, which is
// seconds quicker than filling each.
func DemoDSN(t testing.TB, e dbtest.Engine) string {
	t.Helper()
	return e.Copy(t, "demo", func(dsn string) error {
		ctx := context.Background()
		db, err := sqlstore.Open(ctx, dsn, sqlstore.Options{Password: password.Fast})
		if err != nil {
			return err
		}
		defer db.Close()
		if err := db.Migrate(ctx); err != nil {
			return err
		}
		_, err = demo.Seed(ctx, sqlstore.NewServices(db))
		return err
	})
}

// HistoryDSN returns the address of a fresh database of engine e with
// the seed's history in it (demo.LikeSeed), 顾里小站 from 2023-02-10 to
// 2023-10-15: a copy of one filled once for the test process. A server
// on it (NewOnDSN) serves the history, today being today.
func HistoryDSN(t testing.TB, e dbtest.Engine) string {
	t.Helper()
	return e.Copy(t, "history", func(dsn string) error {
		ctx := context.Background()
		clock := demo.NewClock(time.Now())
		db, err := sqlstore.Open(ctx, dsn, sqlstore.Options{Password: password.Fast, Now: clock.Now, BulkLoad: true})
		if err != nil {
			return err
		}
		defer db.Close()
		if err := db.Migrate(ctx); err != nil {
			return err
		}
		_, err = demo.LikeSeed(ctx, sqlstore.NewServices(db), clock, db)
		return err
	})
}

// NewOnDSN starts a server on the database at dsn, seeding it if empty.
func NewOnDSN(t testing.TB, dsn string, opts ...Options) *Server {
	t.Helper()
	var dbOpts sqlstore.Options
	for _, o := range opts {
		if o.Now != nil {
			dbOpts.Now = o.Now
		}
		dbOpts.Email = dbOpts.Email || o.Email
	}
	db := dbtest.OpenWith(t, dsn, dbOpts)
	s := &Server{DB: db, t: t}
	var svcOpts []sqlstore.Option
	for _, o := range opts {
		if o.SMS != nil {
			svcOpts = append(svcOpts, sqlstore.WithSMS(o.SMS))
		}
	}
	svc := sqlstore.NewServices(db, svcOpts...)
	res, err := demo.Seed(context.Background(), svc)
	if err != nil {
		t.Fatal(err)
	}
	s.Station = res.Station
	for _, o := range opts {
		if o.Wrap != nil {
			o.Wrap(&svc)
		}
	}
	var trust []netip.Prefix
	for _, o := range opts {
		if o.TrustProxy {
			trust = append(trust, netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128"))
		}
		trust = append(trust, o.TrustedProxies...)
	}
	w, err := web.New(web.Config{Services: svc, DB: db, Changes: db, Catalog: i18n.MustLoad(), TrustedProxies: trust,
		Logger: slog.New(&errorCatcher{s: s, h: slog.DiscardHandler})})
	if err != nil {
		t.Fatal(err)
	}
	s.Web = w
	hs := httptest.NewServer(w)
	s.URL = hs.URL
	s.Client = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	t.Cleanup(func() {
		w.CloseStreams() // open pages' streams would hold Close for ever
		hs.Close()
		s.mu.Lock()
		defer s.mu.Unlock()
		if !s.AllowErrors {
			for _, e := range s.errors {
				t.Errorf("the server logged an error (a 5xx is a bug): %s", e)
			}
		}
	})
	return s
}

// errorCatcher records every error the server logs.
type errorCatcher struct {
	s *Server
	h slog.Handler
}

func (c *errorCatcher) Enabled(_ context.Context, l slog.Level) bool { return true }
func (c *errorCatcher) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	b.WriteString(r.Level.String() + " " + r.Message)
	r.Attrs(func(a slog.Attr) bool {
		b.WriteString(" " + a.String())
		return true
	})
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	if r.Level >= slog.LevelError {
		c.s.errors = append(c.s.errors, b.String())
	}
	c.s.logs.WriteString(b.String() + "\n")
	return nil
}

// Logs returns everything the server logged so far, a line a record,
// each starting with its level (INFO, DEBUG...).
func (s *Server) Logs() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.logs.String()
}
func (c *errorCatcher) WithAttrs([]slog.Attr) slog.Handler { return c }
func (c *errorCatcher) WithGroup(string) slog.Handler      { return c }

// Response is an answer from the server.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body as an object.
func (r *Response) JSON(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("body is not a JSON object: %v\n%s", err, r.Body)
	}
	return m
}

// ErrorCode returns error.code of an error body, or "".
func (r *Response) ErrorCode() string {
	var e struct {
		Error struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	json.Unmarshal(r.Body, &e)
	return e.Error.Code
}

// Request is a request to send; Body is encoded as JSON unless it is a
// string or []byte, which are sent as they are.
type Request struct {
	Method, Path, Token string
	Body                any
	Header              map[string]string
}

// Send sends a request; it is safe to call from many goroutines.
func (s *Server) Send(t testing.TB, req Request) *Response {
	t.Helper()
	var body io.Reader
	switch b := req.Body.(type) {
	case nil:
	case string:
		body = strings.NewReader(b)
	case []byte:
		body = bytes.NewReader(b)
	default:
		enc, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		body = bytes.NewReader(enc)
	}
	r, err := http.NewRequest(req.Method, s.URL+req.Path, body)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		r.Header.Set("Content-Type", "application/json")
	}
	if req.Token != "" {
		r.Header.Set("Authorization", "Bearer "+req.Token)
	}
	for k, v := range req.Header {
		r.Header.Set(k, v)
	}
	resp, err := s.Client.Do(r)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.Path, err)
	}
	defer resp.Body.Close()
	var b []byte
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		// A stream does not end: its first event is its answer.
		b, err = FirstEvent(resp.Body)
	} else {
		b, err = io.ReadAll(resp.Body)
	}
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode >= 500 && !s.AllowErrors {
		t.Errorf("%s %s answered %d (a 5xx is a bug): %s", req.Method, req.Path, resp.StatusCode, b)
	}
	return &Response{Status: resp.StatusCode, Header: resp.Header, Body: b}
}

// FirstEvent reads a server-sent event stream up to the end of its first
// event (a blank line).
func FirstEvent(r io.Reader) ([]byte, error) {
	var b []byte
	buf := make([]byte, 512)
	for !bytes.Contains(b, []byte("\n\n")) {
		n, err := r.Read(buf)
		b = append(b, buf[:n]...)
		if err != nil {
			return b, err
		}
	}
	return b, nil
}

// Do sends method path with an optional token and JSON body.
func (s *Server) Do(t testing.TB, method, path, token string, body any) *Response {
	t.Helper()
	return s.Send(t, Request{Method: method, Path: path, Token: token, Body: body})
}

// Login signs in through the API and returns the bearer token.
func (s *Server) Login(t testing.TB, phone, password string) string {
	t.Helper()
	r := s.Do(t, "POST", "/api/v1/auth/login", "", map[string]string{"phone": phone, "password": password})
	if r.Status != http.StatusOK {
		t.Fatalf("login %s: %d %s", phone, r.Status, r.Body)
	}
	return r.JSON(t)["token"].(string)
}

// Register creates a resident through the API and returns their id and token.
func (s *Server) Register(t testing.TB, name, phone string) (id, token string) {
	t.Helper()
	r := s.Do(t, "POST", "/api/v1/auth/register", "", map[string]any{
		"name": name, "phone": phone, "password": "password-" + phone, "area_id": s.Station.Areas[0].ID.String()})
	if r.Status != http.StatusCreated {
		t.Fatalf("register %s: %d %s", phone, r.Status, r.Body)
	}
	id = r.JSON(t)["user"].(map[string]any)["id"].(string)
	return id, s.Login(t, phone, "password-"+phone)
}
