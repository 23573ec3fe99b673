package ui

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"guli"
	"guli/web/core"
)

// The district's workbook (.xlsx): a summary sheet of every station side
// by side with the totals, then a sheet for each station — its figures,
// its residential areas and its months — laid out as a street office
// files a report: a title row with the range, bold headings, columns wide
// enough for their words, counts as numbers (not text) that a formula can
// add up. Its words are the reader's language (Chinese unless they chose
// English).

// DistrictWorkbook sends the district's workbook over ?from= to ?to=; the
// admin's.
func (h *Handlers) DistrictWorkbook(w http.ResponseWriter, r *http.Request) error {
	if !h.requireAdmin(w, r) {
		return nil
	}
	q := r.URL.Query()
	each, total, err := h.Services.Stats.District(r.Context(), guli.StatsQuery{From: q.Get("from"), To: q.Get("to")})
	if err != nil {
		// The page says what is wrong with the range, next to its form.
		return h.District(w, r)
	}
	stations, err := h.allStations(r)
	if err != nil {
		return err
	}
	v := h.NewView(r, "district.title", "desk")
	wb, err := h.workbook(r, v, stations, each, total)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="guli-district-%s-%s.xlsx"`, total.Range.From, total.Range.To))
	w.Header().Set("Cache-Control", "no-store")
	w.Write(wb)
	return nil
}

// sheetStyles are the workbook's cell styles.
type sheetStyles struct {
	title, note, head, cell, number, hours, totalName, total, totalHours int
}

func newSheetStyles(f *excelize.File) (sheetStyles, error) {
	var s sheetStyles
	border := []excelize.Border{{Type: "left", Color: "999999", Style: 1}, {Type: "right", Color: "999999", Style: 1},
		{Type: "top", Color: "999999", Style: 1}, {Type: "bottom", Color: "999999", Style: 1}}
	oneDecimal := "0.0"
	for _, st := range []struct {
		id    *int
		style excelize.Style
	}{
		{&s.title, excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}, Alignment: &excelize.Alignment{Vertical: "center"}}},
		{&s.note, excelize.Style{Font: &excelize.Font{Color: "555555"}}},
		{&s.head, excelize.Style{Font: &excelize.Font{Bold: true}, Border: border, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E7E6E6"}},
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}}},
		{&s.cell, excelize.Style{Border: border}},
		{&s.number, excelize.Style{Border: border, NumFmt: 1}},
		{&s.hours, excelize.Style{Border: border, CustomNumFmt: &oneDecimal}},
		{&s.totalName, excelize.Style{Font: &excelize.Font{Bold: true}, Border: border}},
		{&s.total, excelize.Style{Font: &excelize.Font{Bold: true}, Border: border, NumFmt: 1}},
		{&s.totalHours, excelize.Style{Font: &excelize.Font{Bold: true}, Border: border, CustomNumFmt: &oneDecimal}},
	} {
		id, err := f.NewStyle(&st.style)
		if err != nil {
			return s, err
		}
		*st.id = id
	}
	return s, nil
}

// sheet writes one sheet's rows, a row at a time, remembering the widest
// text of each column for its width.
type sheet struct {
	f      *excelize.File
	name   string
	styles sheetStyles
	row    int
	widths map[int]int
	err    error
}

func (s *sheet) cellName(col int) string {
	name, _ := excelize.CoordinatesToCellName(col, s.row)
	return name
}

// set writes a value with a style into column col of the current row.
func (s *sheet) set(col int, value any, style int) {
	if s.err != nil {
		return
	}
	cell := s.cellName(col)
	if s.err = s.f.SetCellValue(s.name, cell, value); s.err == nil {
		s.err = s.f.SetCellStyle(s.name, cell, cell, style)
	}
	if text, ok := value.(string); ok {
		// A CJK character is two columns wide; others one.
		w := 0
		for _, r := range text {
			w++
			if r >= 0x1100 {
				w++
			}
		}
		s.widths[col] = max(s.widths[col], w)
	}
}

// title writes the sheet's title across cols columns, and a note under it.
func (s *sheet) title(text, note string, cols int) {
	s.row = 1
	s.set(1, text, s.styles.title)
	if s.err == nil && cols > 1 {
		last, _ := excelize.CoordinatesToCellName(cols, 1)
		s.err = s.f.MergeCell(s.name, "A1", last)
	}
	if s.err == nil {
		s.err = s.f.SetRowHeight(s.name, 1, 24)
	}
	delete(s.widths, 1) // the title spans the columns; it sets no width
	s.row = 2
	s.set(1, note, s.styles.note)
	delete(s.widths, 1)
	s.row = 3
}

// heads writes a row of headings.
func (s *sheet) heads(heads ...string) {
	s.row++
	for i, h := range heads {
		s.set(i+1, h, s.styles.head)
	}
}

// figures writes a row of a name and figures: counts, and the volunteer
// hours last when hours is set.
func (s *sheet) figures(name string, total bool, counts []int, hours *float64) {
	s.row++
	nameStyle, countStyle, hoursStyle := s.styles.cell, s.styles.number, s.styles.hours
	if total {
		nameStyle, countStyle, hoursStyle = s.styles.totalName, s.styles.total, s.styles.totalHours
	}
	s.set(1, name, nameStyle)
	for i, n := range counts {
		s.set(i+2, n, countStyle)
	}
	if hours != nil {
		s.set(len(counts)+2, *hours, hoursStyle)
	}
}

// finish writes a note under the sheet's last row, across the columns,
// and sets the columns' widths from their widest text.
func (s *sheet) finish(note string, cols int) error {
	s.row += 2
	s.set(1, note, s.styles.note)
	delete(s.widths, 1) // the note runs across the columns; it sets no width
	for col := 1; col <= cols && s.err == nil; col++ {
		name, _ := excelize.ColumnNumberToName(col)
		s.err = s.f.SetColWidth(s.name, name, name, float64(min(max(s.widths[col], 8)+2, 40)))
	}
	return s.err
}

// statsCounts are a station's figures in the order of statsHeads, but the
// hours.
func statsCounts(s *guli.Stats) []int {
	return []int{s.DaysOpen, s.Visits, s.Residents, s.Volunteers, s.ActivitiesHeld, s.Attendances, s.HelpRequests, s.HelpRequesters, s.ServicesCompleted}
}

func statsHeads(v *core.View) []string {
	return []string{v.T("stats.days_open"), v.T("stats.visits"), v.T("stats.residents"), v.T("stats.volunteers"), v.T("stats.activities_held"),
		v.T("stats.attendances"), v.T("stats.help_requests"), v.T("stats.help_requesters"), v.T("stats.services_completed"), v.T("stats.volunteer_hours")}
}

func hoursValue(minutes int) *float64 {
	h := float64(minutes/6) / 10
	return &h
}

// workbook makes the district's workbook.
func (h *Handlers) workbook(r *http.Request, v *core.View, stations []*guli.Station, each []*guli.Stats, total *guli.Stats) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	styles, err := newSheetStyles(f)
	if err != nil {
		return nil, err
	}
	rng := total.Range
	span := h.longDate(v, rng.From) + " — " + h.longDate(v, rng.To)
	made := v.T("workbook.made", h.longDate(v, guli.DateOf(h.TimeNow().In(core.DefaultZone))))
	byID := map[guli.ID]*guli.Station{}
	for _, st := range stations {
		byID[st.ID] = st
	}

	summary := &sheet{f: f, name: sheetName(v.T("workbook.summary"), nil), styles: styles, widths: map[int]int{}}
	if err := f.SetSheetName("Sheet1", summary.name); err != nil {
		return nil, err
	}
	heads := append([]string{v.T("workbook.station")}, statsHeads(v)...)
	summary.title(v.T("workbook.summary_title", span), made, len(heads))
	summary.heads(heads...)
	for _, s := range each {
		summary.figures(byID[s.StationID].Name, false, statsCounts(s), hoursValue(s.VolunteerMinutes))
	}
	summary.figures(v.T("district.total"), true, statsCounts(total), hoursValue(total.VolunteerMinutes))
	if err := summary.finish(v.T("workbook.days_note"), len(heads)); err != nil {
		return nil, err
	}
	if err := f.SetPanes(summary.name, &excelize.Panes{Freeze: true, YSplit: 4, TopLeftCell: "A5", ActivePane: "bottomLeft"}); err != nil {
		return nil, err
	}

	taken := map[string]bool{strings.ToLower(summary.name): true}
	for _, s := range each {
		st := byID[s.StationID]
		sh := &sheet{f: f, name: sheetName(st.Name, taken), styles: styles, widths: map[int]int{}}
		if _, err := f.NewSheet(sh.name); err != nil {
			return nil, err
		}
		areaHeads := []string{v.T("stats.area"), v.T("stats.residents"), v.T("stats.volunteers"), v.T("stats.area_visits"), v.T("stats.help_requests"),
			v.T("stats.help_requesters"), v.T("stats.services_completed"), v.T("stats.volunteer_hours")}
		sh.title(v.T("workbook.station_title", st.Name, span), made, len(areaHeads))
		sh.heads(v.T("workbook.figure"), v.T("workbook.value"))
		names, counts := statsHeads(v), statsCounts(s)
		for i, n := range counts {
			sh.figures(names[i], false, []int{n}, nil)
		}
		sh.figures(names[len(names)-1], false, nil, hoursValue(s.VolunteerMinutes))

		areas, err := h.Services.Stats.Areas(r.Context(), st.ID, rng)
		if err != nil {
			return nil, err
		}
		sh.row++
		sh.heads(areaHeads...)
		for _, a := range areas {
			sh.figures(a.Area, false, []int{a.Residents, a.Volunteers, a.Visits, a.HelpRequests, a.HelpRequesters, a.ServicesCompleted},
				hoursValue(a.VolunteerMinutes))
		}

		months := guli.Periods(rng, guli.PeriodMonth)
		visits, err := h.Services.Stats.VisitsPer(r.Context(), st.ID, months)
		if err != nil {
			return nil, err
		}
		services, err := h.Services.Stats.ServicesPer(r.Context(), st.ID, months)
		if err != nil {
			return nil, err
		}
		sh.row++
		sh.heads(v.T("stats.period_month"), v.T("stats.visits"), v.T("stats.services_completed"))
		for i, m := range months {
			sh.figures(h.periodName(v, guli.PeriodMonth, m), false, []int{visits[i], services[i]}, nil)
		}
		if err := sh.finish(v.T("stats.area_note"), len(areaHeads)); err != nil {
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

// sheetName makes a name Excel takes for a sheet: none of : \ / ? * [ ],
// no quote at either end, 31 characters at most, and none taken already
// (whatever its case); it takes it.
func sheetName(name string, taken map[string]bool) string {
	name = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`:\/?*[]`, r) {
			return '_'
		}
		return r
	}, name)
	name = strings.Trim(name, "' ")
	if name == "" {
		name = "_"
	}
	cut := func(s string, n int) string {
		for utf8.RuneCountInString(s) > n {
			_, size := utf8.DecodeLastRuneInString(s)
			s = s[:len(s)-size]
		}
		return s
	}
	base := cut(name, 31)
	name = base
	for i := 2; taken[strings.ToLower(name)]; i++ {
		suffix := fmt.Sprintf(" (%d)", i)
		name = cut(base, 31-len(suffix)) + suffix
	}
	if taken != nil {
		taken[strings.ToLower(name)] = true
	}
	return name
}
