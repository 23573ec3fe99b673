package ui

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"guli"
	"guli/svgchart"
	"guli/web/core"
)

// The figures' pages: a station's impact page, public, in the article's
// words ("已服务近180天，累计服务居民近9000人次…") with its charts; the
// desk's figures over any range, by residential area, with the requests
// overdue and the day's activities; and the district's table of every
// station, with its workbook (workbook.go). The figures are the domain's
// (guli.Stats, counted by the store); the pages only show them.

// chartRow is one bar of a chart, as its table says it.
type chartRow struct {
	Label string
	Value string
	More  string // a second column, when the table has one
}

// chart is a chart with the table that says the same without a picture.
// Both are drawn when a page first shows them (SVG, Rows): a page whose
// charts are kept (View.Keep) draws none.
type chart struct {
	ID      string // of its heading
	Title   string
	Head    [3]string // the table's column headings
	Caption string
	drawn   *drawing
}

// drawing is a chart's picture and table, drawn once.
type drawing struct {
	once sync.Once
	draw func() (template.HTML, []chartRow)
	svg  template.HTML
	rows []chartRow
}

func (c chart) do() *drawing {
	c.drawn.once.Do(func() { c.drawn.svg, c.drawn.rows = c.drawn.draw() })
	return c.drawn
}

// SVG is the chart's picture; "" when it has no bars.
func (c chart) SVG() template.HTML { return c.do().svg }

// Rows are the chart's table.
func (c chart) Rows() []chartRow { return c.do().rows }

// bigFigure is one of the impact page's big numbers: "已服务 近180 天".
type bigFigure struct {
	Label, Number, Unit string
}

// rangeForm is the form that asks for a range, with its ready-made ones.
type rangeForm struct {
	Action  string
	Presets []chip
}

// KeyFor is everything the form shows to v, under which it is kept
// (View.Part): where it goes, the ranges it offers, what was typed and
// what is wrong with it.
func (f rangeForm) KeyFor(v *core.View) string {
	parts := []string{f.Action, v.Form["from"], v.Form["to"], v.Errors["from"], v.Errors["to"]}
	for _, p := range f.Presets {
		parts = append(parts, p.Href, strconv.FormatBool(p.Current))
	}
	return strings.Join(parts, "\x1f")
}

type impactData struct {
	Station *guli.Station
	Stats   *guli.Stats
	Range   string // "2023年2月10日 — 2023年10月15日"
	Big     []bigFigure
	Small   []bigFigure
	Charts  []chart
	Form    rangeForm
	Key     string // what the kept figures and charts show
}

// Impact is a station's impact page.
func (h *Handlers) Impact(w http.ResponseWriter, r *http.Request) error {
	st, err := h.Stations.Station(r.Context(), core.PathID(r, "id"))
	if err != nil {
		return err
	}
	h.renderImpact(w, r, st, "/stations/"+st.ID.String()+"/impact")
	return nil
}

// StatsHome is the impact page of the station the reader is at (the home
// page's "小站数据").
func (h *Handlers) StatsHome(w http.ResponseWriter, r *http.Request) error {
	v := h.NewView(r, "impact.title", "stats")
	if v.Station == nil {
		v.Data = &impactData{}
		h.Render(w, r, http.StatusOK, "impact", v)
		return nil
	}
	h.renderImpact(w, r, v.Station, "/stats")
	return nil
}

func (h *Handlers) renderImpact(w http.ResponseWriter, r *http.Request, st *guli.Station, action string) {
	v := h.NewView(r, "impact.title", "stats")
	v.Station = st
	q := r.URL.Query()
	v.Form["from"], v.Form["to"] = q.Get("from"), q.Get("to")
	d := &impactData{Station: st, Form: rangeForm{Action: action}}
	v.Data = d
	today := guli.DateOf(h.TimeNow().In(st.Location()))
	d.Form.Presets = h.presets(v, action, today, st.OpenedOn)
	s, err := h.Services.Stats.Stats(r.Context(), guli.StatsQuery{StationID: st.ID, From: q.Get("from"), To: q.Get("to")})
	if err != nil {
		status := h.FormError(v, err)
		h.Render(w, r, status, "impact", v)
		return
	}
	d.Stats = s
	d.Range = v.T("stats.range", h.longDate(v, s.Range.From), h.longDate(v, s.Range.To))
	days, visits := nearly(v, s.DaysOpen), nearly(v, s.Visits)
	d.Big = []bigFigure{
		{v.T("impact.days_label"), days, v.T("impact.days_unit")},
		{v.T("impact.visits_label"), visits, v.T("impact.visits_unit")},
		{v.T("impact.requesters_label"), itoa(s.HelpRequesters), v.T("impact.requesters_unit")},
		{v.T("impact.services_label"), itoa(s.ServicesCompleted), v.T("impact.services_unit")},
		{v.T("impact.hours_label"), hoursOf(s.VolunteerMinutes), v.T("impact.hours_unit")},
	}
	d.Small = []bigFigure{
		{v.T("impact.activities_label"), itoa(s.ActivitiesHeld), v.T("impact.activities_unit")},
		{v.T("impact.attendances_label"), itoa(s.Attendances), v.T("impact.attendances_unit")},
		{v.T("impact.residents_label"), itoa(s.Residents), v.T("impact.residents_unit")},
		{v.T("impact.volunteers_label"), itoa(s.Volunteers), v.T("impact.volunteers_unit")},
	}
	// Kept for the minute: activities count once started.
	d.Key = fmt.Sprint(st.ID, s.Range, h.TimeNow().Truncate(time.Minute).Unix())
	if d.Charts, err = h.impactCharts(r, v, st, s.Range); err != nil {
		h.FormError(v, err)
	}
	h.Render(w, r, http.StatusOK, "impact", v)
}

// impactCharts are the impact page's charts: visits by week (by month or
// year over a long range), services completed by month, and the help asked
// for by each residential area.
func (h *Handlers) impactCharts(r *http.Request, v *core.View, st *guli.Station, rng guli.DateRange) ([]chart, error) {
	ctx := r.Context()
	var charts []chart
	size, periods := guli.PeriodsAtMost(rng, guli.PeriodWeek, maxBars)
	visits, err := h.Services.Stats.VisitsPer(ctx, st.ID, periods)
	if err != nil {
		return nil, err
	}
	title := map[string]string{guli.PeriodWeek: "stats.chart_visits_week", guli.PeriodMonth: "stats.chart_visits_month", guli.PeriodYear: "stats.chart_visits_year"}
	charts = append(charts, h.timeChart(v, chart{ID: "chart-visits", Title: v.T(title[size]), Caption: v.T("stats.chart_visits_desc"),
		Head: [3]string{v.T(periodHeads[size]), v.T("stats.visits")}}, "bar-visits", size, periods, visits, v.T("impact.visits_unit")))
	size, periods = guli.PeriodsAtMost(rng, guli.PeriodMonth, maxBars)
	services, err := h.Services.Stats.ServicesPer(ctx, st.ID, periods)
	if err != nil {
		return nil, err
	}
	title = map[string]string{guli.PeriodWeek: "stats.chart_services_week", guli.PeriodMonth: "stats.chart_services_month", guli.PeriodYear: "stats.chart_services_year"}
	charts = append(charts, h.timeChart(v, chart{ID: "chart-services", Title: v.T(title[size]), Caption: v.T("stats.chart_services_desc"),
		Head: [3]string{v.T(periodHeads[size]), v.T("stats.services")}}, "bar-services", size, periods, services, v.T("impact.services_unit")))
	areas, err := h.Services.Stats.Areas(ctx, st.ID, rng)
	if err != nil {
		return nil, err
	}
	c := chart{ID: "chart-areas", Title: v.T("stats.chart_areas"), Caption: v.T("stats.chart_areas_desc"),
		Head: [3]string{v.T("stats.area"), v.T("stats.help_requests"), v.T("stats.services_completed")}}
	// Public: an area's few requests are said "fewer than 5", never
	// counted (guli.PublicAreaCounts).
	var asked, served []int
	for _, a := range areas {
		asked, served = append(asked, a.HelpRequests), append(served, a.ServicesCompleted)
	}
	showAsked, showServed := guli.PublicAreaCounts(asked), guli.PublicAreaCounts(served)
	few := v.T("stats.fewer_than", guli.MinPublicAreaCount)
	say := func(n int, shown bool) string {
		if shown {
			return itoa(n)
		}
		return few
	}
	c.drawn = &drawing{draw: func() (template.HTML, []chartRow) {
		var bars []svgchart.Bar
		var rows []chartRow
		for i, a := range areas {
			bar := svgchart.Bar{Label: a.Area, Value: float64(a.HelpRequests)}
			if !showAsked[i] {
				bar = svgchart.Bar{Label: a.Area, Text: few, Title: a.Area + ": " + few}
			}
			bars = append(bars, bar)
			rows = append(rows, chartRow{Label: a.Area, Value: say(a.HelpRequests, showAsked[i]), More: say(a.ServicesCompleted, showServed[i])})
		}
		return svgchart.Bars(svgchart.BarChart{Title: c.Title, Desc: c.Caption, Bars: bars, Unit: v.T("stats.unit_requests"),
			Class: "bar-help", Horizontal: true, Width: chartWidth}), rows
	}}
	return append(charts, c), nil
}

// The charts' size: a phone's width, so that their words read at the
// page's size; and how many bars a chart of time has at most.
const (
	chartWidth, chartHeight = 360, 240
	maxBars                 = 53
)

// periodHeads head a table's column of periods.
var periodHeads = map[string]string{guli.PeriodWeek: "stats.period_week", guli.PeriodMonth: "stats.period_month", guli.PeriodYear: "stats.period_year"}

// timeChart makes c a chart of counts by period, and its table.
func (h *Handlers) timeChart(v *core.View, c chart, class, size string, periods []guli.DateRange, counts []int, unit string) chart {
	c.drawn = &drawing{draw: func() (template.HTML, []chartRow) {
		bars := make([]svgchart.Bar, len(periods))
		rows := make([]chartRow, len(periods))
		for i, p := range periods {
			long := h.periodName(v, size, p)
			bars[i] = svgchart.Bar{Label: shortPeriod(size, p), Title: v.T("stats.bar_title", long, counts[i], unit), Value: float64(counts[i])}
			rows[i] = chartRow{Label: long, Value: itoa(counts[i])}
		}
		return svgchart.Bars(svgchart.BarChart{Title: c.Title, Desc: c.Caption, Bars: bars, Unit: unit, Class: class,
			Width: chartWidth, Height: chartHeight}), rows
	}}
	return c
}

// shortPeriod labels a bar: a week by its first day (2/13), a month as
// 2023.3, a year as 2023.
func shortPeriod(size string, p guli.DateRange) string {
	t, _ := time.Parse(time.DateOnly, string(p.From))
	switch size {
	case guli.PeriodWeek:
		return fmt.Sprintf("%d/%d", t.Month(), t.Day())
	case guli.PeriodMonth:
		return fmt.Sprintf("%d.%d", t.Year(), t.Month())
	}
	return strconv.Itoa(t.Year())
}

// periodName says a period in full: 2月13日–2月19日, 2023年3月, 2023年.
func (h *Handlers) periodName(v *core.View, size string, p guli.DateRange) string {
	from, _ := time.Parse(time.DateOnly, string(p.From))
	to, _ := time.Parse(time.DateOnly, string(p.To))
	switch size {
	case guli.PeriodWeek:
		return v.T("stats.week", v.T("date.md", from.Month(), from.Day()), v.T("date.md", to.Month(), to.Day()))
	case guli.PeriodMonth:
		return v.T("stats.month", from.Year(), int(from.Month()))
	}
	return v.T("stats.year", from.Year())
}

// longDate says a date with its year: 2023年2月10日.
func (h *Handlers) longDate(v *core.View, d guli.Date) string {
	t, _ := time.Parse(time.DateOnly, string(d))
	return v.T("stats.ymd", t.Year(), int(t.Month()), t.Day())
}

// nearly says a large count as the article does: 近180.
func nearly(v *core.View, n int) string {
	if up, near := guli.Nearly(n); near {
		return v.T("stats.nearly", up)
	}
	return itoa(n)
}

// hoursOf says minutes as hours, to the tenth: 1234.5.
func hoursOf(minutes int) string {
	return strconv.FormatFloat(float64(minutes/6)/10, 'f', -1, 64)
}

// presets are the ranges a click away: this month, last month, this year
// and all since the opening.
func (h *Handlers) presets(v *core.View, action string, today, opened guli.Date) []chip {
	var out []chip
	for _, p := range []struct {
		key string
		r   guli.DateRange
	}{{"stats.preset_this_month", guli.ThisMonth(today)}, {"stats.preset_last_month", guli.LastMonth(today)}, {"stats.preset_this_year", guli.ThisYear(today)},
		{"stats.preset_since_opening", guli.DateRange{From: min(opened, today), To: today}}} {
		href := action + "?" + url.Values{"from": {string(p.r.From)}, "to": {string(p.r.To)}}.Encode()
		current := v.Form["from"] == string(p.r.From) && v.Form["to"] == string(p.r.To)
		out = append(out, chip{Href: href, Label: v.T(p.key), Current: current})
	}
	return out
}

// deskStatsData is the desk's figures page.
type deskStatsData struct {
	Stats     *guli.Stats
	Range     string
	Figures   []figureRow
	Impact    string // the public page of the same range
	AreaHeads []string
	Areas     []*guli.AreaStats
	Form      rangeForm
	Overdue   []overdueRow
	Today     []*guli.Activity
	Day       time.Time
	Admin     bool
}

// Hours says minutes as hours, to the tenth.
func (d *deskStatsData) Hours(minutes int) string { return hoursOf(minutes) }

// overdueRow is a request past the time it was needed by, that nobody
// took: what it is, who asked, from where, and when it was needed.
type overdueRow struct {
	ID                       guli.ID
	Title, Who, Area, Needed string
}

// figureRow is one figure in the desk's table: its name and value.
type figureRow struct {
	Name, Value string
}

// figureRows are every figure of s, named as the API names them, in the
// reader's language.
func figureRows(v *core.View, s *guli.Stats) []figureRow {
	return []figureRow{
		{v.T("stats.days_open"), itoa(s.DaysOpen)},
		{v.T("stats.visits"), itoa(s.Visits)},
		{v.T("stats.residents"), itoa(s.Residents)},
		{v.T("stats.volunteers"), itoa(s.Volunteers)},
		{v.T("stats.activities_held"), itoa(s.ActivitiesHeld)},
		{v.T("stats.attendances"), itoa(s.Attendances)},
		{v.T("stats.help_requests"), itoa(s.HelpRequests)},
		{v.T("stats.help_requesters"), itoa(s.HelpRequesters)},
		{v.T("stats.services_completed"), itoa(s.ServicesCompleted)},
		{v.T("stats.volunteer_hours"), hoursOf(s.VolunteerMinutes)},
	}
}

// deskOverdueMost is how many overdue requests the desk's figures list.
const deskOverdueMost = 20

// DeskStats is the staff's figures of their station over any range, by
// area, with the requests past their time and nobody on them, and today.
func (h *Handlers) DeskStats(w http.ResponseWriter, r *http.Request) error {
	if _, ok := h.requireStaff(w, r); !ok {
		return nil
	}
	v := h.NewView(r, "deskstats.title", "desk")
	if v.Station == nil {
		h.RenderError(w, r, http.StatusNotFound)
		return nil
	}
	st := v.Station
	q := r.URL.Query()
	v.Form["from"], v.Form["to"] = q.Get("from"), q.Get("to")
	now := h.TimeNow().In(st.Location())
	today := guli.DateOf(now)
	d := &deskStatsData{Form: rangeForm{Action: "/desk/stats"}, Day: now, Admin: v.User.IsAdmin(),
		AreaHeads: []string{v.T("stats.area"), v.T("stats.residents"), v.T("stats.volunteers"), v.T("stats.area_visits"), v.T("stats.help_requests"),
			v.T("stats.help_requesters"), v.T("stats.services_completed"), v.T("stats.volunteer_hours")}}
	d.Form.Presets = h.presets(v, "/desk/stats", today, st.OpenedOn)
	v.Data = d
	status := http.StatusOK
	if s, err := h.Services.Stats.Stats(r.Context(), guli.StatsQuery{StationID: st.ID, From: q.Get("from"), To: q.Get("to")}); err != nil {
		status = h.FormError(v, err)
	} else {
		d.Stats, d.Figures = s, figureRows(v, s)
		d.Range = v.T("stats.range", h.longDate(v, s.Range.From), h.longDate(v, s.Range.To))
		d.Impact = "/stations/" + st.ID.String() + "/impact?" + url.Values{"from": {string(s.Range.From)}, "to": {string(s.Range.To)}}.Encode()
		if d.Areas, err = h.Services.Stats.Areas(r.Context(), st.ID, s.Range); err != nil {
			return err
		}
	}
	// Overdue by the minute, so that readers in the same minute ask the
	// same (kept) question.
	overdue, err := h.Help.HelpRequests(r.Context(), guli.HelpFilter{StationID: st.ID, Status: guli.HelpOpen, NeededBefore: h.TimeNow().Truncate(time.Minute)},
		guli.ListOptions{Limit: deskOverdueMost})
	if err != nil {
		return err
	}
	names := areaNames(st)
	for _, req := range overdue.Items {
		d.Overdue = append(d.Overdue, overdueRow{ID: req.ID, Title: req.Title, Who: req.Requester, Area: names[req.AreaID],
			Needed: v.T("deskstats.needed_by", v.DateTime(req.NeededBy.In(st.Location())))})
	}
	start := core.StartOfDay(now, st.Location())
	page, err := h.Activities.Activities(r.Context(), guli.ActivityFilter{StationID: st.ID, From: start, To: start.AddDate(0, 0, 1)},
		guli.ListOptions{Limit: guli.MaxLimit})
	if err != nil {
		return err
	}
	d.Today = page.Items
	h.Render(w, r, status, "desk_stats", v)
	return nil
}

// districtRow is one station's figures in the district's table.
type districtRow struct {
	Name   string
	Href   string
	Values []string
}

type districtData struct {
	Range string
	Heads []string
	Rows  []districtRow
	Total districtRow
	Form  rangeForm
	XLSX  string // the workbook of the same range
}

// District is every station's figures side by side, and all together;
// the admin's.
func (h *Handlers) District(w http.ResponseWriter, r *http.Request) error {
	if !h.requireAdmin(w, r) {
		return nil
	}
	v := h.NewView(r, "district.title", "desk")
	q := r.URL.Query()
	v.Form["from"], v.Form["to"] = q.Get("from"), q.Get("to")
	today := guli.DateOf(h.TimeNow().In(core.DefaultZone))
	d := &districtData{Form: rangeForm{Action: "/admin/district"}}
	v.Data = d
	stations, err := h.allStations(r)
	if err != nil {
		return err
	}
	first, names := today, map[guli.ID]string{}
	for _, st := range stations {
		first, names[st.ID] = min(first, st.OpenedOn), st.Name
	}
	d.Form.Presets = h.presets(v, "/admin/district", today, first)
	each, total, err := h.Services.Stats.District(r.Context(), guli.StatsQuery{From: q.Get("from"), To: q.Get("to")})
	if err != nil {
		h.Render(w, r, h.FormError(v, err), "district", v)
		return nil
	}
	d.Range = v.T("stats.range", h.longDate(v, total.Range.From), h.longDate(v, total.Range.To))
	for _, f := range figureRows(v, total) {
		d.Heads = append(d.Heads, f.Name)
	}
	cells := func(s *guli.Stats) []string {
		var out []string
		for _, f := range figureRows(v, s) {
			out = append(out, f.Value)
		}
		return out
	}
	rangeQuery := url.Values{"from": {string(total.Range.From)}, "to": {string(total.Range.To)}}.Encode()
	for _, s := range each {
		d.Rows = append(d.Rows, districtRow{Name: names[s.StationID], Href: "/stations/" + s.StationID.String() + "/impact?" + rangeQuery, Values: cells(s)})
	}
	d.Total = districtRow{Name: v.T("district.total"), Values: cells(total)}
	d.XLSX = "/admin/district.xlsx?" + rangeQuery
	h.Render(w, r, http.StatusOK, "district", v)
	return nil
}

// requireAdmin sends anonymous visitors to sign in and shows others but
// the admin a 403; it reports whether the admin may go on.
func (h *Handlers) requireAdmin(w http.ResponseWriter, r *http.Request) bool {
	u, ok := h.requireLogin(w, r)
	if ok && !u.IsAdmin() {
		h.RenderError(w, r, http.StatusForbidden)
		return false
	}
	return ok
}

// allStations lists every station, in the order they were created.
func (h *Handlers) allStations(r *http.Request) ([]*guli.Station, error) {
	var all []*guli.Station
	for cursor := ""; ; {
		page, err := h.Stations.Stations(r.Context(), guli.ListOptions{Limit: guli.MaxLimit, Cursor: cursor})
		if err != nil {
			return nil, err
		}
		all = append(all, page.Items...)
		if cursor = page.NextCursor; cursor == "" {
			return all, nil
		}
	}
}
