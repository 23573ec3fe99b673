package guli

import (
	"context"
	"slices"
	"time"
)

// Kinds of in-app notification. Each has a title and body in the message
// catalogues ("notify.<kind>.title", "notify.<kind>.body") filled with Params.
const (
	NotifyPromoted          = "waitlist_promoted"
	NotifyActivityCancelled = "activity_cancelled"
	NotifyRegisteredByStaff = "registered_by_staff"

	// Mutual aid: the requester hears when their request is claimed,
	// given back and done; the volunteer when it is confirmed or
	// withdrawn; volunteers who fit a new request hear of it.
	NotifyHelpClaimed   = "help_claimed"
	NotifyHelpReleased  = "help_released"
	NotifyHelpDone      = "help_done"
	NotifyHelpConfirmed = "help_confirmed"
	NotifyHelpCancelled = "help_cancelled"
	NotifyHelpFits      = "help_fits"

	// The notice board: a safety alert, and a notice staff mark urgent,
	// are told to every resident of its station.
	NotifySafetyAlert  = "safety_alert"
	NotifyUrgentNotice = "urgent_notice"

	// Reminders (reminder.go): those confirmed for an activity, the
	// evening before; a station's staff, of a request needed soon that
	// nobody has taken.
	NotifyActivityReminder = "activity_reminder"
	NotifyHelpNearing      = "help_nearing"

	// Councils: a proposal's author hears the council's answer.
	NotifyProposalAnswered = "proposal_answered"

	// Families: a grown-up with an account of their own hears what a
	// guardian did for them (Person), so that nothing is done in their
	// name without their knowing. These are the dependent's alone: they
	// reach no guardian (IsFamilyAct).
	NotifyFamilyRegistered    = "family_registered"
	NotifyFamilyCancelled     = "family_cancelled"
	NotifyFamilyHelpAsked     = "family_help_asked"
	NotifyFamilyHelpConfirmed = "family_help_confirmed"
	NotifyFamilyHelpCancelled = "family_help_cancelled"
	NotifyFamilyMinutesGiven  = "family_minutes_given"
)

// FamilyActKinds are the kinds that tell a dependent what a guardian did
// for them.
var FamilyActKinds = []string{NotifyFamilyRegistered, NotifyFamilyCancelled, NotifyFamilyHelpAsked,
	NotifyFamilyHelpConfirmed, NotifyFamilyHelpCancelled, NotifyFamilyMinutesGiven}

// IsFamilyAct reports whether a kind tells a dependent what a guardian
// did for them: news for the dependent alone, which the guardian who did
// it already knows.
func IsFamilyAct(kind string) bool { return slices.Contains(FamilyActKinds, kind) }

// NotifyKinds lists every kind of notification.
var NotifyKinds = []string{NotifyPromoted, NotifyActivityCancelled, NotifyRegisteredByStaff,
	NotifyHelpClaimed, NotifyHelpReleased, NotifyHelpDone, NotifyHelpConfirmed, NotifyHelpCancelled, NotifyHelpFits,
	NotifySafetyAlert, NotifyUrgentNotice, NotifyActivityReminder, NotifyHelpNearing, NotifyProposalAnswered,
	NotifyFamilyRegistered, NotifyFamilyCancelled, NotifyFamilyHelpAsked, NotifyFamilyHelpConfirmed,
	NotifyFamilyHelpCancelled, NotifyFamilyMinutesGiven}

// A new request is told to the best TellFitting of the volunteers who
// fit it, and a volunteer hears of at most FitsPerDay new requests a day,
// so that nobody is flooded.
const (
	TellFitting = 5
	FitsPerDay  = 3
	fitsWindow  = 24 * time.Hour
)

// FitsSince is the start of the window in which FitsPerDay counts.
func FitsSince(now time.Time) time.Time { return now.Add(-fitsWindow) }

// MayTellFit reports whether a volunteer told of told new requests since
// FitsSince may be told of another.
func MayTellFit(told int) bool { return told < FitsPerDay }

// Notification tells a person something happened. Params fill the
// catalogue's message in the reader's language.
type Notification struct {
	ID     ID
	UserID ID
	// ForName is the name of the dependent it is for, when it reaches
	// their guardian; empty for the reader's own.
	ForName   string
	Kind      string
	Params    NotificationParams
	CreatedAt time.Time
	Read      bool
}

// NotificationParams are the facts a notification's message names.
type NotificationParams struct {
	ActivityID    ID
	ActivityTitle string
	Start         time.Time
	Timezone      string

	HelpID    ID
	HelpTitle string
	Person    string // who did it: the volunteer, the requester, the guardian
	Minutes   int    // of the service, or given
	// ToName is whom a guardian gave a dependent's minutes to.
	ToName string

	PostID    ID
	PostTitle string

	ProposalID    ID
	ProposalTitle string
	CouncilID     ID
	Outcome       string // of the proposal: accepted, declined or done
}

// NotificationService lists and marks the acting user's notifications.
type NotificationService interface {
	// Notifications lists the acting user's notifications and, for a
	// guardian, those of their active dependents that are theirs alone
	// (not a station's alerts, which the guardian has their own of).
	Notifications(ctx context.Context, opts ListOptions) (Page[*Notification], error)
	// NotificationsOf lists userID's: the acting user's own, or their
	// dependent's (MayActFor), else not_found.
	NotificationsOf(ctx context.Context, userID ID, opts ListOptions) (Page[*Notification], error)
	// MarkRead marks the acting user's notifications read; ids of anyone
	// else's are ignored.
	MarkRead(ctx context.Context, ids []ID) error
	// MarkOpened marks read the acting user's notifications of what they
	// opened (a post, a cancelled activity), so that a call list no longer
	// names them. It writes only when one is unread: opening a page is
	// otherwise a read.
	MarkOpened(ctx context.Context, target CallTarget) error
	UnreadCount(ctx context.Context) (int, error)
}

// LiveService tells open pages when the acting user's notifications may
// have changed, in this process or another, so that a page can show the
// new count without being reloaded.
type LiveService interface {
	// Listen returns a channel that receives, without blocking the sender
	// (several changes may come as one), when the acting user's
	// notifications may have changed; it stops when ctx ends. It refuses
	// with ECRateLimited when the user or the process holds too many.
	Listen(ctx context.Context) (<-chan struct{}, error)
}
