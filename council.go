package guli

import (
	"context"
	"slices"
	"strings"
	"time"
)

// Councils (议事会): residents and parents deliberate in councils of their
// station. Staff of the station set a council up and say who its members
// are; members vote in its polls, and its meetings, proposals and
// resolutions are the station's record.

// Kinds of council.
const (
	CouncilResidents = "residents" // 居民议事会
	CouncilParents   = "parents"   // 家长议事会
)

// CouncilKinds lists the kinds.
var CouncilKinds = []string{CouncilResidents, CouncilParents}

// A second membership answers ECAlreadyMember (team.go), as a team's does.

// Council is one council of a station.
type Council struct {
	ID        ID
	StationID ID
	Name      string
	Kind      string
	Members   int
	CreatedAt time.Time
}

// CouncilMember is a member of a council, for staff and fellow members.
type CouncilMember struct {
	UserID  ID
	Name    string
	AddedAt time.Time
}

// CouncilInput is a new council.
type CouncilInput struct {
	StationID ID
	Name      string
	Kind      string
}

// Validate checks what needs no database.
func (in *CouncilInput) Validate() error {
	p := Problems{}
	in.Name = strings.TrimSpace(in.Name)
	switch {
	case in.StationID == 0:
		p.Add("station_id", FRRequired)
	case in.StationID < 0:
		p.Add("station_id", FRInvalid)
	}
	checkText(p, "name", in.Name, 50, true)
	switch {
	case in.Kind == "":
		p.Add("kind", FRRequired)
	case !slices.Contains(CouncilKinds, in.Kind):
		p.Add("kind", FRInvalid)
	}
	return p.Err()
}

// Runs reports whether actor runs the council: staff of its station and
// admins set it up, say who its members are, hold its meetings and polls.
func (c *Council) Runs(actor *User) bool { return actor.WorksAt(c.StationID) }

// CheckRun says whether actor may run the council: forbidden for someone
// who is not staff, not_found for staff of another station.
func (c *Council) CheckRun(actor *User) error { return actor.ActsAt(c.StationID) }

// FRChildMember: a child under 14 does not sit on a council (members
// vote and read each other's names); their guardian does.
const FRChildMember = "child_member"

// CheckMember says whether person may join the council at now: someone
// who belongs to its station (lives in one of its areas, or joined its
// activities), and for a parents' council also the guardian of a child
// whose home station it is, wherever the guardian lives; never a child
// under 14. childHomes are the home stations of the person's children
// under an active link; person.Stations must be loaded.
func (c *Council) CheckMember(person *User, now time.Time, childHomes ...ID) error {
	switch {
	case person == nil:
	case IsChild(person, now):
		return Invalid("user_id", FRChildMember)
	case slices.Contains(person.Stations, c.StationID):
		return nil
	case c.Kind == CouncilParents && slices.Contains(childHomes, c.StationID):
		return nil
	}
	return Invalid("user_id", FRUnknownUser)
}

// CouncilFilter narrows the list of councils.
type CouncilFilter struct {
	StationID ID // 0: every station
	ListOptions
}

// CouncilService sets councils up and says who their members are.
type CouncilService interface {
	CreateCouncil(ctx context.Context, in CouncilInput) (*Council, error)
	Councils(ctx context.Context, f CouncilFilter) (Page[*Council], error)
	Council(ctx context.Context, id ID) (*Council, error)
	// AddMember makes a person of the station a member; a second time
	// answers already_member.
	AddMember(ctx context.Context, councilID, userID ID) error
	RemoveMember(ctx context.Context, councilID, userID ID) error
	// Members lists the members, for staff of the station and members.
	Members(ctx context.Context, councilID ID) ([]*CouncilMember, error)
	// IsMember reports whether the signed-in person is a member.
	IsMember(ctx context.Context, councilID ID) (bool, error)
}
