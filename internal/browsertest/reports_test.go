package browsertest_test

import (
	"bytes"
	"context"
	"regexp"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"guli/i18n"
	"guli/internal/dbtest"
	"guli/internal/testserver"
)

// pdfPage finds the page objects of a PDF (not its /Pages tree).
var pdfPage = regexp.MustCompile(`/Type\s*/Page\b`)

// printed prints the page in the tab to PDF as the browser's print does
// (the page's own @page size, A4) and returns how many pages it took.
func printed(t *testing.T, ctx context.Context, what string) int {
	t.Helper()
	return len(pdfPage.FindAll(printPDF(t, ctx, what), -1))
}

// printPDF prints the page in the tab to PDF as the browser's print does
// (the page's own @page size, A4, no headers or footers).
func printPDF(t *testing.T, ctx context.Context, what string) []byte {
	t.Helper()
	var pdf []byte
	do(t, ctx, "print "+what, chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
		yes := true
		res, err := cdp.Call(ctx, tgt, page.PrintToPDF, page.PrintToPDFParams{PreferCSSPageSize: &yes})
		if err == nil {
			pdf = res.Data
		}
		return err
	}))
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("printing %s gave no PDF", what)
	}
	return pdf
}

// printMedia shows the tab's page as printed (on) or on the screen.
func printMedia(t *testing.T, ctx context.Context, on bool) {
	t.Helper()
	media := ""
	if on {
		media = "print"
	}
	do(t, ctx, "media "+media, chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
		_, err := cdp.Call(ctx, tgt, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: media})
		return err
	}))
}

// TestReportsAndCertificateInTheBrowser: the desk's reports page with
// its month, areas and a button a file, and its form's refusal of a month
// out of range; a volunteer's certificate as staff open it and as the
// volunteer does, which prints on one A4 page without the menus or the
// form. Every page passes axe at a phone's width, in normal and elder
// mode, and the certificate prints on one page in both.
func TestReportsAndCertificateInTheBrowser(t *testing.T) {
	cat := i18n.MustLoad()
	desk := tab(t)
	srv := testserver.New(t, dbtest.Engines(t)[0])
	// 汪雅琴 of the demo has two services confirmed today.
	volunteer := personID(t, srv, "汪雅琴")
	certificate := "/desk/volunteers/" + volunteer + "/certificate"

	login(t, desk, srv, testserver.StaffPhone)
	open(t, desk, srv, "/desk/reports")
	checkOnPhone(t, desk, "/desk/reports")
	if n := eval[int](t, desk, `document.querySelectorAll('form[action="/desk/reports/monthly"] button[name="format"]').length`); n != 2 {
		t.Errorf("%d buttons to download, want 2", n)
	}
	if n := eval[int](t, desk, `document.querySelectorAll('#f-area_id option').length`); n != len(srv.Station.Areas)+1 {
		t.Errorf("%d choices of area, want the station and its %d areas", n, len(srv.Station.Areas))
	}
	if month := eval[string](t, desk, `document.querySelector('#f-month').value`); !regexp.MustCompile(`^\d{4}-\d{2}$`).MatchString(month) {
		t.Errorf("the month the form offers: %q", month)
	}
	open422 := get(t, desk, "a month out of range", chromedp.NavigateResponse(srv.URL+"/desk/reports/monthly?month=2000-01&format=xlsx"))
	if open422 == nil || open422.Status != 422 {
		t.Fatalf("a month out of range: %v", status(open422))
	}
	if got := text(t, desk, `#f-month-error`); got != cat.T(i18n.Chinese, "field.month_out_of_range") {
		t.Errorf("the month's error says %q", got)
	}
	checkOnPhone(t, desk, "/desk/reports with a month out of range")

	open(t, desk, srv, "/desk/reports")
	screenshot(t, desk, "reports")
	open(t, desk, srv, certificate)
	checkOnPhone(t, desk, certificate)
	if got := text(t, desk, `.cert-figures div:nth-child(3) dd`); got != cat.T(i18n.Chinese, "certificate.services_value", 2) {
		t.Errorf("the certificate's services: %q", got)
	}
	printMedia(t, desk, true)
	for sel, shown := range map[string]bool{".nav": false, ".top": false, "main form": false, "main h1": false, ".foot": false,
		".certificate": true, ".cert-stamp": true} {
		if got := eval[bool](t, desk, `document.querySelector('`+sel+`').getClientRects().length > 0`); got != shown {
			t.Errorf("printed, %s shown: %v, want %v", sel, got, shown)
		}
	}
	printMedia(t, desk, false)
	do(t, desk, "scroll to the certificate", chromedp.ScrollIntoView(chromedp.CSS(`.certificate`)))
	screenshot(t, desk, "certificate")
	if n := printed(t, desk, certificate); n != 1 {
		t.Errorf("the certificate prints on %d pages, want 1", n)
	}

	inElderMode(t, desk, srv, []string{"/desk/reports", certificate})
	if n := printed(t, desk, certificate+" in elder mode"); n != 1 {
		t.Errorf("in elder mode the certificate prints on %d pages, want 1", n)
	}

	// The volunteer's own, from their page.
	mine := tab(t)
	login(t, mine, srv, "13800000004")
	open(t, mine, srv, "/me")
	if path, code := submit(t, mine, `a[href="/me/certificate"]`); path != "/me/certificate" || code != 200 {
		t.Fatalf("the link to my certificate: %s %d", path, code)
	}
	checkOnPhone(t, mine, "/me/certificate")
	if n := printed(t, mine, "/me/certificate"); n != 1 {
		t.Errorf("my certificate prints on %d pages, want 1", n)
	}
}
