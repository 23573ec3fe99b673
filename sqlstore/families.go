package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"guli"
)

// Families implements guli.FamilyService.
//
// Invariant 7 of the design: a person acts for another only under an
// active link (guli.MayActFor). Every act for someone else reads the links
// between the two in its own transaction under a shared lock (actingFor);
// ending a link takes its row for update. So an end racing an act is
// either committed before the act reads the link, which then finds none,
// or waits for the act to commit: nothing is done under a link after the
// answer to its end. SQLite's single writer serialises the two alike.
//
// A guardian's dependents are read on every page they may choose whom to
// act for (the timetable, an activity, the help form), and kept per
// guardian while their tables stay as they were (memo.go).
type Families struct {
	db         *DB
	dependents memo[guli.ID, []*guli.FamilyLink]
}

// NewFamilies returns the family service of db.
func NewFamilies(db *DB) *Families {
	return &Families{db: db, dependents: memo[guli.ID, []*guli.FamilyLink]{max: 10000}}
}

var _ guli.FamilyService = (*Families)(nil)

const linkColumns = `l.id, l.guardian_id, l.dependent_id, l.relation, l.status, l.kept, l.consent_at, l.created_at, l.accepted_at, l.ended_at`

func scanLink(row interface{ Scan(...any) error }, extra ...any) (*guli.FamilyLink, error) {
	var (
		l                               guli.FamilyLink
		id, guardian, dependent, kept   int64
		consent, created, accepted, end sql.NullInt64
	)
	if err := row.Scan(append([]any{&id, &guardian, &dependent, &l.Relation, &l.Status, &kept, &consent, &created, &accepted, &end}, extra...)...); err != nil {
		return nil, err
	}
	l.ID, l.GuardianID, l.DependentID, l.Kept = guli.ID(id), guli.ID(guardian), guli.ID(dependent), kept != 0
	at := func(v sql.NullInt64) time.Time {
		if !v.Valid {
			return time.Time{}
		}
		return fromMS(v.Int64)
	}
	l.ConsentAt, l.CreatedAt, l.AcceptedAt, l.EndedAt = at(consent), at(created), at(accepted), at(end)
	return &l, nil
}

// actingFor decides whether actor may act for person (guli.MayActFor),
// stations being those whose staff may. The links from actor to person
// are read under a shared lock held to the end of the transaction.
func actingFor(ctx context.Context, q runner, actor *guli.User, person guli.ID, stations ...guli.ID) (guli.Acting, error) {
	if actor == nil || person == actor.ID {
		return guli.MayActFor(actor, person, stations, nil)
	}
	links, err := activeLinks(ctx, q, actor.ID, person, q.d.forShare())
	if err != nil {
		return 0, err
	}
	return guli.MayActFor(actor, person, stations, links)
}

// readActingFor decides as actingFor, for a read that changes nothing: the
// links as they stand, unlocked.
func readActingFor(ctx context.Context, q runner, actor *guli.User, person guli.ID, stations ...guli.ID) (guli.Acting, error) {
	if actor == nil || person == actor.ID {
		return guli.MayActFor(actor, person, stations, nil)
	}
	links, err := activeLinks(ctx, q, actor.ID, person, "")
	if err != nil {
		return 0, err
	}
	return guli.MayActFor(actor, person, stations, links)
}

// activeLinks reads the active links from guardian to dependent, with lock
// appended.
func activeLinks(ctx context.Context, q runner, guardian, dependent guli.ID, lock string) ([]*guli.FamilyLink, error) {
	return list(ctx, q, func(row interface{ Scan(...any) error }) (*guli.FamilyLink, error) { return scanLink(row) },
		`SELECT `+linkColumns+` FROM family_links l WHERE l.guardian_id = ? AND l.dependent_id = ? AND l.status = 'active'`+lock,
		guardian, dependent)
}

// activeDependents are the people guardian acts for under an active link,
// by id, with their names.
func activeDependents(ctx context.Context, q runner, guardian guli.ID) (map[guli.ID]string, []any, error) {
	names := map[guli.ID]string{}
	var ids []any
	rows, err := q.query(ctx, `SELECT l.dependent_id, u.name FROM family_links l JOIN users u ON u.id = l.dependent_id
		WHERE l.guardian_id = ? AND l.status = 'active' ORDER BY l.dependent_id LIMIT 200`, guardian)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, nil, err
		}
		names[guli.ID(id)], ids = name, append(ids, id)
	}
	return names, ids, rows.Err()
}

// activeDependentIDs are the ids of activeDependents, read from the links
// alone: what an unread count keeps moves with the links, not with every
// write of people's rows.
func activeDependentIDs(ctx context.Context, q runner, guardian guli.ID) ([]any, error) {
	found, err := ids(ctx, q, `SELECT dependent_id FROM family_links WHERE guardian_id = ? AND status = 'active' ORDER BY dependent_id LIMIT 200`, guardian)
	out := make([]any, len(found))
	for i, id := range found {
		out[i] = int64(id)
	}
	return out, err
}

// checkFamilySize counts the live links guardian holds, under a lock of
// their own (not their row's: two people asking for each other at once
// would each hold the other's row), so that adds at once are counted one
// after another, and asks the domain whether one more may be added
// (guli.CheckFamilySize).
func checkFamilySize(ctx context.Context, q runner, guardian guli.ID) error {
	if err := q.lock(ctx, "guli:family:"+guardian.String()); err != nil {
		return err
	}
	var live int
	if err := q.row(ctx, "SELECT COUNT(*) FROM family_links WHERE guardian_id = ? AND status <> 'ended'", guardian).Scan(&live); err != nil {
		return err
	}
	return guli.CheckFamilySize(live)
}

// lockOpenActor takes the acting user's row under lockPerson's lock and
// refuses a closed account. Their session was read before a closing at
// the desk may have committed: a child added, or an ask made, after it
// would stand kept by nobody (see DataRights.closeKeptAlone).
func lockOpenActor(ctx context.Context, q runner, actor *guli.User) error {
	closed, err := lockPerson(ctx, q, actor.ID)
	if err == nil && closed {
		err = guli.Errorf(guli.ECAccountClosed)
	}
	return err
}

// inList is "(?, ?, …)" for n values.
func inList(n int) string { return "(?" + strings.Repeat(", ?", n-1) + ")" }

// AddDependent adds a person without an account and the active link that
// lets the acting user act for them, in one transaction.
func (s *Families) AddDependent(ctx context.Context, in guli.DependentInput) (*guli.FamilyLink, error) {
	actor, err := guli.RequireUser(ctx)
	if err != nil {
		return nil, err
	}
	now := s.db.now()
	in.Name = strings.TrimSpace(in.Name)
	if err := in.Validate(now); err != nil {
		return nil, err
	}
	if in.AreaID == 0 {
		in.AreaID = actor.AreaID // a child lives where their guardian does
	}
	var out *guli.FamilyLink
	err = s.db.tx(ctx, func(q runner) error {
		if err := lockOpenActor(ctx, q, actor); err != nil {
			return err
		}
		if err := checkFamilySize(ctx, q, actor.ID); err != nil {
			return err
		}
		if err := checkArea(ctx, q, in.AreaID); err != nil {
			return err
		}
		person := &guli.User{Name: in.Name, BirthYear: in.BirthYear, AreaID: in.AreaID, Roles: []guli.Role{guli.RoleResident}, CreatedAt: now}
		id, err := q.insert(ctx, `INSERT INTO users (name, phone, password_hash, roles, area_id, birth_year, created_at)
			VALUES (?, NULL, '', ?, ?, ?, ?)`, person.Name, joinRoles(person.Roles), nullID(in.AreaID), in.BirthYear, ms(now))
		if err != nil {
			return err
		}
		person.ID = id
		var consent sql.NullInt64
		if guli.IsChild(person, now) {
			consent = sql.NullInt64{Int64: ms(now), Valid: true}
		}
		linkID, err := q.insert(ctx, `INSERT INTO family_links (guardian_id, dependent_id, relation, status, kept, consent_at, created_at, accepted_at, accepted_by)
			VALUES (?, ?, ?, 'active', 1, ?, ?, ?, ?)`, actor.ID, id, in.Relation, consent, ms(now), ms(now), actor.ID)
		if err != nil {
			return err
		}
		out = &guli.FamilyLink{ID: linkID, GuardianID: actor.ID, DependentID: id, Relation: in.Relation, Status: guli.LinkActive,
			Kept: true, CreatedAt: now, AcceptedAt: now, Dependent: person}
		if consent.Valid {
			out.ConsentAt = now
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// links lists live links with the person on their other side.
func (s *Families) links(ctx context.Context, where string, other string, id guli.ID) ([]*guli.FamilyLink, error) {
	items, err := list(ctx, s.db.read(), func(row interface{ Scan(...any) error }) (*guli.FamilyLink, error) {
		var u guli.User
		var phone sql.NullString
		var uid int64
		var area sql.NullInt64
		l, err := scanLink(row, &uid, &u.Name, &phone, &area, &u.BirthYear)
		if err != nil {
			return nil, err
		}
		u.ID, u.Phone, u.AreaID = guli.ID(uid), phone.String, guli.ID(area.Int64)
		if other == "dependent_id" {
			l.Dependent = l.ShownToGuardian(&u)
		} else {
			l.Guardian = &u
		}
		return l, nil
	}, `SELECT `+linkColumns+`, u.id, u.name, u.phone, u.area_id, u.birth_year FROM family_links l JOIN users u ON u.id = l.`+other+`
		WHERE l.`+where+` = ? AND l.status <> 'ended' ORDER BY l.id LIMIT 200`, id)
	return items, s.db.mapErr(err)
}

// Dependents lists the acting user's live links as guardian.
func (s *Families) Dependents(ctx context.Context) ([]*guli.FamilyLink, error) {
	actor, err := guli.RequireUser(ctx)
	if err != nil {
		return nil, err
	}
	kept, err := s.dependents.get(ctx, s.db, actor.ID, func(ctx context.Context) ([]*guli.FamilyLink, error) {
		return s.links(ctx, "guardian_id", "dependent_id", actor.ID)
	})
	if err != nil {
		return nil, err
	}
	links := make([]*guli.FamilyLink, len(kept))
	for i, l := range kept {
		c, d := *l, *l.Dependent
		c.Dependent = &d
		links[i] = &c
	}
	return links, nil
}

// Guardians lists the live links naming the acting user as dependent.
func (s *Families) Guardians(ctx context.Context) ([]*guli.FamilyLink, error) {
	actor, err := guli.RequireUser(ctx)
	if err != nil {
		return nil, err
	}
	return s.links(ctx, "dependent_id", "guardian_id", actor.ID)
}

// RequestLink asks the account with phone to let the acting user act for
// them. An unknown or closed number, like one's own, says only that.
func (s *Families) RequestLink(ctx context.Context, phone string) (*guli.FamilyLink, error) {
	actor, err := guli.RequireUser(ctx)
	if err != nil {
		return nil, err
	}
	phone = guli.NormalizePhone(strings.TrimSpace(phone))
	switch {
	case phone == "":
		return nil, guli.Invalid("phone", guli.FRRequired)
	case !guli.ValidPhone(phone):
		return nil, guli.Invalid("phone", guli.FRInvalidPhone)
	case phone == actor.Phone:
		return nil, guli.Invalid("phone", guli.FROwnPhone)
	}
	var out *guli.FamilyLink
	err = s.db.tx(ctx, func(q runner) error {
		if err := lockOpenActor(ctx, q, actor); err != nil {
			return err
		}
		var id int64
		var closed sql.NullInt64
		err := q.row(ctx, "SELECT id, closed_at FROM users WHERE phone = ?"+q.d.forShare(), phone).Scan(&id, &closed)
		if errors.Is(err, sql.ErrNoRows) || err == nil && closed.Valid {
			return guli.Invalid("phone", guli.FRUnknownPhone)
		}
		if err != nil {
			return err
		}
		if guli.ID(id) == actor.ID {
			return guli.Invalid("phone", guli.FROwnPhone)
		}
		if err := checkFamilySize(ctx, q, actor.ID); err != nil {
			return err
		}
		live, err := q.exists(ctx, "SELECT 1 FROM family_links WHERE guardian_id = ? AND dependent_id = ? AND status <> 'ended'", actor.ID, id)
		if err != nil {
			return err
		}
		if live {
			return guli.Errorf(guli.ECLinkExists)
		}
		now := s.db.now()
		linkID, err := q.insert(ctx, `INSERT INTO family_links (guardian_id, dependent_id, relation, status, kept, created_at)
			VALUES (?, ?, ?, 'pending', 0, ?)`, actor.ID, id, guli.RelationParent, ms(now))
		if isUnique(err, "family_links") {
			return guli.Errorf(guli.ECLinkExists)
		}
		if err != nil {
			return err
		}
		out = &guli.FamilyLink{ID: linkID, GuardianID: actor.ID, DependentID: guli.ID(id), Relation: guli.RelationParent,
			Status: guli.LinkPending, CreatedAt: now}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// lockLink takes a live link's row for update, with its dependent.
func lockLink(ctx context.Context, q runner, id guli.ID) (*guli.FamilyLink, *guli.User, error) {
	l, err := scanLink(q.row(ctx, `SELECT `+linkColumns+` FROM family_links l WHERE l.id = ? AND l.status <> 'ended'`+q.d.forUpdate(), id))
	if err != nil {
		return nil, nil, notFound(err)
	}
	dependent, err := personIn(ctx, q, l.DependentID)
	if err != nil {
		return nil, nil, err
	}
	return l, dependent, nil
}

// AcceptLink makes a pending link active. The dependent answers; staff
// who steward them may answer for them at the desk (audited). Anyone else
// finds no such link, but its guardian, who cannot answer their own ask.
func (s *Families) AcceptLink(ctx context.Context, id guli.ID) (*guli.FamilyLink, error) {
	actor, err := guli.RequireUser(ctx)
	if err != nil {
		return nil, err
	}
	var out *guli.FamilyLink
	err = s.db.tx(ctx, func(q runner) error {
		l, dependent, err := lockLink(ctx, q, id)
		if err != nil {
			return err
		}
		if !guli.MayAnswerLink(actor, l, dependent) {
			if actor.ID == l.GuardianID {
				return guli.Errorf(guli.ECForbidden)
			}
			return hidden()
		}
		out = l
		if l.Status == guli.LinkActive {
			return nil // accepted already: the same answer
		}
		now := s.db.now()
		if _, err := q.exec(ctx, "UPDATE family_links SET status = 'active', accepted_at = ?, accepted_by = ? WHERE id = ?", ms(now), actor.ID, id); err != nil {
			return err
		}
		l.Status, l.AcceptedAt = guli.LinkActive, now
		if actor.ID != l.DependentID {
			return audit(ctx, q, now, actor, "family.accept_on_behalf", l.DependentID, l.ID.String())
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// EndLink ends a live link at once: from the commit on, nothing is done
// under it (see Families).
func (s *Families) EndLink(ctx context.Context, id guli.ID) error {
	actor, err := guli.RequireUser(ctx)
	if err != nil {
		return err
	}
	return s.db.tx(ctx, func(q runner) error {
		l, dependent, err := lockLink(ctx, q, id)
		if err != nil {
			return err
		}
		if !guli.MayEndLink(actor, l, dependent) {
			return hidden()
		}
		now := s.db.now()
		if _, err := q.exec(ctx, "UPDATE family_links SET status = 'ended', ended_at = ?, ended_by = ? WHERE id = ?", ms(now), actor.ID, id); err != nil {
			return err
		}
		if actor.ID != l.DependentID && actor.ID != l.GuardianID {
			if err := audit(ctx, q, now, actor, "family.end_on_behalf", l.DependentID, l.ID.String()); err != nil {
				return err
			}
		}
		// Someone kept without an account whom no guardian keeps any more
		// has nobody to act for them, and a child's data is kept only with
		// a guardian's consent: ending the last link closes them
		// (guli.LastKeeper). A grown-up's link needs no look (nor lock) at
		// them. Their row is locked before the other links are counted, so
		// that two guardians ending theirs at once do not each find the
		// other's still active.
		if !l.Kept {
			return nil
		}
		closed, err := lockKept(ctx, q, l.DependentID)
		if err != nil || closed {
			return err
		}
		others, err := q.exists(ctx, "SELECT 1 FROM family_links WHERE dependent_id = ? AND id <> ? AND status = 'active'", l.DependentID, id)
		if err != nil || !guli.LastKeeper(l, others) {
			return err
		}
		return (&DataRights{db: s.db}).closeKept(ctx, q, actor, l.DependentID, "their last guardian's link ended "+l.ID.String(), now)
	})
}

// tellDependent tells a dependent who has an account of their own what
// their guardian did for them (kind, one of guli.FamilyActKinds): a
// grown-up reads in their inbox who signed them up or gave their minutes
// away. A child, or anyone else kept without an account, has no inbox of
// their own to read it in; their guardian knows what they did.
func tellDependent(ctx context.Context, q runner, now time.Time, guardian *guli.User, dependent guli.ID, kind string, p guli.NotificationParams) error {
	own, err := q.exists(ctx, "SELECT 1 FROM users WHERE id = ? AND phone IS NOT NULL AND closed_at IS NULL", dependent)
	if err != nil || !own {
		return err
	}
	p.Person = guardian.Name
	return notify(ctx, q, now, dependent, kind, p)
}

// LinksOf lists the live links of people for staff at the desk: those of
// the people whose data the actor sees, each with both people loaded. A
// person on the other side whom the actor does not see shows no phone,
// and, a child, no name; asked and not yet accepted, only their number
// masked.
func (s *Families) LinksOf(ctx context.Context, people []guli.ID) ([]*guli.FamilyLink, error) {
	actor, err := guli.RequireStaff(ctx)
	if err != nil {
		return nil, err
	}
	if len(people) > guli.MaxLinksOf {
		return nil, guli.Invalid("user_ids", guli.FRTooLong)
	}
	if len(people) == 0 {
		return nil, nil
	}
	q := s.db.read()
	in := inList(len(people))
	links, err := list(ctx, q, func(row interface{ Scan(...any) error }) (*guli.FamilyLink, error) { return scanLink(row) },
		`SELECT `+linkColumns+` FROM family_links l WHERE l.status <> 'ended'
		AND (l.guardian_id IN `+in+` OR l.dependent_id IN `+in+`) ORDER BY l.id LIMIT 500`, append(anys(people), anys(people)...)...)
	if err != nil || len(links) == 0 {
		return nil, s.db.mapErr(err)
	}
	var ids []any
	for _, l := range links {
		ids = append(ids, l.GuardianID, l.DependentID)
	}
	users, err := list(ctx, q, scanUser, "SELECT "+userColumns+" FROM users WHERE id IN "+inList(len(ids)), ids...)
	if err == nil {
		err = loadStations(ctx, q, users...)
	}
	if err != nil {
		return nil, s.db.mapErr(err)
	}
	now := s.db.now()
	byID := map[guli.ID]*guli.User{}
	for _, u := range users {
		if !actor.SeesPrivateDataOf(u) {
			u.Phone, u.Email, u.EmergencyContact = guli.MaskPhone(u.Phone), "", nil
			if guli.IsChild(u, now) {
				u.Name, u.BirthYear = "", 0
			}
		}
		byID[u.ID] = u
	}
	asked := map[guli.ID]bool{}
	for _, id := range people {
		asked[id] = true
	}
	var out []*guli.FamilyLink
	for _, l := range links {
		l.Guardian, l.Dependent = byID[l.GuardianID], byID[l.DependentID]
		if !actor.SeesPrivateDataOf(l.Dependent) {
			// Whom a resident asked, not yet accepted, is a number to the
			// desk as to the asker: staff would read out a name they may
			// not see, of someone who may never answer.
			l.Dependent = l.ShownToGuardian(l.Dependent)
		}
		// Listed for a person asked about whose data the actor sees.
		if asked[l.GuardianID] && actor.SeesPrivateDataOf(l.Guardian) || asked[l.DependentID] && actor.SeesPrivateDataOf(l.Dependent) {
			out = append(out, l)
		}
	}
	return out, nil
}
