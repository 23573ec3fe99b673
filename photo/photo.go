// Package photo turns untrusted bytes into a safe JPEG: it reads at most
// guli.MaxPhotoBytes, tells the format from the bytes themselves, checks
// the size the header claims before decoding a pixel, decodes a few at a
// time, turns the picture upright, scales it down and encodes it afresh,
// which leaves behind everything but the pixels: EXIF, GPS, comments,
// anything hidden after the image.
package photo

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"net/http"
	"time"

	"golang.org/x/image/draw"
	"golang.org/x/image/webp"
	"golang.org/x/sync/semaphore"

	"guli"
)

// Result is a processed photo: the JPEG kept and its thumbnail.
type Result struct {
	JPEG, Thumb             []byte
	Width, Height           int
	ThumbWidth, ThumbHeight int
}

// Processor decodes a few photos at a time: a decoded photo may take a
// hundred megabytes and a second of a core, so a flood of uploads waits
// its turn, briefly, and is then told to come back.
type Processor struct {
	turns *semaphore.Weighted
	wait  time.Duration
}

// NewProcessor lets n photos be decoded at once (at least one); an upload
// waits at most wait for a turn.
func NewProcessor(n int, wait time.Duration) *Processor {
	return &Processor{turns: semaphore.NewWeighted(int64(max(1, n))), wait: wait}
}

// format is a kind of image the bytes may hold.
type format struct {
	decodeConfig func(io.Reader) (image.Config, error)
	decode       func(io.Reader) (image.Image, error)
}

// formats are the images accepted, by the type their bytes sniff as.
var formats = map[string]format{
	"image/jpeg": {jpeg.DecodeConfig, jpeg.Decode},
	"image/png":  {png.DecodeConfig, png.Decode},
	"image/gif":  {gif.DecodeConfig, gif.Decode}, // the first frame
	"image/webp": {webp.DecodeConfig, webp.Decode},
}

// Read reads an upload, at most guli.MaxPhotoBytes of it: a larger one is
// refused as soon as the limit is passed, unread beyond it.
func Read(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, guli.MaxPhotoBytes+1))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge), len(data) > guli.MaxPhotoBytes:
		return nil, &guli.Error{Code: guli.ECBodyTooLarge, Note: guli.NotePhoto, Err: err}
	case err != nil:
		// The client went away, or sent a body that ended wrong.
		return nil, &guli.Error{Code: guli.ECUnsupportedImage, Err: err}
	case len(data) == 0:
		return nil, guli.Invalid("photo", guli.FRRequired)
	}
	return data, nil
}

// Process reads an upload (see Read) and processes it.
func (p *Processor) Process(ctx context.Context, r io.Reader) (*Result, error) {
	data, err := Read(r)
	if err != nil {
		return nil, err
	}
	return p.Bytes(ctx, data)
}

// Bytes processes an upload already read.
func (p *Processor) Bytes(ctx context.Context, data []byte) (*Result, error) {
	f, ok := formats[http.DetectContentType(data)]
	if !ok {
		return nil, guli.Errorf(guli.ECUnsupportedImage)
	}
	cfg, err := f.decodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, guli.Wrap(guli.ECUnsupportedImage, err)
	}
	if err := guli.CheckPhotoSize(cfg.Width, cfg.Height, bytesPerPixel(cfg.ColorModel), jpegCoefficients(data)); err != nil {
		return nil, err
	}
	if err := p.turn(ctx); err != nil {
		return nil, err
	}
	defer p.turns.Release(1)
	img, err := f.decode(bytes.NewReader(data))
	if err != nil {
		return nil, guli.Wrap(guli.ECUnsupportedImage, err)
	}
	// The header and the pixels must agree: a GIF's frame, say, may not
	// lie outside the picture it claims.
	if b := img.Bounds(); b.Dx() > cfg.Width || b.Dy() > cfg.Height || b.Empty() {
		return nil, guli.Errorf(guli.ECUnsupportedImage)
	}
	kept := orient(scale(img, guli.PhotoLongSide), orientation(data))
	thumb := scale(kept, guli.ThumbLongSide)
	out := &Result{Width: kept.Bounds().Dx(), Height: kept.Bounds().Dy(), ThumbWidth: thumb.Bounds().Dx(), ThumbHeight: thumb.Bounds().Dy()}
	if out.JPEG, err = encode(kept); err != nil {
		return nil, err
	}
	if out.Thumb, err = encode(thumb); err != nil {
		return nil, err
	}
	return out, nil
}

// turn waits for a turn to decode, at most p.wait.
func (p *Processor) turn(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, p.wait)
	defer cancel()
	if err := p.turns.Acquire(ctx, 1); err != nil {
		return &guli.Error{Code: guli.ECRateLimited, Note: guli.NoteBusy, RetryAfter: 2 * time.Second, Err: err}
	}
	return nil
}

// bytesPerPixel is what a decoder holds a pixel of a colour model in.
func bytesPerPixel(m color.Model) int {
	switch m {
	case color.GrayModel:
		return 1
	case color.Gray16Model:
		return 2
	case color.YCbCrModel, color.NYCbCrAModel:
		return 3 // with chroma at full resolution, the most a JPEG or WebP takes
	case color.RGBA64Model, color.NRGBA64Model:
		return 8
	}
	if _, ok := m.(color.Palette); ok {
		return 1
	}
	return 4 // RGBA, NRGBA, CMYK
}

// jpegCoefficients is what decoding a progressive JPEG holds besides the
// picture: every 8 × 8 block of every component, padded to whole MCUs,
// as 64 four-byte coefficients, until its last scan. A baseline JPEG, or
// anything else, holds none. It reads the frame header, which
// DecodeConfig has already found sound.
func jpegCoefficients(data []byte) int64 {
	if len(data) < 4 || data[0] != 0xFF || data[1] != 0xD8 {
		return 0
	}
	for i := 2; i+4 <= len(data); {
		if data[i] != 0xFF {
			return 0
		}
		marker := data[i+1]
		switch {
		case marker == 0xFF: // fill
			i++
			continue
		case marker == 0x01 || marker >= 0xD0 && marker <= 0xD8: // no length
			i += 2
			continue
		case marker == 0xDA || marker == 0xD9: // a scan, or the end, before any frame
			return 0
		}
		n := int(data[i+2])<<8 | int(data[i+3])
		seg := data[i+4 : min(len(data), i+2+n)]
		if marker != 0xC2 { // not a progressive frame: skip the segment
			if marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC {
				return 0 // another frame: baseline or one the decoder refuses
			}
			i += 2 + n
			continue
		}
		if len(seg) < 6 {
			return 0
		}
		height, width, comps := int64(seg[1])<<8|int64(seg[2]), int64(seg[3])<<8|int64(seg[4]), int(seg[5])
		if len(seg) < 6+3*comps {
			return 0
		}
		var hmax, vmax int64 = 1, 1
		for c := range comps {
			hv := seg[6+3*c+1]
			hmax, vmax = max(hmax, int64(hv>>4)), max(vmax, int64(hv&0x0F))
		}
		mxx, myy := (width+8*hmax-1)/(8*hmax), (height+8*vmax-1)/(8*vmax)
		var blocks int64
		for c := range comps {
			hv := seg[6+3*c+1]
			blocks += mxx * myy * int64(hv>>4) * int64(hv&0x0F)
		}
		return blocks * 64 * 4
	}
	return 0
}

// scale draws img onto a white opaque canvas at most long on its long
// side: JPEG has no transparency, and transparent pixels would turn black.
func scale(img image.Image, long int) *image.RGBA {
	b := img.Bounds()
	w, h := guli.FitWithin(b.Dx(), b.Dy(), long)
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(dst, dst.Bounds(), image.White, image.Point{}, draw.Src)
	if w == b.Dx() && h == b.Dy() {
		draw.Draw(dst, dst.Bounds(), img, b.Min, draw.Over)
		return dst
	}
	// A big shrink first halves cheaply, so the finer kernel reads at most
	// about four times the pixels it writes.
	src := img
	if b.Dx() > 2*w || b.Dy() > 2*h {
		mid := image.NewRGBA(image.Rect(0, 0, 2*w, 2*h))
		draw.Draw(mid, mid.Bounds(), image.White, image.Point{}, draw.Src)
		draw.ApproxBiLinear.Scale(mid, mid.Bounds(), img, b, draw.Over, nil)
		src, b = mid, mid.Bounds()
	}
	draw.CatmullRom.Scale(dst, dst.Bounds(), src, b, draw.Over, nil)
	return dst
}

func encode(img image.Image) ([]byte, error) {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: guli.PhotoQuality}); err != nil {
		return nil, guli.Wrap(guli.ECInternal, err)
	}
	return buf.Bytes(), nil
}
