// Package sms sends verification codes by text message.
//
// Two senders satisfy the domain's SMSSender interface
// (SendCode(ctx, phone, code string) error):
//
//   - Log writes the code to a structured log instead of texting it, so a
//     developer can register without an SMS account. Development only.
//   - Tencent sends the code through Tencent Cloud SMS (SendSms, 2021-01-11).
//
// Phone numbers are mainland mobile numbers without a country prefix,
// e.g. "13800000008". Errors and logs show them masked ("138****0008"),
// and errors never contain the verification code or the API secret key.
package sms

import (
	"errors"
	"strings"
)

var (
	// ErrRejected marks an error where the provider answered and refused to
	// send: a quota such as LimitExceeded.PhoneNumberDailyLimit, a bad
	// signature or template, wrong credentials. Retrying at once rarely helps.
	// Use errors.As with *ProviderError for the provider's code.
	ErrRejected = errors.New("sms: rejected by provider")

	// ErrUnavailable marks an error where no usable answer came back from the
	// provider: network failure, timeout, non-200 status, unreadable body.
	ErrUnavailable = errors.New("sms: provider unavailable")

	// ErrInvalidPhone is returned, before any network call, for a phone that
	// is not an 11-digit mainland mobile number.
	ErrInvalidPhone = errors.New("sms: invalid mainland mobile number")
)

// ProviderError is a refusal reported by the SMS provider. It matches
// ErrRejected under errors.Is.
type ProviderError struct {
	Provider  string // "tencent"
	Code      string // the provider's code, e.g. "LimitExceeded.PhoneNumberDailyLimit"
	Message   string // the provider's explanation, secrets redacted
	RequestID string // quote it to the provider's support
}

func (e *ProviderError) Error() string {
	msg := "sms: " + e.Provider + " refused: " + e.Code
	if e.Message != "" {
		msg += ": " + e.Message
	}
	if e.RequestID != "" {
		msg += " (request " + e.RequestID + ")"
	}
	return msg
}

// Is reports whether target is ErrRejected. It is used instead of Unwrap so
// that errors.As still finds the *ProviderError itself.
func (e *ProviderError) Is(target error) bool { return target == ErrRejected }

// unavailableError carries a redacted description of a transport failure
// while keeping the underlying cause (context.DeadlineExceeded, a net.Error)
// reachable for errors.Is / errors.As.
type unavailableError struct {
	msg   string
	cause error
}

func (e *unavailableError) Error() string { return e.msg }

func (e *unavailableError) Unwrap() []error {
	if e.cause == nil {
		return []error{ErrUnavailable}
	}
	return []error{ErrUnavailable, e.cause}
}

// maskPhone keeps the first 3 and last 4 digits, enough for a person to
// recognise the number but not to dial it: "13800000008" → "138****0008".
func maskPhone(phone string) string {
	r := []rune(phone)
	if len(r) < 8 {
		return "****"
	}
	return string(r[:3]) + "****" + string(r[len(r)-4:])
}

// isMainlandMobile reports whether phone looks like "13800000008": 11 ASCII
// digits starting with 1. It catches a doubled "+86" or a landline early,
// where Tencent would bill nothing but answer with a vaguer error.
func isMainlandMobile(phone string) bool {
	if len(phone) != 11 || phone[0] != '1' {
		return false
	}
	for i := 0; i < len(phone); i++ {
		if phone[i] < '0' || phone[i] > '9' {
			return false
		}
	}
	return true
}

// redact replaces every non-empty secret in s with a placeholder, so that
// text coming from the SDK or the provider (which may echo a request body)
// cannot leak the key or the code into logs.
func redact(s string, secrets ...string) string {
	for _, secret := range secrets {
		if secret != "" {
			s = strings.ReplaceAll(s, secret, "[redacted]")
		}
	}
	return s
}
