package report

import (
	"strings"

	"guli"
	"guli/i18n"
)

// Ledger lays out a station's month of activity records (台账) in lang:
// a contents sheet, an activity a row with what Guli counted of it, and a
// sheet of the records themselves, a row each with its summary.
func Ledger(cat *i18n.Catalog, lang string, led *guli.Ledger) *Document {
	t := func(key string, args ...any) string { return cat.T(lang, key, args...) }
	person := func(name string) string {
		if name == guli.ClosedAccountName {
			return t("report.closed_account")
		}
		return name
	}
	month := t("report.month", led.Month.Year, int(led.Month.Month), led.Month.Month.String())
	d := &Document{Title: t("ledger.doc_title", led.Station.Name, month),
		Note: t("ledger.note", len(led.Records), led.MadeAt.In(led.Station.Location()).Format("2006-01-02 15:04"))}

	contents := Section{Sheet: t("ledger.sheet.contents"), Heading: t("ledger.contents"),
		Heads: []string{t("ledger.number"), t("report.date"), t("report.time"), t("report.activity"), t("report.category"),
			t("ledger.room"), t("report.host"), t("report.registered"), t("ledger.attended"), t("ledger.walk_ins")}}
	records := Section{Sheet: t("ledger.sheet.records"), Heading: t("ledger.records"),
		Heads: []string{t("ledger.number"), t("report.activity"), t("report.date"), t("ledger.summary"), t("ledger.photos"),
			t("ledger.recorded_by"), t("ledger.saved_at")}}
	var registered, attended, walkIns int
	for i, r := range led.Records {
		a := r.Activity
		contents.Rows = append(contents.Rows, []any{i + 1, a.Start.Format("2006-01-02"), a.Start.Format("15:04") + "–" + a.End.Format("15:04"),
			a.Title, t("category." + a.Category), a.RoomName, person(a.HostName), r.Registered, r.Attended, r.WalkIns})
		records.Rows = append(records.Rows, []any{i + 1, a.Title, a.Start.Format("2006-01-02"), r.Summary, len(r.Photos),
			person(r.UpdatedByName), r.UpdatedAt.Format("2006-01-02 15:04")})
		registered, attended, walkIns = registered+r.Registered, attended+r.Attended, walkIns+r.WalkIns
	}
	contents.Total = []any{t("ledger.total", len(led.Records)), "", "", "", "", "", "", registered, attended, walkIns}
	contents.Note = t("ledger.walk_ins_note")
	d.Sections = []Section{contents, records}
	return d
}

// LedgerFileName is the name a ledger's workbook is offered under: the
// station, the month and the kind, in lang, with nothing a file system
// refuses.
func LedgerFileName(cat *i18n.Catalog, lang string, led *guli.Ledger) string {
	return safeFileName(cat.T(lang, "ledger.file", led.Station.Name, led.Month.String()) + "." + guli.FormatXLSX)
}

// safeFileName replaces what file systems refuse in a name.
func safeFileName(name string) string {
	return strings.Map(func(r rune) rune {
		if r < ' ' || strings.ContainsRune(`/\:*?"<>|`, r) {
			return '_'
		}
		return r
	}, name)
}
