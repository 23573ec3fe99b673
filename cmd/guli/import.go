package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"

	"guli"
	"guli/i18n"
	"guli/roster"
	"guli/sqlstore"
)

// importResidents imports a committee's roster into a station, as the
// desk's import page does: a dry run lists the problems, a real import
// creates every new resident or none.
func importResidents(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlags("import residents", stderr)
	dsn := fs.String("db", orDefault(getenv("GULI_DB"), "guli.db"), "SQLite file or postgres:// URL")
	station := fs.String("station", "", "the station's ID (required)")
	dry := fs.Bool("dry-run", false, "check the roster and report, import nothing")
	lang := fs.String("lang", i18n.English, "language of the report: en or zh-CN")
	// The file may come before the flags or after them.
	var file string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		file, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if file == "" && fs.NArg() > 0 {
		file = fs.Arg(0)
	}
	stationID := guli.ParseID(*station)
	switch {
	case file == "":
		fs.Usage()
		return errors.New("which file? guli import residents FILE --station ID")
	case stationID == guli.NoID || stationID == 0:
		return errors.New("--station needs a station's ID")
	case *lang != i18n.English && *lang != i18n.Chinese:
		return errors.New("--lang is en or zh-CN")
	}
	data, err := readRoster(file)
	if err != nil {
		return err
	}
	bar := newProgress(stderr)
	r, err := roster.Read(data, func(lines int) { bar.show("read", lines, 0) })
	bar.done()
	if err != nil {
		return describe(err)
	}
	db, err := openDB(ctx, *dsn, slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	report, err := sqlstore.NewImports(db).ImportResidents(guli.NewContextWithUser(ctx, guli.SystemUser), guli.ImportInput{
		StationID: stationID, Roster: r, DryRun: *dry,
		Progress: func(done, total int) { bar.show("write", done, total) },
	})
	bar.done()
	if err != nil {
		return describe(err)
	}
	printReport(stdout, i18n.MustLoad(), *lang, report)
	if report.ProblemCount > 0 {
		return fmt.Errorf("%d problems: nothing imported", report.ProblemCount)
	}
	if report.Imported {
		fmt.Fprintf(stderr, "imported in %s\n", time.Since(start).Round(time.Millisecond))
	}
	return nil
}

// readRoster reads a roster file, refusing one too large before reading
// it: the same limit as an upload's.
func readRoster(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.Size() > guli.MaxRosterBytes {
		return nil, fmt.Errorf("%s has %d MB: a roster may have %d MB at most", name, fi.Size()>>20, guli.MaxRosterBytes>>20)
	}
	data, err := io.ReadAll(io.LimitReader(f, guli.MaxRosterBytes+1))
	if err == nil && len(data) > guli.MaxRosterBytes {
		err = fmt.Errorf("%s is larger than %d MB, the most a roster may have", name, guli.MaxRosterBytes>>20)
	}
	return data, err
}

// printReport writes an import's report as the import page shows it.
func printReport(w io.Writer, cat *i18n.Catalog, lang string, r *guli.ImportReport) {
	fmt.Fprintln(w, cat.T(lang, "import.rows", r.Rows))
	if r.Imported {
		fmt.Fprintln(w, cat.T(lang, "import.created", r.New))
	} else {
		fmt.Fprintln(w, cat.T(lang, "import.new", r.New))
	}
	fmt.Fprintln(w, cat.T(lang, "import.existing", r.Existing))
	if len(r.Ignored) > 0 {
		fmt.Fprintln(w, cat.T(lang, "import.ignored", strings.Join(r.Ignored, ", ")))
	}
	if r.ProblemCount == 0 {
		return
	}
	fmt.Fprintln(w, cat.T(lang, "import.problems", r.ProblemCount))
	for _, p := range r.Problems {
		fmt.Fprintf(w, "  %s %d: %s\n", cat.T(lang, "import.row"), p.Row, roster.Explain(cat, lang, p))
	}
	if r.ProblemCount > len(r.Problems) {
		fmt.Fprintln(w, cat.T(lang, "import.problems_first", len(r.Problems)))
	}
	fmt.Fprintln(w, cat.T(lang, "import.fix_first"))
}

// progress draws a bar on a terminal's line, at most ten times a second,
// once a file is large enough to take a while.
type progress struct {
	w     io.Writer
	unit  string // what is counted: rows unless said
	mu    sync.Mutex
	last  time.Time
	drawn bool
}

func newProgress(w io.Writer) *progress { return &progress{w: w, unit: "rows"} }

// show draws done of total (total 0: a count without a bar).
func (p *progress) show(what string, done, total int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if done < 5000 && !p.drawn || time.Since(p.last) < 100*time.Millisecond && done != total {
		return
	}
	p.last, p.drawn = time.Now(), true
	if total <= 0 {
		fmt.Fprintf(p.w, "\r%-5s %d %s", what, done, p.unit)
		return
	}
	const width = 30
	n := done * width / total
	fmt.Fprintf(p.w, "\r%-5s [%s%s] %3d%% %d/%d %s", what, strings.Repeat("#", n), strings.Repeat("-", width-n), done*100/total, done, total, p.unit)
}

// done ends the bar's line, if one was drawn.
func (p *progress) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		fmt.Fprintln(p.w)
		p.drawn = false
	}
}
