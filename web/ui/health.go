package ui

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"guli"
	"guli/svgchart"
	"guli/web/core"
)

type healthData struct {
	Person    *guli.User
	Items     []*guli.Measurement
	BPChart   template.HTML
	TempChart template.HTML
	Latest    *guli.Measurement // the newest blood pressure
	ForStaff  bool
	Query     string
	Found     []*guli.User
}

// healthOf reads a person's last year of checks and draws their trends.
func (h *Handlers) healthOf(r *http.Request, v *core.View, person *guli.User) (*healthData, error) {
	d := &healthData{Person: person}
	opts := guli.ListOptions{Limit: guli.MaxLimit}
	page, err := h.Health.Measurements(r.Context(), person.ID, opts)
	if err != nil {
		return nil, err
	}
	d.Items = page.Items
	var sys, dia, temp []svgchart.Point
	for _, m := range d.Items {
		switch {
		case m.Kind == guli.BloodPressure && m.Systolic != nil && m.Diastolic != nil:
			sys = append(sys, svgchart.Point{T: m.CreatedAt, V: float64(*m.Systolic)})
			dia = append(dia, svgchart.Point{T: m.CreatedAt, V: float64(*m.Diastolic)})
			if d.Latest == nil {
				d.Latest = m
			}
		case m.Kind == guli.Temperature && m.Celsius != nil:
			temp = append(temp, svgchart.Point{T: m.CreatedAt, V: *m.Celsius})
		}
	}
	label := func(t time.Time) string { return v.T("date.md", t.Month(), t.Day()) }
	d.BPChart = svgchart.Render(svgchart.Chart{
		Title: v.T("health.bp_chart"), Desc: v.T("health.bp_desc"), Unit: "mmHg", DateLabel: label, Width: 420, Height: 300,
		Series: []svgchart.Series{
			{Label: v.T("health.systolic"), Class: "line-systolic", Points: sys},
			{Label: v.T("health.diastolic"), Class: "line-diastolic", Points: dia},
		},
		Bands: []svgchart.Band{{From: guli.NormalSystolic.Low, To: guli.NormalSystolic.High, Class: "band-normal", Label: v.T("health.normal_range")}},
	})
	d.TempChart = svgchart.Render(svgchart.Chart{
		Title: v.T("health.temp_chart"), Unit: "°C", DateLabel: label, Width: 420, Height: 260,
		Series: []svgchart.Series{{Label: v.T("health.temperature"), Class: "line-temperature", Points: temp}},
		Bands:  []svgchart.Band{{From: guli.NormalTemperature.Low, To: guli.NormalTemperature.High, Class: "band-normal", Label: v.T("health.normal_range")}},
	})
	return d, nil
}

// MyHealth is a resident's own health page: trends and readings.
func (h *Handlers) MyHealth(w http.ResponseWriter, r *http.Request) error {
	u, ok := h.requireLogin(w, r)
	if !ok {
		return nil
	}
	v := h.NewView(r, "health.title", "me")
	d, err := h.healthOf(r, v, u)
	if err != nil {
		return err
	}
	v.Data = d
	h.Render(w, r, http.StatusOK, "health", v)
	return nil
}

// DeskHealth is where staff find a resident, read their checks (each
// read audited) and record a new one.
func (h *Handlers) DeskHealth(w http.ResponseWriter, r *http.Request) error {
	h.renderDeskHealth(w, r, http.StatusOK, nil)
	return nil
}

func (h *Handlers) renderDeskHealth(w http.ResponseWriter, r *http.Request, status int, failure error) {
	if _, ok := h.requireStaff(w, r); !ok {
		return
	}
	v := h.NewView(r, "health.desk_title", "desk")
	d := &healthData{ForStaff: true, Query: strings.TrimSpace(r.URL.Query().Get("q"))}
	v.Form["q"] = d.Query
	if id := r.FormValue("user_id"); id != "" {
		person, err := h.Accounts.User(r.Context(), guli.ParseID(id))
		if err != nil {
			h.RenderError(w, r, core.StatusOf(guli.ErrorCode(err)))
			return
		}
		if d, err = h.healthOf(r, v, person); err != nil {
			h.RenderError(w, r, core.StatusOf(guli.ErrorCode(err)))
			return
		}
		d.ForStaff = true
	} else {
		d.Found = h.findResidents(r, v, d.Query)
	}
	for _, f := range []string{"kind", "systolic", "diastolic", "pulse", "celsius"} {
		v.Form[f] = r.PostFormValue(f)
	}
	if v.Form["kind"] == "" {
		v.Form["kind"] = guli.BloodPressure
	}
	if failure != nil {
		status = h.FormError(v, failure)
	}
	v.Data = d
	h.Render(w, r, status, "health", v)
}

// DeskHealthPost records a check taken at the desk.
func (h *Handlers) DeskHealthPost(w http.ResponseWriter, r *http.Request) error {
	if _, ok := h.requireStaff(w, r); !ok {
		return nil
	}
	if !h.parseForm(w, r) {
		return nil
	}
	num := func(f string) *int {
		n, err := strconv.Atoi(strings.TrimSpace(guli.FoldWidth(r.PostForm.Get(f))))
		if err != nil {
			return nil
		}
		return &n
	}
	in := guli.MeasurementInput{UserID: guli.ParseID(r.PostForm.Get("user_id")), Kind: r.PostForm.Get("kind")}
	if st := h.NewView(r, "health.desk_title", "desk").Station; st != nil {
		in.StationID = st.ID // taken at the desk's station
	}
	if in.Kind == guli.BloodPressure {
		in.Systolic, in.Diastolic, in.Pulse = num("systolic"), num("diastolic"), num("pulse")
	} else if c, err := strconv.ParseFloat(strings.TrimSpace(guli.FoldWidth(r.PostForm.Get("celsius"))), 64); err == nil {
		in.Celsius = &c
	}
	if _, err := h.Health.RecordMeasurement(r.Context(), in); err != nil {
		h.renderDeskHealth(w, r, 0, err)
		return nil
	}
	back(w, r, "/desk/health?user_id="+in.UserID.String(), "measurement_saved")
	return nil
}

// Kinds lists the measurement kinds for the form.
func (d *healthData) Kinds() []string { return []string{guli.BloodPressure, guli.Temperature} }

// Newest returns at most n readings, newest first.
func (d *healthData) Newest(n int) []*guli.Measurement {
	return d.Items[:min(n, len(d.Items))]
}
