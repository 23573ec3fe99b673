package api

import (
	"net/http"

	"guli"
	"guli/web/core"
)

// ExportMyData answers everything kept about the person as a download.
func (h *Handlers) ExportMyData(w http.ResponseWriter, r *http.Request) (int, any, error) {
	x, err := h.DataRights.ExportMyData(r.Context())
	if err != nil {
		return 0, nil, err
	}
	w.Header().Set("Content-Disposition", `attachment; filename="`+core.ExportFileName(x)+`"`)
	return http.StatusOK, core.ExportView{X: x}, nil
}

// accountClosureView says what closing an account did.
type accountClosureView struct {
	UserID                 core.WireID `json:"user_id"`
	RegistrationsCancelled int         `json:"registrations_cancelled"`
	RequestsCancelled      int         `json:"requests_cancelled"`
	RequestsReleased       int         `json:"requests_released"`
	BookingsCancelled      int         `json:"bookings_cancelled"`
	// DependentsClosed: beyond the contract, those kept by the closing
	// guardian alone, closed with them.
	DependentsClosed []core.WireID `json:"dependents_closed"`
}

func viewAccountClosure(c *guli.AccountClosure) accountClosureView {
	v := accountClosureView{UserID: core.WireID(c.UserID), RegistrationsCancelled: c.RegistrationsCancelled,
		RequestsCancelled: c.RequestsCancelled, RequestsReleased: c.RequestsReleased, BookingsCancelled: c.BookingsCancelled,
		DependentsClosed: []core.WireID{}}
	for _, id := range c.DependentsClosed {
		v.DependentsClosed = append(v.DependentsClosed, core.WireID(id))
	}
	return v
}

// CloseMyAccount closes the person's own account, given its password.
func (h *Handlers) CloseMyAccount(w http.ResponseWriter, r *http.Request) (int, any, error) {
	if _, err := guli.RequireUser(r.Context()); err != nil {
		return 0, nil, err
	}
	var body struct {
		Password string `json:"password"`
	}
	if err := decode(r, &body); err != nil {
		return 0, nil, err
	}
	return closed(h.DataRights.CloseAccount(r.Context(), guli.CloseInput{Password: body.Password, ClientAddr: h.ClientAddr(r)}))
}

// CloseAccount closes a resident's account for them, by staff.
func (h *Handlers) CloseAccount(w http.ResponseWriter, r *http.Request) (int, any, error) {
	if _, err := guli.RequireStaff(r.Context()); err != nil {
		return 0, nil, err
	}
	id := guli.ParseID(r.PathValue("id"))
	if id == guli.NoID {
		return 0, nil, guli.Errorf(guli.ECNotFound)
	}
	return closed(h.DataRights.CloseAccount(r.Context(), guli.CloseInput{UserID: id, ClientAddr: h.ClientAddr(r)}))
}

func closed(c *guli.AccountClosure, err error) (int, any, error) {
	v, err := view(c, err, viewAccountClosure)
	return ok(v, err)
}
