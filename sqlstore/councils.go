package sqlstore

import (
	"context"
	"strings"
	"time"

	"guli"
)

// Councils implements guli.CouncilService. A member is a row keyed by
// council and person, so adding someone twice at once makes one member.
// Councils and lists of them are public and kept while the data version
// holds (memo.go), and so is each council's roll of members, handed out
// only to those who may see it.
type Councils struct {
	db       *DB
	councils memo[guli.ID, *guli.Council]
	lists    memo[listKey, guli.Page[*guli.Council]]
	rolls    memo[guli.ID, *councilRoll]
}

// councilRoll is who sits on a council: by when they joined, and by id.
type councilRoll struct {
	members []*guli.CouncilMember
	ids     map[guli.ID]bool
}

// maxListedMembers bounds the members a council's list shows.
const maxListedMembers = 2000

// NewCouncils returns the councils of db.
func NewCouncils(db *DB) *Councils {
	return &Councils{db: db, councils: memo[guli.ID, *guli.Council]{max: 1000},
		lists: memo[listKey, guli.Page[*guli.Council]]{max: 1000}, rolls: memo[guli.ID, *councilRoll]{max: 1000}}
}

var _ guli.CouncilService = (*Councils)(nil)

const councilColumns = `c.id, c.station_id, c.name, c.kind, c.created_at, s.timezone,
	(SELECT COUNT(*) FROM council_members m WHERE m.council_id = c.id)`

const councilFrom = ` FROM councils c JOIN stations s ON s.id = c.station_id`

func scanCouncil(row interface{ Scan(...any) error }) (*guli.Council, error) {
	var c guli.Council
	var id, station, created int64
	var tz string
	if err := row.Scan(&id, &station, &c.Name, &c.Kind, &created, &tz, &c.Members); err != nil {
		return nil, err
	}
	c.ID, c.StationID, c.CreatedAt = guli.ID(id), guli.ID(station), fromMS(created).In(guli.Zone(tz))
	return &c, nil
}

// council loads a council in q; not_found when there is none.
func council(ctx context.Context, q runner, id guli.ID) (*guli.Council, error) {
	c, err := scanCouncil(q.row(ctx, "SELECT "+councilColumns+councilFrom+" WHERE c.id = ?", id))
	return c, notFound(err)
}

// CreateCouncil sets a council up at a station, by its staff.
func (s *Councils) CreateCouncil(ctx context.Context, in guli.CouncilInput) (*guli.Council, error) {
	actor, err := guli.RequireUser(ctx)
	if err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if err := actor.ActsAt(in.StationID); err != nil {
		if guli.ErrorCode(err) == guli.ECNotFound {
			return nil, guli.Invalid("station_id", guli.FRUnknownStation)
		}
		return nil, err
	}
	var out *guli.Council
	err = s.db.tx(ctx, func(q runner) error {
		if ok, err := q.exists(ctx, "SELECT 1 FROM stations WHERE id = ?", in.StationID); err != nil || !ok {
			return orInvalid(err, "station_id", guli.FRUnknownStation)
		}
		id, err := q.insert(ctx, "INSERT INTO councils (station_id, name, kind, created_at) VALUES (?, ?, ?, ?)",
			in.StationID, in.Name, in.Kind, ms(s.db.now()))
		if err != nil {
			return err
		}
		out, err = council(ctx, q, id)
		return err
	})
	return out, err
}

// Councils lists councils, of a station or all, oldest first.
func (s *Councils) Councils(ctx context.Context, f guli.CouncilFilter) (guli.Page[*guli.Council], error) {
	after, err := guli.IDCursor(f.Cursor)
	if err != nil {
		return guli.Page[*guli.Council]{}, err
	}
	limit := f.PageSize()
	return s.lists.get(ctx, s.db, listKey{of: f.StationID, cursor: f.Cursor, limit: limit}, func(ctx context.Context) (guli.Page[*guli.Council], error) {
		where, args := []string{"c.id > ?"}, []any{after}
		if f.StationID != 0 {
			where, args = append(where, "c.station_id = ?"), append(args, f.StationID)
		}
		var page guli.Page[*guli.Council]
		var err error
		page.Items, err = list(ctx, s.db.read(), scanCouncil, "SELECT "+councilColumns+councilFrom+" WHERE "+strings.Join(where, " AND ")+
			" ORDER BY c.id LIMIT ?", append(args, limit+1)...)
		if err != nil {
			return page, s.db.mapErr(err)
		}
		return trim(page, limit, func(c *guli.Council) []string { return []string{c.ID.String()} }), nil
	})
}

// Council returns one council; councils are public.
func (s *Councils) Council(ctx context.Context, id guli.ID) (*guli.Council, error) {
	return s.councils.get(ctx, s.db, id, func(ctx context.Context) (*guli.Council, error) {
		c, err := council(ctx, s.db.read(), id)
		return c, s.db.mapErr(err)
	})
}

// AddMember makes a person who belongs to the council's station a member,
// by the station's staff (audited).
func (s *Councils) AddMember(ctx context.Context, councilID, userID guli.ID) error {
	_, err := lockedChange(ctx, s.db, "councils", councilID, council, func(q runner, c *guli.Council, actor *guli.User, now time.Time) error {
		if err := c.CheckRun(actor); err != nil {
			return err
		}
		person, err := openPersonIn(ctx, q, userID)
		if isNotFound(err) {
			return guli.Invalid("user_id", guli.FRUnknownUser)
		}
		if err != nil {
			return err
		}
		var childHomes []guli.ID
		if c.Kind == guli.CouncilParents {
			if childHomes, err = ids(ctx, q, `SELECT a.station_id FROM family_links l JOIN users u ON u.id = l.dependent_id
				JOIN areas a ON a.id = u.area_id WHERE l.guardian_id = ? AND l.status = 'active' AND l.relation = 'child'`, userID); err != nil {
				return err
			}
		}
		if err := c.CheckMember(person, now, childHomes...); err != nil {
			return err
		}
		if err := guli.CheckNotClosed(person); err != nil {
			return err
		}
		if ok, err := q.exists(ctx, "SELECT 1 FROM council_members WHERE council_id = ? AND user_id = ?", councilID, userID); err != nil || ok {
			if err == nil {
				err = guli.Errorf(guli.ECAlreadyMember)
			}
			return err
		}
		if _, err := q.exec(ctx, "INSERT INTO council_members (council_id, user_id, added_by, added_at) VALUES (?, ?, ?, ?)",
			councilID, userID, actor.ID, ms(now)); err != nil {
			return err
		}
		return audit(ctx, q, now, actor, "council.add_member", userID, councilID.String())
	})
	return err
}

// RemoveMember ends a membership, by the station's staff (audited).
func (s *Councils) RemoveMember(ctx context.Context, councilID, userID guli.ID) error {
	_, err := lockedChange(ctx, s.db, "councils", councilID, council, func(q runner, c *guli.Council, actor *guli.User, now time.Time) error {
		if err := c.CheckRun(actor); err != nil {
			return err
		}
		res, err := q.exec(ctx, "DELETE FROM council_members WHERE council_id = ? AND user_id = ?", councilID, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return hidden()
		}
		return audit(ctx, q, now, actor, "council.remove_member", userID, councilID.String())
	})
	return err
}

// Members lists a council's members by name, for its station's staff and
// its members; to anyone else the list is forbidden.
func (s *Councils) Members(ctx context.Context, councilID guli.ID) ([]*guli.CouncilMember, error) {
	actor, err := guli.RequireUser(ctx)
	if err != nil {
		return nil, err
	}
	c, err := s.Council(ctx, councilID)
	if err != nil {
		return nil, err
	}
	if !c.Runs(actor) {
		member, err := s.IsMember(ctx, councilID)
		if err != nil {
			return nil, err
		}
		if !member {
			if actor.IsStaff() {
				return nil, hidden()
			}
			return nil, guli.Errorf(guli.ECForbidden)
		}
	}
	roll, err := s.roll(ctx, councilID)
	if err != nil {
		return nil, err
	}
	return cloneAll(roll.members[:min(len(roll.members), maxListedMembers)]), nil
}

// roll is the council's roll of members, kept while the data holds; an
// empty one for a council there is not.
func (s *Councils) roll(ctx context.Context, councilID guli.ID) (*councilRoll, error) {
	return s.rolls.get(ctx, s.db, councilID, func(ctx context.Context) (*councilRoll, error) {
		roll := &councilRoll{ids: map[guli.ID]bool{}}
		var err error
		roll.members, err = list(ctx, s.db.read(), func(row interface{ Scan(...any) error }) (*guli.CouncilMember, error) {
			var m guli.CouncilMember
			var id, at int64
			var tz string
			err := row.Scan(&id, &m.Name, &at, &tz)
			m.UserID, m.AddedAt = guli.ID(id), fromMS(at).In(guli.Zone(tz))
			return &m, err
		}, `SELECT u.id, u.name, m.added_at, s.timezone FROM council_members m JOIN users u ON u.id = m.user_id
			JOIN councils c ON c.id = m.council_id JOIN stations s ON s.id = c.station_id
			WHERE m.council_id = ? ORDER BY m.added_at, u.id`, councilID)
		for _, m := range roll.members {
			roll.ids[m.UserID] = true
		}
		return roll, s.db.mapErr(err)
	})
}

// IsMember reports whether the signed-in person is a member of the council.
func (s *Councils) IsMember(ctx context.Context, councilID guli.ID) (bool, error) {
	actor := guli.UserFromContext(ctx)
	if actor == nil {
		return false, nil
	}
	roll, err := s.roll(ctx, councilID)
	if err != nil {
		return false, err
	}
	return roll.ids[actor.ID], nil
}
