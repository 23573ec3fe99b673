package core

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"guli"
)

// StatusOf maps a domain error code to its HTTP status. This is the one
// place the mapping lives.
func StatusOf(code string) int {
	switch code {
	case ECBadJSON, ECBadRequest:
		return http.StatusBadRequest
	case guli.ECUnauthenticated, guli.ECInvalidCredentials:
		return http.StatusUnauthorized
	case guli.ECForbidden:
		return http.StatusForbidden
	case guli.ECNotFound:
		return http.StatusNotFound
	case ECMethodNotAllowed:
		return http.StatusMethodNotAllowed
	case guli.ECPhoneTaken, guli.ECBookingConflict, guli.ECAlreadyRegistered, guli.ECLastAdmin, guli.ECAccountClosed,
		guli.ECNotOpen, guli.ECNotDone, guli.ECNotCancellable, guli.ECAlreadyReported, guli.ECAlreadyMember, guli.ECAlreadyDecided, guli.ECAlreadyNominated,
		guli.ECAlreadySupported, guli.ECResolutionDone, guli.ECAlreadyVoted, guli.ECStaleEdit, guli.ECActivityRecorded, guli.ECLinkExists, guli.ECFamilyFull:
		return http.StatusConflict
	case guli.ECBodyTooLarge:
		return http.StatusRequestEntityTooLarge
	case guli.ECUnsupportedImage:
		return http.StatusUnsupportedMediaType
	case guli.ECValidation, guli.ECOutsideOpeningHours, guli.ECActivityStarted, guli.ECActivityCancelled,
		guli.ECEmergencyContactRequired, guli.ECAgeOutOfRange, guli.ECInvalidCode, guli.ECWeakPassword, guli.ECWrongPassword,
		guli.ECBookingTooFar, guli.ECBookingTooLong, guli.ECBookingLimit, guli.ECOwnRequest, guli.ECInsufficientBalance,
		guli.ECNotStarted, guli.ECImageTooLarge, guli.ECPollClosed:
		return http.StatusUnprocessableEntity
	case guli.ECRateLimited:
		return http.StatusTooManyRequests
	case guli.ECUnavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// LogLevel is how loudly a request is logged: server errors are errors,
// unless the client left before the answer (then nobody saw it fail). A
// health probe (GET /healthz, /readyz) answered well is debug, left out of
// the log: the proxy asks every process every few seconds, tens of
// thousands of lines a day that say nothing. One answered "not ready" is a
// warning, not an error: the database is unreachable (said once more by
// the probe itself), or the process is draining before it stops, as asked.
func LogLevel(r *http.Request, status int) slog.Level {
	if route := Info(r).Route; route == "GET /healthz" || route == "GET /readyz" {
		if status < 300 {
			return slog.LevelDebug
		}
		return slog.LevelWarn
	}
	if status >= 500 && r.Context().Err() == nil {
		return slog.LevelError
	}
	return slog.LevelInfo
}

// errorBody is the one error shape of the API.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

// APIError answers err with the status its code maps to.
func (s *Core) APIError(w http.ResponseWriter, r *http.Request, err error) {
	e := guli.AsError(err)
	s.WriteError(w, r, StatusOf(e.Code), e)
}

func (s *Core) WriteError(w http.ResponseWriter, r *http.Request, status int, e *guli.Error) {
	if LogLevel(r, status) == slog.LevelError {
		s.Logger.Error("request failed", "method", r.Method, "route", Info(r).Route, "code", e.Code, "err", e.Err)
	}
	lang := Info(r).Lang
	body := errorBody{Error: errorDetail{Code: e.Code, Message: s.Catalog.T(lang, messageKey(e), e.Args...)}}
	if len(e.Fields) > 0 {
		body.Error.Fields = s.fieldMessages(lang, e.Fields)
	}
	if e.Code == guli.ECRateLimited {
		w.Header().Set("Retry-After", RetryAfter(e))
	}
	WriteJSON(w, status, body)
}

// messageKey is the catalogue key of an error's message.
func messageKey(e *guli.Error) string {
	if e.Note != "" {
		return "error." + e.Code + "." + e.Note
	}
	return "error." + e.Code
}

// fieldMessages translates field reasons into sentences.
func (s *Core) fieldMessages(lang string, fields map[string]string) map[string]string {
	out := make(map[string]string, len(fields))
	for f, reason := range fields {
		out[f] = s.Catalog.T(lang, "field."+reason)
	}
	return out
}

// RetryAfter is the Retry-After header value for a rate_limited error: whole
// seconds, rounded up, at least one.
func RetryAfter(err error) string {
	wait := guli.AsError(err).RetryAfter
	return strconv.Itoa(max(1, int((wait+time.Second-1)/time.Second)))
}

// WriteJSON encodes v before sending the status, so a value that cannot be
// encoded is a logged 500, not a success with half a body.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(fmt.Errorf("encoding a %d answer: %w", status, err)) // recoverPanics logs it and answers 500
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// PathID reads an ID from the path; malformed IDs find nothing.
func PathID(r *http.Request, name string) guli.ID { return guli.ParseID(r.PathValue(name)) }
