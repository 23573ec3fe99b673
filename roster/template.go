package roster

import (
	"bytes"
	"encoding/csv"

	"github.com/xuri/excelize/v2"

	"guli"
)

// TemplateXLSX is the roster template as a workbook: the headers in bold,
// the phone columns kept as text so Excel neither rounds nor shortens the
// numbers typed in.
func TemplateXLSX() ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "居民名单"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return nil, err
	}
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49}) // "@": text
	if err != nil {
		return nil, err
	}
	for i, h := range guli.RosterHeaders() {
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetCellStr(sheet, col+"1", h); err != nil {
			return nil, err
		}
		width := 14.0
		if guli.RosterColumns[i] == guli.ColNote {
			width = 30
		}
		if err := f.SetColWidth(sheet, col, col, width); err != nil {
			return nil, err
		}
		switch guli.RosterColumns[i] {
		case guli.ColPhone, guli.ColEmergencyPhone:
			if err := f.SetColStyle(sheet, col, text); err != nil {
				return nil, err
			}
		}
	}
	if err := f.SetRowStyle(sheet, 1, 1, bold); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// TemplateCSV is the roster template as CSV, UTF-8 with a byte-order
// mark, which Excel needs to show Chinese headers.
func TemplateCSV() []byte {
	var buf bytes.Buffer
	buf.WriteString("\uFEFF")
	w := csv.NewWriter(&buf)
	w.Write(guli.RosterHeaders())
	w.Flush()
	return buf.Bytes()
}
