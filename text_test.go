package guli_test

import (
	"testing"

	"guli"
)

func TestValidText(t *testing.T) {
	tests := []struct {
		name string
		s    string
		want bool
	}{
		{"empty", "", true},
		{"ASCII", "hello, world", true},
		{"Chinese", "免费测量血压", true},
		{"a 4-byte character", "𠀀书法😀", true},
		{"tab and new lines", "第一行\r\n第二行\t完", true},
		{"NUL", "剪纸\x00班", false},
		{"NUL after Chinese", "剪纸班\x00", false},
		{"bell", "a\x07b", false},
		{"DEL", "a\x7fb", false},
		{"C1 control", "a\u0085b", false},
		{"invalid UTF-8", "\xff\xfe", false},
		{"invalid UTF-8 after Chinese", "书法\xff", false},
		{"a cut 3-byte character", "书"[:2], false},
		{"an encoded surrogate", "\xed\xa0\x80", false},
		{"a right-to-left override", "李\u202e华建", false},
		{"a directional isolate", "a\u2066b\u2069", false},
		{"a zero-width joiner in an emoji", "👨\u200d👩", true},
		{"a skin tone and a variation selector", "👍🏽❤\ufe0f", true},
		{"a left-to-right mark", "a\u200eb", false},
		{"an Arabic letter mark", "a\u061cb", false},
		{"a zero-width space", "李\u200b建华", false},
		{"a byte-order mark", "\ufeff李建华", false},
		{"a soft hyphen", "a\u00adb", false},
		{"a line separator", "a\u2028b", false},
		{"a tag character", "a\U000e0041", false},
		{"a Hangul filler", "\u3164", false},
		{"a noncharacter", "a\uffff", false},
		{"a noncharacter of another plane", "a\U0010fffe", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := guli.ValidText(tt.s); got != tt.want {
				t.Errorf("ValidText(%q) = %v, want %v", tt.s, got, tt.want)
			}
		})
	}
}

func TestFoldWidth(t *testing.T) {
	for in, want := range map[string]string{
		"１３８ ００１３ ８０００": "138 0013 8000",
		"１２３４５６７８":      "12345678",
		"ＡＢＣａｂｃ＋－":      "ABCabc+-",
		"书法　班":          "书法 班",
		"plain":         "plain",
	} {
		if got := guli.FoldWidth(in); got != want {
			t.Errorf("FoldWidth(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestExcerpt(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"防范电信诈骗", 10, "防范电信诈骗"},
		{"防范电信诈骗", 4, "防范电信…"},
		{"", 3, ""},
	}
	for _, tt := range tests {
		if got := guli.Excerpt(tt.in, tt.n); got != tt.want {
			t.Errorf("Excerpt(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}
