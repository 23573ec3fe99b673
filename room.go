package guli

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// Booking holds a room for a time.
type Booking struct {
	ID         ID        `json:"id"`
	RoomID     ID        `json:"room_id"`
	UserID     ID        `json:"user_id"`
	Start      time.Time `json:"start"`
	End        time.Time `json:"end"`
	Purpose    string    `json:"purpose"`
	CreatedAt  time.Time `json:"created_at"`
	StationID  ID        `json:"-"`
	BookerName string    `json:"-"` // shown to staff on pages only
}

// BookingInput books a room.
type BookingInput struct {
	Start   string `json:"start"`
	End     string `json:"end"`
	Purpose string `json:"purpose"`
}

// Validate checks the input and returns the parsed times.
func (in *BookingInput) Validate() (start, end time.Time, err error) {
	p := Problems{}
	in.Purpose = strings.TrimSpace(in.Purpose)
	var ok bool
	if start, ok = ParseTime(in.Start); !ok {
		p.Add("start", fieldTime(in.Start))
	}
	if end, ok = ParseTime(in.End); !ok {
		p.Add("end", fieldTime(in.End))
	}
	if !start.IsZero() && !end.IsZero() && !end.After(start) {
		p.Add("end", FREndBeforeStart)
	}
	switch {
	case in.Purpose == "":
		p.Add("purpose", FRRequired)
	case utf8.RuneCountInString(in.Purpose) > 200:
		p.Add("purpose", FRTooLong)
	}
	return start, end, p.Err()
}

// Closure is a day a station is closed although its hours say open:
// holidays, repairs, bad weather.
type Closure struct {
	StationID ID     `json:"station_id"`
	Date      Date   `json:"date"`
	Reason    string `json:"reason"`
}

// ClosureInput closes a station for a day.
type ClosureInput struct {
	Date   string `json:"date"`
	Reason string `json:"reason"`
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
