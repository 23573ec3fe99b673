package web

import (
	"net/http"
	"net/url"

	"guli"
)

// pageCheckin is where the door's QR code leads: one big button to check in.
func (s *Server) pageCheckin(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requireLogin(w, r); !ok {
		return
	}
	v := s.newView(r, "checkin.title", "")
	v.Form["station"], v.Form["code"] = r.URL.Query().Get("station"), r.URL.Query().Get("code")
	s.render(w, r, http.StatusOK, "checkin", v)
}

func (s *Server) pageCheckinPost(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requireLogin(w, r); !ok {
		return
	}
	if !s.parseForm(w, r) {
		return
	}
	v := s.newView(r, "checkin.title", "")
	v.Form["station"], v.Form["code"] = r.PostForm.Get("station"), r.PostForm.Get("code")
	station := guli.ParseID(v.Form["station"])
	if v.Form["station"] == "" && v.Station != nil {
		station = v.Station.ID
	}
	if _, err := s.Visits.CheckIn(r.Context(), station, v.Form["code"]); err != nil {
		status := s.formError(v, err)
		if status == http.StatusNotFound {
			status, v.Alert = http.StatusUnprocessableEntity, v.T("error.invalid_code")
		}
		s.render(w, r, status, "checkin", v)
		return
	}
	back(w, r, "/checkin?"+url.Values{"station": {station.String()}, "done": {"1"}}.Encode(), "checked_in_self")
}
