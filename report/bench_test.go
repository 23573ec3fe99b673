package report_test

import (
	"testing"

	"guli/i18n"
	"guli/report"
)

func BenchmarkXLSX(b *testing.B) {
	cat := i18n.MustLoad()
	doc := report.Monthly(cat, i18n.Chinese, hostile())
	for b.Loop() {
		if _, err := doc.XLSX(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCSV(b *testing.B) {
	cat := i18n.MustLoad()
	doc := report.Monthly(cat, i18n.Chinese, hostile())
	for b.Loop() {
		doc.CSV()
	}
}
