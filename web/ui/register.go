package ui

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
func (h *Handlers) registerView(r *http.Request) *core.View {
	v := h.NewView(r, "register.title", "register")
	if h.Accounts.SMSRequired() {
		v.Form["sms"] = "1"
	}
	for _, f := range []string{"name", "phone", "area_id", "birth_year", "sms_code"} {
		v.Form[f] = r.PostForm.Get(f)
	}
	return v
}

func (h *Handlers) Register(w http.ResponseWriter, r *http.Request) error {
	h.Render(w, r, http.StatusOK, "register", h.registerView(r))
	return nil
}

// RegisterSMS texts the sign-up code from the form's second button and
// shows the form again, filled in, with a field for the code.
func (h *Handlers) RegisterSMS(w http.ResponseWriter, r *http.Request) error {
	v := h.registerView(r)
	err := h.Accounts.SendSMSCode(r.Context(), guli.SMSCodeInput{Phone: v.Form["phone"], ClientAddr: h.ClientAddr(r)})
	if err != nil {
		h.renderFailedForm(w, r, "register", v, err)
		return nil
	}
	v.Notice = v.T("register.sms_sent", guli.MaskPhone(guli.NormalizePhone(v.Form["phone"])))
	h.Render(w, r, http.StatusOK, "register", v)
	return nil
}

// RegisterPost creates the account and signs the new resident in, so the
// next thing they see is the station, not another form.
func (h *Handlers) RegisterPost(w http.ResponseWriter, r *http.Request) error {
	if !h.parseForm(w, r) {
		return nil
	}
	v := h.registerView(r)
	in := guli.RegisterInput{
		Name: r.PostForm.Get("name"), Phone: r.PostForm.Get("phone"),
		Password: r.PostForm.Get("password"), AreaID: guli.ParseID(r.PostForm.Get("area_id")),
		SMSCode: r.PostForm.Get("sms_code"), ClientAddr: h.ClientAddr(r),
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
	if _, err := h.Accounts.Register(r.Context(), in); err != nil {
		h.renderFailedForm(w, r, "register", v, err)
		return nil
	}
	sess, err := h.Accounts.Login(r.Context(), guli.LoginInput{Phone: in.Phone, Password: in.Password,
		DeviceToken: core.DeviceToken(r), ClientAddr: h.ClientAddr(r), Kind: guli.SessionWeb})
	if err != nil {
		// The account exists; let them sign in by hand.
		http.Redirect(w, r, "/login?"+url.Values{"phone": {guli.NormalizePhone(in.Phone)}}.Encode(), http.StatusSeeOther)
		return nil
	}
	h.signIn(w, sess)
	http.Redirect(w, r, "/?welcome=1", http.StatusSeeOther)
	return nil
}
