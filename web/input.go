package web

import (
	"errors"
	"net/http"

	"guli"
	"guli/web/core"
)

// cleanInput is the one place text enters Guli: the path, the query and a
// posted form are checked here, JSON bodies in the API's decode. Invalid UTF-8 and
// control characters (guli.ValidText) are refused, the path with 400, a
// field with 422 naming it, so the services and both engines only ever see
// clean strings. A Host longer than any name (core.MaxHost) is refused
// with 400 too: the week poster's QR codes hold it, and one of kilobytes
// fits no code.
func (s *Server) cleanInput(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !guli.ValidText(r.URL.Path) || len(r.Host) > core.MaxHost {
			s.Fail(w, r, http.StatusBadRequest, guli.Errorf(core.ECBadRequest))
			return
		}
		if field, ok := core.BadQuery(r.URL.RawQuery); ok {
			s.RefuseText(w, r, field)
			return
		}
		if core.HasForm(r) {
			if err := r.ParseForm(); err != nil {
				var tooLarge *http.MaxBytesError
				if errors.As(err, &tooLarge) {
					s.Fail(w, r, http.StatusRequestEntityTooLarge, guli.Errorf(guli.ECBodyTooLarge))
				} else {
					s.Fail(w, r, http.StatusBadRequest, guli.Errorf(core.ECBadRequest))
				}
				return
			}
			if field, ok := core.BadValues(r.PostForm); ok {
				s.RefuseText(w, r, field)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}
