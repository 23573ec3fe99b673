// Package guli is the domain of Guli: the types, rules, error codes and
// service interfaces of a community service station. It imports no database
// or HTTP code; sqlstore implements the services and web serves them.
package guli

import (
	"errors"
	"fmt"
	"time"
)

// Error codes. Each maps to one HTTP status in the web package and to one
// message in each language catalogue ("error.<code>").
const (
	ECBodyTooLarge       = "body_too_large"
	ECUnauthenticated    = "unauthenticated"
	ECInvalidCredentials = "invalid_credentials"
	ECForbidden          = "forbidden"
	ECNotFound           = "not_found"
	ECValidation         = "validation_failed"
	ECRateLimited        = "rate_limited"
	ECPhoneTaken         = "phone_taken"
	ECInternal           = "internal"
	ECUnavailable        = "unavailable"
)

// Field reasons: why one field of an input was refused. Each has a message
// in the catalogues ("field.<reason>").
const (
	FRRequired     = "required"
	FRTooLong      = "too_long"
	FRInvalidPhone = "invalid_phone"
	FRUnknownArea  = "unknown_area"
	FRUnknownRole  = "unknown_role"
	FROutOfRange   = "out_of_range"
	FRInvalid      = "invalid"
	FRWrongType    = "wrong_type"
	FRTimezone     = "invalid_timezone"
	FRHours        = "invalid_hours"
	FRDate         = "invalid_date"
	FRPhoneTaken   = "phone_taken"
	FRInvalidEmail = "invalid_email"
)

// Error is the one error type that crosses layers. Code is machine-readable;
// Fields maps an input field to a field reason for validation errors.
type Error struct {
	Code       string
	Fields     map[string]string
	Args       []any         // fill the message's blanks, e.g. the limit a booking broke
	Note       string        // a more precise message than the code's: "error.<code>.<note>"
	RetryAfter time.Duration // for rate_limited
	Err        error         // the cause, for logs only; never shown to users
}

func (e *Error) Error() string {
	s := e.Code
	if len(e.Fields) > 0 {
		s += fmt.Sprintf(" %v", e.Fields)
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an error with the given code.
func Errorf(code string) error { return &Error{Code: code} }

// Wrap returns an error with the given code and a cause for the logs.
func Wrap(code string, err error) error { return &Error{Code: code, Err: err} }

// NoteBusy marks a rate_limited answer that is about the server being busy
// at the moment, not about the person's own tries.
const NoteBusy = "busy"

// ErrorCode returns the code of err, or ECInternal for errors that are not
// *Error (those are bugs or outages).
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ECInternal
}

// AsError returns err as *Error; errors without a code become ECInternal.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Code: ECInternal, Err: err}
}

// Problems collects field reasons while validating an input.
type Problems map[string]string

// Add records reason for field unless the field already has one, so the
// first (most basic) problem is the one users see.
func (p Problems) Add(field, reason string) {
	if _, ok := p[field]; !ok {
		p[field] = reason
	}
}

// Err returns a validation_failed error, or nil when there were no problems.
// When the only problem is a weak password the code is weak_password, so a
// client can tell "choose another password" from a form filled in wrong.
func (p Problems) Err() error {
	if len(p) == 0 {
		return nil
	}
	code := ECWeakPassword
	for _, reason := range p {
		if !weakReasons[reason] {
			code = ECValidation
		}
	}
	return &Error{Code: code, Fields: p}
}

// Invalid returns a validation error for one field.
func Invalid(field, reason string) error {
	return &Error{Code: ECValidation, Fields: map[string]string{field: reason}}
}
