package ui

import (
	"net/http"

	"guli/i18n"
	"guli/web/core"
)

// Elder switches elder mode (larger type, higher contrast) on or off and
// remembers it in a cookie.
func (h *Handlers) Elder(w http.ResponseWriter, r *http.Request) error {
	if !h.parseForm(w, r) {
		return nil
	}
	if r.PostForm.Get("elder") == "1" {
		h.setCookie(w, core.ElderCookie, "1", core.PrefLifetime)
	} else {
		h.setCookie(w, core.ElderCookie, "0", core.PrefLifetime)
	}
	http.Redirect(w, r, localPath(r.PostForm.Get("next")), http.StatusSeeOther)
	return nil
}

// Lang switches the language of the pages.
func (h *Handlers) Lang(w http.ResponseWriter, r *http.Request) error {
	if !h.parseForm(w, r) {
		return nil
	}
	lang := i18n.Supported(r.PostForm.Get("lang"))
	if lang == "" {
		lang = i18n.Chinese
	}
	h.setCookie(w, core.LangCookie, lang, core.PrefLifetime)
	http.Redirect(w, r, localPath(r.PostForm.Get("next")), http.StatusSeeOther)
	return nil
}
