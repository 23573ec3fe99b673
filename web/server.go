// Package web serves Guli over HTTP: the JSON API under /api/v1 (package
// api) and the server-rendered pages (package ui), both over the shared core
// (package core) and the same domain services. This package puts them
// together: every route is listed in one place, routes.go, behind the
// middleware every request passes.
package web

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"guli"
	"guli/web/api"
	"guli/web/core"
	"guli/web/ui"
)

// Config wires a Server.
type Config = core.Config

// Pinger tells whether the database answers, for /readyz.
type Pinger = core.Pinger

// Versioner tells the data version, by which public answers are kept.
type Versioner = core.Versioner

// ECMethodNotAllowed answers a known path asked with the wrong method.
const ECMethodNotAllowed = core.ECMethodNotAllowed

// ECBadRequest refuses a request whose address itself is not text.
const ECBadRequest = core.ECBadRequest

// Server is the HTTP handler of Guli.
type Server struct {
	*core.Core
	mux      *http.ServeMux
	handler  http.Handler
	metrics  *metrics
	registry *prometheus.Registry
	patterns []string
	draining atomic.Bool // /readyz says "not ready" (Drain)
}

// New builds the server and its routes.
func New(cfg Config) (*Server, error) {
	c, err := core.New(cfg)
	if err != nil {
		return nil, err
	}
	s := &Server{Core: c, mux: http.NewServeMux(), registry: prometheus.NewRegistry()}
	s.metrics = newMetrics(s.registry, s.Changes)
	for _, r := range s.routes(api.New(c), ui.New(c)) {
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
		s.Fail(w, r, http.StatusMethodNotAllowed, guli.Errorf(core.ECMethodNotAllowed))
		return
	}
	s.Fail(w, r, http.StatusNotFound, guli.Errorf(guli.ECNotFound))
}

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

// serveMetrics is /metrics on the public address: for admins only (a
// scraper signs in with an admin's bearer token). Config.MetricsAddr serves
// them without sign-in on an address of its own.
func (s *Server) serveMetrics(w http.ResponseWriter, r *http.Request) {
	u := guli.UserFromContext(r.Context())
	switch {
	case u == nil:
		s.Fail(w, r, http.StatusUnauthorized, guli.Errorf(guli.ECUnauthenticated))
	case !u.IsAdmin():
		s.Fail(w, r, http.StatusForbidden, guli.Errorf(guli.ECForbidden))
	default:
		s.MetricsHandler().ServeHTTP(w, r)
	}
}

// MetricsHandler serves the metrics in Prometheus text format to anyone: for
// an address only the operators reach (guli serve --metrics-addr).
func (s *Server) MetricsHandler() http.Handler {
	return promhttp.HandlerFor(s.registry, promhttp.HandlerOpts{})
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	core.WriteJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// Drain makes /readyz answer 503 from now on while everything else is
// served as before: the first step of stopping behind a proxy, whose
// health checks then send requests to the other processes before this one
// stops taking connections (guli serve --drain).
func (s *Server) Drain() { s.draining.Store(true) }

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	if s.draining.Load() {
		s.WriteError(w, r, http.StatusServiceUnavailable, &guli.Error{Code: guli.ECUnavailable})
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if s.DB == nil {
		core.WriteJSON(w, http.StatusOK, map[string]string{"status": "ok"})
		return
	}
	if err := s.DB.Ping(ctx); err != nil {
		s.Logger.Warn("readiness check failed", "err", err)
		s.WriteError(w, r, http.StatusServiceUnavailable, &guli.Error{Code: guli.ECUnavailable, Err: err})
		return
	}
	core.WriteJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}
