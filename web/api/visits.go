package api

import (
	"net/http"
	"net/url"

	qrcode "github.com/skip2/go-qrcode"

	"guli"
	"guli/web/core"
)

func (h *Handlers) RecordVisit(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var in guli.VisitInput
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	return created(h.Visits.RecordVisit(r.Context(), core.PathID(r, "id"), in))
}

func (h *Handlers) CheckinCode(w http.ResponseWriter, r *http.Request) (int, any, error) {
	return ok(h.Visits.CheckinCode(r.Context(), core.PathID(r, "id")))
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
	return created(h.Visits.CheckIn(r.Context(), core.PathID(r, "id"), body.Code))
}
