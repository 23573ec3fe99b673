package report_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"guli"
	"guli/i18n"
	"guli/report"
)

// hostileLedger is a month's ledger whose every word a user typed starts
// like a formula.
func hostileLedger() *guli.Ledger {
	m, _ := guli.ParseMonth("2023-10")
	loc := guli.Zone("Asia/Shanghai")
	start := time.Date(2023, 10, 23, 9, 30, 0, 0, loc)
	return &guli.Ledger{
		Station: &guli.Station{ID: 1, Name: "=cmd|' /C calc'!A0 小站", Timezone: "Asia/Shanghai"},
		Month:   m, MadeAt: time.Date(2023, 11, 1, 2, 0, 0, 0, time.UTC),
		Records: []*guli.ActivityRecord{{
			Activity: &guli.Activity{ID: 5, Title: "+1 重阳节敬老活动", Category: "event", Start: start, End: start.Add(2 * time.Hour),
				RoomName: "@多功能活动室", HostName: guli.ClosedAccountName},
			Summary: "=HYPERLINK(\"http://x\",\"点我\")\n老人们很开心。", Version: 2, UpdatedByName: "-顾小里", UpdatedAt: start.Add(3 * time.Hour),
			Registered: 40, Waitlisted: 5, Attended: 33, WalkIns: 3, Photos: []guli.RecordPhoto{{ID: 1, PostID: 2}},
		}},
	}
}

// TestLedgerWorkbook: a month's ledger as a workbook, in each language: a
// contents sheet with the counts and their totals, and a sheet of the
// records with their summaries; no catalogue key left, no text a formula,
// a closed account said in the reader's words.
func TestLedgerWorkbook(t *testing.T) {
	cat := i18n.MustLoad()
	for _, lang := range i18n.Languages {
		led := hostileLedger()
		data, err := report.Ledger(cat, lang, led).XLSX()
		if err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		sheets := f.GetSheetList()
		if len(sheets) != 2 {
			t.Fatalf("%s: sheets %v", lang, sheets)
		}
		for _, sheet := range sheets {
			rows, _ := f.GetRows(sheet)
			for r, row := range rows {
				for c, cell := range row {
					if catalogueKey.MatchString(cell) || strings.Contains(cell, "%!") {
						t.Errorf("%s, %s row %d: %q is not words", lang, sheet, r+1, cell)
					}
					if cell != "" && strings.ContainsRune("=+-@", rune(cell[0])) {
						t.Errorf("%s, %s row %d col %d: %q could run as a formula", lang, sheet, r+1, c+1, cell)
					}
					if cell == guli.ClosedAccountName && lang != i18n.Chinese {
						t.Errorf("%s: a closed account named %q", lang, cell)
					}
				}
			}
		}
		contents, _ := f.GetRows(sheets[0])
		if len(contents) < 7 || strings.Join(contents[5][7:], ",") != "40,33,3" || strings.Join(contents[6][7:], ",") != "40,33,3" {
			t.Errorf("%s: the contents %q", lang, contents)
		}
		records, _ := f.GetRows(sheets[1])
		if len(records) < 6 || !strings.Contains(records[5][3], "老人们很开心。") || records[5][4] != "1" {
			t.Errorf("%s: the records %q", lang, records)
		}
		if name := report.LedgerFileName(cat, lang, led); strings.ContainsAny(name, `/\:*?"<>|`) || !strings.HasSuffix(name, "2023-10-"+map[string]string{i18n.Chinese: "活动台账", i18n.English: "activity-ledger"}[lang]+".xlsx") {
			t.Errorf("%s: the file is named %q", lang, name)
		}
	}
}
