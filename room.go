package guli

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Booking holds a room for a time.
type Booking struct {
	ID         ID
	RoomID     ID
	UserID     ID
	Start      time.Time
	End        time.Time
	Purpose    string
	CreatedAt  time.Time
	StationID  ID
	BookerName string // shown to staff on pages only
}

// BookingInput books a room.
type BookingInput struct {
	Start, End time.Time
	Purpose    string
}

// Validate checks the input.
func (in *BookingInput) Validate() error {
	p := Problems{}
	in.Purpose = strings.TrimSpace(in.Purpose)
	checkTimes(p, in.Start, in.End)
	switch {
	case in.Purpose == "":
		p.Add("purpose", FRRequired)
	case utf8.RuneCountInString(in.Purpose) > 200:
		p.Add("purpose", FRTooLong)
	}
	return p.Err()
}

// Error codes of the booking rules.
const (
	ECBookingTooFar  = "booking_too_far"
	ECBookingTooLong = "booking_too_long"
	ECBookingLimit   = "booking_limit"
)

// BookingRules keep rooms fair: how far ahead a resident may book, for how
// long, and how many future bookings one person may hold at a station.
// Staff are exempt: they book for classes and for residents.
type BookingRules struct {
	MaxDaysAhead      int
	MaxMinutes        int
	MaxFutureBookings int
}

// DefaultBookingRules hold for a station until its staff change them.
var DefaultBookingRules = BookingRules{MaxDaysAhead: 60, MaxMinutes: 4 * 60, MaxFutureBookings: 4}

// Validate checks the rules are within reason.
func (r BookingRules) Validate() error {
	p := Problems{}
	if r.MaxDaysAhead < 1 || r.MaxDaysAhead > 366 {
		p.Add("max_days_ahead", FROutOfRange)
	}
	if r.MaxMinutes < 15 || r.MaxMinutes > 24*60 {
		p.Add("max_minutes", FROutOfRange)
	}
	if r.MaxFutureBookings < 1 || r.MaxFutureBookings > 100 {
		p.Add("max_future_bookings", FROutOfRange)
	}
	return p.Err()
}

// Check applies the rules of a station to booker's booking of [start, end),
// who already holds future bookings there. The station's staff are exempt.
func (r BookingRules) Check(booker *User, station ID, start, end, now time.Time, future int) error {
	switch {
	case booker.WorksAt(station):
		return nil
	case start.Sub(now) > time.Duration(r.MaxDaysAhead)*24*time.Hour:
		return &Error{Code: ECBookingTooFar, Args: []any{strconv.Itoa(r.MaxDaysAhead)}}
	case end.Sub(start) > time.Duration(r.MaxMinutes)*time.Minute:
		return &Error{Code: ECBookingTooLong, Args: []any{strconv.FormatFloat(float64(r.MaxMinutes)/60, 'f', -1, 64)}}
	case future >= r.MaxFutureBookings:
		return &Error{Code: ECBookingLimit, Args: []any{strconv.Itoa(r.MaxFutureBookings)}}
	}
	return nil
}

// MayCancelBooking reports whether actor may cancel booking b: whoever
// booked it, and staff of its station.
func MayCancelBooking(actor *User, b *Booking) bool {
	return actor != nil && (actor.ID == b.UserID || actor.WorksAt(b.StationID))
}

// SeesBookingPurpose reports whether viewer may read who booked b and why:
// the booker and staff of its station. Everyone else sees that the room is
// booked.
func SeesBookingPurpose(viewer *User, b *Booking) bool {
	return viewer != nil && (viewer.ID == b.UserID || viewer.WorksAt(b.StationID))
}

// Closure is a day a station is closed although its hours say open:
// holidays, repairs, bad weather.
type Closure struct {
	StationID ID
	Date      Date
	Reason    string
}

// ClosureInput closes a station for a day.
type ClosureInput struct {
	Date   Date // "" when none was given
	Reason string
}

// Validate checks the input.
func (in *ClosureInput) Validate() error {
	p := Problems{}
	if _, ok := ParseDate(string(in.Date)); !ok {
		p.Add("date", FRDate)
	}
	in.Reason = strings.TrimSpace(in.Reason)
	if utf8.RuneCountInString(in.Reason) > 200 {
		p.Add("reason", FRTooLong)
	}
	return p.Err()
}

// RoomService books rooms. A room is never held twice for overlapping times,
// by bookings and activities together, and only while the station is open.
type RoomService interface {
	Book(ctx context.Context, roomID ID, in BookingInput) (*Booking, error)
	Bookings(ctx context.Context, roomID ID, from, to time.Time) ([]*Booking, error)
	CancelBooking(ctx context.Context, id ID) error
	AddClosure(ctx context.Context, stationID ID, in ClosureInput) (*Closure, error)
	Closures(ctx context.Context, stationID ID, from Date) ([]*Closure, error)
	RemoveClosure(ctx context.Context, stationID ID, date Date) error
}
