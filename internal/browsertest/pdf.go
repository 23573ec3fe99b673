package browsertest

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf16"
)

// PDFPages reads the text of each page of a PDF that Chromium printed
// (Skia's writer: classic objects, Flate streams, fonts with ToUnicode
// maps), in page order. A text object (BT … ET) starts a new line. Text a
// marked span says with /ActualText (Skia's way with glyphs the map cannot
// name alone) is that text. It reads what the page draws, through the
// fonts' own maps: text missing from the PDF, or drawn with glyphs no map
// names (a font without the characters), is not found.
func PDFPages(pdf []byte) ([]string, error) {
	doc, err := readPDF(pdf)
	if err != nil {
		return nil, err
	}
	var pages []string
	for _, p := range doc.pageOrder() {
		text, err := doc.pageText(p)
		if err != nil {
			return nil, fmt.Errorf("page %d: %w", len(pages)+1, err)
		}
		pages = append(pages, text)
	}
	return pages, nil
}

type pdfObject struct {
	dict   string // the object's text up to its stream, if any
	stream []byte // decoded
}

type pdfDoc struct {
	objects map[int]*pdfObject
	cmaps   map[int]map[string]string // by ToUnicode object: code → text
}

var (
	objectStart = regexp.MustCompile(`(?m)(?:^|[\r\n])(\d+) 0 obj\b`)
	lengthKey   = regexp.MustCompile(`/Length\s+(\d+)(\s+0\s+R)?`)
	refTo       = regexp.MustCompile(`(\d+)\s+0\s+R`)
)

func readPDF(pdf []byte) (*pdfDoc, error) {
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		return nil, fmt.Errorf("not a PDF")
	}
	doc := &pdfDoc{objects: map[int]*pdfObject{}, cmaps: map[int]map[string]string{}}
	// Object by object from the start, each stream skipped by its length,
	// so that bytes in a stream are never taken for an object.
	for at := 0; ; {
		m := objectStart.FindSubmatchIndex(pdf[at:])
		if m == nil {
			break
		}
		num, _ := strconv.Atoi(string(pdf[at+m[2] : at+m[3]]))
		from := at + m[1]
		body := pdf[from:]
		obj := &pdfObject{}
		end := bytes.Index(body, []byte("endobj"))
		s := bytes.Index(body, []byte("stream"))
		if s < 0 || end >= 0 && end < s {
			if end < 0 {
				return nil, fmt.Errorf("object %d has no end", num)
			}
			obj.dict = string(body[:end])
			doc.objects[num] = obj
			at = from + end + len("endobj")
			continue
		}
		obj.dict = string(body[:s])
		dataAt := s + len("stream")
		if dataAt < len(body) && body[dataAt] == '\r' {
			dataAt++
		}
		if dataAt < len(body) && body[dataAt] == '\n' {
			dataAt++
		}
		data := body[dataAt:]
		if l := lengthKey.FindStringSubmatch(obj.dict); l != nil && l[2] == "" {
			n, _ := strconv.Atoi(l[1])
			if n > len(data) {
				return nil, fmt.Errorf("object %d: stream shorter than its length", num)
			}
			data = data[:n]
		} else if e := bytes.Index(data, []byte("endstream")); e >= 0 {
			data = bytes.TrimRight(data[:e], "\r\n")
		}
		at = from + dataAt + len(data)
		if e := bytes.Index(pdf[at:], []byte("endobj")); e >= 0 {
			at += e + len("endobj")
		}
		if strings.Contains(obj.dict, "/FlateDecode") {
			r, err := zlib.NewReader(bytes.NewReader(data))
			if err != nil {
				return nil, fmt.Errorf("object %d: %w", num, err)
			}
			if data, err = io.ReadAll(r); err != nil {
				return nil, fmt.Errorf("object %d: %w", num, err)
			}
		}
		obj.stream = data
		doc.objects[num] = obj
	}
	return doc, nil
}

// pageOrder walks the page tree from its root, the /Pages node with no
// parent, and lists the page objects in order.
func (d *pdfDoc) pageOrder() []int {
	var pages []int
	var walk func(n int)
	walk = func(n int) {
		o := d.objects[n]
		if o == nil {
			return
		}
		if regexp.MustCompile(`/Type\s*/Pages\b`).MatchString(o.dict) {
			kids := regexp.MustCompile(`/Kids\s*\[([^\]]*)\]`).FindStringSubmatch(o.dict)
			if kids == nil {
				return
			}
			for _, k := range refTo.FindAllStringSubmatch(kids[1], -1) {
				c, _ := strconv.Atoi(k[1])
				walk(c)
			}
			return
		}
		pages = append(pages, n)
	}
	for n, o := range d.objects {
		if regexp.MustCompile(`/Type\s*/Pages\b`).MatchString(o.dict) && !strings.Contains(o.dict, "/Parent") {
			walk(n)
		}
	}
	return pages
}

// dictValue finds the value of key in a dictionary's text: a reference,
// an inline dictionary or an array, as text.
func dictValue(dict, key string) string {
	i := regexp.MustCompile(regexp.QuoteMeta(key) + `\b`).FindStringIndex(dict)
	if i == nil {
		return ""
	}
	rest := strings.TrimLeft(dict[i[1]:], " \r\n\t")
	switch {
	case strings.HasPrefix(rest, "<<"):
		depth := 0
		for j := 0; j+1 < len(rest); j++ {
			switch rest[j : j+2] {
			case "<<":
				depth++
				j++
			case ">>":
				depth--
				j++
				if depth == 0 {
					return rest[:j+1]
				}
			}
		}
		return rest
	case strings.HasPrefix(rest, "["):
		if e := strings.IndexByte(rest, ']'); e >= 0 {
			return rest[:e+1]
		}
	}
	if m := regexp.MustCompile(`^\d+\s+0\s+R`).FindString(rest); m != "" {
		return m
	}
	return ""
}

// resolve follows a reference to its object's dictionary text.
func (d *pdfDoc) resolve(v string) (string, int) {
	if m := refTo.FindStringSubmatch(v); m != nil && !strings.HasPrefix(strings.TrimSpace(v), "<<") {
		n, _ := strconv.Atoi(m[1])
		if o := d.objects[n]; o != nil {
			return o.dict, n
		}
	}
	return v, 0
}

// pdfFont is what reading text needs of a font: its ToUnicode map and
// how many bytes a code takes.
type pdfFont struct {
	cmap  map[string]string
	width int
}

func (d *pdfDoc) fonts(page *pdfObject) map[string]pdfFont {
	res, _ := d.resolve(dictValue(page.dict, "/Resources"))
	fontDict, _ := d.resolve(dictValue(res, "/Font"))
	out := map[string]pdfFont{}
	for _, m := range regexp.MustCompile(`/([A-Za-z0-9_.+-]+)\s+(\d+)\s+0\s+R`).FindAllStringSubmatch(fontDict, -1) {
		n, _ := strconv.Atoi(m[2])
		o := d.objects[n]
		if o == nil {
			continue
		}
		f := pdfFont{width: 1}
		if strings.Contains(o.dict, "/Type0") {
			f.width = 2
		}
		if ref := refTo.FindStringSubmatch(dictValue(o.dict, "/ToUnicode")); ref != nil {
			cm, _ := strconv.Atoi(ref[1])
			f.cmap = d.cmap(cm)
		}
		out[m[1]] = f
	}
	return out
}

var (
	bfchar  = regexp.MustCompile(`(?s)beginbfchar(.*?)endbfchar`)
	bfrange = regexp.MustCompile(`(?s)beginbfrange(.*?)endbfrange`)
	hexTok  = regexp.MustCompile(`<([0-9A-Fa-f]*)>`)
)

// cmap reads a ToUnicode map: codes (as hex) to text.
func (d *pdfDoc) cmap(n int) map[string]string {
	if m, ok := d.cmaps[n]; ok {
		return m
	}
	m := map[string]string{}
	d.cmaps[n] = m
	o := d.objects[n]
	if o == nil {
		return m
	}
	s := string(o.stream)
	for _, block := range bfchar.FindAllStringSubmatch(s, -1) {
		toks := hexTok.FindAllStringSubmatch(block[1], -1)
		for i := 0; i+1 < len(toks); i += 2 {
			m[strings.ToUpper(toks[i][1])] = utf16Hex(toks[i+1][1])
		}
	}
	for _, block := range bfrange.FindAllStringSubmatch(s, -1) {
		for _, line := range strings.Split(block[1], "\n") {
			toks := hexTok.FindAllStringSubmatch(line, -1)
			if len(toks) < 3 {
				continue
			}
			lo, _ := strconv.ParseUint(toks[0][1], 16, 32)
			hi, _ := strconv.ParseUint(toks[1][1], 16, 32)
			width := len(toks[0][1])
			if strings.Contains(line, "[") { // a list of targets
				for i, t := range toks[2:] {
					m[fmt.Sprintf("%0*X", width, lo+uint64(i))] = utf16Hex(t[1])
				}
				continue
			}
			dst := []rune(utf16Hex(toks[2][1]))
			for c := lo; c <= hi && c-lo < 65536; c++ {
				r := append([]rune{}, dst...)
				if len(r) > 0 {
					r[len(r)-1] += rune(c - lo)
				}
				m[fmt.Sprintf("%0*X", width, c)] = string(r)
			}
		}
	}
	return m
}

// utf16Hex decodes UTF-16BE written in hex.
func utf16Hex(h string) string {
	var units []uint16
	for i := 0; i+4 <= len(h); i += 4 {
		v, _ := strconv.ParseUint(h[i:i+4], 16, 16)
		units = append(units, uint16(v))
	}
	return string(utf16.Decode(units))
}

func (d *pdfDoc) pageText(n int) (string, error) {
	page := d.objects[n]
	fonts := d.fonts(page)
	var content []byte
	for _, ref := range refTo.FindAllStringSubmatch(dictValue(page.dict, "/Contents"), -1) {
		c, _ := strconv.Atoi(ref[1])
		if o := d.objects[c]; o != nil {
			content = append(append(content, o.stream...), '\n')
		}
	}
	var out strings.Builder
	var font pdfFont
	var operands []pdfToken
	var spans []bool // marked content: whether each says its text with /ActualText
	hidden := func() bool {
		for _, s := range spans {
			if s {
				return true
			}
		}
		return false
	}
	show := func(t pdfToken) {
		if hidden() || t.kind != tokString {
			return
		}
		for i := 0; i+font.width <= len(t.bytes); i += font.width {
			code := fmt.Sprintf("%0*X", 2*font.width, t.bytes[i:i+font.width])
			out.WriteString(font.cmap[code])
		}
	}
	lex := pdfLexer{src: content}
	for {
		t, ok := lex.next()
		if !ok {
			break
		}
		if t.kind != tokOperator {
			operands = append(operands, t)
			continue
		}
		switch t.text {
		case "BT":
			out.WriteByte('\n')
		case "Tf":
			if len(operands) >= 2 {
				font = fonts[strings.TrimPrefix(operands[len(operands)-2].text, "/")]
			}
		case "Tj", "'", `"`:
			if len(operands) > 0 {
				show(operands[len(operands)-1])
			}
		case "TJ":
			for _, o := range operands {
				show(o)
			}
		case "BDC":
			actual := ""
			for i, o := range operands {
				if o.kind == tokName && o.text == "/ActualText" && i+1 < len(operands) {
					actual = decodeTextString(operands[i+1].bytes)
				}
			}
			if actual != "" && !hidden() {
				out.WriteString(actual)
			}
			spans = append(spans, actual != "")
		case "BMC":
			spans = append(spans, false)
		case "EMC":
			if len(spans) > 0 {
				spans = spans[:len(spans)-1]
			}
		}
		operands = operands[:0]
	}
	return out.String(), nil
}

// decodeTextString decodes a PDF text string: UTF-16BE after a byte-order
// mark, else PDFDocEncoding, read as Latin-1.
func decodeTextString(b []byte) string {
	if len(b) >= 2 && b[0] == 0xFE && b[1] == 0xFF {
		units := make([]uint16, 0, len(b)/2)
		for i := 2; i+1 < len(b); i += 2 {
			units = append(units, uint16(b[i])<<8|uint16(b[i+1]))
		}
		return string(utf16.Decode(units))
	}
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return string(r)
}

type tokenKind int

const (
	tokOperator tokenKind = iota
	tokName
	tokString
	tokOther // numbers, brackets, dictionary marks
)

type pdfToken struct {
	kind  tokenKind
	text  string
	bytes []byte // a string's bytes
}

// pdfLexer splits a content stream into tokens; arrays and dictionaries
// come as their parts, so TJ's strings and BDC's dictionary are operands.
type pdfLexer struct {
	src []byte
	i   int
}

func isDelimiter(c byte) bool { return strings.IndexByte("()<>[]{}/%", c) >= 0 }
func isSpace(c byte) bool     { return strings.IndexByte(" \t\r\n\f\x00", c) >= 0 }

func (l *pdfLexer) next() (pdfToken, bool) {
	for l.i < len(l.src) {
		c := l.src[l.i]
		switch {
		case isSpace(c):
			l.i++
		case c == '%':
			for l.i < len(l.src) && l.src[l.i] != '\n' && l.src[l.i] != '\r' {
				l.i++
			}
		case c == '(':
			return pdfToken{kind: tokString, bytes: l.literal()}, true
		case c == '<' && l.i+1 < len(l.src) && l.src[l.i+1] == '<', c == '>' && l.i+1 < len(l.src) && l.src[l.i+1] == '>':
			l.i += 2
			return pdfToken{kind: tokOther, text: string(c) + string(c)}, true
		case c == '<':
			end := bytes.IndexByte(l.src[l.i:], '>')
			if end < 0 {
				l.i = len(l.src)
				return pdfToken{}, false
			}
			h := strings.Map(func(r rune) rune {
				if isSpace(byte(r)) {
					return -1
				}
				return r
			}, string(l.src[l.i+1:l.i+end]))
			if len(h)%2 == 1 {
				h += "0"
			}
			b := make([]byte, len(h)/2)
			for j := range b {
				v, _ := strconv.ParseUint(h[2*j:2*j+2], 16, 8)
				b[j] = byte(v)
			}
			l.i += end + 1
			return pdfToken{kind: tokString, bytes: b}, true
		case c == '[' || c == ']' || c == '{' || c == '}':
			l.i++
			return pdfToken{kind: tokOther, text: string(c)}, true
		case c == '/':
			j := l.i + 1
			for j < len(l.src) && !isSpace(l.src[j]) && !isDelimiter(l.src[j]) {
				j++
			}
			t := pdfToken{kind: tokName, text: string(l.src[l.i:j])}
			l.i = j
			return t, true
		default:
			j := l.i
			for j < len(l.src) && !isSpace(l.src[j]) && !isDelimiter(l.src[j]) {
				j++
			}
			if j == l.i {
				l.i++ // a stray delimiter
				continue
			}
			word := string(l.src[l.i:j])
			l.i = j
			if _, err := strconv.ParseFloat(word, 64); err == nil || word == "true" || word == "false" || word == "null" {
				return pdfToken{kind: tokOther, text: word}, true
			}
			return pdfToken{kind: tokOperator, text: word}, true
		}
	}
	return pdfToken{}, false
}

// literal reads a (string) with its escapes and balanced parentheses.
func (l *pdfLexer) literal() []byte {
	l.i++ // (
	var b []byte
	depth := 1
	for l.i < len(l.src) {
		c := l.src[l.i]
		l.i++
		switch c {
		case '\\':
			if l.i >= len(l.src) {
				return b
			}
			e := l.src[l.i]
			l.i++
			switch e {
			case 'n':
				b = append(b, '\n')
			case 'r':
				b = append(b, '\r')
			case 't':
				b = append(b, '\t')
			case 'b':
				b = append(b, '\b')
			case 'f':
				b = append(b, '\f')
			case '\r', '\n':
			default:
				if e >= '0' && e <= '7' {
					v := int(e - '0')
					for k := 0; k < 2 && l.i < len(l.src) && l.src[l.i] >= '0' && l.src[l.i] <= '7'; k++ {
						v = v*8 + int(l.src[l.i]-'0')
						l.i++
					}
					b = append(b, byte(v))
				} else {
					b = append(b, e)
				}
			}
		case '(':
			depth++
			b = append(b, c)
		case ')':
			depth--
			if depth == 0 {
				return b
			}
			b = append(b, c)
		default:
			b = append(b, c)
		}
	}
	return b
}

// PDFPageSizes lists each page's media box, width and height in points,
// in page order: A4 is 595 × 842.
func PDFPageSizes(pdf []byte) ([][2]float64, error) {
	doc, err := readPDF(pdf)
	if err != nil {
		return nil, err
	}
	var out [][2]float64
	box := regexp.MustCompile(`/MediaBox\s*\[\s*([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s*\]`)
	for _, n := range doc.pageOrder() {
		m := box.FindStringSubmatch(doc.objects[n].dict)
		if m == nil {
			return nil, fmt.Errorf("page %d has no media box", len(out)+1)
		}
		var v [4]float64
		for i := range v {
			v[i], _ = strconv.ParseFloat(m[i+1], 64)
		}
		out = append(out, [2]float64{v[2] - v[0], v[3] - v[1]})
	}
	return out, nil
}
