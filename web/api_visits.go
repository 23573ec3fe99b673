package web

import (
	"guli/web/core"
	"net/http"
	"net/url"

	qrcode "github.com/skip2/go-qrcode"

	"guli"
)

func (s *Server) apiRecordVisit(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var in guli.VisitInput
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	return created(s.Visits.RecordVisit(r.Context(), core.PathID(r, "id"), in))
}

func (s *Server) apiCheckinCode(w http.ResponseWriter, r *http.Request) (int, any, error) {
	return ok(s.Visits.CheckinCode(r.Context(), core.PathID(r, "id")))
}

// checkinURL is what the door's QR code holds: the check-in page with the
// day's long token, so a resident's phone camera opens it and one tap
// checks in; the six digits stay for typing.
func (s *Server) checkinURL(r *http.Request, station guli.ID, token string) string {
	return s.SiteURL(r) + "/checkin?" + url.Values{"station": {station.String()}, "token": {token}}.Encode()
}

// qrPNG is the QR code of the door, as a PNG image.
func (s *Server) qrPNG(r *http.Request, station guli.ID) ([]byte, error) {
	code, err := s.Visits.CheckinCode(r.Context(), station)
	if err != nil {
		return nil, err
	}
	return qrcode.Encode(s.checkinURL(r, station, code.Token), qrcode.Medium, 512)
}

func (s *Server) apiCheckinCodePNG(w http.ResponseWriter, r *http.Request) {
	png, err := s.qrPNG(r, core.PathID(r, "id"))
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(png)
}

func (s *Server) apiCheckin(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var body struct {
		Code string `json:"code"`
	}
	if err := decode(r, &body); err != nil {
		return 0, nil, err
	}
	return created(s.Visits.CheckIn(r.Context(), core.PathID(r, "id"), body.Code))
}
