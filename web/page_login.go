package web

import (
	"net/http"
	"time"

	"guli"
	"guli/web/core"
)

func (s *Server) pageLogin(w http.ResponseWriter, r *http.Request) {
	v := s.NewView(r, "login.title", "login")
	v.Form["next"] = localPath(r.URL.Query().Get("next"))
	v.Form["phone"] = r.URL.Query().Get("phone")
	s.Render(w, r, http.StatusOK, "login", v)
}

func (s *Server) pageLoginPost(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	v := s.NewView(r, "login.title", "login")
	v.Form["phone"] = r.PostForm.Get("phone")
	v.Form["next"] = localPath(r.PostForm.Get("next"))
	sess, err := s.Accounts.Login(r.Context(), guli.LoginInput{
		Phone: r.PostForm.Get("phone"), Password: r.PostForm.Get("password"), DeviceToken: core.DeviceToken(r),
		ClientAddr: s.ClientAddr(r), Kind: guli.SessionWeb,
	})
	if err != nil {
		s.renderFailedForm(w, r, "login", v, err)
		return
	}
	s.signIn(w, sess)
	http.Redirect(w, r, v.Form["next"], http.StatusSeeOther)
}

// signIn sets the cookies of a new session: the session, and the device
// that a later login from this browser is known by.
func (s *Server) signIn(w http.ResponseWriter, sess *guli.Session) {
	s.setCookie(w, core.SessionCookie, sess.Token, time.Until(sess.ExpiresAt))
	if sess.DeviceToken != "" {
		s.setCookie(w, core.DeviceCookie, sess.DeviceToken, guli.DeviceLifetime)
	}
}

func (s *Server) pageLogout(w http.ResponseWriter, r *http.Request) {
	if token := core.Info(r).Token; token != "" {
		if err := s.Accounts.Logout(r.Context(), token); err != nil {
			s.RenderError(w, r, core.StatusOf(guli.ErrorCode(err)))
			return
		}
	}
	s.ClearSessionCookie(w)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}
