package guli

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Many of a station's residents never open an app. Staff mark those they
// watch over (living alone, needing visits, without a smartphone), and
// when a safety alert or an urgent notice goes out, or an activity is
// cancelled, the call list names the residents who have not opened it in
// the app, those most at risk first, for staff to phone or visit. Marks
// are staff's notes about a person at their station: never shown to other
// residents, each change audited.

// Kinds of mark.
const (
	MarkLivesAlone   = "lives_alone"   // 独居
	MarkNoSmartphone = "no_smartphone" // 无智能手机
	MarkNeedsVisits  = "needs_visits"  // 需要上门探访
)

// MarkKinds lists the kinds of mark, in the order pages show them.
var MarkKinds = []string{MarkLivesAlone, MarkNoSmartphone, MarkNeedsVisits}

// MarkInput sets (On) or takes off one mark of a person at a station.
type MarkInput struct {
	StationID ID
	UserID    ID
	Kind      string
	On        bool
}

// Validate checks what needs no database.
func (in MarkInput) Validate() error {
	p := Problems{}
	if in.StationID <= 0 {
		p.Add("station_id", FRInvalid)
	}
	if in.UserID <= 0 {
		p.Add("user_id", FRInvalid)
	}
	switch {
	case in.Kind == "":
		p.Add("kind", FRRequired)
	case !slices.Contains(MarkKinds, in.Kind):
		p.Add("kind", FRInvalid)
	}
	return p.Err()
}

// SeesMarks reports whether viewer sees the marks set at a station: its
// staff and admins. Nobody else, the person marked included, sees them on
// a page (they read their own in their data, see the store's export).
func SeesMarks(viewer *User, station ID) bool { return viewer.WorksAt(station) }

// CheckMark says whether actor may mark person at a station (person's
// Stations loaded): staff of the station, on a person who belongs to it.
// A resident is forbidden; staff of another station, or a person not of
// this one, are answered as if there were no such person.
func CheckMark(actor *User, station ID, person *User) error {
	if err := actor.ActsAt(station); err != nil {
		return err
	}
	if person == nil || !slices.Contains(person.Stations, station) {
		return Errorf(ECNotFound)
	}
	return nil
}

// CallRank is where a person with marks stands on a call list: 0 for those
// living alone or without a smartphone (nobody else will tell them), 1 for
// those who need visits, 2 for the rest.
func CallRank(marks []string) int {
	switch {
	case slices.Contains(marks, MarkLivesAlone), slices.Contains(marks, MarkNoSmartphone):
		return 0
	case slices.Contains(marks, MarkNeedsVisits):
		return 1
	}
	return 2
}

// Outcomes of a call.
const (
	CallCalled     = "called"      // reached on the phone
	CallNotReached = "not_reached" // rang, nobody answered
	CallVisited    = "visited"     // someone went to the door
)

// CallOutcomes lists the outcomes, in the order the list's buttons offer
// them.
var CallOutcomes = []string{CallCalled, CallNotReached, CallVisited}

// Reached reports whether an outcome means the person was told.
func Reached(outcome string) bool { return outcome == CallCalled || outcome == CallVisited }

// MaxCallNote bounds a tick's note, in characters: a few words ("his
// daughter will tell him"), not a record of the conversation.
const MaxCallNote = 100

// CallInput is one tick on a call list.
type CallInput struct {
	Outcome string
	Note    string
}

// Validate checks the outcome and the note.
func (in *CallInput) Validate() error {
	p := Problems{}
	in.Note = strings.TrimSpace(in.Note)
	switch {
	case in.Outcome == "":
		p.Add("outcome", FRRequired)
	case !slices.Contains(CallOutcomes, in.Outcome):
		p.Add("outcome", FRInvalid)
	}
	if utf8.RuneCountInString(in.Note) > MaxCallNote {
		p.Add("note", FRTooLong)
	}
	return p.Err()
}

// The waits staff may choose before calling: a resident who has not
// opened an alert by then will not open it soon. DefaultCallDelay is the
// list's when none is chosen.
var CallDelays = []time.Duration{30 * time.Minute, 2 * time.Hour, 6 * time.Hour}

const DefaultCallDelay = 2 * time.Hour

// ParseCallDelay reads a wait as the page's choices write it ("30m",
// "2h", "6h"); empty is DefaultCallDelay. Any other is refused naming
// field.
func ParseCallDelay(field, s string) (time.Duration, error) {
	if s == "" {
		return DefaultCallDelay, nil
	}
	for _, d := range CallDelays {
		if s == CallDelayName(d) {
			return d, nil
		}
	}
	return 0, Invalid(field, FRInvalid)
}

// CallDelayName is how a wait is written in an address: "30m", "2h".
func CallDelayName(d time.Duration) string {
	if d%time.Hour == 0 {
		return strings.TrimSuffix(d.String(), "0m0s")
	}
	return strings.TrimSuffix(d.String(), "0s")
}

// What a call list is of.
const (
	CallsOfPost     = "post"     // a safety alert or an urgent notice
	CallsOfActivity = "activity" // an activity's cancellation
)

// CallTarget names what a call list follows: a post, or an activity whose
// cancellation was told.
type CallTarget struct {
	Kind string // CallsOfPost or CallsOfActivity
	ID   ID
}

// NeedsCalls reports whether staff follow a post up by telephone: a safety
// alert, or a notice staff marked urgent, while it has not been taken
// down.
func (p *Post) NeedsCalls() bool {
	return p.Status != PostDeleted && (p.Kind == PostSafetyAlert || p.Kind == PostNotice && p.Urgent)
}

// ToldEveryone reports whether a post is told to every resident of its
// station as it is posted: a safety alert, and an urgent notice.
func (in *PostInput) ToldEveryone() bool {
	return in.Kind == PostSafetyAlert || in.Kind == PostNotice && in.Urgent
}

// CheckCallList says whether actor may read and tick a station's call
// list: its staff and admins. Anyone else, residents too, is answered as
// if there were none: the list is of phone numbers, and a resident has
// no list to be refused.
func CheckCallList(actor *User, station ID) error {
	switch {
	case actor == nil:
		return Errorf(ECUnauthenticated)
	case !actor.WorksAt(station):
		return Errorf(ECNotFound)
	}
	return nil
}

// CallEntry is one person on a call list, with the latest tick staff made
// for them.
type CallEntry struct {
	UserID ID
	Name   string
	Phone  string // in full: the list is for calling
	Area   string
	Marks  []string
	// Opened says they opened it in the app after all, since they were
	// ticked: they stay on the list because the list is the record.
	Opened bool
	// The latest tick, if any: two staff ticking at once both keep theirs,
	// and the later is shown.
	Outcome  string
	Note     string
	TickedAt time.Time
	TickedBy string
	Ticks    int // how many times they were ticked
}

// Rank is the entry's place by its marks (CallRank).
func (e *CallEntry) Rank() int { return CallRank(e.Marks) }

// SortCalls puts a call list in its order: those living alone or without
// a smartphone first, then those needing visits, then the rest, each by
// residential area and name (then id, so the order is the same every
// time).
func SortCalls(entries []*CallEntry) {
	slices.SortStableFunc(entries, func(a, b *CallEntry) int {
		return cmp.Or(cmp.Compare(a.Rank(), b.Rank()), strings.Compare(a.Area, b.Area),
			strings.Compare(a.Name, b.Name), cmp.Compare(a.UserID, b.UserID))
	})
}

// CallList is who to call about a post or a cancellation.
type CallList struct {
	Target    CallTarget
	StationID ID
	Title     string    // the post's, or the activity's
	Kind      string    // the post's kind; "" for an activity
	Since     time.Time // when it was told
	Delay     time.Duration
	// Entries are the people told who have not opened it in the app, and
	// those ticked already, in SortCalls' order.
	Entries []*CallEntry
	Told    int // people it was told to
	Opened  int // of them, those who opened it in the app
	Listed  int // people on the list
	Reached int // on the list, their latest tick says they were told
	Ticked  int // on the list, ticked at all
}

// CallPageSize is how many people a page of a call list shows: a phone
// scrolls through a hundred cards, not through a station's thousands.
const CallPageSize = 100

// Pages is how many pages the list takes (one when it is empty).
func (l *CallList) Pages() int { return max(1, (len(l.Entries)+CallPageSize-1)/CallPageSize) }

// Page returns page n (1-based) of the entries; a page past the last is
// the last, since the list shrinks as people open it.
func (l *CallList) Page(n int) (entries []*CallEntry, page int) {
	page = min(max(n, 1), l.Pages())
	from := (page - 1) * CallPageSize
	return l.Entries[from:min(from+CallPageSize, len(l.Entries))], page
}

// Due is when calling should begin: Delay after it was told.
func (l *CallList) Due() time.Time { return l.Since.Add(l.Delay) }

// Early reports whether it is still too early to call: people may yet
// open it themselves.
func (l *CallList) Early(now time.Time) bool { return now.Before(l.Due()) }

// Count fills the list's counts from its entries and puts them in order;
// Told and Opened are the store's.
func (l *CallList) Count() {
	SortCalls(l.Entries)
	l.Listed, l.Reached, l.Ticked = len(l.Entries), 0, 0
	for _, e := range l.Entries {
		if e.Outcome != "" {
			l.Ticked++
		}
		if Reached(e.Outcome) {
			l.Reached++
		}
	}
}

// CallTick is one tick, as kept.
type CallTick struct {
	ID        ID
	Target    CallTarget
	UserID    ID
	Outcome   string
	Note      string
	ByID      ID
	CreatedAt time.Time
}

// MarkService keeps the marks staff set on the people of their stations.
type MarkService interface {
	// Marks returns the marks set at a station on people, by person, for
	// its staff; to anyone else, none.
	Marks(ctx context.Context, station ID, people []ID) (map[ID][]string, error)
	// SetMark sets or takes off a mark (audited when it changes).
	SetMark(ctx context.Context, in MarkInput) error
}

// CallService reads call lists and records their ticks.
type CallService interface {
	// CallList is the list of target after delay; reading it is audited,
	// as it shows phone numbers.
	CallList(ctx context.Context, target CallTarget, delay time.Duration) (*CallList, error)
	// Tick records what came of calling one person on the list.
	Tick(ctx context.Context, target CallTarget, person ID, in CallInput) (*CallTick, error)
}
