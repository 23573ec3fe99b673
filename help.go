package guli

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Mutual aid (邻里互助): a resident asks for help, a volunteer claims the
// request, does it and says how long it took, and the resident confirms;
// the time bank then credits the volunteer the minutes, once.
//
//	open → claimed → done → confirmed
//	open, claimed → cancelled
//	claimed → open (released)

// The states of a help request.
const (
	HelpOpen      = "open"
	HelpClaimed   = "claimed"
	HelpDone      = "done"
	HelpConfirmed = "confirmed"
	HelpCancelled = "cancelled"
)

// Error codes of mutual aid.
const (
	ECNotOpen        = "not_open"
	ECOwnRequest     = "own_request"
	ECNotDone        = "not_done"
	ECNotCancellable = "not_cancellable"
)

// HelpOverdue is how long a request may stay open without a volunteer
// before staff are shown it.
const HelpOverdue = 48 * time.Hour

// The bounds of a service's length, in minutes: a day at most.
const (
	MinServiceMinutes = 1
	MaxServiceMinutes = 24 * 60
)

// HelpRequest is a resident's request for help.
type HelpRequest struct {
	ID          ID
	StationID   ID // the requester's home station; staff of it look after the request
	RequesterID ID
	Requester   string // the requester's name
	AreaID      ID     // the requester's area, 0 when they have none
	Title       string
	Description string
	Category    string
	NeededBy    time.Time // zero: whenever someone can
	Status      string
	VolunteerID ID // the claimer, 0 while nobody has claimed it
	Volunteer   string
	Minutes     int // how long the service took, once done
	Rating      int // 1..5, 0 when none was given
	Comment     string
	FiledBy     ID // who filed it on the requester's behalf: staff or a guardian; 0 for the requester
	CreatedAt   time.Time
	ClaimedAt   time.Time
	DoneAt      time.Time
	ConfirmedAt time.Time

	// RequesterPhone is the requester's phone, "" when they have none;
	// only those SeesRequesterContact allows are shown it.
	RequesterPhone string
	// Family and FamilyPhone are the guardian who filed it for their
	// dependent, "" otherwise: the one to call about a child or a parent
	// without a phone, shown as RequesterPhone is.
	Family, FamilyPhone string
	// RequesterBirthYear is the requester's, to tell a child (IsChild);
	// RequesterChild says the request is shown without their name
	// (ShownTo).
	RequesterBirthYear int
	RequesterChild     bool
}

// ShownTo is the request as reader reads it at now. A child under 14
// asks through their guardian; the volunteers who read, claim and serve
// the request read "a child", never the child's name (PIPL: a child's
// data only with a guardian's consent, for those who need it). The child,
// and the staff of the request's station, read the name; so does the
// guardian, whom the caller tells from others (guardian). h is not
// changed; a changed copy is returned when there is something to hide.
func (h *HelpRequest) ShownTo(reader *User, guardian bool, now time.Time) *HelpRequest {
	if guardian || reader != nil && (reader.ID == h.RequesterID || reader.WorksAt(h.StationID)) ||
		!IsChild(&User{BirthYear: h.RequesterBirthYear}, now) {
		return h
	}
	c := *h
	c.Requester, c.RequesterChild = "", true
	return &c
}

// HelpRequestInput asks for help. OnBehalfOf is the resident staff file it
// for; 0 for oneself.
type HelpRequestInput struct {
	Title       string
	Description string
	Category    string
	NeededBy    time.Time
	OnBehalfOf  ID
}

// Validate checks what needs no database.
func (in *HelpRequestInput) Validate(now time.Time) error {
	p := Problems{}
	in.Title = strings.TrimSpace(in.Title)
	in.Description = strings.TrimSpace(in.Description)
	switch {
	case in.Title == "":
		p.Add("title", FRRequired)
	case utf8.RuneCountInString(in.Title) > 100:
		p.Add("title", FRTooLong)
	}
	if utf8.RuneCountInString(in.Description) > 2000 {
		p.Add("description", FRTooLong)
	}
	switch {
	case in.Category == "":
		p.Add("category", FRRequired)
	case !slices.Contains(HelpCategories, in.Category):
		p.Add("category", FRInvalid)
	}
	if !in.NeededBy.IsZero() && (!PlausibleTime(in.NeededBy) || in.NeededBy.Before(now.Add(-24*time.Hour))) {
		p.Add("needed_by", FROutOfRange)
	}
	return p.Err()
}

// CheckClaim says whether actor may claim the request: volunteers, not
// their own, only while it is open.
func (h *HelpRequest) CheckClaim(actor *User) error {
	switch {
	case actor == nil:
		return Errorf(ECUnauthenticated)
	case !actor.Has(RoleVolunteer):
		return Errorf(ECForbidden)
	case actor.ID == h.RequesterID:
		return Errorf(ECOwnRequest)
	case h.Status != HelpOpen:
		return Errorf(ECNotOpen)
	}
	return nil
}

// CheckRelease says whether actor may give the request back: its claimer,
// while it is claimed.
func (h *HelpRequest) CheckRelease(actor *User) error {
	switch {
	case actor == nil:
		return Errorf(ECUnauthenticated)
	case h.VolunteerID != actor.ID:
		return Errorf(ECForbidden)
	case h.Status != HelpClaimed:
		return Errorf(ECNotOpen)
	}
	return nil
}

// CheckDone says whether actor may mark the request done after minutes of
// service: its claimer, while it is claimed.
func (h *HelpRequest) CheckDone(actor *User, minutes int) error {
	if err := h.CheckRelease(actor); err != nil {
		return err
	}
	if minutes < MinServiceMinutes || minutes > MaxServiceMinutes {
		return Invalid("minutes", FROutOfRange)
	}
	return nil
}

// ConfirmInput closes a service: a rating of 1..5 (0 for none), a word
// of thanks, and whether the requester pays the minutes from their own
// balance rather than the station's fund.
type ConfirmInput struct {
	Rating         int
	Comment        string
	PayFromBalance bool
}

// Validate checks what needs no database.
func (in *ConfirmInput) Validate() error {
	p := Problems{}
	in.Comment = strings.TrimSpace(in.Comment)
	if in.Rating < 0 || in.Rating > 5 {
		p.Add("rating", FROutOfRange)
	}
	if utf8.RuneCountInString(in.Comment) > 500 {
		p.Add("comment", FRTooLong)
	}
	return p.Err()
}

// CheckConfirm says whether actor may confirm the service: the requester,
// or staff of the request's station, once it is done. Only the requester
// spends their own minutes on it.
func (h *HelpRequest) CheckConfirm(actor *User, in ConfirmInput) error {
	switch {
	case actor == nil:
		return Errorf(ECUnauthenticated)
	case actor.ID != h.RequesterID && !actor.WorksAt(h.StationID):
		return Errorf(ECForbidden)
	case in.PayFromBalance && actor.ID != h.RequesterID:
		return Errorf(ECForbidden)
	case h.Status != HelpDone:
		return Errorf(ECNotDone)
	}
	return nil
}

// CheckCancel says whether actor may withdraw the request: the requester,
// or staff of its station, before it is done.
func (h *HelpRequest) CheckCancel(actor *User) error {
	switch {
	case actor == nil:
		return Errorf(ECUnauthenticated)
	case actor.ID != h.RequesterID && !actor.WorksAt(h.StationID):
		return Errorf(ECForbidden)
	case h.Status != HelpOpen && h.Status != HelpClaimed:
		return Errorf(ECNotCancellable)
	}
	return nil
}

// Already reports whether the request stands as actor's action ("claim",
// "release", "done", "confirm" or "cancel") would leave it, so that the
// action asked again (a double tap, a form sent twice) is told it went
// through rather than refused with words that say something else happened:
// claimed or done by them, back on the open list, confirmed or withdrawn
// where they may confirm or withdraw. Nothing is done again.
func (h *HelpRequest) Already(action string, actor *User) bool {
	if actor == nil || actor.ID == 0 {
		return false
	}
	mayClose := actor.ID == h.RequesterID || actor.WorksAt(h.StationID)
	switch action {
	case "claim":
		return h.Status == HelpClaimed && h.VolunteerID == actor.ID
	case "release":
		return h.Status == HelpOpen && actor.Has(RoleVolunteer) && actor.ID != h.RequesterID
	case "done":
		return (h.Status == HelpDone || h.Status == HelpConfirmed) && h.VolunteerID == actor.ID
	case "confirm":
		return h.Status == HelpConfirmed && mayClose
	case "cancel":
		return h.Status == HelpCancelled && mayClose
	}
	return false
}

// VisibleTo reports whether viewer may read the request at all: its
// requester and claimer, staff of its station, and volunteers, whose role
// staff grant. A resident who merely signed up reads only their own: a
// list of who needs help when is not for strangers.
func (h *HelpRequest) VisibleTo(viewer *User) bool {
	if viewer == nil || viewer.ID == 0 {
		return false
	}
	return viewer.ID == h.RequesterID || (h.VolunteerID != 0 && viewer.ID == h.VolunteerID) ||
		viewer.WorksAt(h.StationID) || viewer.Has(RoleVolunteer)
}

// HelpListScope is what of the requests a reader's lists may hold.
type HelpListScope int

const (
	// ListOwn: only requests one asked or claimed.
	ListOwn HelpListScope = iota
	// ListStaffStations: one's own, and those of the stations one works at.
	ListStaffStations
	// ListAll: every request (volunteers and the district's admin).
	ListAll
)

// HelpListScopeOf says which requests viewer's lists may hold, as
// VisibleTo decides for one.
func HelpListScopeOf(viewer *User) HelpListScope {
	switch {
	case viewer.IsAdmin() || viewer.Has(RoleVolunteer):
		return ListAll
	case viewer.IsStaff():
		return ListStaffStations
	}
	return ListOwn
}

// In what capacity someone filed a request for another (HelpRequest.FiledBy).
const (
	FiledByStaff  = "staff"
	FiledByFamily = "family"
)

// SeesRequesterContact reports whether viewer may see the requester's
// phone and exact address: the requester, the claimer, and staff of the
// request's station.
func (h *HelpRequest) SeesRequesterContact(viewer *User) bool {
	if viewer == nil || viewer.ID == 0 {
		return false
	}
	return viewer.ID == h.RequesterID || (h.VolunteerID != 0 && viewer.ID == h.VolunteerID) || viewer.WorksAt(h.StationID)
}

// StaffSeesContact reports whether viewer is shown the requester's phone
// only because they are staff of the station, not as the requester or
// the claimer: such a look at a resident's data is audited.
func (h *HelpRequest) StaffSeesContact(viewer *User) bool {
	return (h.RequesterPhone != "" || h.FamilyPhone != "") && h.SeesRequesterContact(viewer) &&
		viewer.ID != h.RequesterID && viewer.ID != h.VolunteerID
}

// Overdue reports whether the request has waited too long for a volunteer.
func (h *HelpRequest) Overdue(now time.Time) bool {
	return h.Status == HelpOpen && h.CreatedAt.Before(OverdueSince(now))
}

// OverdueSince is when a request still open at now must have been asked
// to be overdue: a list of the overdue ones is the open ones asked before.
func OverdueSince(now time.Time) time.Time { return now.Add(-HelpOverdue) }

// HelpFilter narrows a list of help requests.
type HelpFilter struct {
	Status        string    // one of the states, or "" for all
	Mine          bool      // asked by or claimed by the reader
	StationID     ID        // of this station only, 0 for all
	Category      string    // one of HelpCategories, or "" for all
	AreaID        ID        // asked by residents of this area, 0 for all
	CreatedBefore time.Time // asked before this time; zero for any time
	NeededBefore  time.Time // needed by a time before this one; zero for any, or none
}

// HelpService runs mutual aid. Invariant: a request is claimed by at most
// one volunteer at a time, and a confirmed service credits its volunteer
// once.
type HelpService interface {
	AskForHelp(ctx context.Context, in HelpRequestInput) (*HelpRequest, error)
	HelpRequest(ctx context.Context, id ID) (*HelpRequest, error)
	HelpRequests(ctx context.Context, f HelpFilter, opts ListOptions) (Page[*HelpRequest], error)
	Claim(ctx context.Context, id ID) (*HelpRequest, error)
	Release(ctx context.Context, id ID) (*HelpRequest, error)
	Done(ctx context.Context, id ID, minutes int) (*HelpRequest, error)
	Confirm(ctx context.Context, id ID, in ConfirmInput) (*HelpRequest, error)
	CancelHelp(ctx context.Context, id ID) (*HelpRequest, error)
	// Candidates ranks the volunteers who could help with request id, for
	// its requester or staff of its station.
	Candidates(ctx context.Context, id ID) ([]Candidate, error)
}
