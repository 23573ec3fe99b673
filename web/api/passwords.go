package api

import (
	"net/http"

	"guli"
	"guli/web/core"
)

// The password life cycle over the API: text-message codes for signing up,
// signing out everywhere, changing one's password, and the reset code staff
// give at the desk.

func (h *Handlers) SMSCode(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var in guli.SMSCodeInput
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	in.ClientAddr = h.ClientAddr(r)
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
	var in guli.ChangePasswordInput
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	in.Keep, in.ClientAddr = core.Info(r).Token, h.ClientAddr(r)
	if err := h.Accounts.ChangePassword(r.Context(), in); err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, nil
}

func (h *Handlers) IssueResetCode(w http.ResponseWriter, r *http.Request) (int, any, error) {
	rc, err := h.Accounts.IssueResetCode(r.Context(), core.PathID(r, "id"))
	if err != nil {
		return 0, nil, err
	}
	rc.ExpiresAt = rc.ExpiresAt.In(core.DefaultZone)
	return http.StatusCreated, rc, nil
}

func (h *Handlers) ResetPassword(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var in guli.ResetInput
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	in.ClientAddr = h.ClientAddr(r)
	if err := h.Accounts.ResetPassword(r.Context(), in); err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, nil
}
