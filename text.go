package guli

import (
	"strings"
	"unicode/utf8"
)

// FRInvalidText is the reason for text that is not valid UTF-8 or holds a
// control character: no keyboard types it, and no engine stores it alike.
const FRInvalidText = "invalid_text"

// ValidText reports whether s is text Guli takes: valid UTF-8 without NUL or
// other control characters, but for tab, line feed and carriage return.
// Every piece of text is checked once, where it enters (HTTP forms, queries,
// paths and JSON; the command line), so the services and both database
// engines only ever see clean strings.
func ValidText(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			return validUTF8Text(s[i:])
		}
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0x7f {
			return false
		}
	}
	return true
}

// validUTF8Text is ValidText for the part of s from its first non-ASCII byte.
func validUTF8Text(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	return !strings.ContainsFunc(s, func(r rune) bool {
		return r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r >= 0x7f && r < 0xa0
	})
}
