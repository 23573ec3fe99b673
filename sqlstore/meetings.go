package sqlstore

import (
	"context"
	"database/sql"
	"slices"
	"strconv"
	"strings"
	"time"

	"guli"
)

// Meetings implements guli.MeetingService: a council's meetings, their
// resolutions and follow-up, and the proposals residents put to it. A
// support is a row keyed by proposal and person, taken under the
// proposal's row lock, so one person supporting many times at once counts
// once and many people at once are each counted.
//
// Meetings, a council's resolutions and pages of its proposals are kept
// while the data version holds (memo.go) as every reader's view is made
// from them: the proposals with their authors named and nobody's support.
// Each reader gets a copy made theirs (seenBy): the authors' names only
// when they may see them, and their own supports in the council, kept by
// reader and council as well.
type Meetings struct {
	db          *DB
	ones        memo[guli.ID, *keptMeeting]
	resolutions memo[guli.ID, []*guli.Resolution]
	proposals   memo[listKey, guli.Page[*guli.Proposal]]
	mine        memo[[2]guli.ID, map[guli.ID]bool] // by reader and council: what they support
}

// keptMeeting is a meeting as kept for all its readers, with who attended
// and who sits on its council, to whom alone the attendees are named.
type keptMeeting struct {
	m         *guli.Meeting
	attendees []*guli.CouncilMember
	members   map[guli.ID]bool
}

// NewMeetings returns the meetings of db.
func NewMeetings(db *DB) *Meetings {
	return &Meetings{db: db, ones: memo[guli.ID, *keptMeeting]{max: 10000}, resolutions: memo[guli.ID, []*guli.Resolution]{max: 1000},
		proposals: memo[listKey, guli.Page[*guli.Proposal]]{max: 1000}, mine: memo[[2]guli.ID, map[guli.ID]bool]{max: 10000}}
}

var _ guli.MeetingService = (*Meetings)(nil)

type scanner = interface{ Scan(...any) error }

const meetingColumns = `m.id, m.council_id, m.station_id, c.name, m.title, m.start_at, m.minutes, m.created_at, s.timezone,
	(SELECT COUNT(*) FROM meeting_attendance a WHERE a.meeting_id = m.id)`

const meetingFrom = ` FROM meetings m JOIN councils c ON c.id = m.council_id JOIN stations s ON s.id = m.station_id`

func scanMeeting(row scanner) (*guli.Meeting, error) {
	var m guli.Meeting
	var id, council, station, start, created int64
	var tz string
	if err := row.Scan(&id, &council, &station, &m.CouncilName, &m.Title, &start, &m.Minutes, &created, &tz, &m.Attended); err != nil {
		return nil, err
	}
	loc := guli.Zone(tz)
	m.ID, m.CouncilID, m.StationID = guli.ID(id), guli.ID(council), guli.ID(station)
	m.Start, m.CreatedAt = fromMS(start).In(loc), fromMS(created).In(loc)
	return &m, nil
}

const resolutionColumns = `r.id, r.meeting_id, r.council_id, r.station_id, m.title, c.name, r.text, r.rule_kind, r.rule_age,
	r.status, r.note, r.updated_at, s.timezone`

const resolutionFrom = ` FROM resolutions r JOIN meetings m ON m.id = r.meeting_id JOIN councils c ON c.id = r.council_id
	JOIN stations s ON s.id = r.station_id`

func scanResolution(row scanner) (*guli.Resolution, error) {
	var r guli.Resolution
	var id, meeting, council, station, updated int64
	var kind, tz string
	var age int
	if err := row.Scan(&id, &meeting, &council, &station, &r.MeetingTitle, &r.CouncilName, &r.Text, &kind, &age,
		&r.Status, &r.Note, &updated, &tz); err != nil {
		return nil, err
	}
	r.ID, r.MeetingID, r.CouncilID, r.StationID = guli.ID(id), guli.ID(meeting), guli.ID(council), guli.ID(station)
	r.UpdatedAt = fromMS(updated).In(guli.Zone(tz))
	if kind != "" {
		r.Rule = &guli.ResolutionRule{Kind: kind, Age: age}
	}
	return &r, nil
}

// meeting loads a meeting with its agenda, resolutions and the proposals
// on its agenda, as the signed-in reader sees it; not_found when there is
// none.
func meeting(ctx context.Context, q runner, id guli.ID) (*guli.Meeting, error) {
	m, err := meetingOf(ctx, q, id)
	if err != nil {
		return nil, err
	}
	supported, err := supportsIn(ctx, q, m.CouncilID)
	seenBy(ctx, m.Proposals, supported)
	return m, err
}

// meetingOf loads a meeting as every reader's view is made from it: its
// proposals with their authors named and nobody's support.
func meetingOf(ctx context.Context, q runner, id guli.ID) (*guli.Meeting, error) {
	m, err := scanMeeting(q.row(ctx, "SELECT "+meetingColumns+meetingFrom+" WHERE m.id = ?", id))
	if err != nil {
		return nil, notFound(err)
	}
	if m.Agenda, err = list(ctx, q, func(row scanner) (string, error) {
		var s string
		return s, row.Scan(&s)
	}, "SELECT text FROM meeting_agenda WHERE meeting_id = ? ORDER BY position", id); err != nil {
		return nil, err
	}
	if m.Resolutions, err = list(ctx, q, scanResolution, "SELECT "+resolutionColumns+resolutionFrom+
		" WHERE r.meeting_id = ? ORDER BY r.position", id); err != nil {
		return nil, err
	}
	if m.Proposals, err = list(ctx, q, scanProposal, "SELECT "+proposalColumns+proposalFrom+
		" WHERE p.meeting_id = ? ORDER BY p.id", 0, id); err != nil {
		return nil, err
	}
	return m, nil
}

// seenBy makes proposals of a council the signed-in reader's: their
// authors' names only to the authors and the station's staff (proposals
// are public, and who put one forward is not everyone's business), and
// whether the reader supports each, of the proposals of the council the
// reader supports (supportsIn). ps are the caller's to change.
func seenBy(ctx context.Context, ps []*guli.Proposal, supported map[guli.ID]bool) {
	viewer := guli.UserFromContext(ctx)
	for _, p := range ps {
		p.Author, p.Supported = p.AuthorShownTo(viewer), supported[p.ID]
	}
}

// supportsIn is the proposals of a council the signed-in reader supports,
// read in q; none for nobody.
func supportsIn(ctx context.Context, q runner, councilID guli.ID) (map[guli.ID]bool, error) {
	out := map[guli.ID]bool{}
	if readerID(ctx) == 0 {
		return out, nil
	}
	found, err := ids(ctx, q, `SELECT ps.proposal_id FROM proposal_supports ps JOIN proposals p ON p.id = ps.proposal_id
		WHERE ps.user_id = ? AND p.council_id = ?`, readerID(ctx), councilID)
	for _, id := range found {
		out[id] = true
	}
	return out, err
}

// supports is supportsIn, kept by reader and council while the data holds.
func (s *Meetings) supports(ctx context.Context, councilID guli.ID) (map[guli.ID]bool, error) {
	if readerID(ctx) == 0 {
		return nil, nil
	}
	return s.mine.get(ctx, s.db, [2]guli.ID{readerID(ctx), councilID}, func(ctx context.Context) (map[guli.ID]bool, error) {
		out, err := supportsIn(ctx, s.db.read(), councilID)
		return out, s.db.mapErr(err)
	})
}

// seenByReader makes proposals of a council the signed-in reader's, with
// their supports as kept.
func (s *Meetings) seenByReader(ctx context.Context, councilID guli.ID, ps []*guli.Proposal) error {
	supported, err := s.supports(ctx, councilID)
	if err != nil {
		return err
	}
	seenBy(ctx, ps, supported)
	return nil
}

// copyMeeting hands out a kept meeting for a reader to make theirs.
func copyMeeting(k *guli.Meeting) *guli.Meeting {
	m := *k
	m.Agenda, m.Resolutions, m.Proposals = slices.Clone(k.Agenda), cloneAll(k.Resolutions), cloneAll(k.Proposals)
	return &m
}

// CreateMeeting schedules a meeting of a council, by its station's staff
// (audited).
func (s *Meetings) CreateMeeting(ctx context.Context, in guli.MeetingInput) (*guli.Meeting, error) {
	actor, err := guli.RequireUser(ctx)
	if err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var out *guli.Meeting
	err = s.db.tx(ctx, func(q runner) error {
		c, err := council(ctx, q, in.CouncilID)
		if err != nil {
			return err
		}
		if err := c.CheckRun(actor); err != nil {
			return err
		}
		now := s.db.now()
		id, err := q.insert(ctx, `INSERT INTO meetings (council_id, station_id, title, start_at, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, c.ID, c.StationID, in.Title, ms(in.Start), actor.ID, ms(now), ms(now))
		if err != nil {
			return err
		}
		for i, item := range in.Agenda {
			if _, err := q.exec(ctx, "INSERT INTO meeting_agenda (meeting_id, position, text) VALUES (?, ?, ?)", id, i+1, item); err != nil {
				return err
			}
		}
		if err := audit(ctx, q, now, actor, "meeting.create", id, c.ID.String()); err != nil {
			return err
		}
		out, err = meeting(ctx, q, id)
		return err
	})
	return out, s.db.mapErr(err)
}

// Meeting returns a meeting; its attendees' names only to staff of the
// station and members of the council.
func (s *Meetings) Meeting(ctx context.Context, id guli.ID) (*guli.Meeting, error) {
	k, err := s.kept(ctx, id)
	if err != nil {
		return nil, err
	}
	m := copyMeeting(k.m)
	if err := s.seenByReader(ctx, m.CouncilID, m.Proposals); err != nil {
		return nil, err
	}
	if actor := guli.UserFromContext(ctx); actor != nil && (actor.WorksAt(m.StationID) || k.members[actor.ID]) {
		m.Attendees = cloneAll(k.attendees)
	}
	return m, nil
}

// kept is a meeting as kept for all its readers while the data holds.
func (s *Meetings) kept(ctx context.Context, id guli.ID) (*keptMeeting, error) {
	return s.ones.get(ctx, s.db, id, func(ctx context.Context) (*keptMeeting, error) {
		q := s.db.read()
		m, err := meetingOf(ctx, q, id)
		if err != nil {
			return nil, s.db.mapErr(err)
		}
		k := &keptMeeting{m: m, members: map[guli.ID]bool{}}
		if k.attendees, err = attendeesOf(ctx, q, m); err != nil {
			return nil, s.db.mapErr(err)
		}
		members, err := ids(ctx, q, "SELECT user_id FROM council_members WHERE council_id = ?", m.CouncilID)
		for _, u := range members {
			k.members[u] = true
		}
		return k, s.db.mapErr(err)
	})
}

// attendees names who attended, for readers who may see the members.
func (s *Meetings) attendees(ctx context.Context, q runner, m *guli.Meeting) error {
	actor := guli.UserFromContext(ctx)
	if actor == nil {
		return nil
	}
	if !actor.WorksAt(m.StationID) {
		member, err := q.exists(ctx, "SELECT 1 FROM council_members WHERE council_id = ? AND user_id = ?", m.CouncilID, actor.ID)
		if err != nil || !member {
			return err
		}
	}
	var err error
	m.Attendees, err = attendeesOf(ctx, q, m)
	return err
}

// attendeesOf lists who attended a meeting, by name.
func attendeesOf(ctx context.Context, q runner, m *guli.Meeting) ([]*guli.CouncilMember, error) {
	loc := m.Start.Location()
	return list(ctx, q, func(row scanner) (*guli.CouncilMember, error) {
		var cm guli.CouncilMember
		var uid, added int64
		err := row.Scan(&uid, &cm.Name, &added)
		cm.UserID, cm.AddedAt = guli.ID(uid), fromMS(added).In(loc)
		return &cm, err
	}, `SELECT u.id, u.name, COALESCE(cm.added_at, 0) FROM meeting_attendance a JOIN users u ON u.id = a.user_id
		LEFT JOIN council_members cm ON cm.council_id = ? AND cm.user_id = a.user_id
		WHERE a.meeting_id = ? ORDER BY u.name, u.id`, m.CouncilID, m.ID)
}

// Meetings lists a council's meetings, the latest first.
func (s *Meetings) Meetings(ctx context.Context, councilID guli.ID, opts guli.ListOptions) (guli.Page[*guli.Meeting], error) {
	var page guli.Page[*guli.Meeting]
	q := s.db.read()
	if _, err := council(ctx, q, councilID); err != nil {
		return page, s.db.mapErr(err)
	}
	where, args := "m.council_id = ?", []any{councilID}
	if opts.Cursor != "" {
		parts, err := guli.DecodeCursor(opts.Cursor, 2)
		if err != nil {
			return page, err
		}
		start, err1 := strconv.ParseInt(parts[0], 10, 64)
		id := guli.ParseID(parts[1])
		if err1 != nil || id == guli.NoID {
			return page, guli.Invalid("cursor", guli.FRInvalid)
		}
		where += " AND (m.start_at < ? OR (m.start_at = ? AND m.id < ?))"
		args = append(args, start, start, id)
	}
	limit := min(opts.PageSize(), guli.MaxMeetingsPage)
	found, err := ids(ctx, q, "SELECT m.id FROM meetings m WHERE "+where+" ORDER BY m.start_at DESC, m.id DESC LIMIT ?", append(args, limit+1)...)
	if err != nil {
		return page, s.db.mapErr(err)
	}
	page.Items = []*guli.Meeting{}
	var proposals []*guli.Proposal
	for _, id := range found {
		k, err := s.kept(ctx, id)
		if err != nil {
			return page, err
		}
		m := copyMeeting(k.m)
		page.Items, proposals = append(page.Items, m), append(proposals, m.Proposals...)
	}
	if err := s.seenByReader(ctx, councilID, proposals); err != nil {
		return page, err
	}
	return trim(page, limit, func(m *guli.Meeting) []string {
		return []string{strconv.FormatInt(ms(m.Start), 10), m.ID.String()}
	}), nil
}

// RecordMeeting records a meeting's minutes and adds the resolutions it
// does not have yet, by the station's staff (audited). A resolution with
// an age rule makes that rule the station's default for new activities.
func (s *Meetings) RecordMeeting(ctx context.Context, id guli.ID, rec guli.MeetingRecord) (*guli.Meeting, error) {
	if err := rec.Validate(); err != nil {
		return nil, err
	}
	m, err := lockedChange(ctx, s.db, "meetings", id, meeting, func(q runner, m *guli.Meeting, actor *guli.User, now time.Time) error {
		if err := actor.ActsAt(m.StationID); err != nil {
			return err
		}
		if rec.Minutes != nil {
			if _, err := q.exec(ctx, "UPDATE meetings SET minutes = ?, updated_at = ? WHERE id = ?", *rec.Minutes, ms(now), id); err != nil {
				return err
			}
		}
		added, err := guli.NewResolutions(m.Resolutions, rec.Resolutions)
		if err != nil {
			return err
		}
		if len(m.Resolutions)+len(added) > guli.MaxResolutions {
			return guli.Invalid("resolutions", guli.FROutOfRange)
		}
		for i, r := range added {
			kind, age := "", 0
			if r.Rule != nil {
				kind, age = r.Rule.Kind, r.Rule.Age
			}
			rid, err := q.insert(ctx, `INSERT INTO resolutions (meeting_id, council_id, station_id, position, text, rule_kind, rule_age,
				created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				id, m.CouncilID, m.StationID, len(m.Resolutions)+i+1, r.Text, kind, age, ms(now), ms(now))
			if err != nil {
				return err
			}
			if kind == guli.RuleEmergencyContactFromAge {
				// The latest resolution's rule is the station's.
				if _, err := q.exec(ctx, "UPDATE stations SET age_rule_from = ?, age_rule_resolution_id = ? WHERE id = ?",
					age, rid, m.StationID); err != nil {
					return err
				}
				if err := audit(ctx, q, now, actor, "station.age_rule", rid, strconv.Itoa(age)); err != nil {
					return err
				}
			}
		}
		return audit(ctx, q, now, actor, "meeting.record", id, strconv.Itoa(len(added)))
	})
	return m, s.db.mapErr(err)
}

// SetAttendance says which members of the council attended, by the
// station's staff (audited); the list replaces the one before.
func (s *Meetings) SetAttendance(ctx context.Context, id guli.ID, userIDs []guli.ID) (*guli.Meeting, error) {
	seen := map[guli.ID]bool{}
	people := []any{}
	for _, u := range userIDs {
		if u <= 0 {
			return nil, guli.Invalid("user_ids", guli.FRUnknownUser)
		}
		if !seen[u] {
			seen[u] = true
			people = append(people, u)
		}
	}
	if len(people) > guli.MaxAttendees {
		return nil, guli.Invalid("user_ids", guli.FROutOfRange)
	}
	m, err := lockedChange(ctx, s.db, "meetings", id, meeting, func(q runner, m *guli.Meeting, actor *guli.User, now time.Time) error {
		if err := actor.ActsAt(m.StationID); err != nil {
			return err
		}
		if len(people) > 0 {
			var members int
			if err := q.row(ctx, "SELECT COUNT(*) FROM council_members WHERE council_id = ? AND user_id IN (?"+
				strings.Repeat(", ?", len(people)-1)+")", append([]any{m.CouncilID}, people...)...).Scan(&members); err != nil {
				return err
			}
			if members != len(people) {
				return guli.Invalid("user_ids", guli.FRUnknownUser)
			}
		}
		if _, err := q.exec(ctx, "DELETE FROM meeting_attendance WHERE meeting_id = ?", id); err != nil {
			return err
		}
		for _, u := range people {
			if _, err := q.exec(ctx, "INSERT INTO meeting_attendance (meeting_id, user_id) VALUES (?, ?)", id, u); err != nil {
				return err
			}
		}
		return audit(ctx, q, now, actor, "meeting.attendance", id, strconv.Itoa(len(people)))
	})
	if err != nil {
		return nil, s.db.mapErr(err)
	}
	return m, s.db.mapErr(s.attendees(ctx, s.db.read(), m))
}

// Resolution returns one resolution; the station's record is public.
func (s *Meetings) Resolution(ctx context.Context, id guli.ID) (*guli.Resolution, error) {
	r, err := resolution(ctx, s.db.read(), id)
	return r, s.db.mapErr(err)
}

func resolution(ctx context.Context, q runner, id guli.ID) (*guli.Resolution, error) {
	r, err := scanResolution(q.row(ctx, "SELECT "+resolutionColumns+resolutionFrom+" WHERE r.id = ?", id))
	return r, notFound(err)
}

// Resolutions lists a council's resolutions, those still to carry out
// first, each group oldest first.
func (s *Meetings) Resolutions(ctx context.Context, councilID guli.ID) ([]*guli.Resolution, error) {
	out, err := s.resolutions.get(ctx, s.db, councilID, func(ctx context.Context) ([]*guli.Resolution, error) {
		q := s.db.read()
		if _, err := council(ctx, q, councilID); err != nil {
			return nil, s.db.mapErr(err)
		}
		out, err := list(ctx, q, scanResolution, "SELECT "+resolutionColumns+resolutionFrom+
			" WHERE r.council_id = ? ORDER BY CASE WHEN r.status = 'done' THEN 1 ELSE 0 END, r.id LIMIT 500", councilID)
		return out, s.db.mapErr(err)
	})
	return cloneAll(out), err
}

// UpdateResolution moves a resolution's follow-up on, by the station's
// staff (audited).
func (s *Meetings) UpdateResolution(ctx context.Context, id guli.ID, ch guli.ResolutionChange) (*guli.Resolution, error) {
	r, err := lockedChange(ctx, s.db, "resolutions", id, resolution, func(q runner, r *guli.Resolution, actor *guli.User, now time.Time) error {
		if err := actor.ActsAt(r.StationID); err != nil {
			return err
		}
		if err := r.CheckChange(&ch); err != nil {
			return err
		}
		if _, err := q.exec(ctx, "UPDATE resolutions SET status = ?, note = ?, updated_at = ? WHERE id = ?", ch.Status, ch.Note, ms(now), id); err != nil {
			return err
		}
		return audit(ctx, q, now, actor, "resolution."+ch.Status, id, r.CouncilID.String())
	})
	return r, s.db.mapErr(err)
}

// StationRules are the rules resolutions made the station's.
func (s *Meetings) StationRules(ctx context.Context, stationID guli.ID) (*guli.StationRules, error) {
	r, err := stationRules(ctx, s.db.read(), stationID)
	return r, s.db.mapErr(err)
}

func stationRules(ctx context.Context, q runner, stationID guli.ID) (*guli.StationRules, error) {
	var age int
	var resolution sql.NullInt64
	var text, council string
	var meetingID int64
	err := q.row(ctx, `SELECT s.age_rule_from, s.age_rule_resolution_id, COALESCE(r.text, ''), COALESCE(c.name, ''), COALESCE(r.meeting_id, 0)
		FROM stations s LEFT JOIN resolutions r ON r.id = s.age_rule_resolution_id LEFT JOIN councils c ON c.id = r.council_id
		WHERE s.id = ?`, stationID).Scan(&age, &resolution, &text, &council, &meetingID)
	if err != nil {
		return nil, notFound(err)
	}
	out := &guli.StationRules{}
	if age > 0 {
		out.AgeRule = &guli.AgeRule{EmergencyContactFromAge: age, ResolutionID: guli.ID(resolution.Int64), Resolution: text, CouncilName: council,
			MeetingID: guli.ID(meetingID)}
	}
	return out, nil
}

// proposalColumns read whether the reader (the first argument, 0 for
// nobody) supports the proposal in the same statement.
const proposalColumns = `p.id, p.council_id, p.station_id, p.author_id, u.name, p.title, p.body, p.support_count,
	p.meeting_id, COALESCE(m.title, ''), p.outcome, p.answer, p.created_at, s.timezone,
	(SELECT COUNT(*) FROM proposal_supports ps WHERE ps.proposal_id = p.id AND ps.user_id = ?)`

const proposalFrom = ` FROM proposals p JOIN users u ON u.id = p.author_id JOIN stations s ON s.id = p.station_id
	LEFT JOIN meetings m ON m.id = p.meeting_id`

func scanProposal(row scanner) (*guli.Proposal, error) {
	var p guli.Proposal
	var id, council, station, author, created int64
	var meetingID sql.NullInt64
	var tz string
	var mine int
	if err := row.Scan(&id, &council, &station, &author, &p.Author, &p.Title, &p.Body, &p.SupportCount,
		&meetingID, &p.MeetingTitle, &p.Outcome, &p.Answer, &created, &tz, &mine); err != nil {
		return nil, err
	}
	p.ID, p.CouncilID, p.StationID, p.AuthorID = guli.ID(id), guli.ID(council), guli.ID(station), guli.ID(author)
	p.MeetingID, p.Supported, p.CreatedAt = guli.ID(meetingID.Int64), mine > 0, fromMS(created).In(guli.Zone(tz))
	return &p, nil
}

// proposalFor loads a proposal as the signed-in person sees it.
func proposalFor(ctx context.Context, q runner, id guli.ID) (*guli.Proposal, error) {
	p, err := scanProposal(q.row(ctx, "SELECT "+proposalColumns+proposalFrom+" WHERE p.id = ?", readerID(ctx), id))
	if err != nil {
		return nil, notFound(err)
	}
	p.Author = p.AuthorShownTo(guli.UserFromContext(ctx))
	return p, nil
}

func readerID(ctx context.Context) guli.ID {
	if u := guli.UserFromContext(ctx); u != nil {
		return u.ID
	}
	return 0
}

// withStations is actor with the stations they belong to, for a decision.
func withStations(ctx context.Context, q runner, actor *guli.User) (*guli.User, error) {
	a := *actor
	return &a, loadStations(ctx, q, &a)
}

// CreateProposal puts a proposal to a council: any resident of its
// station, and its staff.
func (s *Meetings) CreateProposal(ctx context.Context, in guli.ProposalInput) (*guli.Proposal, error) {
	actor, err := guli.RequireUser(ctx)
	if err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var out *guli.Proposal
	err = s.db.tx(ctx, func(q runner) error {
		c, err := council(ctx, q, in.CouncilID)
		if err != nil {
			return err
		}
		a, err := withStations(ctx, q, actor)
		if err != nil {
			return err
		}
		if err := c.CheckPropose(a); err != nil {
			return err
		}
		if !c.Runs(actor) {
			if err := charge(ctx, q, limited{guli.ThrottleProposals, actor.ID.String()}, s.db.now()); err != nil {
				return err
			}
		}
		id, err := q.insert(ctx, `INSERT INTO proposals (council_id, station_id, author_id, title, body, created_at)
			VALUES (?, ?, ?, ?, ?, ?)`, c.ID, c.StationID, actor.ID, in.Title, in.Body, ms(s.db.now()))
		if err != nil {
			return err
		}
		out, err = proposalFor(ctx, q, id)
		return err
	})
	return out, s.db.mapErr(err)
}

// Proposal returns one proposal; proposals are the station's public record.
func (s *Meetings) Proposal(ctx context.Context, id guli.ID) (*guli.Proposal, error) {
	p, err := proposalFor(ctx, s.db.read(), id)
	return p, s.db.mapErr(err)
}

// Proposals lists a council's proposals, the newest first.
func (s *Meetings) Proposals(ctx context.Context, councilID guli.ID, opts guli.ListOptions) (guli.Page[*guli.Proposal], error) {
	before, err := guli.IDCursor(opts.Cursor)
	if err != nil {
		return guli.Page[*guli.Proposal]{}, err
	}
	limit := opts.PageSize()
	kept, err := s.proposals.get(ctx, s.db, listKey{of: councilID, cursor: opts.Cursor, limit: limit}, func(ctx context.Context) (guli.Page[*guli.Proposal], error) {
		var page guli.Page[*guli.Proposal]
		q := s.db.read()
		if _, err := council(ctx, q, councilID); err != nil {
			return page, s.db.mapErr(err)
		}
		where, args := "p.council_id = ?", []any{0, councilID}
		if before != 0 {
			where, args = where+" AND p.id < ?", append(args, before)
		}
		var err error
		page.Items, err = list(ctx, q, scanProposal, "SELECT "+proposalColumns+proposalFrom+" WHERE "+where+" ORDER BY p.id DESC LIMIT ?", append(args, limit+1)...)
		if err != nil {
			return page, s.db.mapErr(err)
		}
		return trim(page, limit, func(p *guli.Proposal) []string { return []string{p.ID.String()} }), nil
	})
	if err != nil {
		return kept, err
	}
	page := guli.Page[*guli.Proposal]{Items: cloneAll(kept.Items), NextCursor: kept.NextCursor}
	return page, s.seenByReader(ctx, councilID, page.Items)
}

// Support adds the signed-in person's support to a proposal, once.
func (s *Meetings) Support(ctx context.Context, id guli.ID) (*guli.Proposal, error) {
	p, err := lockedChange(ctx, s.db, "proposals", id, proposalFor, func(q runner, p *guli.Proposal, actor *guli.User, now time.Time) error {
		c, err := council(ctx, q, p.CouncilID)
		if err != nil {
			return err
		}
		a, err := withStations(ctx, q, actor)
		if err != nil {
			return err
		}
		if err := c.CheckSupport(a, p.Supported); err != nil {
			return err
		}
		if _, err := q.exec(ctx, "INSERT INTO proposal_supports (proposal_id, user_id, created_at) VALUES (?, ?, ?)", id, actor.ID, ms(now)); err != nil {
			return err
		}
		_, err = q.exec(ctx, "UPDATE proposals SET support_count = support_count + 1 WHERE id = ?", id)
		return err
	})
	return p, s.db.mapErr(err)
}

// AnswerProposal puts a proposal on one of the council's meetings and
// records the council's outcome and answer, by the station's staff
// (audited).
func (s *Meetings) AnswerProposal(ctx context.Context, id guli.ID, in guli.ProposalAnswer) (*guli.Proposal, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	p, err := lockedChange(ctx, s.db, "proposals", id, proposalFor, func(q runner, p *guli.Proposal, actor *guli.User, now time.Time) error {
		if err := actor.ActsAt(p.StationID); err != nil {
			return err
		}
		if in.MeetingID != 0 {
			ok, err := q.exists(ctx, "SELECT 1 FROM meetings WHERE id = ? AND council_id = ?", in.MeetingID, p.CouncilID)
			if err != nil || !ok {
				return orInvalid(err, "meeting_id", guli.FRInvalid)
			}
			if _, err := q.exec(ctx, "UPDATE proposals SET meeting_id = ? WHERE id = ?", in.MeetingID, id); err != nil {
				return err
			}
		}
		if in.Outcome != "" {
			if _, err := q.exec(ctx, "UPDATE proposals SET outcome = ?, answer = ?, answered_at = ? WHERE id = ?",
				in.Outcome, in.Answer, ms(now), id); err != nil {
				return err
			}
			if p.TellsAuthor(in, actor) {
				if err := notify(ctx, q, now, p.AuthorID, guli.NotifyProposalAnswered, guli.NotificationParams{ProposalID: p.ID,
					ProposalTitle: p.Title, CouncilID: p.CouncilID, Outcome: in.Outcome}); err != nil {
					return err
				}
			}
		} else if in.Answer != "" {
			if _, err := q.exec(ctx, "UPDATE proposals SET answer = ? WHERE id = ?", in.Answer, id); err != nil {
				return err
			}
		}
		return audit(ctx, q, now, actor, "proposal.answer", id, in.Outcome)
	})
	return p, s.db.mapErr(err)
}
