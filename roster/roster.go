// Package roster reads the rosters residents' committees keep, as Excel
// workbooks (.xlsx) or CSV files (UTF-8 with or without a BOM, GB18030 as
// Chinese Excel saves them, or UTF-16), into the rows guli.CheckRoster
// checks; and writes the template staff hand to committees.
//
// Files come from outside and are read defensively: a workbook is
// unzipped within limits (a zip bomb is refused, not inflated), formulas
// are never computed (a cell's stored text is read as text), and the
// rows and cells read are bounded however the file is built.
package roster

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"

	"guli"
)

// Limits on what reading a file may cost, beyond its size
// (guli.MaxRosterBytes) and its rows (guli.MaxRosterRows).
const (
	// unzipLimit bounds a workbook's parts unzipped, together; a sheet
	// larger than xmlInMemory is unzipped to a temporary file.
	unzipLimit  = 256 << 20
	xmlInMemory = 16 << 20
	// maxLines bounds the lines read, empty ones included: a million
	// empty rows are read past, a sheet of a million more is refused.
	maxLines = 2_000_000
	// maxCells bounds the cells read, empty ones included (a row whose
	// only cell is in column XFD reads as 16,384 cells).
	maxCells = 20_000_000
	// headerSearch is how many lines may come before the header: a
	// committee's title and date, a blank line or two.
	headerSearch = 20
)

// Errors a file may be refused with, as the field "file".
func unreadable() error        { return guli.Invalid("file", guli.FRUnreadableFile) }
func noHeader() error          { return guli.Invalid("file", guli.FRMissingColumns) }
func tooManyRows() error       { return guli.Invalid("file", guli.FRTooManyRows) }
func emptyRoster() error       { return guli.Invalid("file", guli.FREmptyRoster) }
func tooLarge() error          { return guli.Errorf(guli.ECBodyTooLarge) }
func isWorkbook(b []byte) bool { return bytes.HasPrefix(b, []byte("PK\x03\x04")) }

// Read reads a roster file, a workbook or a CSV file told apart by their
// first bytes. progress, when not nil, is told how many lines were read.
func Read(data []byte, progress func(lines int)) (*guli.Roster, error) {
	if len(data) > guli.MaxRosterBytes {
		return nil, tooLarge()
	}
	if progress == nil {
		progress = func(int) {}
	}
	r := &reader{progress: progress}
	var err error
	if isWorkbook(data) {
		err = r.workbook(data)
	} else {
		err = r.csv(data)
	}
	if err != nil {
		return nil, err
	}
	if r.layout == nil {
		return nil, noHeader()
	}
	if len(r.roster.Rows) == 0 {
		return nil, emptyRoster()
	}
	progress(r.lines)
	return &r.roster, nil
}

// reader collects rows line by line, from either kind of file.
type reader struct {
	roster   guli.Roster
	layout   guli.RosterLayout
	lines    int
	cells    int
	numbers  bool // cells of numbers are as stored (dates as serial numbers)
	progress func(int)
}

// line takes the next line of the file, numbered from 1.
func (r *reader) line(n int, cells []string) error {
	r.lines++
	r.cells += len(cells)
	if r.lines > maxLines || r.cells > maxCells {
		return tooManyRows()
	}
	if r.lines%10000 == 0 {
		r.progress(r.lines)
	}
	if blank(cells) {
		return nil
	}
	if r.layout == nil {
		if r.lines > headerSearch {
			return noHeader()
		}
		if layout, unknown, ok := guli.MatchRosterLayout(cells); ok {
			r.layout, r.roster.Ignored = layout, unknown
		}
		return nil
	}
	if len(r.roster.Rows) >= guli.MaxRosterRows {
		return tooManyRows()
	}
	row := guli.RosterRow{Row: n, Cells: make(map[guli.RosterColumn]string, len(r.layout))}
	for c, i := range r.layout {
		if i < len(cells) {
			row.Cells[c] = r.cell(c, cells[i])
		}
	}
	r.roster.Rows = append(r.roster.Rows, row)
	return nil
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// cell reads a workbook's stored number as what it shows: a phone number
// stored as 1.3800138E10 as its digits, a birth date stored as Excel's
// serial day number as the date. Text is as written, formulas' texts too.
func (r *reader) cell(c guli.RosterColumn, v string) string {
	if !r.numbers {
		return v
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return v
	}
	switch c {
	case guli.ColPhone, guli.ColEmergencyPhone:
		if f == math.Trunc(f) && f > 0 && f < 1e15 {
			return strconv.FormatInt(int64(f), 10)
		}
	case guli.ColBirth:
		if f >= 1900 && f <= 2200 && f == math.Trunc(f) {
			return strconv.Itoa(int(f)) // a year typed as a number
		}
		if f > 0 && f < 2958466 { // Excel's last day, 9999-12-31
			if t, err := excelize.ExcelDateToTime(f, false); err == nil {
				return t.Format("2006-01-02")
			}
		}
	}
	return v
}

// workbook reads the first sheet that has a header row.
func (r *reader) workbook(data []byte) error {
	r.numbers = true
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit: unzipLimit, UnzipXMLSizeLimit: xmlInMemory, RawCellValue: true,
	})
	if err != nil {
		if errors.Is(err, excelize.ErrOptionsUnzipSizeLimit) || strings.Contains(err.Error(), "unzip size") {
			return guli.Invalid("file", guli.FRWorkbookTooLarge)
		}
		return unreadable()
	}
	defer f.Close()
	for _, sheet := range f.GetSheetList() {
		if err := r.sheet(f, sheet); err != nil {
			return err
		}
		if r.layout != nil {
			return nil
		}
		r.lines = 0
	}
	return nil
}

func (r *reader) sheet(f *excelize.File, sheet string) error {
	rows, err := f.Rows(sheet)
	if err != nil {
		return unreadable()
	}
	defer rows.Close()
	for n := 1; rows.Next(); n++ {
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return unreadable()
		}
		if err := r.line(n, cells); err != nil {
			if r.layout == nil && guli.AsError(err).Fields["file"] == guli.FRMissingColumns {
				return nil // not this sheet's; perhaps the next one's
			}
			return err
		}
	}
	if rows.Error() != nil {
		return unreadable()
	}
	return nil
}

// csv reads a CSV file in the encoding it was saved in: UTF-16 by its
// byte-order mark, UTF-8 (a BOM or none) when it is valid UTF-8 or
// nearly so (a stray bad byte spoils its cell, not the file), else
// GB18030. Fields may be separated by commas, or by tabs, which Excel's
// "Unicode text" uses.
func (r *reader) csv(data []byte) error {
	text, err := decode(data)
	if err != nil {
		return unreadable()
	}
	if len(bytes.TrimSpace(text)) == 0 {
		return emptyRoster()
	}
	cr := csv.NewReader(bytes.NewReader(text))
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.ReuseRecord = true
	firstLine, _, _ := bytes.Cut(text, []byte("\n"))
	if bytes.Count(firstLine, []byte("\t")) > bytes.Count(firstLine, []byte(",")) {
		cr.Comma = '\t'
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return unreadable()
		}
		n, _ := cr.FieldPos(0)
		if err := r.line(n, rec); err != nil {
			return err
		}
	}
}

// decode returns a text file's bytes as UTF-8.
func decode(data []byte) ([]byte, error) {
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		return data[3:], nil
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		return unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder().Bytes(data)
	case utf8.Valid(data), mostlyUTF8(data):
		// A few bytes UTF-8 cannot read stay as they are, which the
		// checks refuse in the cell that has them.
		return data, nil
	}
	// Bytes GB18030 cannot read become U+FFFD, which the checks refuse
	// in the cell that has them.
	return simplifiedchinese.GB18030.NewDecoder().Bytes(data)
}

// mostlyUTF8 reports whether data, not valid UTF-8, is UTF-8 text with a
// few bad bytes rather than text in GB18030: more of its characters are
// well-formed UTF-8 of more than one byte than bytes are not. Chinese in
// GB18030 read as UTF-8 is mostly bad bytes, with a well-formed character
// only now and then by chance.
func mostlyUTF8(data []byte) bool {
	good, bad := 0, 0
	for len(data) > 0 {
		r, n := utf8.DecodeRune(data)
		switch {
		case r == utf8.RuneError && n == 1:
			bad++
		case n > 1:
			good++
		}
		data = data[n:]
	}
	return good > bad
}
