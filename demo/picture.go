package demo

import (
	"bytes"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"math"
	"sync"

	xdraw "golang.org/x/image/draw"

	"guli"
)

// The calligraphy studio's photo, drawn here rather than shipped: the demo
// stays offline and the same on every run. It is a desk seen from above:
// a sheet of rice paper in its red grid with four brush-written strokes a
// square, the writer's red seal, an ink stone with its pool of ink and a
// brush laid beside it.

// Sizes of the picture, in pixels: drawn at 1200 × 900 and shrunk to a
// phone photo's shape at the thumbnail's size, 480 × 360, which smooths
// its edges. At that size the upload keeps it as it is, photo and
// thumbnail, with no resampling: every test server seeds the demo, and
// under the race detector a resampled 1200-pixel upload took over a
// second, this one a tenth of that.
const (
	pictureWidth  = 1200
	pictureHeight = 900
	photoWidth    = guli.ThumbLongSide
	photoHeight   = photoWidth * pictureHeight / pictureWidth
)

var (
	deskBrown  = color.RGBA{92, 58, 34, 255}
	grainBrown = color.RGBA{80, 49, 28, 255}
	paperCream = color.RGBA{244, 236, 220, 255}
	fibreCream = color.RGBA{236, 226, 206, 255}
	gridRed    = color.RGBA{196, 72, 56, 255}
	ink        = color.RGBA{24, 22, 22, 255}
	sealRed    = color.RGBA{178, 34, 34, 255}
	stoneGrey  = color.RGBA{58, 60, 64, 255}
	stoneEdge  = color.RGBA{40, 41, 44, 255}
	bamboo     = color.RGBA{200, 161, 101, 255}
	bambooKnot = color.RGBA{150, 112, 62, 255}
)

// studioPhoto is the picture as a JPEG, drawn once a process.
var studioPhoto = sync.OnceValue(func() []byte {
	img := image.NewRGBA(image.Rect(0, 0, pictureWidth, pictureHeight))
	drawDesk(img)
	drawSheet(img, image.Rect(110, 70, 770, 830))
	drawInkStone(img, image.Rect(860, 110, 1100, 360))
	drawBrush(img, point{900, 800}, point{1120, 430})
	small := image.NewRGBA(image.Rect(0, 0, photoWidth, photoHeight))
	xdraw.CatmullRom.Scale(small, small.Bounds(), img, img.Bounds(), draw.Src, nil)
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, small, &jpeg.Options{Quality: 92}); err != nil {
		panic(err) // encoding to memory fails only on a bug
	}
	return buf.Bytes()
})

type point struct{ x, y float64 }

func fill(img *image.RGBA, r image.Rectangle, c color.RGBA) {
	draw.Draw(img, r, image.NewUniform(c), image.Point{}, draw.Src)
}

// disc paints a filled circle.
func disc(img *image.RGBA, c point, radius float64, col color.RGBA) {
	r2 := radius * radius
	for y := int(c.y - radius); y <= int(c.y+radius); y++ {
		for x := int(c.x - radius); x <= int(c.x+radius); x++ {
			dx, dy := float64(x)-c.x, float64(y)-c.y
			if dx*dx+dy*dy <= r2 && image.Pt(x, y).In(img.Rect) {
				img.SetRGBA(x, y, col)
			}
		}
	}
}

// stroke paints a brush stroke from a to b: discs along the line whose
// radius swells from start to its widest and thins to end, as a brush
// pressed down and lifted.
func stroke(img *image.RGBA, a, b point, start, widest, end float64, col color.RGBA) {
	n := int(math.Hypot(b.x-a.x, b.y-a.y)) + 1
	for i := 0; i <= n; i++ {
		f := float64(i) / float64(n)
		r := start + (widest-start)*math.Min(1, f/0.3)
		if f > 0.7 {
			r = widest + (end-widest)*(f-0.7)/0.3
		}
		disc(img, point{a.x + (b.x-a.x)*f, a.y + (b.y-a.y)*f}, r, col)
	}
}

// drawDesk is the wooden desk: a brown ground with darker grain.
func drawDesk(img *image.RGBA) {
	fill(img, img.Rect, deskBrown)
	for y := 7; y < pictureHeight; y += 23 {
		wave := 0.0
		for x := range pictureWidth {
			wave = 3 * math.Sin(float64(x)/97+float64(y)/31)
			yy := y + int(wave)
			if yy >= 0 && yy < pictureHeight {
				img.SetRGBA(x, yy, grainBrown)
			}
		}
	}
}

// drawSheet is the rice paper: its fibres, a grid of two columns by three
// rows, four strokes written in each square, and the seal at the foot.
func drawSheet(img *image.RGBA, r image.Rectangle) {
	fill(img, r, paperCream)
	for x := r.Min.X + 5; x < r.Max.X; x += 17 {
		fill(img, image.Rect(x, r.Min.Y, x+1, r.Max.Y), fibreCream)
	}
	const cols, rows = 2, 3
	margin := 40
	side := min((r.Dx()-2*margin)/cols, (r.Dy()-2*margin-70)/rows)
	left := r.Min.X + (r.Dx()-cols*side)/2
	top := r.Min.Y + margin
	for c := range cols + 1 {
		x := left + c*side
		fill(img, image.Rect(x-2, top, x+2, top+rows*side), gridRed)
	}
	for w := range rows + 1 {
		y := top + w*side
		fill(img, image.Rect(left, y-2, left+cols*side, y+2), gridRed)
	}
	s := float64(side)
	for c := range cols {
		for w := range rows {
			o := point{float64(left + c*side), float64(top + w*side)}
			at := func(fx, fy float64) point { return point{o.x + fx*s, o.y + fy*s} }
			// A dot, a cross stroke, a stroke down the middle with its
			// hook, a sweep to the left and one to the right: the bones of
			// 永, the character every pupil starts with, a little
			// different in each square.
			k := float64(c*rows+w) / 40
			stroke(img, at(0.45, 0.12), at(0.53+k, 0.21), 6, 13, 9, ink)
			stroke(img, at(0.22, 0.36-k), at(0.78, 0.32), 7, 11, 10, ink)
			stroke(img, at(0.5, 0.28), at(0.5-k, 0.84), 8, 12, 7, ink)
			stroke(img, at(0.5-k, 0.84), at(0.4, 0.76), 7, 7, 3, ink)
			stroke(img, at(0.47, 0.5), at(0.18, 0.76), 8, 10, 3, ink)
			stroke(img, at(0.53, 0.5), at(0.84, 0.82+k), 5, 12, 3, ink)
		}
	}
	// The seal: a red square with the white of its carved border.
	seal := image.Rect(left+cols*side-78, top+rows*side+20, left+cols*side-14, top+rows*side+84)
	fill(img, seal, sealRed)
	fill(img, seal.Inset(8), paperCream)
	fill(img, seal.Inset(13), sealRed)
	fill(img, image.Rect(seal.Min.X+30, seal.Min.Y+13, seal.Min.X+34, seal.Max.Y-13), paperCream)
}

// drawInkStone is the ink stone, its rim darker, with its pool of ink.
func drawInkStone(img *image.RGBA, r image.Rectangle) {
	fill(img, r, stoneEdge)
	fill(img, r.Inset(12), stoneGrey)
	c := point{float64(r.Min.X+r.Max.X) / 2, float64(r.Min.Y+r.Max.Y)/2 + 20}
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			dx, dy := (float64(x)-c.x)/80, (float64(y)-c.y)/60
			if dx*dx+dy*dy <= 1 {
				img.SetRGBA(x, y, ink)
			}
		}
	}
}

// drawBrush is the brush laid on the desk from tip to end: a bamboo
// handle with its knots, and a black tip.
func drawBrush(img *image.RGBA, tip, end point) {
	along := func(f float64) point { return point{tip.x + (end.x-tip.x)*f, tip.y + (end.y-tip.y)*f} }
	stroke(img, along(0.18), end, 11, 11, 11, bamboo)
	for _, f := range []float64{0.45, 0.75} {
		disc(img, along(f), 12, bambooKnot)
	}
	stroke(img, tip, along(0.2), 2, 16, 14, ink)
}
