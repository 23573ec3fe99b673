package guli

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"
)

// Reports a station files and certificates it issues: the monthly report
// (月度工作报表) a street office asks of each station, per station or per
// residential area, as a workbook or CSV; and the volunteer-hours
// certificate (志愿服务时长证明) a volunteer asks the station for, to show
// a school or an employer.
//
// What the monthly report counts, over the month's days in the station's
// zone:
//
//   - Visits by purpose: the sum of the counts of the station's visits on
//     the month's days (walk-ins counted at the desk and door check-ins).
//   - Activities: each of the station's activities that starts in the
//     month and was not cancelled, with its host, the people holding a
//     confirmed place and those checked in.
//   - Help by category: requests asked in the month and not cancelled;
//     services confirmed in the month and their minutes.
//   - Volunteer hours: the services confirmed in the month, by volunteer:
//     how many and how long. Their minutes add up to the help section's.
//
// A residential area's report counts the area's people only: visits of
// those named at the desk or checked in at the door (a count without a
// name belongs to no area), the area's residents' places and check-ins at
// the activities (only activities some of them joined are listed), the
// help the area's residents asked for and the services they were given,
// and so the volunteers who gave them, wherever those live.

// Month is a calendar month, written "2023-10".
type Month struct {
	Year  int
	Month time.Month
}

// ParseMonth reads "YYYY-MM": four digits, a dash, two digits.
func ParseMonth(s string) (Month, bool) {
	if len(s) != 7 || s[4] != '-' {
		return Month{}, false
	}
	for i, c := range []byte(s) {
		if i != 4 && (c < '0' || c > '9') {
			return Month{}, false
		}
	}
	y, _ := strconv.Atoi(s[:4])
	m, _ := strconv.Atoi(s[5:])
	if y < 1 || m < 1 || m > 12 {
		return Month{}, false
	}
	return Month{y, time.Month(m)}, true
}

// MonthOf is the month of t in t's zone.
func MonthOf(t time.Time) Month { return Month{t.Year(), t.Month()} }

// MonthOfDate is the month of a date.
func MonthOfDate(d Date) Month {
	m, _ := ParseMonth(string(d)[:min(7, len(d))])
	return m
}

func (m Month) String() string { return fmt.Sprintf("%04d-%02d", m.Year, int(m.Month)) }

// AddMonths is the month n months later (earlier for n < 0).
func (m Month) AddMonths(n int) Month {
	return MonthOf(time.Date(m.Year, m.Month+time.Month(n), 1, 0, 0, 0, 0, time.UTC))
}

// Before reports whether m comes before o.
func (m Month) Before(o Month) bool {
	return m.Year < o.Year || m.Year == o.Year && m.Month < o.Month
}

// FirstDay is the month's first date, LastDay its last.
func (m Month) FirstDay() Date { return Date(m.String() + "-01") }
func (m Month) LastDay() Date {
	return DateOf(time.Date(m.Year, m.Month+1, 0, 0, 0, 0, 0, time.UTC))
}

// Bounds are the month's first instant and the first instant of the next
// month, in loc: [start, end).
func (m Month) Bounds(loc *time.Location) (start, end time.Time) {
	return time.Date(m.Year, m.Month, 1, 0, 0, 0, 0, loc), time.Date(m.Year, m.Month+1, 1, 0, 0, 0, 0, loc)
}

// Formats of a report's file.
const (
	FormatXLSX = "xlsx"
	FormatCSV  = "csv"
)

// Field reasons of reports and certificates.
const (
	FRMonth           = "invalid_month"      // not "YYYY-MM"
	FRMonthOutOfRange = "month_out_of_range" // before the station opened, or after next month
)

// ReportMonths are the first and the last month a station's report may
// be of at now: the month before it opened (a report of its opening
// month's eve is empty, not an error), and next month (its timetable).
func ReportMonths(st *Station, now time.Time) (earliest, latest Month) {
	return MonthOfDate(st.OpenedOn).AddMonths(-1), MonthOf(now.In(st.Location())).AddMonths(1)
}

// DefaultReportMonth is the month a report is of when none is asked: last
// month, the one a station files (the first it may be of, for a station
// yet to open).
func DefaultReportMonth(st *Station, now time.Time) Month {
	earliest, _ := ReportMonths(st, now)
	if last := MonthOf(now.In(st.Location())).AddMonths(-1); !last.Before(earliest) {
		return last
	}
	return earliest
}

// ReportQuery asks for a station's monthly report as a client sends it:
// the month "YYYY-MM" (empty: last month, the one a station files), an
// area's id (empty: the whole station) and the file's format (empty:
// xlsx).
type ReportQuery struct {
	StationID ID
	Month     string
	AreaID    string
	Format    string
}

// ReportRequest is a ReportQuery read.
type ReportRequest struct {
	Month  Month
	Area   *Area // nil: the whole station
	Format string
}

// Validate reads q for station st at now. A month must be "YYYY-MM" and
// lie between the month before the station opened and next month, both
// included (a report of a month to come is of its timetable); an area is
// a number, and one of the station's areas (another's answers not_found,
// as if it did not exist); the format xlsx or csv.
func (q ReportQuery) Validate(st *Station, now time.Time) (*ReportRequest, error) {
	p := Problems{}
	out := &ReportRequest{Month: DefaultReportMonth(st, now), Format: FormatXLSX}
	if q.Month != "" {
		earliest, latest := ReportMonths(st, now)
		m, ok := ParseMonth(q.Month)
		switch {
		case !ok:
			p.Add("month", FRMonth)
		case m.Before(earliest) || latest.Before(m):
			p.Add("month", FRMonthOutOfRange)
		default:
			out.Month = m
		}
	}
	switch q.Format {
	case "", FormatXLSX:
	case FormatCSV:
		out.Format = FormatCSV
	default:
		p.Add("format", FRInvalid)
	}
	if q.AreaID != "" {
		id := ParseID(q.AreaID)
		if id == NoID {
			p.Add("area_id", FRInvalid)
		} else if i := slices.IndexFunc(st.Areas, func(a *Area) bool { return a.ID == id }); i >= 0 {
			out.Area = st.Areas[i]
		} else if len(p) == 0 {
			return nil, Errorf(ECNotFound)
		}
	}
	return out, p.Err()
}

// MonthlyReport is a station's report of a month, or of one of its
// residential areas (Area set).
type MonthlyReport struct {
	Station    *Station
	Area       *Area
	Month      Month
	Format     string
	Visits     []PurposeCount      // every purpose of VisitPurposes, in order
	Activities []ReportActivity    // by start
	Help       []HelpCategoryCount // every category of HelpCategories, in order
	Volunteers []VolunteerHours    // most minutes first
	MadeAt     time.Time
}

// PurposeCount is the visits of one purpose.
type PurposeCount struct {
	Purpose string
	Count   int
}

// ReportActivity is one activity of the month: Registered counts the
// confirmed places, Attended those checked in.
type ReportActivity struct {
	ID         ID
	Start      time.Time
	Title      string
	Category   string
	Host       string // "" when none
	Registered int
	Attended   int
}

// HelpCategoryCount is the help of one category: Requested asked in the
// month, Completed confirmed in it, and their Minutes.
type HelpCategoryCount struct {
	Category  string
	Requested int
	Completed int
	Minutes   int
}

// VolunteerHours is one volunteer's services of the month.
type VolunteerHours struct {
	VolunteerID ID
	Name        string
	Services    int
	Minutes     int
}

// ReportTotals are the sums of a report's sections.
type ReportTotals struct {
	Visits                        int
	Registered, Attended          int
	Requested, Completed, Minutes int
	Services, VolunteerMinutes    int
}

// Totals adds up the report's sections.
func (r *MonthlyReport) Totals() ReportTotals {
	var t ReportTotals
	for _, v := range r.Visits {
		t.Visits += v.Count
	}
	for _, a := range r.Activities {
		t.Registered += a.Registered
		t.Attended += a.Attended
	}
	for _, h := range r.Help {
		t.Requested += h.Requested
		t.Completed += h.Completed
		t.Minutes += h.Minutes
	}
	for _, v := range r.Volunteers {
		t.Services += v.Services
		t.VolunteerMinutes += v.Minutes
	}
	return t
}

// Hours are minutes of service in hours, rounded down to the tenth: a
// report or a certificate never says more than was served.
func Hours(minutes int) float64 { return float64(minutes/6) / 10 }

// CertificateQuery asks for a volunteer's certificate of the services
// they gave at a station from one date to another, both included, as a
// client sends them: dates "YYYY-MM-DD", empty for the defaults (this
// year's first day; today).
type CertificateQuery struct {
	VolunteerID ID
	StationID   ID
	From, To    string
}

// EarliestCertificateDay is the first day a certificate may count from.
const EarliestCertificateDay Date = "2000-01-01"

// Validate reads the range in the station's zone loc at now: real dates,
// From not after To, To not after today, From not before 2000.
func (q CertificateQuery) Validate(loc *time.Location, now time.Time) (DateRange, error) {
	p := Problems{}
	today := DateOf(now.In(loc))
	from, to := Date(today[:4]+"-01-01"), today
	if q.From != "" {
		if d, ok := ParseDate(q.From); !ok {
			p.Add("from", FRDate)
		} else if d < EarliestCertificateDay {
			p.Add("from", FROutOfRange)
		} else {
			from = d
		}
	}
	if q.To != "" {
		if d, ok := ParseDate(q.To); !ok {
			p.Add("to", FRDate)
		} else if d > today {
			p.Add("to", FROutOfRange)
		} else {
			to = d
		}
	}
	if len(p) == 0 && to < from {
		p.Add("to", FRBeforeFrom)
	}
	return DateRange{From: from, To: to}, p.Err()
}

// VolunteerCertificate says how many services a volunteer gave at a
// station over a range of days, confirmed by those they helped, and how
// long they took.
type VolunteerCertificate struct {
	Station     *Station
	VolunteerID ID
	Name        string
	From, To    Date
	Services    int
	Minutes     int
	IssuedOn    Date
}

// MayIssueCertificate says whether actor may have station's certificate
// of volunteer: the volunteer themself; staff who work at the station
// (an admin anywhere) for a person who belongs to it (volunteer.Stations
// must be loaded) or served there. Others' staff are answered not_found,
// and anyone else forbidden. A certificate is of a volunteer: staff asking
// for one of someone who neither holds the role nor ever served at the
// station are answered not_found too (a resident's "0 times" on the
// station's letterhead certifies nothing), and for a closed account,
// which is nobody's any more, account_closed.
func MayIssueCertificate(actor, volunteer *User, station ID, servedThere, closed bool) error {
	switch {
	case actor == nil:
		return Errorf(ECUnauthenticated)
	case volunteer != nil && actor.ID == volunteer.ID:
		return nil
	}
	if err := actor.ActsAt(station); err != nil {
		return err
	}
	if volunteer == nil || !servedThere && !slices.Contains(volunteer.Stations, station) {
		return Errorf(ECNotFound)
	}
	if !servedThere && !volunteer.Has(RoleVolunteer) {
		return Errorf(ECNotFound)
	}
	if closed {
		return Errorf(ECAccountClosed)
	}
	return nil
}

// ReportService makes the reports a station files and the certificates
// it issues.
type ReportService interface {
	// MonthlyReport is a station's report of a month, for its staff (an
	// admin's anywhere); it names volunteers, so each is audited.
	MonthlyReport(ctx context.Context, q ReportQuery) (*MonthlyReport, error)
	// VolunteerCertificate is a volunteer's certificate, for them and for
	// the station's staff (see MayIssueCertificate); staff's are audited.
	VolunteerCertificate(ctx context.Context, q CertificateQuery) (*VolunteerCertificate, error)
}
