package main_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"guli/internal/dbtest"
)

// guli demo --residents N writes a district into an empty database, checks
// it and says what it wrote and whom to sign in as; guli check agrees; a
// database with anything in it is refused with a message that says why,
// and so are flags that do not go together.
func TestDemoDistrictFromTheCommandLine(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		dsn := e.DSN(t) // not even migrated
		accounts := filepath.Join(t.TempDir(), "accounts.json")
		out, errOut, err := runGuli(t, nil, "demo", "--residents", "600", "--stations", "2", "--seed", "5", "--anchor", "2025-06-01",
			"--accounts", accounts, "--db", dsn)
		if err != nil {
			t.Fatalf("guli demo --residents: %v\n%s\n%s", err, out, errOut)
		}
		for _, want := range []string{"13800000001  顾小里", "District accounts, each with the password \"guli-demo-2023\"",
			"District (seed 5, today 2025-06-01): 2 stations, 600 residents (30 volunteers", "; checked in "} {
			if !strings.Contains(out, want) {
				t.Errorf("the output lacks %q:\n%s", want, out)
			}
		}
		var file struct {
			Password string
			Stations []struct{ ID, Name string }
			Admin    []struct{ Phone string }
			Accounts []struct{ Kind, ID, Phone string }
		}
		b, err := os.ReadFile(accounts)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &file); err != nil {
			t.Fatalf("%v\n%s", err, b)
		}
		kinds := map[string]int{}
		for _, a := range file.Accounts {
			kinds[a.Kind]++
		}
		if file.Password != "guli-demo-2023" || len(file.Stations) != 2 || file.Stations[0].Name != "顾里小站" ||
			len(file.Admin) != 1 || file.Admin[0].Phone != "13800000000" || kinds["staff"] < 1 || kinds["resident"] < 2 || kinds["volunteer"] < 2 {
			t.Errorf("the accounts file: %+v, kinds %v", file, kinds)
		}
		if out, errOut, err := runGuli(t, nil, "check", "--db", dsn); err != nil || !strings.Contains(out, "Consistent") {
			t.Errorf("guli check: %v\n%s\n%s", err, out, errOut)
		}

		out, errOut, err = runGuli(t, nil, "demo", "--residents", "600", "--db", dsn)
		if err == nil || !strings.Contains(errOut, "the database is not empty") {
			t.Errorf("a second district: %v\n%s\n%s", err, out, errOut)
		}
	})
	for _, tc := range []struct {
		args []string
		says string
	}{
		{[]string{"--stations", "2"}, "--stations, --anchor and --accounts are for a district"},
		{[]string{"--residents", "100", "--stations", "3"}, "too few for 3 stations"},
		{[]string{"--residents", "100", "--anchor", "2025-02-30"}, "is not a date"},
		{[]string{"--residents", "10", "--activities", "5", "--stations", "2"}, "are for a district"},
		{[]string{"--residents", "2000000", "--stations", "1"}, "too many for 1 stations"},
		{[]string{"--residents", "1e18"}, `invalid value "1e18" for flag -residents`},
		{[]string{"--residents", "99999999999999999999"}, "value out of range"},
		{[]string{"--residents", "9223372036854775807"}, "--residents: from 1 to 20,000,000"},
		{[]string{"--residents", "100", "--stations", "-1"}, "must not be negative"},
		{[]string{"--residents", "100", "--anchor", "%00"}, `the anchor "%00" is not a date`},
		{[]string{"--residents", "100", "--anchor", "2025-06-01\xff"}, `is not a date`},
		{[]string{"--residents", "100", "--anchor", "9999-12-31"}, "or after 2099"},
	} {
		out, errOut, err := runGuli(t, nil, append([]string{"demo", "--db", filepath.Join(t.TempDir(), "guli.db")}, tc.args...)...)
		if err == nil || !strings.Contains(errOut, tc.says) {
			t.Errorf("guli demo %v: %v\n%s\n%s; want %q", tc.args, err, out, errOut, tc.says)
		}
	}
}

// --accounts names a new file, made before anything is written: one that
// exists (a database given by mistake) is refused and left as it was, so
// is the database itself and a name that cannot be written, at once and
// with nothing written to the database (it takes a district after).
func TestDemoDistrictAccountsFileIsNew(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		dir := t.TempDir()
		existing := filepath.Join(dir, "guli.db")
		if err := os.WriteFile(existing, []byte("not to be written over"), 0o600); err != nil {
			t.Fatal(err)
		}
		dsn := e.DSN(t)
		for _, tc := range []struct {
			name, accounts, db, says string
		}{
			{"an existing file", existing, dsn, "the file exists"},
			{"a directory", dir, dsn, "the file exists"},
			{"a directory that is not there", filepath.Join(dir, "nowhere", "accounts.json"), dsn, "no such file or directory"},
			{"the database", filepath.Join(dir, "new.db"), filepath.Join(dir, "new.db"), "is the database"},
		} {
			start := time.Now()
			out, errOut, err := runGuli(t, nil, "demo", "--residents", "300", "--anchor", "2025-06-01", "--accounts", tc.accounts, "--db", tc.db)
			if err == nil || !strings.Contains(errOut, tc.says) || strings.Count(strings.TrimSpace(errOut), "\n") > 0 {
				t.Errorf("%s: %v\n%s\n%s; want one line saying %q", tc.name, err, out, errOut, tc.says)
			}
			if took := time.Since(start); took > 5*time.Second {
				t.Errorf("%s: refused after %v, not at once", tc.name, took)
			}
		}
		if b, err := os.ReadFile(existing); err != nil || string(b) != "not to be written over" {
			t.Errorf("the existing file now holds %q (%v)", b, err)
		}
		if _, err := os.Stat(filepath.Join(dir, "new.db")); err == nil {
			t.Error("the accounts file named as the database was left behind")
		}
		if out, errOut, err := runGuli(t, nil, "demo", "--residents", "300", "--anchor", "2025-06-01", "--db", dsn); err != nil {
			t.Errorf("a district after the refusals: %v\n%s\n%s", err, out, errOut)
		}
	})
}

// A district killed halfway (kill -9) or interrupted (Ctrl-C) leaves its
// database marked: guli check fails and says first that the district did
// not finish, and a new district is refused there. Interrupted, the
// command says so in one line, and leaves no accounts file.
func TestDemoDistrictStoppedHalfway(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		for _, sig := range []syscall.Signal{syscall.SIGKILL, syscall.SIGINT} {
			dsn := e.DSN(t)
			accounts := filepath.Join(t.TempDir(), "accounts.json")
			cmd := exec.Command(bin, "demo", "--residents", "40000", "--stations", "40", "--anchor", "2025-06-01", "--accounts", accounts, "--db", dsn)
			errOut := &syncBuffer{}
			cmd.Stderr = errOut
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			deadline := time.Now().Add(time.Minute)
			for !strings.Contains(errOut.String(), " residents") && time.Now().Before(deadline) {
				time.Sleep(5 * time.Millisecond)
			}
			cmd.Process.Signal(sig) // at the first progress shown, an eighth of the way
			err := cmd.Wait()
			if err == nil {
				t.Fatalf("%v: the district finished before the signal; make it larger", sig)
			}
			if sig == syscall.SIGINT {
				said := strings.TrimSpace(errOut.String())
				last := said[strings.LastIndex(said, "\n")+1:]
				if !strings.HasPrefix(last, "guli: interrupted: the database holds part of a district") {
					t.Errorf("interrupted, the command said %q", last)
				}
				if _, err := os.Stat(accounts); err == nil {
					t.Error("an interrupted district left its accounts file")
				}
			}
			out, checkErr, err := runGuli(t, nil, "check", "--db", dsn)
			if err == nil || !strings.Contains(checkErr, "guli: the database is not consistent: a district (guli demo --residents) was being written here and did not finish") {
				t.Errorf("%v: guli check: %v\n%s\n%s", sig, err, out, checkErr)
			}
			out, again, err := runGuli(t, nil, "demo", "--residents", "300", "--anchor", "2025-06-01", "--db", dsn)
			if err == nil || !strings.Contains(again, "the database is not empty") {
				t.Errorf("%v: a district after it: %v\n%s\n%s", sig, err, out, again)
			}
		}
	})
}

// guli check and guli ledger check read a database that is there: a
// mistyped SQLite file is not made, migrated and called consistent.
func TestCheckNeedsADatabase(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "gul.db")
	for _, args := range [][]string{{"check"}, {"ledger", "check"}} {
		out, errOut, err := runGuli(t, nil, append(args, "--db", missing)...)
		if err == nil || !strings.Contains(errOut, "no database at "+missing) {
			t.Errorf("guli %v of a file that is not there: %v\n%s\n%s", args, err, out, errOut)
		}
		if _, err := os.Stat(missing); err == nil {
			t.Fatalf("guli %v made the file", args)
		}
	}
}
