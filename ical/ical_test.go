package ical_test

import (
	"bytes"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	ics "github.com/arran4/golang-ical"

	"guli/ical"
)

var (
	shanghai = time.FixedZone("CST", 8*60*60)
	now      = time.Date(2023, 2, 1, 12, 30, 0, 0, time.UTC)
)

// write runs ical.Write and fails the test on error.
func write(t *testing.T, c ical.Calendar) string {
	t.Helper()
	var b bytes.Buffer
	if err := ical.Write(&b, c, now); err != nil {
		t.Fatalf("Write: %v", err)
	}
	return b.String()
}

// parse parses s with an independent iCalendar parser.
func parse(t *testing.T, s string) *ics.Calendar {
	t.Helper()
	cal, err := ics.ParseCalendar(strings.NewReader(s))
	if err != nil {
		t.Fatalf("golang-ical cannot parse the output: %v\n%s", err, s)
	}
	return cal
}

// checkLines checks the physical lines of s: each ends in CRLF, is at most 75
// octets without it, is valid UTF-8 (so folding split no character), has no
// bare CR or LF, and is not folded before it has to be.
func checkLines(t *testing.T, s string) {
	t.Helper()
	if !strings.HasSuffix(s, "\r\n") {
		t.Errorf("output does not end in CRLF: %q", tail(s))
	}
	lines := strings.Split(strings.TrimSuffix(s, "\r\n"), "\r\n")
	for i, l := range lines {
		if strings.ContainsAny(l, "\r\n") {
			t.Errorf("line %d has a bare CR or LF: %q", i+1, l)
		}
		if len(l) > 75 {
			t.Errorf("line %d is %d octets (> 75): %q", i+1, len(l), l)
		}
		if !utf8.ValidString(l) {
			t.Errorf("line %d is not valid UTF-8 (a character was split): %q", i+1, l)
		}
		// A line is only folded when needed: the next character would not
		// have fitted, and characters are at most 4 octets.
		if i+1 < len(lines) && strings.HasPrefix(lines[i+1], " ") && len(l) < 75-3 {
			t.Errorf("line %d folded early at %d octets: %q", i+1, len(l), l)
		}
	}
}

func tail(s string) string {
	if len(s) > 20 {
		return s[len(s)-20:]
	}
	return s
}

// unfold undoes folding (RFC 5545 §3.1) and returns the content lines.
func unfold(t *testing.T, s string) []string {
	t.Helper()
	s = strings.ReplaceAll(s, "\r\n ", "")
	return strings.Split(strings.TrimSuffix(s, "\r\n"), "\r\n")
}

// values returns the values of the content lines named name, in order.
func values(t *testing.T, s, name string) []string {
	t.Helper()
	var vs []string
	for _, l := range unfold(t, s) {
		if v, ok := strings.CutPrefix(l, name+":"); ok {
			vs = append(vs, v)
		}
	}
	return vs
}

// value returns the one value of the content line named name.
func value(t *testing.T, s, name string) string {
	t.Helper()
	vs := values(t, s, name)
	if len(vs) != 1 {
		t.Fatalf("want one %s line, got %d: %q", name, len(vs), vs)
	}
	return vs[0]
}

// unescape undoes TEXT escaping (RFC 5545 §3.3.11).
func unescape(s string) string {
	return strings.NewReplacer(`\\`, `\`, `\n`, "\n", `\N`, "\n", `\;`, ";", `\,`, ",").Replace(s)
}

func prop(t *testing.T, e *ics.VEvent, p ics.ComponentProperty) string {
	t.Helper()
	if v := e.GetProperty(p); v != nil {
		return v.Value
	}
	return ""
}

func TestContentType(t *testing.T) {
	if ical.ContentType != "text/calendar; charset=utf-8" {
		t.Errorf("ContentType = %q", ical.ContentType)
	}
}

func TestWriteEmptyCalendar(t *testing.T) {
	for _, tc := range []struct {
		name string
		cal  ical.Calendar
		want string
	}{
		{
			name: "zero",
			want: "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Guli//Guli 1.0//ZH\r\n" +
				"CALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\nEND:VCALENDAR\r\n",
		},
		{
			name: "named, empty slice",
			cal:  ical.Calendar{Name: "顾里小站", Timezone: "Asia/Shanghai", Events: []ical.Event{}},
			want: "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Guli//Guli 1.0//ZH\r\n" +
				"CALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\nX-WR-CALNAME:顾里小站\r\n" +
				"X-WR-TIMEZONE:Asia/Shanghai\r\nEND:VCALENDAR\r\n",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := write(t, tc.cal)
			if got != tc.want {
				t.Errorf("got\n%q\nwant\n%q", got, tc.want)
			}
			checkLines(t, got)
			if n := len(parse(t, got).Events()); n != 0 {
				t.Errorf("parsed %d events, want 0", n)
			}
		})
	}
}

func TestWriteOneEventExactly(t *testing.T) {
	got := write(t, ical.Calendar{Events: []ical.Event{{
		UID:          "activity-42@guli",
		Start:        time.Date(2023, 2, 10, 9, 0, 0, 0, shanghai),
		End:          time.Date(2023, 2, 10, 10, 30, 0, 0, shanghai),
		Summary:      "书法班",
		Location:     "活动室",
		URL:          "https://guli.example/a/42",
		Sequence:     2,
		LastModified: time.Date(2023, 1, 31, 8, 0, 0, 0, time.UTC),
	}}})
	want := "BEGIN:VCALENDAR\r\n" +
		"VERSION:2.0\r\n" +
		"PRODID:-//Guli//Guli 1.0//ZH\r\n" +
		"CALSCALE:GREGORIAN\r\n" +
		"METHOD:PUBLISH\r\n" +
		"BEGIN:VEVENT\r\n" +
		"UID:activity-42@guli\r\n" +
		"DTSTAMP:20230201T123000Z\r\n" +
		"DTSTART:20230210T010000Z\r\n" +
		"DTEND:20230210T023000Z\r\n" +
		"SUMMARY:书法班\r\n" +
		"LOCATION:活动室\r\n" +
		"URL:https://guli.example/a/42\r\n" +
		"STATUS:CONFIRMED\r\n" +
		"SEQUENCE:2\r\n" +
		"LAST-MODIFIED:20230131T080000Z\r\n" +
		"END:VEVENT\r\n" +
		"END:VCALENDAR\r\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestWriteRoundTrip(t *testing.T) {
	longDesc := strings.Repeat("顾里小站·少儿书法班，每周三下午；请带毛笔、墨汁和宣纸。\n", 6) + `路径 C:\书法\作业`
	events := []ical.Event{
		{
			UID:         "activity-1@guli",
			Start:       time.Date(2023, 2, 10, 9, 0, 0, 0, shanghai),
			End:         time.Date(2023, 2, 10, 11, 0, 0, 0, shanghai),
			Summary:     "顾里小站·少儿书法班",
			Description: "一楼活动室",
			Location:    "顾村镇, 宝山区; 上海",
			URL:         "https://guli.example/activities/1?from=ical&x=a,b;c",
			Sequence:    0,
		},
		{
			UID:          "activity-2@guli",
			Start:        time.Date(2023, 2, 11, 14, 0, 0, 0, shanghai),
			End:          time.Date(2023, 2, 11, 15, 30, 0, 0, shanghai),
			Summary:      `健康讲座：高血压, 糖尿病; 反斜杠\和换行` + "\n第二行",
			Description:  longDesc,
			Cancelled:    true,
			Sequence:     3,
			LastModified: time.Date(2023, 2, 1, 8, 15, 0, 0, time.UTC),
		},
		{
			UID:     "activity-3@guli",
			Start:   time.Date(2023, 2, 12, 0, 0, 0, 0, time.UTC),
			End:     time.Date(2023, 2, 12, 0, 45, 0, 0, time.UTC),
			Summary: `,;\` + "\n" + `\n`, // nothing but specials, and a literal backslash-n
		},
	}
	out := write(t, ical.Calendar{Name: "顾里小站 活动, 课程", Timezone: "Asia/Shanghai", Events: events})
	checkLines(t, out)
	cal := parse(t, out)

	calProps := map[string]string{}
	for _, p := range cal.CalendarProperties {
		calProps[p.IANAToken] = p.Value
	}
	for k, want := range map[string]string{
		"VERSION": "2.0", "PRODID": "-//Guli//Guli 1.0//ZH", "CALSCALE": "GREGORIAN",
		"METHOD": "PUBLISH", "X-WR-CALNAME": "顾里小站 活动, 课程", "X-WR-TIMEZONE": "Asia/Shanghai",
	} {
		if calProps[k] != want {
			t.Errorf("calendar %s = %q, want %q", k, calProps[k], want)
		}
	}

	got := cal.Events()
	if len(got) != len(events) {
		t.Fatalf("parsed %d events, want %d", len(got), len(events))
	}
	for i, want := range events {
		t.Run(want.UID, func(t *testing.T) {
			e := got[i]
			if e.Id() != want.UID {
				t.Errorf("UID = %q, want %q", e.Id(), want.UID)
			}
			for _, c := range []struct {
				p    ics.ComponentProperty
				want string
			}{
				{ics.ComponentPropertySummary, want.Summary},
				{ics.ComponentPropertyDescription, want.Description},
				{ics.ComponentPropertyLocation, want.Location},
				{ics.ComponentPropertyUrl, want.URL},
			} {
				if got := prop(t, e, c.p); got != c.want {
					t.Errorf("%s = %q, want %q", c.p, got, c.want)
				}
			}
			wantStatus := "CONFIRMED"
			if want.Cancelled {
				wantStatus = "CANCELLED"
			}
			if s := prop(t, e, ics.ComponentPropertyStatus); s != wantStatus {
				t.Errorf("STATUS = %q, want %q", s, wantStatus)
			}
			if s := prop(t, e, ics.ComponentPropertySequence); s != strconv.Itoa(want.Sequence) {
				t.Errorf("SEQUENCE = %q, want %d", s, want.Sequence)
			}
			for _, c := range []struct {
				name string
				get  func() (time.Time, error)
				want time.Time
			}{
				{"DTSTART", e.GetStartAt, want.Start},
				{"DTEND", e.GetEndAt, want.End},
				{"DTSTAMP", e.GetDtStampTime, now},
			} {
				tm, err := c.get()
				if err != nil {
					t.Errorf("%s: %v", c.name, err)
				} else if !tm.Equal(c.want) || tm.Location() != time.UTC {
					t.Errorf("%s = %v, want %v in UTC", c.name, tm, c.want.UTC())
				}
			}
			lm, err := e.GetLastModifiedAt()
			switch {
			case want.LastModified.IsZero() && err == nil:
				t.Errorf("LAST-MODIFIED = %v, want none", lm)
			case !want.LastModified.IsZero() && (err != nil || !lm.Equal(want.LastModified)):
				t.Errorf("LAST-MODIFIED = %v (%v), want %v", lm, err, want.LastModified)
			}
		})
	}
}

func TestWriteTextEscaping(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
	}{
		{"plain", "书法班", "书法班"},
		{"backslash", `a\b`, `a\\b`},
		{"semicolon", "a;b", `a\;b`},
		{"comma", "顾村，宝山,上海", `顾村，宝山\,上海`}, // the full-width comma is not special
		{"LF", "a\nb", `a\nb`},
		{"CRLF is one line break", "a\r\nb", `a\nb`},
		{"bare CR", "a\rb", `a\nb`},
		{"blank lines kept", "a\n\nb", `a\n\nb`},
		{"literal backslash-n", `a\nb`, `a\\nb`},
		{"all specials", `\;,` + "\n", `\\\;\,\n`},
		{"colon and quote are not escaped", `时间: "下午"`, `时间: "下午"`},
		{"tab kept", "a\tb", "a\tb"},
		{"controls dropped", "a\x00b\x07c\x1bd\x7fe\u0085f", "abcdef"},
		{"invalid UTF-8 replaced", "a\xffb", "a\uFFFDb"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := write(t, ical.Calendar{Name: tc.in, Events: []ical.Event{{
				UID: "x@guli", Start: now, Summary: tc.in, Description: tc.in, Location: tc.in,
			}}})
			checkLines(t, out)
			for _, name := range []string{"X-WR-CALNAME", "SUMMARY", "DESCRIPTION", "LOCATION"} {
				if got := value(t, out, name); got != tc.want {
					t.Errorf("%s:%s, want %s", name, got, tc.want)
				}
			}
		})
	}
}

func TestWriteUIDIsText(t *testing.T) {
	out := write(t, ical.Calendar{Events: []ical.Event{{UID: "a,b;c@guli", Start: now}}})
	if got := value(t, out, "UID"); got != `a\,b\;c@guli` {
		t.Errorf("UID:%s", got)
	}
	if id := parse(t, out).Events()[0].Id(); id != "a,b;c@guli" {
		t.Errorf("parsed UID %q", id)
	}
}

func TestWriteURLIsURI(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
	}{
		{"not TEXT-escaped", `https://guli.example/a?x=1,2;y=\`, `https://guli.example/a?x=1,2;y=\`},
		{"line breaks cannot inject properties", "https://guli.example/a\r\nSTATUS:CANCELLED", "https://guli.example/aSTATUS:CANCELLED"},
		{"controls and tabs dropped", "https://guli.example/\t\x00a", "https://guli.example/a"},
		{"only controls: omitted", "\r\n", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := write(t, ical.Calendar{Events: []ical.Event{{UID: "x@guli", Start: now, URL: tc.in}}})
			checkLines(t, out)
			urls := values(t, out, "URL")
			switch {
			case tc.want == "" && len(urls) != 0:
				t.Errorf("URL lines %q, want none", urls)
			case tc.want != "" && (len(urls) != 1 || urls[0] != tc.want):
				t.Errorf("URL lines %q, want [%q]", urls, tc.want)
			}
			if s := values(t, out, "STATUS"); len(s) != 1 || s[0] != "CONFIRMED" {
				t.Errorf("STATUS lines %q", s)
			}
		})
	}
}

func TestWriteOmitsEmpty(t *testing.T) {
	out := write(t, ical.Calendar{Events: []ical.Event{{UID: "x@guli", Start: now}}})
	checkLines(t, out)
	for _, name := range []string{"X-WR-CALNAME", "X-WR-TIMEZONE", "DTEND", "SUMMARY", "DESCRIPTION", "LOCATION", "URL", "LAST-MODIFIED"} {
		if vs := values(t, out, name); len(vs) != 0 {
			t.Errorf("%s present: %q", name, vs)
		}
	}
	for name, want := range map[string]string{
		"UID": "x@guli", "DTSTAMP": "20230201T123000Z", "DTSTART": "20230201T123000Z",
		"STATUS": "CONFIRMED", "SEQUENCE": "0",
	} {
		if got := value(t, out, name); got != want {
			t.Errorf("%s:%s, want %s", name, got, want)
		}
	}
}

func TestWriteFolding(t *testing.T) {
	// Descriptions whose characters are 1, 2, 3 and 4 octets long, shifted
	// by 0–3 ASCII octets so that every fold position relative to a
	// character boundary is tried.
	pieces := map[string]string{
		"ASCII":   "a",
		"2-octet": "é",
		"CJK":     "顾",
		"emoji":   "🀄",
	}
	type tc struct{ name, desc string }
	var cases []tc
	for name, p := range pieces {
		for shift := 0; shift < 4; shift++ {
			for _, n := range []int{1, 20, 21, 22, 23, 24, 25, 60, 200} {
				cases = append(cases, tc{
					name: name + "/shift" + strconv.Itoa(shift) + "/n" + strconv.Itoa(n),
					desc: strings.Repeat("x", shift) + strings.Repeat(p, n),
				})
			}
		}
	}
	cases = append(cases,
		tc{"exactly 75 octets", strings.Repeat("a", 75-len("DESCRIPTION:"))},
		tc{"76 octets", strings.Repeat("a", 76-len("DESCRIPTION:"))},
		tc{"spaces at the fold", strings.Repeat("a", 62) + strings.Repeat(" ", 30)},
		tc{"tabs at the fold", strings.Repeat("a", 62) + strings.Repeat("\t", 30)},
		tc{"escape at the fold", strings.Repeat("a", 62) + strings.Repeat(`\;,`+"\n", 30)},
		tc{"long Chinese", strings.Repeat("顾里小站·少儿书法班，欢迎报名；名额有限。\n", 20)},
	)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := write(t, ical.Calendar{Events: []ical.Event{{UID: "x@guli", Start: now, Description: c.desc}}})
			checkLines(t, out)
			if got := unescape(value(t, out, "DESCRIPTION")); got != c.desc {
				t.Errorf("unfolded DESCRIPTION differs:\n got %q\nwant %q", got, c.desc)
			}
			if got := prop(t, parse(t, out).Events()[0], ics.ComponentPropertyDescription); got != c.desc {
				t.Errorf("parsed DESCRIPTION differs:\n got %q\nwant %q", got, c.desc)
			}
		})
	}
}

func TestWriteLongChineseFoldsIntoManyLines(t *testing.T) {
	desc := strings.Repeat("顾里小站·少儿书法班", 30) // 300 characters, 900 octets
	out := write(t, ical.Calendar{Events: []ical.Event{{UID: "x@guli", Start: now, Description: desc}}})
	checkLines(t, out)
	var cont int
	for _, l := range strings.Split(out, "\r\n") {
		if strings.HasPrefix(l, " ") {
			cont++
		}
	}
	// 912 octets of "DESCRIPTION:..." in lines of at most 75 then 74 octets,
	// each ending at a character boundary (73 or 72 usable): at least 12
	// continuation lines, and not many more.
	if cont < 12 || cont > 13 {
		t.Errorf("%d continuation lines, want 12 or 13\n%s", cont, out)
	}
	if got := value(t, out, "DESCRIPTION"); got != desc {
		t.Errorf("unfolded DESCRIPTION differs")
	}
}

func TestWriteTimesInUTC(t *testing.T) {
	newYork := time.FixedZone("EST", -5*60*60)
	for _, tc := range []struct {
		name string
		in   time.Time
		want string
	}{
		{"Shanghai", time.Date(2023, 2, 10, 9, 0, 0, 0, shanghai), "20230210T010000Z"},
		{"Shanghai early morning is the day before", time.Date(2023, 2, 10, 7, 59, 59, 0, shanghai), "20230209T235959Z"},
		{"UTC", time.Date(2023, 12, 31, 23, 0, 0, 0, time.UTC), "20231231T230000Z"},
		{"west of UTC", time.Date(2023, 12, 31, 20, 0, 0, 0, newYork), "20240101T010000Z"},
		{"sub-second dropped", time.Date(2023, 2, 10, 1, 0, 0, 999_000_000, time.UTC), "20230210T010000Z"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := ical.Write(&b, ical.Calendar{Events: []ical.Event{{
				UID: "x@guli", Start: tc.in, End: tc.in, LastModified: tc.in,
			}}}, tc.in); err != nil {
				t.Fatal(err)
			}
			out := b.String()
			for _, name := range []string{"DTSTAMP", "DTSTART", "DTEND", "LAST-MODIFIED"} {
				if got := value(t, out, name); got != tc.want {
					t.Errorf("%s:%s, want %s", name, got, tc.want)
				}
			}
		})
	}
}

func TestWriteManyEventsInOrder(t *testing.T) {
	var events []ical.Event
	for i := range 50 {
		events = append(events, ical.Event{
			UID:     "activity-" + strconv.Itoa(i) + "@guli",
			Start:   time.Date(2023, 3, 1, 9, 0, 0, 0, shanghai).AddDate(0, 0, i),
			Summary: "第" + strconv.Itoa(i) + "次活动",
		})
	}
	out := write(t, ical.Calendar{Events: events})
	checkLines(t, out)
	got := parse(t, out).Events()
	if len(got) != len(events) {
		t.Fatalf("parsed %d events, want %d", len(got), len(events))
	}
	for i, e := range got {
		if e.Id() != events[i].UID {
			t.Errorf("event %d UID %q, want %q", i, e.Id(), events[i].UID)
		}
	}
	if n := strings.Count(out, "BEGIN:VEVENT\r\n"); n != 50 {
		t.Errorf("%d BEGIN:VEVENT, want 50", n)
	}
}

func TestWriteInvalidEvents(t *testing.T) {
	start := time.Date(2023, 2, 10, 9, 0, 0, 0, shanghai)
	valid := ical.Event{UID: "ok@guli", Start: start}
	for _, tc := range []struct {
		name string
		e    ical.Event
	}{
		{"empty UID", ical.Event{Start: start}},
		{"blank UID", ical.Event{UID: "  ", Start: start}},
		{"zero Start", ical.Event{UID: "x@guli"}},
		{"End before Start", ical.Event{UID: "x@guli", Start: start, End: start.Add(-time.Minute)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			err := ical.Write(&b, ical.Calendar{Events: []ical.Event{valid, tc.e}}, now)
			if err == nil {
				t.Fatalf("no error; wrote\n%s", b.String())
			}
			if b.Len() != 0 {
				t.Errorf("wrote %d bytes despite the error", b.Len())
			}
		})
	}
	t.Run("End equal to Start is fine", func(t *testing.T) {
		write(t, ical.Calendar{Events: []ical.Event{{UID: "x@guli", Start: start, End: start}}})
	})
}

type failWriter struct{ calls int }

var errWrite = errors.New("disk full")

func (w *failWriter) Write(p []byte) (int, error) {
	w.calls++
	return 0, errWrite
}

func TestWriteReturnsWriterError(t *testing.T) {
	var w failWriter
	err := ical.Write(&w, ical.Calendar{Events: []ical.Event{{UID: "x@guli", Start: now}}}, now)
	if !errors.Is(err, errWrite) {
		t.Errorf("err = %v, want %v", err, errWrite)
	}
	if w.calls != 1 {
		t.Errorf("%d Write calls, want 1", w.calls)
	}
}

func FuzzWriteText(f *testing.F) {
	for _, s := range []string{"", "顾里小站·少儿书法班", `a\b;c,d` + "\ne", "\r\n\x00\xff", strings.Repeat("🀄é顾a", 40)} {
		f.Add(s, s)
	}
	f.Fuzz(func(t *testing.T, summary, url string) {
		out := write(t, ical.Calendar{Events: []ical.Event{{UID: "x@guli", Start: now, Summary: summary, URL: url}}})
		checkLines(t, out)
		cal := parse(t, out)
		if n := len(cal.Events()); n != 1 {
			t.Fatalf("parsed %d events", n)
		}
		e := cal.Events()[0]
		if prop(t, e, ics.ComponentPropertyStatus) != "CONFIRMED" || e.Id() != "x@guli" {
			t.Errorf("text injected properties:\n%s", out)
		}
	})
}
