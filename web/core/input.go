package core

import (
	"bytes"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"guli"
)

// ECBadRequest refuses a request whose address itself is not text: invalid
// UTF-8 or a control character in the path.
const ECBadRequest = "bad_request"

// ECBadJSON refuses an API request whose body is not a JSON object.
const ECBadJSON = "bad_json"

// RefuseText answers 422 naming the field that holds text Guli refuses.
func (s *Core) RefuseText(w http.ResponseWriter, r *http.Request, field string) {
	err := guli.Invalid(field, guli.FRInvalidText)
	if IsAPI(r) {
		s.APIError(w, r, err)
		return
	}
	s.renderErrorMessage(w, r, http.StatusUnprocessableEntity, "errorpage.invalid_text.body", field)
}

// HasForm reports whether r posts a URL-encoded form to a page. The API
// reads JSON whatever the Content-Type says (curl's default is a form).
func HasForm(r *http.Request) bool {
	if r.Method != http.MethodPost && r.Method != http.MethodPut && r.Method != http.MethodPatch || IsAPI(r) {
		return false
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return ct == "application/x-www-form-urlencoded"
}

// BadQuery returns the query parameter holding refused text, if any. Keys
// that are refused themselves are named "query".
func BadQuery(raw string) (string, bool) {
	if raw == "" {
		return "", false
	}
	// Undecodable escapes (%zz) are dropped by the parser, as every handler
	// reads the query the same way; only decoded text is checked.
	values, _ := url.ParseQuery(raw)
	return BadValues(values)
}

func BadValues(values url.Values) (string, bool) {
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

// JSONTextProblem finds the field of a JSON body holding text Guli refuses
// (see guli.ValidText): raw invalid UTF-8, which encoding/json would
// quietly replace; a control character, raw (DEL, C1) or escaped (\u0000,
// \b); a lone surrogate escape, which would become U+FFFD; or a mark that
// turns text around. Nested fields are named with dots
// (emergency_contact.phone); text in a key names "body". The body must
// already be valid JSON. It reads the body once and allocates only the
// keys it passes, so a large body costs no copies.
func JSONTextProblem(body []byte) (string, bool) {
	type level struct {
		object bool
		key    string // the key whose value is being read
		atKey  bool   // in an object, the next string is a key
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
	for i := 0; i < len(body); i++ {
		switch body[i] {
		case '{':
			stack = append(stack, level{object: true, atKey: true})
		case '[':
			stack = append(stack, level{})
		case '}', ']':
			stack = stack[:len(stack)-1]
		case ',':
			if top := len(stack) - 1; top >= 0 && stack[top].object {
				stack[top].atKey = true
			}
		case '"':
			end, ok := scanJSONString(body, i+1)
			top := len(stack) - 1
			isKey := top >= 0 && stack[top].object && stack[top].atKey
			if !ok {
				if isKey {
					return "body", true
				}
				return name(), true
			}
			if isKey {
				key := body[i+1 : end]
				if len(key) > 64 || bytes.IndexByte(key, '\\') >= 0 {
					key = key[:0] // only plain, short keys name a field
				}
				stack[top].key, stack[top].atKey = string(key), false
			}
			i = end
		}
	}
	return "", false
}

// scanJSONString reads the string whose text starts at body[from] and
// returns the offset of its closing quote, and whether its text is text
// Guli takes.
func scanJSONString(body []byte, from int) (end int, ok bool) {
	ok = true
	for i := from; i < len(body); {
		c := body[i]
		switch {
		case c == '"':
			return i, ok
		case c == '\\':
			if body[i+1] != 'u' {
				if body[i+1] == 'b' || body[i+1] == 'f' { // backspace, form feed
					ok = false
				}
				i += 2
				continue
			}
			r := hexRune(body[i+2 : i+6])
			i += 6
			if utf16.IsSurrogate(r) {
				if r >= 0xdc00 || i+6 > len(body) || body[i] != '\\' || body[i+1] != 'u' {
					ok = false // a lone surrogate
					continue
				}
				low := hexRune(body[i+2 : i+6])
				if low < 0xdc00 || low > 0xdfff {
					ok = false
					continue
				}
				r = utf16.DecodeRune(r, low)
				i += 6
			}
			if !guli.ValidText(string(r)) {
				ok = false
			}
		case c < utf8.RuneSelf:
			if c == 0x7f {
				ok = false
			}
			i++
		default:
			r, size := utf8.DecodeRune(body[i:])
			if r == utf8.RuneError && size <= 1 || !guli.ValidText(string(body[i:i+size])) {
				ok = false
			}
			i += size
		}
	}
	return len(body), false // not reached for valid JSON
}

// hexRune reads four hex digits (valid JSON has them).
func hexRune(h []byte) rune {
	var r rune
	for _, c := range h {
		r <<= 4
		switch {
		case c >= '0' && c <= '9':
			r |= rune(c - '0')
		case c >= 'a' && c <= 'f':
			r |= rune(c - 'a' + 10)
		case c >= 'A' && c <= 'F':
			r |= rune(c - 'A' + 10)
		}
	}
	return r
}
