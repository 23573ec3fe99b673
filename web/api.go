package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"guli"
)

// statusOf maps a domain error code to its HTTP status. This is the one
// place the mapping lives.
func statusOf(code string) int {
	switch code {
	case guli.ECBadJSON, ECBadRequest:
		return http.StatusBadRequest
	case guli.ECUnauthenticated, guli.ECInvalidCredentials:
		return http.StatusUnauthorized
	case guli.ECForbidden:
		return http.StatusForbidden
	case guli.ECNotFound:
		return http.StatusNotFound
	case ECMethodNotAllowed:
		return http.StatusMethodNotAllowed
	case guli.ECPhoneTaken, guli.ECBookingConflict, guli.ECAlreadyRegistered, guli.ECLastAdmin:
		return http.StatusConflict
	case guli.ECBodyTooLarge:
		return http.StatusRequestEntityTooLarge
	case guli.ECValidation, guli.ECOutsideOpeningHours, guli.ECActivityStarted, guli.ECActivityCancelled,
		guli.ECEmergencyContactRequired, guli.ECInvalidCode, guli.ECWeakPassword, guli.ECWrongPassword,
		guli.ECBookingTooFar, guli.ECBookingTooLong, guli.ECBookingLimit:
		return http.StatusUnprocessableEntity
	case guli.ECRateLimited:
		return http.StatusTooManyRequests
	case guli.ECUnavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// slogLevel is how loudly a request is logged: server errors are errors,
// unless the client left before the answer (then nobody saw it fail).
func slogLevel(r *http.Request, status int) slog.Level {
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

// apiError answers err with the status its code maps to.
func (s *Server) apiError(w http.ResponseWriter, r *http.Request, err error) {
	e := guli.AsError(err)
	s.writeError(w, r, statusOf(e.Code), e)
}

func (s *Server) writeError(w http.ResponseWriter, r *http.Request, status int, e *guli.Error) {
	if slogLevel(r, status) == slog.LevelError {
		s.Logger.Error("request failed", "method", r.Method, "route", info(r).route, "code", e.Code, "err", e.Err)
	}
	lang := info(r).lang
	body := errorBody{Error: errorDetail{Code: e.Code, Message: s.Catalog.T(lang, messageKey(e), e.Args...)}}
	if len(e.Fields) > 0 {
		body.Error.Fields = s.fieldMessages(lang, e.Fields)
	}
	if e.Code == guli.ECRateLimited {
		w.Header().Set("Retry-After", retryAfter(e))
	}
	writeJSON(w, status, body)
}

// messageKey is the catalogue key of an error's message.
func messageKey(e *guli.Error) string {
	if e.Note != "" {
		return "error." + e.Code + "." + e.Note
	}
	return "error." + e.Code
}

// fieldMessages translates field reasons into sentences.
func (s *Server) fieldMessages(lang string, fields map[string]string) map[string]string {
	out := make(map[string]string, len(fields))
	for f, reason := range fields {
		out[f] = s.Catalog.T(lang, "field."+reason)
	}
	return out
}

// retryAfter is the Retry-After header value for a rate_limited error: whole
// seconds, rounded up, at least one.
func retryAfter(err error) string {
	wait := guli.AsError(err).RetryAfter
	return strconv.Itoa(max(1, int((wait+time.Second-1)/time.Second)))
}

// writeJSON encodes v before sending the status, so a value that cannot be
// encoded is a logged 500, not a success with half a body.
func writeJSON(w http.ResponseWriter, status int, v any) {
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

// decode reads a JSON object into v. An empty body reads as {}. Invalid JSON
// is bad_json, a body over 1 MiB body_too_large, and a value of the wrong
// type validation_failed naming the field.
func decode(r *http.Request, v any) error {
	body, err := io.ReadAll(r.Body)
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return guli.Errorf(guli.ECBodyTooLarge)
	}
	if err != nil {
		return guli.Wrap(guli.ECBadJSON, err)
	}
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return nil
	}
	if !json.Valid(body) || body[0] != '{' {
		return guli.Errorf(guli.ECBadJSON)
	}
	if field, bad := jsonTextProblem(body); bad {
		return guli.Invalid(field, guli.FRInvalidText)
	}
	if err := json.Unmarshal(body, v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return guli.Invalid(te.Field, guli.FRWrongType)
		}
		return guli.Invalid("body", guli.FRInvalid)
	}
	return nil
}

// wireTime reads the RFC 3339 time of a request's field. Empty is the zero
// time, which the domain reports as missing; anything else it cannot read
// is the field's problem, like a number sent as text.
func wireTime(p guli.Problems, field, s string) time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		p.Add(field, guli.FRTime)
		return time.Time{}
	}
	return t
}

// withWireProblems answers a request whose fields could not all be read:
// what could not be read, and the domain's other problems with the rest
// (its validation, err), in one answer.
func withWireProblems(p guli.Problems, err error) error {
	if err != nil {
		for field, reason := range guli.AsError(err).Fields {
			p.Add(field, reason)
		}
	}
	return p.Err()
}

// listOptions reads ?limit= and ?cursor=.
func listOptions(r *http.Request) (guli.ListOptions, error) {
	opts := guli.ListOptions{Cursor: r.URL.Query().Get("cursor")}
	if l := r.URL.Query().Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 {
			return opts, guli.Invalid("limit", guli.FROutOfRange)
		}
		opts.Limit = min(n, guli.MaxLimit)
	}
	if len(opts.Cursor) > 512 {
		return opts, guli.Invalid("cursor", guli.FRInvalid)
	}
	return opts, nil
}

// listBody is the shape of every list.
type listBody[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor,omitempty"`
}

// listOf answers a page of a list, each item through view.
func listOf[T, V any](page guli.Page[T], err error, view func(T) V) (int, any, error) {
	if err != nil {
		return 0, nil, err
	}
	items := make([]V, len(page.Items))
	for i, it := range page.Items {
		items[i] = view(it)
	}
	return http.StatusOK, listBody[V]{Items: items, NextCursor: page.NextCursor}, nil
}

// action is an API handler: it returns the status and body of a success, or
// an error that apiError turns into the one error body. A nil body sends
// the status alone (204).
type action func(w http.ResponseWriter, r *http.Request) (status int, body any, err error)

// api turns an action into a handler.
func (s *Server) api(a action) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		status, body, err := a(w, r)
		switch {
		case err != nil:
			s.apiError(w, r, err)
		case body == nil:
			w.WriteHeader(status)
		default:
			writeJSON(w, status, body)
		}
	}
}

// created and ok answer the result of one service call with 201 or 200.
func created[T any](v T, err error) (int, any, error) { return result(http.StatusCreated, v, err) }
func ok[T any](v T, err error) (int, any, error)      { return result(http.StatusOK, v, err) }

func result(status int, v any, err error) (int, any, error) {
	if err != nil {
		return 0, nil, err
	}
	return status, v, nil
}

// pathID reads an ID from the path; malformed IDs find nothing.
func pathID(r *http.Request, name string) guli.ID { return guli.ParseID(r.PathValue(name)) }
