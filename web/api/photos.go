package api

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"guli"
	"guli/web/core"
)

// photoView is an uploaded photo as the API writes it. The addresses are
// the site's own paths, for a page or an app to show.
type photoView struct {
	ID       core.WireID `json:"id"`
	Width    int         `json:"width"`
	Height   int         `json:"height"`
	URL      string      `json:"url"`
	ThumbURL string      `json:"thumb_url"`
}

// PhotoURL and ThumbURL are where a photo is served.
func PhotoURL(id guli.ID) string { return "/photos/" + id.String() + ".jpg" }
func ThumbURL(id guli.ID) string { return "/photos/" + id.String() + "/thumb.jpg" }

func viewPhoto(p *guli.Photo) photoView {
	return photoView{ID: core.WireID(p.ID), Width: p.Width, Height: p.Height, URL: PhotoURL(p.ID), ThumbURL: ThumbURL(p.ID)}
}

// maxPhotoParts bounds the parts of an upload's form read before the photo.
const maxPhotoParts = 8

// UploadPhoto takes a photo as the field "photo" of a multipart form, or as
// a body of an image type; ?station_id= (or a form field before the photo)
// says for which station, else the uploader's own.
func (h *Handlers) UploadPhoto(w http.ResponseWriter, r *http.Request) (int, any, error) {
	// Nobody's body is read before they are known.
	if guli.UserFromContext(r.Context()) == nil {
		return 0, nil, guli.Errorf(guli.ECUnauthenticated)
	}
	var station guli.ID
	if s := r.URL.Query().Get("station_id"); s != "" {
		if station = guli.ParseID(s); station == guli.NoID {
			return 0, nil, guli.Invalid("station_id", guli.FRInvalid)
		}
	}
	mediaType, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch {
	case err != nil:
		return 0, nil, guli.Errorf(guli.ECUnsupportedImage)
	case strings.HasPrefix(mediaType, "image/"):
		return h.upload(r, station, r.Body)
	case mediaType != "multipart/form-data":
		return 0, nil, guli.Errorf(guli.ECUnsupportedImage)
	}
	form, err := r.MultipartReader()
	if err != nil {
		return 0, nil, guli.Invalid("photo", guli.FRRequired)
	}
	for range maxPhotoParts {
		part, err := form.NextPart()
		switch {
		case errors.Is(err, io.EOF):
			return 0, nil, guli.Invalid("photo", guli.FRRequired)
		case err != nil:
			return 0, nil, uploadReadError(err)
		}
		switch part.FormName() {
		case "photo":
			return h.upload(r, station, part)
		case "station_id":
			v, err := io.ReadAll(io.LimitReader(part, 32))
			if err != nil {
				return 0, nil, uploadReadError(err)
			}
			if station == 0 {
				if station = guli.ParseID(string(v)); station == guli.NoID {
					return 0, nil, guli.Invalid("station_id", guli.FRInvalid)
				}
			}
		}
	}
	return 0, nil, guli.Invalid("photo", guli.FRRequired)
}

func (h *Handlers) upload(r *http.Request, station guli.ID, body io.Reader) (int, any, error) {
	p, err := h.Photos.Upload(r.Context(), station, body)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, viewPhoto(p), nil
}

// uploadReadError tells an upload whose form could not be read: too large,
// or not a form.
func uploadReadError(err error) error {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return &guli.Error{Code: guli.ECBodyTooLarge, Note: guli.NotePhoto, Err: err}
	}
	return &guli.Error{Code: guli.ECValidation, Fields: map[string]string{"photo": guli.FRInvalid}, Err: err}
}

// photoCache is how long browsers keep a photo: a photo never changes
// (its id is never used again), but whether it may be seen does, so it is
// kept by the browser only, not by caches shared between people.
const photoCache = "private, max-age=31536000, immutable"

// PhotoFile serves /photos/{file}, a photo as "<id>.jpg".
func (h *Handlers) PhotoFile(w http.ResponseWriter, r *http.Request) {
	name, ok := strings.CutSuffix(r.PathValue("file"), ".jpg")
	if !ok {
		h.RenderError(w, r, http.StatusNotFound)
		return
	}
	h.servePhoto(w, r, guli.ParseID(name), false)
}

// PhotoThumb serves /photos/{id}/thumb.jpg.
func (h *Handlers) PhotoThumb(w http.ResponseWriter, r *http.Request) {
	h.servePhoto(w, r, core.PathID(r, "id"), true)
}

func (h *Handlers) servePhoto(w http.ResponseWriter, r *http.Request, id guli.ID, thumb bool) {
	data, contentType, err := h.Photos.Photo(r.Context(), id, thumb)
	if err != nil {
		if code := guli.ErrorCode(err); code == guli.ECRateLimited {
			w.Header().Set("Retry-After", core.RetryAfter(err))
		}
		h.RenderError(w, r, core.StatusOf(guli.ErrorCode(err)))
		return
	}
	etag := `"photo-` + strconv.FormatInt(int64(id), 10)
	if thumb {
		etag += "-thumb"
	}
	hd := w.Header()
	hd.Set("Content-Type", contentType)
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Cache-Control", photoCache)
	hd.Set("ETag", etag+`"`)
	// ServeContent answers If-None-Match (304) and ranges.
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(data))
}
