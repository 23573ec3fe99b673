// Package api serves the JSON API under /api/v1, and the calendar feeds,
// over the shared core: each resource has its own file, and every action
// answers through JSON, which turns its result or error into the one body.
package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"guli"
	"guli/web/core"
)

// Handlers serves the API's routes; web's routes.go lists them.
type Handlers struct {
	*core.Core
	feeds feedCache
}

// New makes the API's handlers over c.
func New(c *core.Core) *Handlers {
	return &Handlers{Core: c, feeds: feedCache{built: map[string]builtFeed{}}}
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
		return guli.Wrap(core.ECBadJSON, err)
	}
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return nil
	}
	if !json.Valid(body) || body[0] != '{' {
		return guli.Errorf(core.ECBadJSON)
	}
	if field, bad := core.JSONTextProblem(body); bad {
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
// an error that APIError turns into the one error body. A nil body sends
// the status alone (204).
type action func(w http.ResponseWriter, r *http.Request) (status int, body any, err error)

// JSON turns an action into a handler.
func (h *Handlers) JSON(a action) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		status, body, err := a(w, r)
		switch {
		case err != nil:
			h.APIError(w, r, err)
		case body == nil:
			w.WriteHeader(status)
		default:
			core.WriteJSON(w, status, body)
		}
	}
}

// view turns the result of one service call into its view; an error
// passes through.
func view[T, V any](v T, err error, viewOf func(T) V) (V, error) {
	if err != nil {
		var none V
		return none, err
	}
	return viewOf(v), nil
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
