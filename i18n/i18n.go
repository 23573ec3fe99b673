// Package i18n holds the message catalogues: every user-facing string of the
// pages and the API, in Simplified Chinese (the default) and English.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
)

// Languages Guli speaks; the first is the default.
const (
	Chinese = "zh-CN"
	English = "en"
)

// Languages lists the catalogues in order of preference.
var Languages = []string{Chinese, English}

//go:embed catalog/*.json
var files embed.FS

// Catalog maps language → key → message.
type Catalog struct {
	msgs map[string]map[string]string
}

// Load reads the embedded catalogues.
func Load() (*Catalog, error) {
	c := &Catalog{msgs: map[string]map[string]string{}}
	for _, lang := range Languages {
		b, err := files.ReadFile("catalog/" + lang + ".json")
		if err != nil {
			return nil, err
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("catalog %s: %w", lang, err)
		}
		c.msgs[lang] = m
	}
	return c, nil
}

// embedded is the catalogues as built in, read once: they never change,
// and every server of a process (a test binary starts hundreds) shares them
// and the pages parsed with them.
var embedded = sync.OnceValues(Load)

// MustLoad is Load for program start and tests: the catalogues are embedded,
// so a failure is a build defect. Every call answers the same catalogue.
func MustLoad() *Catalog {
	c, err := embedded()
	if err != nil {
		panic(err)
	}
	return c
}

// T returns the message for key in lang, formatted with args like fmt.Sprintf.
// A missing key returns the key itself; a test keeps that from happening.
func (c *Catalog) T(lang, key string, args ...any) string {
	msg, ok := c.msgs[lang][key]
	if !ok {
		msg, ok = c.msgs[Chinese][key]
	}
	if !ok {
		return key
	}
	if len(args) > 0 {
		return fmt.Sprintf(msg, args...)
	}
	return msg
}

// Has reports whether key exists in lang.
func (c *Catalog) Has(lang, key string) bool {
	_, ok := c.msgs[lang][key]
	return ok
}

// Keys lists the keys of lang, sorted.
func (c *Catalog) Keys(lang string) []string {
	return slices.Sorted(maps.Keys(c.msgs[lang]))
}

// Negotiate picks a language from an Accept-Language header: English when
// English is preferred over Chinese, else Chinese.
func Negotiate(header string) string {
	for _, part := range strings.Split(header, ",") {
		tag, _, _ := strings.Cut(strings.TrimSpace(part), ";")
		tag = strings.ToLower(strings.TrimSpace(tag))
		switch {
		case tag == "en" || strings.HasPrefix(tag, "en-"):
			return English
		case tag == "zh" || strings.HasPrefix(tag, "zh-"):
			return Chinese
		}
	}
	return Chinese
}

// Supported returns lang if Guli speaks it, else "".
func Supported(lang string) string {
	if slices.Contains(Languages, lang) {
		return lang
	}
	return ""
}
