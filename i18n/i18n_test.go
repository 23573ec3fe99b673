package i18n_test

import (
	"slices"
	"strings"
	"testing"

	"guli/i18n"
)

func TestEveryKeyIsInEveryLanguage(t *testing.T) {
	c := i18n.MustLoad()
	zh, en := c.Keys(i18n.Chinese), c.Keys(i18n.English)
	if len(zh) < 50 {
		t.Fatalf("only %d keys in %s", len(zh), i18n.Chinese)
	}
	for _, k := range zh {
		if !slices.Contains(en, k) {
			t.Errorf("%q is in %s but not in %s", k, i18n.Chinese, i18n.English)
		}
	}
	for _, k := range en {
		if !slices.Contains(zh, k) {
			t.Errorf("%q is in %s but not in %s", k, i18n.English, i18n.Chinese)
		}
	}
	for _, k := range zh {
		if strings.TrimSpace(c.T(i18n.Chinese, k)) == "" || strings.TrimSpace(c.T(i18n.English, k)) == "" {
			t.Errorf("%q is empty in a language", k)
		}
		// A format verb count that differs between languages garbles one of them.
		if strings.Count(c.T(i18n.Chinese, k), "%") != strings.Count(c.T(i18n.English, k), "%") {
			t.Errorf("%q has different format verbs: %q vs %q", k, c.T(i18n.Chinese, k), c.T(i18n.English, k))
		}
	}
}

func TestNegotiate(t *testing.T) {
	tests := map[string]string{
		"":                        i18n.Chinese,
		"en":                      i18n.English,
		"en-US,en;q=0.9":          i18n.English,
		"zh-CN,zh;q=0.9,en;q=0.8": i18n.Chinese,
		"fr-FR, en;q=0.5":         i18n.English,
		"de":                      i18n.Chinese,
		"zh-TW":                   i18n.Chinese,
		";;;,,":                   i18n.Chinese,
	}
	for header, want := range tests {
		if got := i18n.Negotiate(header); got != want {
			t.Errorf("Negotiate(%q) = %q, want %q", header, got, want)
		}
	}
}
