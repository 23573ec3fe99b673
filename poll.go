package guli

import (
	"context"
	"slices"
	"strings"
	"time"
)

// Polls and elections of a council. Staff of the council's station open a
// poll with its options; each member votes once, on their phone or — for a
// member without one — on paper that staff enter for them. A secret poll
// keeps only who voted and how many votes each option has, never who
// chose what. Results are shown once the poll is closed, by its closing
// time or closed early by staff: nobody is swayed by a running count.
//
// An election fills Seats: the options with most votes are elected. Ties
// are not broken by the system. An option with more votes than the first
// option left out is elected; options level with each other across the
// last seats are listed as tied, for the council to decide (a run-off or
// lots drawn in a meeting). An option nobody voted for is never elected.

// Error codes of polls.
const (
	ECAlreadyVoted = "already_voted"
	ECPollClosed   = "poll_closed"
)

// Field reasons of polls.
const (
	FRNotMember       = "not_member"       // the ballot's person is not a member of the council
	FRTooManyChoices  = "too_many_choices" // more options than the poll allows
	FRUnknownOption   = "unknown_option"   // an option of another poll, or none
	FRDuplicateOption = "duplicate_option"
	FRTooFewOptions   = "too_few_options" // a poll needs two options at least
)

// States of a poll.
const (
	PollOpen   = "open"
	PollClosed = "closed"
)

// Limits of a poll.
const (
	MaxPollQuestion = 200
	MaxPollOption   = 100
	MinPollOptions  = 2
	MaxPollOptions  = 30
	// MaxPollDuration is how far ahead a poll may close.
	MaxPollDuration = 366 * 24 * time.Hour
)

// Poll is one poll or election of a council.
type Poll struct {
	ID         ID
	CouncilID  ID
	StationID  ID
	Question   string
	Options    []PollOption // in the order they were given
	MaxChoices int
	Secret     bool
	Seats      int // 0: not an election
	ClosesAt   time.Time
	ClosedAt   time.Time // zero until closed early
	CreatedAt  time.Time
	Voters     int // members who voted
	Eligible   int // members of the council
}

// PollOption is one choice of a poll, with its count of votes.
type PollOption struct {
	ID    ID
	Label string
	Votes int
}

// Election reports whether the poll fills seats.
func (p *Poll) Election() bool { return p.Seats > 0 }

// Closed reports whether voting has ended at now: closed early, or past
// its closing time.
func (p *Poll) Closed(now time.Time) bool {
	return !p.ClosedAt.IsZero() || !now.Before(p.ClosesAt)
}

// Status is open or closed at now.
func (p *Poll) Status(now time.Time) string {
	if p.Closed(now) {
		return PollClosed
	}
	return PollOpen
}

// EndedAt is when voting ended, or will end.
func (p *Poll) EndedAt() time.Time {
	if !p.ClosedAt.IsZero() && p.ClosedAt.Before(p.ClosesAt) {
		return p.ClosedAt
	}
	return p.ClosesAt
}

// MinSecretVoters is the fewest voters whose secret poll's counts are
// shown. One voter's count is their ballot, and staff, who see who voted,
// could close a poll early right after the first vote to read it; with
// two, each voter reads the other's from the count. As with any table of
// people, no count of fewer than three is published.
const MinSecretVoters = 3

// ResultsShown reports whether the counts may be shown at now: only once
// the poll is closed, secret or not, so that an early count sways nobody,
// and for a secret poll only when the count hides who chose what
// (ResultsWithheld).
func (p *Poll) ResultsShown(now time.Time) bool { return p.Closed(now) && !p.ResultsWithheld(now) }

// ResultsWithheld reports whether a closed secret poll keeps its counts
// back for good: one or two members voted, too few for the count not to
// tell how they voted. A poll nobody voted in tells nothing.
func (p *Poll) ResultsWithheld(now time.Time) bool {
	return p.Closed(now) && p.Secret && p.Voters > 0 && p.Voters < MinSecretVoters
}

// PollInput is a new poll of a council.
type PollInput struct {
	CouncilID  ID
	Question   string
	Options    []string
	MaxChoices int
	Secret     bool
	ClosesAt   time.Time
	Seats      int // 0: a poll; more: an election of that many
}

// Validate checks what needs no database; it trims the texts.
func (in *PollInput) Validate(now time.Time) error {
	p := Problems{}
	in.Question = strings.TrimSpace(in.Question)
	checkText(p, "question", in.Question, MaxPollQuestion, true)
	seen := map[string]bool{}
	for i, o := range in.Options {
		o = strings.TrimSpace(o)
		in.Options[i] = o
		checkText(p, "options", o, MaxPollOption, true)
		if seen[o] {
			p.Add("options", FRDuplicateOption)
		}
		seen[o] = true
	}
	switch {
	case len(in.Options) < MinPollOptions:
		p.Add("options", FRTooFewOptions)
	case len(in.Options) > MaxPollOptions:
		p.Add("options", FROutOfRange)
	}
	switch {
	case in.Seats < 0 || in.Seats > max(len(in.Options)-1, 0):
		// An election with a seat for every candidate is no choice.
		p.Add("seats", FROutOfRange)
	case in.MaxChoices < 1 || in.MaxChoices > max(len(in.Options), 1):
		p.Add("max_choices", FROutOfRange)
	case in.Seats > 0 && in.MaxChoices > in.Seats:
		// One vote a seat at most: a voter cannot back more people than
		// there are seats.
		p.Add("max_choices", FROutOfRange)
	}
	switch {
	case in.ClosesAt.IsZero():
		p.Add("closes_at", FRRequired)
	case !in.ClosesAt.After(now) || in.ClosesAt.Sub(now) > MaxPollDuration:
		p.Add("closes_at", FROutOfRange)
	}
	return p.Err()
}

// CheckOpenPoll says whether actor may open a poll in council c: staff of
// its station (forbidden to others, not_found to staff of another station).
func CheckOpenPoll(actor *User, c *Council) error { return c.CheckRun(actor) }

// CheckClose says whether actor may close the poll early at now.
func (p *Poll) CheckClose(actor *User, now time.Time) error {
	if err := actor.ActsAt(p.StationID); err != nil {
		return err
	}
	if p.Closed(now) {
		return Errorf(ECPollClosed)
	}
	return nil
}

// Ballot is one member's vote: their own, or the paper ballot staff enter
// for them (Voter is then someone else than the actor).
type Ballot struct {
	PollID    ID
	Voter     ID // 0: the actor votes for themself
	OptionIDs []ID
}

// CheckVote says whether actor may cast b at now. member says whether the
// voter (the actor, or the person of a paper ballot) is a member of the
// poll's council; whether they voted already the store knows. A paper
// ballot is entered by staff of the station only.
func (p *Poll) CheckVote(actor *User, b Ballot, member bool, now time.Time) error {
	if actor == nil {
		return Errorf(ECUnauthenticated)
	}
	paper := b.Voter != 0 && b.Voter != actor.ID
	if paper {
		if err := actor.ActsAt(p.StationID); err != nil {
			return err
		}
		if !member {
			return Invalid("user_id", FRNotMember)
		}
	} else if !member {
		return Errorf(ECForbidden)
	}
	if p.Closed(now) {
		return Errorf(ECPollClosed)
	}
	return p.CheckChoices(b.OptionIDs)
}

// CheckChoices says whether ids are a valid choice in the poll: at least
// one, at most MaxChoices, each an option of the poll, none twice.
func (p *Poll) CheckChoices(ids []ID) error {
	switch {
	case len(ids) == 0:
		return Invalid("option_ids", FRRequired)
	case len(ids) > p.MaxChoices:
		return Invalid("option_ids", FRTooManyChoices)
	}
	seen := map[ID]bool{}
	for _, id := range ids {
		if !slices.ContainsFunc(p.Options, func(o PollOption) bool { return o.ID == id }) {
			return Invalid("option_ids", FRUnknownOption)
		}
		if seen[id] {
			return Invalid("option_ids", FRDuplicateOption)
		}
		seen[id] = true
	}
	return nil
}

// Outcome is who an election elected: Elected surely, and Tied for the
// seats left, whom the council decides between.
type Outcome struct {
	Elected []ID
	Tied    []ID
	Open    int // seats neither elected nor contested by a tie: too few had votes
}

// Elect fills seats from options by most votes. Those with more votes than
// the first left out are elected; those level at the edge of the seats
// are tied when there are more of them than seats left, and are all
// elected when there are not. Options without a vote are never elected.
// The order of options does not matter.
func Elect(options []PollOption, seats int) Outcome {
	ranked := slices.Clone(options)
	slices.SortStableFunc(ranked, func(a, b PollOption) int { return b.Votes - a.Votes })
	var out Outcome
	for i := 0; i < len(ranked) && len(out.Elected) < seats; {
		if ranked[i].Votes == 0 {
			break
		}
		j := i // ranked[i:j] are level
		for j < len(ranked) && ranked[j].Votes == ranked[i].Votes {
			j++
		}
		level := ranked[i:j]
		if left := seats - len(out.Elected); len(level) > left {
			for _, o := range level {
				out.Tied = append(out.Tied, o.ID)
			}
			break
		}
		for _, o := range level {
			out.Elected = append(out.Elected, o.ID)
		}
		i = j
	}
	out.Open = seats - len(out.Elected)
	if len(out.Tied) > 0 {
		out.Open = 0
	}
	return out
}

// Outcome is the election's outcome once closed; false for a poll that is
// not an election, not closed, or whose counts are withheld.
func (p *Poll) Outcome(now time.Time) (Outcome, bool) {
	if !p.Election() || !p.ResultsShown(now) {
		return Outcome{}, false
	}
	return Elect(p.Options, p.Seats), true
}

// PollFilter narrows a council's polls.
type PollFilter struct {
	CouncilID ID
	ListOptions
}

// PollService opens polls, takes votes and closes them.
type PollService interface {
	// CreatePoll opens a poll in a council, by staff of its station.
	CreatePoll(ctx context.Context, in PollInput) (*Poll, error)
	// Polls lists a council's polls, open ones first, newest first.
	Polls(ctx context.Context, f PollFilter) (Page[*Poll], error)
	// Poll returns one poll; its counts are zero until it is closed.
	Poll(ctx context.Context, id ID) (*Poll, error)
	// Vote casts a ballot; twice for one member answers already_voted,
	// however many arrive at once. A paper ballot is audited without its
	// choice.
	Vote(ctx context.Context, b Ballot) error
	// Voted reports whether the signed-in person voted in the poll.
	Voted(ctx context.Context, pollID ID) (bool, error)
	// Voters lists who voted (never what), for staff of the station.
	Voters(ctx context.Context, pollID ID) ([]ID, error)
	// ClosePoll ends voting early, by staff of the station (audited).
	ClosePoll(ctx context.Context, id ID) (*Poll, error)
}
