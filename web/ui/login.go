package ui

import (
	"net/http"

	"guli"
	"guli/web/core"
)

func (h *Handlers) Login(w http.ResponseWriter, r *http.Request) error {
	v := h.NewView(r, "login.title", "login")
	v.Form["next"] = localPath(r.URL.Query().Get("next"))
	v.Form["phone"] = r.URL.Query().Get("phone")
	h.Render(w, r, http.StatusOK, "login", v)
	return nil
}

func (h *Handlers) LoginPost(w http.ResponseWriter, r *http.Request) error {
	if !h.parseForm(w, r) {
		return nil
	}
	v := h.NewView(r, "login.title", "login")
	v.Form["phone"] = r.PostForm.Get("phone")
	v.Form["next"] = localPath(r.PostForm.Get("next"))
	sess, err := h.Accounts.Login(r.Context(), guli.LoginInput{
		Phone: r.PostForm.Get("phone"), Password: r.PostForm.Get("password"), DeviceToken: core.DeviceToken(r),
		ClientAddr: h.ClientAddr(r), Kind: guli.SessionWeb,
	})
	if err != nil {
		h.renderFailedForm(w, r, "login", v, err)
		return nil
	}
	h.signIn(w, sess)
	http.Redirect(w, r, v.Form["next"], http.StatusSeeOther)
	return nil
}

// signIn sets the cookies of a new session: the session, and the device
// that a later login from this browser is known by.
func (h *Handlers) signIn(w http.ResponseWriter, sess *guli.Session) {
	h.setCookie(w, core.SessionCookie, sess.Token, sess.ExpiresAt.Sub(h.TimeNow()))
	if sess.DeviceToken != "" {
		h.setCookie(w, core.DeviceCookie, sess.DeviceToken, guli.DeviceLifetime)
	}
}

func (h *Handlers) Logout(w http.ResponseWriter, r *http.Request) error {
	if token := core.Info(r).Token; token != "" {
		if err := h.Accounts.Logout(r.Context(), token); err != nil {
			return err
		}
	}
	h.ClearSessionCookie(w)
	http.Redirect(w, r, "/", http.StatusSeeOther)
	return nil
}
