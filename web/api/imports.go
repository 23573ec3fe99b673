package api

import (
	"net/http"

	"guli"
	"guli/roster"
	"guli/web/core"
)

// importReportView is an import's report as the API writes it.
type importReportView struct {
	DryRun         bool                `json:"dry_run"`
	Imported       bool                `json:"imported"`
	Rows           int                 `json:"rows"`
	New            int                 `json:"new"`
	Existing       int                 `json:"existing"`
	ProblemCount   int                 `json:"problem_count"`
	Problems       []rosterProblemView `json:"problems"`
	IgnoredColumns []string            `json:"ignored_columns"`
}

// rosterProblemView is one cell's problem: the row as the spreadsheet
// numbers it, the column, the reason's code and the reason in words.
type rosterProblemView struct {
	Row      int               `json:"row"`
	Column   guli.RosterColumn `json:"column"`
	Reason   string            `json:"reason"`
	Value    string            `json:"value"`
	OtherRow *int              `json:"other_row,omitempty"`
	Message  string            `json:"message"`
}

func (h *Handlers) viewImportReport(r *http.Request, rep *guli.ImportReport) importReportView {
	v := importReportView{DryRun: rep.DryRun, Imported: rep.Imported, Rows: rep.Rows, New: rep.New, Existing: rep.Existing,
		ProblemCount: rep.ProblemCount, Problems: make([]rosterProblemView, len(rep.Problems)), IgnoredColumns: rep.Ignored}
	if v.IgnoredColumns == nil {
		v.IgnoredColumns = []string{}
	}
	lang := core.Info(r).Lang
	for i, p := range rep.Problems {
		pv := rosterProblemView{Row: p.Row, Column: p.Column, Reason: p.Reason, Value: p.Value, Message: roster.Explain(h.Catalog, lang, p)}
		if p.Other != 0 {
			pv.OtherRow = &p.Other
		}
		v.Problems[i] = pv
	}
	return v
}

// ImportResidents takes a committee's roster as the field "file" of a
// multipart form, with "dry_run" (true unless false: a forgotten flag
// never imports) as a form field or in the query. A dry run answers 200
// with the report; an import 200 when it created the residents, or 422
// with the report when the roster has problems and nothing was created.
func (h *Handlers) ImportResidents(w http.ResponseWriter, r *http.Request) (int, any, error) {
	// Nobody's file is read before they are known to be the station's
	// staff.
	u := guli.UserFromContext(r.Context())
	station := core.PathID(r, "id")
	if station == guli.NoID {
		return 0, nil, guli.Errorf(guli.ECNotFound)
	}
	if err := u.ActsAt(station); err != nil {
		return 0, nil, err
	}
	dry := r.URL.Query().Get("dry_run")
	data, formDry, err := core.RosterUpload(r)
	if err != nil {
		return 0, nil, err
	}
	if dry == "" {
		dry = formDry
	}
	dryRun, err := ParseDryRun(dry)
	if err != nil {
		return 0, nil, err
	}
	rs, err := roster.Read(data, nil)
	if err != nil {
		return 0, nil, err
	}
	rep, err := h.Imports.ImportResidents(r.Context(), guli.ImportInput{StationID: station, Roster: rs, DryRun: dryRun})
	if err != nil {
		return 0, nil, err
	}
	status := http.StatusOK
	if !rep.DryRun && !rep.Imported {
		status = http.StatusUnprocessableEntity
	}
	return status, h.viewImportReport(r, rep), nil
}

// ParseDryRun reads dry_run: true (also when empty), or false.
func ParseDryRun(s string) (bool, error) {
	switch s {
	case "", "true", "1":
		return true, nil
	case "false", "0":
		return false, nil
	}
	return false, guli.Invalid("dry_run", guli.FRInvalid)
}
