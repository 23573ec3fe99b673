package guli_test

import (
	"strings"
	"testing"
	"time"

	"guli"
)

func TestCouncilRules(t *testing.T) {
	c := &guli.Council{ID: 3, StationID: 1, Kind: guli.CouncilResidents}
	parents := &guli.Council{ID: 4, StationID: 1, Kind: guli.CouncilParents}
	resident := &guli.User{ID: 8, Roles: []guli.Role{guli.RoleResident}, Stations: []guli.ID{1}}
	visitor := &guli.User{ID: 9, Roles: []guli.Role{guli.RoleResident}, Stations: []guli.ID{2}}
	staff := &guli.User{ID: 1, Roles: []guli.Role{guli.RoleStaff}, StaffStations: []guli.ID{1}}
	elsewhere := &guli.User{ID: 2, Roles: []guli.Role{guli.RoleStaff}, StaffStations: []guli.ID{2}}
	admin := &guli.User{ID: 4, Roles: []guli.Role{guli.RoleAdmin}}
	now := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	child := &guli.User{ID: 10, Roles: []guli.Role{guli.RoleResident}, Stations: []guli.ID{1}, BirthYear: 2017}
	teen := &guli.User{ID: 11, Roles: []guli.Role{guli.RoleResident}, Stations: []guli.ID{1}, BirthYear: 2012}
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"staff of the station run it", c.CheckRun(staff), ""},
		{"an admin runs it", c.CheckRun(admin), ""},
		{"staff of another station", c.CheckRun(elsewhere), guli.ECNotFound},
		{"a resident", c.CheckRun(resident), guli.ECForbidden},
		{"nobody signed in", c.CheckRun(nil), guli.ECUnauthenticated},
		{"a resident of the station joins", c.CheckMember(resident, now), ""},
		{"someone of another station", c.CheckMember(visitor, now), guli.ECValidation},
		{"nobody", c.CheckMember(nil, now), guli.ECValidation},
		{"a parent elsewhere whose child's home is here, parents' council", parents.CheckMember(visitor, now, 1), ""},
		{"a parent elsewhere whose child's home is elsewhere", parents.CheckMember(visitor, now, 2), guli.ECValidation},
		{"a parent elsewhere whose child's home is here, residents' council", c.CheckMember(visitor, now, 1), guli.ECValidation},
		{"a resident of the station, parents' council", parents.CheckMember(resident, now), ""},
		{"nobody, with a child", parents.CheckMember(nil, now, 1), guli.ECValidation},
		{"a child of the station, parents' council", parents.CheckMember(child, now), guli.ECValidation},
		{"a child of the station, residents' council", c.CheckMember(child, now), guli.ECValidation},
		{"fourteen this year", c.CheckMember(teen, now), ""},
		{"a council", (&guli.CouncilInput{StationID: 1, Name: "居民议事会", Kind: guli.CouncilResidents}).Validate(), ""},
		{"no name", (&guli.CouncilInput{StationID: 1, Name: " ", Kind: guli.CouncilParents}).Validate(), guli.ECValidation},
		{"a long name", (&guli.CouncilInput{StationID: 1, Name: strings.Repeat("议", 51), Kind: guli.CouncilParents}).Validate(), guli.ECValidation},
		{"a kind nobody has", (&guli.CouncilInput{StationID: 1, Name: "议事会", Kind: "senate"}).Validate(), guli.ECValidation},
		{"no station", (&guli.CouncilInput{Name: "议事会", Kind: guli.CouncilParents}).Validate(), guli.ECValidation},
	}
	for _, tt := range tests {
		if got := codeOf(tt.err); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}
