package web

import (
	"net/http"
	"net/url"

	"guli"
	"guli/web/core"
)

// Pages of the password life cycle: change one's password, sign out
// everywhere, reset a forgotten password with the code staff give.

func (s *Server) pagePassword(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requireLogin(w, r); !ok {
		return
	}
	s.Render(w, r, http.StatusOK, "password", s.NewView(r, "password.title", "me"))
}

// pagePasswordPost changes the password; this browser stays signed in,
// every other session ends.
func (s *Server) pagePasswordPost(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requireLogin(w, r); !ok {
		return
	}
	v := s.NewView(r, "password.title", "me")
	err := s.Accounts.ChangePassword(r.Context(), guli.ChangePasswordInput{
		Current: r.PostForm.Get("current_password"), New: r.PostForm.Get("new_password"), Keep: core.Info(r).Token,
		ClientAddr: s.ClientAddr(r)})
	if err != nil {
		s.renderFailedForm(w, r, "password", v, err)
		return
	}
	back(w, r, "/me", "password_changed")
}

// pageLogoutAll signs the person out on every device, this one too: for a
// phone that was lost or a password that someone else knows.
func (s *Server) pageLogoutAll(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requireLogin(w, r); !ok {
		return
	}
	if err := s.Accounts.LogoutAll(r.Context()); err != nil {
		s.RenderError(w, r, core.StatusOf(guli.ErrorCode(err)))
		return
	}
	s.ClearSessionCookie(w)
	back(w, r, "/login", "signed_out_everywhere")
}

// pageReset is where a resident sets a new password with the code staff gave
// them.
func (s *Server) pageReset(w http.ResponseWriter, r *http.Request) {
	v := s.NewView(r, "reset.title", "login")
	v.Form["phone"] = r.URL.Query().Get("phone")
	s.Render(w, r, http.StatusOK, "reset", v)
}

func (s *Server) pageResetPost(w http.ResponseWriter, r *http.Request) {
	v := s.NewView(r, "reset.title", "login")
	v.Form["phone"], v.Form["code"] = r.PostForm.Get("phone"), r.PostForm.Get("code")
	err := s.Accounts.ResetPassword(r.Context(), guli.ResetInput{Phone: v.Form["phone"], Code: v.Form["code"],
		NewPassword: r.PostForm.Get("new_password"), ClientAddr: s.ClientAddr(r)})
	if err != nil {
		s.renderFailedForm(w, r, "reset", v, err)
		return
	}
	back(w, r, "/login?"+url.Values{"phone": {guli.NormalizePhone(v.Form["phone"])}}.Encode(), "password_reset")
}

type residentsData struct {
	Query string
	Found []*guli.User
}

// pageDeskResidents is the staff's search for residents, with what the desk
// does for one: a password-reset code.
func (s *Server) pageDeskResidents(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requireStaff(w, r); !ok {
		return
	}
	v := s.NewView(r, "residents.title", "desk")
	d := residentsData{Query: r.URL.Query().Get("q")}
	v.Form["q"] = d.Query
	d.Found = s.findResidents(r, v, d.Query)
	v.Data = d
	s.Render(w, r, http.StatusOK, "residents", v)
}

type resetCodeData struct {
	Person *guli.User
	Code   *guli.ResetCode
}

// pageDeskResetCode makes a reset code and shows it large, to read out or
// write down for the resident.
func (s *Server) pageDeskResetCode(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requireStaff(w, r); !ok {
		return
	}
	v := s.NewView(r, "residents.reset_title", "desk")
	id := core.PathID(r, "id")
	person, err := s.Accounts.User(r.Context(), id)
	if err != nil {
		s.RenderError(w, r, core.StatusOf(guli.ErrorCode(err)))
		return
	}
	code, err := s.Accounts.IssueResetCode(r.Context(), id)
	if err != nil {
		status := s.FormError(v, err)
		v.Data = residentsData{}
		s.Render(w, r, status, "residents", v)
		return
	}
	if v.Station != nil {
		code.ExpiresAt = code.ExpiresAt.In(v.Station.Location())
	}
	v.Data = resetCodeData{Person: person, Code: code}
	s.Render(w, r, http.StatusCreated, "reset_code", v)
}

// bookingRulesView starts the booking rules page of the current station,
// for staff; it answers the request itself when it cannot.
func (s *Server) bookingRulesView(w http.ResponseWriter, r *http.Request) (*core.View, bool) {
	if _, ok := s.requireStaff(w, r); !ok {
		return nil, false
	}
	v := s.NewView(r, "bookingrules.title", "desk")
	if v.Station == nil {
		s.RenderError(w, r, http.StatusNotFound)
		return nil, false
	}
	return v, true
}

// pageBookingRules shows and changes how residents may book the station's
// rooms.
func (s *Server) pageBookingRules(w http.ResponseWriter, r *http.Request) {
	v, ok := s.bookingRulesView(w, r)
	if !ok {
		return
	}
	br := v.Station.BookingRules
	v.Form["max_days_ahead"], v.Form["max_hours"], v.Form["max_future_bookings"] = itoa(br.MaxDaysAhead), hours(br.MaxMinutes), itoa(br.MaxFutureBookings)
	s.Render(w, r, http.StatusOK, "booking_rules", v)
}

func (s *Server) pageBookingRulesPost(w http.ResponseWriter, r *http.Request) {
	v, ok := s.bookingRulesView(w, r)
	if !ok {
		return
	}
	for _, f := range []string{"max_days_ahead", "max_hours", "max_future_bookings"} {
		v.Form[f] = r.PostForm.Get(f)
	}
	rules := guli.BookingRules{MaxDaysAhead: formInt(v.Form["max_days_ahead"]), MaxMinutes: formMinutes(v.Form["max_hours"]),
		MaxFutureBookings: formInt(v.Form["max_future_bookings"])}
	if _, err := s.Stations.SetBookingRules(r.Context(), v.Station.ID, rules); err != nil {
		status := s.FormError(v, err)
		v.RenameErrors(map[string]string{"max_minutes": "max_hours"})
		s.Render(w, r, status, "booking_rules", v)
		return
	}
	back(w, r, "/desk/booking-rules", "saved")
}
