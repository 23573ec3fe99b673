package web

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"runtime/debug"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"guli"
	"guli/i18n"
	"guli/web/core"
)

// maxBody is the largest request body accepted: 1 MiB, else 413
// body_too_large (docs/openapi.yaml); a photo upload may take more (see
// bodyLimit).
const maxBody = 1 << 20

// statusWriter remembers the status code written.
type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.status, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.status, w.wrote = http.StatusOK, true
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// recoverPanics turns a panic into a logged stack and a 500 in the client's
// form. A 500 is still a bug: the log says where.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.Logger.Error("panic serving request", "method", metricMethod(r.Method), "route", core.Info(r).Route,
				"panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			if sw, ok := w.(*statusWriter); ok && sw.wrote {
				return
			}
			s.Fail(w, r, http.StatusInternalServerError, guli.Errorf(guli.ECInternal))
		}()
		next.ServeHTTP(w, r)
	})
}

// observe logs each request and counts it by route; it also settles the
// language and limits the body size.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ri := &core.RequestInfo{Route: "unmatched", Lang: s.language(r)}
		if c, err := r.Cookie(core.ElderCookie); err == nil && c.Value == "1" {
			ri.Elder = true
		}
		r = r.WithContext(core.WithInfo(r.Context(), ri))
		limit, _, _ := bodyLimit(r)
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		defer func() {
			elapsed := time.Since(start)
			method := metricMethod(r.Method)
			s.metrics.requests.WithLabelValues(ri.Route, method, fmt.Sprint(sw.status)).Inc()
			s.metrics.latency.WithLabelValues(ri.Route).Observe(elapsed.Seconds())
			// The route pattern is logged, not the path or the query: paths
			// hold secrets (a calendar feed's address, even mistyped) and
			// searches phone numbers. Of a path no route matched, only the
			// first part is logged.
			attrs := []any{"method", method, "route", ri.Route, "status", sw.status, "duration", elapsed}
			if ri.Route == "unmatched" {
				attrs = append(attrs, "path", firstSegment(r.URL.Path))
			}
			s.Logger.Log(r.Context(), core.LogLevel(r, sw.status), "request", attrs...)
		}()
		next.ServeHTTP(sw, r)
	})
}

// firstSegment is the first part of a path, "/calendar/…" of
// "/calendar/<secret>.ics/", and only when it is a plain lower-case word:
// enough to see what was asked for, never a secret or a phone number.
func firstSegment(path string) string {
	first, rest, _ := strings.Cut(strings.TrimLeft(path, "/"), "/")
	if !plainWord.MatchString(first) {
		return "/…"
	}
	if rest != "" {
		return "/" + first + "/…"
	}
	return "/" + first
}

// plainWord is a path part that names a place, such as "calendar" or
// "favicon.ico": lower-case letters, dots and dashes, no digits.
var plainWord = regexp.MustCompile(`^[a-z][a-z.-]{0,23}$`)

// metricMethod bounds the method label: any method Guli does not serve is
// OTHER, so junk methods cannot grow the metrics without end.
func metricMethod(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions:
		return m
	}
	return "OTHER"
}

// language picks the language: the page switch's cookie for pages, then
// Accept-Language. The API follows Accept-Language alone.
func (s *Server) language(r *http.Request) string {
	if !core.IsAPI(r) {
		if c, err := r.Cookie(core.LangCookie); err == nil && i18n.Supported(c.Value) != "" {
			return c.Value
		}
	}
	return i18n.Negotiate(r.Header.Get("Accept-Language"))
}

// instrument records the matched route for the request's log and metrics.
func (s *Server) instrument(pattern string, h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		core.Info(r).Route = pattern
		h(w, r)
	})
}

// securityHeaders sets what every response carries.
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
			"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		next.ServeHTTP(w, r)
	})
}

// crossOrigin refuses unsafe cross-origin requests that ride on a cookie.
// Requests with a bearer token carry no ambient authority and pass.
func (s *Server) crossOrigin(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.Fail(w, r, http.StatusForbidden, guli.Errorf(guli.ECForbidden))
	}))
	protected := cop.Handler(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if bearer(r) != "" {
			next.ServeHTTP(w, r)
			return
		}
		protected.ServeHTTP(w, r)
	})
}

func bearer(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

// authenticate puts the signed-in user, if any, into the request's context:
// from a bearer token, else from the session cookie.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ri := core.Info(r)
		token := bearer(r)
		ri.ViaBearer = token != ""
		if token == "" {
			if c, err := r.Cookie(core.SessionCookie); err == nil {
				token = c.Value
			}
		}
		if token != "" {
			u, err := s.Accounts.Authenticate(r.Context(), token)
			switch {
			case err == nil:
				ri.Token = token
				r = r.WithContext(guli.NewContextWithUser(r.Context(), u))
			case guli.ErrorCode(err) != guli.ECUnauthenticated:
				s.Fail(w, r, core.StatusOf(guli.ErrorCode(err)), err)
				return
			}
		}
		if s.Changes != nil {
			// From here on, what the request reads says how long what it
			// makes may be kept (core's caches).
			r = r.WithContext(s.Changes.TrackReads(r.Context()))
		}
		next.ServeHTTP(w, r)
	})
}

type metrics struct {
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

func newMetrics(reg *prometheus.Registry, changes Versioner) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "guli_http_requests_total", Help: "HTTP requests by route, method and status code.",
		}, []string{"route", "method", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "guli_http_request_duration_seconds", Help: "HTTP request latency by route.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"route"}),
	}
	reg.MustRegister(m.requests, m.latency,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if changes != nil {
		// How often kept answers are let go: each step is a write somewhere.
		reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "guli_data_changes_total", Help: "Times the data version moved: writes by this process or, seen, by others.",
		}, func() float64 { return float64(changes.DataVersion(context.Background())) }))
	}
	return m
}
