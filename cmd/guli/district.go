package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"time"

	"guli"
	"guli/demo"
	"guli/demo/district"
	"guli/sqlstore"
)

// demoDistrict writes a synthetic district into an empty database (guli
// demo --residents N), with a progress bar, checks it, and prints the
// accounts to sign in as and a line of what it wrote.
func demoDistrict(ctx context.Context, dsn string, residents, stations int, seed uint64, anchor, accountsFile string, stdout, stderr io.Writer) error {
	opts := district.Options{Residents: residents, Stations: stations, Seed: seed, Anchor: guli.Date(anchor)}
	if anchor == "" {
		opts.Anchor = guli.DateOf(time.Now().In(guli.Zone(guli.DefaultTimezone)))
	}
	if err := opts.Validate(); err != nil {
		return err
	}
	// The accounts file is made before anything is written, so a name
	// that cannot be written fails now and not after an hour's district,
	// and no file (a database given by mistake) is written over.
	var out *os.File
	if accountsFile != "" {
		f, err := createAccounts(accountsFile, dsn)
		if err != nil {
			return err
		}
		out = f
		defer func() {
			if out != nil { // not written: the district failed
				out.Close()
				os.Remove(accountsFile)
			}
		}()
	}
	now := district.Now(opts.Anchor)
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	db, err := openDBWith(ctx, dsn, sqlstore.Options{Logger: logger, Now: func() time.Time { return now }, BulkLoad: true})
	if err != nil {
		return err
	}
	defer db.Close()
	bar := newProgress(stderr)
	bar.unit = "residents"
	opts.Progress = func(done, total int) { bar.show("write", done, total) }
	start := time.Now()
	sum, err := district.Generate(ctx, db, opts)
	bar.done()
	if errors.Is(err, district.ErrNotEmpty) {
		return fmt.Errorf("%w; guli demo --residents writes a district only there", err)
	}
	if err != nil && ctx.Err() != nil {
		return errors.New("interrupted: the database holds part of a district (guli check says so); start again on an empty database")
	}
	if err != nil {
		return err
	}
	wrote := time.Since(start)
	checkStart := time.Now()
	if err := db.CheckLedger(ctx); err != nil {
		return checkFailed(ctx, "the district's time bank is wrong", err)
	}
	if err := db.CheckConsistency(ctx); err != nil {
		return checkFailed(ctx, "the district is not consistent", err)
	}
	checked := time.Since(checkStart)

	printDemo(stdout, sum.Demo)
	fmt.Fprintf(stdout, "District accounts, each with the password %q (the first of each kind at each station; all in --accounts FILE):\n", demo.Password)
	for _, kind := range []string{"staff", "resident", "volunteer", "talent", "no_phone"} {
		shown := 0
		for _, a := range sum.Accounts {
			if a.Kind != kind || shown == 3 {
				continue
			}
			shown++
			phone := a.Phone
			if phone == "" {
				phone = "(no phone)"
			}
			fmt.Fprintf(stdout, "  %-9s %-11s %-6s id %-8s station %s\n", a.Kind, phone, a.Name, a.ID, a.StationID)
		}
	}
	if out != nil {
		err := writeAccounts(out, sum, opts)
		out = nil
		if err != nil {
			return fmt.Errorf("the district is written, its accounts file %s is not: %w", accountsFile, err)
		}
		fmt.Fprintf(stdout, "Stations and accounts written to %s.\n", accountsFile)
	}
	size := ""
	if !sqlstore.IsPostgres(dsn) {
		if fi, err := os.Stat(dsn); err == nil {
			size = fmt.Sprintf(", %d MB", fi.Size()>>20)
		}
	}
	fmt.Fprintf(stdout, "District (seed %d, today %s): %d stations, %d residents (%d volunteers, %d talents, %d without a phone), %d staff; "+
		"%d activities, %d sign-ups, %d attendances, %d visit rows, %d health checks; %d requests for help, %d services confirmed; "+
		"%d posts, %d comments; %d meetings, %d proposals, %d polls, %d ballots; %d teams. %d rows in %s (%s)%s; checked in %s.\n",
		opts.Seed, opts.Anchor, len(sum.Stations), sum.Residents, sum.Volunteers, sum.Talents, sum.NoPhone, sum.Staff,
		sum.Activities, sum.Registrations, sum.Attendances, sum.Visits, sum.HealthChecks, sum.HelpRequests, sum.Services,
		sum.Posts, sum.Comments, sum.Meetings, sum.Proposals, sum.Polls, sum.Ballots, sum.Teams,
		sum.Rows, wrote.Round(100*time.Millisecond), db.Engine(), size, checked.Round(100*time.Millisecond))
	return nil
}

// checkFailed says why the check of a district written failed: the
// district, or an interruption.
func checkFailed(ctx context.Context, what string, err error) error {
	if ctx.Err() != nil {
		return errors.New("interrupted while checking: the district is written (its accounts file is not); guli check checks it")
	}
	return fmt.Errorf("%s: %w", what, err)
}

// accountsFile is what --accounts writes, for a load tool.
type accountsFile struct {
	Password string         `json:"password"`
	Seed     uint64         `json:"seed"`
	Anchor   string         `json:"anchor"`
	Admin    []accountEntry `json:"admin"`
	Stations []stationEntry `json:"stations"`
	Accounts []accountEntry `json:"accounts"`
	Counts   map[string]int `json:"counts"`
}

type stationEntry struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Residents int    `json:"residents"`
}

type accountEntry struct {
	Kind      string `json:"kind"`
	ID        string `json:"id"`
	Name      string `json:"name"`
	Phone     string `json:"phone,omitempty"`
	StationID string `json:"station_id,omitempty"`
}

// createAccounts makes the --accounts file, which must be new and not
// the database.
func createAccounts(name, dsn string) (*os.File, error) {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("--accounts %s: the file exists; name a new one (it is not written over)", name)
	}
	if err != nil {
		return nil, fmt.Errorf("--accounts: %w", err)
	}
	if !sqlstore.IsPostgres(dsn) {
		made, err1 := f.Stat()
		db, err2 := os.Stat(dsn)
		if err1 == nil && err2 == nil && os.SameFile(made, db) {
			f.Close()
			os.Remove(name)
			return nil, fmt.Errorf("--accounts %s is the database: name another file", name)
		}
	}
	return f, nil
}

// writeAccounts writes the accounts file and closes it.
func writeAccounts(f *os.File, sum *district.Summary, opts district.Options) error {
	out := accountsFile{Password: demo.Password, Seed: opts.Seed, Anchor: string(opts.Anchor),
		Counts: map[string]int{"residents": sum.Residents, "volunteers": sum.Volunteers, "talents": sum.Talents, "staff": sum.Staff}}
	for _, a := range sum.Demo.Accounts {
		kind := "demo"
		for _, r := range a.Roles {
			if r == guli.RoleAdmin {
				kind = "admin"
			}
		}
		e := accountEntry{Kind: kind, ID: a.ID.String(), Name: a.Name, Phone: a.Phone, StationID: sum.Demo.Station.ID.String()}
		if kind == "admin" {
			out.Admin = append(out.Admin, e)
		} else {
			out.Accounts = append(out.Accounts, e)
		}
	}
	for _, st := range sum.Stations {
		out.Stations = append(out.Stations, stationEntry{ID: st.ID.String(), Name: st.Name, Residents: st.Residents})
	}
	for _, a := range sum.Accounts {
		out.Accounts = append(out.Accounts, accountEntry{Kind: a.Kind, ID: a.ID.String(), Name: a.Name, Phone: a.Phone, StationID: a.StationID.String()})
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err == nil {
		_, err = f.Write(append(b, '\n'))
	}
	return errors.Join(err, f.Close())
}

// check runs every check of a database: the time bank's ledger, and
// everything kept beside the rows it is derived from.
func check(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	db, err := openExisting(ctx, "check", args, getenv, stderr)
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	// Both, the consistency first: it says first when a fill stopped
	// halfway, which explains whatever else is wrong.
	problems := db.CheckConsistency(ctx)
	if err := db.CheckLedger(ctx); err != nil {
		problems = errors.Join(problems, fmt.Errorf("the time bank's ledger is wrong: %w", err))
	}
	if problems != nil {
		return fmt.Errorf("the database is not consistent: %w", problems)
	}
	fmt.Fprintf(stdout, "Consistent (%s): the ledger holds, every count kept beside its rows is their count, places, waitlists and rooms keep their rules, and every foreign key names a row. Checked in %s.\n",
		db.Engine(), time.Since(start).Round(time.Millisecond))
	return nil
}
