package ui

import (
	"net/http"
	"strconv"

	"guli"
	"guli/web/core"
)

// reportsData is the desk's reports page: the months the form offers,
// the station's areas, the files it makes.
type reportsData struct {
	Earliest, Latest string // YYYY-MM
	Areas            []*guli.Area
	Formats          []string
}

// reportsView starts the reports page of the desk's station, for its
// staff; it answers the request itself when it cannot.
func (h *Handlers) reportsView(w http.ResponseWriter, r *http.Request) (*core.View, bool) {
	if _, ok := h.requireStaff(w, r); !ok {
		return nil, false
	}
	v := h.NewView(r, "reports.title", "desk")
	if v.Station == nil {
		h.RenderError(w, r, http.StatusNotFound)
		return nil, false
	}
	now := h.TimeNow()
	earliest, latest := guli.ReportMonths(v.Station, now)
	v.Data = reportsData{Earliest: earliest.String(), Latest: latest.String(), Areas: v.Station.Areas,
		Formats: []string{guli.FormatXLSX, guli.FormatCSV}}
	v.Form["month"] = guli.DefaultReportMonth(v.Station, now).String()
	return v, true
}

// DeskReports is the page that makes the monthly reports: a month, the
// whole station or one residential area, and a button a file.
func (h *Handlers) DeskReports(w http.ResponseWriter, r *http.Request) error {
	if v, ok := h.reportsView(w, r); ok {
		h.Render(w, r, http.StatusOK, "desk_reports", v)
	}
	return nil
}

// DeskMonthlyReport sends the report the page's form asks for; a month
// or an area it cannot make comes back to the page, saying why.
func (h *Handlers) DeskMonthlyReport(w http.ResponseWriter, r *http.Request) error {
	v, ok := h.reportsView(w, r)
	if !ok {
		return nil
	}
	q := r.URL.Query()
	v.Form["month"], v.Form["area_id"] = q.Get("month"), q.Get("area_id")
	rep, err := h.Reports.MonthlyReport(r.Context(), guli.ReportQuery{StationID: v.Station.ID, Month: q.Get("month"),
		AreaID: q.Get("area_id"), Format: q.Get("format")})
	if err != nil {
		return h.refusedOn(w, r, v, "desk_reports", err)
	}
	return h.SendReport(w, r, rep)
}

// certificateData is a volunteer-hours certificate's page: the range's
// form (where it goes), and the certificate once it could be made.
type certificateData struct {
	Action string
	Cert   *guli.VolunteerCertificate
	Hours  string // the hours, with one decimal
	From   string // the range's ends and the day it was issued, as people write them
	To     string
	Issued string
}

// VolunteerCertificate is a volunteer's certificate of the desk's
// station, for its staff: ?from= and ?to= are the range's dates.
func (h *Handlers) VolunteerCertificate(w http.ResponseWriter, r *http.Request) error {
	if _, ok := h.requireStaff(w, r); !ok {
		return nil
	}
	id := core.PathID(r, "id")
	return h.certificate(w, r, h.NewView(r, "certificate.title", "desk"), id, "/desk/volunteers/"+id.String()+"/certificate")
}

// MyCertificate is the signed-in volunteer's own certificate, of the
// station the pages show.
func (h *Handlers) MyCertificate(w http.ResponseWriter, r *http.Request) error {
	u, ok := h.requireLogin(w, r)
	if !ok {
		return nil
	}
	return h.certificate(w, r, h.NewView(r, "certificate.title", "me"), u.ID, "/me/certificate")
}

// certificate shows volunteer's certificate of the view's station; a
// range it cannot read shows the form again, saying why.
func (h *Handlers) certificate(w http.ResponseWriter, r *http.Request, v *core.View, volunteer guli.ID, action string) error {
	if v.Station == nil {
		return guli.Errorf(guli.ECNotFound)
	}
	q := r.URL.Query()
	v.Form["from"], v.Form["to"] = q.Get("from"), q.Get("to")
	d := certificateData{Action: action}
	v.Data = &d
	c, err := h.Reports.VolunteerCertificate(r.Context(), guli.CertificateQuery{VolunteerID: volunteer, StationID: v.Station.ID,
		From: q.Get("from"), To: q.Get("to")})
	if err != nil {
		return h.refusedOn(w, r, v, "certificate", err)
	}
	v.Form["from"], v.Form["to"] = string(c.From), string(c.To)
	d.Cert, d.Hours = c, strconv.FormatFloat(guli.Hours(c.Minutes), 'f', 1, 64)
	d.From, d.To, d.Issued = longDay(v, c.From), longDay(v, c.To), longDay(v, c.IssuedOn)
	h.Render(w, r, http.StatusOK, "certificate", v)
	return nil
}

// refusedOn shows page again saying what is wrong when the form can be
// sent again: its fields, a closed account, a wait; other errors are the
// page's.
func (h *Handlers) refusedOn(w http.ResponseWriter, r *http.Request, v *core.View, page string, err error) error {
	switch guli.ErrorCode(err) {
	case guli.ECValidation, guli.ECAccountClosed, guli.ECRateLimited:
	default:
		return err
	}
	h.renderFailedForm(w, r, page, v, err)
	return nil
}

// longDay writes a date as a certificate does: 2023年10月15日, or 15
// October 2023.
func longDay(v *core.View, d guli.Date) string {
	m, _ := guli.ParseMonth(string(d)[:7])
	day, _ := strconv.Atoi(string(d)[8:])
	return v.T("certificate.day", m.Year, int(m.Month), day, m.Month.String())
}
