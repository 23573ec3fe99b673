package sqlstore_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"guli"
	"guli/internal/dbtest"
	"guli/sqlstore"
)

// countKinds counts a person's notifications by kind.
func countKinds(t *testing.T, db *sqlstore.DB, u *guli.User) map[string]int {
	t.Helper()
	page, err := sqlstore.NewNotifications(db).Notifications(as(u), guli.ListOptions{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	n := map[string]int{}
	for _, item := range page.Items {
		n[item.Kind]++
	}
	return n
}

// sendTwiceAtOnce runs the reminders in two processes at once and adds up
// what they sent.
func sendTwiceAtOnce(t *testing.T, dbs ...*sqlstore.DB) guli.Reminded {
	t.Helper()
	var mu sync.Mutex
	var sum guli.Reminded
	var wg sync.WaitGroup
	for _, db := range dbs {
		wg.Go(func() {
			got, err := sqlstore.NewReminders(db).SendDueReminders(context.Background())
			if err != nil {
				t.Error(err)
			}
			mu.Lock()
			defer mu.Unlock()
			sum.Activities += got.Activities
			sum.Registrants += got.Registrants
			sum.HelpRequests += got.HelpRequests
			sum.StaffNotified += got.StaffNotified
		})
	}
	wg.Wait()
	return sum
}

// The evening before, those confirmed for an activity are reminded, once,
// however many processes send reminders at once; those waiting, those who
// gave up their place and activities cancelled or put on the timetable too
// late are not.
func TestActivityRemindersGoOutOnce(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		clk := newClock()
		f := newFixtureWith(t, e, sqlstore.Options{Now: clk.Now})
		other := dbtest.OpenWith(t, f.dsn, sqlstore.Options{Now: clk.Now}) // another process
		loc := f.station.Location()
		worker := f.staff(t, "社工", "13700009000")
		confirmed, waiting, gone := f.register(t, "报上的", "13700009001"), f.register(t, "候补的", "13700009002"), f.register(t, "退了的", "13700009003")
		acts := sqlstore.NewActivities(f.db)

		// The day after tomorrow, 09:30 at the station; reminded at 19:00
		// tomorrow.
		y, m, d := clk.Now().In(loc).Date()
		start := time.Date(y, m, d+2, 9, 30, 0, 0, loc)
		evening := time.Date(y, m, d+1, 19, 0, 0, 0, loc)
		create := func(title string, capacity int) guli.ID {
			t.Helper()
			made, err := acts.CreateActivities(as(worker), guli.ActivityInput{StationID: f.station.ID, Title: title, Category: "class",
				Start: start, End: start.Add(time.Hour), Capacity: capacity})
			if err != nil {
				t.Fatal(err)
			}
			return made[0].ID
		}
		class, cancelled := create("太极拳", 2), create("取消的课", 0)
		for _, u := range []*guli.User{confirmed, gone, waiting} {
			if _, err := acts.Register(as(u), class, 0); err != nil {
				t.Fatal(err)
			}
			if _, err := acts.Register(as(u), cancelled, 0); err != nil {
				t.Fatal(err)
			}
		}
		if err := acts.CancelRegistration(as(gone), class, 0); err != nil {
			t.Fatal(err)
		}
		// gone's place went to waiting: confirmed and waiting now hold it.
		if _, err := acts.Register(as(gone), class, 0); err != nil { // and gone waits
			t.Fatal(err)
		}
		if err := acts.CancelActivity(as(worker), cancelled); err != nil {
			t.Fatal(err)
		}

		before := map[*guli.User]int{}
		for _, u := range []*guli.User{confirmed, waiting, gone} {
			before[u] = countKinds(t, f.db, u)[guli.NotifyActivityReminder]
		}
		clk.Set(evening.Add(-time.Minute))
		if got := sendTwiceAtOnce(t, f.db, other); got != (guli.Reminded{}) {
			t.Fatalf("a minute early: %+v", got)
		}
		clk.Set(evening)
		if got := sendTwiceAtOnce(t, f.db, other); got.Activities != 1 || got.Registrants != 2 {
			t.Fatalf("at 19:00 the evening before, from two processes at once: %+v, want one activity, two people", got)
		}
		want := map[*guli.User]int{confirmed: 1, waiting: 1, gone: 0}
		for u, n := range want {
			if got := countKinds(t, f.db, u)[guli.NotifyActivityReminder] - before[u]; got != n {
				t.Errorf("%s: %d reminders, want %d", u.Name, got, n)
			}
		}
		page, err := sqlstore.NewNotifications(f.db).Notifications(as(confirmed), guli.ListOptions{Limit: 1})
		if err != nil || page.Items[0].Params.ActivityID != class || !page.Items[0].Params.Start.Equal(start) ||
			page.Items[0].Params.Start.Location().String() != loc.String() {
			t.Fatalf("the reminder names the class and its start at the station: %+v %v", page.Items[0], err)
		}

		// Later runs send nothing again, nor for an activity put on the
		// timetable after its evening before.
		clk.Set(evening.Add(30 * time.Minute))
		late := create("晚加的课", 0)
		if _, err := acts.Register(as(confirmed), late, 0); err != nil {
			t.Fatal(err)
		}
		for _, at := range []time.Time{evening.Add(time.Hour), start.Add(-time.Minute)} {
			clk.Set(at)
			if got := sendTwiceAtOnce(t, f.db, other); got != (guli.Reminded{}) {
				t.Fatalf("at %v: %+v", at, got)
			}
		}
	})
}

// Staff of a station are told once when an open request is needed within
// a day and nobody has taken it; not of one taken, nor of one needed
// later, nor staff of another station.
func TestStaffHearOfHelpNeededSoon(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		clk := newClock()
		f := newFixtureWith(t, e, sqlstore.Options{Now: clk.Now})
		other := dbtest.OpenWith(t, f.dsn, sqlstore.Options{Now: clk.Now})
		ctx := context.Background()
		worksAt := func(u *guli.User, station guli.ID) {
			t.Helper()
			if err := sqlstore.Exec(ctx, f.db, "DELETE FROM staff_stations WHERE user_id = ?", u.ID); err != nil {
				t.Fatal(err)
			}
			if err := sqlstore.Exec(ctx, f.db, "INSERT INTO staff_stations (user_id, station_id) VALUES (?, ?)", u.ID, station); err != nil {
				t.Fatal(err)
			}
		}
		workers := []*guli.User{f.staff(t, "社工甲", "13700009100"), f.staff(t, "社工乙", "13700009101")}
		for _, w := range workers {
			worksAt(w, f.station.ID)
		}
		stranger := f.user(t, "别处社工", "13700009102", guli.RoleStaff)
		elsewhere, err := f.stations.CreateStation(system(), guli.StationInput{Name: "别处小站", Address: "别处", OpenedOn: "2024-01-01"})
		if err != nil {
			t.Fatal(err)
		}
		worksAt(stranger, elsewhere.ID)
		asker := f.register(t, "求助的人", "13700009103")
		volunteer := f.user(t, "志愿者", "13700009104", guli.RoleResident, guli.RoleVolunteer)
		help := sqlstore.NewHelp(f.db)
		now := clk.Now()
		ask := func(title string, neededBy time.Time) *guli.HelpRequest {
			t.Helper()
			h, err := help.AskForHelp(as(asker), guli.HelpRequestInput{Title: title, Category: "errand", NeededBy: neededBy})
			if err != nil {
				t.Fatal(err)
			}
			return h
		}
		soon := ask("帮忙取药", now.Add(48*time.Hour))
		taken := ask("帮忙买菜", now.Add(48*time.Hour))
		ask("帮忙修灯", now.Add(96*time.Hour))
		ask("随时都行", time.Time{})
		if _, err := help.Claim(as(volunteer), taken.ID); err != nil {
			t.Fatal(err)
		}

		if got := sendTwiceAtOnce(t, f.db, other); got != (guli.Reminded{}) {
			t.Fatalf("two days ahead: %+v", got)
		}
		clk.Set(now.Add(24*time.Hour + time.Minute))
		if got := sendTwiceAtOnce(t, f.db, other); got.HelpRequests != 1 || got.StaffNotified != 2 {
			t.Fatalf("within a day, from two processes at once: %+v, want one request told to two staff", got)
		}
		for _, w := range workers {
			page, err := sqlstore.NewNotifications(f.db).Notifications(as(w), guli.ListOptions{})
			if err != nil || len(page.Items) != 1 || page.Items[0].Kind != guli.NotifyHelpNearing ||
				page.Items[0].Params.HelpID != soon.ID || page.Items[0].Params.Person != asker.Name {
				t.Fatalf("%s: %+v %v", w.Name, page.Items, err)
			}
		}
		if n := countKinds(t, f.db, stranger)[guli.NotifyHelpNearing]; n != 0 {
			t.Errorf("staff of another station were told %d times", n)
		}
		clk.Set(now.Add(47 * time.Hour))
		if got := sendTwiceAtOnce(t, f.db, other); got != (guli.Reminded{}) {
			t.Fatalf("told again: %+v", got)
		}
	})
}
