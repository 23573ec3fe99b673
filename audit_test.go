package guli_test

import (
	"testing"
	"time"

	"guli"
)

func TestAuditRange(t *testing.T) {
	sh := guli.Zone("Asia/Shanghai")
	for _, c := range []struct {
		from, to   string
		start, end string // RFC 3339, "" for open
		bad        bool
	}{
		{"", "", "", "", false},
		{"2023-10-01", "2023-10-31", "2023-10-01T00:00:00+08:00", "2023-11-01T00:00:00+08:00", false},
		{"2023-10-01T08:00:00Z", "", "2023-10-01T16:00:00+08:00", "", false},
		{"2023-02-30", "", "", "", true},
		{"", "%FF", "", "", true},
		{"-1", "", "", "", true},
		{"99999-01-01", "", "", "", true},
	} {
		start, end, err := guli.AuditRange(c.from, c.to, sh)
		if (err != nil) != c.bad {
			t.Errorf("%q..%q: %v", c.from, c.to, err)
			continue
		}
		if c.bad {
			continue
		}
		for _, p := range []struct {
			got  time.Time
			want string
		}{{start, c.start}, {end, c.end}} {
			if (p.want == "") != p.got.IsZero() || (p.want != "" && !p.got.Equal(mustTime(t, p.want))) {
				t.Errorf("%q..%q: %v..%v, want %s..%s", c.from, c.to, start, end, c.start, c.end)
			}
		}
	}
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestAuditFilterValidate(t *testing.T) {
	now := time.Now()
	for _, c := range []struct {
		f  guli.AuditFilter
		ok bool
	}{
		{guli.AuditFilter{}, true},
		{guli.AuditFilter{Person: " 程秀英 ", Action: "health.", ActorID: 3}, true},
		{guli.AuditFilter{Action: "Health.View"}, false},
		{guli.AuditFilter{Action: "health.view; --"}, false},
		{guli.AuditFilter{Person: string(make([]rune, 51))}, false},
		{guli.AuditFilter{ActorID: guli.NoID}, false},
		{guli.AuditFilter{From: now, To: now}, false},
	} {
		if err := c.f.Validate(); (err == nil) != c.ok {
			t.Errorf("%+v: %v", c.f, err)
		}
	}
	// A range that ends before it starts says so, as the figures' does.
	reversed := guli.AuditFilter{From: now, To: now.Add(-time.Hour)}
	if err := reversed.Validate(); guli.AsError(err).Fields["to"] != guli.FRBeforeFrom {
		t.Errorf("to before from: %v", err)
	}
}

func TestMayCloseAccount(t *testing.T) {
	const here, there = 1, 2
	resident := &guli.User{ID: 10, Roles: []guli.Role{guli.RoleResident}, Stations: []guli.ID{here}, HomeStation: here}
	visitor := &guli.User{ID: 11, Roles: []guli.Role{guli.RoleResident}, Stations: []guli.ID{here, there}, HomeStation: there}
	staff := &guli.User{ID: 20, Roles: []guli.Role{guli.RoleStaff}, StaffStations: []guli.ID{here}, Stations: []guli.ID{here}}
	colleague := &guli.User{ID: 21, Roles: []guli.Role{guli.RoleStaff}, StaffStations: []guli.ID{here}, Stations: []guli.ID{here}}
	elsewhere := &guli.User{ID: 22, Roles: []guli.Role{guli.RoleStaff}, StaffStations: []guli.ID{there}}
	admin := &guli.User{ID: 30, Roles: []guli.Role{guli.RoleAdmin}}
	for _, c := range []struct {
		name          string
		actor, person *guli.User
		admins        int
		want          string
	}{
		{"one's own", resident, resident, 1, ""},
		{"a neighbour's", visitor, resident, 1, guli.ECNotFound},
		{"staff, a resident of theirs", staff, resident, 1, ""},
		{"staff, another station's", elsewhere, resident, 1, guli.ECNotFound},
		{"staff, a visitor from another station", staff, visitor, 1, guli.ECForbidden},
		{"staff, a colleague", staff, colleague, 1, guli.ECForbidden},
		{"the admin, staff", admin, colleague, 1, ""},
		{"the last admin, their own", admin, admin, 1, guli.ECLastAdmin},
		{"one of two admins, their own", admin, admin, 2, ""},
		{"nobody", nil, resident, 1, guli.ECUnauthenticated},
	} {
		err := guli.MayCloseAccount(c.actor, c.person, c.admins)
		if got := codeOf(err); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
		// Whether the desk offers it: the same, but the admins are
		// counted only on closing.
		want := c.want
		if want == guli.ECLastAdmin {
			want = ""
		}
		if got := codeOf(guli.MayOfferClosing(c.actor, c.person)); got != want {
			t.Errorf("%s, offered: %q, want %q", c.name, got, want)
		}
	}
}

func TestCheckNotClosed(t *testing.T) {
	for _, c := range []struct {
		person *guli.User
		want   string
	}{
		{&guli.User{ID: 1}, ""},
		{&guli.User{ID: 1, Closed: true}, guli.ECAccountClosed},
		{nil, ""}, // whoever found nobody says so first
	} {
		if got := codeOf(guli.CheckNotClosed(c.person)); got != c.want {
			t.Errorf("CheckNotClosed(%+v) = %q, want %q", c.person, got, c.want)
		}
	}
}
