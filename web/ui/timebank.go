package ui

import (
	"crypto/rand"
	"net/http"

	"guli"
)

// timebankEntries is how many of the newest entries the page lists.
const timebankEntries = 20

type timebankData struct {
	*guli.Statement
	Newest []*guli.Entry
}

// TimeBankPage is a person's time bank (时间银行): the balance, large, what
// they earned by service, the newest entries, and a form to give minutes
// to a family member found by their mobile number.
func (h *Handlers) TimeBankPage(w http.ResponseWriter, r *http.Request) error {
	if _, ok := h.requireLogin(w, r); !ok {
		return nil
	}
	return h.renderTimeBank(w, r, http.StatusOK, nil)
}

// renderTimeBank shows the page, with what went wrong with a transfer.
// The form carries an idempotency key made when it is shown: a double
// tap, or going back and sending it again, moves the minutes once. A form
// shown again after an error keeps its key, since nothing moved.
func (h *Handlers) renderTimeBank(w http.ResponseWriter, r *http.Request, status int, failure error) error {
	v := h.NewView(r, "timebank.title", "me")
	st, err := h.TimeBank.MyTimeBank(r.Context())
	if err != nil {
		return err
	}
	v.Data = timebankData{Statement: st, Newest: st.Entries[:min(timebankEntries, len(st.Entries))]}
	for _, f := range []string{"to_phone", "minutes", "memo", "key"} {
		v.Form[f] = r.PostFormValue(f)
	}
	if v.Form["key"] == "" {
		v.Form["key"] = rand.Text()
	}
	if failure != nil {
		status = h.FormError(v, failure)
		v.RenameErrors(map[string]string{"to_user_id": "to_phone"})
		if v.Errors["Idempotency-Key"] != "" {
			v.Form["key"] = rand.Text() // a key nobody could have sent: start afresh
		}
		if guli.AsError(failure).Fields["Idempotency-Key"] == guli.FRKeyReused {
			// The form was sent before, with other minutes or to someone
			// else (gone back to it): say the first went through.
			v.Alert = v.Errors["Idempotency-Key"]
		}
		if v.Alert == "" && v.Errors["to_phone"] == "" && v.Errors["minutes"] == "" && v.Errors["memo"] == "" {
			v.Alert = v.T("error.validation_failed")
		}
	}
	h.Render(w, r, status, "timebank", v)
	return nil
}

// TimeBankTransfer gives minutes to the account of a mobile number.
func (h *Handlers) TimeBankTransfer(w http.ResponseWriter, r *http.Request) error {
	if _, ok := h.requireLogin(w, r); !ok {
		return nil
	}
	if !h.parseForm(w, r) {
		return nil
	}
	f := r.PostForm
	_, err := h.TimeBank.Transfer(r.Context(), guli.TransferInput{ToPhone: f.Get("to_phone"), Minutes: formInt(f.Get("minutes")),
		Memo: f.Get("memo"), Key: f.Get("key"), ClientAddr: h.ClientAddr(r)})
	if err != nil {
		return h.renderTimeBank(w, r, 0, err)
	}
	back(w, r, "/timebank", "transferred")
	return nil
}
