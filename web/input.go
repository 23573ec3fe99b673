package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"guli"
)

// ECBadRequest refuses a request whose address itself is not text: invalid
// UTF-8 or a control character in the path.
const ECBadRequest = "bad_request"

// cleanInput is the one place text enters Guli: the path, the query and a
// posted form are checked here, JSON bodies in decode. Invalid UTF-8 and
// control characters (guli.ValidText) are refused, the path with 400, a
// field with 422 naming it, so the services and both engines only ever see
// clean strings.
func (s *Server) cleanInput(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !guli.ValidText(r.URL.Path) {
			s.fail(w, r, http.StatusBadRequest, guli.Errorf(ECBadRequest))
			return
		}
		if field, ok := badQuery(r.URL.RawQuery); ok {
			s.refuseText(w, r, field)
			return
		}
		if hasForm(r) {
			if err := r.ParseForm(); err != nil {
				var tooLarge *http.MaxBytesError
				if errors.As(err, &tooLarge) {
					s.fail(w, r, http.StatusRequestEntityTooLarge, guli.Errorf(guli.ECBodyTooLarge))
				} else {
					s.fail(w, r, http.StatusBadRequest, guli.Errorf(ECBadRequest))
				}
				return
			}
			if field, ok := badValues(r.PostForm); ok {
				s.refuseText(w, r, field)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// refuseText answers 422 naming the field that holds text Guli refuses.
func (s *Server) refuseText(w http.ResponseWriter, r *http.Request, field string) {
	err := guli.Invalid(field, guli.FRInvalidText)
	if isAPI(r) {
		s.apiError(w, r, err)
		return
	}
	s.renderErrorMessage(w, r, http.StatusUnprocessableEntity, "errorpage.invalid_text.body", field)
}

// hasForm reports whether r posts a URL-encoded form.
func hasForm(r *http.Request) bool {
	if r.Method != http.MethodPost && r.Method != http.MethodPut && r.Method != http.MethodPatch {
		return false
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return ct == "application/x-www-form-urlencoded"
}

// badQuery returns the query parameter holding refused text, if any. Keys
// that are refused themselves are named "query".
func badQuery(raw string) (string, bool) {
	if raw == "" {
		return "", false
	}
	// Undecodable escapes (%zz) are dropped by the parser, as every handler
	// reads the query the same way; only decoded text is checked.
	values, _ := url.ParseQuery(raw)
	return badValues(values)
}

func badValues(values url.Values) (string, bool) {
	for key, vs := range values {
		if !guli.ValidText(key) {
			return "query", true
		}
		for _, v := range vs {
			if !guli.ValidText(v) {
				return key, true
			}
		}
	}
	return "", false
}

// jsonTextProblem finds the field of a JSON body holding text Guli refuses:
// raw invalid UTF-8 (which encoding/json would quietly replace) or an
// escaped control character such as \u0000. Nested fields are named with
// dots (emergency_contact.phone); text in a key names "body". The body must
// already be valid JSON.
func jsonTextProblem(body []byte) (string, bool) {
	badAt := -1
	if !utf8.Valid(body) {
		badAt = firstInvalidUTF8(body)
	} else if !bytes.Contains(body, []byte(`\u`)) {
		return "", false // the usual case: nothing escaped, nothing invalid
	}
	type level struct {
		object bool
		key    string
		atKey  bool // in an object, the next string is a key
	}
	var stack []level
	name := func() string {
		var parts []string
		for _, l := range stack {
			if l.object && l.key != "" {
				parts = append(parts, l.key)
			}
		}
		if len(parts) == 0 {
			return "body"
		}
		return strings.Join(parts, ".")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	for {
		from := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return "body", badAt >= 0 // unreachable for valid JSON but for an invalid byte we failed to place
		}
		to := dec.InputOffset()
		top := len(stack) - 1
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				stack = append(stack, level{object: t == '{', atKey: t == '{'})
				continue
			default:
				stack = stack[:top]
				top--
			}
		case string:
			bad := (badAt >= int(from) && badAt < int(to)) || !guli.ValidText(t)
			if top >= 0 && stack[top].object && stack[top].atKey {
				if bad {
					return "body", true
				}
				stack[top].key, stack[top].atKey = t, false
				continue
			}
			if bad {
				return name(), true
			}
		}
		// A value ended: an object waits for its next key.
		if top >= 0 && stack[top].object {
			stack[top].atKey = true
		}
		if len(stack) == 0 {
			return "", false
		}
	}
}

// firstInvalidUTF8 is the offset of the first byte of b that is not part of
// valid UTF-8.
func firstInvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return -1
}
