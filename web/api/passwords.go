package api

import (
	"net/http"
	"time"

	"guli"
	"guli/web/core"
)

// The password life cycle over the API: text-message codes for signing up,
// signing out everywhere, changing one's password, and the reset code staff
// give at the desk.

func (h *Handlers) SMSCode(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var body struct {
		Phone string `json:"phone"`
	}
	if err := decode(r, &body); err != nil {
		return 0, nil, err
	}
	in := guli.SMSCodeInput{Phone: body.Phone, ClientAddr: h.ClientAddr(r)}
	if err := h.Accounts.SendSMSCode(r.Context(), in); err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, nil
}

func (h *Handlers) LogoutAll(w http.ResponseWriter, r *http.Request) (int, any, error) {
	if err := h.Accounts.LogoutAll(r.Context()); err != nil {
		return 0, nil, err
	}
	if !core.Info(r).ViaBearer {
		h.ClearSessionCookie(w)
	}
	return http.StatusNoContent, nil, nil
}

func (h *Handlers) ChangePassword(w http.ResponseWriter, r *http.Request) (int, any, error) {
	if _, err := guli.RequireUser(r.Context()); err != nil {
		return 0, nil, err
	}
	var body struct {
		Current string `json:"current_password"`
		New     string `json:"new_password"`
	}
	if err := decode(r, &body); err != nil {
		return 0, nil, err
	}
	in := guli.ChangePasswordInput{Current: body.Current, New: body.New, Keep: core.Info(r).Token, ClientAddr: h.ClientAddr(r)}
	if err := h.Accounts.ChangePassword(r.Context(), in); err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, nil
}

// resetCodeView is a reset code for staff to hand over; its expiry is in
// China's zone.
type resetCodeView struct {
	Code      string    `json:"code"`
	ExpiresAt time.Time `json:"expires_at"`
}

func (h *Handlers) IssueResetCode(w http.ResponseWriter, r *http.Request) (int, any, error) {
	rc, err := h.Accounts.IssueResetCode(r.Context(), core.PathID(r, "id"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, resetCodeView{Code: rc.Code, ExpiresAt: rc.ExpiresAt.In(core.DefaultZone)}, nil
}

func (h *Handlers) ResetPassword(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var body struct {
		Phone       string `json:"phone"`
		Code        string `json:"code"`
		NewPassword string `json:"new_password"`
	}
	if err := decode(r, &body); err != nil {
		return 0, nil, err
	}
	in := guli.ResetInput{Phone: body.Phone, Code: body.Code, NewPassword: body.NewPassword, ClientAddr: h.ClientAddr(r)}
	if err := h.Accounts.ResetPassword(r.Context(), in); err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, nil
}
