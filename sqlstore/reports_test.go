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
		for i := range readers {
			// Each reader its own social worker, who stops once throttled
			// (guli.ThrottleReport): a fast machine makes hundreds.
			reader := f.staff(t, fmt.Sprint("社工", i), fmt.Sprint("1380000011", i))
			readersDone.Go(func() {
				for {
					select {
					case <-stop:
						return
					default:
					}
					rep, err := reports.MonthlyReport(as(reader), guli.ReportQuery{StationID: f.station.ID, Month: month, Format: "csv"})
					if guli.ErrorCode(err) == guli.ECRateLimited {
						return
					}
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

// TestReportsOverAndOverFloodNobody: every report and every certificate
// staff make is audited, so after guli.ThrottleReport.Free of them a
// person's next waits, longer each time, also when many are asked at
// once; the audit log holds no more entries than the files given, and
// others (another social worker, the volunteer reading their own) are
// not held up.
func TestReportsOverAndOverFloodNobody(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		c := newClock()
		f := newFixtureWith(t, e, sqlstore.Options{Now: c.Now})
		staff := f.staff(t, "顾小里", "13800000101")
		colleague := f.staff(t, "顾大里", "13800000102")
		volunteer := f.register(t, "吴志愿", "13800000103")
		volunteer.Roles = append(volunteer.Roles, guli.RoleVolunteer)
		if _, err := f.accounts.SetRoles(system(), volunteer.ID, guli.RolesInput{Roles: volunteer.Roles}); err != nil {
			t.Fatal(err)
		}
		reports := sqlstore.NewReports(f.db)
		month := guli.MonthOf(c.Now().In(guli.Zone(guli.DefaultTimezone))).String()
		report := func(who *guli.User) error {
			_, err := reports.MonthlyReport(as(who), guli.ReportQuery{StationID: f.station.ID, Month: month, Format: "csv"})
			return err
		}
		certificate := func(who *guli.User) error {
			_, err := reports.VolunteerCertificate(as(who), guli.CertificateQuery{VolunteerID: volunteer.ID, StationID: f.station.ID})
			return err
		}
		rule := guli.ThrottleReport
		version := f.db.DataVersion(system())
		for i := range rule.Free {
			if err := map[bool]func(*guli.User) error{true: report, false: certificate}[i%2 == 0](staff); err != nil {
				t.Fatalf("file %d: %v", i, err)
			}
		}
		for what, ask := range map[string]func(*guli.User) error{"report": report, "certificate": certificate} {
			err := ask(staff)
			if e := guli.AsError(err); e == nil || e.Code != guli.ECRateLimited || e.RetryAfter <= rule.First-time.Second || e.RetryAfter > rule.First {
				t.Fatalf("a %s after %d: %v", what, rule.Free, err)
			}
		}
		if got := outcomes(30, func(int) error { return report(staff) }); got[guli.ECRateLimited] != 30 {
			t.Fatalf("30 more at once: %v", got)
		}
		// Counted as the audit entries are: no kept answer goes with them.
		if v := f.db.DataVersion(system()); v != version {
			t.Errorf("the reports moved the data version from %d to %d", version, v)
		}
		audited, err := sqlstore.QueryInt(system(), f.db, "SELECT COUNT(*) FROM audit_log WHERE actor_id = ? AND action IN ('station.report', 'volunteer.certificate')", staff.ID)
		if err != nil || audited != rule.Free {
			t.Errorf("%d files audited, want %d: %v", audited, rule.Free, err)
		}
		if err := report(colleague); err != nil {
			t.Errorf("a colleague's report: %v", err)
		}
		if err := certificate(volunteer); err != nil {
			t.Errorf("the volunteer's own certificate: %v", err)
		}
		c.Add(rule.First)
		if err := report(staff); err != nil {
			t.Fatalf("after the wait: %v", err)
		}
	})
}
