package core

import (
	"net/http"

	"guli"
	"guli/report"
)

// SendReport answers with a monthly report's file, in the request's
// language, for the API and the desk's download alike.
func (s *Core) SendReport(w http.ResponseWriter, r *http.Request, rep *guli.MonthlyReport) error {
	lang := Info(r).Lang
	doc := report.Monthly(s.Catalog, lang, rep)
	var data []byte
	if rep.Format == guli.FormatCSV {
		data = doc.CSV()
	} else {
		var err error
		if data, err = doc.XLSX(); err != nil {
			return err
		}
	}
	h := w.Header()
	h.Set("Content-Type", report.ContentType(rep.Format))
	h.Set("Content-Disposition", report.Disposition(report.FileName(s.Catalog, lang, rep)))
	// It names volunteers: kept by no cache on the way.
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.Write(data)
	return nil
}
