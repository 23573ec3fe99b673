// Package web serves Guli over HTTP: the JSON API under /api/v1 and the
// server-rendered pages, both from the same domain services. Routes are
// listed in one place, routes.go; each API resource and each page action has
// its own file.
package web

import (
	"context"
	"embed"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"guli"
	"guli/i18n"
)

// Pinger tells whether the database answers, for /readyz.
type Pinger interface {
	Ping(ctx context.Context) error
}

// Config wires a Server.
type Config struct {
	guli.Services
	DB      Pinger
	Logger  *slog.Logger
	Catalog *i18n.Catalog
	// SecureCookies marks cookies Secure; set it when served over HTTPS.
	SecureCookies bool
	// TrustProxy takes the client address from X-Forwarded-For, for login
	// throttling behind a reverse proxy. Leave off when clients connect directly.
	TrustProxy bool
	// Changes tells the data version, by which public answers are kept
	// (see cache.go); nil keeps none.
	Changes Versioner
	// BaseURL is the public address of the site, e.g. https://guli.example,
	// for links that leave the site: the door QR code and calendar feeds.
	// Empty: taken from each request.
	BaseURL string
}

// Server is the HTTP handler of Guli.
type Server struct {
	Config
	mux      *http.ServeMux
	handler  http.Handler
	pages    map[string]map[string]*template.Template // by language, then page
	static   fs.FS
	metrics  *metrics
	registry *prometheus.Registry
	patterns []string
	feeds    feedCache
	answers  answerCache
	kept     fragmentCache // rendered parts of pages
}

//go:embed templates
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// New builds the server and its routes.
func New(cfg Config) (*Server, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Catalog == nil {
		c, err := i18n.Load()
		if err != nil {
			return nil, err
		}
		cfg.Catalog = c
	}
	s := &Server{Config: cfg, mux: http.NewServeMux(), registry: prometheus.NewRegistry(), feeds: feedCache{built: map[string]builtFeed{}}}
	var err error
	if s.pages, err = parsePages(cfg.Catalog); err != nil {
		return nil, err
	}
	s.static, _ = fs.Sub(staticFiles, "static")
	s.metrics = newMetrics(s.registry, s.Changes)
	for _, r := range s.routes() {
		s.mux.Handle(r.pattern, s.instrument(r.pattern, r.handler))
		s.patterns = append(s.patterns, r.pattern)
	}
	s.handler = s.recoverPanics(s.observe(s.securityHeaders(s.crossOrigin(s.authenticate(s.limitBodies(s.cleanInput(http.HandlerFunc(s.dispatch))))))))
	return s, nil
}

// ServeHTTP serves a request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Patterns lists the route patterns the server serves ("GET /api/v1/me").
func (s *Server) Patterns() []string { return append([]string(nil), s.patterns...) }

// dispatch routes a request, answering unknown paths and methods in the
// form the client expects: JSON under /api/, a friendly page elsewhere.
func (s *Server) dispatch(w http.ResponseWriter, r *http.Request) {
	if _, pattern := s.mux.Handler(r); pattern != "" {
		s.mux.ServeHTTP(w, r)
		return
	}
	if allow := s.allowedMethods(r); len(allow) > 0 {
		w.Header().Set("Allow", strings.Join(allow, ", "))
		s.fail(w, r, http.StatusMethodNotAllowed, guli.Errorf(ECMethodNotAllowed))
		return
	}
	s.fail(w, r, http.StatusNotFound, guli.Errorf(guli.ECNotFound))
}

// ECMethodNotAllowed answers a known path asked with the wrong method.
const ECMethodNotAllowed = "method_not_allowed"

func (s *Server) allowedMethods(r *http.Request) []string {
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		if m == r.Method {
			continue
		}
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := s.mux.Handler(probe); pattern != "" {
			allow = append(allow, m)
		}
	}
	return allow
}

// fail answers an error with an explicit status in the client's form.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, status int, err error) {
	if isAPI(r) {
		s.writeError(w, r, status, guli.AsError(err))
		return
	}
	s.renderError(w, r, status)
}

func isAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

// clientAddr is the address throttling and the turns at password hashing
// count by. Behind a trusted proxy it is the last address the proxy added:
// the last value of the last X-Forwarded-For line (a proxy may add a line
// of its own after the client's); anything that is not an IP address there
// falls back to the connection's. An IPv6 address counts by its /64, the
// block one subscriber holds, so one client cannot pass for billions.
func (s *Server) clientAddr(r *http.Request) string {
	if s.TrustProxy {
		if lines := r.Header.Values("X-Forwarded-For"); len(lines) > 0 {
			last := lines[len(lines)-1]
			if i := strings.LastIndexByte(last, ','); i >= 0 {
				last = last[i+1:]
			}
			if ip, err := netip.ParseAddr(strings.TrimSpace(last)); err == nil {
				return clientKey(ip)
			}
		}
	}
	if ap, err := netip.ParseAddrPort(r.RemoteAddr); err == nil {
		return clientKey(ap.Addr())
	}
	return r.RemoteAddr
}

// clientKey is what one client's address counts as: an IPv4 address, or an
// IPv6 /64; never its zone, which is free text ("::1%\xff").
func clientKey(ip netip.Addr) string {
	ip = ip.Unmap().WithZone("")
	if ip.Is6() {
		return netip.PrefixFrom(ip, 64).Masked().String()
	}
	return ip.String()
}

// baseURL is the site's public address for links that leave the site.
func (s *Server) baseURL(r *http.Request) string {
	if s.BaseURL != "" {
		return strings.TrimRight(s.BaseURL, "/")
	}
	scheme := "http"
	if r.TLS != nil || (s.TrustProxy && r.Header.Get("X-Forwarded-Proto") == "https") {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// serveMetrics is /metrics on the public address: for admins only (a
// scraper signs in with an admin's bearer token). Config.MetricsAddr serves
// them without sign-in on an address of its own.
func (s *Server) serveMetrics(w http.ResponseWriter, r *http.Request) {
	u := guli.UserFromContext(r.Context())
	switch {
	case u == nil:
		s.fail(w, r, http.StatusUnauthorized, guli.Errorf(guli.ECUnauthenticated))
	case !u.IsAdmin():
		s.fail(w, r, http.StatusForbidden, guli.Errorf(guli.ECForbidden))
	default:
		s.MetricsHandler().ServeHTTP(w, r)
	}
}

// MetricsHandler serves the metrics in Prometheus text format to anyone: for
// an address only the operators reach (guli serve --metrics-addr).
func (s *Server) MetricsHandler() http.Handler {
	return promhttp.HandlerFor(s.registry, promhttp.HandlerOpts{})
}

// now is the services' clock, by which pages say what is today and what
// has started.
func (s *Server) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if s.DB == nil {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
		return
	}
	if err := s.DB.Ping(ctx); err != nil {
		s.Logger.Warn("readiness check failed", "err", err)
		s.writeError(w, r, http.StatusServiceUnavailable, &guli.Error{Code: guli.ECUnavailable, Err: err})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}
