package core

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"net/http"

	"guli"
)

// RosterUpload reads a roster's multipart form, the API's or the
// import page's: the file, and dry_run if the form has it.
func RosterUpload(r *http.Request) (data []byte, dryRun string, err error) {
	mediaType, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mediaType != "multipart/form-data" {
		return nil, "", guli.Invalid("file", guli.FRRequired)
	}
	form, err := r.MultipartReader()
	if err != nil {
		return nil, "", guli.Invalid("file", guli.FRRequired)
	}
	for range 8 {
		part, err := form.NextPart()
		switch {
		case errors.Is(err, io.EOF):
			if data == nil {
				return nil, "", guli.Invalid("file", guli.FRRequired)
			}
			return data, dryRun, nil
		case err != nil:
			return nil, "", rosterReadError(err)
		}
		switch part.FormName() {
		case "file":
			var buf bytes.Buffer
			if _, err := io.Copy(&buf, io.LimitReader(part, guli.MaxRosterBytes+1)); err != nil {
				return nil, "", rosterReadError(err)
			}
			if buf.Len() > guli.MaxRosterBytes {
				return nil, "", &guli.Error{Code: guli.ECBodyTooLarge, Note: guli.NoteRoster}
			}
			data = buf.Bytes()
		case "dry_run":
			v, err := io.ReadAll(io.LimitReader(part, 16))
			if err != nil {
				return nil, "", rosterReadError(err)
			}
			dryRun = string(v)
			if dryRun == "" {
				dryRun = "-" // sent empty: not a choice
			}
		}
	}
	if data == nil {
		return nil, "", guli.Invalid("file", guli.FRRequired)
	}
	return data, dryRun, nil
}

// rosterReadError tells an upload whose form could not be read: too
// large, or not a form.
func rosterReadError(err error) error {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return &guli.Error{Code: guli.ECBodyTooLarge, Note: guli.NoteRoster, Err: err}
	}
	return &guli.Error{Code: guli.ECValidation, Fields: map[string]string{"file": guli.FRUnreadableFile}, Err: err}
}
