package ui

import (
	"net/http"
	"net/url"
	"strings"

	"guli"
)

// requireLogin sends anonymous visitors to the login page and back.
func (h *Handlers) requireLogin(w http.ResponseWriter, r *http.Request) (*guli.User, bool) {
	u := guli.UserFromContext(r.Context())
	if u == nil {
		http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return nil, false
	}
	return u, true
}

func (h *Handlers) Me(w http.ResponseWriter, r *http.Request) error {
	u, ok := h.requireLogin(w, r)
	if !ok {
		return nil
	}
	v := h.NewView(r, "me.title", "me")
	if c := u.EmergencyContact; c != nil {
		v.Form["ec_name"], v.Form["ec_phone"] = c.Name, c.Phone
	}
	v.Form["email"] = u.Email
	if u.Email == "" || !u.EmailOff {
		v.Form["email_on"] = "1"
	}
	if r.URL.Query().Get("saved") == "1" {
		v.Notice = v.T("me.saved")
	}
	h.Render(w, r, http.StatusOK, "me", v)
	return nil
}

// MePost saves the emergency contact; an empty form removes it.
func (h *Handlers) MePost(w http.ResponseWriter, r *http.Request) error {
	if _, ok := h.requireLogin(w, r); !ok {
		return nil
	}
	if !h.parseForm(w, r) {
		return nil
	}
	v := h.NewView(r, "me.title", "me")
	v.Form["ec_name"], v.Form["ec_phone"] = r.PostForm.Get("ec_name"), r.PostForm.Get("ec_phone")
	in := guli.UpdateMeInput{}
	if strings.TrimSpace(v.Form["ec_name"]+v.Form["ec_phone"]) == "" {
		in.ClearEmergencyContact = true
	} else {
		in.EmergencyContact = &guli.EmergencyContact{Name: v.Form["ec_name"], Phone: v.Form["ec_phone"]}
	}
	// The e-mail fields come with the form that has them: a form of the
	// contact alone leaves the address as it is.
	if r.PostForm.Has("email_form") {
		email, on := r.PostForm.Get("email"), r.PostForm.Get("email_on") == "1"
		v.Form["email"], v.Form["email_on"] = email, r.PostForm.Get("email_on")
		in.Email, in.EmailOn = &email, &on
	}
	if _, err := h.Accounts.UpdateMe(r.Context(), in); err != nil {
		status := h.FormError(v, err)
		v.RenameErrors(map[string]string{"emergency_contact.name": "ec_name", "emergency_contact.phone": "ec_phone"})
		h.Render(w, r, status, "me", v)
		return nil
	}
	http.Redirect(w, r, "/me?saved=1", http.StatusSeeOther)
	return nil
}
