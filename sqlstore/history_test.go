package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"guli"
	"guli/internal/dbtest"
	"guli/sqlstore"
)

// A database is empty until it has a station, an account or a district
// begun, and only an empty one is claimed for a district.
func TestEmpty(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		ctx := context.Background()
		for _, c := range []struct {
			name  string
			fill  func(t *testing.T, db *sqlstore.DB)
			empty bool
		}{
			{"migrated only", func(t *testing.T, db *sqlstore.DB) {}, true},
			{"a station", func(t *testing.T, db *sqlstore.DB) {
				if _, err := sqlstore.NewStations(db).CreateStation(system(), guli.StationInput{Name: "顾里小站"}); err != nil {
					t.Fatal(err)
				}
			}, false},
			{"an account", func(t *testing.T, db *sqlstore.DB) {
				if _, err := sqlstore.NewAccounts(db, nil).CreateUser(system(), guli.NewUserInput{Name: "钱秀英", Phone: "13900000001"}); err != nil {
					t.Fatal(err)
				}
			}, false},
			{"a district begun", func(t *testing.T, db *sqlstore.DB) {
				if ok, err := db.ClaimEmpty(context.Background()); !ok || err != nil {
					t.Fatalf("ClaimEmpty: %v, %v", ok, err)
				}
				if ok, err := db.ClaimEmpty(context.Background()); ok || err != nil {
					t.Fatalf("ClaimEmpty again: %v, %v; want false", ok, err)
				}
			}, false},
		} {
			t.Run(c.name, func(t *testing.T) {
				db := e.Open(t)
				c.fill(t, db)
				if empty, err := db.Empty(ctx); err != nil || empty != c.empty {
					t.Fatalf("Empty: %v, %v; want %v", empty, err, c.empty)
				}
			})
		}
	})
}

// Visits brought in at once count as the desk's and the door's do, many
// statements' worth of them; a batch with a bad visit, or a second
// check-in of one person on one day, writes nothing.
func TestLoadVisits(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFixture(t, e)
		ctx := context.Background()
		desk := f.staff(t, "顾小里", "13800000001")
		resident := f.register(t, "李建华", "13800000008")
		visits := sqlstore.NewVisits(f.db)
		day := guli.Date("2023-03-01")
		at := day.In(f.station.Location()).Add(16 * time.Hour)
		counted := func(purpose string, n int) guli.Visit {
			return guli.Visit{StationID: f.station.ID, Count: n, Purpose: purpose, Day: day, Source: guli.VisitAtDesk, RecordedBy: desk.ID, CreatedAt: at}
		}
		checkin := guli.Visit{StationID: f.station.ID, UserID: resident.ID, Count: 1, Purpose: "other", Day: day, Source: guli.VisitCheckin, CreatedAt: at}
		tally := func() int {
			t.Helper()
			got, err := visits.Tally(as(desk), f.station.ID, day)
			if err != nil {
				t.Fatal(err)
			}
			return got.Total
		}

		bad := func(v guli.Visit, change func(v *guli.Visit)) guli.Visit { change(&v); return v }
		for _, c := range []struct {
			name  string
			batch []guli.Visit
		}{
			{"no count", []guli.Visit{counted("activity", 3), counted("activity", 0)}},
			{"too many at once", []guli.Visit{counted("activity", 501)}},
			{"no purpose", []guli.Visit{counted("", 3)}},
			{"no day", []guli.Visit{bad(counted("other", 3), func(v *guli.Visit) { v.Day = "2023-02-30" })}},
			{"counted by nobody", []guli.Visit{bad(counted("other", 3), func(v *guli.Visit) { v.RecordedBy = 0 })}},
			{"a check-in of nobody", []guli.Visit{bad(checkin, func(v *guli.Visit) { v.UserID = 0 })}},
			{"a check-in of two", []guli.Visit{bad(checkin, func(v *guli.Visit) { v.Count = 2 })}},
			{"somewhere else", []guli.Visit{bad(checkin, func(v *guli.Visit) { v.Source = "window" })}},
			{"no time", []guli.Visit{bad(checkin, func(v *guli.Visit) { v.CreatedAt = time.Time{} })}},
			{"two check-ins in a day", []guli.Visit{counted("activity", 3), checkin, checkin}},
		} {
			if err := f.db.LoadVisits(ctx, c.batch); err == nil {
				t.Errorf("%s: loaded", c.name)
			} else if c.name != "two check-ins in a day" && guli.ErrorCode(err) != guli.ECValidation {
				t.Errorf("%s: %v, want validation_failed", c.name, err)
			}
			if n := tally(); n != 0 {
				t.Fatalf("%s: the day counts %d visits after a refused batch", c.name, n)
			}
		}

		var batch []guli.Visit
		for range 1200 {
			batch = append(batch, counted("health_check", 2))
		}
		batch = append(batch, checkin)
		if err := f.db.LoadVisits(ctx, batch); err != nil {
			t.Fatal(err)
		}
		if n := tally(); n != 2401 {
			t.Fatalf("the day counts %d visits, want 2,401", n)
		}
		if err := f.db.LoadVisits(ctx, nil); err != nil {
			t.Fatalf("no visits: %v", err)
		}
	})
}

// A bulk load does not wait for the disk at every commit; a server does.
func TestBulkLoadDoesNotWaitForTheDisk(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		dsn := e.MigratedDSN(t)
		for _, c := range []struct {
			bulk             bool
			sqlite, postgres string
		}{{false, "2", "on"}, {true, "1", "off"}} {
			got, err := sqlstore.Durability(context.Background(), dbtest.OpenWith(t, dsn, sqlstore.Options{BulkLoad: c.bulk}))
			want := map[string]string{"sqlite": c.sqlite, "postgres": c.postgres}[e.Name]
			if err != nil || got != want {
				t.Errorf("bulk load %v: %q, %v; want %q", c.bulk, got, err, want)
			}
		}
	})
}
