package guli

import (
	"context"
	"time"
)

// Data rights: a person downloads everything kept about them, and closes
// their account. A closed account keeps its row, so that the station's
// figures and the time bank's ledger still add up (visits, attendances,
// requests and entries point at it), but nothing of the person: the name
// becomes ClosedAccountName, the phone number and e-mail address are
// removed (the number may register again), and birth year, emergency
// contact, health measurements, volunteer profile, memberships, sessions
// and notifications go.

// ClosedAccountName is the name every closed account bears, in the
// stored records; pages show it in the reader's language.
const ClosedAccountName = "已注销居民"

// ECAccountClosed is the code of acting on a closed account.
const ECAccountClosed = "account_closed"

// FRClosedName is the reason a person's name is refused that is the name
// closed accounts bear: whoever took it would read as a closed account
// on the board, in teams and in the audit log.
const FRClosedName = "closed_name"

// IsClosedAccountName reports whether a person's name would read as
// ClosedAccountName (but for spaces and full-width letters).
func IsClosedAccountName(name string) bool { return SameName(name, ClosedAccountName) }

// CheckNotClosed refuses to add anything to a closed account (409
// account_closed): a reading, a membership, minutes, a role, a visit, a
// nomination or a ballot given a closed account would be data about
// someone who asked to be forgotten, or a slip at the desk that picked
// the wrong row. Whoever may not see the person is told first that there
// is no such person, as ever.
func CheckNotClosed(person *User) error {
	if person != nil && person.Closed {
		return Errorf(ECAccountClosed)
	}
	return nil
}

// CloseInput closes an account: one's own, knowing its password, or — by
// staff at the desk — a resident's, without it (they may have none).
type CloseInput struct {
	UserID     ID // 0: one's own
	Password   string
	ClientAddr string
}

// Own reports whether actor closes their own account.
func (in CloseInput) Own(actor *User) bool { return in.UserID == 0 || in.UserID == actor.ID }

// Validate checks the shape: one's own account needs its password.
func (in CloseInput) Validate(actor *User) error {
	p := Problems{}
	if in.Own(actor) && in.Password == "" {
		p.Add("password", FRRequired)
	}
	if len(in.Password) > MaxPasswordLength {
		p.Add("password", FRTooLong)
	}
	if in.UserID < 0 {
		p.Add("user_id", FRUnknownUser)
	}
	return p.Err()
}

// MayCloseAccount decides whether actor may close subject's account
// (subject's Stations and HomeStation loaded): anyone their own, but the
// last admin; staff the residents, volunteers and talents whose accounts
// they keep (StewardOf); only an admin another staff member's or admin's.
// Someone else's account answers as if it did not exist. admins is how
// many admins there are now.
func MayCloseAccount(actor, subject *User, admins int) error {
	if err := MayOfferClosing(actor, subject); err != nil {
		return err
	}
	return CheckAdminRemains(subject.Roles, nil, admins)
}

// MayOfferClosing decides whether actor may be offered to close subject's
// account, as MayCloseAccount but for the count of admins, which is
// checked on closing: the desk's confirmation page asks it, so that staff
// are never offered a form the closing refuses.
func MayOfferClosing(actor, subject *User) error {
	switch {
	case actor == nil:
		return Errorf(ECUnauthenticated)
	case subject == nil:
		return Errorf(ECNotFound)
	case actor.ID == subject.ID:
	case !actor.IsStaff() || !actor.SeesPrivateDataOf(subject):
		return Errorf(ECNotFound)
	case subject.IsStaff() && !actor.IsAdmin(), !actor.StewardOf(subject):
		return Errorf(ECForbidden)
	}
	return nil
}

// AccountClosure is what closing an account did to what was still open.
type AccountClosure struct {
	UserID                 ID
	RegistrationsCancelled int // upcoming places given up (the waitlist moved up)
	RequestsCancelled      int // their open or claimed requests for help
	RequestsReleased       int // requests they had claimed, open again for others
	BookingsCancelled      int // their future room bookings
	// DependentsClosed are those the person kept without an account of
	// their own, and no other guardian kept, closed with them.
	DependentsClosed []ID
}

// DataExport is everything kept about one person, section by section, as
// they download it (GET /me/export) and read it (/me/data).
type DataExport struct {
	UserID     ID
	ExportedAt time.Time
	Sections   []ExportSection
}

// ExportSection is one kind of record: the profile (One: a single record,
// or none), visits, registrations...
type ExportSection struct {
	Name string
	One  bool
	Rows []ExportRow
	// More says a read for the screen left older records out (see
	// ShownRecords); a download has them all.
	More bool
	// Count is how many records the section has, in a summary for the
	// screen, whose Rows hold only the profile's and the audit's.
	Count int
}

// ShownRecords is how many records of each kind a page shows, newest
// first; the download has them all.
const ShownRecords = 50

// ShownOnSummary is how many audit entries about the person the summary
// of their data shows, newest first.
const ShownOnSummary = 10

// ExportRow is one record, its fields in a fixed order.
type ExportRow []ExportField

// ExportField is one field of a record. Value is a string, an int64, a
// float64, a bool, a time.Time, an ID or nil (nothing recorded).
type ExportField struct {
	Key   string
	Value any
}

// Section returns the section of that name, or an empty one.
func (e *DataExport) Section(name string) ExportSection {
	for _, s := range e.Sections {
		if s.Name == name {
			return s
		}
	}
	return ExportSection{Name: name}
}

// Get returns the value of a field of r, nil when it has none.
func (r ExportRow) Get(key string) any {
	for _, f := range r {
		if f.Key == key {
			return f.Value
		}
	}
	return nil
}

// DataRightsService lets people have their data and close their account.
type DataRightsService interface {
	// ExportMyData gathers everything kept about the acting person. The
	// export is audited.
	ExportMyData(ctx context.Context) (*DataExport, error)
	// MyData is the same for the person to read on screen, not audited
	// (reading one's own data is not a download): with section "", a
	// summary — how many records of each kind, the profile, and the
	// newest audit entries about them (ShownOnSummary); with a section's name, that
	// section's newest records (ShownRecords). An unknown name is
	// not_found.
	MyData(ctx context.Context, section string) (*DataExport, error)
	// CloseAccount closes an account (see CloseInput and
	// MayCloseAccount): what was open of theirs is cancelled or released,
	// their personal data erased, their sessions ended; audited.
	CloseAccount(ctx context.Context, in CloseInput) (*AccountClosure, error)
}
