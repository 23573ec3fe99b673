package web

import (
	"net/http"

	"guli/i18n"
	"guli/web/core"
)

// pageElder switches elder mode (larger type, higher contrast) on or off and
// remembers it in a cookie.
func (s *Server) pageElder(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	if r.PostForm.Get("elder") == "1" {
		s.setCookie(w, core.ElderCookie, "1", core.PrefLifetime)
	} else {
		s.setCookie(w, core.ElderCookie, "0", core.PrefLifetime)
	}
	http.Redirect(w, r, localPath(r.PostForm.Get("next")), http.StatusSeeOther)
}

// pageLang switches the language of the pages.
func (s *Server) pageLang(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	lang := i18n.Supported(r.PostForm.Get("lang"))
	if lang == "" {
		lang = i18n.Chinese
	}
	s.setCookie(w, core.LangCookie, lang, core.PrefLifetime)
	http.Redirect(w, r, localPath(r.PostForm.Get("next")), http.StatusSeeOther)
}
