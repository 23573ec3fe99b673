package ui

import (
	"io/fs"
	"net/http"
)

// Favicon answers /favicon.ico, which browsers ask for whatever the page
// links, with the SVG icon: browsers take SVG at that address too.
func (h *Handlers) Favicon(w http.ResponseWriter, r *http.Request) error {
	b, err := fs.ReadFile(h.static, "favicon.svg")
	if err != nil {
		http.NotFound(w, r)
		return nil
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("Cache-Control", "public, max-age=86400")
	w.Write(b)
	return nil
}
