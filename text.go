package guli

import (
	"strings"
	"unicode/utf8"
)

// FRInvalidText is the reason for text that is not valid UTF-8 or holds a
// control character: no keyboard types it, and no engine stores it alike.
const FRInvalidText = "invalid_text"

// ValidText reports whether s is text Guli takes: valid UTF-8 without NUL or
// other control characters, but for tab, line feed and carriage return, and
// without the invisible marks that turn text around (U+202A–U+202E,
// U+2066–U+2069), which can make one name look like another.
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
		return r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r >= 0x7f && r < 0xa0 ||
			r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069
	})
}

// FoldWidth turns full-width letters, digits and signs, which Chinese input
// methods type, into their ordinary ASCII forms, and the ideographic space
// into a space: １３８ is 138.
func FoldWidth(s string) string {
	if !strings.ContainsFunc(s, isFullWidth) {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 0xff01 && r <= 0xff5e:
			return r - 0xff01 + '!'
		case r == '\u3000':
			return ' '
		}
		return r
	}, s)
}

func isFullWidth(r rune) bool { return r >= 0xff01 && r <= 0xff5e || r == '\u3000' }
