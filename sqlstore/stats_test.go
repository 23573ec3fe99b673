package sqlstore_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"guli"
	"guli/internal/dbtest"
	"guli/sqlstore"
)

// statsFixture is a month of 顾里小站's life, March 2023, with what
// happened just before and after it, written through the services on a
// clock the test moves: every figure of the month is counted by hand in
// TestStatsAreCountedByHand.
type statsFixture struct {
	*fixture
	clock *clock
	stats *sqlstore.Stats
	other *guli.Station
	// deskStaff is a social worker of 顾里小站.
	deskStaff *guli.User
	march     guli.DateRange
}

// shanghai is a time of 2023 in the station's zone.
func shanghai(month time.Month, day, hour, minute int) time.Time {
	return time.Date(2023, month, day, hour, minute, 0, 0, guli.Zone("Asia/Shanghai"))
}

func newStatsFixture(t *testing.T, e dbtest.Engine) *statsFixture {
	t.Helper()
	c := &clock{t: shanghai(time.February, 1, 9, 0)}
	f := &statsFixture{fixture: newFixtureWith(t, e, sqlstore.Options{Now: c.Now}), clock: c,
		march: guli.DateRange{From: "2023-03-01", To: "2023-03-31"}}
	f.stats = sqlstore.NewStats(f.db)
	db := f.db
	visits, activities, rooms, help := sqlstore.NewVisits(db), sqlstore.NewActivities(db), sqlstore.NewRooms(db), sqlstore.NewHelp(db)
	at := func(month time.Month, day, hour, minute int) { t.Helper(); c.Set(shanghai(month, day, hour, minute)) }
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	person := func(name, phone string, area int, roles ...guli.Role) *guli.User {
		t.Helper()
		u, err := f.accounts.CreateUser(system(), guli.NewUserInput{Name: name, Phone: phone, Password: "secret-123", AreaID: f.areas[area].ID, Roles: roles})
		must(err)
		return u
	}
	staff := f.staff(t, "顾小里", "13700000001")
	f.deskStaff = staff
	// The second station, open on Saturday mornings, with a resident.
	var otherStaff *guli.User
	f.other, otherStaff = f.otherStation(t, "13700000099")
	otherArea, err := f.stations.CreateArea(system(), f.other.ID, guli.AreaInput{Name: "菊泉苑"})
	must(err)
	visit := func(station guli.ID, by *guli.User, n int, who guli.ID) {
		t.Helper()
		_, err := visits.RecordVisit(as(by), station, guli.VisitInput{Count: &n, UserID: who})
		must(err)
	}

	// Residents: 汪雅琴 volunteers, 程秀英 and 李建华 ask for help, 谢墨林
	// volunteers and asks too, and 陈美娣 comes in April.
	wang := person("汪雅琴", "13700000004", 1, guli.RoleResident, guli.RoleVolunteer)
	at(time.February, 20, 10, 0)
	cheng := person("程秀英", "13700000002", 0)
	neighbour, err := f.accounts.CreateUser(system(), guli.NewUserInput{Name: "菊泉居民", Phone: "13700000098", Password: "secret-123", AreaID: otherArea.ID})
	must(err)

	// Before March: visits, an activity, and 程秀英's first request, which
	// is confirmed in March.
	at(time.February, 26, 10, 0)
	visit(f.station.ID, staff, 5, 0)
	early, err := help.AskForHelp(as(cheng), guli.HelpRequestInput{Title: "修水龙头", Category: "repair"})
	must(err)
	_, err = help.Claim(as(wang), early.ID)
	must(err)
	_, err = help.Done(as(wang), early.ID, 45)
	must(err)
	events := map[string]*guli.Activity{}
	for _, a := range []struct {
		name  string
		start time.Time
	}{{"February", shanghai(time.February, 26, 14, 0)}, {"first", shanghai(time.March, 5, 14, 0)}, {"cancelled", shanghai(time.March, 19, 14, 0)},
		{"last", shanghai(time.March, 29, 10, 0)}, {"April", shanghai(time.April, 2, 10, 0)}} {
		items, err := activities.CreateActivities(as(staff), guli.ActivityInput{StationID: f.station.ID, Title: "活动" + a.name, Category: "event",
			Start: a.start, End: a.start.Add(time.Hour), AgeRuleSet: true})
		must(err)
		events[a.name] = items[0]
	}

	at(time.March, 1, 9, 30)
	visit(f.station.ID, staff, 3, 0)
	visit(f.station.ID, staff, 1, cheng.ID)
	visit(f.other.ID, otherStaff, 10, 0)
	must(activities.CheckIn(as(staff), events["February"].ID, cheng.ID))
	at(time.March, 2, 10, 0)
	asked, err := help.AskForHelp(as(cheng), guli.HelpRequestInput{Title: "陪同就医", Category: "companion"})
	must(err)
	_, err = help.Claim(as(wang), asked.ID)
	must(err)
	_, err = help.Done(as(wang), asked.ID, 30)
	must(err)
	at(time.March, 3, 11, 0)
	_, err = help.Confirm(as(cheng), early.ID, guli.ConfirmInput{Rating: 5})
	must(err)
	at(time.March, 5, 9, 0)
	xie := person("谢墨林", "13700000003", 1, guli.RoleResident, guli.RoleVolunteer)
	at(time.March, 5, 15, 0)
	for _, who := range []*guli.User{cheng, xie} {
		must(activities.CheckIn(as(staff), events["first"].ID, who.ID))
	}
	at(time.March, 6, 10, 0)
	xieAsked, err := help.AskForHelp(as(xie), guli.HelpRequestInput{Title: "搬家具", Category: "errand"})
	must(err)
	_, err = help.Claim(as(wang), xieAsked.ID)
	must(err)
	_, err = help.Done(as(wang), xieAsked.ID, 60)
	must(err)
	at(time.March, 7, 12, 0)
	_, err = rooms.AddClosure(as(staff), f.station.ID, guli.ClosureInput{Date: "2023-03-08", Reason: "检修"})
	must(err)
	_, err = rooms.AddClosure(as(staff), f.station.ID, guli.ClosureInput{Date: "2023-03-13", Reason: "周一本就不开"})
	must(err)
	at(time.March, 10, 10, 0)
	withdrawn, err := help.AskForHelp(as(cheng), guli.HelpRequestInput{Title: "买菜", Category: "errand"})
	must(err)
	_, err = help.CancelHelp(as(cheng), withdrawn.ID)
	must(err)
	at(time.March, 11, 10, 0)
	_, err = help.AskForHelp(as(neighbour), guli.HelpRequestInput{Title: "修灯", Category: "repair"})
	must(err)
	at(time.March, 15, 10, 0)
	li := person("李建华", "13700000008", 0)
	visit(f.station.ID, staff, 7, 0)
	visit(f.station.ID, staff, 1, li.ID)
	at(time.March, 19, 15, 0)
	must(activities.CheckIn(as(staff), events["cancelled"].ID, cheng.ID))
	must(activities.CancelActivity(as(staff), events["cancelled"].ID))
	at(time.March, 29, 11, 0)
	must(activities.CheckIn(as(staff), events["last"].ID, li.ID))
	at(time.March, 31, 20, 0)
	_, err = help.Confirm(as(xie), xieAsked.ID, guli.ConfirmInput{})
	must(err)
	at(time.March, 31, 23, 0)
	_, err = help.AskForHelp(as(li), guli.HelpRequestInput{Title: "换灯泡", Category: "repair"})
	must(err)
	at(time.March, 31, 23, 30)
	visit(f.station.ID, staff, 2, 0)

	// Just after March.
	at(time.April, 1, 0, 10)
	visit(f.station.ID, staff, 4, 0)
	at(time.April, 1, 0, 30)
	_, err = help.Confirm(as(cheng), asked.ID, guli.ConfirmInput{})
	must(err)
	_, err = help.AskForHelp(as(xie), guli.HelpRequestInput{Title: "修门锁", Category: "repair"})
	must(err)
	at(time.April, 2, 9, 0)
	person("陈美娣", "13700000009", 0)
	at(time.April, 2, 11, 0)
	must(activities.CheckIn(as(staff), events["April"].ID, cheng.ID))
	at(time.April, 10, 12, 0)
	return f
}

// figures writes the figures as the API names them, to compare at once.
func figures(s *guli.Stats) string {
	return fmt.Sprintf("visits=%d days_open=%d residents=%d volunteers=%d activities_held=%d attendances=%d help_requests=%d help_requesters=%d services_completed=%d volunteer_minutes=%d",
		s.Visits, s.DaysOpen, s.Residents, s.Volunteers, s.ActivitiesHeld, s.Attendances, s.HelpRequests, s.HelpRequesters, s.ServicesCompleted, s.VolunteerMinutes)
}

// TestStatsAreCountedByHand: March 2023 at 顾里小站, as counted by hand
// from what the fixture did.
func TestStatsAreCountedByHand(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newStatsFixture(t, e)
		ctx := context.Background()
		march := guli.StatsQuery{StationID: f.station.ID, From: "2023-03-01", To: "2023-03-31"}
		tests := []struct {
			name string
			now  time.Time
			q    guli.StatsQuery
			want string
		}{
			// Visits 3+1 on the 1st, 7+1 on the 15th, 2 at 23:30 on the 31st (not
			// the 5 of February, nor the 4 just after midnight on April 1st, nor
			// the other station's 10). Open on Wednesdays and Sundays: 9 days,
			// less the closure of Wednesday the 8th (Monday the 13th was shut
			// anyway). Residents 汪雅琴, 程秀英, 谢墨林, 李建华 (陈美娣 came in
			// April, the neighbour lives at the other station); volunteers 汪雅琴
			// and 谢墨林. Held: the 5th and the 29th (the 19th was cancelled),
			// with 2 and 1 checked in. Asked: 程秀英 on the 2nd, 谢墨林 on the
			// 6th, 李建华 on the 31st at 23:00 (程秀英's of the 10th withdrawn).
			// Confirmed: 程秀英's February request on the 3rd (45 minutes) and
			// 谢墨林's on the 31st (60); the one of the 2nd was confirmed on
			// April 1st at 00:30.
			{"March", shanghai(time.April, 10, 12, 0), march,
				"visits=14 days_open=8 residents=4 volunteers=2 activities_held=2 attendances=3 help_requests=3 help_requesters=3 services_completed=2 volunteer_minutes=105"},
			// Read on the 20th, with the rest of March already written (the
			// clock was moved back): days open and activities held count up to
			// then only — the 1st, 5th, 12th, 15th and 19th; the activity of the
			// 5th — and the rest by their own dates.
			{"March, read on the 20th", shanghai(time.March, 20, 12, 0), march,
				"visits=14 days_open=5 residents=4 volunteers=2 activities_held=1 attendances=2 help_requests=3 help_requesters=3 services_completed=2 volunteer_minutes=105"},
			{"the 31st alone, as RFC 3339", shanghai(time.April, 10, 12, 0),
				guli.StatsQuery{StationID: f.station.ID, From: "2023-03-30T16:00:00Z", To: "2023-03-31T23:59:59+08:00"},
				"visits=2 days_open=0 residents=4 volunteers=2 activities_held=0 attendances=0 help_requests=1 help_requesters=1 services_completed=1 volunteer_minutes=60"},
			// Everything since the opening (2023-02-10): February's 5 visits and
			// April's 4; February's and April's activities; 谢墨林's April
			// request; the service confirmed on April 1st; 陈美娣.
			{"since the opening", shanghai(time.April, 10, 12, 0), guli.StatsQuery{StationID: f.station.ID},
				"visits=23 days_open=16 residents=5 volunteers=2 activities_held=4 attendances=5 help_requests=5 help_requesters=3 services_completed=3 volunteer_minutes=135"},
			// The district: the other station adds its 10 visits, its resident
			// and their request, and its Saturdays (4, 11, 18, 25 March).
			{"the district in March", shanghai(time.April, 10, 12, 0), guli.StatsQuery{From: "2023-03-01", To: "2023-03-31"},
				"visits=24 days_open=12 residents=5 volunteers=2 activities_held=2 attendances=3 help_requests=4 help_requesters=4 services_completed=2 volunteer_minutes=105"},
		}
		for _, tt := range tests {
			f.clock.Set(tt.now)
			got, err := f.stats.Stats(ctx, tt.q)
			if err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			if figures(got) != tt.want {
				t.Errorf("%s:\n got %s\nwant %s", tt.name, figures(got), tt.want)
			}
		}

		// The district's table: each station, and all together.
		f.clock.Set(shanghai(time.April, 10, 12, 0))
		if _, _, err := f.stats.District(as(f.deskStaff), guli.StatsQuery{}); guli.ErrorCode(err) != guli.ECForbidden {
			t.Errorf("staff read the district's table: %v", err)
		}
		each, total, err := f.stats.District(system(), guli.StatsQuery{From: "2023-03-01", To: "2023-03-31"})
		if err != nil {
			t.Fatal(err)
		}
		if len(each) != 2 || each[0].StationID != f.station.ID || each[1].StationID != f.other.ID {
			t.Fatalf("the district's stations: %+v", each)
		}
		want := []string{
			"visits=14 days_open=8 residents=4 volunteers=2 activities_held=2 attendances=3 help_requests=3 help_requesters=3 services_completed=2 volunteer_minutes=105",
			"visits=10 days_open=4 residents=1 volunteers=0 activities_held=0 attendances=0 help_requests=1 help_requesters=1 services_completed=0 volunteer_minutes=0",
		}
		for i, st := range each {
			if figures(st) != want[i] {
				t.Errorf("station %d:\n got %s\nwant %s", i, figures(st), want[i])
			}
		}
		if figures(total) != "visits=24 days_open=12 residents=5 volunteers=2 activities_held=2 attendances=3 help_requests=4 help_requesters=4 services_completed=2 volunteer_minutes=105" {
			t.Errorf("the district's total: %s", figures(total))
		}

		// By area: 馨清佳苑 has 程秀英 and 李建华, 菊泉新城 汪雅琴 and 谢墨林.
		areas, err := f.stats.Areas(ctx, f.station.ID, f.march)
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		for _, a := range areas {
			got += fmt.Sprintf("%s: residents=%d volunteers=%d visits=%d help_requests=%d help_requesters=%d services_completed=%d volunteer_minutes=%d\n",
				a.Area, a.Residents, a.Volunteers, a.Visits, a.HelpRequests, a.HelpRequesters, a.ServicesCompleted, a.VolunteerMinutes)
		}
		if want := "馨清佳苑: residents=2 volunteers=0 visits=2 help_requests=2 help_requesters=2 services_completed=1 volunteer_minutes=45\n" +
			"菊泉新城: residents=2 volunteers=2 visits=0 help_requests=1 help_requesters=1 services_completed=1 volunteer_minutes=60\n"; got != want {
			t.Errorf("by area:\n%swant\n%s", got, want)
		}

		// By week and by month.
		weeks := guli.Periods(f.march, guli.PeriodWeek)
		byWeek, err := f.stats.VisitsPer(ctx, f.station.ID, weeks)
		if err != nil {
			t.Fatal(err)
		}
		// Weeks from Wednesday the 1st: 1–5, 6–12, 13–19, 20–26, 27–31.
		if fmt.Sprint(byWeek) != "[4 0 8 0 2]" {
			t.Errorf("visits by week %v", byWeek)
		}
		months := guli.Periods(guli.DateRange{From: "2023-02-01", To: "2023-04-30"}, guli.PeriodMonth)
		byMonth, err := f.stats.ServicesPer(ctx, f.station.ID, months)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(byMonth) != "[0 2 1]" {
			t.Errorf("services by month %v", byMonth)
		}
		if _, err := f.stats.VisitsPer(ctx, 99999, weeks); guli.ErrorCode(err) != guli.ECNotFound {
			t.Errorf("visits of no station: %v", err)
		}
	})
}

func TestStatsRefuseWhatTheyCannotCount(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFixture(t, e)
		stats := sqlstore.NewStats(f.db)
		ctx := context.Background()
		tests := []struct {
			name string
			q    guli.StatsQuery
			code string
		}{
			{"no such station", guli.StatsQuery{StationID: 99999}, guli.ECNotFound},
			{"a malformed station", guli.StatsQuery{StationID: guli.NoID}, guli.ECNotFound},
			{"to before from", guli.StatsQuery{StationID: f.station.ID, From: "2024-01-02", To: "2024-01-01"}, guli.ECValidation},
			{"over twenty years", guli.StatsQuery{StationID: f.station.ID, From: "2000-01-01", To: "2024-01-01"}, guli.ECValidation},
			{"the district, over twenty years", guli.StatsQuery{From: "2000-01-01", To: "2024-01-01"}, guli.ECValidation},
			{"not a date", guli.StatsQuery{From: "2024-02-30"}, guli.ECValidation},
		}
		for _, tt := range tests {
			if _, err := stats.Stats(ctx, tt.q); guli.ErrorCode(err) != tt.code {
				t.Errorf("%s: %v, want %s", tt.name, err, tt.code)
			}
		}
		// The far future and the district of one station count nothing and
		// fail nothing.
		for _, q := range []guli.StatsQuery{{StationID: f.station.ID, From: "2999-01-01", To: "2999-12-31"}, {}} {
			s, err := stats.Stats(ctx, q)
			if err != nil || s.Visits != 0 || s.DaysOpen != 0 && q.StationID != 0 {
				t.Errorf("%+v: %+v, %v", q, s, err)
			}
		}
		if _, err := stats.VisitsPer(ctx, f.station.ID, nil); guli.ErrorCode(err) != guli.ECValidation {
			t.Errorf("no periods: %v", err)
		}
	})
}

// TestStatsHoldTogetherWhileWritesGoOn: visits are counted at the desk
// and activities cancelled while the figures are read. Every read sees one
// moment: each activity had two people checked in, so the attendances are
// always twice the activities held, though a cancellation (one
// transaction) takes one of each away between the two queries that count
// them; and every visit acknowledged before the read began is counted.
// (Not that two reads of one reader never go down: two reads kept under
// one data version may come from two snapshots, both newer than it, and
// the later kept may be the older.) At the end the visits are the sum of
// those acknowledged.
func TestStatsHoldTogetherWhileWritesGoOn(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		c := newClock()
		f := newFixtureWith(t, e, sqlstore.Options{Now: c.Now})
		db := f.db
		stats, visits, activities := sqlstore.NewStats(db), sqlstore.NewVisits(db), sqlstore.NewActivities(db)
		staff := f.staff(t, "顾小里", "13700000001")
		people := []*guli.User{f.register(t, "程秀英", "13700000002"), f.register(t, "李建华", "13700000008")}
		const held = 40
		var ids []guli.ID
		start := c.Now().Add(time.Hour).Truncate(time.Hour)
		for i := range held {
			items, err := activities.CreateActivities(as(staff), guli.ActivityInput{StationID: f.station.ID, Title: fmt.Sprintf("活动%d", i), Category: "event",
				Start: start.Add(time.Duration(i) * time.Minute), End: start.Add(time.Duration(i)*time.Minute + time.Hour), AgeRuleSet: true})
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range people {
				if err := activities.CheckIn(as(staff), items[0].ID, p.ID); err != nil {
					t.Fatal(err)
				}
			}
			ids = append(ids, items[0].ID)
		}
		c.Add(3 * time.Hour) // all of them held
		q := guli.StatsQuery{StationID: f.station.ID}
		if s, err := stats.Stats(context.Background(), q); err != nil || s.ActivitiesHeld != held || s.Attendances != 2*held {
			t.Fatalf("before: %+v, %v", s, err)
		}

		var acknowledged atomic.Int64
		stop := make(chan struct{})
		var writers, readers sync.WaitGroup
		errs := make(chan error, 100)
		for w := range 4 {
			writers.Add(1)
			go func() {
				defer writers.Done()
				for i := range 25 {
					n := 1 + (w+i)%5
					if _, err := visits.RecordVisit(as(staff), f.station.ID, guli.VisitInput{Count: &n}); err != nil {
						errs <- err
						return
					}
					acknowledged.Add(int64(n))
				}
			}()
		}
		writers.Add(1)
		go func() {
			defer writers.Done()
			for _, id := range ids[:held/2] {
				if err := activities.CancelActivity(as(staff), id); err != nil {
					errs <- err
					return
				}
			}
		}()
		var reads atomic.Int64
		for range 3 {
			readers.Add(1)
			go func() {
				defer readers.Done()
				for {
					select {
					case <-stop:
						return
					default:
					}
					before := acknowledged.Load()
					s, err := stats.Stats(context.Background(), q)
					if err != nil {
						errs <- err
						return
					}
					reads.Add(1)
					if int64(s.Visits) < before {
						errs <- fmt.Errorf("%d visits read after %d were acknowledged", s.Visits, before)
						return
					}
					if s.Attendances != 2*s.ActivitiesHeld {
						errs <- fmt.Errorf("figures of two moments: %s", figures(s))
						return
					}
				}
			}()
		}
		writers.Wait()
		close(stop)
		readers.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		s, err := stats.Stats(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		if int64(s.Visits) != acknowledged.Load() || s.ActivitiesHeld != held/2 || s.Attendances != held {
			t.Errorf("after the writes: %s; %d visits acknowledged", figures(s), acknowledged.Load())
		}
		t.Logf("%d reads while the writes went on", reads.Load())
	})
}
