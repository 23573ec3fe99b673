package photo_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"os"
	"runtime"
	"testing"
	"time"

	"guli"
	"guli/photo"
)

// picture is a w × h picture with a gradient, so that scaling has
// something to do.
func picture(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 128, 255})
		}
	}
	return img
}

func jpegOf(t testing.TB, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func pngOf(t testing.TB, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// withEXIF puts an APP1 EXIF segment right after a JPEG's start: IFD0 holds
// the orientation and a pointer to a GPS directory with a latitude, as a
// phone writes them, and a comment segment follows with more to leak.
func withEXIF(t testing.TB, jpg []byte, orientation uint16) []byte {
	t.Helper()
	le := binary.LittleEndian
	var tiff bytes.Buffer
	tiff.WriteString("II")
	binary.Write(&tiff, le, uint16(42))
	binary.Write(&tiff, le, uint32(8)) // IFD0 right after the header
	entry := func(tag, typ uint16, count, value uint32) {
		binary.Write(&tiff, le, tag)
		binary.Write(&tiff, le, typ)
		binary.Write(&tiff, le, count)
		binary.Write(&tiff, le, value)
	}
	// IFD0: two entries, then the offset of the next directory (none).
	binary.Write(&tiff, le, uint16(2))
	entry(0x0112, 3, 1, uint32(orientation)) // Orientation, a SHORT
	gpsIFD := uint32(8 + 2 + 2*12 + 4)
	entry(0x8825, 4, 1, gpsIFD) // GPSInfo, a LONG offset
	binary.Write(&tiff, le, uint32(0))
	// The GPS directory: the latitude's hemisphere, and the latitude as
	// three rationals after it.
	binary.Write(&tiff, le, uint16(2))
	entry(0x0001, 2, 2, uint32('N'))     // GPSLatitudeRef "N\0"
	entry(0x0002, 5, 3, gpsIFD+2+2*12+4) // GPSLatitude
	binary.Write(&tiff, le, uint32(0))
	for _, r := range [][2]uint32{{31, 1}, {24, 1}, {3600, 100}} {
		binary.Write(&tiff, le, r)
	}
	tiff.WriteString("GPS 31.40N 121.45E") // what must not survive, spelled out

	app1 := append([]byte("Exif\x00\x00"), tiff.Bytes()...)
	var out bytes.Buffer
	out.Write(jpg[:2])
	out.Write([]byte{0xFF, 0xE1})
	binary.Write(&out, binary.BigEndian, uint16(len(app1)+2))
	out.Write(app1)
	com := []byte("GPS home address: 宝山区")
	out.Write([]byte{0xFF, 0xFE})
	binary.Write(&out, binary.BigEndian, uint16(len(com)+2))
	out.Write(com)
	out.Write(jpg[2:])
	return out.Bytes()
}

// pngClaiming is a small, well-formed PNG whose header claims w × h pixels:
// a decompression bomb's opening, a few dozen bytes long.
func pngClaiming(w, h uint32) []byte {
	var out bytes.Buffer
	out.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(kind string, data []byte) {
		binary.Write(&out, binary.BigEndian, uint32(len(data)))
		crc := crc32.NewIEEE()
		crc.Write([]byte(kind))
		crc.Write(data)
		out.WriteString(kind)
		out.Write(data)
		binary.Write(&out, binary.BigEndian, crc.Sum32())
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr, w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 6 // 8-bit RGBA
	chunk("IHDR", ihdr)
	chunk("IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})
	chunk("IEND", nil)
	return out.Bytes()
}

// progressiveJPEG is a well-formed progressive JPEG of w × h with three
// components at full resolution, whose one scan is the DC one, coded with
// a single one-bit Huffman code: about one bit for each 8 × 8 block, so a
// 40-megapixel picture fits in a quarter of a megabyte.
func progressiveJPEG(w, h int) []byte {
	var b bytes.Buffer
	segment := func(marker byte, data []byte) {
		b.Write([]byte{0xFF, marker})
		binary.Write(&b, binary.BigEndian, uint16(len(data)+2))
		b.Write(data)
	}
	b.Write([]byte{0xFF, 0xD8})
	segment(0xDB, append([]byte{0}, bytes.Repeat([]byte{1}, 64)...)) // a quantisation table of ones
	frame := []byte{8, byte(h >> 8), byte(h), byte(w >> 8), byte(w), 3}
	scan := []byte{3}
	for c := byte(1); c <= 3; c++ {
		frame = append(frame, c, 0x11, 0)
		scan = append(scan, c, 0x00)
	}
	segment(0xC2, frame)
	segment(0xC4, append(append([]byte{0x00, 1}, make([]byte, 15)...), 0)) // DC table 0: one code, "0", for a difference of 0
	segment(0xDA, append(scan, 0, 0, 0))                                   // DC only, first pass
	blocks := (w + 7) / 8 * ((h + 7) / 8) * 3
	b.Write(make([]byte, (blocks+7)/8))
	b.Write([]byte{0xFF, 0xD9})
	return b.Bytes()
}

// endless is a reader of n zero bytes that counts what was read of it.
type endless struct{ n, read int64 }

func (e *endless) Read(p []byte) (int, error) {
	if e.read >= e.n {
		return 0, io.EOF
	}
	k := min(int64(len(p)), e.n-e.read)
	clear(p[:k])
	e.read += k
	return int(k), nil
}

func TestProcessRefusesWhatIsNotASafeImage(t *testing.T) {
	p := photo.NewProcessor(2, time.Second)
	good := jpegOf(t, picture(64, 48))
	animated := &gif.GIF{Image: []*image.Paletted{
		image.NewPaletted(image.Rect(0, 0, 10, 10), color.Palette{color.Black, color.White}),
		image.NewPaletted(image.Rect(0, 0, 10, 10), color.Palette{color.Black, color.White}),
	}, Delay: []int{10, 10}}
	var gifBytes bytes.Buffer
	if err := gif.EncodeAll(&gifBytes, animated); err != nil {
		t.Fatal(err)
	}
	webp, err := os.ReadFile("testdata/blue-purple-pink.lossy.webp")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		body []byte
		code string
	}{
		{"a JPEG", good, ""},
		{"a PNG", pngOf(t, picture(30, 20)), ""},
		{"an animated GIF (its first frame)", gifBytes.Bytes(), ""},
		{"a WebP", webp, ""},
		{"a script named .jpg", []byte("<script>alert(document.cookie)</script>"), guli.ECUnsupportedImage},
		{"an HTML page with a JPEG's start", append([]byte{0xFF, 0xD8, 0xFF}, []byte("<html><script>x()</script>")...), guli.ECUnsupportedImage},
		{"a truncated JPEG", good[:len(good)/2], guli.ECUnsupportedImage},
		{"a JPEG cut inside its header", good[:20], guli.ECUnsupportedImage},
		{"a PNG claiming 100000 × 100000", pngClaiming(100000, 100000), guli.ECImageTooLarge},
		{"a PNG claiming 12001 × 10", pngClaiming(12001, 10), guli.ECImageTooLarge},
		{"a PNG claiming 7000 × 7000", pngClaiming(7000, 7000), guli.ECImageTooLarge},
		{"a PNG whose pixels are missing", pngClaiming(100, 100), guli.ECUnsupportedImage},
		{"a progressive JPEG", progressiveJPEG(640, 480), ""},
		// 240 KB that would take 800 MB and seconds of a core to decode.
		{"a progressive JPEG of 40 megapixels", progressiveJPEG(6320, 6320), guli.ECImageTooLarge},
		{"an SVG", []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`), guli.ECUnsupportedImage},
		{"a PDF", []byte("%PDF-1.7\n"), guli.ECUnsupportedImage},
		{"a BMP", append([]byte("BM"), make([]byte, 60)...), guli.ECUnsupportedImage},
		{"nothing", nil, guli.ECValidation},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := p.Process(context.Background(), bytes.NewReader(tt.body))
			if got := code(err); got != tt.code {
				t.Fatalf("%q (%v), want %q", got, err, tt.code)
			}
			if err != nil {
				return
			}
			if !bytes.HasPrefix(res.JPEG, []byte{0xFF, 0xD8}) || !bytes.HasPrefix(res.Thumb, []byte{0xFF, 0xD8}) {
				t.Fatal("the result is not a JPEG")
			}
			for _, b := range [][]byte{res.JPEG, res.Thumb} {
				cfg, err := jpeg.DecodeConfig(bytes.NewReader(b))
				if err != nil {
					t.Fatal(err)
				}
				if cfg.Width == 0 || cfg.Height == 0 {
					t.Fatal("an empty picture")
				}
			}
		})
	}
}

func code(err error) string {
	if err == nil {
		return ""
	}
	return guli.ErrorCode(err)
}

func TestProcessDropsEXIFAndGPSAndTurnsUpright(t *testing.T) {
	p := photo.NewProcessor(2, time.Second)
	tests := []struct {
		orientation   uint16
		width, height int
	}{
		{1, 80, 40}, {3, 80, 40}, {6, 40, 80}, {8, 40, 80},
	}
	for _, tt := range tests {
		upload := withEXIF(t, jpegOf(t, picture(80, 40)), tt.orientation)
		if !bytes.Contains(upload, []byte("Exif")) || !bytes.Contains(upload, []byte("GPS")) {
			t.Fatal("the upload lacks the EXIF it is to test")
		}
		if _, err := jpeg.Decode(bytes.NewReader(upload)); err != nil {
			t.Fatalf("the upload is not a valid JPEG: %v", err)
		}
		res, err := p.Process(context.Background(), bytes.NewReader(upload))
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range [][]byte{res.JPEG, res.Thumb} {
			if bytes.Contains(b, []byte("Exif")) || bytes.Contains(b, []byte("GPS")) || bytes.Contains(b, []byte{0xFF, 0xE1}) || bytes.Contains(b, []byte("宝山")) {
				t.Errorf("orientation %d: EXIF, GPS or the comment survived", tt.orientation)
			}
		}
		if res.Width != tt.width || res.Height != tt.height {
			t.Errorf("orientation %d: %d×%d, want %d×%d", tt.orientation, res.Width, res.Height, tt.width, tt.height)
		}
		cfg, _ := jpeg.DecodeConfig(bytes.NewReader(res.JPEG))
		if cfg.Width != res.Width || cfg.Height != res.Height {
			t.Errorf("orientation %d: the JPEG is %d×%d, the result says %d×%d", tt.orientation, cfg.Width, cfg.Height, res.Width, res.Height)
		}
	}

	// The turn itself: the top-left corner, dark, goes to the top right
	// when the phone says to turn a quarter clockwise.
	img := image.NewRGBA(image.Rect(0, 0, 80, 40))
	for y := range 40 {
		for x := range 80 {
			img.Set(x, y, color.White)
			if x < 20 && y < 20 {
				img.Set(x, y, color.Black)
			}
		}
	}
	res, err := p.Process(context.Background(), bytes.NewReader(withEXIF(t, jpegOf(t, img), 6)))
	if err != nil {
		t.Fatal(err)
	}
	out, err := jpeg.Decode(bytes.NewReader(res.JPEG))
	if err != nil {
		t.Fatal(err)
	}
	if dark(out.At(35, 5)) != true || dark(out.At(5, 5)) || dark(out.At(35, 75)) {
		t.Error("orientation 6 did not turn the picture a quarter clockwise")
	}
}

func dark(c color.Color) bool {
	r, g, b, _ := c.RGBA()
	return r+g+b < 3*0x4000
}

func TestProcessScalesDownAndKeepsTheShape(t *testing.T) {
	p := photo.NewProcessor(2, time.Second)
	tests := []struct {
		name           string
		w, h           int
		wantW, wantH   int
		thumbW, thumbH int
	}{
		{"a landscape photo", 1680, 1260, 1600, 1200, 480, 360},
		{"a portrait photo", 900, 1800, 800, 1600, 240, 480},
		{"a small one stays", 300, 200, 300, 200, 300, 200},
	}
	for _, tt := range tests {
		res, err := p.Process(context.Background(), bytes.NewReader(jpegOf(t, picture(tt.w, tt.h))))
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if res.Width != tt.wantW || res.Height != tt.wantH || res.ThumbWidth != tt.thumbW || res.ThumbHeight != tt.thumbH {
			t.Errorf("%s: %d×%d, thumb %d×%d", tt.name, res.Width, res.Height, res.ThumbWidth, res.ThumbHeight)
		}
	}
	// A transparent PNG becomes white, not black.
	clear := image.NewNRGBA(image.Rect(0, 0, 20, 20))
	res, err := p.Process(context.Background(), bytes.NewReader(pngOf(t, clear)))
	if err != nil {
		t.Fatal(err)
	}
	out, _ := jpeg.Decode(bytes.NewReader(res.JPEG))
	if r, g, b, _ := out.At(10, 10).RGBA(); r < 0xF000 || g < 0xF000 || b < 0xF000 {
		t.Errorf("a transparent pixel became %v", out.At(10, 10))
	}
}

// A bomb is refused from its header: decoding it would take 40 GB.
func TestBombIsRefusedWithoutDecoding(t *testing.T) {
	p := photo.NewProcessor(2, time.Second)
	bomb := pngClaiming(100000, 100000)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := p.Process(context.Background(), bytes.NewReader(bomb))
	runtime.ReadMemStats(&after)
	if code(err) != guli.ECImageTooLarge {
		t.Fatalf("%v, want image_too_large", err)
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 1<<20 {
		t.Errorf("refusing the bomb allocated %d bytes", grew)
	}
}

// A progressive JPEG's coefficients count with its pixels: a quarter of a
// megabyte that claims 40 megapixels is refused before it is decoded.
func TestProgressiveBombIsRefusedWithoutDecoding(t *testing.T) {
	p := photo.NewProcessor(2, time.Second)
	bomb := progressiveJPEG(6320, 6320)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := p.Process(context.Background(), bytes.NewReader(bomb))
	runtime.ReadMemStats(&after)
	if code(err) != guli.ECImageTooLarge {
		t.Fatalf("%v, want image_too_large", err)
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 4<<20 {
		t.Errorf("refusing the bomb allocated %d bytes", grew)
	}
}

func TestHugeUploadIsRefusedWithoutReadingItAll(t *testing.T) {
	p := photo.NewProcessor(2, time.Second)
	for _, size := range []int64{guli.MaxPhotoBytes + 1, 50 << 20} {
		r := &endless{n: size}
		_, err := p.Process(context.Background(), r)
		e := guli.AsError(err)
		if e.Code != guli.ECBodyTooLarge || e.Note != guli.NotePhoto {
			t.Fatalf("%d bytes: %v, want body_too_large (photo)", size, err)
		}
		if r.read > guli.MaxPhotoBytes+64<<10 {
			t.Errorf("%d bytes: read %d of them", size, r.read)
		}
	}
	// Exactly the limit is read, and refused only for what it holds.
	if _, err := p.Process(context.Background(), &endless{n: guli.MaxPhotoBytes}); code(err) != guli.ECUnsupportedImage {
		t.Errorf("the limit's worth of zeros: %v", err)
	}
}

func TestBusyProcessorTurnsUploadsAway(t *testing.T) {
	p := photo.NewProcessor(2, 50*time.Millisecond)
	release := p.HoldTurns(2)
	good := jpegOf(t, picture(64, 48))
	_, err := p.Process(context.Background(), bytes.NewReader(good))
	if e := guli.AsError(err); e.Code != guli.ECRateLimited || e.Note != guli.NoteBusy || e.RetryAfter <= 0 {
		t.Fatalf("while busy: %v", err)
	}
	// What is refused anyway is refused without waiting for a turn.
	if _, err := p.Process(context.Background(), bytes.NewReader(pngClaiming(100000, 100000))); code(err) != guli.ECImageTooLarge {
		t.Fatalf("a bomb while busy: %v", err)
	}
	release()
	if _, err := p.Process(context.Background(), bytes.NewReader(good)); err != nil {
		t.Fatalf("after: %v", err)
	}
}

func BenchmarkProcessPhonePhoto(b *testing.B) {
	p := photo.NewProcessor(2, time.Minute)
	data := jpegOf(b, picture(4032, 3024))
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := p.Process(context.Background(), bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}
