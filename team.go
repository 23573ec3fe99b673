package guli

import (
	"context"
	"slices"
	"strings"
	"time"
)

// The incubator (社区孵化器): the station grows its own teams. A volunteer
// team, the talents' studios (挂牌工作室), committees and interest groups
// such as the choir each have leaders and members. The residents'
// committees nominate talents; staff approve a nomination, which makes the
// person a talent and opens their studio.

// Kinds of team.
const (
	TeamVolunteer     = "volunteer_team"
	TeamStudio        = "studio"
	TeamCommittee     = "committee"
	TeamInterestGroup = "interest_group"
)

// TeamKinds lists the kinds in the order pages show them.
var TeamKinds = []string{TeamStudio, TeamInterestGroup, TeamVolunteer, TeamCommittee}

// Roles in a team.
const (
	TeamMemberRole = "member"
	TeamLeaderRole = "leader"
)

// Nomination states.
const (
	NominationPending  = "pending"
	NominationApproved = "approved"
	NominationDeclined = "declined"
)

// Error codes of the incubator.
const (
	ECAlreadyMember    = "already_member"
	ECAlreadyDecided   = "already_decided"
	ECAlreadyNominated = "already_nominated"
)

// Lengths the incubator takes, in characters.
const (
	MaxTeamName        = 50
	MaxTeamDescription = 2000
	MaxSkill           = 30
	MaxNominationText  = 1000
)

// TeamMember is one person in a team.
type TeamMember struct {
	UserID   ID
	Name     string
	Role     string
	JoinedAt time.Time
	// BirthYear is the member's, to tell a child (IsChild); Child says
	// the member is shown without a name (Team.ShownTo).
	BirthYear int
	Child     bool
}

// Team is a volunteer team, a studio, a committee or an interest group of a
// station.
type Team struct {
	ID          ID
	StationID   ID
	Name        string
	Kind        string
	Description string
	LeaderIDs   []ID
	LeaderNames []string     // in the order of LeaderIDs
	Members     []TeamMember // leaders first; loaded for one team only
	MemberCount int
	// PhotoID is the team's photo (a studio's picture), 0 for none; its
	// size in pixels, as kept, is PhotoWidth × PhotoHeight.
	PhotoID                 ID
	PhotoWidth, PhotoHeight int
	CreatedAt               time.Time
}

// Leads reports whether user is a leader of the team.
func (t *Team) Leads(user ID) bool { return user != 0 && slices.Contains(t.LeaderIDs, user) }

// Manages reports whether actor may change who is in the team: staff of
// its station and its leaders.
func (t *Team) Manages(actor *User) bool {
	return actor != nil && (actor.WorksAt(t.StationID) || t.Leads(actor.ID))
}

// Member returns the membership of user, or nil.
// ShownTo is the team as reader (nil: signed out) reads it at now. Its
// members are listed to anyone; a child under 14 among them is shown
// without their name, as a child, to all but the staff of the team's
// station (PIPL, as rosters: ShowChildren). t is not changed; a changed
// copy is returned when there is something to hide.
func (t *Team) ShownTo(reader *User, now time.Time) *Team {
	if reader != nil && reader.WorksAt(t.StationID) {
		return t
	}
	var shown *Team
	for i, m := range t.Members {
		if reader != nil && m.UserID == reader.ID || !IsChild(&User{BirthYear: m.BirthYear}, now) {
			continue
		}
		if shown == nil {
			c := *t
			c.Members = slices.Clone(t.Members)
			shown = &c
		}
		shown.Members[i].Name, shown.Members[i].BirthYear, shown.Members[i].Child = "", 0, true
	}
	if shown == nil {
		return t
	}
	shown.LeaderNames = nil
	for _, m := range shown.Members {
		if m.Role == TeamLeaderRole {
			shown.LeaderNames = append(shown.LeaderNames, m.Name)
		}
	}
	return shown
}

func (t *Team) Member(user ID) *TeamMember {
	for i := range t.Members {
		if t.Members[i].UserID == user {
			return &t.Members[i]
		}
	}
	return nil
}

// TeamInput is a new team. LeaderID, when set, leads it from the start;
// PhotoID, when set, is its photo (MaySetTeamPhoto).
type TeamInput struct {
	StationID   ID
	Name        string
	Kind        string
	Description string
	LeaderID    ID
	PhotoID     ID
}

// Validate checks what needs no database.
func (in *TeamInput) Validate() error {
	p := Problems{}
	in.Name = strings.TrimSpace(in.Name)
	in.Description = strings.TrimSpace(in.Description)
	switch {
	case in.StationID == 0:
		p.Add("station_id", FRRequired)
	case in.StationID < 0:
		p.Add("station_id", FRInvalid)
	}
	checkText(p, "name", in.Name, MaxTeamName, true)
	switch {
	case in.Kind == "":
		p.Add("kind", FRRequired)
	case !slices.Contains(TeamKinds, in.Kind):
		p.Add("kind", FRInvalid)
	}
	checkText(p, "description", in.Description, MaxTeamDescription, false)
	if in.LeaderID < 0 {
		p.Add("leader_user_id", FRUnknownUser)
	}
	if in.PhotoID < 0 {
		p.Add("photo_id", FRInvalid)
	}
	return p.Err()
}

// CheckCreateTeam says whether actor may start a team at a station: its
// staff only; staff of another station are answered as if it did not
// exist.
func CheckCreateTeam(actor *User, station ID) error { return actor.ActsAt(station) }

// MemberInput adds someone to a team.
type MemberInput struct {
	UserID ID
	Phone  string // the pages name people by phone; used when UserID is 0
	Role   string // member (the default) or leader
}

// Validate checks the input; an empty role is member.
func (in *MemberInput) Validate() error {
	p := Problems{}
	if in.Role == "" {
		in.Role = TeamMemberRole
	}
	in.Phone = NormalizePhone(in.Phone)
	switch {
	case in.UserID == 0 && in.Phone == "":
		p.Add("user_id", FRRequired)
	case in.UserID == 0 && !ValidPhone(in.Phone):
		p.Add("phone", FRInvalidPhone)
	case in.UserID < 0:
		p.Add("user_id", FRUnknownUser)
	}
	if in.Role != TeamMemberRole && in.Role != TeamLeaderRole {
		p.Add("role", FRInvalid)
	}
	return p.Err()
}

// CheckManage is who may touch the team's members: staff of its station
// and its leaders. Staff of another station meet not_found; others are
// forbidden, since the team itself is public.
func (t *Team) CheckManage(actor *User) error {
	switch {
	case actor == nil:
		return Errorf(ECUnauthenticated)
	case t.Manages(actor):
		return nil
	case actor.IsStaff():
		return Errorf(ECNotFound)
	}
	return Errorf(ECForbidden)
}

// CheckAddMember says whether actor may add someone as role: staff of the
// station add members and leaders; a leader adds members only, so leading
// is the station's choice. Someone already in the team is not added twice.
func (t *Team) CheckAddMember(actor *User, user ID, role string) error {
	if err := t.CheckManage(actor); err != nil {
		return err
	}
	if role == TeamLeaderRole && !actor.WorksAt(t.StationID) {
		return Errorf(ECForbidden)
	}
	if t.Member(user) != nil {
		return Errorf(ECAlreadyMember)
	}
	return nil
}

// CheckRemoveMember says whether actor may take user out of the team:
// staff of the station anyone; a leader members, and themself.
func (t *Team) CheckRemoveMember(actor *User, user ID) error {
	if err := t.CheckManage(actor); err != nil {
		return err
	}
	m := t.Member(user)
	switch {
	case m == nil:
		return Errorf(ECNotFound)
	case actor.WorksAt(t.StationID) || m.Role == TeamMemberRole || user == actor.ID:
		return nil
	}
	return Errorf(ECForbidden)
}

// CheckJoinStation says whether a person may be in a team of station: one
// who belongs to it (person.Stations loaded). Anyone else is unknown here.
func CheckJoinStation(person *User, station ID) error {
	if person == nil || !slices.Contains(person.Stations, station) {
		return Invalid("user_id", FRUnknownUser)
	}
	return nil
}

// TeamFilter narrows a station's teams.
type TeamFilter struct {
	StationID ID // 0: every station
	Kind      string
	ListOptions
}

// Validate checks the kind is one there is.
func (f TeamFilter) Validate() error {
	if f.Kind != "" && !slices.Contains(TeamKinds, f.Kind) {
		return Invalid("kind", FRInvalid)
	}
	return nil
}

// Nomination is a residents' committee's proposal of a resident as a
// community talent (社区能人) with a skill.
type Nomination struct {
	ID        ID
	StationID ID
	AreaID    ID
	Committee string // the area's residents' committee, who proposes
	NomineeID ID
	Nominee   string
	Skill     string
	Reason    string
	Status    string
	FiledBy   ID
	FiledName string
	DecidedBy ID
	DecidedAt time.Time
	StudioID  ID // the studio approval opened
	CreatedAt time.Time
}

// NominationInput is a committee's proposal: the area whose committee
// proposes, the resident, their skill and why.
type NominationInput struct {
	AreaID ID
	UserID ID
	Phone  string // the pages name the nominee by phone; used when UserID is 0
	Skill  string
	Reason string
}

// Validate checks what needs no database.
func (in *NominationInput) Validate() error {
	p := Problems{}
	in.Skill = strings.TrimSpace(in.Skill)
	in.Reason = strings.TrimSpace(in.Reason)
	switch {
	case in.AreaID == 0:
		p.Add("area_id", FRRequired)
	case in.AreaID < 0:
		p.Add("area_id", FRUnknownArea)
	}
	in.Phone = NormalizePhone(in.Phone)
	switch {
	case in.UserID == 0 && in.Phone == "":
		p.Add("user_id", FRRequired)
	case in.UserID == 0 && !ValidPhone(in.Phone):
		p.Add("phone", FRInvalidPhone)
	case in.UserID < 0:
		p.Add("user_id", FRUnknownUser)
	}
	checkText(p, "skill", in.Skill, MaxSkill, true)
	checkText(p, "reason", in.Reason, MaxNominationText, true)
	return p.Err()
}

// CheckNominate says whether actor may file a nomination at a station:
// its staff, on a committee's behalf, and members of one of its
// committee teams, who sit for the residents. Staff of another station
// meet not_found.
func CheckNominate(actor *User, station ID, sitsOnCommittee bool) error {
	switch {
	case actor == nil:
		return Errorf(ECUnauthenticated)
	case actor.WorksAt(station) || sitsOnCommittee:
		return nil
	case actor.IsStaff():
		return Errorf(ECNotFound)
	}
	return Errorf(ECForbidden)
}

// ThrottleNominations keeps a committee member from flooding the
// station's desk: every nomination filed counts; staff are not limited.
var ThrottleNominations = ThrottleRule{Scope: "nominations", Free: 10, First: 10 * time.Minute, Max: time.Hour, Window: time.Hour}

// FROwnNomination refuses nominating oneself: a talent is put forward by
// others.
const FROwnNomination = "own_nomination"

// CheckNominee says whether actor may nominate person at a station: a
// resident who lives in its areas (HomeStation loaded), so that its staff
// keep their account and may grant the role, and someone else than the
// actor.
func CheckNominee(actor, person *User, station ID) error {
	switch {
	case person == nil || person.HomeStation != station:
		return Invalid("user_id", FRUnknownUser)
	case actor != nil && person.ID == actor.ID:
		return Invalid("user_id", FROwnNomination)
	}
	return nil
}

// CheckNotNominated refuses a nomination of a person for a skill they are
// nominated for already, pending a decision or approved: a form sent
// twice, or two committee members putting the same talent forward, is one
// for staff to decide, and approving each would open the same studio
// twice. A declined nomination may be put forward again.
func CheckNotNominated(nominated bool) error {
	if nominated {
		return Errorf(ECAlreadyNominated)
	}
	return nil
}

// CheckNominationStatus refuses a status filter there is no such status
// for; "" is every status.
func CheckNominationStatus(status string) error {
	switch status {
	case "", NominationPending, NominationApproved, NominationDeclined:
		return nil
	}
	return Invalid("status", FRInvalid)
}

// CheckDecide says whether actor may approve or decline: staff of the
// station, once, and never on their own nomination (approval grants a
// role: nobody grants it to themself).
func (n *Nomination) CheckDecide(actor *User) error {
	if err := actor.ActsAt(n.StationID); err != nil {
		return err
	}
	if actor.ID == n.NomineeID {
		return Errorf(ECForbidden)
	}
	if n.Status != NominationPending {
		return Errorf(ECAlreadyDecided)
	}
	return nil
}

// StudioName is the name a new studio takes: the talent's and the skill's.
func (n *Nomination) StudioName() string {
	name := n.Nominee + "·" + n.Skill
	if r := []rune(name); len(r) > MaxTeamName {
		name = string(r[:MaxTeamName])
	}
	return name
}

// WithRole returns roles with r added, in canonical order.
func WithRole(roles []Role, r Role) []Role { return SortRoles(append(slices.Clone(roles), r)) }

// TeamService keeps teams, their members and the nominations of talents.
type TeamService interface {
	CreateTeam(ctx context.Context, in TeamInput) (*Team, error)
	Teams(ctx context.Context, f TeamFilter) (Page[*Team], error)
	// Team returns a team with its members.
	Team(ctx context.Context, id ID) (*Team, error)
	// UpcomingClasses lists what the team's leaders host at its station
	// from now on, soonest first.
	UpcomingClasses(ctx context.Context, teamID ID, limit int) ([]*Activity, error)
	AddMember(ctx context.Context, teamID ID, in MemberInput) (*TeamMember, error)
	RemoveMember(ctx context.Context, teamID, userID ID) error
	// SetTeamPhoto makes photoID the team's photo, replacing the one it
	// had, or, with 0, takes its photo away; by those who manage the team
	// (CheckManage), with a photo they uploaded (MaySetTeamPhoto). A photo
	// replaced or taken away is its uploader's own again.
	SetTeamPhoto(ctx context.Context, teamID, photoID ID) (*Team, error)
	// MyTeams lists the teams the acting user leads or is in.
	MyTeams(ctx context.Context) ([]*Team, error)

	Nominate(ctx context.Context, in NominationInput) (*Nomination, error)
	// Nominations lists a station's nominations for its staff, newest
	// first; status "" is all.
	Nominations(ctx context.Context, stationID ID, status string, opts ListOptions) (Page[*Nomination], error)
	// Approve grants the nominee the talent role and opens their studio,
	// in one transaction; Decline closes the nomination. Both are audited
	// and happen once.
	Approve(ctx context.Context, id ID) (*Nomination, error)
	Decline(ctx context.Context, id ID) (*Nomination, error)
}
