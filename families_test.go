package guli_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"guli"
)

func TestMayActFor(t *testing.T) {
	const here, there guli.ID = 1, 2
	guardian := &guli.User{ID: 10, Roles: []guli.Role{guli.RoleResident}}
	other := &guli.User{ID: 11, Roles: []guli.Role{guli.RoleResident}}
	staffHere := &guli.User{ID: 12, Roles: []guli.Role{guli.RoleStaff}, StaffStations: []guli.ID{here}}
	staffThere := &guli.User{ID: 13, Roles: []guli.Role{guli.RoleStaff}, StaffStations: []guli.ID{there}}
	admin := &guli.User{ID: 14, Roles: []guli.Role{guli.RoleAdmin}}
	const child guli.ID = 20
	link := func(g, d guli.ID, status string) *guli.FamilyLink {
		return &guli.FamilyLink{GuardianID: g, DependentID: d, Status: status, Relation: guli.RelationChild}
	}
	tests := []struct {
		name     string
		actor    *guli.User
		person   guli.ID
		stations []guli.ID
		links    []*guli.FamilyLink
		want     guli.Acting
		err      string
	}{
		{"nobody signed in", nil, child, []guli.ID{here}, nil, 0, guli.ECUnauthenticated},
		{"oneself", guardian, guardian.ID, nil, nil, guli.ActsAsSelf, ""},
		{"a guardian, active", guardian, child, nil, []*guli.FamilyLink{link(10, child, guli.LinkActive)}, guli.ActsAsGuardian, ""},
		{"a guardian, pending", guardian, child, nil, []*guli.FamilyLink{link(10, child, guli.LinkPending)}, 0, guli.ECNotFound},
		{"a guardian, ended", guardian, child, nil, []*guli.FamilyLink{link(10, child, guli.LinkEnded)}, 0, guli.ECNotFound},
		{"another guardian's link", other, child, nil, []*guli.FamilyLink{link(10, child, guli.LinkActive)}, 0, guli.ECNotFound},
		{"a link to another child", guardian, child, nil, []*guli.FamilyLink{link(10, 21, guli.LinkActive)}, 0, guli.ECNotFound},
		{"the dependent for the guardian", &guli.User{ID: child}, 10, nil, []*guli.FamilyLink{link(10, child, guli.LinkActive)}, 0, guli.ECNotFound},
		{"a stranger", other, child, []guli.ID{here}, nil, 0, guli.ECNotFound},
		{"staff of the station", staffHere, child, []guli.ID{here}, nil, guli.ActsAsStaff, ""},
		{"staff of another station", staffThere, child, []guli.ID{here}, nil, 0, guli.ECNotFound},
		{"staff, no station", staffHere, child, nil, nil, 0, guli.ECNotFound},
		{"the admin", admin, child, nil, nil, guli.ActsAsStaff, ""},
		{"staff who are the guardian act as guardian", &guli.User{ID: 10, Roles: []guli.Role{guli.RoleStaff}, StaffStations: []guli.ID{here}},
			child, []guli.ID{here}, []*guli.FamilyLink{link(10, child, guli.LinkActive)}, guli.ActsAsGuardian, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := guli.MayActFor(tt.actor, tt.person, tt.stations, tt.links)
			if got != tt.want || codeOf(err) != tt.err {
				t.Fatalf("MayActFor = %v %v, want %v %q", got, err, tt.want, tt.err)
			}
		})
	}
}

// TestActable: a guardian acts for the dependents of their active links
// only, in the links' order; not under a waiting or ended link, nor under
// someone else's.
func TestActable(t *testing.T) {
	guardian := &guli.User{ID: 10}
	link := func(g, d guli.ID, status string) *guli.FamilyLink {
		return &guli.FamilyLink{GuardianID: g, DependentID: d, Status: status, Dependent: &guli.User{ID: d, Name: "家人" + d.String()}}
	}
	tests := []struct {
		name  string
		actor *guli.User
		links []*guli.FamilyLink
		want  []guli.ID
	}{
		{"no links", guardian, nil, nil},
		{"active ones, in order", guardian, []*guli.FamilyLink{link(10, 22, guli.LinkActive), link(10, 21, guli.LinkActive)}, []guli.ID{22, 21}},
		{"a waiting and an ended link", guardian, []*guli.FamilyLink{link(10, 21, guli.LinkPending), link(10, 22, guli.LinkEnded), link(10, 23, guli.LinkActive)}, []guli.ID{23}},
		{"someone else's link", guardian, []*guli.FamilyLink{link(11, 21, guli.LinkActive)}, nil},
		{"nobody signed in", nil, []*guli.FamilyLink{link(10, 21, guli.LinkActive)}, nil},
		{"a link without its dependent", guardian, []*guli.FamilyLink{{GuardianID: 10, DependentID: 21, Status: guli.LinkActive}}, nil},
	}
	for _, tt := range tests {
		var got []guli.ID
		for _, p := range guli.Actable(tt.actor, tt.links) {
			got = append(got, p.ID)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestAnsweringAndEndingLinks(t *testing.T) {
	const here guli.ID = 1
	l := &guli.FamilyLink{GuardianID: 10, DependentID: 20, Status: guli.LinkPending}
	parent := &guli.User{ID: 20, HomeStation: here, Stations: []guli.ID{here}}
	tests := []struct {
		name            string
		actor           *guli.User
		answer, endLink bool
	}{
		{"nobody", nil, false, false},
		{"the parent", &guli.User{ID: 20}, true, true},
		{"the one who asked", &guli.User{ID: 10}, false, true},
		{"a stranger", &guli.User{ID: 30}, false, false},
		{"staff of the parent's station", &guli.User{ID: 31, Roles: []guli.Role{guli.RoleStaff}, StaffStations: []guli.ID{here}}, true, true},
		{"staff of another station", &guli.User{ID: 32, Roles: []guli.Role{guli.RoleStaff}, StaffStations: []guli.ID{2}}, false, false},
		// Staff who asked answer not their own ask: that would make them
		// the guardian of anyone at their desk, unasked.
		{"staff of the parent's station who asked", &guli.User{ID: 10, Roles: []guli.Role{guli.RoleStaff}, StaffStations: []guli.ID{here}}, false, true},
		{"the admin who asked", &guli.User{ID: 10, Roles: []guli.Role{guli.RoleAdmin}}, false, true},
	}
	for _, tt := range tests {
		if got := guli.MayAnswerLink(tt.actor, l, parent); got != tt.answer {
			t.Errorf("%s: MayAnswerLink = %v", tt.name, got)
		}
		if got := guli.MayEndLink(tt.actor, l, parent); got != tt.endLink {
			t.Errorf("%s: MayEndLink = %v", tt.name, got)
		}
	}
	// Someone asks to act for a social worker: a colleague at the desk
	// answers not for them (it would hand a stranger a staff member's
	// inbox and minutes), as only an admin resets a staff member's
	// password; the worker answers, or an admin.
	worker := &guli.User{ID: 20, HomeStation: here, Stations: []guli.ID{here}, Roles: []guli.Role{guli.RoleStaff}, StaffStations: []guli.ID{here}}
	for _, tt := range []struct {
		name            string
		actor           *guli.User
		answer, endLink bool
	}{
		{"the worker", worker, true, true},
		{"a colleague of the same station", &guli.User{ID: 31, Roles: []guli.Role{guli.RoleStaff}, StaffStations: []guli.ID{here}}, false, false},
		{"an admin", &guli.User{ID: 33, Roles: []guli.Role{guli.RoleAdmin}}, true, true},
		{"the one who asked", &guli.User{ID: 10}, false, true},
	} {
		if got := guli.MayAnswerLink(tt.actor, l, worker); got != tt.answer {
			t.Errorf("%s: MayAnswerLink = %v", tt.name, got)
		}
		if got := guli.MayEndLink(tt.actor, l, worker); got != tt.endLink {
			t.Errorf("%s: MayEndLink = %v", tt.name, got)
		}
	}
}

func TestDependentInputValidate(t *testing.T) {
	now := time.Date(2023, 10, 15, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		in   guli.DependentInput
		want string
	}{
		{"a child", guli.DependentInput{Name: "小明", BirthYear: 2016, Relation: "child"}, ""},
		{"a parent without a phone", guli.DependentInput{Name: "张阿婆", BirthYear: 1940, Relation: "parent", AreaID: 3}, ""},
		{"nothing", guli.DependentInput{}, "birth_year:required name:required relation:required"},
		{"born next year", guli.DependentInput{Name: "小明", BirthYear: 2024, Relation: "child"}, "birth_year:out_of_range"},
		{"an unknown relation", guli.DependentInput{Name: "小明", BirthYear: 2016, Relation: "pet"}, "relation:invalid"},
		{"a negative area", guli.DependentInput{Name: "小明", BirthYear: 2016, Relation: "child", AreaID: -1}, "area_id:unknown_area"},
	}
	for _, tt := range tests {
		if got := fieldsOf(tt.in.Validate(now)); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestIsChild(t *testing.T) {
	now := time.Date(2023, 10, 15, 9, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		year int
		want bool
	}{{0, false}, {2023, true}, {2010, true}, {2009, false}, {1950, false}} {
		if got := guli.IsChild(&guli.User{BirthYear: tt.year}, now); got != tt.want {
			t.Errorf("born %d: IsChild = %v", tt.year, got)
		}
	}
}

func TestShowChildren(t *testing.T) {
	now := time.Date(2023, 10, 15, 9, 0, 0, 0, time.UTC)
	a := &guli.Activity{StationID: 1}
	roster := []*guli.Registration{{UserID: 1, Name: "李建华", BirthYear: 1950}, {UserID: 2, Name: "小明", BirthYear: 2015}, {UserID: 3, Name: "王芳"}}
	tests := []struct {
		name   string
		reader *guli.User
		want   string
	}{
		{"the station's staff", &guli.User{ID: 9, Roles: []guli.Role{guli.RoleStaff}, StaffStations: []guli.ID{1}}, "李建华 小明 王芳"},
		{"the admin", &guli.User{ID: 9, Roles: []guli.Role{guli.RoleAdmin}}, "李建华 小明 王芳"},
		{"the host", &guli.User{ID: 9, Roles: []guli.Role{guli.RoleTalent}}, "李建华 child 王芳"},
		{"another station's staff", &guli.User{ID: 9, Roles: []guli.Role{guli.RoleStaff}, StaffStations: []guli.ID{2}}, "李建华 child 王芳"},
		{"the child", &guli.User{ID: 2}, "李建华 小明 王芳"},
	}
	for _, tt := range tests {
		var got []string
		for _, r := range guli.ShowChildren(tt.reader, a, roster, now) {
			if r.Child {
				got = append(got, "child"+r.Name)
			} else {
				got = append(got, r.Name)
			}
		}
		if s := strings.Join(got, " "); s != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, s, tt.want)
		}
	}
	if roster[1].Name != "小明" || roster[1].Child {
		t.Errorf("the roster given was changed: %+v", roster[1])
	}
}

func TestCheckFamilyTransfer(t *testing.T) {
	son := &guli.User{ID: 10}
	tests := []struct {
		name      string
		acting    guli.Acting
		recipient guli.ID
		want      string
	}{
		{"to the guardian", guli.ActsAsGuardian, 10, ""},
		{"to another dependent", guli.ActsAsGuardian, 21, ""},
		{"to someone else", guli.ActsAsGuardian, 30, guli.ECValidation},
		{"not as guardian", guli.ActsAsStaff, 10, guli.ECNotFound},
		{"not at all", 0, 10, guli.ECNotFound},
	}
	for _, tt := range tests {
		if got := codeOf(guli.CheckFamilyTransfer(son, tt.acting, tt.recipient, []guli.ID{20, 21})); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestShownToGuardian(t *testing.T) {
	u := &guli.User{ID: 20, Name: "李秀英", Phone: "13910000001", BirthYear: 1948, AreaID: 3}
	for _, tt := range []struct {
		status string
		whole  bool
	}{{guli.LinkPending, false}, {guli.LinkActive, true}} {
		got := (&guli.FamilyLink{Status: tt.status}).ShownToGuardian(u)
		if whole := got == u; whole != tt.whole || got.ID != u.ID || got.Phone != u.Phone {
			t.Errorf("%s: %+v", tt.status, got)
		}
		if !tt.whole && (got.Name != "" || got.BirthYear != 0 || got.AreaID != 0) {
			t.Errorf("%s shows %+v", tt.status, got)
		}
	}
}

func TestLastKeeper(t *testing.T) {
	kept := &guli.FamilyLink{Kept: true, Status: guli.LinkActive}
	grownUp := &guli.FamilyLink{Status: guli.LinkActive}
	for _, tc := range []struct {
		name   string
		link   *guli.FamilyLink
		others bool
		want   bool
	}{
		{"the only guardian of a child they keep", kept, false, true},
		{"another guardian keeps them too", kept, true, false},
		{"a grown-up with an account of their own", grownUp, false, false},
		{"an ask not yet answered", &guli.FamilyLink{Status: guli.LinkPending}, false, false},
	} {
		if got := guli.LastKeeper(tc.link, tc.others); got != tc.want {
			t.Errorf("%s: %t, want %t", tc.name, got, tc.want)
		}
	}
}
