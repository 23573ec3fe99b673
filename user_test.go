package guli_test

import (
	"testing"

	"guli"
)

func TestMayResetPassword(t *testing.T) {
	resident := &guli.User{ID: 8, Roles: []guli.Role{guli.RoleResident}}
	talent := &guli.User{ID: 2, Roles: []guli.Role{guli.RoleResident, guli.RoleTalent, guli.RoleVolunteer}}
	staff := &guli.User{ID: 1, Roles: []guli.Role{guli.RoleStaff}}
	otherStaff := &guli.User{ID: 3, Roles: []guli.Role{guli.RoleStaff}}
	admin := &guli.User{ID: 4, Roles: []guli.Role{guli.RoleAdmin, guli.RoleStaff}}
	otherAdmin := &guli.User{ID: 5, Roles: []guli.Role{guli.RoleAdmin}}
	tests := []struct {
		name          string
		actor, target *guli.User
		want          bool
	}{
		{"staff for a resident", staff, resident, true},
		{"staff for a talent", staff, talent, true},
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
