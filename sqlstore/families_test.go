package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"guli"
	"guli/internal/dbtest"
	"guli/sqlstore"
)

// A kept child's news wakes their guardian's open pages, in this process
// and, on PostgreSQL, in another; a dependent's news once their link has
// ended wakes them no more, and it never wakes a bystander.
func TestADependentsNewsWakesTheirGuardian(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFixture(t, e)
		worker := f.staff(t, "社工", "13700008100")
		guardian, bystander := f.register(t, "家长", "13700008101"), f.register(t, "旁人", "13700008102")
		families := sqlstore.NewFamilies(f.db)
		link, err := families.AddDependent(as(guardian), guli.DependentInput{Name: "小明", BirthYear: time.Now().Year() - 8, Relation: guli.RelationChild})
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now().Add(72 * time.Hour).Truncate(time.Hour)
		acts := sqlstore.NewActivities(f.db)
		made, err := acts.CreateActivities(as(worker), guli.ActivityInput{StationID: f.station.ID, Title: "少儿书法班", Category: "class",
			Start: start, End: start.Add(time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		processes := map[string]*sqlstore.DB{"this process": f.db}
		if e.Name == "postgres" {
			processes["another process"] = dbtest.OpenDSN(t, f.dsn)
		}
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		type pages struct{ guardian, bystander <-chan struct{} }
		open := map[string]pages{}
		for name, db := range processes {
			g, err := sqlstore.NewLive(db).Listen(guli.NewContextWithUser(ctx, guardian))
			if err != nil {
				t.Fatal(err)
			}
			b, err := sqlstore.NewLive(db).Listen(guli.NewContextWithUser(ctx, bystander))
			if err != nil {
				t.Fatal(err)
			}
			open[name] = pages{g, b}
		}
		if e.Name == "postgres" {
			// The other process's listener wakes every page when it
			// connects: wait for that before counting.
			if err := sqlstore.TellStation(context.Background(), f.db, f.station.ID); err != nil {
				t.Fatal(err)
			}
			for _, p := range open {
				woken(t, "a first notice to the station", p.bystander)
			}
		}
		for _, p := range open {
			drain(p.guardian, p.bystander)
		}
		if _, err := acts.Register(as(worker), made[0].ID, link.DependentID); err != nil { // the child is told
			t.Fatal(err)
		}
		for name, p := range open {
			woken(t, name+": the child signed up by staff", p.guardian)
			if !quiet(p.bystander) {
				t.Errorf("%s: the child's news woke a bystander", name)
			}
		}
		if err := acts.CancelRegistration(as(worker), made[0].ID, link.DependentID); err != nil {
			t.Fatal(err)
		}
		// Ended: a grown-up's link (ending the last link to a kept child
		// closes the child, who then has no news at all).
		elder := f.register(t, "老人", "13700008103")
		asked, err := families.RequestLink(as(guardian), "13700008103")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := families.AcceptLink(as(elder), asked.ID); err != nil {
			t.Fatal(err)
		}
		if err := families.EndLink(as(guardian), asked.ID); err != nil {
			t.Fatal(err)
		}
		time.Sleep(100 * time.Millisecond) // what the end and the cancelling woke has come
		for _, p := range open {
			drain(p.guardian, p.bystander)
		}
		if _, err := acts.Register(as(worker), made[0].ID, elder.ID); err != nil {
			t.Fatal(err)
		}
		time.Sleep(200 * time.Millisecond)
		for name, p := range open {
			if !quiet(p.guardian) {
				t.Errorf("%s: the link ended, the child's news still woke their guardian", name)
			}
		}
	})
}
