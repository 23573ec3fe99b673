// Package core is what the API and the pages share: the services and
// settings, the request's facts the middleware learns, the mapping of
// domain errors to statuses, the checks of text at the edge, the kept
// answers, and the page templates with the view they are given.
package core

import (
	"context"
	"embed"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"

	"guli"
	"guli/i18n"
)

// Pinger tells whether the database answers, for /readyz.
type Pinger interface {
	Ping(ctx context.Context) error
}

// Config wires the web server: the services and how it is reached.
type Config struct {
	guli.Services
	DB      Pinger
	Logger  *slog.Logger
	Catalog *i18n.Catalog
	// SecureCookies marks cookies Secure; set it when served over HTTPS.
	SecureCookies bool
	// TrustedProxies are the reverse proxies' addresses: a request that
	// comes from one of them is taken to be from the client its
	// X-Forwarded-For names (for throttling and turns at password hashing)
	// and over HTTPS when X-Forwarded-Proto says so. Anyone else's
	// forwarding headers are ignored: a client that reaches the server
	// past the proxy cannot pass for someone else. Empty when clients
	// connect directly.
	TrustedProxies []netip.Prefix
	// Changes tells what was written since a request read, by which
	// public answers and parts of pages are kept (see Core.Public); nil
	// keeps none.
	Changes Versioner
	// BaseURL is the public address of the site, e.g. https://guli.example,
	// for links that leave the site: the door QR code and calendar feeds.
	// Empty: taken from each request.
	BaseURL string
}

// ECMethodNotAllowed answers a known path asked with the wrong method.
const ECMethodNotAllowed = "method_not_allowed"

// Core holds what every handler works with.
type Core struct {
	Config
	pages   map[string]map[string]*template.Template // by language, then page
	answers answerCache
	kept    fragmentCache // rendered parts of pages
	buffers sync.Pool     // of *bytes.Buffer: pages are rendered into one, then written
	// closing ends the live streams of open pages (CloseStreams).
	closing   chan struct{}
	closeOnce sync.Once
}

// CloseStreams ends every live stream, for a shutdown: a stream never
// finishes on its own, and a server shutting down waits for requests to.
func (s *Core) CloseStreams() { s.closeOnce.Do(func() { close(s.closing) }) }

// Closing is closed when the live streams are to end.
func (s *Core) Closing() <-chan struct{} { return s.closing }

//go:embed templates
var templateFiles embed.FS

// New fills in the defaults of cfg and parses the page templates.
func New(cfg Config) (*Core, error) {
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
	s := &Core{Config: cfg, closing: make(chan struct{})}
	var err error
	if s.pages, err = pagesFor(cfg.Catalog); err != nil {
		return nil, err
	}
	return s, nil
}

// Fail answers an error with an explicit status in the client's form.
func (s *Core) Fail(w http.ResponseWriter, r *http.Request, status int, err error) {
	if IsAPI(r) {
		s.WriteError(w, r, status, guli.AsError(err))
		return
	}
	s.RenderError(w, r, status)
}

func IsAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

// ClientAddr is the address throttling and the turns at password hashing
// count by. A request from a trusted proxy is the client's its
// X-Forwarded-For names: read from the right (the proxy appends the
// address it saw, after any line the client sent), past the addresses of
// trusted proxies, the first other one; anything that is not an IP
// address there (with a port or in brackets, as some proxies write it)
// ends the walk at the last address trusted. An IPv6 address counts by its
// /64, the block one subscriber holds, so one client cannot pass for
// billions.
func (s *Core) ClientAddr(r *http.Request) string {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	client := ap.Addr()
	if !s.trusted(client) {
		return clientKey(client)
	}
	lines := r.Header.Values("X-Forwarded-For")
	for i := len(lines) - 1; i >= 0; i-- {
		hops := strings.Split(lines[i], ",")
		for j := len(hops) - 1; j >= 0; j-- {
			ip, ok := forwardedAddr(hops[j])
			if !ok {
				return clientKey(client)
			}
			client = ip
			if !s.trusted(ip) {
				return clientKey(ip)
			}
		}
	}
	return clientKey(client)
}

// forwardedAddr reads one hop of X-Forwarded-For: an IP address, or one
// with a port ("192.0.2.1:443", "[2001:db8::1]:443") or in brackets.
func forwardedAddr(hop string) (netip.Addr, bool) {
	hop = strings.TrimSpace(hop)
	if ip, err := netip.ParseAddr(hop); err == nil {
		return ip, true
	}
	if ap, err := netip.ParseAddrPort(hop); err == nil {
		return ap.Addr(), true
	}
	if inner, ok := strings.CutPrefix(hop, "["); ok {
		if inner, ok = strings.CutSuffix(inner, "]"); ok {
			if ip, err := netip.ParseAddr(inner); err == nil && ip.Is6() {
				return ip, true
			}
		}
	}
	return netip.Addr{}, false
}

// ParseProxies reads a list of trusted proxies: IP addresses and CIDR
// blocks, separated by commas ("127.0.0.1, 10.0.0.0/8"). Empty is none.
// An IPv4-mapped block is the IPv4 block it maps (a connection's address
// is compared unmapped), and a block of every address is refused: with it
// any client names its own address and escapes the throttles.
func ParseProxies(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, item := range strings.Split(list, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		p, err := netip.ParsePrefix(item)
		if err != nil {
			ip, err := netip.ParseAddr(item)
			if err != nil || ip.Zone() != "" {
				return nil, fmt.Errorf("trusted proxy %q: give the proxy's IP address or a CIDR block, e.g. 127.0.0.1 or 10.0.0.0/8", item)
			}
			p = netip.PrefixFrom(ip, ip.BitLen())
		}
		if p.Addr().Is4In6() && p.Bits() >= 96 {
			p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
		}
		if p.Bits() == 0 {
			return nil, fmt.Errorf("trusted proxy %q is every address: any client could name its own; give the proxies' addresses", item)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// fromProxy reports whether the request came through a trusted proxy,
// whose forwarding headers are believed.
func (s *Core) fromProxy(r *http.Request) bool {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	return err == nil && s.trusted(ap.Addr())
}

func (s *Core) trusted(ip netip.Addr) bool {
	ip = ip.Unmap().WithZone("")
	for _, p := range s.TrustedProxies {
		if p.Contains(ip) {
			return true
		}
	}
	return false
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

// MaxHost is the longest Host a request may name: a DNS name (253
// characters) and a port. Links that leave the site are made of it when
// no --base-url is set, and a longer one is no site's.
const MaxHost = 253 + len(":65535")

// SiteURL is the site's public address for links that leave the site.
func (s *Core) SiteURL(r *http.Request) string {
	if s.BaseURL != "" {
		return strings.TrimRight(s.BaseURL, "/")
	}
	scheme := "http"
	if r.TLS != nil || (r.Header.Get("X-Forwarded-Proto") == "https" && s.fromProxy(r)) {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// TimeNow is the services' clock, by which pages say what is today and what
// has started.
func (s *Core) TimeNow() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// StartOfDay is midnight of t's day in loc.
func StartOfDay(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, loc)
}

// DefaultZone is where times without a station are shown.
var DefaultZone = guli.Zone(guli.DefaultTimezone)
