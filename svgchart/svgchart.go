// Package svgchart renders small, accessible line charts as inline SVG on the
// server, e.g. a resident's blood pressure or temperature over time.
//
// The output is fit for a strict Content-Security-Policy: no script, no style
// attributes and no <style> element. The page's stylesheet colours the chart
// through classes. Every shape has neutral presentation attributes that any
// CSS rule overrides: lines are stroked and dots filled with currentColor
// (lines with fill="none"), gridlines and bands are faint currentColor. So
// the simplest way to colour a series is its class's color property, which
// colours its line, dots and legend swatch at once; setting fill on a
// series class would fill its polyline too. The classes are:
//
//	chart          the <svg>
//	chart-grid     horizontal gridlines (<line>)
//	chart-ylabel   Y tick labels; chart-unit the unit above them
//	chart-xlabel   date labels under the plot
//	chart-band     shaded ranges (<rect>), with Band.Class; chart-band-label their labels
//	chart-line     series lines (<polyline>, and legend swatches), with Series.Class
//	chart-dot      one <circle> per point, with Series.Class
//	chart-legend   legend labels, shown when there are two series or more
//
// For example:
//
//	.chart { width: 100%; height: auto }
//	.chart-grid { stroke: #ddd; stroke-opacity: 1 }
//	.line-systolic { color: #c0392b }
//	.line-diastolic { color: #2471a3 }
//	.band-normal { fill: #e8f5e9; fill-opacity: 1 }
//
// Text is laid out for a font-size of 14 viewBox units.
package svgchart

import (
	"html/template"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// Point is one measurement.
type Point struct {
	T time.Time
	V float64
}

// Series is one line. Class names the CSS class of the line and its dots,
// e.g. "line-systolic".
type Series struct {
	Label  string
	Class  string
	Points []Point
}

// Band is a shaded range of values, e.g. the normal range 90–140.
type Band struct {
	From, To float64
	Class    string
	Label    string
}

// Chart describes a chart to Render.
type Chart struct {
	Title, Desc   string // for <title> and <desc>, already translated by the caller
	Series        []Series
	Bands         []Band
	YMin, YMax    float64                // 0,0 (or an empty, absurd or tiny range): fit the data and bands, padded
	Unit          string                 // e.g. "mmHg", shown above the Y axis labels and in each point's title
	DateLabel     func(time.Time) string // x-axis label text; nil: "1/2" (month/day)
	Width, Height int                    // viewBox size; 0 means 640x320 (at least 160x100)
}

// Layout, in viewBox units.
const (
	defaultWidth, defaultHeight = 640, 320
	minWidth, minHeight         = 160, 100
	fontSize                    = 14 // the font-size the layout assumes
	marginTop, marginBottom     = 28, 28
	marginRight                 = 12
	innerPad                    = 10 // between the plot's edges and the first and last points
	maxXLabels                  = 8
	dotRadius                   = 4
)

var ids atomic.Uint64

// Render returns c as an <svg> element: a role="img" labelled by its <title>
// (and <desc>, if any), with gridlines and 4 to 6 round Y ticks, a label for
// each distinct date (thinned to at most 8, never overlapping), bands as
// rects, and per series a polyline plus a circle per point whose <title> says
// "label: value unit, date". X positions are proportional to time.
//
// Points are sorted by time (a copy: c is not modified). NaN, infinite and
// absurd (beyond ±1e15) values are skipped, and so are such bands and YMin or
// YMax; values outside an explicit YMin–YMax are drawn at its edge. With two
// series or more, a legend of their labels sits at the top right: keep labels
// short. When no series has a point, Render returns "" (no <svg> at all) so
// the caller can show its own "no data" text instead.
//
// Each call uses fresh ids ("svgchart-N-title"), so charts can share a page.
func Render(c Chart) template.HTML {
	series := prepare(c.Series)
	if len(series) == 0 {
		return ""
	}
	dateLabel := c.DateLabel
	if dateLabel == nil {
		dateLabel = func(t time.Time) string { return t.Format("1/2") }
	}
	w, h := size(c.Width, defaultWidth, minWidth), size(c.Height, defaultHeight, minHeight)
	y := newYAxis(c, series)

	left := float64(fontSize * 3)
	for _, l := range y.labels {
		left = max(left, textWidth(l)+12)
	}
	left = min(left, float64(w)/2)
	plot := rect{x: left, y: marginTop, w: float64(w) - left - marginRight, h: float64(h) - marginTop - marginBottom}
	tmin, tmax := series[0].Points[0].T, series[0].Points[0].T
	for _, s := range series {
		tmin = minTime(tmin, s.Points[0].T)
		tmax = maxTime(tmax, s.Points[len(s.Points)-1].T)
	}
	xOf := func(t time.Time) float64 {
		if !tmax.After(tmin) {
			return plot.x + plot.w/2
		}
		return plot.x + innerPad + (seconds(t)-seconds(tmin))/(seconds(tmax)-seconds(tmin))*(plot.w-2*innerPad)
	}
	yOf := func(v float64) float64 {
		v = min(max(v, y.lo), y.hi)
		return plot.y + (y.hi-v)/(y.hi-y.lo)*plot.h
	}

	var b strings.Builder
	open(&b, "chart", w, h, c.Title, c.Desc)

	for _, band := range c.Bands {
		from, to := min(band.From, band.To), max(band.From, band.To)
		if !usable(from) || !usable(to) || to <= y.lo || from >= y.hi {
			continue
		}
		top, bottom := yOf(to), yOf(from)
		b.WriteString(`<rect class="` + classes("chart-band", band.Class) + `" fill="currentColor" fill-opacity="0.1" x="` + num(plot.x) + `" y="` + num(top) +
			`" width="` + num(plot.w) + `" height="` + num(bottom-top) + `">`)
		if band.Label != "" {
			b.WriteString(`<title>` + esc(band.Label) + `</title></rect>`)
			b.WriteString(`<text class="chart-band-label" x="` + num(plot.x+plot.w-4) + `" y="` + num(top+fontSize) +
				`" text-anchor="end">` + esc(band.Label) + `</text>`)
		} else {
			b.WriteString(`</rect>`)
		}
	}

	for i, v := range y.ticks {
		ty := yOf(v)
		b.WriteString(`<line class="chart-grid" stroke="currentColor" stroke-opacity="0.2" x1="` + num(plot.x) + `" x2="` + num(plot.x+plot.w) +
			`" y1="` + num(ty) + `" y2="` + num(ty) + `"/>`)
		b.WriteString(`<text class="chart-ylabel" x="` + num(plot.x-6) + `" y="` + num(ty+fontSize/3) +
			`" text-anchor="end">` + esc(y.labels[i]) + `</text>`)
	}
	if c.Unit != "" {
		b.WriteString(`<text class="chart-unit" x="4" y="` + num(marginTop-10) + `">` + esc(c.Unit) + `</text>`)
	}

	for _, d := range xLabels(series, dateLabel, xOf, plot.w, float64(w)) {
		b.WriteString(`<text class="chart-xlabel" x="` + num(d.x) + `" y="` + num(plot.y+plot.h+fontSize+6) +
			`" text-anchor="middle">` + esc(d.text) + `</text>`)
	}

	if len(series) > 1 {
		x := float64(w) - marginRight
		for _, s := range slices.Backward(series) {
			if s.Label == "" {
				continue
			}
			tw := textWidth(s.Label)
			b.WriteString(`<line class="` + classes("chart-line", s.Class) + `" fill="none" stroke="currentColor" stroke-width="2" x1="` + num(x-tw-24) + `" x2="` + num(x-tw-6) +
				`" y1="` + num(marginTop-14) + `" y2="` + num(marginTop-14) + `"/>`)
			b.WriteString(`<text class="chart-legend" x="` + num(x) + `" y="` + num(marginTop-10) + `" text-anchor="end">` +
				esc(s.Label) + `</text>`)
			x -= tw + 24 + 12
		}
	}

	for _, s := range series {
		if len(s.Points) > 1 {
			b.WriteString(`<polyline class="` + classes("chart-line", s.Class) + `" fill="none" stroke="currentColor" stroke-width="2" points="`)
			for i, p := range s.Points {
				if i > 0 {
					b.WriteByte(' ')
				}
				b.WriteString(num(xOf(p.T)) + "," + num(yOf(p.V)))
			}
			b.WriteString(`"/>`)
		}
		for _, p := range s.Points {
			b.WriteString(`<circle class="` + classes("chart-dot", s.Class) + `" fill="currentColor" cx="` + num(xOf(p.T)) + `" cy="` + num(yOf(p.V)) +
				`" r="` + strconv.Itoa(dotRadius) + `"><title>` + esc(pointTitle(s.Label, p, c.Unit, dateLabel)) + `</title></circle>`)
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

type rect struct{ x, y, w, h float64 }

// open writes a chart's <svg> tag of class, w by h, with its <title> and
// <desc>, which label it under fresh ids.
func open(b *strings.Builder, class string, w, h int, title, desc string) {
	id := "svgchart-" + strconv.FormatUint(ids.Add(1), 10)
	labelledBy := id + "-title"
	if desc != "" {
		labelledBy += " " + id + "-desc"
	}
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" class="` + class + `" viewBox="0 0 ` + strconv.Itoa(w) + " " + strconv.Itoa(h) +
		`" role="img" aria-labelledby="` + labelledBy + `" font-size="` + strconv.Itoa(fontSize) + `">`)
	b.WriteString(`<title id="` + id + `-title">` + esc(title) + `</title>`)
	if desc != "" {
		b.WriteString(`<desc id="` + id + `-desc">` + esc(desc) + `</desc>`)
	}
}

// prepare returns the series that have points, each a sorted copy without
// NaN or infinite values.
func prepare(in []Series) []Series {
	var out []Series
	for _, s := range in {
		var ps []Point
		for _, p := range s.Points {
			if usable(p.V) {
				ps = append(ps, p)
			}
		}
		if len(ps) == 0 {
			continue
		}
		slices.SortStableFunc(ps, func(a, b Point) int { return a.T.Compare(b.T) })
		s.Points = ps
		out = append(out, s)
	}
	return out
}

func size(v, def, least int) int {
	if v <= 0 {
		return def
	}
	return max(v, least)
}

// yAxis is the value range drawn and its ticks.
type yAxis struct {
	lo, hi float64
	ticks  []float64
	labels []string
}

// newYAxis fits the Y axis: c.YMin–c.YMax if given, with round ticks inside
// it; else the data and bands, padded by 5% of their span (at least 1% of
// their size, so a flat line is not magnified, and 1e-6) and widened to 4–6
// round ticks.
func newYAxis(c Chart, series []Series) yAxis {
	if usable(c.YMin) && usable(c.YMax) && c.YMax-c.YMin >= max(math.Abs(c.YMin), math.Abs(c.YMax), 1)*1e-9 {
		step, dec := niceStep(c.YMin, c.YMax, true)
		a, b := math.Ceil(c.YMin/step-1e-9), math.Floor(c.YMax/step+1e-9)
		return newTicks(c.YMin, c.YMax, a, b, step, dec)
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, s := range series {
		for _, p := range s.Points {
			lo, hi = min(lo, p.V), max(hi, p.V)
		}
	}
	nonNegative := lo >= 0
	for _, band := range c.Bands {
		if usable(band.From) && usable(band.To) {
			lo, hi = min(lo, band.From, band.To), max(hi, band.From, band.To)
		}
	}
	pad := max((hi-lo)*0.05, max(math.Abs(lo), math.Abs(hi))*0.01, 1e-6)
	if hi == lo && hi == 0 {
		pad = 0.5
	}
	lo, hi = lo-pad, hi+pad
	if nonNegative && lo < 0 {
		lo = 0
	}
	step, dec := niceStep(lo, hi, false)
	a, b := math.Floor(lo/step+1e-9), math.Ceil(hi/step-1e-9)
	for up := true; b-a+1 < 4; up = !up {
		if up || (nonNegative && a <= 0) {
			b++
		} else {
			a--
		}
	}
	return newTicks(a*step, b*step, a, b, step, dec)
}

func newTicks(lo, hi, a, b, step float64, dec int) yAxis {
	y := yAxis{lo: lo, hi: hi}
	for i := 0; i <= int(b-a); i++ { // not k++ on a float: big k do not grow
		v := (a + float64(i)) * step
		y.ticks = append(y.ticks, v)
		y.labels = append(y.labels, strconv.FormatFloat(v+0, 'f', dec, 64)) // +0: no "-0"
	}
	return y
}

// niceStep returns the smallest step of 1, 2, 2.5 or 5 times a power of ten
// that needs at most 6 ticks to cover lo–hi (or, if inside, has at most 6
// ticks within lo–hi), and the decimals its labels need.
func niceStep(lo, hi float64, inside bool) (step float64, decimals int) {
	e := int(math.Floor(math.Log10(hi-lo))) - 1 // a step of 10^e needs > 6 ticks
	for ; ; e++ {
		for _, m := range []float64{1, 2, 2.5, 5} {
			step = m * math.Pow(10, float64(e))
			n := math.Ceil(hi/step-1e-9) - math.Floor(lo/step+1e-9) + 1
			if inside {
				n = math.Floor(hi/step+1e-9) - math.Ceil(lo/step-1e-9) + 1
			}
			if n <= 6 {
				decimals = -e
				if m == 2.5 {
					decimals++
				}
				return step, max(decimals, 0)
			}
		}
	}
}

type xLabel struct {
	x    float64
	text string
}

// xLabels returns a label for each distinct date, at its first point, thinned
// so that labels are at least a label's width and a seventh of the dates'
// span apart (so there are at most 8), keeping the first and the last date.
func xLabels(series []Series, label func(time.Time) string, xOf func(time.Time) float64, plotW, width float64) []xLabel {
	first := map[int]time.Time{} // by yyyymmdd
	for _, s := range series {
		for _, p := range s.Points {
			y, m, d := p.T.Date()
			if t, ok := first[y*10000+int(m)*100+d]; !ok || p.T.Before(t) {
				first[y*10000+int(m)*100+d] = p.T
			}
		}
	}
	times := slices.SortedFunc(maps.Values(first), time.Time.Compare)
	all := make([]xLabel, len(times))
	var widest float64
	for i, t := range times {
		all[i].text = label(t)
		widest = max(widest, textWidth(all[i].text))
	}
	// Keep the labels inside the viewBox. Moving all by the same rule keeps
	// their order and brings none further apart.
	for i, t := range times {
		all[i].x = max(widest/2, min(xOf(t), width-widest/2))
	}
	gap := max((plotW-2*innerPad)/(maxXLabels-1), widest+fontSize/2)
	keep := []int{0}
	for i := 1; i < len(all); i++ {
		if all[i].x-all[keep[len(keep)-1]].x >= gap-1e-9 {
			keep = append(keep, i)
		}
	}
	if last := len(all) - 1; keep[len(keep)-1] != last && len(keep) > 1 {
		keep[len(keep)-1] = last // the latest date matters most
	}
	kept := make([]xLabel, len(keep))
	for i, k := range keep {
		kept[i] = all[k]
	}
	return kept
}

func pointTitle(label string, p Point, unit string, date func(time.Time) string) string {
	v := strconv.FormatFloat(math.Round(p.V*100)/100+0, 'f', -1, 64)
	if unit != "" {
		v += " " + unit
	}
	if label != "" {
		v = label + ": " + v
	}
	return v + ", " + date(p.T)
}

// textWidth estimates the width of s at fontSize: wide (CJK) characters take
// an em, others 0.6 em.
func textWidth(s string) float64 {
	var w float64
	for _, r := range s {
		if r >= 0x1100 {
			w += fontSize
		} else {
			w += fontSize * 0.6
		}
	}
	return w
}

// num formats a coordinate with at most one decimal.
func num(v float64) string {
	return strconv.FormatFloat(math.Round(v*10)/10+0, 'f', -1, 64)
}

func classes(base, extra string) string {
	if extra = strings.TrimSpace(extra); extra != "" {
		base += " " + extra
	}
	return esc(base)
}

// esc escapes s for XML and HTML text and attributes, after making it valid
// UTF-8 and dropping characters XML 1.0 does not allow.
func esc(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' || r >= 0x20 && r <= 0xD7FF ||
			r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF {
			return r
		}
		return -1
	}, strings.ToValidUTF8(s, "\uFFFD"))
	return template.HTMLEscapeString(s)
}

// maxAbs bounds the values drawn, to keep the arithmetic exact enough.
const maxAbs = 1e15

// usable reports whether v can be drawn: not NaN, infinite or beyond ±1e15.
func usable(v float64) bool { return math.Abs(v) <= maxAbs }

// seconds returns t as seconds since 1970 (time.Sub saturates at 292 years).
func seconds(t time.Time) float64 { return float64(t.Unix()) + float64(t.Nanosecond())/1e9 }

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
