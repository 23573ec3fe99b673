package api

import (
	"net/http"

	"guli"
	"guli/web/core"
)

// MonthlyReport sends a station's monthly report as a file: ?month=
// (YYYY-MM, last month when left out), ?area_id= (one residential area's
// people) and ?format= (xlsx, the default, or csv). Errors answer in
// JSON like every route of the API.
func (h *Handlers) MonthlyReport(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	rep, err := h.Reports.MonthlyReport(r.Context(), guli.ReportQuery{StationID: core.PathID(r, "id"),
		Month: q.Get("month"), AreaID: q.Get("area_id"), Format: q.Get("format")})
	if err == nil {
		err = h.SendReport(w, r, rep)
	}
	if err != nil {
		h.APIError(w, r, err)
	}
}
