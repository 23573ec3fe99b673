package ui

import (
	"net/http"
	"strings"

	"guli"
	"guli/roster"
	"guli/web/core"
)

// importData is the import page: the form, and after a check or an
// import its report, with the problems in words.
type importData struct {
	Report   *guli.ImportReport
	Problems []importProblem
	Token    string // the kept upload the confirm button imports
	Ignored  string // the headers not read, listed
}

type importProblem struct {
	Row    int
	Column string
	What   string
}

// DeskImport is the page that imports a committee's roster.
func (h *Handlers) DeskImport(w http.ResponseWriter, r *http.Request) error {
	v, ok := h.importView(w, r)
	if !ok {
		return nil
	}
	v.Data = importData{}
	h.Render(w, r, http.StatusOK, "desk_import", v)
	return nil
}

// importView starts the import page of the desk's station, for its staff;
// it answers the request itself when it cannot.
func (h *Handlers) importView(w http.ResponseWriter, r *http.Request) (*core.View, bool) {
	if _, ok := h.requireStaff(w, r); !ok {
		return nil, false
	}
	v := h.NewView(r, "import.title", "desk")
	if v.Station == nil {
		h.RenderError(w, r, http.StatusNotFound)
		return nil, false
	}
	return v, true
}

// DeskImportCheck takes an uploaded roster: it is kept for the confirm
// button, and checked in a dry run whose report the page shows.
func (h *Handlers) DeskImportCheck(w http.ResponseWriter, r *http.Request) error {
	v, ok := h.importView(w, r)
	if !ok {
		return nil
	}
	data, _, err := core.RosterUpload(r)
	var token string
	if err == nil {
		token, err = h.Imports.KeepRoster(r.Context(), v.Station.ID, data)
	}
	h.importAndShow(w, r, v, data, token, err, true)
	return nil
}

// DeskImportConfirm imports the roster kept by the token of the form.
func (h *Handlers) DeskImportConfirm(w http.ResponseWriter, r *http.Request) error {
	v, ok := h.importView(w, r)
	if !ok || !h.parseForm(w, r) {
		return nil
	}
	token := r.PostForm.Get("token")
	data, err := h.Imports.KeptRoster(r.Context(), v.Station.ID, token)
	if guli.ErrorCode(err) == guli.ECNotFound {
		v.Alert = v.T("import.expired")
		v.Data = importData{}
		h.Render(w, r, http.StatusNotFound, "desk_import", v)
		return nil
	}
	h.importAndShow(w, r, v, data, token, err, false)
	return nil
}

// importAndShow reads the roster, imports it (or dry, checks it) and
// shows the report; err is a problem met before.
func (h *Handlers) importAndShow(w http.ResponseWriter, r *http.Request, v *core.View, data []byte, token string, err error, dry bool) {
	var rep *guli.ImportReport
	if err == nil {
		var rs *guli.Roster
		if rs, err = roster.Read(data, nil); err == nil {
			rep, err = h.Imports.ImportResidents(r.Context(), guli.ImportInput{StationID: v.Station.ID, Roster: rs, DryRun: dry})
		}
	}
	if err != nil {
		status := h.FormError(v, err)
		v.Data = importData{}
		h.Render(w, r, status, "desk_import", v)
		return
	}
	d := importData{Report: rep, Problems: make([]importProblem, len(rep.Problems)), Ignored: strings.Join(rep.Ignored, v.T("list.sep"))}
	if dry && rep.ProblemCount == 0 && rep.New > 0 {
		d.Token = token
	}
	for i, p := range rep.Problems {
		d.Problems[i] = importProblem{Row: p.Row, Column: roster.ColumnName(h.Catalog, v.Lang, p.Column), What: roster.Explain(h.Catalog, v.Lang, p)}
	}
	v.Data = d
	status := http.StatusOK
	if rep.ProblemCount > 0 {
		status = http.StatusUnprocessableEntity
	}
	h.Render(w, r, status, "desk_import", v)
}

// RosterTemplate serves the roster template to staff, as Excel or CSV.
func (h *Handlers) RosterTemplate(w http.ResponseWriter, r *http.Request) error {
	if _, ok := h.requireStaff(w, r); !ok {
		return nil
	}
	var data []byte
	hd := w.Header()
	switch name := r.PathValue("file"); name {
	case "roster-template.xlsx":
		b, err := roster.TemplateXLSX()
		if err != nil {
			return err
		}
		data = b
		hd.Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	case "roster-template.csv":
		data = roster.TemplateCSV()
		hd.Set("Content-Type", "text/csv; charset=utf-8")
	default:
		h.RenderError(w, r, http.StatusNotFound)
		return nil
	}
	hd.Set("Content-Disposition", `attachment; filename="`+r.PathValue("file")+`"`)
	hd.Set("X-Content-Type-Options", "nosniff")
	w.Write(data)
	return nil
}
