package guli

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Error codes of the shared space.
const (
	ECBookingConflict          = "booking_conflict"
	ECOutsideOpeningHours      = "outside_opening_hours"
	ECAlreadyRegistered        = "already_registered"
	ECActivityStarted          = "activity_started"
	ECActivityCancelled        = "activity_cancelled"
	ECEmergencyContactRequired = "emergency_contact_required"
	ECAgeOutOfRange            = "age_out_of_range"
	ECInvalidCode              = "invalid_code"
)

// Field reasons of the shared space.
const (
	FRUnknownStation = "unknown_station"
	FRUnknownRoom    = "unknown_room"
	FRUnknownUser    = "unknown_user"
	FRTime           = "invalid_time"
	FREndBeforeStart = "end_not_after_start"
	FRTooLongSpan    = "too_long_span"
	FRInPast         = "in_past"
)

// Categories of activities: classes by talents, events, convenience-service
// slots (legal consultation, TCM clinic, smartphone help, blood-pressure
// checks) and meetings.
var Categories = []string{"class", "event", "service", "meeting"}

// Activity statuses.
const (
	ActivityScheduled = "scheduled"
	ActivityCancelled = "cancelled"
)

// Registration statuses.
const (
	RegConfirmed  = "confirmed"
	RegWaitlisted = "waitlisted"
	RegCancelled  = "cancelled"
)

// AgeRule is the residents' council's rule: people of that age or older
// need an emergency contact on file to register.
type AgeRule struct {
	EmergencyContactFromAge int
	// ResolutionID is the council resolution the rule rests on, 0 when
	// staff set it themselves; Resolution and CouncilName name it, and
	// MeetingID is where it was resolved.
	ResolutionID ID
	Resolution   string
	CouncilName  string
	MeetingID    ID
}

// Activity is one occurrence of a class, event, service slot or meeting.
// Times are in the station's zone.
type Activity struct {
	ID          ID
	StationID   ID
	SeriesID    ID // the first occurrence of a weekly series; 0 if none
	Title       string
	Description string
	Category    string
	Start, End  time.Time
	Capacity    int // 0: unlimited
	RoomID      ID
	RoomName    string
	HostID      ID // the talent who leads it, or whoever created it
	HostName    string
	AgeRule     *AgeRule
	// MinAge and MaxAge bound who may be registered (a children's class
	// for 6–12); 0 leaves that side open. See AgeRange.
	MinAge, MaxAge int
	Status         string
	ConfirmedCount int
	WaitlistCount  int
	// MyRegistration is the acting user's registration, when asked for.
	MyRegistration *Registration
}

// PlacesLeft is how many can still be confirmed; -1 when unlimited.
func (a *Activity) PlacesLeft() int {
	if a.Capacity == 0 {
		return -1
	}
	return max(0, a.Capacity-a.ConfirmedCount)
}

// Registration is a person's place, or place in the queue, at an activity.
type Registration struct {
	ActivityID ID
	UserID     ID
	Name       string
	Status     string
	Position   int // 1-based place on the waitlist; 0 when confirmed
	CheckedIn  bool
	CreatedAt  time.Time
	// Marks are staff's marks of the person at the activity's station
	// (MarkKinds), on the rosters staff read; never on anyone else's.
	Marks []string
	// BirthYear is the person's, to tell a child (IsChild); Child says
	// the roster shows them without a name (ShowChildren).
	BirthYear int
	Child     bool
}

// ShowChildren makes a roster fit for reader at now: anyone but the staff
// of the activity's station (its host) reads children under 14 without
// their names, as a child (PIPL: their data only with a guardian's
// consent, for those who need it). roster is not changed; a changed copy
// is returned when there is something to hide.
func ShowChildren(reader *User, a *Activity, roster []*Registration, now time.Time) []*Registration {
	if reader.WorksAt(a.StationID) {
		return roster
	}
	var shown []*Registration
	for i, r := range roster {
		if r.UserID == reader.ID || !IsChild(&User{BirthYear: r.BirthYear}, now) {
			continue
		}
		if shown == nil {
			shown = slices.Clone(roster)
		}
		c := *r
		c.Name, c.BirthYear, c.Child = "", 0, true
		shown[i] = &c
	}
	if shown == nil {
		return roster
	}
	return shown
}

// MaxWeeklyCount bounds a weekly series: a year of Wednesdays.
const MaxWeeklyCount = 52

// ActivityInput creates an activity, or a weekly series of them.
type ActivityInput struct {
	StationID   ID
	Title       string
	Description string
	Category    string
	Start, End  time.Time
	Capacity    int
	RoomID      ID
	HostID      ID // staff may name the talent who leads it
	AgeRule     *AgeRule
	// AgeRuleSet with a nil AgeRule says staff chose no rule; a nil
	// AgeRule alone gets the station's default (ActivityAgeRule).
	AgeRuleSet bool
	// MinAge and MaxAge bound the ages it takes; 0: that side open.
	MinAge, MaxAge int
	Repeat         *Repeat // nil: once
}

// Repeat makes an activity a weekly series.
type Repeat struct {
	WeeklyCount int // occurrences, the first at the start
}

// PlausibleTime reports whether t is a time Guli takes: years 1970–2999.
// No station plans further, and a weekly series must not run past what
// every client can parse.
func PlausibleTime(t time.Time) bool { return t.Year() >= 1970 && t.Year() <= 2999 }

// checkTimes adds the problems of a start and an end: both needed,
// plausible, the end after the start.
func checkTimes(p Problems, start, end time.Time) {
	for _, f := range []struct {
		field string
		t     time.Time
	}{{"start", start}, {"end", end}} {
		switch {
		case f.t.IsZero():
			p.Add(f.field, FRRequired)
		case !PlausibleTime(f.t):
			p.Add(f.field, FRTime)
		}
	}
	if PlausibleTime(start) && PlausibleTime(end) && !end.After(start) {
		p.Add("end", FREndBeforeStart)
	}
}

// Validate checks what needs no database and returns the number of weekly
// occurrences.
func (in *ActivityInput) Validate() (weeks int, err error) {
	p := Problems{}
	in.Title = strings.TrimSpace(in.Title)
	in.Description = strings.TrimSpace(in.Description)
	switch {
	case in.Title == "":
		p.Add("title", FRRequired)
	case utf8.RuneCountInString(in.Title) > 100:
		p.Add("title", FRTooLong)
	}
	if utf8.RuneCountInString(in.Description) > 5000 {
		p.Add("description", FRTooLong)
	}
	if in.StationID == 0 {
		p.Add("station_id", FRRequired)
	}
	if in.Category == "" {
		p.Add("category", FRRequired)
	} else if !slices.Contains(Categories, in.Category) {
		p.Add("category", FRInvalid)
	}
	checkTimes(p, in.Start, in.End)
	if PlausibleTime(in.Start) && in.End.After(in.Start) && in.End.Sub(in.Start) > 7*24*time.Hour {
		p.Add("end", FRTooLongSpan)
	}
	if in.Capacity < 0 || in.Capacity > 10000 {
		p.Add("capacity", FROutOfRange)
	}
	if r := in.AgeRule; r != nil && (r.EmergencyContactFromAge < 1 || r.EmergencyContactFromAge > 150) {
		p.Add("age_rule", FROutOfRange)
	}
	if in.MinAge < 0 || in.MinAge > MaxAge {
		p.Add("min_age", FROutOfRange)
	}
	if in.MaxAge < 0 || in.MaxAge > MaxAge || in.MaxAge > 0 && in.MaxAge < in.MinAge {
		p.Add("max_age", FROutOfRange)
	}
	weeks = 1
	if in.Repeat != nil {
		weeks = in.Repeat.WeeklyCount
		if weeks < 1 || weeks > MaxWeeklyCount {
			p.Add("repeat", FROutOfRange)
		}
	}
	return weeks, p.Err()
}

// AgeIn returns a person's age in a year, or -1 when the birth year is unknown.
func (u *User) AgeIn(year int) int {
	if u.BirthYear == 0 {
		return -1
	}
	return year - u.BirthYear
}

// MaxAge bounds the ages an activity may name.
const MaxAge = 150

// ChildAge is the age under which a person is a child whose personal data
// is handled only with a guardian's consent (PIPL, article 31: under 14).
const ChildAge = 14

// ChildrenMaxAge is the highest max_age of an activity "for children" in
// the timetable's filter.
const ChildrenMaxAge = 17

// ForChildren reports whether an activity is meant for children: its ages
// end under 18.
func (a *Activity) ForChildren() bool { return a.MaxAge > 0 && a.MaxAge <= ChildrenMaxAge }

// AgeRange says whether person may take part in an activity bounded by
// ages: nil, or age_out_of_range. The age is the year of the activity
// less the year of birth (people give their birth year, not their date):
// a child born in 2017 is 6 at a class in 2023 even before their
// birthday. A person whose birth year is not known cannot be shown to be
// inside bounds and is refused.
func (a *Activity) AgeRange(person *User) error {
	if a.MinAge == 0 && a.MaxAge == 0 {
		return nil
	}
	age := person.AgeIn(a.Start.Year())
	if age < 0 || age < a.MinAge || a.MaxAge > 0 && age > a.MaxAge {
		return Errorf(ECAgeOutOfRange)
	}
	return nil
}

// CouncilEmergencyContactAge is the age from which the residents' council
// of 顾里小站 asked that people leave an emergency contact before they join
// activities: the rule a station puts on its classes (AgeRule).
const CouncilEmergencyContactAge = 70

// CheckOpen says whether an activity still takes sign-ups and changes at
// now: not once it is cancelled, and not once it has started.
func (a *Activity) CheckOpen(now time.Time) error {
	switch {
	case a.Status == ActivityCancelled:
		return Errorf(ECActivityCancelled)
	case !now.Before(a.Start):
		return Errorf(ECActivityStarted)
	}
	return nil
}

// CheckCancellable says whether a place may still be given up at now: not
// once a scheduled activity has started. A place at a cancelled activity
// may always be given up.
func (a *Activity) CheckCancellable(now time.Time) error {
	if a.Status == ActivityScheduled && !now.Before(a.Start) {
		return Errorf(ECActivityStarted)
	}
	return nil
}

// TellsOfCancellation reports whether cancelling the activity at now is
// news to its people: not once it has ended, when calling it off only
// records that it did not take place (nobody is to be told after the fact
// that a class they went to, or missed, is off).
func (a *Activity) TellsOfCancellation(now time.Time) bool { return now.Before(a.End) }

// Admit decides a person's sign-up at now, given the counts as they stand:
// a confirmed place while there is one, else the next place on the
// waitlist (position counted from 1); refused when the activity is not open,
// the person's age is outside its bounds (AgeRange), or its age rule is unmet (a person of that age or older with no
// emergency contact on file).
func (a *Activity) Admit(person *User, now time.Time) (status string, position int, err error) {
	if err := a.CheckOpen(now); err != nil {
		return "", 0, err
	}
	if err := a.AgeRange(person); err != nil {
		return "", 0, err
	}
	if r := a.AgeRule; r != nil && person.EmergencyContact == nil && person.AgeIn(now.In(a.Start.Location()).Year()) >= r.EmergencyContactFromAge {
		return "", 0, Errorf(ECEmergencyContactRequired)
	}
	if a.Capacity > 0 && a.ConfirmedCount >= a.Capacity {
		return RegWaitlisted, a.WaitlistCount + 1, nil
	}
	return RegConfirmed, 0, nil
}

// MayRun reports whether actor may run an activity (its roster,
// attendance, cancelling it): staff of its station, and its host.
func MayRun(actor *User, a *Activity) bool {
	return actor != nil && (actor.WorksAt(a.StationID) || a.HostID != 0 && a.HostID == actor.ID)
}

// ActivityFilter narrows a list of activities; zero fields do not narrow.
type ActivityFilter struct {
	StationID ID
	From, To  time.Time // start in [From, To)
	Category  string
	Query     string // words in the title or description
	// ForChildren keeps activities for children only (Activity.ForChildren).
	ForChildren bool
}

// MaxQueryRunes bounds a search of activities: a few words, not an essay.
const MaxQueryRunes = 50

// Validate checks the category is one there is and the search is short.
func (f ActivityFilter) Validate() error {
	p := Problems{}
	if f.Category != "" && !slices.Contains(Categories, f.Category) {
		p.Add("category", FRInvalid)
	}
	if utf8.RuneCountInString(f.Query) > MaxQueryRunes {
		p.Add("q", FRTooLong)
	}
	return p.Err()
}

// ActivityService runs the station's activities, registrations, waitlists
// and attendance.
type ActivityService interface {
	// CreateActivities creates one activity or a weekly series; staff, or a
	// talent for activities they host themself.
	CreateActivities(ctx context.Context, in ActivityInput) ([]*Activity, error)
	Activities(ctx context.Context, f ActivityFilter, opts ListOptions) (Page[*Activity], error)
	// Activity returns one activity with its counts and, when signed in,
	// the acting user's registration.
	Activity(ctx context.Context, id ID) (*Activity, error)
	// Register signs userID up (0: the acting user). Staff may register
	// anyone on their behalf; that is audited.
	Register(ctx context.Context, activityID, userID ID) (*Registration, error)
	// CancelRegistration gives up userID's place (0: the acting user's); the
	// first on the waitlist is confirmed and notified.
	CancelRegistration(ctx context.Context, activityID, userID ID) error
	Registrations(ctx context.Context, activityID ID) ([]*Registration, error)
	CheckIn(ctx context.Context, activityID, userID ID) error
	// CancelActivity cancels an activity and notifies its registrants.
	CancelActivity(ctx context.Context, id ID) error
	// MyActivities lists the acting user's live registrations from a time on.
	MyActivities(ctx context.Context, from time.Time) ([]*Activity, error)
	// ActivitiesOf lists userID's live registrations from a time on, as
	// MyActivities does the acting user's: for the user themself or their
	// guardian (MayActFor), else not_found.
	ActivitiesOf(ctx context.Context, userID ID, from time.Time) ([]*Activity, error)
	// MyRegistrations maps the activities starting in [from, to) the acting
	// user holds a live registration for to that registration: what a list
	// of activities needs to mark the reader's own.
	MyRegistrations(ctx context.Context, from, to time.Time) (map[ID]*Registration, error)
	// RegistrationsOf maps userID's registrations as MyRegistrations does
	// the acting user's: for the user themself or their guardian
	// (MayActFor), else not_found. What a list marks when a guardian
	// signs a dependent up from it.
	RegistrationsOf(ctx context.Context, userID ID, from, to time.Time) (map[ID]*Registration, error)
}
