package report_test

import (
	"bytes"
	"encoding/csv"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"guli"
	"guli/i18n"
	"guli/report"
)

// hostile is a month of a station whose every name a user typed starts
// like a formula.
func hostile() *guli.MonthlyReport {
	m, _ := guli.ParseMonth("2023-10")
	return &guli.MonthlyReport{
		Station: &guli.Station{ID: 1, Name: "=cmd|' /C calc'!A0", Timezone: "Asia/Shanghai"},
		Area:    &guli.Area{ID: 2, Name: "@SUM(1+1)"},
		Month:   m, Format: guli.FormatXLSX,
		MadeAt: time.Date(2023, 11, 1, 2, 0, 0, 0, time.UTC),
		Visits: []guli.PurposeCount{{Purpose: "activity", Count: 3}, {Purpose: "other", Count: 1}},
		Activities: []guli.ReportActivity{{ID: 5, Start: time.Date(2023, 10, 7, 6, 0, 0, 0, time.UTC), Title: "+1 剪纸",
			Category: "class", Host: "-2 主讲", Registered: 3, Attended: 2}},
		Help:       []guli.HelpCategoryCount{{Category: "repair", Requested: 2, Completed: 2, Minutes: 105}},
		Volunteers: []guli.VolunteerHours{{VolunteerID: 9, Name: "\t=HYPERLINK(\"http://x\")", Services: 2, Minutes: 105}},
	}
}

// catalogueKey is what the catalogue gives back for a key it lacks.
var catalogueKey = regexp.MustCompile(`^[a-z_]+(\.[a-z_]+)+$`)

// TestEveryCellIsWordsInBothLanguages lays a report out in every
// language and finds no catalogue key left untranslated.
func TestEveryCellIsWordsInBothLanguages(t *testing.T) {
	cat := i18n.MustLoad()
	for _, lang := range i18n.Languages {
		doc := report.Monthly(cat, lang, hostile())
		texts := []string{doc.Title, doc.Note, report.FileName(cat, lang, hostile())}
		for _, s := range doc.Sections {
			texts = append(texts, s.Sheet, s.Heading, s.Note)
			texts = append(texts, s.Heads...)
			for _, row := range append(s.Rows, s.Total) {
				for _, c := range row {
					if text, ok := c.(string); ok {
						texts = append(texts, text)
					}
				}
			}
		}
		for _, text := range texts {
			if catalogueKey.MatchString(text) || strings.Contains(text, "%!") {
				t.Errorf("%s: %q is not words", lang, text)
			}
		}
	}
}

// TestFormulasAreWrittenAsText: in the workbook no cell holds a formula,
// text that starts like one is written with an apostrophe in front, and
// counts and hours are numbers; the same text in the CSV file.
func TestFormulasAreWrittenAsText(t *testing.T) {
	cat := i18n.MustLoad()
	doc := report.Monthly(cat, i18n.Chinese, hostile())
	data, err := doc.XLSX()
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	seen := map[string]bool{}
	for _, sheet := range f.GetSheetList() {
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		for r, row := range rows {
			for c, value := range row {
				cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
				if formula, _ := f.GetCellFormula(sheet, cell); formula != "" {
					t.Errorf("%s!%s holds a formula: %q", sheet, cell, formula)
				}
				if value != "" && strings.ContainsAny(value[:1], "=+-@\t\r") {
					t.Errorf("%s!%s starts like a formula: %q", sheet, cell, value)
				}
				seen[value] = true
			}
		}
	}
	for _, want := range []string{"'=cmd|' /C calc'!A0 · @SUM(1+1) 2023年10月工作报表", "'+1 剪纸", "'-2 主讲", "'\t=HYPERLINK(\"http://x\")"} {
		if !seen[want] {
			t.Errorf("no cell reads %q", want)
		}
	}
	// Counts and hours are numbers a formula can add up (a cell of no
	// type is a number), words shared strings.
	for cell, text := range map[string]bool{"A6": true, "B6": false, "B8": false} {
		got, err := f.GetCellType("到访", cell)
		if err != nil || (got == excelize.CellTypeSharedString) != text || got != excelize.CellTypeSharedString && got != excelize.CellTypeUnset && got != excelize.CellTypeNumber {
			t.Errorf("到访!%s is of type %v", cell, got)
		}
	}
	if got, _ := f.GetCellValue("志愿时长", "D6"); got != "1.7" {
		t.Errorf("the volunteer's hours read %q, want 1.7", got)
	}

	raw := doc.CSV()
	if !bytes.HasPrefix(raw, []byte("\uFEFF")) || !bytes.Contains(raw, []byte("\r\n")) {
		t.Fatalf("the CSV file has no byte-order mark or no CRLF: %.100q", raw)
	}
	rows, err := func() ([][]string, error) {
		r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(raw, []byte("\uFEFF"))))
		r.FieldsPerRecord = -1
		return r.ReadAll()
	}()
	if err != nil {
		t.Fatal(err)
	}
	if rows[0][0] != "'=cmd|' /C calc'!A0 · @SUM(1+1) 2023年10月工作报表" {
		t.Errorf("the CSV's title: %q", rows[0][0])
	}
	for _, row := range rows {
		for _, value := range row {
			if value != "" && strings.ContainsAny(value[:1], "=+-@\t\r") {
				t.Errorf("a CSV cell starts like a formula: %q", value)
			}
		}
	}
}

func TestFileNames(t *testing.T) {
	cat := i18n.MustLoad()
	rep := hostile()
	rep.Station.Name, rep.Area.Name = `顾里/小站:"一"`, "馨佳园"
	rep.Format = guli.FormatCSV
	if got := report.FileName(cat, i18n.Chinese, rep); got != "顾里_小站__一_-馨佳园-2023-10-月度工作报表.csv" {
		t.Errorf("file name %q", got)
	}
	rep.Area = nil
	if got := report.FileName(cat, i18n.English, rep); got != "顾里_小站__一_-2023-10-monthly-report.csv" {
		t.Errorf("file name %q", got)
	}
	d := report.Disposition("顾里小站-2023-10.xlsx")
	if !strings.HasPrefix(d, `attachment; filename=____-2023-10.xlsx;`) ||
		!strings.HasSuffix(d, "; filename*=UTF-8''%E9%A1%BE%E9%87%8C%E5%B0%8F%E7%AB%99-2023-10.xlsx") {
		t.Errorf("Content-Disposition %q", d)
	}
}

// A volunteer or host whose account was closed is named in the reader's
// language, not by the stored Chinese words.
func TestClosedAccountsAreSaidInTheReadersLanguage(t *testing.T) {
	cat := i18n.MustLoad()
	rep := hostile()
	rep.Activities[0].Host = guli.ClosedAccountName
	rep.Volunteers = append(rep.Volunteers, guli.VolunteerHours{VolunteerID: 10, Name: guli.ClosedAccountName, Services: 1, Minutes: 30})
	for lang, want := range map[string]string{"en": "closed account", "zh-CN": "已注销居民"} {
		csv := string(report.Monthly(cat, lang, rep).CSV())
		if strings.Count(csv, want) != 2 || lang == "en" && strings.Contains(csv, guli.ClosedAccountName) {
			t.Errorf("%s: the closed accounts are not said %q:\n%s", lang, want, csv)
		}
	}
}
