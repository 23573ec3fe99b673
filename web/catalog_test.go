package web_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"guli"
	"guli/i18n"
)

// TestTemplatesHoldNoLiteralText keeps every user-facing word in the
// catalogues: text between tags and in user-facing attributes of the
// templates may hold punctuation and template actions, but no letters.
func TestTemplatesHoldNoLiteralText(t *testing.T) {
	files, _ := filepath.Glob("core/templates/*.html")
	partials, _ := filepath.Glob("core/templates/partials/*.html")
	files = append(files, partials...)
	if len(files) == 0 {
		t.Fatal("no templates found")
	}
	actions := regexp.MustCompile(`(?s)\{\{.*?\}\}`)
	between := regexp.MustCompile(`>([^<]*)<`)
	attrs := regexp.MustCompile(`(?:placeholder|title|aria-label|alt|value)="([^"]*)"`)
	letters := regexp.MustCompile(`\p{L}`)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		src := actions.ReplaceAllString(string(b), "")
		for _, m := range between.FindAllStringSubmatch(src, -1) {
			if letters.MatchString(m[1]) {
				t.Errorf("%s: literal text %q; put it in the catalogues", f, strings.TrimSpace(m[1]))
			}
		}
		for _, m := range attrs.FindAllStringSubmatch(src, -1) {
			if letters.MatchString(m[1]) {
				t.Errorf("%s: literal attribute text %q", f, m[1])
			}
		}
	}
}

// TestEveryKeyUsedExists finds the catalogue keys the templates and the Go
// code name literally, and every error code and field reason of the domain,
// and checks each has a message in every language.
func TestEveryKeyUsedExists(t *testing.T) {
	cat := i18n.MustLoad()
	keys := map[string]string{} // key → where it is used

	tmplKey := regexp.MustCompile(`\bT\s+"([a-z_.]+)"`)
	files, _ := filepath.Glob("core/templates/*.html")
	partials, _ := filepath.Glob("core/templates/partials/*.html")
	files = append(files, partials...)
	for _, f := range files {
		b, _ := os.ReadFile(f)
		for _, m := range tmplKey.FindAllStringSubmatch(string(b), -1) {
			keys[m[1]] = f
		}
		// Keys passed to the field template: "Label" "form.phone".
		for _, m := range regexp.MustCompile(`"(?:Label|Hint)" "([a-z_.]+)"`).FindAllStringSubmatch(string(b), -1) {
			keys[m[1]] = f
		}
	}
	// Keys in Go code: T("key"…), T(lang, "key"…), and notices after redirects.
	goKey := regexp.MustCompile(`\bT\((?:[\w.]+, )?"([a-z_]+\.[a-z_.]+)"`)
	noticeKey := regexp.MustCompile(`back\(w, r, [^\n]*, "([a-z_]+)"\)`)
	gofiles, _ := filepath.Glob("*.go")
	inner, _ := filepath.Glob("*/*.go") // core, api and ui
	gofiles = append(gofiles, inner...)
	for _, f := range gofiles {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, _ := os.ReadFile(f)
		for _, m := range goKey.FindAllStringSubmatch(string(b), -1) {
			keys[m[1]] = f
		}
		for _, m := range noticeKey.FindAllStringSubmatch(string(b), -1) {
			keys["notice."+m[1]] = f
		}
	}
	// Keys built at run time from parts, roles, weekdays and error pages.
	for _, p := range []string{"activities", "help", "teams", "notices", "councils", "stats"} {
		keys["part."+p], keys["part."+p+".desc"] = "parts", "parts"
	}
	for _, r := range []string{"resident", "volunteer", "talent", "staff", "admin"} {
		keys["role."+r] = "roles"
	}
	for _, d := range guli.Weekdays {
		keys["weekday."+d] = "weekdays"
	}
	for _, c := range guli.Categories {
		keys["category."+c] = "categories"
	}
	for _, p := range guli.VisitPurposes {
		keys["purpose."+p] = "purposes"
	}
	for _, c := range guli.HelpCategories {
		keys["helpcat."+c], keys["helpcat."+c+".desc"] = "help categories", "help categories"
	}
	for _, s := range []string{guli.HelpOpen, guli.HelpClaimed, guli.HelpDone, guli.HelpConfirmed, guli.HelpCancelled} {
		keys["helpstatus."+s] = "help statuses"
	}
	for _, k := range []string{guli.EntryEarned, guli.EntryTransferIn, guli.EntryTransferOut, guli.EntryAdjustment, guli.EntryIssued} {
		keys["entry."+k] = "time-bank entries"
	}
	for _, k := range []string{guli.BloodPressure, guli.Temperature} {
		keys["health.kind_"+k] = "health kinds"
	}
	for _, k := range guli.NotifyKinds {
		keys["notify."+k+".title"], keys["notify."+k+".body"] = "notifications", "notifications"
	}
	for _, k := range guli.MarkKinds {
		keys["marks."+k] = "marks"
	}
	for _, o := range guli.CallOutcomes {
		keys["calls.outcome."+o], keys["calls.do."+o] = "call outcomes", "call outcomes"
	}
	for _, d := range guli.CallDelays {
		keys["calls.after."+guli.CallDelayName(d)] = "call delays"
	}
	for _, k := range []string{"mark_set", "mark_unset"} {
		keys["notice."+k] = "marks"
	}
	for _, s := range []string{"marks", "calls"} {
		keys["data.s."+s] = "export sections"
	}
	for _, code := range guli.AllReasons.Codes() {
		keys["match.reason."+code] = "candidates"
	}
	for _, e := range []string{"notfound", "forbidden", "method", "too_large", "rate_limited", "bad_request", "server"} {
		keys["errorpage."+e+".title"], keys["errorpage."+e+".body"] = "renderError", "renderError"
	}
	// Every error code and field reason the domain declares.
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, "..", func(fi os.FileInfo) bool { return !strings.HasSuffix(fi.Name(), "_test.go") }, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, pkg := range pkgs {
		for _, file := range pkg.Files {
			ast.Inspect(file, func(n ast.Node) bool {
				vs, ok := n.(*ast.ValueSpec)
				if !ok || len(vs.Values) != 1 {
					return true
				}
				lit, ok := vs.Values[0].(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					return true
				}
				v, _ := strconv.Unquote(lit.Value)
				switch name := vs.Names[0].Name; {
				case strings.HasPrefix(name, "EC"):
					keys["error."+v] = name
				case strings.HasPrefix(name, "FR"):
					keys["field."+v] = name
				}
				return true
			})
		}
	}
	keys["error.method_not_allowed"] = "ECMethodNotAllowed"
	keys["error.bad_request"] = "ECBadRequest"
	keys["error.bad_json"] = "ECBadJSON"
	keys["error.rate_limited."+guli.NoteBusy] = "NoteBusy"
	keys["errorpage.invalid_text.body"] = "refuseText"
	if len(keys) < 60 {
		t.Fatalf("found only %d keys in use; the scan is broken", len(keys))
	}
	for key, where := range keys {
		for _, lang := range i18n.Languages {
			if !cat.Has(lang, key) {
				t.Errorf("%s uses %q, missing in %s", where, key, lang)
			}
		}
	}
}
