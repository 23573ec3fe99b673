package guli

import (
	"context"
	"slices"
	"strings"
	"time"
)

// The figures a station reports (工作数据): to the district every month,
// and to anyone on its impact page, as the article does — "已服务近180天，
// 累计服务居民近9000人次，236位居民发起求助，累计完成948次社区服务".
// They are counts only: no figure names or points to a person.
//
// Every figure is over a range of days, both ends included, read in the
// station's time zone:
//
//   - Visits: the sum of the counts of the visits whose day is in the range
//     (walk-ins counted at the desk and door check-ins).
//   - DaysOpen: the dates in the range, from the station's opened_on up to
//     today, on which its opening hours have it open, less its closure
//     days (DaysOpen). The hours are today's: a station that changed them
//     counts its past by the new ones.
//   - Residents: accounts whose home area is one of the station's,
//     registered on or before the last day; Volunteers: those of them
//     holding the volunteer role (today).
//   - ActivitiesHeld: the station's activities, not cancelled, that started
//     within the range and before now; Attendances: the people checked in
//     at them.
//   - HelpRequests: the station's help requests asked within the range and
//     not cancelled; HelpRequesters: the distinct residents who asked them.
//   - ServicesCompleted: help requests confirmed within the range;
//     VolunteerMinutes: the minutes of those services.
//
// For the district (every station together) the counts are summed, but
// DaysOpen counts the dates on which any station was open, and
// HelpRequesters each resident once.
type Stats struct {
	StationID ID // 0: the district, every station together
	Range     DateRange

	Visits            int
	DaysOpen          int
	Residents         int
	Volunteers        int
	ActivitiesHeld    int
	Attendances       int
	HelpRequests      int
	HelpRequesters    int
	ServicesCompleted int
	VolunteerMinutes  int
}

// VolunteerHours is VolunteerMinutes in hours, rounded down to the tenth.
func (s *Stats) VolunteerHours() float64 { return float64(s.VolunteerMinutes/6) / 10 }

// AreaStats are a station's figures for the people of one of its
// residential areas: its residents and volunteers, the visits of those
// named at the desk or checked in at the door, the help they asked for and
// the services they were given (by the requester's area). Visits counted
// without a name belong to no area, so the areas' visits add up to less
// than the station's.
type AreaStats struct {
	AreaID            ID
	Area              string
	Residents         int
	Volunteers        int
	Visits            int
	HelpRequests      int
	HelpRequesters    int
	ServicesCompleted int
	VolunteerMinutes  int
}

// MinPublicAreaCount is the least count of one residential area the
// public figures show. The impact page's chart of help by area is public
// and asked for any range, a day included: "1 request from 菊泉新苑 on
// the 3rd", where a neighbour saw the volunteer come, points at one
// household. Staff's pages and the admin's workbook show every count.
const MinPublicAreaCount = 5

// PublicAreaCounts says which of the areas' counts of one figure the
// public may read: those of MinPublicAreaCount or more. A smaller one,
// none included (a 0 next to one withheld would tell where it was), is
// withheld, to be said "fewer than 5"; and when only one area's would be,
// the smallest of the others is too, so that the station's total less the
// areas shown never tells it.
func PublicAreaCounts(counts []int) (shown []bool) {
	shown = make([]bool, len(counts))
	withheld, smallest := 0, -1
	for i, n := range counts {
		if n < MinPublicAreaCount {
			withheld++
			continue
		}
		shown[i] = true
		if smallest < 0 || n < counts[smallest] {
			smallest = i
		}
	}
	if withheld == 1 && smallest >= 0 {
		shown[smallest] = false
	}
	return shown
}

// Field reasons of the figures.
const (
	// FRBeforeFrom: a range whose last day comes before its first.
	FRBeforeFrom = "before_from"
)

// MaxStatsYears is the longest range the figures are asked for.
const MaxStatsYears = 20

// DateRange is the days from From to To, both included.
type DateRange struct {
	From, To Date
}

// Days is how many days the range holds; 0 when To comes before From.
func (r DateRange) Days() int {
	if r.To < r.From {
		return 0
	}
	return int(r.To.utc().Sub(r.From.utc())/(24*time.Hour)) + 1
}

// Contains reports whether d is one of the range's days.
func (r DateRange) Contains(d Date) bool { return d >= r.From && d <= r.To }

// Bounds are the range's first instant and the instant after its last day,
// in loc: [start, end).
func (r DateRange) Bounds(loc *time.Location) (start, end time.Time) {
	return r.From.In(loc), r.To.AddDays(1).In(loc)
}

// Clip is the part of r inside o; its To comes before its From when they
// do not meet.
func (r DateRange) Clip(o DateRange) DateRange {
	return DateRange{From: max(r.From, o.From), To: min(r.To, o.To)}
}

// utc is the date's midnight in UTC, for counting days: a date's string
// was checked when it was made (ParseDate, DateOf). Read by hand: a
// chart's periods read hundreds.
func (d Date) utc() time.Time {
	s := string(d)
	if len(s) == 10 && s[4] == '-' && s[7] == '-' {
		n := 0
		for _, i := range []int{0, 1, 2, 3, 5, 6, 8, 9} {
			if s[i] < '0' || s[i] > '9' {
				n = -1
				break
			}
			n = n*10 + int(s[i]-'0')
		}
		if n >= 0 {
			return time.Date(n/10000, time.Month(n/100%100), n%100, 0, 0, 0, 0, time.UTC)
		}
	}
	t, _ := time.Parse(time.DateOnly, s)
	return t
}

// In is the date's midnight in loc.
func (d Date) In(loc *time.Location) time.Time {
	t := d.utc()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
}

// AddDays is the date n days later (earlier for n < 0).
func (d Date) AddDays(n int) Date { return DateOf(d.utc().AddDate(0, 0, n)) }

// Weekday is the date's day of the week.
func (d Date) Weekday() time.Weekday { return d.utc().Weekday() }

// ThisMonth, LastMonth and ThisYear are the ranges the desk offers at a
// click: this month and this year up to today, and the whole of last
// month.
func ThisMonth(today Date) DateRange {
	t := today.utc()
	return DateRange{From: DateOf(time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)), To: today}
}

func LastMonth(today Date) DateRange {
	end := ThisMonth(today).From.AddDays(-1)
	return DateRange{From: ThisMonth(end).From, To: end}
}

func ThisYear(today Date) DateRange {
	return DateRange{From: DateOf(time.Date(today.utc().Year(), 1, 1, 0, 0, 0, 0, time.UTC)), To: today}
}

// Nearly is how the article says a large count: 178 days are "近180天",
// 8,946 visits "近9000人次". It is n rounded up to two significant
// digits, and whether to say it so: only when n falls short of it by 3% at
// most, and never below 100, which is said as it is.
func Nearly(n int) (int, bool) {
	if n < 100 {
		return n, false
	}
	unit := 1
	for v := n; v >= 100; v /= 10 {
		unit *= 10
	}
	up := (n + unit - 1) / unit * unit
	return up, up != n && (up-n)*100 <= 3*up
}

// StatsQuery asks for the figures of a station, or of every station together
// (StationID 0), over the days From to To as a client sends them: dates
// (YYYY-MM-DD) or RFC 3339 times, whose date in the station's zone counts;
// empty for the defaults.
type StatsQuery struct {
	StationID ID
	From, To  string
}

// Validate reads the query's range for a station that opened on openedOn,
// in its zone loc, at now. From defaults to openedOn and To to today, but a
// default never crosses the other end when it is given: "to" alone before
// the opening asks for that one day. Unreadable dates, a To before From and
// a range over MaxStatsYears years are refused, each naming its field.
func (q StatsQuery) Validate(openedOn Date, loc *time.Location, now time.Time) (DateRange, error) {
	p := Problems{}
	from, fromOK := readDay(p, "from", q.From, loc)
	to, toOK := readDay(p, "to", q.To, loc)
	if len(p) > 0 {
		return DateRange{}, p.Err()
	}
	today := DateOf(now.In(loc))
	switch {
	case !fromOK && !toOK:
		from, to = min(openedOn, today), today
	case !fromOK:
		from = min(openedOn, to)
	case !toOK:
		to = max(today, from)
	}
	r := DateRange{From: from, To: to}
	switch {
	case to < from:
		p.Add("to", FRBeforeFrom)
	case to.utc().After(from.utc().AddDate(MaxStatsYears, 0, 0)):
		p.Add("to", FRTooLongSpan)
	}
	return r, p.Err()
}

// readDay reads one end of a range: false when it was not given.
func readDay(p Problems, field, s string, loc *time.Location) (Date, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", false
	}
	if len(s) > 40 {
		p.Add(field, FRDate)
		return "", false
	}
	d, ok := ParseDate(s)
	t := d.utc()
	if !ok {
		at, err := time.Parse(time.RFC3339, s)
		if err != nil {
			p.Add(field, FRDate)
			return "", false
		}
		d, t = DateOf(at.In(loc)), at
	}
	// A real date, but not one any record can have (year 0, 9999):
	// the value is out of range, not unreadable.
	if !PlausibleTime(t) {
		p.Add(field, FROutOfRange)
		return "", false
	}
	return d, true
}

// Opening is what says on which dates a station was open: its weekly
// hours, the day it opened and its closure days.
type Opening struct {
	Hours    OpeningHours
	OpenedOn Date
	Closed   []Date
}

// DaysOpen counts the dates of r, from the opening up to today, on which
// the hours have the station open and it was not closed.
func DaysOpen(o Opening, r DateRange, today Date) int {
	r = r.Clip(DateRange{From: o.OpenedOn, To: today})
	n := r.Days()
	if n == 0 {
		return 0
	}
	// Every weekday comes n/7 times; the first n%7 of them once more.
	open, first := 0, r.From.Weekday()
	for i := range 7 {
		if len(o.Hours.On(time.Weekday((int(first)+i)%7))) == 0 {
			continue
		}
		open += n / 7
		if i < n%7 {
			open++
		}
	}
	seen := map[Date]bool{}
	for _, d := range o.Closed {
		if r.Contains(d) && !seen[d] && len(o.Hours.On(d.Weekday())) > 0 {
			seen[d] = true
			open--
		}
	}
	return open
}

// DaysAnyOpen counts the dates of r up to today on which at least one of
// the stations was open: the district's days open.
func DaysAnyOpen(stations []Opening, r DateRange, today Date) int {
	r = r.Clip(DateRange{From: r.From, To: today})
	closed := make([]map[Date]bool, len(stations))
	first := Date("9999-12-31")
	for i, o := range stations {
		closed[i] = map[Date]bool{}
		for _, d := range o.Closed {
			closed[i][d] = true
		}
		first = min(first, o.OpenedOn)
	}
	n := 0
	for d := max(r.From, first); d <= r.To; d = d.AddDays(1) {
		for i, o := range stations {
			if d >= o.OpenedOn && len(o.Hours.On(d.Weekday())) > 0 && !closed[i][d] {
				n++
				break
			}
		}
	}
	return n
}

// Period sizes of a timeline.
const (
	PeriodWeek  = "week"
	PeriodMonth = "month"
	PeriodYear  = "year"
)

// Periods cuts r into weeks (Monday to Sunday), months or years, as size
// says; the first and the last are cut to r. Empty when r is.
func Periods(r DateRange, size string) []DateRange {
	out := make([]DateRange, 0, periodCount(r, size))
	if r.Days() == 0 {
		return out
	}
	last := r.To.utc()
	for t := r.From.utc(); !t.After(last); {
		var next time.Time
		switch size {
		case PeriodWeek:
			next = t.AddDate(0, 0, 7-(int(t.Weekday())+6)%7)
		case PeriodMonth:
			next = time.Date(t.Year(), t.Month()+1, 1, 0, 0, 0, 0, time.UTC)
		default:
			next = time.Date(t.Year()+1, 1, 1, 0, 0, 0, 0, time.UTC)
		}
		end := next.AddDate(0, 0, -1)
		if end.After(last) {
			end = last
		}
		out = append(out, DateRange{From: DateOf(t), To: DateOf(end)})
		t = next
	}
	return out
}

// PeriodsAtMost cuts r into periods of size, or into larger ones when
// there would be more than most: a chart of a year by week, of ten years
// by month would not be read.
func PeriodsAtMost(r DateRange, size string, most int) (string, []DateRange) {
	sizes := []string{PeriodWeek, PeriodMonth, PeriodYear}
	for i := max(slices.Index(sizes, size), 0); i < len(sizes)-1; i++ {
		if periodCount(r, sizes[i]) <= most {
			return sizes[i], Periods(r, sizes[i])
		}
	}
	return PeriodYear, Periods(r, PeriodYear)
}

// periodCount is len(Periods(r, size)), counted without making them.
func periodCount(r DateRange, size string) int {
	n := r.Days()
	if n == 0 {
		return 0
	}
	from, to := r.From.utc(), r.To.utc()
	switch size {
	case PeriodWeek:
		first := 7 - (int(from.Weekday())+6)%7 // days to the first Sunday, that one included
		if n <= first {
			return 1
		}
		return 1 + (n-first+6)/7
	case PeriodMonth:
		return (to.Year()*12 + int(to.Month())) - (from.Year()*12 + int(from.Month())) + 1
	}
	return to.Year() - from.Year() + 1
}

// StatsService counts the figures. They are aggregates: anyone may read a
// station's and the district's; the district's table of every station is
// the admin's.
type StatsService interface {
	// Stats returns the figures of q's station, or of every station
	// together; not_found for a station there is not.
	Stats(ctx context.Context, q StatsQuery) (*Stats, error)
	// District returns the figures of every station, in the order they
	// were created, and of all together, over the days q asks (q's
	// StationID is not read); admins only.
	District(ctx context.Context, q StatsQuery) ([]*Stats, *Stats, error)
	// Areas returns a station's figures by residential area over r, in
	// the order of its areas.
	Areas(ctx context.Context, stationID ID, r DateRange) ([]*AreaStats, error)
	// VisitsPer and ServicesPer count a station's visits, and its services
	// completed, in each of periods.
	VisitsPer(ctx context.Context, stationID ID, periods []DateRange) ([]int, error)
	ServicesPer(ctx context.Context, stationID ID, periods []DateRange) ([]int, error)
}
