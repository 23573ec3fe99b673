// Package report lays out the reports a station files, in the words of
// the reader's language, and writes them as an Excel workbook (.xlsx) or
// as CSV (UTF-8 with a byte-order mark, which Excel needs to show
// Chinese).
//
// A report is laid out as a street office files it: a title row (the
// station, the area if any, the month), a row saying what it covers and
// when it was made, then its sections, each with its heading, its
// columns' heads, its rows and a total row. A workbook has a sheet a
// section, each with the title rows; a CSV file has the sections one
// after another, a blank line between.
//
// Every text cell goes through guli.SpreadsheetCell: a station, an
// activity or a person named like a formula ("=1+1", "@SUM(A1)") is
// written as text, never as something a spreadsheet would run.
package report

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"mime"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"guli"
	"guli/i18n"
)

// Document is a report laid out: its title rows and its sections.
type Document struct {
	Title    string
	Note     string
	Sections []Section
}

// Section is one part of a report. A row's cells are text (string),
// counts (int) or hours (Hours).
type Section struct {
	Sheet   string // the sheet's name in a workbook
	Heading string
	Heads   []string
	Rows    [][]any
	Total   []any // nil: no total row
	Note    string
}

// Hours is a length of service in hours, written with one decimal.
type Hours float64

func (h Hours) String() string { return strconv.FormatFloat(float64(h), 'f', 1, 64) }

// Monthly lays out a monthly report in lang.
func Monthly(cat *i18n.Catalog, lang string, rep *guli.MonthlyReport) *Document {
	t := func(key string, args ...any) string { return cat.T(lang, key, args...) }
	// A closed account is stored named guli.ClosedAccountName; the
	// report says it in the reader's language.
	person := func(name string) string {
		if name == guli.ClosedAccountName {
			return t("report.closed_account")
		}
		return name
	}
	month := t("report.month", rep.Month.Year, int(rep.Month.Month), rep.Month.Month.String())
	d := &Document{Title: t("report.doc_title", rep.Station.Name, month)}
	if rep.Area != nil {
		d.Title = t("report.doc_title_area", rep.Station.Name, rep.Area.Name, month)
	}
	d.Note = t("report.note", string(rep.Month.FirstDay()), string(rep.Month.LastDay()),
		rep.MadeAt.In(rep.Station.Location()).Format("2006-01-02 15:04"))
	tot := rep.Totals()

	visits := Section{Sheet: t("report.sheet.visits"), Heading: t("report.visits"),
		Heads: []string{t("report.purpose"), t("report.visit_count")}, Total: []any{t("report.total"), tot.Visits}}
	for _, v := range rep.Visits {
		visits.Rows = append(visits.Rows, []any{t("purpose." + v.Purpose), v.Count})
	}

	activities := Section{Sheet: t("report.sheet.activities"), Heading: t("report.activities"),
		Heads: []string{t("report.date"), t("report.time"), t("report.activity"), t("report.category"), t("report.host"),
			t("report.registered"), t("report.attended")},
		Total: []any{t("report.total_activities", len(rep.Activities)), "", "", "", "", tot.Registered, tot.Attended}}
	for _, a := range rep.Activities {
		activities.Rows = append(activities.Rows, []any{a.Start.Format("2006-01-02"), a.Start.Format("15:04"), a.Title,
			t("category." + a.Category), person(a.Host), a.Registered, a.Attended})
	}

	help := Section{Sheet: t("report.sheet.help"), Heading: t("report.help"),
		Heads: []string{t("report.help_category"), t("report.requested"), t("report.completed"), t("report.minutes"), t("report.hours")},
		Total: []any{t("report.total"), tot.Requested, tot.Completed, tot.Minutes, Hours(guli.Hours(tot.Minutes))}}
	for _, h := range rep.Help {
		help.Rows = append(help.Rows, []any{t("helpcat." + h.Category), h.Requested, h.Completed, h.Minutes, Hours(guli.Hours(h.Minutes))})
	}

	volunteers := Section{Sheet: t("report.sheet.volunteers"), Heading: t("report.volunteers"),
		Heads: []string{t("report.volunteer"), t("report.services"), t("report.minutes"), t("report.hours")},
		Total: []any{t("report.total_volunteers", len(rep.Volunteers)), tot.Services, tot.VolunteerMinutes, Hours(guli.Hours(tot.VolunteerMinutes))},
		Note:  t("report.hours_note")}
	for _, v := range rep.Volunteers {
		volunteers.Rows = append(volunteers.Rows, []any{person(v.Name), v.Services, v.Minutes, Hours(guli.Hours(v.Minutes))})
	}
	if rep.Area != nil {
		visits.Note = t("report.area_visits_note")
		activities.Note = t("report.area_activities_note")
		help.Note = t("report.area_help_note")
	}
	d.Sections = []Section{visits, activities, help, volunteers}
	return d
}

// FileName is the name a report's file is offered under: the station,
// the area if any, the month and the kind, in lang, with nothing a file
// system refuses.
func FileName(cat *i18n.Catalog, lang string, rep *guli.MonthlyReport) string {
	place := rep.Station.Name
	if rep.Area != nil {
		place += "-" + rep.Area.Name
	}
	return safeFileName(cat.T(lang, "report.file", place, rep.Month.String()) + "." + rep.Format)
}

// ContentType is the media type of a report's format.
func ContentType(format string) string {
	if format == guli.FormatCSV {
		return "text/csv; charset=utf-8"
	}
	return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
}

// Disposition is the Content-Disposition that offers a file to save
// under name: its ASCII form for old clients, and the name itself
// (RFC 6266) for the rest.
func Disposition(name string) string {
	ascii := strings.Map(func(r rune) rune {
		if r >= 0x7f || r == '%' {
			return '_'
		}
		return r
	}, name)
	return mime.FormatMediaType("attachment", map[string]string{"filename": ascii}) + "; filename*=UTF-8''" + pathEscape(name)
}

// pathEscape percent-encodes all but RFC 5987's attr-chars.
func pathEscape(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if c < 0x80 && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0) {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// cell is a cell's value as a spreadsheet should hold it: text made safe
// (guli.SpreadsheetCell), counts as numbers, hours as numbers rounded to
// the tenth.
func cell(v any) any {
	switch v := v.(type) {
	case string:
		return guli.SpreadsheetCell(v)
	case Hours:
		return float64(v)
	}
	return v
}

// text is a cell's value as CSV writes it.
func text(v any) string {
	switch v := cell(v).(type) {
	case string:
		return v
	case int:
		return strconv.Itoa(v)
	case float64:
		return Hours(v).String()
	}
	return fmt.Sprint(v)
}

// CSV writes the document as CSV: UTF-8 with a byte-order mark, lines
// ended by CRLF as Excel writes them.
func (d *Document) CSV() []byte {
	var buf bytes.Buffer
	buf.WriteString("\uFEFF")
	w := csv.NewWriter(&buf)
	w.UseCRLF = true
	line := func(cells ...any) {
		out := make([]string, len(cells))
		for i, c := range cells {
			out[i] = text(c)
		}
		w.Write(out)
	}
	line(d.Title)
	line(d.Note)
	for _, s := range d.Sections {
		line()
		line(s.Heading)
		heads := make([]any, len(s.Heads))
		for i, h := range s.Heads {
			heads[i] = h
		}
		line(heads...)
		for _, r := range s.Rows {
			line(r...)
		}
		if s.Total != nil {
			line(s.Total...)
		}
		if s.Note != "" {
			line(s.Note)
		}
	}
	w.Flush()
	return buf.Bytes()
}

// The rows of a sheet: the title, the note, a blank, the section's
// heading, then its heads.
const (
	titleRow   = 1
	noteRow    = 2
	headingRow = 4
	headsRow   = 5
)

// XLSX writes the document as a workbook, a sheet a section.
func (d *Document) XLSX() ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	st, err := newStyles(f)
	if err != nil {
		return nil, err
	}
	for i, s := range d.Sections {
		if i == 0 {
			err = f.SetSheetName("Sheet1", s.Sheet)
		} else {
			_, err = f.NewSheet(s.Sheet)
		}
		if err == nil {
			err = d.writeSheet(f, st, s)
		}
		if err != nil {
			return nil, err
		}
	}
	f.SetActiveSheet(0)
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

type styles struct{ title, note, heading, head, text, count, hours, totalText, totalCount, totalHours int }

func newStyles(f *excelize.File) (styles, error) {
	var s styles
	top := []excelize.Border{{Type: "top", Color: "000000", Style: 1}}
	all := []excelize.Border{{Type: "top", Color: "999999", Style: 1}, {Type: "bottom", Color: "999999", Style: 1},
		{Type: "left", Color: "999999", Style: 1}, {Type: "right", Color: "999999", Style: 1}}
	bold := &excelize.Font{Bold: true}
	tenths := "0.0"
	for _, d := range []struct {
		into  *int
		style excelize.Style
	}{
		{&s.title, excelize.Style{Font: &excelize.Font{Bold: true, Size: 16}}},
		{&s.note, excelize.Style{Font: &excelize.Font{Color: "555555"}}},
		{&s.heading, excelize.Style{Font: &excelize.Font{Bold: true, Size: 13}}},
		{&s.head, excelize.Style{Font: bold, Border: all, Alignment: &excelize.Alignment{WrapText: true, Vertical: "center"},
			Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E8EEF4"}}}},
		{&s.text, excelize.Style{Border: all}},
		{&s.count, excelize.Style{Border: all, NumFmt: 1}}, // 0
		{&s.hours, excelize.Style{Border: all, CustomNumFmt: &tenths}},
		{&s.totalText, excelize.Style{Font: bold, Border: top}},
		{&s.totalCount, excelize.Style{Font: bold, Border: top, NumFmt: 1}},
		{&s.totalHours, excelize.Style{Font: bold, Border: top, CustomNumFmt: &tenths}},
	} {
		id, err := f.NewStyle(&d.style)
		if err != nil {
			return s, err
		}
		*d.into = id
	}
	return s, nil
}

// writeSheet writes one section on its sheet, with the document's title
// rows, its columns as wide as their widest text.
func (d *Document) writeSheet(f *excelize.File, st styles, s Section) error {
	w := &sheetWriter{f: f, name: s.Sheet, widths: map[int]int{}}
	cols := len(s.Heads)
	w.put(titleRow, 1, d.Title, st.title, false)
	w.put(noteRow, 1, d.Note, st.note, false)
	w.put(headingRow, 1, s.Heading, st.heading, false)
	for i, h := range s.Heads {
		w.put(headsRow, i+1, h, st.head, true)
	}
	row := headsRow
	for _, r := range s.Rows {
		row++
		for i, c := range r {
			w.put(row, i+1, c, styleOf(c, st.text, st.count, st.hours), true)
		}
	}
	if s.Total != nil {
		row++
		for i, c := range s.Total {
			w.put(row, i+1, c, styleOf(c, st.totalText, st.totalCount, st.totalHours), i > 0)
		}
	}
	if s.Note != "" {
		w.put(row+2, 1, s.Note, st.note, false)
	}
	if w.err != nil {
		return w.err
	}
	last, _ := excelize.ColumnNumberToName(cols)
	if err := f.MergeCell(s.Sheet, "A1", last+"1"); err != nil {
		return err
	}
	if err := f.SetRowHeight(s.Sheet, titleRow, 26); err != nil {
		return err
	}
	for col := 1; col <= cols; col++ {
		name, _ := excelize.ColumnNumberToName(col)
		if err := f.SetColWidth(s.Sheet, name, name, float64(min(max(w.widths[col], 6)+2, 48))); err != nil {
			return err
		}
	}
	top, _ := excelize.CoordinatesToCellName(1, headsRow+1)
	return f.SetPanes(s.Sheet, &excelize.Panes{Freeze: true, YSplit: headsRow, TopLeftCell: top, ActivePane: "bottomLeft"})
}

// styleOf is the style of a cell's value: text, a count or hours.
func styleOf(v any, text, count, hours int) int {
	switch v.(type) {
	case int:
		return count
	case Hours:
		return hours
	}
	return text
}

// sheetWriter writes cells and remembers how wide each column's text is.
type sheetWriter struct {
	f      *excelize.File
	name   string
	widths map[int]int
	err    error
}

// put writes v into (row, col) with style; sized says its width counts
// for the column's.
func (w *sheetWriter) put(row, col int, v any, style int, sized bool) {
	if w.err != nil {
		return
	}
	ref, err := excelize.CoordinatesToCellName(col, row)
	if err == nil {
		err = w.f.SetCellValue(w.name, ref, cell(v))
	}
	if err == nil {
		err = w.f.SetCellStyle(w.name, ref, ref, style)
	}
	w.err = err
	if sized {
		w.widths[col] = max(w.widths[col], displayWidth(text(v)))
	}
}

// displayWidth counts a wide (CJK) character as two columns, others as
// one.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		n++
		if r >= 0x1100 && utf8.RuneLen(r) > 1 {
			n++
		}
	}
	return n
}
