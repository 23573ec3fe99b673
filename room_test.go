package guli_test

import (
	"testing"
	"time"

	"guli"
)

func TestBookingRules(t *testing.T) {
	rules := guli.DefaultBookingRules
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	resident := &guli.User{ID: 8, Roles: []guli.Role{guli.RoleResident}}
	staff := &guli.User{ID: 1, Roles: []guli.Role{guli.RoleStaff}, StaffStations: []guli.ID{1}}
	otherStaff := &guli.User{ID: 2, Roles: []guli.Role{guli.RoleStaff}, StaffStations: []guli.ID{2}}
	at := func(days int, clock string) time.Time {
		d, _ := time.Parse("15:04", clock)
		return now.AddDate(0, 0, days).Truncate(24 * time.Hour).Add(time.Duration(d.Hour())*time.Hour + time.Duration(d.Minute())*time.Minute)
	}
	tests := []struct {
		name       string
		booker     *guli.User
		start, end time.Time
		future     int
		want       string
	}{
		{"an hour next week", resident, at(7, "14:00"), at(7, "15:00"), 0, ""},
		{"four hours", resident, at(7, "09:00"), at(7, "13:00"), 0, ""},
		{"four hours and a minute", resident, at(7, "09:00"), at(7, "13:01"), 0, guli.ECBookingTooLong},
		{"sixty days ahead", resident, now.Add(60 * 24 * time.Hour), now.Add(60*24*time.Hour + time.Hour), 0, ""},
		{"a day more", resident, at(61, "09:00"), at(61, "10:00"), 0, guli.ECBookingTooFar},
		{"the year 2099", resident, time.Date(2099, 1, 7, 9, 0, 0, 0, time.UTC), time.Date(2099, 1, 7, 10, 0, 0, 0, time.UTC), 0, guli.ECBookingTooFar},
		{"a fourth booking", resident, at(7, "14:00"), at(7, "15:00"), 3, ""},
		{"a fifth booking", resident, at(7, "14:00"), at(7, "15:00"), 4, guli.ECBookingLimit},
		{"staff book a day for a class far ahead", staff, at(200, "09:00"), at(200, "17:00"), 40, ""},
		{"staff of another station keep the rules", otherStaff, at(200, "09:00"), at(200, "17:00"), 0, guli.ECBookingTooFar},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := rules.Check(tt.booker, 1, tt.start, tt.end, now, tt.future)
			if got := codeOf(err); got != tt.want {
				t.Fatalf("Check = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestBookingRulesValidate(t *testing.T) {
	if err := guli.DefaultBookingRules.Validate(); err != nil {
		t.Fatalf("the defaults: %v", err)
	}
	for _, r := range []guli.BookingRules{{0, 240, 4}, {367, 240, 4}, {60, 14, 4}, {60, 1441, 4}, {60, 240, 0}, {60, 240, 101}} {
		if guli.ErrorCode(r.Validate()) != guli.ECValidation {
			t.Errorf("%+v passed", r)
		}
	}
}

func TestWhoSeesAndCancelsABooking(t *testing.T) {
	booker := &guli.User{ID: 8, Roles: []guli.Role{guli.RoleResident}}
	neighbour := &guli.User{ID: 9, Roles: []guli.Role{guli.RoleResident, guli.RoleVolunteer}}
	staff := &guli.User{ID: 1, Roles: []guli.Role{guli.RoleStaff}, StaffStations: []guli.ID{1}}
	elsewhere := &guli.User{ID: 2, Roles: []guli.Role{guli.RoleStaff}, StaffStations: []guli.ID{2}}
	admin := &guli.User{ID: 3, Roles: []guli.Role{guli.RoleAdmin}}
	b := &guli.Booking{ID: 3, UserID: booker.ID, Purpose: "家庭聚会", StationID: 1}
	for _, tt := range []struct {
		who  string
		u    *guli.User
		want bool
	}{{"anonymous", nil, false}, {"a neighbour", neighbour, false}, {"the booker", booker, true}, {"staff", staff, true},
		{"staff of another station", elsewhere, false}, {"an admin", admin, true}} {
		if got := guli.SeesBookingPurpose(tt.u, b); got != tt.want {
			t.Errorf("%s sees the purpose: %v", tt.who, got)
		}
		if got := guli.MayCancelBooking(tt.u, b); got != tt.want {
			t.Errorf("%s may cancel: %v", tt.who, got)
		}
	}
}

// codeOf is an error's code, "" for none.
func codeOf(err error) string {
	if err == nil {
		return ""
	}
	return guli.ErrorCode(err)
}
