package main_test

import (
	"context"
	"strings"
	"testing"

	"guli"
	"guli/demo"
	"guli/internal/dbtest"
	"guli/sqlstore"
)

// guli demo --like-seed fills an empty database with the seed's history
// and prints its figures; the ledger check passes; the figures counted
// afterwards, today, still read as the article's; and a database with
// anything in it, this one now, is refused with a message that says why.
func TestDemoLikeSeedFromTheCommandLine(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		dsn := e.DSN(t) // not even migrated
		out, errOut, err := runGuli(t, nil, "demo", "--like-seed", "--db", dsn)
		if err != nil {
			t.Fatalf("guli demo --like-seed: %v\n%s\n%s", err, out, errOut)
		}
		t.Logf("%s", out)
		for _, want := range []string{"History: 顾里小站 from 2023-02-10 to 2023-10-15", "13800000001  顾小里", "guli-demo-2023",
			"days open                        178", "residents who asked for help     236", "services completed               948"} {
			if !strings.Contains(out, want) {
				t.Errorf("the output lacks %q:\n%s", want, out)
			}
		}
		if out, errOut, err := runGuli(t, nil, "ledger", "check", "--db", dsn); err != nil {
			t.Fatalf("ledger check after the history: %v\n%s\n%s", err, out, errOut)
		}
		// The consistency check passes what the services wrote.
		if out, errOut, err := runGuli(t, nil, "check", "--db", dsn); err != nil {
			t.Fatalf("guli check after the history: %v\n%s\n%s", err, out, errOut)
		}

		svc := sqlstore.NewServices(dbtest.OpenDSN(t, dsn))
		ctx := guli.NewContextWithUser(context.Background(), guli.SystemUser)
		stations, err := svc.Stations.Stations(ctx, guli.ListOptions{Limit: 10})
		if err != nil || len(stations.Items) != 1 {
			t.Fatalf("stations after the history: %d, %v", len(stations.Items), err)
		}
		f, err := svc.Stats.Stats(ctx, guli.StatsQuery{StationID: stations.Items[0].ID, From: string(demo.HistoryFrom), To: string(demo.HistoryTo)})
		if err != nil {
			t.Fatal(err)
		}
		if f.DaysOpen != 178 || f.Visits < 8800 || f.Visits > 8999 || f.HelpRequesters != 236 || f.ServicesCompleted != 948 {
			t.Errorf("the history's figures today: %+v", f)
		}

		out, errOut, err = runGuli(t, nil, "demo", "--like-seed", "--db", dsn)
		if err == nil || !strings.Contains(errOut, "the database is not empty") {
			t.Fatalf("a second --like-seed: %v\n%s\n%s", err, out, errOut)
		}
		out, errOut, err = runGuli(t, nil, "demo", "--like-seed", "--residents", "10", "--db", e.DSN(t))
		if err == nil || !strings.Contains(errOut, "--like-seed writes the history alone") {
			t.Fatalf("--like-seed with --residents: %v\n%s\n%s", err, out, errOut)
		}
	})
}
