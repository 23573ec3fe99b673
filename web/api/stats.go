package api

import (
	"net/http"

	"guli"
	"guli/web/core"
)

// statsView is a station's figures, or the district's (station_id null),
// over the days from and to, both included.
type statsView struct {
	StationID         *core.WireID `json:"station_id"`
	From              guli.Date    `json:"from"`
	To                guli.Date    `json:"to"`
	Visits            int          `json:"visits"`
	DaysOpen          int          `json:"days_open"`
	Residents         int          `json:"residents"`
	Volunteers        int          `json:"volunteers"`
	ActivitiesHeld    int          `json:"activities_held"`
	Attendances       int          `json:"attendances"`
	HelpRequests      int          `json:"help_requests"`
	HelpRequesters    int          `json:"help_requesters"`
	ServicesCompleted int          `json:"services_completed"`
	VolunteerMinutes  int          `json:"volunteer_minutes"`
}

func viewStats(s *guli.Stats) statsView {
	return statsView{StationID: core.OptionalWireID(s.StationID), From: s.Range.From, To: s.Range.To,
		Visits: s.Visits, DaysOpen: s.DaysOpen, Residents: s.Residents, Volunteers: s.Volunteers,
		ActivitiesHeld: s.ActivitiesHeld, Attendances: s.Attendances, HelpRequests: s.HelpRequests, HelpRequesters: s.HelpRequesters,
		ServicesCompleted: s.ServicesCompleted, VolunteerMinutes: s.VolunteerMinutes}
}

// Stats answers the figures of ?station_id=, or of every station
// together without it (or with it empty), over ?from= to ?to=.
func (h *Handlers) Stats(w http.ResponseWriter, r *http.Request) (int, any, error) {
	q := r.URL.Query()
	sq := guli.StatsQuery{From: q.Get("from"), To: q.Get("to")}
	if v := q.Get("station_id"); v != "" {
		sq.StationID = guli.ParseID(v)
	}
	s, err := h.Services.Stats.Stats(r.Context(), sq)
	return ok(view(s, err, viewStats))
}
