package guli

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// The paper a station runs on. Many residents never open an app, and the
// social workers keep the station's records on paper: the sign-in sheet
// (签到表) of each class, and the activity records (活动记录) that make up
// the month's ledger (台账) the street office inspects. Guli prints them
// from what it knows: who registered, who came, the highlights neighbours
// posted of the activity, and a summary staff write.

// ECStaleEdit refuses saving a record someone else saved after the editor
// opened it: their words would be lost without anyone knowing.
const ECStaleEdit = "stale_edit"

// FRUnknownActivity refuses naming an activity that does not exist, or is
// another station's.
const FRUnknownActivity = "unknown_activity"

// MaxRecordSummary bounds a record's summary, in characters: a page of
// the ledger.
const MaxRecordSummary = 5000

// MaxRecordPhotos is how many photos of its highlights a record shows:
// what fits on its page.
const MaxRecordPhotos = 6

// ActivityRecord is what a station keeps of one activity for its ledger:
// the summary staff write, and what Guli counts of it.
type ActivityRecord struct {
	Activity *Activity
	Summary  string
	// Version counts the saves; 0 while nothing is written. An edit
	// carries the version it began from (see CheckRecordVersion).
	Version       int
	UpdatedBy     ID
	UpdatedByName string
	UpdatedAt     time.Time
	// Registered holds a confirmed place, Waitlisted one in the queue;
	// Attended were checked in, and WalkIns of them held no place.
	Registered, Waitlisted, Attended, WalkIns int
	Photos                                    []RecordPhoto
}

// RecordPhoto is a photo of a visible highlight that names the activity.
type RecordPhoto struct {
	ID     ID
	PostID ID
}

// Written reports whether the record has been saved.
func (r *ActivityRecord) Written() bool { return r.Version > 0 }

// RecordInput is a record's summary as staff save it, with the version
// their edit began from.
type RecordInput struct {
	Summary string
	Version int
}

// Validate checks what needs no database: a summary of text, not too
// long, and a version that could be one.
func (in *RecordInput) Validate() error {
	p := Problems{}
	in.Summary = strings.TrimSpace(in.Summary)
	switch {
	case in.Summary == "":
		p.Add("summary", FRRequired)
	case !ValidText(in.Summary):
		p.Add("summary", FRInvalidText)
	case utf8.RuneCountInString(in.Summary) > MaxRecordSummary:
		p.Add("summary", FRTooLong)
	}
	if in.Version < 0 {
		p.Add("version", FRInvalid)
	}
	return p.Err()
}

// MayReadRecord says whether actor may read an activity's record, its
// sign-in sheet and its station's ledger: staff of its station (an admin
// anywhere); staff of another station are answered as if it did not
// exist, anyone else is forbidden.
func MayReadRecord(actor *User, a *Activity) error { return actor.ActsAt(a.StationID) }

// MayWriteRecord says whether actor may save an activity's record at now:
// those who may read it, once the activity has begun (a record says what
// happened) and unless it was cancelled.
func MayWriteRecord(actor *User, a *Activity, now time.Time) error {
	if err := MayReadRecord(actor, a); err != nil {
		return err
	}
	switch {
	case a.Status == ActivityCancelled:
		return Errorf(ECActivityCancelled)
	case now.Before(a.Start):
		return &Error{Code: ECNotStarted, Note: NoteRecord}
	}
	return nil
}

// NoteRecord marks a refusal that is about an activity's record.
const NoteRecord = "record"

// ECActivityRecorded refuses cancelling an activity whose record staff
// wrote: the record says it took place, and a cancelled activity leaves
// the month's ledger, its record with it (and its people would be told,
// after the fact, that it is off).
const ECActivityRecorded = "activity_recorded"

// CheckCancelRecorded says whether an activity whose record is at version
// (0: none written) may be cancelled.
func CheckCancelRecorded(version int) error {
	if version > 0 {
		return Errorf(ECActivityRecorded)
	}
	return nil
}

// CheckRecordVersion refuses an edit that began from a version other than
// the one saved: someone saved meanwhile, and the last to save must not
// silently undo their words.
func CheckRecordVersion(saved, editedFrom int) error {
	if saved != editedFrom {
		return &Error{Code: ECStaleEdit}
	}
	return nil
}

// SignInSheet is an activity's sign-in sheet: one row a person holding a
// place, confirmed first, then the waitlist in its order.
type SignInSheet struct {
	Activity *Activity
	Rows     []SignInRow
	Blanks   int // empty rows for walk-ins
}

// SignInRow is one person on a sign-in sheet.
type SignInRow struct {
	UserID   ID
	Name     string
	Area     string // their residential area; "" when none
	Status   string // RegConfirmed or RegWaitlisted
	Position int    // on the waitlist, from 1
}

// SignInBlanks is how many empty rows a sign-in sheet leaves for people
// who come without a place: the places left when there are places (a
// class that is full still has some who do not come), between 5 and 20,
// and 10 when places are unlimited.
func SignInBlanks(a *Activity) int {
	if a.Capacity == 0 {
		return 10
	}
	return min(max(a.PlacesLeft(), 5), 20)
}

// LedgerQuery asks for a station's ledger of a month, "YYYY-MM" (empty:
// this month, the one staff keep as it goes); Format says what is made of
// it ("page" or "xlsx"), for the audit log.
type LedgerQuery struct {
	StationID ID
	Month     string
	Format    string
}

// Formats of a ledger.
const (
	LedgerPage = "page"
	LedgerXLSX = FormatXLSX
)

// Validate reads q's month for station st at now: months as a report
// takes them (ReportMonths), this month when none is given.
func (q LedgerQuery) Validate(st *Station, now time.Time) (Month, error) {
	m := MonthOf(now.In(st.Location()))
	if q.Month == "" {
		return m, nil
	}
	earliest, latest := ReportMonths(st, now)
	m, ok := ParseMonth(q.Month)
	switch {
	case !ok:
		return m, Invalid("month", FRMonth)
	case m.Before(earliest) || latest.Before(m):
		return m, Invalid("month", FRMonthOutOfRange)
	}
	return m, nil
}

// Ledger is a station's month of activity records (台账), in the order
// the activities took place, with the month's activities that have none.
type Ledger struct {
	Station    *Station
	Month      Month
	Records    []*ActivityRecord
	Unrecorded []*Activity // begun in the month, not cancelled, no record
	MadeAt     time.Time
}

// RecordService keeps the station's paper: sign-in sheets, activity
// records and the month's ledger, for the station's staff.
type RecordService interface {
	SignInSheet(ctx context.Context, activityID ID) (*SignInSheet, error)
	// ActivityRecord is an activity's record with its counts and photos;
	// one not yet written has Version 0 and no summary.
	ActivityRecord(ctx context.Context, activityID ID) (*ActivityRecord, error)
	// SaveActivityRecord saves the summary if nobody saved since the
	// version in.Version (else stale_edit); audited.
	SaveActivityRecord(ctx context.Context, activityID ID, in RecordInput) (*ActivityRecord, error)
	// Ledger is a station's month of records; audited, and counted
	// against the reader's reports (ThrottleReport).
	Ledger(ctx context.Context, q LedgerQuery) (*Ledger, error)
}
