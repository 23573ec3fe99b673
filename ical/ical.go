// Package ical writes iCalendar (RFC 5545) feeds: one VCALENDAR of VEVENTs,
// for residents to subscribe to a station's activities from their phone's
// calendar.
//
// Only what a feed needs is written: times are always UTC date-times
// (20230210T010000Z), so no VTIMEZONE is required; Timezone is only the
// X-WR-TIMEZONE display hint.
package ical

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// ContentType is the media type of what Write writes.
const ContentType = "text/calendar; charset=utf-8"

// ProdID is the PRODID of every calendar written.
const ProdID = "-//Guli//Guli 1.0//ZH"

// Event is one VEVENT.
type Event struct {
	UID          string // globally unique, e.g. "activity-42@guli"; required
	Start, End   time.Time
	Summary      string
	Description  string
	Location     string
	URL          string
	Cancelled    bool // STATUS:CANCELLED, else STATUS:CONFIRMED
	Sequence     int
	LastModified time.Time // zero: omit
}

// Calendar is one VCALENDAR.
type Calendar struct {
	Name     string // X-WR-CALNAME; empty: omit
	Timezone string // X-WR-TIMEZONE hint, e.g. "Asia/Shanghai"; empty: omit
	Events   []Event
}

// Write writes c to w as text/calendar, stamping every event with now
// (DTSTAMP). Empty SUMMARY, DESCRIPTION, LOCATION and URL are omitted, and so
// is DTEND when End is zero (the event then lasts no time, RFC 5545 §3.6.1).
//
// An event without a UID or Start, or ending before it starts, is an error;
// then nothing is written. The calendar is built in memory and written to w
// with a single Write call.
func Write(w io.Writer, c Calendar, now time.Time) error {
	for i, e := range c.Events {
		switch {
		case strings.TrimSpace(e.UID) == "":
			return fmt.Errorf("ical: event %d: empty UID", i)
		case e.Start.IsZero():
			return fmt.Errorf("ical: event %q: zero Start", e.UID)
		case !e.End.IsZero() && e.End.Before(e.Start):
			return fmt.Errorf("ical: event %q: End before Start", e.UID)
		}
	}
	var b buffer
	b.line("BEGIN", "VCALENDAR")
	b.line("VERSION", "2.0")
	b.line("PRODID", ProdID)
	b.line("CALSCALE", "GREGORIAN")
	b.line("METHOD", "PUBLISH")
	b.text("X-WR-CALNAME", c.Name)
	b.text("X-WR-TIMEZONE", c.Timezone)
	for _, e := range c.Events {
		b.line("BEGIN", "VEVENT")
		b.text("UID", e.UID)
		b.time("DTSTAMP", now)
		b.time("DTSTART", e.Start)
		b.time("DTEND", e.End)
		b.text("SUMMARY", e.Summary)
		b.text("DESCRIPTION", e.Description)
		b.text("LOCATION", e.Location)
		if u := stripControls(e.URL, true); u != "" {
			b.line("URL", u)
		}
		if e.Cancelled {
			b.line("STATUS", "CANCELLED")
		} else {
			b.line("STATUS", "CONFIRMED")
		}
		b.line("SEQUENCE", strconv.Itoa(e.Sequence))
		b.time("LAST-MODIFIED", e.LastModified)
		b.line("END", "VEVENT")
	}
	b.line("END", "VCALENDAR")
	_, err := w.Write(b.Bytes())
	return err
}

// buffer accumulates content lines.
type buffer struct{ bytes.Buffer }

// maxLine is the longest a content line may be, in octets, without its CRLF
// (RFC 5545 §3.1).
const maxLine = 75

// line writes "name:value" folded: a line longer than 75 octets is broken
// before a UTF-8 character that would cross the limit and continued on the
// next line after one space (which counts towards that line's 75).
func (b *buffer) line(name, value string) {
	s := name + ":" + value
	limit := maxLine
	for len(s) > limit {
		i := limit
		for !utf8.RuneStart(s[i]) { // at most 3 steps back: s is valid UTF-8
			i--
		}
		b.WriteString(s[:i])
		b.WriteString("\r\n ")
		s = s[i:]
		limit = maxLine - 1
	}
	b.WriteString(s)
	b.WriteString("\r\n")
}

// text writes a TEXT property, unless value is empty.
func (b *buffer) text(name, value string) {
	if v := escapeText(value); v != "" {
		b.line(name, v)
	}
}

// time writes a DATE-TIME property in UTC, unless t is zero.
func (b *buffer) time(name string, t time.Time) {
	if !t.IsZero() {
		b.line(name, t.UTC().Format("20060102T150405Z"))
	}
}

var textEscaper = strings.NewReplacer(
	`\`, `\\`,
	`;`, `\;`,
	`,`, `\,`,
	"\r\n", `\n`,
	"\r", `\n`,
	"\n", `\n`,
)

// escapeText escapes a TEXT value (RFC 5545 §3.3.11): backslash, semicolon,
// comma and line breaks (CRLF, CR or LF, each as \n); other control
// characters but tab are dropped and invalid UTF-8 becomes U+FFFD.
func escapeText(s string) string {
	return stripControls(textEscaper.Replace(s), false)
}

// stripControls makes s valid UTF-8 and drops its control characters, tab
// too if dropTab. (TEXT has its line breaks escaped before this.)
func stripControls(s string, dropTab bool) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) && (r != '\t' || dropTab) {
			return -1
		}
		return r
	}, s)
}
