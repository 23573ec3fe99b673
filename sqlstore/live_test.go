package sqlstore_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"guli"
	"guli/internal/dbtest"
	"guli/sqlstore"
)

// woken waits up to five seconds for a wake-up on c.
func woken(t *testing.T, what string, c <-chan struct{}) {
	t.Helper()
	select {
	case <-c:
	case <-time.After(5 * time.Second):
		t.Fatalf("%s: no wake-up within 5 s", what)
	}
}

// quiet reports whether c holds no wake-up now.
func quiet(c <-chan struct{}) bool {
	select {
	case <-c:
		return false
	default:
		return true
	}
}

func drain(cs ...<-chan struct{}) {
	for _, c := range cs {
		quiet(c)
	}
}

// A notification wakes the open pages of whom it tells, in the process
// that wrote it and, on PostgreSQL, in another process on the same
// database; a station-wide notice wakes everyone whose home station it
// is, as one message; nobody else is woken.
func TestNotificationsWakeOpenPages(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFixture(t, e)
		worker := f.staff(t, "社工", "13700008000")
		told, bystander := f.register(t, "被报名的居民", "13700008001"), f.register(t, "旁人", "13700008002")
		outsider := f.user(t, "没有小区的人", "13700008003") // no home station
		start := time.Now().Add(72 * time.Hour).Truncate(time.Hour)
		acts := sqlstore.NewActivities(f.db)
		made, err := acts.CreateActivities(as(worker), guli.ActivityInput{StationID: f.station.ID, Title: "八段锦", Category: "class",
			Start: start, End: start.Add(time.Hour)})
		if err != nil {
			t.Fatal(err)
		}

		// Pages open in this process, and on PostgreSQL in another.
		processes := map[string]*sqlstore.DB{"this process": f.db}
		if e.Name == "postgres" {
			processes["another process"] = dbtest.OpenDSN(t, f.dsn)
		}
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		listen := func(db *sqlstore.DB, u *guli.User) <-chan struct{} {
			t.Helper()
			c, err := sqlstore.NewLive(db).Listen(guli.NewContextWithUser(ctx, u))
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		for name, db := range processes {
			tc, bc, oc := listen(db, told), listen(db, bystander), listen(db, outsider)
			if name == "another process" {
				// Its listener tells every page to look again when it
				// (re)connects: wait for that before counting wake-ups.
				if err := sqlstore.TellStation(context.Background(), f.db, f.station.ID); err != nil {
					t.Fatal(err)
				}
				woken(t, "a first notice to the station", bc)
				drain(tc, bc, oc)
			}

			reg, err := acts.Register(as(worker), made[0].ID, told.ID)
			if err != nil {
				t.Fatal(err)
			}
			woken(t, name+": registered by staff", tc)
			if !quiet(bc) || !quiet(oc) {
				t.Errorf("%s: a notice to one woke others", name)
			}
			if err := acts.CancelRegistration(as(worker), made[0].ID, reg.UserID); err != nil {
				t.Fatal(err)
			}

			if err := sqlstore.TellStation(context.Background(), f.db, f.station.ID); err != nil {
				t.Fatal(err)
			}
			woken(t, name+": the station's notice, to one resident", tc)
			woken(t, name+": the station's notice, to another", bc)
			if !quiet(oc) {
				t.Errorf("%s: the station's notice woke someone of no station", name)
			}

			// Reading in one process lowers the count on the pages of the
			// other.
			page, err := sqlstore.NewNotifications(f.db).Notifications(as(told), guli.ListOptions{})
			if err != nil || len(page.Items) == 0 {
				t.Fatal(page, err)
			}
			drain(tc, bc)
			if err := sqlstore.NewNotifications(f.db).MarkRead(as(told), []guli.ID{page.Items[0].ID}); err != nil {
				t.Fatal(err)
			}
			woken(t, name+": a notice read", tc)
			drain(tc, bc, oc)
		}
	})
}

// The count a woken page reads in another process is already the new one:
// the version that keeps counts moved before the page was woken.
func TestAWokenPageReadsTheNewCount(t *testing.T) {
	for _, e := range dbtest.Engines(t) {
		if e.Name != "postgres" {
			continue // one process on SQLite
		}
		f := newFixture(t, e)
		other := dbtest.OpenDSN(t, f.dsn)
		resident := f.register(t, "数消息的居民", "13700008010")
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		notes := sqlstore.NewNotifications(other)
		c, err := sqlstore.NewLive(other).Listen(guli.NewContextWithUser(ctx, resident))
		if err != nil {
			t.Fatal(err)
		}
		for i := 1; i <= 20; i++ {
			if _, err := notes.UnreadCount(as(resident)); err != nil { // kept under the present version
				t.Fatal(err)
			}
			drain(c)
			if err := sqlstore.TellStation(context.Background(), f.db, f.station.ID); err != nil {
				t.Fatal(err)
			}
			woken(t, "a notice", c)
			if n, err := notes.UnreadCount(as(resident)); err != nil || n != i {
				t.Fatalf("woken for notice %d, the page reads %d (%v)", i, n, err)
			}
		}
	}
}

// A person may hold a few open pages, and a process a bounded number;
// a page closed frees its place.
func TestListenersAreBounded(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFixtureWith(t, e, sqlstore.Options{MaxListeners: 7})
		a, b := f.register(t, "甲", "13700008020"), f.register(t, "乙", "13700008021")
		live := sqlstore.NewLive(f.db)
		var cancels []context.CancelFunc
		open := func(u *guli.User) error {
			ctx, cancel := context.WithCancel(context.Background())
			cancels = append(cancels, cancel)
			_, err := live.Listen(guli.NewContextWithUser(ctx, u))
			return err
		}
		defer func() {
			for _, c := range cancels {
				c()
			}
		}()
		for i := range 5 {
			if err := open(a); err != nil {
				t.Fatalf("page %d: %v", i+1, err)
			}
		}
		if err := open(a); code(err) != guli.ECRateLimited {
			t.Fatalf("a sixth page of one person: %v", err)
		}
		for i := range 2 {
			if err := open(b); err != nil {
				t.Fatalf("another person's page %d: %v", i+1, err)
			}
		}
		if err := open(b); code(err) != guli.ECRateLimited {
			t.Fatalf("past the process's bound: %v", err)
		}
		cancels[0]() // a's first page closes
		for deadline := time.Now().Add(5 * time.Second); sqlstore.Listeners(f.db) != 6; time.Sleep(10 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("%d listeners after one closed", sqlstore.Listeners(f.db))
			}
		}
		if err := open(b); err != nil {
			t.Fatalf("after a page closed: %v", err)
		}
		if _, err := live.Listen(context.Background()); code(err) != guli.ECUnauthenticated {
			t.Fatalf("signed out: %v", err)
		}
	})
}

// Whom a commit told goes in its NOTIFY, within PostgreSQL's bound: too
// many to name become "everyone look again".
func TestToldMarksFitANotify(t *testing.T) {
	many := make([]guli.ID, 2000)
	for i := range many {
		many[i] = guli.ID(1000000 + i)
	}
	tests := []struct {
		name            string
		users, stations []guli.ID
		want            string
		all             bool
	}{
		{"nobody", nil, nil, "", false},
		{"two people", []guli.ID{9, 3}, nil, "u=3,9", false},
		{"a station", nil, []guli.ID{4}, "s=4", false},
		{"both", []guli.ID{3}, []guli.ID{4, 5}, "u=3 s=4,5", false},
		{"too many to name", many, []guli.ID{4}, "all", true},
	}
	for _, tt := range tests {
		got := sqlstore.EncodeTold(tt.users, tt.stations, 7000)
		if got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
		users, stations, all := sqlstore.DecodeTold(got)
		if all != tt.all {
			t.Errorf("%s: everyone %v, want %v", tt.name, all, tt.all)
		}
		if !all && (!sameIDs(users, tt.users) || !sameIDs(stations, tt.stations)) {
			t.Errorf("%s: read back %v %v", tt.name, users, stations)
		}
	}
	for _, junk := range []string{"x=1", "u=", "u=a,2", "u=-1", "s=1,,2"} {
		if _, _, all := sqlstore.DecodeTold(junk); !all {
			t.Errorf("%q: what cannot be read must wake everyone", junk)
		}
	}
	if users, _, all := sqlstore.DecodeTold(sqlstore.EncodeTold(many, nil, 1<<20)); all || len(users) != len(many) {
		t.Errorf("within a larger bound all %d are named: %d, everyone %v", len(many), len(users), all)
	}
}

func sameIDs(a, b []guli.ID) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return fmt.Sprint(a) == fmt.Sprint(b)
}
