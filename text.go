package guli

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// FRInvalidText is the reason for text that is not valid UTF-8 or holds a
// control character: no keyboard types it, and no engine stores it alike.
const FRInvalidText = "invalid_text"

// ValidText reports whether s is text Guli takes: valid UTF-8 without NUL or
// other control characters, but for tab, line feed and carriage return, and
// without invisible characters that can make one name look like another or
// like none: the format characters (the marks that turn text around,
// zero-width spaces, the byte-order mark, tags; the joiners that emoji are
// made of stay), line and paragraph separators, the Hangul fillers that
// look blank, and noncharacters.
// Every piece of text is checked once, where it enters (HTTP forms, queries,
// paths and request bodies; the command line), so the services and both database
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
	return !strings.ContainsFunc(s, refusedRune)
}

func refusedRune(r rune) bool {
	switch {
	case r < 0x20:
		return r != '\t' && r != '\n' && r != '\r'
	case r < 0x7f:
		return false
	case r < 0xa0:
		return true // DEL and the C1 controls
	case r == 0x200c || r == 0x200d:
		return false // the joiners in emoji and some scripts
	case unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp):
		return true
	case r == 0x115f || r == 0x1160 || r == 0x3164 || r == 0xffa0:
		return true // Hangul fillers
	case r >= 0xfdd0 && r <= 0xfdef || r&0xfffe == 0xfffe:
		return true // noncharacters
	}
	return false
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

// Excerpt is s cut to at most n characters, at a rune boundary, with an
// ellipsis when anything was cut.
func Excerpt(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}
