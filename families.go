package guli

import (
	"context"
	"slices"
	"time"
)

// Families: a resident keeps a child (or another person without a phone)
// as a dependent, or is let by a grown-up with an account of their own —
// an elderly parent — to act for them. Invariant 7 of the design: a person
// acts only for themselves, for their dependents whose link is active, or
// as staff on the people and things of their own stations; anything else
// answers as if it did not exist (MayActFor).

// Relations of a dependent to their guardian.
const (
	RelationChild  = "child"
	RelationParent = "parent"
	RelationOther  = "other"
)

// Relations are the relations there are.
var Relations = []string{RelationChild, RelationParent, RelationOther}

// Link statuses: a request waits for the grown-up it names to accept it;
// a dependent one keeps is active at once; either side ends it.
const (
	LinkPending = "pending"
	LinkActive  = "active"
	LinkEnded   = "ended"
)

// ECLinkExists: there is already a live link between the two people.
const ECLinkExists = "link_exists"

// ECFamilyFull: a guardian already has MaxFamily live links.
const ECFamilyFull = "family_full"

// MaxFamily bounds the live links one person holds as guardian (those they
// keep, act for and have asked): a family, not a list one could flood.
const MaxFamily = 20

// CheckFamilySize says whether a guardian holding live links may add one.
func CheckFamilySize(live int) error {
	if live >= MaxFamily {
		return &Error{Code: ECFamilyFull, Args: []any{MaxFamily}}
	}
	return nil
}

// FamilyLink lets Guardian act for Dependent while it is active.
type FamilyLink struct {
	ID          ID
	GuardianID  ID
	DependentID ID
	Relation    string
	Status      string
	// Kept says the dependent has no account of their own: the guardian
	// added them (POST /me/dependents).
	Kept bool
	// ConsentAt is when the guardian consented, for a child under 14, to
	// their personal data being kept (PIPL, article 31); zero otherwise.
	ConsentAt  time.Time
	CreatedAt  time.Time
	AcceptedAt time.Time
	EndedAt    time.Time
	// Guardian and Dependent are the two people, loaded for lists.
	Guardian, Dependent *User
}

// Live reports whether the link has not ended.
func (l *FamilyLink) Live() bool { return l.Status != LinkEnded }

// ShownToGuardian is what the guardian's side of the link reads of its
// dependent u: all of it once the link is active; of an ask not yet
// accepted, only the number asked. Anyone who knows a number may ask, and
// whose it is — name, birth year, area — is not theirs to learn before
// its owner agrees.
func (l *FamilyLink) ShownToGuardian(u *User) *User {
	if l.Status == LinkPending {
		return &User{ID: u.ID, Phone: u.Phone}
	}
	return u
}

// IsChild reports whether a person is a child under 14 at now, whose data
// is handled only with a guardian's consent. Age by years of birth, as
// everywhere (User.AgeIn); an unknown birth year is not a child's.
func IsChild(u *User, now time.Time) bool {
	age := u.AgeIn(now.Year())
	return age >= 0 && age < ChildAge
}

// DependentInput adds a person without an account, kept by the guardian.
type DependentInput struct {
	Name      string
	BirthYear int
	Relation  string
	AreaID    ID // 0: the guardian's own area
}

// Validate checks the fields; a birth year is needed to know a child.
func (in *DependentInput) Validate(now time.Time) error {
	p := Problems{}
	checkPersonName(p, "name", in.Name)
	if in.BirthYear == 0 {
		p.Add("birth_year", FRRequired)
	} else {
		checkBirthYear(p, "birth_year", in.BirthYear, now)
	}
	switch {
	case in.Relation == "":
		p.Add("relation", FRRequired)
	case !slices.Contains(Relations, in.Relation):
		p.Add("relation", FRInvalid)
	}
	if in.AreaID < 0 {
		p.Add("area_id", FRUnknownArea)
	}
	return p.Err()
}

// Acting says in what capacity someone acts for a person.
type Acting int

const (
	ActsAsSelf     Acting = iota + 1 // for themselves
	ActsAsGuardian                   // for a dependent, under an active link
	ActsAsStaff                      // as staff of one of the stations given, or the admin
)

// MayActFor is invariant 7: whether actor may act for person (register,
// cancel, ask for help, read their notifications and activities). links
// are the links from actor to person as read, under a lock, in the
// transaction that acts; stations are those whose staff may act on this
// person's thing (an activity's station, the person's stations). A
// guardian acts only under an active link; a pending or ended one gives
// nothing. Anything else answers not_found, as if the person did not exist.
func MayActFor(actor *User, person ID, stations []ID, links []*FamilyLink) (Acting, error) {
	switch {
	case actor == nil:
		return 0, Errorf(ECUnauthenticated)
	case person == actor.ID:
		return ActsAsSelf, nil
	}
	for _, l := range links {
		if l.Status == LinkActive && l.GuardianID == actor.ID && l.DependentID == person {
			return ActsAsGuardian, nil
		}
	}
	if actor.IsAdmin() || slices.ContainsFunc(stations, actor.WorksAt) {
		return ActsAsStaff, nil
	}
	return 0, Errorf(ECNotFound)
}

// Actable is whom guardian may act for now among their links (as
// FamilyService.Dependents lists them, each with its dependent): the
// dependents of the active ones (MayActFor), in the links' order. A link
// that waits for an answer or has ended gives no one.
func Actable(guardian *User, links []*FamilyLink) []*User {
	var people []*User
	for _, l := range links {
		if l.Dependent == nil || l.DependentID != l.Dependent.ID {
			continue
		}
		if acting, err := MayActFor(guardian, l.DependentID, nil, links); err == nil && acting == ActsAsGuardian {
			people = append(people, l.Dependent)
		}
	}
	return people
}

// LastKeeper reports whether ending link leaves its dependent, kept
// without an account of their own, with no guardian (others: another
// active link to them): they are then closed with it, as with a
// guardian's closing account, for nobody would be left to act for them
// and a child's data is kept only with a guardian's consent.
func LastKeeper(l *FamilyLink, others bool) bool {
	return l.Kept && l.Status == LinkActive && !others
}

// MayAnswerLink reports whether actor may accept a link for its
// dependent: the dependent themself, or staff who steward them at the desk
// (dependent's stations and roles loaded) — never the one who asked, staff
// or admin though they be, or any staff could make themselves anyone's
// guardian. For a dependent who is staff only an admin answers, as only
// an admin resets their password (MayResetPassword): a colleague would
// hand someone their inbox, places and minutes.
func MayAnswerLink(actor *User, l *FamilyLink, dependent *User) bool {
	switch {
	case actor == nil || actor.ID == l.GuardianID:
		return false
	case actor.ID == l.DependentID:
		return true
	case dependent != nil && dependent.IsStaff() && !actor.IsAdmin():
		return false
	}
	return actor.StewardOf(dependent)
}

// MayEndLink reports whether actor may end a link: either side of it, or
// staff who steward its dependent.
func MayEndLink(actor *User, l *FamilyLink, dependent *User) bool {
	return actor != nil && (actor.ID == l.GuardianID || MayAnswerLink(actor, l, dependent))
}

// SeesChild reports whether viewer may see a child's data (name, birth
// year, places): themself, a guardian under an active link, and staff of
// the child's stations (child.Stations loaded).
func SeesChild(viewer, child *User, links []*FamilyLink) bool {
	if viewer == nil || child == nil {
		return false
	}
	_, err := MayActFor(viewer, child.ID, child.Stations, links)
	return err == nil
}

// FamilyService keeps dependents and the links between family members.
type FamilyService interface {
	// AddDependent adds a person without an account, kept by the acting
	// user under an active link; for a child under 14 it records the
	// acting user's consent as guardian.
	AddDependent(ctx context.Context, in DependentInput) (*FamilyLink, error)
	// Dependents lists the acting user's live links as guardian, each with
	// its dependent.
	Dependents(ctx context.Context) ([]*FamilyLink, error)
	// Guardians lists the live links naming the acting user as dependent,
	// those waiting for an answer among them.
	Guardians(ctx context.Context) ([]*FamilyLink, error)
	// RequestLink asks the account with phone to let the acting user act
	// for them: a pending link.
	RequestLink(ctx context.Context, phone string) (*FamilyLink, error)
	// AcceptLink makes a pending link active: its dependent, or staff.
	AcceptLink(ctx context.Context, id ID) (*FamilyLink, error)
	// EndLink ends a link at once: either side, or staff.
	EndLink(ctx context.Context, id ID) error
	// LinksOf lists, for staff at the desk, the live links of people, as
	// guardian or as dependent, each with both people: of those people,
	// only the ones whose data the staff see (SeesPrivateDataOf). A child
	// on the other side whom they do not see has no name (SeesChild).
	LinksOf(ctx context.Context, people []ID) ([]*FamilyLink, error)
}

// MaxLinksOf bounds the people LinksOf is asked about at once: a page of
// the desk's search.
const MaxLinksOf = 100

// KeptAlone are the links among a guardian's whose dependent closing the
// guardian's account closes too: active, the dependent kept without an
// account of their own. Nobody else can be linked to a person without a
// phone, so no other guardian keeps them; the store checks that too.
func KeptAlone(links []*FamilyLink) []*FamilyLink {
	var out []*FamilyLink
	for _, l := range links {
		if l.Kept && l.Status == LinkActive {
			out = append(out, l)
		}
	}
	return out
}
