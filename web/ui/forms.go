// Package ui serves the server-rendered pages over the shared core: each
// page action has its own file; the templates they render are the core's.
package ui

import (
	"embed"
	"errors"
	"io/fs"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"guli"
	"guli/web/core"
)

// Handlers serves the pages' routes; web's routes.go lists them.
type Handlers struct {
	*core.Core
	static fs.FS
}

//go:embed static
var staticFiles embed.FS

// New makes the pages' handlers over c.
func New(c *core.Core) *Handlers {
	static, _ := fs.Sub(staticFiles, "static")
	return &Handlers{Core: c, static: static}
}

// pageAction is a page handler: it writes its page, or returns an error
// that Page answers with the error page of the status its code maps to.
type pageAction func(w http.ResponseWriter, r *http.Request) error

// Page turns a page action into a handler, as api.Handlers.JSON does an API
// action.
func (h *Handlers) Page(a pageAction) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := a(w, r); err != nil {
			h.RenderErrorOf(w, r, err)
		}
	}
}

// back redirects after a form, with good news to show. The notice goes
// in the query, before any fragment: after it, the server never sees it.
func back(w http.ResponseWriter, r *http.Request, path, notice string) {
	if notice != "" {
		base, fragment, hasFragment := strings.Cut(path, "#")
		sep := "?"
		if strings.Contains(base, "?") {
			sep = "&"
		}
		path = base + sep + "notice=" + url.QueryEscape(notice)
		if hasFragment {
			path += "#" + fragment
		}
	}
	http.Redirect(w, r, path, http.StatusSeeOther)
}

// formTime joins a form's date ("2006-01-02") and clock ("15:04") into a
// time in the station's zone; zero if either is malformed, which the
// service then reports as missing.
func formTime(date, clock string, loc *time.Location) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", date+" "+clock, loc)
	if err != nil {
		return time.Time{}
	}
	return t
}

// parseForm reads a posted form, answering errors itself; it reports
// whether the handler may go on.
func (h *Handlers) parseForm(w http.ResponseWriter, r *http.Request) bool {
	if err := r.ParseForm(); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			h.RenderError(w, r, http.StatusRequestEntityTooLarge)
		} else {
			h.RenderError(w, r, http.StatusBadRequest)
		}
		return false
	}
	return true
}

// localPath keeps redirects on this site: only plain absolute paths pass.
func localPath(p string) string {
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" || !strings.HasPrefix(u.Path, "/") || strings.HasPrefix(p, "//") || strings.Contains(p, "\\") {
		return "/"
	}
	return u.RequestURI()
}

func (h *Handlers) setCookie(w http.ResponseWriter, name, value string, maxAge time.Duration) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: int(maxAge.Seconds()),
		HttpOnly: true, Secure: h.SecureCookies, SameSite: http.SameSiteLaxMode})
}

// StaticFiles serves the embedded front-end files; folders answer 404
// rather than a listing of what is in them.
func (h *Handlers) StaticFiles(w http.ResponseWriter, r *http.Request) error {
	name := strings.TrimPrefix(r.URL.Path, "/static/")
	if st, err := fs.Stat(h.static, name); err != nil || st.IsDir() || name == "" || strings.HasSuffix(name, "/") {
		h.RenderError(w, r, http.StatusNotFound)
		return nil
	}
	w.Header().Set("Cache-Control", "public, max-age=86400")
	http.StripPrefix("/static/", http.FileServerFS(h.static)).ServeHTTP(w, r)
	return nil
}

func itoa(n int) string { return strconv.Itoa(n) }

// hours writes minutes as hours for a form: 240 → "4", 90 → "1.5".
func hours(minutes int) string {
	return strconv.FormatFloat(float64(minutes)/60, 'f', -1, 64)
}

// formInt reads a whole number from a form; anything else is -1, which the
// service refuses as out of range next to the field.
func formInt(s string) int {
	n, err := strconv.Atoi(strings.TrimSpace(guli.FoldWidth(s)))
	if err != nil {
		return -1
	}
	return n
}

// formMinutes reads hours (whole or decimal) from a form as minutes; -1 when
// it is not a number.
func formMinutes(s string) int {
	h, err := strconv.ParseFloat(strings.TrimSpace(guli.FoldWidth(s)), 64)
	if err != nil || !(h >= 0 && h <= 1000) { // NaN too
		return -1
	}
	return int(h*60 + 0.5)
}

// renderFailedForm shows page again with what went wrong, and tells a
// throttled browser when to come back.
func (h *Handlers) renderFailedForm(w http.ResponseWriter, r *http.Request, page string, v *core.View, err error) {
	status := h.FormError(v, err)
	if status == http.StatusTooManyRequests {
		w.Header().Set("Retry-After", core.RetryAfter(err))
	}
	h.Render(w, r, status, page, v)
}
