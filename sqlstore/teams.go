package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"guli"
)

// Teams implements guli.TeamService. A change of a team's members locks
// the team's row, so two adds of one person at once make one membership
// (and the primary key of team_members refuses a second all the same). A
// nomination's decision locks the nomination's row: approve and decline at
// once decide it once.
//
// Teams are public and read far more than changed: lists and single teams
// are kept while the data version holds (memo.go), and so are a station's
// nominations, handed out to its staff only.
type Teams struct {
	db          *DB
	lists       memo[listKey, guli.Page[*guli.Team]]
	ones        memo[guli.ID, *guli.Team]
	nominations memo[listKey, guli.Page[*guli.Nomination]]
}

// NewTeams returns the incubator of db.
func NewTeams(db *DB) *Teams {
	return &Teams{db: db, lists: memo[listKey, guli.Page[*guli.Team]]{max: 1000}, ones: memo[guli.ID, *guli.Team]{max: 10000},
		nominations: memo[listKey, guli.Page[*guli.Nomination]]{max: 1000}}
}

var _ guli.TeamService = (*Teams)(nil)

const teamColumns = `t.id, t.station_id, t.name, t.kind, t.description, t.members, t.created_at, s.timezone,
	COALESCE(tp.id, 0), COALESCE(tp.width, 0), COALESCE(tp.height, 0)`

// teamFrom reads a team with its station and its photo, of which there is
// one at most (the unique index photos_team).
const teamFrom = `
	FROM teams t
	JOIN stations s ON s.id = t.station_id
	LEFT JOIN photos tp ON tp.team_id = t.id`

func scanTeam(row interface{ Scan(...any) error }) (*guli.Team, error) {
	var t guli.Team
	var id, station, created, photo int64
	var tz string
	if err := row.Scan(&id, &station, &t.Name, &t.Kind, &t.Description, &t.MemberCount, &created, &tz,
		&photo, &t.PhotoWidth, &t.PhotoHeight); err != nil {
		return nil, err
	}
	t.ID, t.StationID, t.PhotoID, t.CreatedAt = guli.ID(id), guli.ID(station), guli.ID(photo), fromMS(created).In(guli.Zone(tz))
	t.LeaderIDs, t.LeaderNames = []guli.ID{}, []string{}
	return &t, nil
}

// withLeaders fills in the leaders of teams and their names, with one
// query for them all: a list never loads its teams one by one.
func withLeaders(ctx context.Context, q runner, teams ...*guli.Team) error {
	if len(teams) == 0 {
		return nil
	}
	byID := make(map[guli.ID]*guli.Team, len(teams))
	args := make([]any, 0, len(teams)+1)
	args = append(args, guli.TeamLeaderRole)
	for _, t := range teams {
		byID[t.ID] = t
		args = append(args, t.ID)
	}
	rows, err := q.query(ctx, `SELECT m.team_id, m.user_id, u.name FROM team_members m JOIN users u ON u.id = m.user_id
		WHERE m.role = ? AND m.team_id IN (`+placeholders(len(teams))+`) ORDER BY m.joined_at, m.user_id`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var team, user int64
		var name string
		if err := rows.Scan(&team, &user, &name); err != nil {
			return err
		}
		if t := byID[guli.ID(team)]; t != nil {
			t.LeaderIDs, t.LeaderNames = append(t.LeaderIDs, guli.ID(user)), append(t.LeaderNames, name)
		}
	}
	return rows.Err()
}

// load reads a team with its members, leaders first.
func (s *Teams) load(ctx context.Context, q runner, id guli.ID) (*guli.Team, error) {
	t, err := scanTeam(q.row(ctx, "SELECT "+teamColumns+teamFrom+" WHERE t.id = ?", id))
	if err != nil {
		return nil, s.db.mapErr(notFound(err))
	}
	loc := t.CreatedAt.Location()
	t.Members, err = list(ctx, q, func(row interface{ Scan(...any) error }) (guli.TeamMember, error) {
		var m guli.TeamMember
		var user, joined int64
		err := row.Scan(&user, &m.Name, &m.Role, &joined, &m.BirthYear)
		m.UserID, m.JoinedAt = guli.ID(user), fromMS(joined).In(loc)
		return m, err
	}, `SELECT m.user_id, u.name, m.role, m.joined_at, COALESCE(u.birth_year, 0) FROM team_members m JOIN users u ON u.id = m.user_id
		WHERE m.team_id = ? ORDER BY CASE WHEN m.role = 'leader' THEN 0 ELSE 1 END, m.joined_at, m.user_id LIMIT 1000`, id)
	if err != nil {
		return nil, s.db.mapErr(err)
	}
	for _, m := range t.Members {
		if m.Role == guli.TeamLeaderRole {
			t.LeaderIDs, t.LeaderNames = append(t.LeaderIDs, m.UserID), append(t.LeaderNames, m.Name)
		}
	}
	return t, nil
}

// CreateTeam starts a team of a station, led from the start by its leader
// when one is named, with its photo when one is given: the acting staff
// member's own upload (guli.MaySetTeamPhoto).
func (s *Teams) CreateTeam(ctx context.Context, in guli.TeamInput) (*guli.Team, error) {
	actor, err := guli.RequireUser(ctx)
	if err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if err := guli.CheckCreateTeam(actor, in.StationID); err != nil {
		if guli.ErrorCode(err) == guli.ECNotFound && actor.IsAdmin() {
			return nil, guli.Invalid("station_id", guli.FRUnknownStation)
		}
		return nil, err
	}
	var out *guli.Team
	err = s.db.tx(ctx, func(q runner) error {
		if ok, err := q.exists(ctx, "SELECT 1 FROM stations WHERE id = ?", in.StationID); err != nil || !ok {
			return orInvalid(err, "station_id", guli.FRUnknownStation)
		}
		now := s.db.now()
		id, err := createTeam(ctx, q, now, in)
		if err != nil {
			return err
		}
		if in.PhotoID != 0 {
			if err := setTeamPhoto(ctx, q, &guli.Team{ID: id, StationID: in.StationID}, actor.ID, in.PhotoID); err != nil {
				return err
			}
		}
		out, err = s.load(ctx, q, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// createTeam writes a team in q; its leader must belong to the station.
func createTeam(ctx context.Context, q runner, now time.Time, in guli.TeamInput) (guli.ID, error) {
	id, err := q.insert(ctx, "INSERT INTO teams (station_id, name, kind, description, created_at) VALUES (?, ?, ?, ?, ?)",
		in.StationID, in.Name, in.Kind, in.Description, ms(now))
	if err != nil {
		return 0, err
	}
	if in.LeaderID == 0 {
		return id, nil
	}
	leader, err := openPersonIn(ctx, q, in.LeaderID)
	if isNotFound(err) {
		return 0, guli.Invalid("leader_user_id", guli.FRUnknownUser)
	}
	if err != nil {
		return 0, err
	}
	if guli.CheckJoinStation(leader, in.StationID) != nil {
		return 0, guli.Invalid("leader_user_id", guli.FRUnknownUser)
	}
	if err := guli.CheckNotClosed(leader); err != nil {
		return 0, err
	}
	return id, addMember(ctx, q, now, id, in.LeaderID, guli.TeamLeaderRole)
}

func addMember(ctx context.Context, q runner, now time.Time, team, user guli.ID, role string) error {
	if _, err := q.exec(ctx, "INSERT INTO team_members (team_id, user_id, role, joined_at) VALUES (?, ?, ?, ?)", team, user, role, ms(now)); err != nil {
		return err
	}
	_, err := q.exec(ctx, "UPDATE teams SET members = members + 1 WHERE id = ?", team)
	return err
}

// Teams lists teams, of a station or all, by kind, oldest first: a
// station's first teams are its best known.
func (s *Teams) Teams(ctx context.Context, f guli.TeamFilter) (guli.Page[*guli.Team], error) {
	var page guli.Page[*guli.Team]
	if err := f.Validate(); err != nil {
		return page, err
	}
	after, err := guli.IDCursor(f.Cursor)
	if err != nil {
		return page, err
	}
	limit := f.PageSize()
	key := listKey{of: f.StationID, which: f.Kind, cursor: f.Cursor, limit: limit}
	return s.lists.get(ctx, s.db, key, func(ctx context.Context) (guli.Page[*guli.Team], error) {
		where, args := []string{"t.id > ?"}, []any{after}
		if f.StationID != 0 {
			where, args = append(where, "t.station_id = ?"), append(args, f.StationID)
		}
		if f.Kind != "" {
			where, args = append(where, "t.kind = ?"), append(args, f.Kind)
		}
		var page guli.Page[*guli.Team]
		var err error
		page.Items, err = list(ctx, s.db.read(), scanTeam,
			"SELECT "+teamColumns+teamFrom+" WHERE "+strings.Join(where, " AND ")+" ORDER BY t.id LIMIT ?", append(args, limit+1)...)
		if err == nil {
			err = withLeaders(ctx, s.db.read(), page.Items...)
		}
		if err != nil {
			return page, s.db.mapErr(err)
		}
		return trim(page, limit, func(t *guli.Team) []string { return []string{t.ID.String()} }), nil
	})
}

// Team returns one team with its members. What is kept is shared: callers
// copy before changing.
func (s *Teams) Team(ctx context.Context, id guli.ID) (*guli.Team, error) {
	t, err := s.ones.get(ctx, s.db, id, func(ctx context.Context) (*guli.Team, error) { return s.load(ctx, s.db.read(), id) })
	if err != nil {
		return nil, err
	}
	return t.ShownTo(guli.UserFromContext(ctx), s.db.now()), nil // kept for all, a child hidden from each
}

// UpcomingClasses lists the scheduled activities the team's leaders host
// at its station from now on: a studio's classes are its talent's.
func (s *Teams) UpcomingClasses(ctx context.Context, teamID guli.ID, limit int) ([]*guli.Activity, error) {
	t, err := s.Team(ctx, teamID)
	if err != nil {
		return nil, err
	}
	if len(t.LeaderIDs) == 0 {
		return []*guli.Activity{}, nil
	}
	limit = guli.ListOptions{Limit: limit}.PageSize()
	args := []any{t.StationID, guli.ActivityScheduled, ms(s.db.now())}
	for _, id := range t.LeaderIDs {
		args = append(args, id)
	}
	acts := &Activities{db: s.db}
	out, err := list(ctx, s.db.read(), acts.scan, activitySelect+` WHERE a.station_id = ? AND a.status = ? AND a.end_at > ?
		AND a.host_id IN (`+placeholders(len(t.LeaderIDs))+`) ORDER BY a.start_at, a.id LIMIT ?`, append(args, limit)...)
	return out, s.db.mapErr(err)
}

// change locks a team, lets decide check and write, and returns the team
// as it then is.
func (s *Teams) change(ctx context.Context, id guli.ID, decide func(q runner, t *guli.Team, actor *guli.User, now time.Time) error) (*guli.Team, error) {
	return lockedChange(ctx, s.db, "teams", id, s.load, decide)
}

// AddMember puts a person of the station into the team.
func (s *Teams) AddMember(ctx context.Context, teamID guli.ID, in guli.MemberInput) (*guli.TeamMember, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var added guli.ID
	t, err := s.change(ctx, teamID, func(q runner, t *guli.Team, actor *guli.User, now time.Time) error {
		if err := t.CheckManage(actor); err != nil {
			return err
		}
		person, err := named(ctx, q, in.UserID, in.Phone)
		if err != nil {
			return err
		}
		in.UserID, added = person.ID, person.ID
		if err := t.CheckAddMember(actor, in.UserID, in.Role); err != nil {
			return err
		}
		if err := guli.CheckJoinStation(person, t.StationID); err != nil {
			return unknownAs(err, in.Phone)
		}
		if err := guli.CheckNotClosed(person); err != nil {
			return err
		}
		if err := addMember(ctx, q, now, teamID, in.UserID, in.Role); err != nil {
			return err
		}
		return audit(ctx, q, now, actor, "team.member.add", in.UserID, fmt.Sprintf("team %d as %s", teamID, in.Role))
	})
	if err != nil {
		return nil, err
	}
	m := t.ShownTo(guli.UserFromContext(ctx), s.db.now()).Member(added)
	if m == nil {
		return nil, guli.Errorf(guli.ECInternal) // the lock held: it must be there
	}
	return m, nil
}

// RemoveMember takes a person out of the team.
func (s *Teams) RemoveMember(ctx context.Context, teamID, userID guli.ID) error {
	_, err := s.change(ctx, teamID, func(q runner, t *guli.Team, actor *guli.User, now time.Time) error {
		if err := t.CheckRemoveMember(actor, userID); err != nil {
			return err
		}
		if _, err := q.exec(ctx, "DELETE FROM team_members WHERE team_id = ? AND user_id = ?", teamID, userID); err != nil {
			return err
		}
		if _, err := q.exec(ctx, "UPDATE teams SET members = members - 1 WHERE id = ?", teamID); err != nil {
			return err
		}
		return audit(ctx, q, now, actor, "team.member.remove", userID, fmt.Sprintf("team %d", teamID))
	})
	return err
}

// SetTeamPhoto makes photoID the team's photo, or with 0 takes it away,
// under the team's row lock: those who manage the team, with their own
// upload.
func (s *Teams) SetTeamPhoto(ctx context.Context, teamID, photoID guli.ID) (*guli.Team, error) {
	return s.change(ctx, teamID, func(q runner, t *guli.Team, actor *guli.User, now time.Time) error {
		if err := t.CheckManage(actor); err != nil {
			return err
		}
		return setTeamPhoto(ctx, q, t, actor.ID, photoID)
	})
}

// MyTeams lists the teams the acting user is in.
func (s *Teams) MyTeams(ctx context.Context) ([]*guli.Team, error) {
	me, err := guli.RequireUser(ctx)
	if err != nil {
		return nil, err
	}
	items, err := list(ctx, s.db.read(), scanTeam, "SELECT "+teamColumns+teamFrom+
		" JOIN team_members m ON m.team_id = t.id WHERE m.user_id = ? ORDER BY t.id LIMIT 200", me.ID)
	if err == nil {
		err = withLeaders(ctx, s.db.read(), items...)
	}
	return items, s.db.mapErr(err)
}

const nominationColumns = `n.id, n.station_id, n.area_id, a.committee, a.name, n.nominee_id, u.name, n.skill, n.reason, n.status,
	COALESCE(n.filed_by, 0), COALESCE(f.name, ''), COALESCE(n.decided_by, 0), n.decided_at, COALESCE(n.studio_id, 0), n.created_at, s.timezone`

const nominationFrom = `
	FROM nominations n
	JOIN areas a ON a.id = n.area_id
	JOIN users u ON u.id = n.nominee_id
	JOIN stations s ON s.id = n.station_id
	LEFT JOIN users f ON f.id = n.filed_by`

func scanNomination(row interface{ Scan(...any) error }) (*guli.Nomination, error) {
	var n guli.Nomination
	var id, station, area, nominee, filed, decider, studio, created int64
	var decided sql.NullInt64
	var areaName, tz string
	if err := row.Scan(&id, &station, &area, &n.Committee, &areaName, &nominee, &n.Nominee, &n.Skill, &n.Reason, &n.Status,
		&filed, &n.FiledName, &decider, &decided, &studio, &created, &tz); err != nil {
		return nil, err
	}
	if n.Committee == "" {
		n.Committee = areaName // an area without a committee's name speaks by its own
	}
	loc := guli.Zone(tz)
	n.ID, n.StationID, n.AreaID, n.NomineeID = guli.ID(id), guli.ID(station), guli.ID(area), guli.ID(nominee)
	n.FiledBy, n.DecidedBy, n.StudioID, n.CreatedAt = guli.ID(filed), guli.ID(decider), guli.ID(studio), fromMS(created).In(loc)
	if decided.Valid {
		n.DecidedAt = fromMS(decided.Int64).In(loc)
	}
	return &n, nil
}

func (s *Teams) loadNomination(ctx context.Context, q runner, id guli.ID) (*guli.Nomination, error) {
	n, err := scanNomination(q.row(ctx, "SELECT "+nominationColumns+nominationFrom+" WHERE n.id = ?", id))
	if err != nil {
		return nil, s.db.mapErr(notFound(err))
	}
	return n, nil
}

// Nominate files a committee's nomination of a resident of the station.
func (s *Teams) Nominate(ctx context.Context, in guli.NominationInput) (*guli.Nomination, error) {
	actor, err := guli.RequireUser(ctx)
	if err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var out *guli.Nomination
	err = s.db.tx(ctx, func(q runner) error {
		var station int64
		if err := q.row(ctx, "SELECT station_id FROM areas WHERE id = ?", in.AreaID).Scan(&station); err != nil {
			if isNotFound(err) {
				return guli.Invalid("area_id", guli.FRUnknownArea)
			}
			return err
		}
		sits, err := q.exists(ctx, `SELECT 1 FROM team_members m JOIN teams t ON t.id = m.team_id
			WHERE m.user_id = ? AND t.station_id = ? AND t.kind = ?`, actor.ID, station, guli.TeamCommittee)
		if err != nil {
			return err
		}
		if err := guli.CheckNominate(actor, guli.ID(station), sits); err != nil {
			return err
		}
		// The nominee's row is locked alone first, so that two
		// nominations of them filed at once wait for each other (a shared
		// lock taken first and raised after would deadlock them).
		if err := q.row(ctx, "SELECT id FROM users WHERE (id = ? OR (? = 0 AND phone = ?))"+q.d.forUpdate(),
			in.UserID, in.UserID, in.Phone).Scan(new(int64)); err != nil && !isNotFound(err) {
			return err
		}
		person, err := named(ctx, q, in.UserID, in.Phone)
		if err != nil {
			return err
		}
		in.UserID = person.ID
		if err := guli.CheckNominee(actor, person, guli.ID(station)); err != nil {
			return unknownAs(err, in.Phone)
		}
		if err := guli.CheckNotClosed(person); err != nil {
			return err
		}
		nominated, err := q.exists(ctx, "SELECT 1 FROM nominations WHERE station_id = ? AND nominee_id = ? AND skill = ? AND status <> ?",
			station, person.ID, in.Skill, guli.NominationDeclined)
		if err != nil {
			return err
		}
		if err := guli.CheckNotNominated(nominated); err != nil {
			return err
		}
		now := s.db.now()
		if !actor.WorksAt(guli.ID(station)) {
			if err := charge(ctx, q, limited{guli.ThrottleNominations, actor.ID.String()}, now); err != nil {
				return err
			}
		}
		id, err := q.insert(ctx, `INSERT INTO nominations (station_id, area_id, nominee_id, skill, reason, filed_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, station, in.AreaID, in.UserID, in.Skill, in.Reason, nullID(actor.ID), ms(now))
		if err != nil {
			return err
		}
		out, err = s.loadNomination(ctx, q, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Nominations lists a station's nominations for its staff, newest first.
func (s *Teams) Nominations(ctx context.Context, stationID guli.ID, status string, opts guli.ListOptions) (guli.Page[*guli.Nomination], error) {
	var page guli.Page[*guli.Nomination]
	actor, err := guli.RequireUser(ctx)
	if err != nil {
		return page, err
	}
	if err := actor.ActsAt(stationID); err != nil {
		return page, err
	}
	if err := guli.CheckNominationStatus(status); err != nil {
		return page, err
	}
	before, err := newestFirst(opts.Cursor)
	if err != nil {
		return page, err
	}
	limit := opts.PageSize()
	key := listKey{of: stationID, which: status, cursor: opts.Cursor, limit: limit}
	kept, err := s.nominations.get(ctx, s.db, key, func(ctx context.Context) (guli.Page[*guli.Nomination], error) {
		var page guli.Page[*guli.Nomination]
		where, args := "n.station_id = ? AND n.id < ?", []any{stationID, before}
		if status != "" {
			where, args = where+" AND n.status = ?", append(args, status)
		}
		var err error
		page.Items, err = list(ctx, s.db.read(), scanNomination, "SELECT "+nominationColumns+nominationFrom+
			" WHERE "+where+" ORDER BY n.id DESC LIMIT ?", append(args, limit+1)...)
		if err != nil {
			return page, s.db.mapErr(err)
		}
		return trim(page, limit, func(n *guli.Nomination) []string { return []string{n.ID.String()} }), nil
	})
	return guli.Page[*guli.Nomination]{Items: cloneAll(kept.Items), NextCursor: kept.NextCursor}, err
}

// Approve makes the nominee a talent, through the one path roles change
// by, and opens their studio, led by them, in the same transaction.
func (s *Teams) Approve(ctx context.Context, id guli.ID) (*guli.Nomination, error) {
	return lockedChange(ctx, s.db, "nominations", id, s.loadNomination, func(q runner, n *guli.Nomination, actor *guli.User, now time.Time) error {
		if err := n.CheckDecide(actor); err != nil {
			return err
		}
		var current string
		if err := q.row(ctx, "SELECT roles FROM users WHERE id = ?", n.NomineeID).Scan(&current); err != nil {
			return notFound(err)
		}
		if roles := parseRoles(current); !slices.Contains(roles, guli.RoleTalent) {
			if _, err := setRoles(ctx, q, now, actor, n.NomineeID, guli.RolesInput{Roles: guli.WithRole(roles, guli.RoleTalent)}); err != nil {
				return err
			}
		}
		studio, err := createTeam(ctx, q, now, guli.TeamInput{StationID: n.StationID, Name: n.StudioName(), Kind: guli.TeamStudio,
			Description: n.Reason, LeaderID: n.NomineeID})
		if err != nil {
			return err
		}
		if _, err := q.exec(ctx, "UPDATE nominations SET status = ?, decided_by = ?, decided_at = ?, studio_id = ? WHERE id = ?",
			guli.NominationApproved, nullID(actor.ID), ms(now), studio, id); err != nil {
			return err
		}
		return audit(ctx, q, now, actor, "nomination.approve", n.NomineeID, fmt.Sprintf("nomination %d, studio %d", id, studio))
	})
}

// Decline closes a nomination without a studio.
func (s *Teams) Decline(ctx context.Context, id guli.ID) (*guli.Nomination, error) {
	return lockedChange(ctx, s.db, "nominations", id, s.loadNomination, func(q runner, n *guli.Nomination, actor *guli.User, now time.Time) error {
		if err := n.CheckDecide(actor); err != nil {
			return err
		}
		if _, err := q.exec(ctx, "UPDATE nominations SET status = ?, decided_by = ?, decided_at = ? WHERE id = ?",
			guli.NominationDeclined, nullID(actor.ID), ms(now), id); err != nil {
			return err
		}
		return audit(ctx, q, now, actor, "nomination.decline", n.NomineeID, fmt.Sprintf("nomination %d", id))
	})
}

// named loads the person an input names, by id or else by phone; one
// there is none of is unknown, on the field the input used.
func named(ctx context.Context, q runner, id guli.ID, phone string) (*guli.User, error) {
	if id == 0 {
		var found int64
		if err := q.row(ctx, "SELECT id FROM users WHERE phone = ?", phone).Scan(&found); err != nil {
			if isNotFound(err) {
				return nil, guli.Invalid("phone", guli.FRUnknownUser)
			}
			return nil, err
		}
		id = guli.ID(found)
	}
	person, err := openPersonIn(ctx, q, id)
	if isNotFound(err) {
		return nil, unknownAs(guli.Invalid("user_id", guli.FRUnknownUser), phone)
	}
	return person, err
}

// unknownAs tells what is wrong with the person on the phone field when
// the input named them by phone.
func unknownAs(err error, phone string) error {
	if reason := guli.AsError(err).Fields["user_id"]; phone != "" && reason != "" {
		return guli.Invalid("phone", reason)
	}
	return err
}
