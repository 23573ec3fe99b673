package demo

import (
	"context"
	"fmt"
	"time"

	"guli"
)

// The station's families, after the article's "社区家长": parents and
// grandparents who bring children to the talents' free classes keep them
// as dependents, their consent as guardians recorded; 李建华's daughter
// 李芳, his emergency contact, acts for him from her own phone; 陈美娣's
// son has asked to, and waits for her to say yes at the desk.

// familyPeople are the grown-ups who join for their families. Their
// numbers are the demo's own: tests register others.
var familyPeople = []person{
	{"李芳", "13800000033", 1976, 3, []guli.Role{guli.RoleResident}, nil},  // 李建华's daughter
	{"杨洁", "13800000030", 1987, 0, []guli.Role{guli.RoleResident}, nil},  // a mother of two
	{"陈志强", "13800000031", 1971, 4, []guli.Role{guli.RoleResident}, nil}, // 陈美娣's son
	{"王晓玲", "13800000032", 1962, 1, []guli.Role{guli.RoleResident}, nil}, // the retired teacher, a grandmother
}

// keptChildren are children without phones their guardians keep, by age
// now: the children's calligraphy class takes 6 to 12.
var keptChildren = []struct {
	guardian, name string
	age            int
	relation       string
	class          bool // signed up by their guardian for the children's class
}{
	{"杨洁", "张子涵", 8, guli.RelationChild, true},
	{"杨洁", "张子豪", 4, guli.RelationChild, false},
	{"汪雅琴", "汪乐乐", 9, guli.RelationOther, true},  // her grandson
	{"王晓玲", "叶思雨", 7, guli.RelationOther, false}, // her granddaughter
}

// grownLinks are sons and daughters who asked to act for a parent with an
// account of their own; accepted, or still waiting.
var grownLinks = []struct {
	guardian, parent string
	accepted         bool
}{
	{"李芳", "李建华", true},
	{"陈志强", "陈美娣", false},
}

// familyCouncil is the council whose members the guardians of children
// become.
const familyCouncil = "家长议事会"

// seedFamilyPeople makes the family accounts, as they would register,
// their children and their links, before the councils take members.
func seedFamilyPeople(ctx context.Context, svc guli.Services, st *guli.Station, users map[string]*guli.User, res *Result, now time.Time) error {
	for _, p := range familyPeople {
		u, err := svc.Accounts.CreateUser(ctx, guli.NewUserInput{Name: p.name, Phone: p.phone, Password: Password,
			AreaID: st.Areas[p.area].ID, BirthYear: p.birthYear, Roles: p.roles})
		if err != nil {
			return fmt.Errorf("demo account %s: %w", p.name, err)
		}
		res.Accounts = append(res.Accounts, Account{ID: u.ID, Roles: p.roles, Name: p.name, Phone: p.phone})
		users[p.name] = u
	}
	as := func(name string) context.Context { return guli.NewContextWithUser(ctx, users[name]) }
	year := now.In(st.Location()).Year()
	for _, c := range keptChildren {
		link, err := svc.Families.AddDependent(as(c.guardian), guli.DependentInput{Name: c.name, BirthYear: year - c.age, Relation: c.relation})
		if err != nil {
			return fmt.Errorf("demo child %s: %w", c.name, err)
		}
		users[c.name] = link.Dependent
	}
	for _, l := range grownLinks {
		link, err := svc.Families.RequestLink(as(l.guardian), users[l.parent].Phone)
		if err != nil {
			return fmt.Errorf("demo link of %s: %w", l.guardian, err)
		}
		if l.accepted {
			if _, err := svc.Families.AcceptLink(as(l.parent), link.ID); err != nil {
				return fmt.Errorf("demo link of %s: %w", l.guardian, err)
			}
		}
	}
	return nil
}

// seedFamilyDoings has the guardians of children join the parents'
// council, and sign their children up for the children's class.
func seedFamilyDoings(ctx context.Context, svc guli.Services, st *guli.Station, users map[string]*guli.User, now time.Time) error {
	staff := guli.NewContextWithUser(ctx, users["顾小里"])
	councils, err := svc.Councils.Councils(ctx, guli.CouncilFilter{StationID: st.ID})
	if err != nil {
		return err
	}
	var parents guli.ID
	for _, c := range councils.Items {
		if c.Name == familyCouncil {
			parents = c.ID
		}
	}
	members, err := svc.Councils.Members(staff, parents)
	if err != nil {
		return err
	}
	joined := map[guli.ID]bool{}
	for _, m := range members {
		joined[m.UserID] = true
	}
	for _, c := range keptChildren {
		if g := users[c.guardian]; !joined[g.ID] {
			if err := svc.Councils.AddMember(staff, parents, g.ID); err != nil {
				return fmt.Errorf("demo member %s: %w", c.guardian, err)
			}
			joined[g.ID] = true
		}
	}
	classes, err := svc.Activities.Activities(ctx, guli.ActivityFilter{StationID: st.ID, From: now, ForChildren: true}, guli.ListOptions{Limit: 1})
	if err != nil {
		return err
	}
	if len(classes.Items) == 0 {
		return fmt.Errorf("demo: no children's class")
	}
	for _, c := range keptChildren {
		if !c.class {
			continue
		}
		if _, err := svc.Activities.Register(guli.NewContextWithUser(ctx, users[c.guardian]), classes.Items[0].ID, users[c.name].ID); err != nil {
			return fmt.Errorf("demo sign-up of %s: %w", c.name, err)
		}
	}
	return nil
}
