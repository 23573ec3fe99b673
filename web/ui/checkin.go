package ui

import (
	"net/http"
	"net/url"

	"guli"
)

// Checkin is where the door's QR code leads: one big button to check in.
func (h *Handlers) Checkin(w http.ResponseWriter, r *http.Request) error {
	if _, ok := h.requireLogin(w, r); !ok {
		return nil
	}
	v := h.NewView(r, "checkin.title", "")
	q := r.URL.Query()
	v.Form["station"], v.Form["code"], v.Form["token"] = q.Get("station"), q.Get("code"), q.Get("token")
	h.Render(w, r, http.StatusOK, "checkin", v)
	return nil
}

func (h *Handlers) CheckinPost(w http.ResponseWriter, r *http.Request) error {
	if _, ok := h.requireLogin(w, r); !ok {
		return nil
	}
	if !h.parseForm(w, r) {
		return nil
	}
	v := h.NewView(r, "checkin.title", "")
	v.Form["station"], v.Form["code"] = r.PostForm.Get("station"), r.PostForm.Get("code")
	station := guli.ParseID(v.Form["station"])
	if v.Form["station"] == "" && v.Station != nil {
		station = v.Station.ID
	}
	if _, err := h.Visits.CheckIn(r.Context(), station, v.Form["code"]); err != nil {
		status := h.FormError(v, err)
		if status == http.StatusNotFound || guli.ErrorCode(err) == guli.ECInvalidCode {
			status, v.Alert = http.StatusUnprocessableEntity, v.T("checkin.invalid_code")
		}
		if len(v.Form["code"]) > 6 {
			v.Form["code"] = "" // a stale token from the QR code: let them type today's digits
		}
		h.Render(w, r, status, "checkin", v)
		return nil
	}
	back(w, r, "/checkin?"+url.Values{"station": {station.String()}, "done": {"1"}}.Encode(), "checked_in_self")
	return nil
}
