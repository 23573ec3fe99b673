package main_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

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
	} {
		out, errOut, err := runGuli(t, nil, append([]string{"demo", "--db", filepath.Join(t.TempDir(), "guli.db")}, tc.args...)...)
		if err == nil || !strings.Contains(errOut, tc.says) {
			t.Errorf("guli demo %v: %v\n%s\n%s; want %q", tc.args, err, out, errOut, tc.says)
		}
	}
}
