package svgchart_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"guli/svgchart"
)

// renderBars renders c and checks what every chart must satisfy (see
// render).
func renderBars(t *testing.T, c svgchart.BarChart) (*node, string) {
	t.Helper()
	return checked(t, string(svgchart.Bars(c)))
}

func weeks(n int, value func(i int) float64) []svgchart.Bar {
	bars := make([]svgchart.Bar, n)
	for i := range bars {
		bars[i] = svgchart.Bar{Label: fmt.Sprintf("%d/%d", 2+i/4, 1+7*(i%4)), Value: value(i)}
	}
	return bars
}

func TestBarsUpright(t *testing.T) {
	c := svgchart.BarChart{Title: "每周服务人次", Desc: "2023年2月10日至10月15日", Unit: "人次", Class: "bar-visits", Width: 360, Height: 220,
		Bars: weeks(36, func(i int) float64 { return float64(200 + 13*i) })}
	root, _ := renderBars(t, c)
	bars := root.find("rect", "chart-bar")
	if len(bars) != 36 {
		t.Fatalf("%d bars, want 36", len(bars))
	}
	// Taller for more, all on the same baseline, left to right.
	base := numAttr(t, bars[0], "y") + numAttr(t, bars[0], "height")
	for i, b := range bars {
		if !b.hasClass("bar-visits") {
			t.Errorf("bar %d has classes %q", i, b.attr("class"))
		}
		if got := numAttr(t, b, "y") + numAttr(t, b, "height"); math.Abs(got-base) > 0.2 {
			t.Errorf("bar %d stands at %v, the first at %v", i, got, base)
		}
		if i > 0 {
			if numAttr(t, b, "height") < numAttr(t, bars[i-1], "height") || numAttr(t, b, "x") <= numAttr(t, bars[i-1], "x") {
				t.Errorf("bar %d is not taller and right of bar %d", i, i-1)
			}
		}
	}
	if got := bars[3].child("title").Text; got != "2/22: 239 人次" {
		t.Errorf("a bar's title %q", got)
	}
	// The tallest reaches the top tick or near it, never above it.
	ticks := root.find("text", "chart-ylabel")
	if len(ticks) < 4 || len(ticks) > 7 || ticks[0].Text != "0" {
		t.Fatalf("ticks %v", texts(ticks))
	}
	// Labels thinned so that none overlap: 36 labels of 4 characters do
	// not fit under 360 units.
	labels := root.find("text", "chart-xlabel")
	if len(labels) < 4 || len(labels) >= 36 {
		t.Errorf("%d labels under 36 bars", len(labels))
	}
	for i := 1; i < len(labels); i++ {
		if numAttr(t, labels[i], "x")-numAttr(t, labels[i-1], "x") < 4*0.6*14 {
			t.Errorf("labels %q and %q overlap", labels[i-1].Text, labels[i].Text)
		}
	}
	// No room for the values above 36 bars; room above 6.
	if n := len(root.find("text", "chart-value")); n != 0 {
		t.Errorf("%d values written above 36 narrow bars", n)
	}
	c.Bars = c.Bars[:6]
	root, _ = renderBars(t, c)
	if got := texts(root.find("text", "chart-value")); strings.Join(got, " ") != "200 213 226 239 252 265" {
		t.Errorf("values above 6 bars: %v", got)
	}
}

func TestBarsHorizontal(t *testing.T) {
	c := svgchart.BarChart{Title: "各居民区的求助", Horizontal: true, Width: 360, Class: "bar-help",
		Bars: []svgchart.Bar{{Label: "馨清佳苑", Value: 120}, {Label: "菊泉新城一村", Value: 45}, {Label: "泉秀苑", Value: 0, Title: "泉秀苑：没有求助"}}}
	root, _ := renderBars(t, c)
	if vb := root.attr("viewBox"); vb != "0 0 360 140" {
		t.Errorf("viewBox %q: the height should fit three rows", vb)
	}
	bars := root.find("rect", "chart-bar")
	if len(bars) != 3 || numAttr(t, bars[0], "width") <= numAttr(t, bars[1], "width") || numAttr(t, bars[2], "width") != 0 {
		t.Fatalf("bars %v", bars)
	}
	if numAttr(t, bars[1], "y") <= numAttr(t, bars[0], "y") {
		t.Error("the rows are not top to bottom")
	}
	if got := strings.Join(texts(root.find("text", "chart-ylabel")), " "); got != "馨清佳苑 菊泉新城一村 泉秀苑" {
		t.Errorf("labels %q", got)
	}
	if got := strings.Join(texts(root.find("text", "chart-value")), " "); got != "120 45 0" {
		t.Errorf("values %q", got)
	}
	if got := bars[2].child("title").Text; got != "泉秀苑：没有求助" {
		t.Errorf("the bar's own title: %q", got)
	}
	// The labels end before the bars begin.
	label := root.find("text", "chart-ylabel")[1]
	if numAttr(t, label, "x") >= numAttr(t, bars[1], "x") || label.attr("text-anchor") != "end" {
		t.Errorf("label at %v, bar from %v", numAttr(t, label, "x"), numAttr(t, bars[1], "x"))
	}
}

// A bar whose count is withheld says so at its end, in its own words,
// not "0".
func TestBarsHorizontalWithText(t *testing.T) {
	c := svgchart.BarChart{Title: "各居民区的求助", Horizontal: true, Width: 360,
		Bars: []svgchart.Bar{{Label: "馨清佳苑", Value: 12}, {Label: "泉秀苑", Text: "少于5", Title: "泉秀苑: 少于5"}}}
	root, _ := renderBars(t, c)
	if got := strings.Join(texts(root.find("text", "chart-value")), " "); got != "12 少于5" {
		t.Errorf("values %q", got)
	}
	if bars := root.find("rect", "chart-bar"); len(bars) != 2 || numAttr(t, bars[1], "width") != 0 {
		t.Errorf("bars %v", bars)
	}
}

func TestBarsOfNothing(t *testing.T) {
	if out := svgchart.Bars(svgchart.BarChart{Title: "空"}); out != "" {
		t.Errorf("no bars rendered %q", out)
	}
	// Zeros, negatives, NaN and infinities are drawn as zero bars.
	for _, horizontal := range []bool{false, true} {
		root, _ := renderBars(t, svgchart.BarChart{Title: "零", Horizontal: horizontal,
			Bars: []svgchart.Bar{{Label: "a"}, {Label: "b", Value: -5}, {Label: "c", Value: math.NaN()}, {Label: "d", Value: math.Inf(1)}, {Label: "e", Value: 1e300}}})
		for _, b := range root.find("rect", "chart-bar") {
			dim := "height"
			if horizontal {
				dim = "width"
			}
			if numAttr(t, b, dim) != 0 {
				t.Errorf("horizontal %v: a bar of nothing is %s %v", horizontal, dim, numAttr(t, b, dim))
			}
		}
	}
}

func TestBarsEscape(t *testing.T) {
	_, out := renderBars(t, svgchart.BarChart{Title: `<script>alert("x")</script>`, Desc: "a & b", Unit: "<u>",
		Bars: []svgchart.Bar{{Label: `"><svg onload=alert(1)>`, Value: 3}, {Label: "ok", Title: "</title><script>", Value: 1}}})
	if strings.Contains(out, "<script") || strings.Contains(out, "<svg onload") || strings.Contains(out, "<u>") {
		t.Errorf("unescaped: %s", out)
	}
}

func texts(nodes []*node) []string {
	var out []string
	for _, n := range nodes {
		out = append(out, n.Text)
	}
	return out
}

func TestBarsOfFewCountsTickWholeNumbers(t *testing.T) {
	for _, horizontal := range []bool{false, true} {
		root, _ := renderBars(t, svgchart.BarChart{Title: "求助", Horizontal: horizontal, Bars: []svgchart.Bar{{Label: "a", Value: 1}, {Label: "b", Value: 2}}})
		class := "chart-ylabel"
		if horizontal {
			class = "chart-xlabel"
		}
		for _, l := range root.find("text", class) {
			if strings.Contains(l.Text, ".") {
				t.Errorf("horizontal %v: a tick %q between whole numbers", horizontal, l.Text)
			}
		}
	}
	// Hours are not counts: their ticks may fall between.
	root, _ := renderBars(t, svgchart.BarChart{Title: "时长", Bars: []svgchart.Bar{{Label: "a", Value: 0.5}, {Label: "b", Value: 1.5}}})
	if got := texts(root.find("text", "chart-ylabel")); !strings.Contains(strings.Join(got, " "), ".5") {
		t.Errorf("ticks of hours %v", got)
	}
}
