package svgchart_test

import (
	"bytes"
	"encoding/xml"
	"errors"
	"html/template"
	"io"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"guli/svgchart"
)

// node is an element of the parsed output.
type node struct {
	XMLName xml.Name
	Attrs   []xml.Attr `xml:",any,attr"`
	Nodes   []node     `xml:",any"`
	Text    string     `xml:",chardata"`
}

func (n *node) attr(name string) string {
	for _, a := range n.Attrs {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

func (n *node) hasClass(class string) bool {
	return slices.Contains(strings.Fields(n.attr("class")), class)
}

// walk calls f for n and its descendants, depth first, in document order.
func (n *node) walk(f func(*node)) {
	f(n)
	for i := range n.Nodes {
		n.Nodes[i].walk(f)
	}
}

// find returns the elements named name (any name if "") with class (any if "").
func (n *node) find(name, class string) []*node {
	var out []*node
	n.walk(func(m *node) {
		if (name == "" || m.XMLName.Local == name) && (class == "" || m.hasClass(class)) {
			out = append(out, m)
		}
	})
	return out
}

func (n *node) child(name string) *node {
	for i := range n.Nodes {
		if n.Nodes[i].XMLName.Local == name {
			return &n.Nodes[i]
		}
	}
	return nil
}

// numAttr returns a numeric attribute, failing the test if it is not a number.
func numAttr(t *testing.T, n *node, name string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(n.attr(name), 64)
	if err != nil {
		t.Fatalf("<%s %s=%q>: %v", n.XMLName.Local, name, n.attr(name), err)
	}
	return v
}

// render renders c and checks what every chart must satisfy: well-formed XML
// with one <svg> root, accessible name, CSP-safe, compact finite coordinates
// inside the viewBox.
func render(t *testing.T, c svgchart.Chart) (*node, string) {
	t.Helper()
	return checked(t, string(svgchart.Render(c)))
}

// checked parses a chart's output and checks what every chart must
// satisfy.
func checked(t *testing.T, out string) (*node, string) {
	t.Helper()
	if out == "" {
		t.Fatal("the chart is empty")
	}
	checkWellFormed(t, out)
	var root node
	if err := xml.Unmarshal([]byte(out), &root); err != nil {
		t.Fatalf("xml.Unmarshal: %v\n%s", err, out)
	}
	if root.XMLName.Local != "svg" || root.XMLName.Space != "http://www.w3.org/2000/svg" {
		t.Fatalf("root element %v, want svg in the SVG namespace", root.XMLName)
	}
	checkAccessible(t, &root)
	checkSafe(t, &root, out)
	checkCoordinates(t, &root)
	return &root, out
}

// checkWellFormed reads out to the end as XML: tags balance, entities and
// attributes are valid, and there is exactly one root element.
func checkWellFormed(t *testing.T, out string) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(out))
	depth, roots := 0, 0
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, out)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				roots++
			}
			depth++
		case xml.EndElement:
			depth--
		case xml.CharData:
			if depth == 0 && len(bytes.TrimSpace(tok)) > 0 {
				t.Errorf("text outside the root element: %q", tok)
			}
		default:
			if depth == 0 {
				t.Errorf("%T outside the root element", tok)
			}
		}
	}
	if roots != 1 {
		t.Errorf("%d root elements, want 1", roots)
	}
}

// checkAccessible checks role="img" and that aria-labelledby names the
// chart's own <title> first, then optionally its <desc>, by ids that exist
// once.
func checkAccessible(t *testing.T, root *node) {
	t.Helper()
	if r := root.attr("role"); r != "img" {
		t.Errorf(`role=%q, want "img"`, r)
	}
	ids := map[string]*node{}
	root.walk(func(n *node) {
		if id := n.attr("id"); id != "" {
			if ids[id] != nil {
				t.Errorf("id %q used twice", id)
			}
			ids[id] = n
		}
	})
	refs := strings.Fields(root.attr("aria-labelledby"))
	if len(refs) == 0 || len(refs) > 2 {
		t.Fatalf("aria-labelledby=%q, want the title's id and maybe the desc's", root.attr("aria-labelledby"))
	}
	for i, ref := range refs {
		n := ids[ref]
		if n == nil {
			t.Errorf("aria-labelledby refers to %q, which does not exist", ref)
			continue
		}
		want := []string{"title", "desc"}[i]
		if n.XMLName.Local != want || root.child(want) != n {
			t.Errorf("aria-labelledby %q is a <%s>, want the svg's own <%s>", ref, n.XMLName.Local, want)
		}
	}
	if len(root.Nodes) == 0 || root.Nodes[0].XMLName.Local != "title" {
		t.Errorf("the svg's first child is not its <title>")
	}
	if d := root.child("desc"); d != nil && len(refs) != 2 {
		t.Errorf("<desc> exists but is not referenced")
	}
}

// checkSafe checks the output would pass a strict CSP and cannot run script.
func checkSafe(t *testing.T, root *node, out string) {
	t.Helper()
	lower := strings.ToLower(out)
	for _, bad := range []string{"style=", "<style", "<script", "javascript:", "<foreignobject"} {
		if strings.Contains(lower, bad) {
			t.Errorf("output contains %q", bad)
		}
	}
	root.walk(func(n *node) {
		for _, a := range n.Attrs {
			if name := strings.ToLower(a.Name.Local); name == "style" || strings.HasPrefix(name, "on") || strings.HasSuffix(name, "href") {
				t.Errorf("<%s> has attribute %s", n.XMLName.Local, a.Name.Local)
			}
		}
	})
}

var compactNumber = regexp.MustCompile(`^-?[0-9]+(\.[0-9])?$`)

// checkCoordinates checks every coordinate is an integer or has one decimal,
// and that shapes lie inside the viewBox.
func checkCoordinates(t *testing.T, root *node) {
	t.Helper()
	vb := strings.Fields(root.attr("viewBox"))
	if len(vb) != 4 || vb[0] != "0" || vb[1] != "0" {
		t.Fatalf("viewBox=%q", root.attr("viewBox"))
	}
	w, _ := strconv.ParseFloat(vb[2], 64)
	h, _ := strconv.ParseFloat(vb[3], 64)
	check := func(n *node, name, v string, limit float64) {
		if !compactNumber.MatchString(v) {
			t.Errorf("<%s %s=%q>: not an integer or 1-decimal number", n.XMLName.Local, name, v)
			return
		}
		if f, _ := strconv.ParseFloat(v, 64); f < 0 || f > limit {
			t.Errorf("<%s %s=%q>: outside the viewBox 0–%v", n.XMLName.Local, name, v, limit)
		}
	}
	root.walk(func(n *node) {
		for _, a := range n.Attrs {
			switch a.Name.Local {
			case "x", "x1", "x2", "cx", "width":
				check(n, a.Name.Local, a.Value, w)
			case "y", "y1", "y2", "cy", "height":
				check(n, a.Name.Local, a.Value, h)
			case "points":
				for _, p := range strings.Fields(a.Value) {
					x, y, ok := strings.Cut(p, ",")
					if !ok {
						t.Errorf("points %q: bad pair %q", a.Value, p)
						continue
					}
					check(n, "points x", x, w)
					check(n, "points y", y, h)
				}
			}
		}
	})
}

var (
	cst = time.FixedZone("CST", 8*60*60)
	day = func(m time.Month, d int) time.Time { return time.Date(2023, m, d, 8, 30, 0, 0, cst) }
)

// daily returns n points, one a day from Feb 1, with values from f.
func daily(n int, f func(i int) float64) []svgchart.Point {
	ps := make([]svgchart.Point, n)
	for i := range ps {
		ps[i] = svgchart.Point{T: day(2, 1).AddDate(0, 0, i), V: f(i)}
	}
	return ps
}

func bloodPressure(n int) svgchart.Chart {
	return svgchart.Chart{
		Title: "血压趋势",
		Desc:  "最近的血压测量",
		Unit:  "mmHg",
		Series: []svgchart.Series{
			{Label: "收缩压", Class: "line-systolic", Points: daily(n, func(i int) float64 { return 120 + float64(i%7)*5 })},
			{Label: "舒张压", Class: "line-diastolic", Points: daily(n, func(i int) float64 { return 75 + float64(i%4)*4 })},
		},
		Bands: []svgchart.Band{
			{From: 90, To: 140, Class: "band-systolic", Label: "收缩压正常范围"},
			{From: 60, To: 90, Class: "band-diastolic", Label: "舒张压正常范围"},
		},
	}
}

func TestRenderCharts(t *testing.T) {
	for _, tc := range []struct {
		name              string
		chart             svgchart.Chart
		width, height     string
		circles, polyline int
	}{
		{"blood pressure", bloodPressure(10), "640", "320", 20, 2},
		{"temperature", svgchart.Chart{Title: "体温", Unit: "°C", Series: []svgchart.Series{
			{Label: "体温", Class: "line-temperature", Points: daily(5, func(i int) float64 { return 36.2 + float64(i)/10 })},
		}, Bands: []svgchart.Band{{From: 36, To: 37.3, Class: "band-normal"}}}, "640", "320", 5, 1},
		{"no desc, no unit, no labels", svgchart.Chart{Title: "t", Series: []svgchart.Series{
			{Points: daily(3, func(i int) float64 { return float64(i) })},
		}}, "640", "320", 3, 1},
		{"one point", svgchart.Chart{Title: "体温", Series: []svgchart.Series{
			{Label: "体温", Points: []svgchart.Point{{T: day(2, 1), V: 36.6}}},
		}}, "640", "320", 1, 0},
		{"one point each, same time", svgchart.Chart{Title: "血压", Series: []svgchart.Series{
			{Label: "收缩压", Points: []svgchart.Point{{T: day(2, 1), V: 130}}},
			{Label: "舒张压", Points: []svgchart.Point{{T: day(2, 1), V: 80}}},
		}}, "640", "320", 2, 0},
		{"one point and an empty series", svgchart.Chart{Title: "血压", Series: []svgchart.Series{
			{Label: "收缩压"},
			{Label: "舒张压", Points: []svgchart.Point{{T: day(2, 1), V: 0}}},
		}}, "640", "320", 1, 0},
		{"custom size", svgchart.Chart{Title: "t", Width: 360, Height: 240, Series: bloodPressure(3).Series}, "360", "240", 6, 2},
		{"tiny size is raised", svgchart.Chart{Title: "t", Width: 10, Height: 10, Series: bloodPressure(3).Series}, "160", "100", 6, 2},
		{"only width", svgchart.Chart{Title: "t", Width: 800, Series: bloodPressure(2).Series}, "800", "320", 4, 2},
		{"negative values", svgchart.Chart{Title: "气温", Unit: "°C", Series: []svgchart.Series{
			{Label: "气温", Points: daily(4, func(i int) float64 { return float64(i*3) - 5.5 })},
		}}, "640", "320", 4, 1},
		{"NaN and Inf skipped", svgchart.Chart{Title: "t", Series: []svgchart.Series{
			{Points: []svgchart.Point{{day(2, 1), 1}, {day(2, 2), math.NaN()}, {day(2, 3), math.Inf(1)}, {day(2, 4), 2}}},
		}}, "640", "320", 2, 1},
		{"values outside an explicit range", svgchart.Chart{Title: "t", YMin: 50, YMax: 100, Series: []svgchart.Series{
			{Points: []svgchart.Point{{day(2, 1), -1000}, {day(2, 2), 75}, {day(2, 3), 1e9}}},
		}}, "640", "320", 3, 1},
		{"decades apart", svgchart.Chart{Title: "t", Series: []svgchart.Series{
			{Points: []svgchart.Point{{time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), 1}, {time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC), 2}}},
		}}, "640", "320", 2, 1},
		{"band beyond the data", svgchart.Chart{Title: "t", Series: []svgchart.Series{
			{Points: daily(3, func(i int) float64 { return 100 + float64(i) })},
		}, Bands: []svgchart.Band{{From: 140, To: 90}, {From: math.NaN(), To: 1}}}, "640", "320", 3, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root, out := render(t, tc.chart)
			if want := "0 0 " + tc.width + " " + tc.height; root.attr("viewBox") != want {
				t.Errorf("viewBox=%q, want %q", root.attr("viewBox"), want)
			}
			if n := len(root.find("circle", "")); n != tc.circles {
				t.Errorf("%d circles, want %d", n, tc.circles)
			}
			if n := len(root.find("polyline", "")); n != tc.polyline {
				t.Errorf("%d polylines, want %d", n, tc.polyline)
			}
			for _, bad := range []string{"NaN", "Inf"} {
				if strings.Contains(out, bad) {
					t.Errorf("output contains %s", bad)
				}
			}
			if got := root.child("title").Text; got != tc.chart.Title {
				t.Errorf("title %q, want %q", got, tc.chart.Title)
			}
			if d := root.child("desc"); (d != nil) != (tc.chart.Desc != "") || d != nil && d.Text != tc.chart.Desc {
				t.Errorf("desc %v, want %q", d, tc.chart.Desc)
			}
			checkTicks(t, root, 4, 6)
			checkXLabels(t, root)
			for _, c := range root.find("circle", "chart-dot") {
				if c.child("title") == nil || c.child("title").Text == "" {
					t.Errorf("circle without a <title>")
				}
			}
		})
	}
}

// ticks returns the Y tick labels' values in document order, and the y of the
// gridlines, checking they pair up.
func ticks(t *testing.T, root *node) (values, ys []float64) {
	t.Helper()
	labels, grid := root.find("text", "chart-ylabel"), root.find("line", "chart-grid")
	if len(labels) != len(grid) {
		t.Fatalf("%d Y labels but %d gridlines", len(labels), len(grid))
	}
	for i, l := range labels {
		v, err := strconv.ParseFloat(l.Text, 64)
		if err != nil {
			t.Fatalf("Y label %q: %v", l.Text, err)
		}
		values = append(values, v)
		ys = append(ys, numAttr(t, grid[i], "y1"))
		if y2 := numAttr(t, grid[i], "y2"); y2 != ys[i] {
			t.Errorf("gridline not horizontal: y1=%v y2=%v", ys[i], y2)
		}
	}
	return values, ys
}

// checkTicks checks there are min–max Y ticks, evenly spaced by a round step,
// in order, and that every dot lies between the outermost gridlines.
func checkTicks(t *testing.T, root *node, least, most int) {
	t.Helper()
	values, ys := ticks(t, root)
	if len(values) < least || len(values) > most {
		t.Fatalf("%d Y ticks %v, want %d–%d", len(values), values, least, most)
	}
	if len(values) < 2 {
		return
	}
	vlo, vhi := slices.Min(values), slices.Max(values)
	step := (vhi - vlo) / float64(len(values)-1)
	if !round(step) {
		t.Errorf("tick step %v of %v is not 1, 2, 2.5 or 5 times a power of ten", step, values)
	}
	for i := 1; i < len(values); i++ {
		if math.Abs(math.Abs(values[i]-values[i-1])-step) > step*1e-6 {
			t.Errorf("ticks %v unevenly spaced", values)
		}
		if (values[i]-values[i-1])*(ys[i]-ys[i-1]) >= 0 {
			t.Errorf("ticks %v at y %v: a higher value is not drawn higher", values, ys)
		}
	}
	top, bottom := slices.Min(ys), slices.Max(ys)
	for _, c := range root.find("circle", "") {
		if cy := numAttr(t, c, "cy"); cy < top-0.05 || cy > bottom+0.05 {
			t.Errorf("dot at cy=%v (%s) outside the ticks' range y %v–%v", cy, c.child("title").Text, top, bottom)
		}
	}
}

// round reports whether step is 1, 2, 2.5 or 5 times a power of ten.
func round(step float64) bool {
	e := math.Floor(math.Log10(step))
	m := step / math.Pow(10, e)
	for _, nice := range []float64{1, 2, 2.5, 5, 10} {
		if math.Abs(m-nice) < 1e-6 {
			return true
		}
	}
	return false
}

// labelWidth estimates a label's width at the chart's font-size of 14:
// wide (CJK) characters an em, others 0.6 em.
func labelWidth(s string) float64 {
	var w float64
	for _, r := range s {
		if r >= 0x1100 {
			w += 14
		} else {
			w += 14 * 0.6
		}
	}
	return w
}

// checkXLabels checks there are 1 to 8 X labels, left to right, that do not
// overlap, and each fits in the viewBox.
func checkXLabels(t *testing.T, root *node) []*node {
	t.Helper()
	labels := root.find("text", "chart-xlabel")
	if len(labels) < 1 || len(labels) > 8 {
		t.Errorf("%d X labels, want 1–8", len(labels))
	}
	width, _ := strconv.ParseFloat(strings.Fields(root.attr("viewBox"))[2], 64)
	for i, l := range labels {
		x := numAttr(t, l, "x")
		if l.attr("text-anchor") != "middle" {
			t.Errorf("X label %q not centred", l.Text)
		}
		if half := labelWidth(l.Text) / 2; x-half < -0.05 || x+half > width+0.05 {
			t.Errorf("X label %q at x=%v sticks out of the viewBox (width %v)", l.Text, x, width)
		}
		if i > 0 {
			prev := labels[i-1]
			if gap := x - numAttr(t, prev, "x"); gap < (labelWidth(prev.Text)+labelWidth(l.Text))/2 {
				t.Errorf("X labels %q and %q overlap (%v apart)", prev.Text, l.Text, gap)
			}
		}
	}
	return labels
}

func TestRenderNoPoints(t *testing.T) {
	for _, tc := range []struct {
		name  string
		chart svgchart.Chart
	}{
		{"zero chart", svgchart.Chart{}},
		{"no series", svgchart.Chart{Title: "血压", Bands: []svgchart.Band{{From: 90, To: 140}}}},
		{"series without points", svgchart.Chart{Title: "血压", Series: []svgchart.Series{{Label: "收缩压"}, {Label: "舒张压", Points: []svgchart.Point{}}}}},
		{"only NaN", svgchart.Chart{Title: "体温", Series: []svgchart.Series{{Points: []svgchart.Point{{day(2, 1), math.NaN()}}}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := svgchart.Render(tc.chart); got != "" {
				t.Errorf("Render = %q, want empty", got)
			}
		})
	}
}

func TestRenderEscapes(t *testing.T) {
	const nasty = `<b>&amp;"x" 'y'</b>`
	c := svgchart.Chart{
		Title: `血压 <&>"` + nasty,
		Desc:  "desc " + nasty,
		Unit:  "u" + nasty,
		Series: []svgchart.Series{
			{Label: "l" + nasty, Class: `c" onload="alert(1)`, Points: daily(2, func(i int) float64 { return float64(i) })},
			{Label: "m" + nasty, Class: "line-other", Points: daily(2, func(i int) float64 { return float64(i) })},
		},
		Bands:     []svgchart.Band{{From: 0, To: 1, Class: "band", Label: "b" + nasty}},
		DateLabel: func(time.Time) string { return "d" + nasty },
	}
	root, out := render(t, c)
	if strings.Contains(out, "<b>") || strings.Contains(out, `"x"`) || strings.Contains(out, `" onload`) {
		t.Errorf("unescaped text in output:\n%s", out)
	}
	texts := map[string]bool{}
	root.walk(func(n *node) { texts[n.Text] = true })
	for _, want := range []string{c.Title, c.Desc, c.Unit, "l" + nasty, "m" + nasty, "b" + nasty, "d" + nasty,
		"l" + nasty + ": 0 u" + nasty + ", d" + nasty} {
		if !texts[want] {
			t.Errorf("no element has the text %q", want)
		}
	}
	if dots := root.find("circle", "chart-dot"); len(dots) != 4 || dots[0].attr("class") != `chart-dot c" onload="alert(1)` {
		t.Errorf("class not kept as one escaped attribute: %q", dots[0].attr("class"))
	}
}

func TestRenderDropsCharactersXMLForbids(t *testing.T) {
	root, _ := render(t, svgchart.Chart{
		Title:  "a\x00b\x08c\x1bd\xffe\uFFFEf",
		Series: []svgchart.Series{{Label: "x\x01", Points: daily(1, func(int) float64 { return 1 })}},
	})
	if got, want := root.child("title").Text, "abcd\uFFFDef"; got != want {
		t.Errorf("title %q, want %q", got, want)
	}
}

func TestRenderInTemplate(t *testing.T) {
	svg := svgchart.Render(bloodPressure(3))
	tmpl := template.Must(template.New("").Parse(`<figure>{{.}}</figure>`))
	var b strings.Builder
	if err := tmpl.Execute(&b, svg); err != nil {
		t.Fatal(err)
	}
	if want := "<figure>" + string(svg) + "</figure>"; b.String() != want {
		t.Errorf("html/template changed the svg:\n%s", b.String())
	}
}

func TestRenderUniqueIDs(t *testing.T) {
	const n = 50
	outs := make([]template.HTML, n)
	var wg sync.WaitGroup
	for i := range outs {
		wg.Go(func() { outs[i] = svgchart.Render(bloodPressure(2)) })
	}
	wg.Wait()
	seen := map[string]bool{}
	for _, out := range outs {
		var root node
		if err := xml.Unmarshal([]byte(out), &root); err != nil {
			t.Fatal(err)
		}
		root.walk(func(m *node) {
			if id := m.attr("id"); id != "" {
				if seen[id] {
					t.Errorf("id %q used by two charts", id)
				}
				seen[id] = true
			}
		})
	}
	if len(seen) != 2*n {
		t.Errorf("%d ids in %d charts with desc, want %d", len(seen), n, 2*n)
	}
}

func TestRenderThirtyPoints(t *testing.T) {
	c := svgchart.Chart{Title: "体温", Unit: "°C", Series: []svgchart.Series{
		{Label: "体温", Class: "line-temperature", Points: daily(30, func(i int) float64 { return 36 + float64(i%10)/10 })},
	}}
	root, _ := render(t, c)
	dots := root.find("circle", "")
	if len(dots) != 30 {
		t.Fatalf("%d circles, want 30", len(dots))
	}
	for i, d := range dots {
		if !d.hasClass("line-temperature") || !d.hasClass("chart-dot") {
			t.Errorf("circle %d class %q", i, d.attr("class"))
		}
		p := c.Series[0].Points[i]
		want := "体温: " + strconv.FormatFloat(p.V, 'f', -1, 64) + " °C, " + p.T.Format("1/2")
		if got := d.child("title").Text; got != want {
			t.Errorf("circle %d title %q, want %q", i, got, want)
		}
	}
	lines := root.find("polyline", "")
	if len(lines) != 1 || !lines[0].hasClass("line-temperature") {
		t.Fatalf("polylines %v", lines)
	}
	if n := len(strings.Fields(lines[0].attr("points"))); n != 30 {
		t.Errorf("polyline has %d points, want 30", n)
	}
	if n := len(checkXLabels(t, root)); n < 2 {
		t.Errorf("%d X labels for 30 days", n)
	}
	if n := len(root.find("text", "chart-legend")); n != 0 {
		t.Errorf("%d legend entries for one series, want none", n)
	}
}

func TestRenderSortsPoints(t *testing.T) {
	pts := []svgchart.Point{{day(2, 5), 5}, {day(2, 1), 1}, {day(2, 3), 3}, {day(2, 2), 2}, {day(2, 4), 4}}
	orig := slices.Clone(pts)
	root, _ := render(t, svgchart.Chart{Title: "t", Series: []svgchart.Series{{Label: "v", Points: pts}}})
	if !slices.Equal(pts, orig) {
		t.Errorf("Render reordered the caller's points: %v", pts)
	}
	var xs, ys []float64
	for _, p := range strings.Fields(root.find("polyline", "")[0].attr("points")) {
		x, y, _ := strings.Cut(p, ",")
		fx, _ := strconv.ParseFloat(x, 64)
		fy, _ := strconv.ParseFloat(y, 64)
		xs, ys = append(xs, fx), append(ys, fy)
	}
	if !slices.IsSorted(xs) {
		t.Errorf("polyline x %v not increasing", xs)
	}
	if !slices.IsSorted(reversed(ys)) || ys[0] == ys[len(ys)-1] {
		t.Errorf("polyline y %v: rising values should go up", ys)
	}
	for i, d := range root.find("circle", "") {
		if want := "v: " + strconv.Itoa(i+1) + ", 2/" + strconv.Itoa(i+1); d.child("title").Text != want {
			t.Errorf("circle %d title %q, want %q", i, d.child("title").Text, want)
		}
	}
	var labels []string
	for _, l := range root.find("text", "chart-xlabel") {
		labels = append(labels, l.Text)
	}
	if len(labels) == 0 || labels[0] != "2/1" || labels[len(labels)-1] != "2/5" {
		t.Errorf("X labels %q, want 2/1 first and 2/5 last", labels)
	}
}

func reversed(s []float64) []float64 {
	r := slices.Clone(s)
	slices.Reverse(r)
	return r
}

func TestRenderYTicksCoverData(t *testing.T) {
	for _, tc := range []struct {
		name   string
		values []float64
		bands  []svgchart.Band
	}{
		{"blood pressure", []float64{118, 135, 160, 142}, nil},
		{"temperature", []float64{36.2, 36.8, 37.1}, nil},
		{"fever", []float64{36.5, 39.4}, []svgchart.Band{{From: 36, To: 37.3}}},
		{"one value", []float64{36.6}, nil},
		{"all equal", []float64{120, 120, 120}, nil},
		{"zero", []float64{0, 0}, nil},
		{"negative", []float64{-12.5, -3}, nil},
		{"around zero", []float64{-0.4, 0.3}, nil},
		{"tiny", []float64{0.0012, 0.0019}, nil},
		{"large", []float64{1200, 250000}, nil},
		{"on round numbers", []float64{100, 200}, nil},
		{"band wider than data", []float64{120, 125}, []svgchart.Band{{From: 90, To: 140}}},
		{"huge and NaN skipped", []float64{5, 7, 1e300, math.NaN()}, nil},
		{"minute", []float64{1e-300}, nil}, // once needed 300 decimals and a margin wider than the chart
	} {
		t.Run(tc.name, func(t *testing.T) {
			var pts []svgchart.Point
			for i, v := range tc.values {
				pts = append(pts, svgchart.Point{T: day(3, 1+i), V: v})
			}
			root, _ := render(t, svgchart.Chart{Title: "t", Bands: tc.bands, Series: []svgchart.Series{{Points: pts}}})
			checkTicks(t, root, 4, 6) // and every dot between the outer ticks
			values, _ := ticks(t, root)
			for _, v := range tc.values {
				if math.Abs(v) < 1e15 && (v < slices.Min(values) || v > slices.Max(values)) {
					t.Errorf("value %v outside ticks %v", v, values)
				}
			}
			for _, b := range tc.bands {
				if min(b.From, b.To) < slices.Min(values) || max(b.From, b.To) > slices.Max(values) {
					t.Errorf("band %v–%v outside ticks %v", b.From, b.To, values)
				}
			}
			if slices.Min(tc.values) >= 0 && slices.Min(values) < 0 {
				t.Errorf("ticks %v go below zero for non-negative data", values)
			}
		})
	}
}

func TestRenderExplicitYRange(t *testing.T) {
	for _, tc := range []struct {
		name       string
		ymin, ymax float64
		want       []float64 // tick values, bottom to top
	}{
		{"0–200", 0, 200, []float64{0, 50, 100, 150, 200}},
		{"35–42", 35, 42, []float64{36, 38, 40, 42}},
		{"40–180", 40, 180, []float64{50, 75, 100, 125, 150, 175}},
		{"ignored when YMax <= YMin", 10, 5, nil},
		{"ignored when too narrow", 0, 5e-324, nil}, // once looped forever
		{"ignored when absurd", -1e300, 1e300, nil},
		{"ignored when NaN", math.NaN(), 200, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root, _ := render(t, svgchart.Chart{Title: "t", YMin: tc.ymin, YMax: tc.ymax, Series: []svgchart.Series{
				{Points: []svgchart.Point{{day(2, 1), 100}, {day(2, 2), 130}}},
			}})
			values, _ := ticks(t, root)
			if tc.want == nil {
				checkTicks(t, root, 4, 6)
				return
			}
			if !slices.Equal(values, tc.want) {
				t.Errorf("ticks %v, want %v", values, tc.want)
			}
		})
	}
}

func TestRenderXLabels(t *testing.T) {
	twice := func(n int) []svgchart.Point { // morning and evening
		var ps []svgchart.Point
		for _, p := range daily(n, func(i int) float64 { return float64(i) }) {
			ps = append(ps, p, svgchart.Point{T: p.T.Add(11 * time.Hour), V: p.V + 1})
		}
		return ps
	}
	clusters := []svgchart.Point{{day(1, 1), 1}, {day(1, 2), 2}, {day(1, 3), 3}, {day(3, 1), 4}, {day(3, 2), 5}}
	for _, tc := range []struct {
		name        string
		points      []svgchart.Point
		width       int
		dateLabel   func(time.Time) string
		want        int // number of labels; 0: between 2 and 8
		first, last string
	}{
		{"one date", daily(1, func(int) float64 { return 1 }), 0, nil, 1, "2/1", "2/1"},
		{"two dates", daily(2, func(int) float64 { return 1 }), 0, nil, 2, "2/1", "2/2"},
		{"seven dates", daily(7, func(int) float64 { return 1 }), 0, nil, 7, "2/1", "2/7"},
		{"eight dates", daily(8, func(int) float64 { return 1 }), 0, nil, 8, "2/1", "2/8"},
		{"nine dates", daily(9, func(int) float64 { return 1 }), 0, nil, 0, "2/1", "2/9"},
		{"thirty dates", daily(30, func(int) float64 { return 1 }), 0, nil, 0, "2/1", "3/2"},
		{"a year", daily(365, func(int) float64 { return 1 }), 0, nil, 0, "2/1", "1/31"},
		{"two a day, one label a day", twice(3), 0, nil, 3, "2/1", "2/3"},
		{"two a day for 20 days", twice(20), 0, nil, 0, "2/1", "2/20"},
		{"clustered dates", clusters, 0, nil, 0, "1/1", "3/2"},
		{"phone width", daily(30, func(int) float64 { return 1 }), 320, nil, 0, "2/1", "3/2"},
		{"long Chinese labels", daily(14, func(int) float64 { return 1 }), 360,
			func(t time.Time) string { return t.Format("2006年1月2日") }, 0, "2023年2月1日", "2023年2月14日"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root, _ := render(t, svgchart.Chart{
				Title: "t", Width: tc.width, DateLabel: tc.dateLabel,
				Series: []svgchart.Series{{Label: "v", Points: tc.points}},
			})
			labels := checkXLabels(t, root) // at most 8, no overlap
			var texts []string
			for _, l := range labels {
				texts = append(texts, l.Text)
			}
			if tc.want != 0 && len(labels) != tc.want {
				t.Errorf("%d X labels %q, want %d", len(labels), texts, tc.want)
			}
			if tc.want == 0 && (len(labels) < 2 || len(labels) > 8) {
				t.Errorf("%d X labels %q, want 2–8", len(labels), texts)
			}
			if len(texts) > 0 && (texts[0] != tc.first || texts[len(texts)-1] != tc.last) {
				t.Errorf("X labels %q, want %q first and %q last", texts, tc.first, tc.last)
			}
			if len(slices.Compact(slices.Clone(texts))) != len(texts) {
				t.Errorf("X labels repeat a date: %q", texts)
			}
		})
	}
}

func TestRenderBandsAndLegend(t *testing.T) {
	root, _ := render(t, bloodPressure(5))
	rects := root.find("rect", "chart-band")
	if len(rects) != 2 || !rects[0].hasClass("band-systolic") || !rects[1].hasClass("band-diastolic") {
		t.Fatalf("band rects %v", rects)
	}
	values, ys := ticks(t, root)
	yOf := func(v float64) float64 { // interpolated between the first two gridlines
		return ys[0] + (v-values[0])*(ys[1]-ys[0])/(values[1]-values[0])
	}
	for i, want := range [][2]float64{{140, 90}, {90, 60}} {
		y, h := numAttr(t, rects[i], "y"), numAttr(t, rects[i], "height")
		if math.Abs(y-yOf(want[0])) > 0.1 || math.Abs(y+h-yOf(want[1])) > 0.1 {
			t.Errorf("band %d spans y %v–%v, want %v–%v", i, y, y+h, yOf(want[0]), yOf(want[1]))
		}
		if title := rects[i].child("title"); title == nil || title.Text != bloodPressure(1).Bands[i].Label {
			t.Errorf("band %d title %v", i, title)
		}
	}
	var legend []string
	for _, l := range root.find("text", "chart-legend") {
		legend = append(legend, l.Text)
	}
	if !slices.Contains(legend, "收缩压") || !slices.Contains(legend, "舒张压") || len(legend) != 2 {
		t.Errorf("legend %q", legend)
	}
	swatches := root.find("line", "chart-line")
	if len(swatches) != 2 {
		t.Errorf("%d legend swatches, want 2", len(swatches))
	}
	for _, s := range slices.Concat(root.find("polyline", ""), swatches) {
		if s.attr("fill") != "none" {
			t.Errorf("<%s class=%q> would be filled", s.XMLName.Local, s.attr("class"))
		}
	}
}

func TestRenderBandOutsideExplicitRange(t *testing.T) {
	root, _ := render(t, svgchart.Chart{
		Title: "t", YMin: 35, YMax: 42,
		Series: []svgchart.Series{{Points: daily(2, func(i int) float64 { return 36.5 })}},
		Bands:  []svgchart.Band{{From: 0, To: 10, Class: "below"}, {From: 30, To: 37.3, Class: "clipped"}},
	})
	if r := root.find("rect", "below"); len(r) != 0 {
		t.Errorf("band outside the range drawn")
	}
	r := root.find("rect", "clipped")
	if len(r) != 1 {
		t.Fatalf("clipped band: %d rects", len(r))
	}
	_, ys := ticks(t, root)
	bottomTick := slices.Max(ys) // 36 is the lowest tick; the range goes down to 35
	if bottom := numAttr(t, r[0], "y") + numAttr(t, r[0], "height"); bottom <= bottomTick {
		t.Errorf("clipped band ends at y %v, above the lowest tick %v", bottom, bottomTick)
	}
}

func FuzzRender(f *testing.F) {
	f.Add("血压 <&>", 120.0, 80.0, 36.6, 0.0, 0.0, int64(1675209600), int64(1675296000), int64(1675209600), 0, 0)
	f.Add("", 0.0, 0.0, 0.0, 0.0, 0.0, int64(0), int64(0), int64(0), 10, 10)
	f.Add("x", 1e14, -1e14, 1e-300, 35.0, 42.0, int64(-1e11), int64(1e11), int64(3), 360, 240)
	f.Add("z", 1.0, 2.0, 3.0, 0.0, 5e-324, int64(1), int64(2), int64(3), 0, 0)
	f.Add("y", math.NaN(), math.Inf(1), 5.0, 1e15-0.1, 1e15, int64(5), int64(4), int64(3), -1, 5000)
	f.Fuzz(func(t *testing.T, title string, v1, v2, v3, ymin, ymax float64, s1, s2, s3 int64, w, h int) {
		c := svgchart.Chart{
			Title: title, YMin: ymin, YMax: ymax, Unit: "mmHg", Width: w % 5000, Height: h % 5000,
			Series: []svgchart.Series{
				{Label: "收缩压", Class: "a", Points: []svgchart.Point{{time.Unix(s1, 0), v1}, {time.Unix(s2, 0), v2}}},
				{Label: "舒张压", Class: "b", Points: []svgchart.Point{{time.Unix(s3, 0), v3}}},
			},
			Bands: []svgchart.Band{{From: v2, To: v3, Class: "band", Label: title}},
		}
		drawable := 0
		for _, v := range []float64{v1, v2, v3} {
			if math.Abs(v) <= 1e15 {
				drawable++
			}
		}
		if drawable == 0 {
			if out := svgchart.Render(c); out != "" {
				t.Fatalf("Render = %q, want empty", out)
			}
			return
		}
		root, out := render(t, c)
		if n := len(root.find("circle", "")); n != drawable {
			t.Errorf("%d circles, want %d", n, drawable)
		}
		if strings.Contains(out, "NaN") || strings.Contains(out, "Inf") {
			t.Errorf("NaN or Inf in output")
		}
		checkXLabels(t, root)
		if values, _ := ticks(t, root); len(values) > 6 {
			t.Errorf("%d ticks", len(values))
		}
	})
}
