package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"guli"
	"guli/web/core"
)

// registerView is the sign-up form, with the texted-code field when the
// deployment sends text messages.
func (s *Server) registerView(r *http.Request) *core.View {
	v := s.NewView(r, "register.title", "register")
	if s.Accounts.SMSRequired() {
		v.Form["sms"] = "1"
	}
	for _, f := range []string{"name", "phone", "area_id", "birth_year", "sms_code"} {
		v.Form[f] = r.PostForm.Get(f)
	}
	return v
}

func (s *Server) pageRegister(w http.ResponseWriter, r *http.Request) {
	s.Render(w, r, http.StatusOK, "register", s.registerView(r))
}

// pageRegisterSMS texts the sign-up code from the form's second button and
// shows the form again, filled in, with a field for the code.
func (s *Server) pageRegisterSMS(w http.ResponseWriter, r *http.Request) {
	v := s.registerView(r)
	err := s.Accounts.SendSMSCode(r.Context(), guli.SMSCodeInput{Phone: v.Form["phone"], ClientAddr: s.ClientAddr(r)})
	if err != nil {
		s.renderFailedForm(w, r, "register", v, err)
		return
	}
	v.Notice = v.T("register.sms_sent", guli.MaskPhone(guli.NormalizePhone(v.Form["phone"])))
	s.Render(w, r, http.StatusOK, "register", v)
}

// pageRegisterPost creates the account and signs the new resident in, so the
// next thing they see is the station, not another form.
func (s *Server) pageRegisterPost(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	v := s.registerView(r)
	in := guli.RegisterInput{
		Name: r.PostForm.Get("name"), Phone: r.PostForm.Get("phone"),
		Password: r.PostForm.Get("password"), AreaID: guli.ParseID(r.PostForm.Get("area_id")),
		SMSCode: r.PostForm.Get("sms_code"), ClientAddr: s.ClientAddr(r),
	}
	if r.PostForm.Get("area_id") == "" {
		in.AreaID = 0
	}
	if by := strings.TrimSpace(guli.FoldWidth(r.PostForm.Get("birth_year"))); by != "" {
		year, err := strconv.Atoi(by)
		if err != nil {
			year = -1 // out of range: the service says so next to the field
		}
		in.BirthYear = year
	}
	if _, err := s.Accounts.Register(r.Context(), in); err != nil {
		s.renderFailedForm(w, r, "register", v, err)
		return
	}
	sess, err := s.Accounts.Login(r.Context(), guli.LoginInput{Phone: in.Phone, Password: in.Password,
		DeviceToken: core.DeviceToken(r), ClientAddr: s.ClientAddr(r), Kind: guli.SessionWeb})
	if err != nil {
		// The account exists; let them sign in by hand.
		http.Redirect(w, r, "/login?"+url.Values{"phone": {guli.NormalizePhone(in.Phone)}}.Encode(), http.StatusSeeOther)
		return
	}
	s.signIn(w, sess)
	http.Redirect(w, r, "/?welcome=1", http.StatusSeeOther)
}
