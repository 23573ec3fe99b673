package guli

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Span is a stretch of a day in minutes from midnight, written "HH:MM-HH:MM".
type Span struct {
	From, To int // minutes; From < To <= 24*60
}

// ParseSpan parses "09:00-17:00".
func ParseSpan(s string) (Span, bool) {
	from, to, ok := strings.Cut(strings.TrimSpace(s), "-")
	if !ok {
		return Span{}, false
	}
	f, ok1 := parseClock(from)
	t, ok2 := parseClock(to)
	if !ok1 || !ok2 || f >= t {
		return Span{}, false
	}
	return Span{f, t}, true
}

// parseClock reads "HH:MM", two digits each: stored hours are read by
// the hundred thousand (every volunteer's), so by hand.
func parseClock(s string) (int, bool) {
	if len(s) != 5 || s[2] != ':' {
		return 0, false
	}
	for _, i := range []int{0, 1, 3, 4} {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	h, m := int(s[0]-'0')*10+int(s[1]-'0'), int(s[3]-'0')*10+int(s[4]-'0')
	if m > 59 || h > 24 || (h == 24 && m != 0) {
		return 0, false
	}
	return h*60 + m, true
}

func (s Span) String() string {
	return fmt.Sprintf("%02d:%02d-%02d:%02d", s.From/60, s.From%60, s.To/60, s.To%60)
}

// FromClock and ToClock format the ends as "HH:MM".
func (s Span) FromClock() string { return s.String()[:5] }
func (s Span) ToClock() string   { return s.String()[6:] }

// Weekdays are the keys of opening hours, Monday first.
var Weekdays = []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}

// WeekdayKey returns the opening-hours key of a day.
func WeekdayKey(d time.Weekday) string { return Weekdays[(int(d)+6)%7] }

// OpeningHours holds the open spans of each weekday (index 0 is Monday),
// sorted and not overlapping. A day without spans is closed.
type OpeningHours [7][]Span

// ParseOpeningHours reads the API form, a map from "mon".."sun" to lists of
// "HH:MM-HH:MM", reporting problems under field.
func ParseOpeningHours(field string, raw map[string][]string) (OpeningHours, error) {
	var oh OpeningHours
	for key, list := range raw {
		day := slices.Index(Weekdays, strings.ToLower(key))
		if day < 0 {
			return oh, Invalid(field, FRHours)
		}
		for _, s := range list {
			sp, ok := ParseSpan(s)
			if !ok {
				return oh, Invalid(field, FRHours)
			}
			oh[day] = append(oh[day], sp)
		}
		slices.SortFunc(oh[day], func(a, b Span) int { return a.From - b.From })
		for i := 1; i < len(oh[day]); i++ {
			if oh[day][i].From < oh[day][i-1].To {
				return oh, Invalid(field, FRHours)
			}
		}
	}
	return oh, nil
}

// Map returns the API form; closed days are left out.
func (oh OpeningHours) Map() map[string][]string {
	m := map[string][]string{}
	for i, spans := range oh {
		for _, s := range spans {
			m[Weekdays[i]] = append(m[Weekdays[i]], s.String())
		}
	}
	return m
}

// On returns the open spans of the weekday of t (t in the station's zone).
func (oh OpeningHours) On(d time.Weekday) []Span { return oh[(int(d)+6)%7] }

// OpenDays counts the weekdays with any opening.
func (oh OpeningHours) OpenDays() int {
	n := 0
	for _, s := range oh {
		if len(s) > 0 {
			n++
		}
	}
	return n
}

// Covers reports whether [start, end) lies inside one open span of a single
// day; start and end must already be in the station's zone.
func (oh OpeningHours) Covers(start, end time.Time) bool {
	if !end.After(start) {
		return false
	}
	y1, m1, d1 := start.Date()
	y2, m2, d2 := end.Add(-time.Nanosecond).Date()
	if y1 != y2 || m1 != m2 || d1 != d2 {
		return false
	}
	from := start.Hour()*60 + start.Minute()
	to := from + int((end.Sub(start)+time.Minute-1)/time.Minute)
	for _, s := range oh.On(start.Weekday()) {
		if from >= s.From && to <= s.To {
			return true
		}
	}
	return false
}

// Date is a calendar date "YYYY-MM-DD" without a zone.
type Date string

// ParseDate checks s is a real date.
func ParseDate(s string) (Date, bool) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return "", false
	}
	return Date(t.Format(time.DateOnly)), true
}

// DateOf returns the date of t in t's zone. Written by hand: a chart's
// periods write hundreds.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	if y < 0 || y > 9999 {
		return Date(t.Format(time.DateOnly))
	}
	b := [10]byte{byte('0' + y/1000), byte('0' + y/100%10), byte('0' + y/10%10), byte('0' + y%10), '-',
		byte('0' + int(m)/10), byte('0' + int(m)%10), '-', byte('0' + d/10), byte('0' + d%10)}
	return Date(b[:])
}

// Station is one community service station.
type Station struct {
	ID           ID
	Name         string
	Address      string
	Timezone     string
	OpeningHours OpeningHours
	OpenedOn     Date
	BookingRules BookingRules
	Areas        []*Area
	Rooms        []*Room
}

// Location returns the station's time zone.
func (s *Station) Location() *time.Location { return Zone(s.Timezone) }

// zones keeps each zone read: time.LoadLocation reads and parses the zone
// database on every call, and every page and list asks for its station's.
var zones sync.Map // name → *time.Location

// Zone returns the time zone named name. Stored zones were checked when
// their station was saved; should one vanish from the zone database,
// China's offset stands in.
func Zone(name string) *time.Location {
	if loc, ok := zones.Load(name); ok {
		return loc.(*time.Location)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		loc = time.FixedZone(name, 8*3600)
	}
	zones.Store(name, loc)
	return loc
}

// DefaultTimezone is where the first stations are.
const DefaultTimezone = "Asia/Shanghai"

// StationInput creates a station.
type StationInput struct {
	Name         string
	Address      string
	Timezone     string
	OpeningHours map[string][]string
	OpenedOn     string
}

// Validate checks the input and returns the station it describes.
func (in StationInput) Validate(now time.Time) (*Station, error) {
	p := Problems{}
	st := &Station{
		Name:     strings.TrimSpace(in.Name),
		Address:  strings.TrimSpace(in.Address),
		Timezone: strings.TrimSpace(in.Timezone),
	}
	checkName(p, "name", st.Name)
	if utf8.RuneCountInString(st.Address) > 200 {
		p.Add("address", FRTooLong)
	}
	if st.Timezone == "" {
		st.Timezone = DefaultTimezone
	}
	loc, err := time.LoadLocation(st.Timezone)
	if err != nil || st.Timezone == "Local" {
		p.Add("timezone", FRTimezone)
		loc = time.UTC
	}
	oh, err := ParseOpeningHours("opening_hours", in.OpeningHours)
	if err != nil {
		p.Add("opening_hours", FRHours)
	}
	st.OpeningHours = oh
	if in.OpenedOn == "" {
		st.OpenedOn = DateOf(now.In(loc))
	} else if d, ok := ParseDate(in.OpenedOn); ok {
		st.OpenedOn = d
	} else {
		p.Add("opened_on", FRDate)
	}
	return st, p.Err()
}

// Area is a residential area (居民区) a station serves, with its residents'
// committee (居委会).
type Area struct {
	ID        ID
	Name      string
	Committee string
	StationID ID
}

// AreaInput creates an area.
type AreaInput struct {
	Name      string
	Committee string
}

// Validate trims and checks the input.
func (in *AreaInput) Validate() error {
	p := Problems{}
	in.Name = strings.TrimSpace(in.Name)
	in.Committee = strings.TrimSpace(in.Committee)
	checkName(p, "name", in.Name)
	if utf8.RuneCountInString(in.Committee) > MaxNameRunes {
		p.Add("committee", FRTooLong)
	}
	return p.Err()
}

// Room is a room of a station that activities and bookings hold.
type Room struct {
	ID        ID
	StationID ID
	Name      string
	Capacity  int
}

// RoomInput creates a room.
type RoomInput struct {
	Name     string
	Capacity int
}

// Validate trims and checks the input.
func (in *RoomInput) Validate() error {
	p := Problems{}
	in.Name = strings.TrimSpace(in.Name)
	checkName(p, "name", in.Name)
	if in.Capacity < 0 || in.Capacity > 10000 {
		p.Add("capacity", FROutOfRange)
	}
	return p.Err()
}

// StationService keeps stations, their areas, rooms and opening hours.
type StationService interface {
	CreateStation(ctx context.Context, in StationInput) (*Station, error)
	Stations(ctx context.Context, opts ListOptions) (Page[*Station], error)
	// Station returns a station with its areas and rooms.
	Station(ctx context.Context, id ID) (*Station, error)
	// StationOfRoom returns the station that has the room, with its areas
	// and rooms.
	StationOfRoom(ctx context.Context, roomID ID) (*Station, error)
	SetOpeningHours(ctx context.Context, id ID, hours map[string][]string) (*Station, error)
	// SetBookingRules changes a station's booking rules; staff only.
	SetBookingRules(ctx context.Context, id ID, rules BookingRules) (*Station, error)
	CreateArea(ctx context.Context, stationID ID, in AreaInput) (*Area, error)
	Areas(ctx context.Context, opts ListOptions) (Page[*Area], error)
	CreateRoom(ctx context.Context, stationID ID, in RoomInput) (*Room, error)
}
