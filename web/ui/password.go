package ui

import (
	"net/http"
	"net/url"

	"guli"
	"guli/web/core"
)

// Pages of the password life cycle: change one's password, sign out
// everywhere, reset a forgotten password with the code staff give.

func (h *Handlers) Password(w http.ResponseWriter, r *http.Request) error {
	if _, ok := h.requireLogin(w, r); !ok {
		return nil
	}
	h.Render(w, r, http.StatusOK, "password", h.NewView(r, "password.title", "me"))
	return nil
}

// PasswordPost changes the password; this browser stays signed in,
// every other session ends.
func (h *Handlers) PasswordPost(w http.ResponseWriter, r *http.Request) error {
	if _, ok := h.requireLogin(w, r); !ok {
		return nil
	}
	v := h.NewView(r, "password.title", "me")
	err := h.Accounts.ChangePassword(r.Context(), guli.ChangePasswordInput{
		Current: r.PostForm.Get("current_password"), New: r.PostForm.Get("new_password"), Keep: core.Info(r).Token,
		ClientAddr: h.ClientAddr(r)})
	if err != nil {
		h.renderFailedForm(w, r, "password", v, err)
		return nil
	}
	back(w, r, "/me", "password_changed")
	return nil
}

// LogoutAll signs the person out on every device, this one too: for a
// phone that was lost or a password that someone else knows.
func (h *Handlers) LogoutAll(w http.ResponseWriter, r *http.Request) error {
	if _, ok := h.requireLogin(w, r); !ok {
		return nil
	}
	if err := h.Accounts.LogoutAll(r.Context()); err != nil {
		return err
	}
	h.ClearSessionCookie(w)
	back(w, r, "/login", "signed_out_everywhere")
	return nil
}

// Reset is where a resident sets a new password with the code staff gave
// them.
func (h *Handlers) Reset(w http.ResponseWriter, r *http.Request) error {
	v := h.NewView(r, "reset.title", "login")
	v.Form["phone"] = r.URL.Query().Get("phone")
	h.Render(w, r, http.StatusOK, "reset", v)
	return nil
}

func (h *Handlers) ResetPost(w http.ResponseWriter, r *http.Request) error {
	v := h.NewView(r, "reset.title", "login")
	v.Form["phone"], v.Form["code"] = r.PostForm.Get("phone"), r.PostForm.Get("code")
	err := h.Accounts.ResetPassword(r.Context(), guli.ResetInput{Phone: v.Form["phone"], Code: v.Form["code"],
		NewPassword: r.PostForm.Get("new_password"), ClientAddr: h.ClientAddr(r)})
	if err != nil {
		h.renderFailedForm(w, r, "reset", v, err)
		return nil
	}
	back(w, r, "/login?"+url.Values{"phone": {guli.NormalizePhone(v.Form["phone"])}}.Encode(), "password_reset")
	return nil
}

type residentsData struct {
	Query string
	Rows  []residentRow // the people found, with the station's marks
}

// DeskResidents is the staff's search for residents, with what the desk
// does for one: a password-reset code.
func (h *Handlers) DeskResidents(w http.ResponseWriter, r *http.Request) error {
	if _, ok := h.requireStaff(w, r); !ok {
		return nil
	}
	v := h.NewView(r, "residents.title", "desk")
	d := residentsData{Query: r.URL.Query().Get("q")}
	v.Form["q"] = d.Query
	d.Rows = h.residentRows(r, v, h.findResidents(r, v, d.Query))
	v.Data = d
	h.Render(w, r, http.StatusOK, "residents", v)
	return nil
}

type resetCodeData struct {
	Person *guli.User
	Code   *guli.ResetCode
}

// DeskResetCode makes a reset code and shows it large, to read out or
// write down for the resident.
func (h *Handlers) DeskResetCode(w http.ResponseWriter, r *http.Request) error {
	if _, ok := h.requireStaff(w, r); !ok {
		return nil
	}
	v := h.NewView(r, "residents.reset_title", "desk")
	id := core.PathID(r, "id")
	person, err := h.Accounts.User(r.Context(), id)
	if err != nil {
		return err
	}
	code, err := h.Accounts.IssueResetCode(r.Context(), id)
	if err != nil {
		status := h.FormError(v, err)
		v.Data = residentsData{}
		h.Render(w, r, status, "residents", v)
		return nil
	}
	if v.Station != nil {
		code.ExpiresAt = code.ExpiresAt.In(v.Station.Location())
	}
	v.Data = resetCodeData{Person: person, Code: code}
	h.Render(w, r, http.StatusCreated, "reset_code", v)
	return nil
}

// bookingRulesView starts the booking rules page of the current station,
// for staff; it answers the request itself when it cannot.
func (h *Handlers) bookingRulesView(w http.ResponseWriter, r *http.Request) (*core.View, bool) {
	if _, ok := h.requireStaff(w, r); !ok {
		return nil, false
	}
	v := h.NewView(r, "bookingrules.title", "desk")
	if v.Station == nil {
		h.RenderError(w, r, http.StatusNotFound)
		return nil, false
	}
	return v, true
}

// BookingRules shows and changes how residents may book the station's
// rooms.
func (h *Handlers) BookingRules(w http.ResponseWriter, r *http.Request) error {
	v, ok := h.bookingRulesView(w, r)
	if !ok {
		return nil
	}
	br := v.Station.BookingRules
	v.Form["max_days_ahead"], v.Form["max_hours"], v.Form["max_future_bookings"] = itoa(br.MaxDaysAhead), hours(br.MaxMinutes), itoa(br.MaxFutureBookings)
	h.Render(w, r, http.StatusOK, "booking_rules", v)
	return nil
}

func (h *Handlers) BookingRulesPost(w http.ResponseWriter, r *http.Request) error {
	v, ok := h.bookingRulesView(w, r)
	if !ok {
		return nil
	}
	for _, f := range []string{"max_days_ahead", "max_hours", "max_future_bookings"} {
		v.Form[f] = r.PostForm.Get(f)
	}
	rules := guli.BookingRules{MaxDaysAhead: formInt(v.Form["max_days_ahead"]), MaxMinutes: formMinutes(v.Form["max_hours"]),
		MaxFutureBookings: formInt(v.Form["max_future_bookings"])}
	if _, err := h.Stations.SetBookingRules(r.Context(), v.Station.ID, rules); err != nil {
		status := h.FormError(v, err)
		v.RenameErrors(map[string]string{"max_minutes": "max_hours"})
		h.Render(w, r, status, "booking_rules", v)
		return nil
	}
	back(w, r, "/desk/booking-rules", "saved")
	return nil
}
