package svgchart

import (
	"html/template"
	"math"
	"strconv"
	"strings"
)

// Bar is one bar of a bar chart: what it counts (a week, a month, a
// residential area) and how many.
type Bar struct {
	Label string  // under the bar, or before it when the chart is horizontal
	Title string  // what a pointer over the bar shows; "" for "Label: value unit"
	Value float64 // below zero, NaN or absurd: drawn as zero
	Text  string  // written at the bar's end instead of its value; "" for the value
}

// BarChart describes a chart of bars to Bars: counts over time (upright
// bars, left to right) or by name (Horizontal: a row a bar, its label
// before it and its value after it, for names too long to stand under a
// bar). The same classes as Render's colour it, and these:
//
//	chart-bar     the bars (<rect>), with Class
//	chart-value   the values written at the bars' ends
type BarChart struct {
	Title, Desc   string // for <title> and <desc>, already translated by the caller
	Bars          []Bar
	Unit          string // e.g. "人次", shown above the axis and in each bar's title
	Class         string // the bars' own class, e.g. "bar-visits"
	Horizontal    bool
	Width, Height int // viewBox size; 0 means 640x320 upright, and a height to fit the rows across
}

// Layout of bar charts, in viewBox units.
const (
	barGap     = 0.25 // of a bar's slot, left empty between bars
	rowHeight  = 28   // of a horizontal bar's row
	barPadding = 6    // between a label or value and its bar
)

// Bars returns c as an <svg> element, accessible as Render's are: a
// role="img" labelled by its <title> and <desc>, a <title> on every bar
// ("label: value unit", or the bar's own), values from zero with 4 to 6
// round ticks (whole numbers when every value is one). Upright bars' labels are thinned so that none overlap;
// their values are written above them when there is room. Without bars,
// Bars returns "" so the caller can say there is nothing to show.
func Bars(c BarChart) template.HTML {
	if len(c.Bars) == 0 {
		return ""
	}
	values := make([]float64, len(c.Bars))
	hi, whole := 0.0, true
	for i, b := range c.Bars {
		if usable(b.Value) && b.Value > 0 {
			values[i] = b.Value
		}
		hi, whole = max(hi, values[i]), whole && values[i] == math.Trunc(values[i])
	}
	if hi == 0 {
		hi = 1
	}
	step, dec := niceStep(0, hi, false)
	if whole && step < 1 {
		step, dec = 1, 0 // counts: no tick between two whole numbers
	}
	top := math.Ceil(hi/step-1e-9) * step

	w := size(c.Width, defaultWidth, minWidth)
	h := size(c.Height, defaultHeight, minHeight)
	if c.Horizontal && c.Height <= 0 {
		h = marginTop + marginBottom + rowHeight*len(c.Bars)
	}
	var b strings.Builder
	open(&b, "chart chart-bars", w, h, c.Title, c.Desc)
	if c.Unit != "" {
		b.WriteString(`<text class="chart-unit" x="4" y="` + num(marginTop-10) + `">` + esc(c.Unit) + `</text>`)
	}
	label := func(v float64) string { return strconv.FormatFloat(v+0, 'f', dec, 64) }
	title := func(i int) string {
		if c.Bars[i].Title != "" {
			return c.Bars[i].Title
		}
		t := c.Bars[i].Label + ": " + strconv.FormatFloat(math.Round(values[i]*100)/100+0, 'f', -1, 64)
		if c.Unit != "" {
			t += " " + c.Unit
		}
		return t
	}
	bar := func(i int, x, y, bw, bh float64) {
		b.WriteString(`<rect class="` + classes("chart-bar", c.Class) + `" fill="currentColor" x="` + num(x) + `" y="` + num(y) +
			`" width="` + num(bw) + `" height="` + num(bh) + `"><title>` + esc(title(i)) + `</title></rect>`)
	}
	value := func(i int) string {
		if c.Bars[i].Text != "" {
			return c.Bars[i].Text
		}
		return strconv.FormatFloat(math.Round(values[i]*100)/100+0, 'f', -1, 64)
	}

	if c.Horizontal {
		left := float64(fontSize)
		for _, bar := range c.Bars {
			left = max(left, textWidth(bar.Label)+barPadding+4)
		}
		left = min(left, float64(w)/2)
		right := textWidth(value(0)) + barPadding
		for i := range c.Bars {
			right = max(right, textWidth(value(i))+barPadding+4)
		}
		plot := rect{x: left, y: marginTop, w: max(float64(w)-left-right, 1), h: float64(h - marginTop - marginBottom)}
		rowH := plot.h / float64(len(c.Bars))
		for i, v := range []float64{0, top} {
			x := plot.x + v/top*plot.w
			b.WriteString(`<line class="chart-grid" stroke="currentColor" stroke-opacity="0.2" x1="` + num(x) + `" x2="` + num(x) +
				`" y1="` + num(plot.y) + `" y2="` + num(plot.y+plot.h) + `"/>`)
			anchor := []string{"start", "end"}[i]
			b.WriteString(`<text class="chart-xlabel" x="` + num(x) + `" y="` + num(plot.y+plot.h+fontSize+6) + `" text-anchor="` + anchor + `">` +
				esc(label(v)) + `</text>`)
		}
		for i, bv := range c.Bars {
			y := plot.y + float64(i)*rowH
			bw := values[i] / top * plot.w
			b.WriteString(`<text class="chart-ylabel" x="` + num(plot.x-barPadding) + `" y="` + num(y+rowH/2+fontSize/3) + `" text-anchor="end">` +
				esc(bv.Label) + `</text>`)
			bar(i, plot.x, y+rowH*barGap/2, bw, rowH*(1-barGap))
			b.WriteString(`<text class="chart-value" x="` + num(plot.x+bw+barPadding) + `" y="` + num(y+rowH/2+fontSize/3) + `">` +
				esc(value(i)) + `</text>`)
		}
		b.WriteString(`</svg>`)
		return template.HTML(b.String())
	}

	left := float64(fontSize * 2)
	ticks := int(math.Round(top / step))
	for k := 0; k <= ticks; k++ {
		left = max(left, textWidth(label(float64(k)*step))+12)
	}
	left = min(left, float64(w)/2)
	plot := rect{x: left, y: marginTop, w: float64(w) - left - marginRight, h: float64(h) - marginTop - marginBottom}
	yOf := func(v float64) float64 { return plot.y + (top-v)/top*plot.h }
	for k := 0; k <= ticks; k++ {
		v := float64(k) * step
		b.WriteString(`<line class="chart-grid" stroke="currentColor" stroke-opacity="0.2" x1="` + num(plot.x) + `" x2="` + num(plot.x+plot.w) +
			`" y1="` + num(yOf(v)) + `" y2="` + num(yOf(v)) + `"/>`)
		b.WriteString(`<text class="chart-ylabel" x="` + num(plot.x-6) + `" y="` + num(yOf(v)+fontSize/3) + `" text-anchor="end">` +
			esc(label(v)) + `</text>`)
	}
	slot := plot.w / float64(len(c.Bars))
	// Every k-th label, so that labels stand a label's width apart.
	widest, widestValue := 0.0, 0.0
	for i, bv := range c.Bars {
		widest, widestValue = max(widest, textWidth(bv.Label)), max(widestValue, textWidth(value(i)))
	}
	every := max(1, int(math.Ceil((widest+fontSize/2)/slot)))
	for i, bv := range c.Bars {
		x := plot.x + float64(i)*slot
		bar(i, x+slot*barGap/2, yOf(values[i]), slot*(1-barGap), plot.y+plot.h-yOf(values[i]))
		if widestValue+2 <= slot {
			b.WriteString(`<text class="chart-value" x="` + num(x+slot/2) + `" y="` + num(max(yOf(values[i])-4, fontSize)) + `" text-anchor="middle">` +
				esc(value(i)) + `</text>`)
		}
		if i%every == 0 {
			cx := max(textWidth(bv.Label)/2, min(x+slot/2, float64(w)-textWidth(bv.Label)/2))
			b.WriteString(`<text class="chart-xlabel" x="` + num(cx) + `" y="` + num(plot.y+plot.h+fontSize+6) + `" text-anchor="middle">` +
				esc(bv.Label) + `</text>`)
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
