package guli_test

import (
	"slices"
	"testing"
	"time"

	"guli"
)

func TestMayResetPassword(t *testing.T) {
	resident := &guli.User{ID: 8, Roles: []guli.Role{guli.RoleResident}, Stations: []guli.ID{1}, HomeStation: 1}
	talent := &guli.User{ID: 2, Roles: []guli.Role{guli.RoleResident, guli.RoleTalent, guli.RoleVolunteer}, Stations: []guli.ID{1}, HomeStation: 1}
	elsewhere := &guli.User{ID: 6, Roles: []guli.Role{guli.RoleResident}, Stations: []guli.ID{2}, HomeStation: 2}
	visitor := &guli.User{ID: 7, Roles: []guli.Role{guli.RoleResident}, Stations: []guli.ID{1, 2}, HomeStation: 2}
	noArea := &guli.User{ID: 9, Roles: []guli.Role{guli.RoleResident}, Stations: []guli.ID{1}}
	staff := &guli.User{ID: 1, Roles: []guli.Role{guli.RoleStaff}, StaffStations: []guli.ID{1}, Stations: []guli.ID{1}}
	otherStaff := &guli.User{ID: 3, Roles: []guli.Role{guli.RoleStaff}, StaffStations: []guli.ID{1}, Stations: []guli.ID{1}}
	admin := &guli.User{ID: 4, Roles: []guli.Role{guli.RoleAdmin, guli.RoleStaff}}
	otherAdmin := &guli.User{ID: 5, Roles: []guli.Role{guli.RoleAdmin}}
	tests := []struct {
		name          string
		actor, target *guli.User
		want          bool
	}{
		{"staff for a resident", staff, resident, true},
		{"staff for a talent", staff, talent, true},
		{"staff for a resident of another station", staff, elsewhere, false},
		{"staff for a visitor from another station who joined a class here", staff, visitor, false},
		{"staff for someone without an area who joined a class here", staff, noArea, true},
		{"an admin for a resident anywhere", admin, elsewhere, true},
		{"staff for other staff", staff, otherStaff, false},
		{"staff for an admin", staff, admin, false},
		{"staff for themself", staff, staff, false},
		{"an admin for staff", admin, staff, true},
		{"an admin for another admin", admin, otherAdmin, true},
		{"an admin for themself", admin, admin, false},
		{"a resident for a neighbour", resident, talent, false},
		{"nobody", nil, resident, false},
	}
	for _, tt := range tests {
		if got := guli.MayResetPassword(tt.actor, tt.target); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestCheckAdminRemains(t *testing.T) {
	admin := []guli.Role{guli.RoleAdmin, guli.RoleStaff}
	staff := []guli.Role{guli.RoleStaff}
	tests := []struct {
		name          string
		before, after []guli.Role
		admins        int
		want          string
	}{
		{"the last admin steps down", admin, staff, 1, guli.ECLastAdmin},
		{"one of two admins steps down", admin, staff, 2, ""},
		{"the last admin keeps the role", admin, admin, 1, ""},
		{"staff become admin", staff, admin, 1, ""},
		{"a resident's roles change", []guli.Role{guli.RoleResident}, []guli.Role{guli.RoleResident, guli.RoleVolunteer}, 1, ""},
	}
	for _, tt := range tests {
		if got := codeOf(guli.CheckAdminRemains(tt.before, tt.after, tt.admins)); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestWhoWorksWhere(t *testing.T) {
	staff := &guli.User{ID: 1, Roles: []guli.Role{guli.RoleStaff}, StaffStations: []guli.ID{1, 3}}
	admin := &guli.User{ID: 2, Roles: []guli.Role{guli.RoleAdmin}}
	resident := &guli.User{ID: 8, Roles: []guli.Role{guli.RoleResident}, StaffStations: []guli.ID{1}} // stale rows count for nothing
	for _, tt := range []struct {
		name    string
		u       *guli.User
		station guli.ID
		works   bool
		acts    string
	}{
		{"staff at their station", staff, 1, true, ""},
		{"staff at their other station", staff, 3, true, ""},
		{"staff elsewhere", staff, 2, false, guli.ECNotFound},
		{"an admin anywhere", admin, 2, true, ""},
		{"a resident", resident, 1, false, guli.ECForbidden},
		{"nobody", nil, 1, false, guli.ECUnauthenticated},
	} {
		if got := tt.u.WorksAt(tt.station); got != tt.works {
			t.Errorf("%s: WorksAt = %v", tt.name, got)
		}
		if got := codeOf(tt.u.ActsAt(tt.station)); got != tt.acts {
			t.Errorf("%s: ActsAt = %q, want %q", tt.name, got, tt.acts)
		}
	}
}

func TestWhoSeesAPersonsPrivateData(t *testing.T) {
	person := &guli.User{ID: 8, Roles: []guli.Role{guli.RoleResident}, Stations: []guli.ID{1, 4}}
	for _, tt := range []struct {
		name   string
		viewer *guli.User
		want   bool
	}{
		{"the person", &guli.User{ID: 8}, true},
		{"staff of their area's station", &guli.User{ID: 1, Roles: []guli.Role{guli.RoleStaff}, StaffStations: []guli.ID{1}}, true},
		{"staff of a station whose class they joined", &guli.User{ID: 1, Roles: []guli.Role{guli.RoleStaff}, StaffStations: []guli.ID{4}}, true},
		{"staff of another station", &guli.User{ID: 1, Roles: []guli.Role{guli.RoleStaff}, StaffStations: []guli.ID{2}}, false},
		{"an admin", &guli.User{ID: 2, Roles: []guli.Role{guli.RoleAdmin}}, true},
		{"a neighbour", &guli.User{ID: 9, Roles: []guli.Role{guli.RoleResident}}, false},
		{"nobody", nil, false},
	} {
		if got := tt.viewer.SeesPrivateDataOf(person); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestStaffStationsFor(t *testing.T) {
	staff := []guli.Role{guli.RoleStaff}
	for _, tt := range []struct {
		name          string
		roles         []guli.Role
		listed, all   []guli.ID
		want          []guli.ID
		field, reason string
	}{
		{"the only station", staff, nil, []guli.ID{1}, []guli.ID{1}, "", ""},
		{"none listed of several", staff, nil, []guli.ID{1, 2}, nil, "station_ids", guli.FRRequired},
		{"listed, twice", staff, []guli.ID{2, 1, 2}, []guli.ID{1, 2, 3}, []guli.ID{1, 2}, "", ""},
		{"an unknown one", staff, []guli.ID{9}, []guli.ID{1, 2}, nil, "station_ids", guli.FRUnknownStation},
		{"not staff", []guli.Role{guli.RoleResident}, []guli.ID{1}, []guli.ID{1, 2}, []guli.ID{}, "", ""},
		{"an admin, none listed", []guli.Role{guli.RoleStaff, guli.RoleAdmin}, nil, []guli.ID{1, 2}, []guli.ID{}, "", ""},
		{"an admin before there are stations", []guli.Role{guli.RoleStaff, guli.RoleAdmin}, nil, nil, []guli.ID{}, "", ""},
	} {
		got, err := guli.StaffStationsFor(tt.roles, tt.listed, tt.all)
		if e := guli.AsError(err); err != nil && e.Fields[tt.field] != tt.reason || err == nil && tt.field != "" {
			t.Errorf("%s: %v, want %s: %s", tt.name, err, tt.field, tt.reason)
		}
		if err == nil && !slices.Equal(got, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestStationLookingAfter(t *testing.T) {
	staff := &guli.User{ID: 1, Roles: []guli.Role{guli.RoleStaff}, StaffStations: []guli.ID{2, 3}}
	admin := &guli.User{ID: 4, Roles: []guli.Role{guli.RoleAdmin}}
	for _, tt := range []struct {
		name          string
		actor, person *guli.User
		want          guli.ID
	}{
		{"a resident of one's own second station", staff, &guli.User{ID: 8, HomeStation: 3}, 3},
		{"a resident of another station", staff, &guli.User{ID: 8, HomeStation: 5}, 2},
		{"someone with no area", staff, &guli.User{ID: 8}, 2},
		{"the admin, for anyone", admin, &guli.User{ID: 8, HomeStation: 5}, 5},
		{"the admin, for someone with no area", admin, &guli.User{ID: 8}, 0},
	} {
		if got := tt.actor.StationLookingAfter(tt.person); got != tt.want {
			t.Errorf("%s: %d, want %d", tt.name, got, tt.want)
		}
	}
}

// Nobody is named as closed accounts are: not on registering, not when
// staff create an account, not when a person renames themself.
func TestNobodyTakesTheClosedAccountsName(t *testing.T) {
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	for _, name := range []string{guli.ClosedAccountName, " 已注销居民 ", "已注销　居民"} {
		reg := guli.RegisterInput{Name: name, Phone: "13900000001", Password: "a-long-password-1", AreaID: 1}
		reg.Normalize()
		if err := reg.Validate(now); guli.AsError(err).Fields["name"] != guli.FRClosedName {
			t.Errorf("registering as %q: %v", name, err)
		}
		staff := guli.NewUserInput{Name: name, Phone: "13900000001", AreaID: 1}
		if err := staff.Validate(now, false); guli.AsError(err).Fields["name"] != guli.FRClosedName {
			t.Errorf("an account made as %q: %v", name, err)
		}
		renamed := name
		if err := (&guli.UpdateMeInput{Name: &renamed}).Validate(now); guli.AsError(err).Fields["name"] != guli.FRClosedName {
			t.Errorf("renamed %q: %v", name, err)
		}
	}
	if err := (&guli.RegisterInput{Name: "已注销的居民", Phone: "13900000001", Password: "a-long-password-1", AreaID: 1}).Validate(now); err != nil {
		t.Errorf("a name like it: %v", err)
	}
}

func TestNormalizePhone(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"13900000001", "13900000001"},
		{"139-0000-0001", "13900000001"},
		{"139 0000 0001", "13900000001"},
		{"１３９００００００01", "13900000001"},
		{"+86 139 0000 0001", "13900000001"},
		{"+86-13900000001", "13900000001"},
		{"008613900000001", "13900000001"},
		{"+8613900", "+8613900"}, // too short to be a number with its country's code
		{"8613900000001", "8613900000001"},
	} {
		if got := guli.NormalizePhone(tc.in); got != tc.want {
			t.Errorf("NormalizePhone(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
