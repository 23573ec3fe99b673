package api

import (
	"net/http"
	"net/url"
	"time"

	qrcode "github.com/skip2/go-qrcode"

	"guli"
	"guli/web/core"
)

// visitView is a visit counted at the desk or at the door; user_id only
// when the visitor is named.
type visitView struct {
	ID        core.WireID `json:"id"`
	StationID core.WireID `json:"station_id"`
	UserID    core.WireID `json:"user_id,omitempty"`
	Count     int         `json:"count"`
	Purpose   string      `json:"purpose"`
	Day       guli.Date   `json:"day"`
	CreatedAt time.Time   `json:"created_at"`
}

func viewVisit(v *guli.Visit) visitView {
	return visitView{ID: core.WireID(v.ID), StationID: core.WireID(v.StationID), UserID: core.WireID(v.UserID),
		Count: v.Count, Purpose: v.Purpose, Day: v.Day, CreatedAt: v.CreatedAt}
}

// visitBody is walk-in visitors as the desk sends them.
type visitBody struct {
	Count   *int        `json:"count"`
	UserID  core.WireID `json:"user_id"`
	Purpose string      `json:"purpose"`
}

func (h *Handlers) RecordVisit(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var b visitBody
	if err := decode(r, &b); err != nil {
		return 0, nil, err
	}
	v, err := h.Visits.RecordVisit(r.Context(), core.PathID(r, "id"), guli.VisitInput{Count: b.Count, UserID: guli.ID(b.UserID), Purpose: b.Purpose})
	return created(view(v, err, viewVisit))
}

// checkinCodeView is the door's code of the day.
type checkinCodeView struct {
	Code      string    `json:"code"`
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
}

func (h *Handlers) CheckinCode(w http.ResponseWriter, r *http.Request) (int, any, error) {
	code, err := h.Visits.CheckinCode(r.Context(), core.PathID(r, "id"))
	return ok(view(code, err, func(c *guli.CheckinCode) checkinCodeView {
		return checkinCodeView{Code: c.Code, Token: c.Token, ExpiresAt: c.ExpiresAt}
	}))
}

// checkinURL is what the door's QR code holds: the check-in page with the
// day's long token, so a resident's phone camera opens it and one tap
// checks in; the six digits stay for typing.
func (h *Handlers) checkinURL(r *http.Request, station guli.ID, token string) string {
	return h.SiteURL(r) + "/checkin?" + url.Values{"station": {station.String()}, "token": {token}}.Encode()
}

// qrPNG is the QR code of the door, as a PNG image.
func (h *Handlers) qrPNG(r *http.Request, station guli.ID) ([]byte, error) {
	code, err := h.Visits.CheckinCode(r.Context(), station)
	if err != nil {
		return nil, err
	}
	return qrcode.Encode(h.checkinURL(r, station, code.Token), qrcode.Medium, 512)
}

func (h *Handlers) CheckinCodePNG(w http.ResponseWriter, r *http.Request) {
	png, err := h.qrPNG(r, core.PathID(r, "id"))
	if err != nil {
		h.APIError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(png)
}

func (h *Handlers) Checkin(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var body struct {
		Code string `json:"code"`
	}
	if err := decode(r, &body); err != nil {
		return 0, nil, err
	}
	v, err := h.Visits.CheckIn(r.Context(), core.PathID(r, "id"), body.Code)
	return created(view(v, err, viewVisit))
}
