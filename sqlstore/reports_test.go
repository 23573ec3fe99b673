package sqlstore_test

import (
	"regexp"
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
			"help asked": "help_requests_station_asked", "help asked (area)": "help_requests_station_asked",
			"help served": "help_requests_station_served", "help served (area)": "help_requests_station_served",
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
