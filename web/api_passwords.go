package web

import (
	"guli/web/core"
	"net/http"

	"guli"
)

// The password life cycle over the API: text-message codes for signing up,
// signing out everywhere, changing one's password, and the reset code staff
// give at the desk.

func (s *Server) apiSMSCode(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var in guli.SMSCodeInput
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	in.ClientAddr = s.ClientAddr(r)
	if err := s.Accounts.SendSMSCode(r.Context(), in); err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, nil
}

func (s *Server) apiLogoutAll(w http.ResponseWriter, r *http.Request) (int, any, error) {
	if err := s.Accounts.LogoutAll(r.Context()); err != nil {
		return 0, nil, err
	}
	if !core.Info(r).ViaBearer {
		s.ClearSessionCookie(w)
	}
	return http.StatusNoContent, nil, nil
}

func (s *Server) apiChangePassword(w http.ResponseWriter, r *http.Request) (int, any, error) {
	if _, err := guli.RequireUser(r.Context()); err != nil {
		return 0, nil, err
	}
	var in guli.ChangePasswordInput
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	in.Keep, in.ClientAddr = core.Info(r).Token, s.ClientAddr(r)
	if err := s.Accounts.ChangePassword(r.Context(), in); err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, nil
}

func (s *Server) apiIssueResetCode(w http.ResponseWriter, r *http.Request) (int, any, error) {
	rc, err := s.Accounts.IssueResetCode(r.Context(), core.PathID(r, "id"))
	if err != nil {
		return 0, nil, err
	}
	rc.ExpiresAt = rc.ExpiresAt.In(defaultZone)
	return http.StatusCreated, rc, nil
}

func (s *Server) apiResetPassword(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var in guli.ResetInput
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	in.ClientAddr = s.ClientAddr(r)
	if err := s.Accounts.ResetPassword(r.Context(), in); err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, nil
}
