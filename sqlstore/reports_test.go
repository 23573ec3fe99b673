package sqlstore_test

import (
	"fmt"
	"regexp"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"guli"
	"guli/internal/dbtest"
	"guli/sqlstore"
)

// fullScan finds a plan's reading of a whole table of those that grow
// with the years, SQLite's or PostgreSQL's: visits, activities, help
// requests, registrations and check-ins. (People are joined by their key;
// a small users table may be hashed whole, which is no scan of years.)
var fullScan = regexp.MustCompile(`(?m)^SCAN (v|a|h|g|t|help_requests)\b|Seq Scan on (visits|activities|help_requests|registrations|attendances)\b`)

// TestReportQueriesReadOneRangeOfAnIndex: over five years of three
// stations, analyzed, each query of a month's report (the station's and
// an area's) and of a certificate reads one range of the index meant for
// it, on both engines, and no table of years whole.
func TestReportQueriesReadOneRangeOfAnIndex(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFixture(t, e)
		ctx := system()
		started := time.Now()
		volunteers, err := sqlstore.SeedReportHistory(ctx, f.db, f.station.ID, []guli.ID{f.areas[0].ID, f.areas[1].ID}, 5)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("five years written in %v", time.Since(started).Round(time.Millisecond))
		month := guli.MonthOf(time.Now()).AddMonths(-14)
		plans, err := sqlstore.ReportPlans(ctx, f.db, f.station.ID, f.areas[0].ID, volunteers[3], month)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{
			"visits": "visits_station_day", "visits (area)": "visits_station_day",
			"activities": "activities_station_start", "activities (area)": "activities_station_start",
			"help asked": "help_requests_station_created", "help asked (area)": "help_requests_station_created",
			"help served": "help_requests_station_confirmed", "help served (area)": "help_requests_station_confirmed",
			"certificate": "help_requests_volunteer_served", "served": "help_requests_volunteer_served",
		}
		if len(plans) != len(want) {
			t.Errorf("%d plans, want %d", len(plans), len(want))
		}
		for name, index := range want {
			plan := plans[name]
			if !regexp.MustCompile(index).MatchString(plan) {
				t.Errorf("%s does not read %s:\n%s", name, index, plan)
			}
			if scan := fullScan.FindString(plan); scan != "" {
				t.Errorf("%s reads a table whole (%s):\n%s", name, scan, plan)
			}
			t.Logf("%s:\n%s", name, plan)
		}
		// Each activity's check-ins by the attendances' key; an area's
		// places by an index of registrations by activity (the station's
		// are kept on the activity).
		for name, counts := range map[string][]string{"activities": {"attendances"}, "activities (area)": {"attendances", "registrations_(activity|live)"}} {
			for _, index := range counts {
				if !regexp.MustCompile(index).MatchString(plans[name]) {
					t.Errorf("%s does not count by %s:\n%s", name, index, plans[name])
				}
			}
		}
	})
}

// TestReportsAreOneMomentWhileWritesGoOn: writers add, each in one
// transaction, a visit and a confirmed service; reports made meanwhile
// read the month in one snapshot, so each sees as many visits as
// services, never one without the other, on both engines. Each report is
// audited.
func TestReportsAreOneMomentWhileWritesGoOn(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFixture(t, e)
		staff := f.staff(t, "顾小里", "13800000101")
		requester := f.register(t, "钱阿婆", "13800000102")
		volunteer := f.user(t, "吴志愿", "13800000103", guli.RoleResident, guli.RoleVolunteer)
		reports := sqlstore.NewReports(f.db)
		month := guli.MonthOf(time.Now().In(guli.Zone(guli.DefaultTimezone))).String()
		const writers, writes, readers = 3, 40, 3
		var wg sync.WaitGroup
		errs := make(chan error, writers*writes+readers*1000)
		stop := make(chan struct{})
		for range writers {
			wg.Go(func() {
				for range writes {
					if err := sqlstore.ServeAndVisit(system(), f.db, f.station.ID, requester.ID, volunteer.ID); err != nil {
						errs <- err
					}
				}
			})
		}
		var made atomic.Int64
		var readersDone sync.WaitGroup
		for range readers {
			readersDone.Go(func() {
				for {
					select {
					case <-stop:
						return
					default:
					}
					rep, err := reports.MonthlyReport(as(staff), guli.ReportQuery{StationID: f.station.ID, Month: month, Format: "csv"})
					if err != nil {
						errs <- err
						return
					}
					made.Add(1)
					tot := rep.Totals()
					if tot.Visits != tot.Completed || tot.Completed != tot.Services || tot.Minutes != 10*tot.Completed {
						errs <- fmt.Errorf("a report of %d visits, %d services done, %d by volunteers, %d minutes", tot.Visits, tot.Completed, tot.Services, tot.Minutes)
					}
				}
			})
		}
		wg.Wait()
		close(stop)
		readersDone.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		rep, err := reports.MonthlyReport(as(staff), guli.ReportQuery{StationID: f.station.ID, Month: month})
		if err != nil {
			t.Fatal(err)
		}
		if tot := rep.Totals(); tot.Visits != writers*writes || tot.Completed != writers*writes {
			t.Errorf("at the end: %+v, want %d of each", tot, writers*writes)
		}
		audited, err := sqlstore.QueryInt(system(), f.db, "SELECT COUNT(*) FROM audit_log WHERE action = 'station.report' AND subject_id = ?", f.station.ID)
		if err != nil || int64(audited) != made.Load()+1 {
			t.Errorf("%d reports audited, %d made: %v", audited, made.Load()+1, err)
		}
		t.Logf("%d reports made while %d services and visits were written", made.Load(), writers*writes)
	})
}
