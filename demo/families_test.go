package demo_test

import (
	"context"
	"slices"
	"testing"

	"guli"
	"guli/demo"
	"guli/internal/dbtest"
	"guli/sqlstore"
)

// The demo's families: a mother keeps two children, their consent
// recorded; 李建华's daughter acts for him; 陈美娣's son waits for her
// answer; the guardians sit on the parents' council, and two children,
// signed up by their guardians, are on the children's class (6–12), whose
// staff see them by name. The database stays consistent.
func TestDemoFamilies(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		db := e.Open(t)
		svc := sqlstore.NewServices(db)
		ctx := guli.NewContextWithUser(context.Background(), guli.SystemUser)
		res, err := demo.Seed(ctx, svc)
		if err != nil {
			t.Fatal(err)
		}
		accounts := map[string]*guli.User{}
		for _, a := range res.Accounts {
			u, err := svc.Accounts.User(ctx, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			accounts[a.Name] = u
		}
		as := func(name string) context.Context {
			return guli.NewContextWithUser(context.Background(), accounts[name])
		}
		kids, err := svc.Families.Dependents(as("杨洁"))
		if err != nil || len(kids) != 2 {
			t.Fatalf("杨洁's children: %v %v", kids, err)
		}
		for _, l := range kids {
			if !l.Kept || l.Status != guli.LinkActive || l.ConsentAt.IsZero() || l.Relation != guli.RelationChild {
				t.Errorf("杨洁's child %s: %+v", l.Dependent.Name, l)
			}
		}
		for _, tt := range []struct{ parent, guardian, status string }{{"李建华", "李芳", guli.LinkActive}, {"陈美娣", "陈志强", guli.LinkPending}} {
			links, err := svc.Families.Guardians(as(tt.parent))
			if err != nil || len(links) != 1 || links[0].Guardian.Name != tt.guardian || links[0].Status != tt.status || links[0].Kept {
				t.Errorf("who acts for %s: %v %v", tt.parent, links, err)
			}
		}
		staff := as("顾小里")
		councils, err := svc.Councils.Councils(ctx, guli.CouncilFilter{StationID: res.Station.ID})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range councils.Items {
			if c.Kind != guli.CouncilParents {
				continue
			}
			members, err := svc.Councils.Members(staff, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, m := range members {
				names = append(names, m.Name)
			}
			for _, g := range []string{"杨洁", "汪雅琴", "王晓玲"} {
				if !slices.Contains(names, g) {
					t.Errorf("the parents' council lacks %s: %v", g, names)
				}
			}
		}
		classes, err := svc.Activities.Activities(ctx, guli.ActivityFilter{StationID: res.Station.ID, ForChildren: true}, guli.ListOptions{Limit: 1})
		if err != nil || len(classes.Items) != 1 {
			t.Fatalf("children's classes: %v %v", classes.Items, err)
		}
		class := classes.Items[0]
		if class.Title != "少儿书法班" || class.MinAge != 6 || class.MaxAge != 12 {
			t.Errorf("the children's class: %s %d–%d", class.Title, class.MinAge, class.MaxAge)
		}
		roster, err := svc.Activities.Registrations(staff, class.ID)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, r := range roster {
			names = append(names, r.Name)
		}
		if !slices.Contains(names, "张子涵") || !slices.Contains(names, "汪乐乐") {
			t.Errorf("the children's class roster: %v", names)
		}
		if err := db.CheckConsistency(ctx); err != nil {
			t.Fatal(err)
		}
	})
}
