package sqlstore

import (
	"context"
	"slices"
	"strings"
	"time"

	"guli"
)

// Polls implements guli.PollService. A vote locks its poll's row, then
// writes who voted (poll_voters, keyed by poll and person: a second vote
// is refused by the key even if the lock were not there) and adds one to
// each chosen option's count. A secret poll writes nothing else, so its
// storage holds no row that joins a person to a choice; a poll that is not
// secret also keeps poll_votes.
//
// A poll and who voted in it are kept while the data version holds
// (memo.go): a poll's page is read by every member, many times, while
// they vote. Its counts are blanked on the copy each reader gets.
type Polls struct {
	db     *DB
	ones   memo[guli.ID, *guli.Poll]
	voters memo[guli.ID, []guli.ID]
}

// NewPolls returns the polls of db.
func NewPolls(db *DB) *Polls {
	return &Polls{db: db, ones: memo[guli.ID, *guli.Poll]{max: 10000}, voters: memo[guli.ID, []guli.ID]{max: 10000}}
}

var _ guli.PollService = (*Polls)(nil)

const pollColumns = `p.id, p.council_id, c.station_id, p.question, p.max_choices, p.secret, p.seats,
	p.closes_at, p.closed_at, p.created_at, s.timezone,
	(SELECT COUNT(*) FROM poll_voters v WHERE v.poll_id = p.id),
	(SELECT COUNT(*) FROM council_members m WHERE m.council_id = p.council_id AND m.added_at < ` + pollEnd + `) +
	(SELECT COUNT(*) FROM poll_voters v WHERE v.poll_id = p.id AND NOT EXISTS
		(SELECT 1 FROM council_members m WHERE m.council_id = p.council_id AND m.user_id = v.user_id AND m.added_at < ` + pollEnd + `))`

// pollEnd is when voting ended or ends: closed early, or its closing time.
const pollEnd = `CASE WHEN p.closed_at IS NOT NULL AND p.closed_at < p.closes_at THEN p.closed_at ELSE p.closes_at END`

// Who may vote (Eligible) is the council's members and those who voted
// while they were: a member who voted and then left still counts, so
// that "voted of eligible" never passes 100% nor says everyone voted
// while a member has not. A member added after the poll ended could not
// vote and is not counted: a closed poll's turnout stays as it was.

const pollFrom = ` FROM polls p JOIN councils c ON c.id = p.council_id JOIN stations s ON s.id = c.station_id`

func scanPoll(row interface{ Scan(...any) error }) (*guli.Poll, error) {
	var p guli.Poll
	var id, council, station, closes, created int64
	var secret int
	var closed *int64
	var tz string
	if err := row.Scan(&id, &council, &station, &p.Question, &p.MaxChoices, &secret, &p.Seats,
		&closes, &closed, &created, &tz, &p.Voters, &p.Eligible); err != nil {
		return nil, err
	}
	loc := guli.Zone(tz)
	p.ID, p.CouncilID, p.StationID, p.Secret = guli.ID(id), guli.ID(council), guli.ID(station), secret == 1
	p.ClosesAt, p.CreatedAt = fromMS(closes).In(loc), fromMS(created).In(loc)
	if closed != nil {
		p.ClosedAt = fromMS(*closed).In(loc)
	}
	return &p, nil
}

// pollOptions loads the options of polls, with their counts, in order.
func pollOptions(ctx context.Context, q runner, polls ...*guli.Poll) error {
	if len(polls) == 0 {
		return nil
	}
	byID := map[guli.ID]*guli.Poll{}
	args := make([]any, len(polls))
	for i, p := range polls {
		byID[p.ID], args[i] = p, p.ID
	}
	rows, err := q.query(ctx, `SELECT poll_id, id, label, votes FROM poll_options WHERE poll_id IN (`+
		strings.TrimSuffix(strings.Repeat("?, ", len(polls)), ", ")+`) ORDER BY poll_id, position`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var poll, id int64
		var o guli.PollOption
		if err := rows.Scan(&poll, &id, &o.Label, &o.Votes); err != nil {
			return err
		}
		o.ID = guli.ID(id)
		p := byID[guli.ID(poll)]
		p.Options = append(p.Options, o)
	}
	return rows.Err()
}

// poll loads a poll with its options and counts in q; not_found when
// there is none.
func poll(ctx context.Context, q runner, id guli.ID) (*guli.Poll, error) {
	p, err := scanPoll(q.row(ctx, "SELECT "+pollColumns+pollFrom+" WHERE p.id = ?", id))
	if err != nil {
		return nil, notFound(err)
	}
	return p, pollOptions(ctx, q, p)
}

// hideCounts blanks the counts of a poll still open, or of a secret poll
// too few voted in (guli.Poll.ResultsWithheld): what is not read cannot
// leak.
func hideCounts(p *guli.Poll, now time.Time) *guli.Poll {
	if !p.ResultsShown(now) {
		for i := range p.Options {
			p.Options[i].Votes = 0
		}
	}
	return p
}

// CreatePoll opens a poll in a council, by staff of its station.
func (s *Polls) CreatePoll(ctx context.Context, in guli.PollInput) (*guli.Poll, error) {
	actor, err := guli.RequireUser(ctx)
	if err != nil {
		return nil, err
	}
	var out *guli.Poll
	err = s.db.tx(ctx, func(q runner) error {
		c, err := council(ctx, q, in.CouncilID)
		if err != nil {
			return err
		}
		if err := guli.CheckOpenPoll(actor, c); err != nil {
			return err
		}
		now := s.db.now()
		if err := in.Validate(now); err != nil {
			return err
		}
		secret := 0
		if in.Secret {
			secret = 1
		}
		id, err := q.insert(ctx, `INSERT INTO polls (council_id, question, max_choices, secret, seats, closes_at, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, in.CouncilID, in.Question, in.MaxChoices, secret, in.Seats, ms(in.ClosesAt), actor.ID, ms(now))
		if err != nil {
			return err
		}
		for i, label := range in.Options {
			if _, err := q.exec(ctx, "INSERT INTO poll_options (poll_id, position, label) VALUES (?, ?, ?)", id, i, label); err != nil {
				return err
			}
		}
		out, err = poll(ctx, q, id)
		return err
	})
	return out, err
}

// Polls lists a council's polls: open ones first, then newest first, a
// page at a time. The cursor names the last poll of a page and whether it
// was open: a poll that closes between two pages may be listed twice,
// never missed.
func (s *Polls) Polls(ctx context.Context, f guli.PollFilter) (guli.Page[*guli.Poll], error) {
	var page guli.Page[*guli.Poll]
	now := s.db.now()
	const open = "(p.closed_at IS NULL AND p.closes_at > ?)"
	where, args := "p.council_id = ?", []any{f.CouncilID}
	if f.Cursor != "" {
		parts, err := guli.DecodeCursor(f.Cursor, 2)
		if err != nil {
			return page, err
		}
		after := guli.ParseID(parts[1])
		if (parts[0] != guli.PollOpen && parts[0] != guli.PollClosed) || after == guli.NoID {
			return page, guli.Invalid("cursor", guli.FRInvalid)
		}
		if parts[0] == guli.PollOpen { // the open ones left, then every closed one
			where, args = where+" AND (NOT "+open+" OR p.id < ?)", append(args, ms(now), after)
		} else {
			where, args = where+" AND NOT "+open+" AND p.id < ?", append(args, ms(now), after)
		}
	}
	q := s.db.read()
	if _, err := council(ctx, q, f.CouncilID); err != nil {
		return page, s.db.mapErr(err)
	}
	limit := f.PageSize()
	var err error
	page.Items, err = list(ctx, q, scanPoll, "SELECT "+pollColumns+pollFrom+" WHERE "+where+
		" ORDER BY CASE WHEN "+open+" THEN 0 ELSE 1 END, p.id DESC LIMIT ?", append(args, ms(now), limit+1)...)
	if err == nil {
		page = trim(page, limit, func(p *guli.Poll) []string { return []string{p.Status(now), p.ID.String()} })
		err = pollOptions(ctx, q, page.Items...)
	}
	for _, p := range page.Items {
		hideCounts(p, now)
	}
	return page, s.db.mapErr(err)
}

// Poll returns one poll; polls are public like their councils, and their
// counts are blank while open.
func (s *Polls) Poll(ctx context.Context, id guli.ID) (*guli.Poll, error) {
	p, err := s.ones.get(ctx, s.db, id, func(ctx context.Context) (*guli.Poll, error) {
		p, err := poll(ctx, s.db.read(), id)
		return p, s.db.mapErr(err)
	})
	if err != nil {
		return nil, err
	}
	c := *p
	c.Options = slices.Clone(p.Options)
	return hideCounts(&c, s.db.now()), nil
}

// Vote casts a ballot: the member's own, or a paper ballot staff enter
// for a member, audited as entered for that member and no more.
func (s *Polls) Vote(ctx context.Context, b guli.Ballot) error {
	_, err := lockedChange(ctx, s.db, "polls", b.PollID, poll, func(q runner, p *guli.Poll, actor *guli.User, now time.Time) error {
		voter := b.Voter
		if voter == 0 {
			voter = actor.ID
		}
		member, err := q.exists(ctx, "SELECT 1 FROM council_members WHERE council_id = ? AND user_id = ?", p.CouncilID, voter)
		if err != nil {
			return err
		}
		if err := p.CheckVote(actor, b, member, now); err != nil {
			return err
		}
		var enteredBy guli.ID
		if voter != actor.ID {
			enteredBy = actor.ID
		}
		if _, err := q.exec(ctx, "INSERT INTO poll_voters (poll_id, user_id, entered_by) VALUES (?, ?, ?)",
			p.ID, voter, nullID(enteredBy)); err != nil {
			if isUnique(err, "poll_voters") {
				return guli.Errorf(guli.ECAlreadyVoted)
			}
			return err
		}
		// Every option's row is written, chosen or not: on PostgreSQL a
		// row's version (xmin) and place name the last transaction that
		// wrote it, and would point at the last voter for each option.
		chosen := make([]any, len(b.OptionIDs))
		for i, option := range b.OptionIDs {
			chosen[i] = option
		}
		if _, err := q.exec(ctx, "UPDATE poll_options SET votes = votes + CASE WHEN id IN ("+
			strings.TrimSuffix(strings.Repeat("?, ", len(chosen)), ", ")+") THEN 1 ELSE 0 END WHERE poll_id = ?",
			append(chosen, p.ID)...); err != nil {
			return err
		}
		for _, option := range b.OptionIDs {
			if !p.Secret {
				if _, err := q.exec(ctx, "INSERT INTO poll_votes (poll_id, user_id, option_id) VALUES (?, ?, ?)", p.ID, voter, option); err != nil {
					return err
				}
			}
		}
		if enteredBy != 0 {
			// Whose ballot, in which poll: never what it said.
			return audit(ctx, q, now, actor, "poll.paper_ballot", voter, p.ID.String())
		}
		return nil
	})
	return err
}

// Voted reports whether the signed-in person voted in the poll.
func (s *Polls) Voted(ctx context.Context, pollID guli.ID) (bool, error) {
	actor := guli.UserFromContext(ctx)
	if actor == nil {
		return false, nil
	}
	voters, err := s.voted(ctx, pollID)
	if err != nil {
		return false, err
	}
	_, found := slices.BinarySearch(voters, actor.ID)
	return found, nil
}

// voted is who voted in the poll, by id, kept while the data holds.
func (s *Polls) voted(ctx context.Context, pollID guli.ID) ([]guli.ID, error) {
	return s.voters.get(ctx, s.db, pollID, func(ctx context.Context) ([]guli.ID, error) {
		out, err := ids(ctx, s.db.read(), "SELECT user_id FROM poll_voters WHERE poll_id = ? ORDER BY user_id", pollID)
		return out, s.db.mapErr(err)
	})
}

// Voters lists who voted (never what), for staff of the station: the
// paper-ballot form offers only the members who have not.
func (s *Polls) Voters(ctx context.Context, pollID guli.ID) ([]guli.ID, error) {
	actor, err := guli.RequireUser(ctx)
	if err != nil {
		return nil, err
	}
	p, err := s.Poll(ctx, pollID)
	if err != nil {
		return nil, err
	}
	if err := actor.ActsAt(p.StationID); err != nil {
		return nil, err
	}
	out, err := s.voted(ctx, pollID)
	return slices.Clone(out), err
}

// ClosePoll ends voting early, by staff of the station (audited).
func (s *Polls) ClosePoll(ctx context.Context, id guli.ID) (*guli.Poll, error) {
	p, err := lockedChange(ctx, s.db, "polls", id, poll, func(q runner, p *guli.Poll, actor *guli.User, now time.Time) error {
		if err := p.CheckClose(actor, now); err != nil {
			return err
		}
		if _, err := q.exec(ctx, "UPDATE polls SET closed_at = ?, closed_by = ? WHERE id = ?", ms(now), actor.ID, id); err != nil {
			return err
		}
		return audit(ctx, q, now, actor, "poll.close", 0, id.String())
	})
	if err != nil {
		return nil, err
	}
	return hideCounts(p, s.db.now()), nil
}
