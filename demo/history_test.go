package demo_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"testing"
	"time"

	"guli"
	"guli/demo"
	"guli/internal/dbtest"
	"guli/sqlstore"
)

// The seed's history reads as the article does: 近180天, 近9000人次, 236
// residents who asked for help, 948 services — counted by the figures from
// the records, at the history's end and at any time after; the time bank
// adds up; everything happened in 2023; every fill is the same, on either
// engine, week by week and area by area; and a database with anything in
// it is refused.
func TestLikeSeedReadsAsTheArticle(t *testing.T) {
	var first string // the figures in detail on the first engine
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		dsn := e.MigratedDSN(t)
		clock := demo.NewClock(time.Now())
		db := dbtest.OpenWith(t, dsn, sqlstore.Options{Now: clock.Now, BulkLoad: true})
		svc := sqlstore.NewServices(db)
		ctx := context.Background()
		start := time.Now()
		res, err := demo.LikeSeed(ctx, svc, clock, db)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("the history filled %s in %s", e.Name, time.Since(start).Round(time.Millisecond))
		if !clock.Now().Equal(demo.HistoryEnd()) {
			t.Errorf("the clock was left at %s, not the history's end", clock.Now())
		}
		for _, now := range []time.Time{demo.HistoryEnd(), time.Now()} {
			clock.Set(now)
			got, err := svc.Stats.Stats(ctx, guli.StatsQuery{StationID: res.Station.ID, From: string(demo.HistoryFrom), To: string(demo.HistoryTo)})
			if err != nil {
				t.Fatal(err)
			}
			if got.DaysOpen != 178 || got.Visits < 8800 || got.Visits > 8999 || got.HelpRequesters != 236 || got.ServicesCompleted != 948 {
				t.Errorf("at %s the figures are %d days open, %d visits, %d requesters, %d services; the article's 178 (近180天), 8,800–8,999 (近9000人次), 236, 948",
					now.Format(time.DateTime), got.DaysOpen, got.Visits, got.HelpRequesters, got.ServicesCompleted)
			}
			if got.Visits != demo.HistoryVisits || got.HelpRequests <= got.ServicesCompleted || got.VolunteerMinutes < 30*got.ServicesCompleted ||
				got.ActivitiesHeld < 200 || got.Attendances < 1000 || got.Residents < 400 || got.Volunteers < 20 {
				t.Errorf("the other figures: %+v", got)
			}
		}
		if err := db.CheckLedger(ctx); err != nil {
			t.Errorf("the time bank after the history: %v", err)
		}
		detail := inDetail(t, svc, res.Station.ID)
		if first == "" {
			first = detail
		} else if detail != first {
			t.Errorf("the history differs between engines:\n%s\n%s", first, detail)
		}
		checkIn2023(t, e, dsn)

		// Anything in the database, and the history is refused, with
		// nothing written.
		clock.Set(time.Now())
		if _, err := demo.LikeSeed(ctx, svc, clock, db); !errors.Is(err, demo.ErrNotEmpty) {
			t.Fatalf("a second fill: %v, want ErrNotEmpty", err)
		}
		if page, err := svc.Stations.Stations(ctx, guli.ListOptions{Limit: 10}); err != nil || len(page.Items) != 1 {
			t.Fatalf("after the refused fill: %d stations, %v", len(page.Items), err)
		}
		other := dbtest.OpenWith(t, e.MigratedDSN(t), sqlstore.Options{Now: clock.Now})
		if _, err := sqlstore.NewServices(other).Accounts.CreateUser(guli.NewContextWithUser(ctx, guli.SystemUser),
			guli.NewUserInput{Name: "钱秀英", Phone: "13900000001"}); err != nil {
			t.Fatal(err)
		}
		if _, err := demo.LikeSeed(ctx, sqlstore.NewServices(other), clock, other); !errors.Is(err, demo.ErrNotEmpty) {
			t.Fatalf("a fill of a database with an account and no station: %v, want ErrNotEmpty", err)
		}
	})
}

// inDetail is a station's figures over the history week by week, month
// by month and area by area.
func inDetail(t *testing.T, svc guli.Services, station guli.ID) string {
	t.Helper()
	ctx := context.Background()
	r := guli.DateRange{From: demo.HistoryFrom, To: demo.HistoryTo}
	visits, err := svc.Stats.VisitsPer(ctx, station, guli.Periods(r, guli.PeriodWeek))
	if err != nil {
		t.Fatal(err)
	}
	services, err := svc.Stats.ServicesPer(ctx, station, guli.Periods(r, guli.PeriodMonth))
	if err != nil {
		t.Fatal(err)
	}
	areas, err := svc.Stats.Areas(ctx, station, r)
	if err != nil {
		t.Fatal(err)
	}
	out := fmt.Sprintf("visits by week %v\nservices by month %v\n", visits, services)
	for _, a := range areas {
		out += fmt.Sprintf("%s %+v\n", a.Area, *a)
	}
	return out
}

// checkIn2023 checks that every time the history stored, in every table
// that keeps one, falls within the history.
func checkIn2023(t *testing.T, e dbtest.Engine, dsn string) {
	t.Helper()
	driver := "sqlite"
	if e.Name == "postgres" {
		driver = "pgx"
	}
	raw, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	from, end := demo.HistoryFrom.In(guli.Zone(guli.DefaultTimezone)), demo.HistoryEnd()
	for _, c := range []struct{ table, column string }{
		{"stations", "created_at"}, {"users", "created_at"}, {"activities", "created_at"}, {"activities", "start_at"},
		{"registrations", "created_at"}, {"attendances", "checked_in_at"}, {"visits", "created_at"}, {"health_measurements", "created_at"},
		{"help_requests", "created_at"}, {"help_requests", "confirmed_at"}, {"timebank_entries", "created_at"}, {"notifications", "created_at"},
		{"audit_log", "created_at"}, {"posts", "created_at"}, {"post_comments", "created_at"}, {"meetings", "created_at"}, {"teams", "created_at"},
	} {
		var lo, hi sql.NullInt64
		if err := raw.QueryRow("SELECT MIN("+c.column+"), MAX("+c.column+") FROM "+c.table).Scan(&lo, &hi); err != nil {
			t.Fatalf("%s.%s: %v", c.table, c.column, err)
		}
		if !lo.Valid || lo.Int64 < from.UnixMilli() || hi.Int64 > end.UnixMilli() {
			t.Errorf("%s.%s runs from %s to %s, outside the history", c.table, c.column,
				time.UnixMilli(lo.Int64).In(from.Location()), time.UnixMilli(hi.Int64).In(from.Location()))
		}
	}
}
