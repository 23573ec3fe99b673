package core

import (
	"context"
	"net/http"
	"time"

	"guli/i18n"
)

// Cookies the pages and the API set.
const (
	SessionCookie = "guli_session"
	DeviceCookie  = "guli_device" // see api.Handlers.Login
	LangCookie    = "guli_lang"
	ElderCookie   = "guli_elder"
	StationCookie = "guli_station"
	PrefLifetime  = 365 * 24 * time.Hour
)

// DeviceToken is the device token a browser keeps, or "".
func DeviceToken(r *http.Request) string {
	if c, err := r.Cookie(DeviceCookie); err == nil {
		return c.Value
	}
	return ""
}

// RequestInfo carries what the middleware learns about a request.
type RequestInfo struct {
	Route     string // the matched pattern, for metrics and logs
	Token     string // the session token the request rode on
	Lang      string
	Elder     bool
	ViaBearer bool
	// Incomplete marks an answer made while a read failed (the reader
	// left, the database was busy): shown to this reader, kept for none.
	Incomplete bool
}

type requestKey struct{}

// WithInfo returns ctx carrying ri, for Info to find.
func WithInfo(ctx context.Context, ri *RequestInfo) context.Context {
	return context.WithValue(ctx, requestKey{}, ri)
}

// Info is what the middleware learned about r.
func Info(r *http.Request) *RequestInfo {
	if ri, ok := r.Context().Value(requestKey{}).(*RequestInfo); ok {
		return ri
	}
	return &RequestInfo{Lang: i18n.Chinese}
}
