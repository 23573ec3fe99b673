package roster

import (
	"fmt"

	"guli"
	"guli/i18n"
)

// Explain says in plain words, in lang, what is wrong with a cell:
// "手机号 “1380013”：不是11位手机号". The import's own wording of a
// reason ("import.reason.…") is preferred to the forms' ("field.…").
func Explain(cat *i18n.Catalog, lang string, p guli.RosterProblem) string {
	key := "import.reason." + p.Reason
	if !cat.Has(lang, key) {
		key = "field." + p.Reason
	}
	var reason string
	if p.Reason == guli.FRPhoneRepeated {
		reason = cat.T(lang, key, p.Other)
	} else {
		reason = cat.T(lang, key)
	}
	if p.Value == "" {
		return cat.T(lang, "import.problem_empty", ColumnName(cat, lang, p.Column), reason)
	}
	return cat.T(lang, "import.problem", ColumnName(cat, lang, p.Column), p.Value, reason)
}

// ColumnName is a column's header in lang.
func ColumnName(cat *i18n.Catalog, lang string, c guli.RosterColumn) string {
	if c == "" {
		return cat.T(lang, "import.column.file")
	}
	return cat.T(lang, fmt.Sprintf("import.column.%s", c))
}
