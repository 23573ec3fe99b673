package api

import (
	"net/http"
	"time"

	"guli"
	"guli/web/core"
)

// statementView is a person's time bank.
type statementView struct {
	BalanceMinutes int         `json:"balance_minutes"`
	EarnedMinutes  int         `json:"earned_minutes"`
	Entries        []entryView `json:"entries"`
}

type entryView struct {
	ID        core.WireID `json:"id"`
	Minutes   int         `json:"minutes"`
	Kind      string      `json:"kind"`
	Memo      string      `json:"memo"`
	CreatedAt time.Time   `json:"created_at"`
}

func viewStatement(s *guli.Statement) statementView {
	v := statementView{BalanceMinutes: s.BalanceMinutes, EarnedMinutes: s.EarnedMinutes, Entries: make([]entryView, len(s.Entries))}
	for i, e := range s.Entries {
		v.Entries[i] = entryView{ID: core.WireID(e.ID), Minutes: e.Minutes, Kind: e.Kind, Memo: e.Memo, CreatedAt: e.CreatedAt}
	}
	return v
}

// transferView answers a movement: its id and the payer's balance after.
type transferView struct {
	ID             core.WireID `json:"id"`
	BalanceMinutes int         `json:"balance_minutes"`
}

func viewTransfer(t *guli.Transfer) transferView {
	return transferView{ID: core.WireID(t.ID), BalanceMinutes: t.BalanceMinutes}
}

func (h *Handlers) MyTimeBank(w http.ResponseWriter, r *http.Request) (int, any, error) {
	s, err := h.TimeBank.MyTimeBank(r.Context())
	return ok(view(s, err, viewStatement))
}

// Transfer gives minutes to someone, named by id or by phone; the
// Idempotency-Key header makes a retried request apply once.
func (h *Handlers) Transfer(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var body struct {
		FromUserID core.WireID `json:"from_user_id"` // a guardian giving a dependent's minutes
		ToUserID   core.WireID `json:"to_user_id"`
		ToPhone    string      `json:"to_phone"`
		Minutes    int         `json:"minutes"`
		Memo       string      `json:"memo"`
	}
	if err := decode(r, &body); err != nil {
		return 0, nil, err
	}
	in := guli.TransferInput{FromUserID: guli.ID(body.FromUserID), ToUserID: guli.ID(body.ToUserID), ToPhone: body.ToPhone, Minutes: body.Minutes, Memo: body.Memo,
		Key: r.Header.Get("Idempotency-Key"), ClientAddr: h.ClientAddr(r)}
	t, err := h.TimeBank.Transfer(r.Context(), in)
	return created(view(t, err, viewTransfer))
}

func (h *Handlers) Credit(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var body struct {
		UserID  core.WireID `json:"user_id"`
		Minutes int         `json:"minutes"`
		Memo    string      `json:"memo"`
	}
	if err := decode(r, &body); err != nil {
		return 0, nil, err
	}
	t, err := h.TimeBank.Credit(r.Context(), guli.ID(body.UserID), body.Minutes, body.Memo)
	return created(view(t, err, viewTransfer))
}
