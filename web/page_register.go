package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"guli"
)

func (s *Server) pageRegister(w http.ResponseWriter, r *http.Request) {
	v := s.newView(r, "register.title", "register")
	s.render(w, r, http.StatusOK, "register", v)
}

// pageRegisterPost creates the account and signs the new resident in, so the
// next thing they see is the station, not another form.
func (s *Server) pageRegisterPost(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	v := s.newView(r, "register.title", "register")
	for _, f := range []string{"name", "phone", "area_id", "birth_year"} {
		v.Form[f] = r.PostForm.Get(f)
	}
	in := guli.RegisterInput{
		Name: r.PostForm.Get("name"), Phone: r.PostForm.Get("phone"),
		Password: r.PostForm.Get("password"), AreaID: guli.ParseID(r.PostForm.Get("area_id")),
	}
	if r.PostForm.Get("area_id") == "" {
		in.AreaID = 0
	}
	if by := strings.TrimSpace(r.PostForm.Get("birth_year")); by != "" {
		year, err := strconv.Atoi(by)
		if err != nil {
			year = -1 // out of range: the service says so next to the field
		}
		in.BirthYear = year
	}
	if _, err := s.Accounts.Register(r.Context(), in); err != nil {
		s.render(w, r, s.formError(v, err), "register", v)
		return
	}
	sess, err := s.Accounts.Login(r.Context(), guli.LoginInput{Phone: in.Phone, Password: in.Password,
		ClientAddr: s.clientAddr(r), Kind: guli.SessionWeb})
	if err != nil {
		// The account exists; let them sign in by hand.
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	s.setCookie(w, sessionCookie, sess.Token, time.Until(sess.ExpiresAt))
	http.Redirect(w, r, "/?welcome=1", http.StatusSeeOther)
}
