package api

import (
	"net/http"

	"guli"
	"guli/web/core"
)

// rosterCreditView is what crediting an activity's helpers did for one.
type rosterCreditView struct {
	UserID         core.WireID `json:"user_id"`
	Name           string      `json:"name"`
	Credited       bool        `json:"credited"`
	BalanceMinutes int         `json:"balance_minutes"`
}

func (h *Handlers) CreditRoster(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var body struct {
		UserIDs []core.WireID `json:"user_ids"`
		Minutes int           `json:"minutes"`
		Memo    string        `json:"memo"`
	}
	if err := decode(r, &body); err != nil {
		return 0, nil, err
	}
	in := guli.RosterCreditInput{UserIDs: core.DomainIDs(body.UserIDs), Minutes: body.Minutes, Memo: body.Memo}
	credits, err := h.TimeBank.CreditRoster(r.Context(), core.PathID(r, "id"), in)
	status, v, err := listOf(guli.Page[guli.RosterCredit]{Items: credits}, err, func(c guli.RosterCredit) rosterCreditView {
		return rosterCreditView{UserID: core.WireID(c.UserID), Name: c.Name, Credited: c.Credited, BalanceMinutes: c.BalanceMinutes}
	})
	if err == nil {
		status = http.StatusCreated
	}
	return status, v, err
}
