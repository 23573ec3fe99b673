package guli

import (
	"fmt"
	"strconv"
	"time"
)

// Week is an ISO 8601 week, written "2026-W48": weeks begin on Monday, and
// week 1 of a year is the one holding its first Thursday (so 4 January),
// which puts a few days at either end of a year in the neighbouring year's
// weeks. The week poster on a station's door is of one such week.
type Week struct {
	Year, Week int
}

// FRWeek refuses a week that is not "YYYY-Www" or does not exist: week 53
// of a year of 52, week 0 or 99.
const FRWeek = "invalid_week"

// ParseWeek reads "YYYY-Www": four digits, "-W", two digits, naming a week
// of a plausible year (PlausibleTime) that has it.
func ParseWeek(s string) (Week, bool) {
	if len(s) != 8 || s[4] != '-' || s[5] != 'W' {
		return Week{}, false
	}
	for i, c := range []byte(s) {
		if i != 4 && i != 5 && (c < '0' || c > '9') {
			return Week{}, false
		}
	}
	y, _ := strconv.Atoi(s[:4])
	w, _ := strconv.Atoi(s[6:])
	if y < 1970 || y > 2999 || w < 1 || w > WeeksIn(y) {
		return Week{}, false
	}
	return Week{y, w}, true
}

// WeeksIn is how many ISO weeks year has: 53 when 28 December, always in
// the year's last week, falls in week 53, else 52.
func WeeksIn(year int) int {
	_, w := time.Date(year, time.December, 28, 12, 0, 0, 0, time.UTC).ISOWeek()
	return w
}

// WeekOf is the ISO week of t in t's zone.
func WeekOf(t time.Time) Week {
	y, w := t.ISOWeek()
	return Week{y, w}
}

func (w Week) String() string { return fmt.Sprintf("%04d-W%02d", w.Year, w.Week) }

// Monday is the date of the week's first day.
func (w Week) Monday() Date {
	jan4 := time.Date(w.Year, time.January, 4, 12, 0, 0, 0, time.UTC)
	back := (int(jan4.Weekday()) + 6) % 7 // days since Monday
	return DateOf(jan4.AddDate(0, 0, 7*(w.Week-1)-back))
}

// Bounds are the first instant of the week's Monday and of the next
// Monday, in loc: [start, end), seven days whatever the clocks do.
func (w Week) Bounds(loc *time.Location) (start, end time.Time) {
	m, _ := time.Parse(time.DateOnly, string(w.Monday()))
	start = time.Date(m.Year(), m.Month(), m.Day(), 0, 0, 0, 0, loc)
	return start, start.AddDate(0, 0, 7)
}

// Next is the week after w; Prev the one before.
func (w Week) Next() Week { return w.add(7) }
func (w Week) Prev() Week { return w.add(-7) }

func (w Week) add(days int) Week {
	m, _ := time.Parse(time.DateOnly, string(w.Monday()))
	return WeekOf(m.AddDate(0, 0, days))
}

// ReadWeek reads a week as a client sends it, for the station's zone loc
// at now: empty is this week; anything else must be a week ParseWeek
// takes.
func ReadWeek(s string, loc *time.Location, now time.Time) (Week, error) {
	if s == "" {
		return WeekOf(now.In(loc)), nil
	}
	w, ok := ParseWeek(s)
	if !ok {
		return Week{}, Invalid("week", FRWeek)
	}
	return w, nil
}
