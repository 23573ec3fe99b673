package guli_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"guli"
)

var pollNow = time.Date(2026, 12, 2, 9, 30, 0, 0, time.UTC)

func TestPollInputValidate(t *testing.T) {
	in := func(change func(*guli.PollInput)) *guli.PollInput {
		p := &guli.PollInput{CouncilID: 1, Question: " 选家委会成员 ", Options: []string{"王芳", " 李强 ", "赵敏"},
			MaxChoices: 1, ClosesAt: pollNow.Add(24 * time.Hour)}
		if change != nil {
			change(p)
		}
		return p
	}
	tests := []struct {
		name  string
		in    *guli.PollInput
		field string // "" when valid
		why   string
	}{
		{"a poll", in(nil), "", ""},
		{"an election of two, two choices", in(func(p *guli.PollInput) { p.Seats, p.MaxChoices = 2, 2 }), "", ""},
		{"several choices", in(func(p *guli.PollInput) { p.MaxChoices = 3 }), "", ""},
		{"no question", in(func(p *guli.PollInput) { p.Question = "  " }), "question", guli.FRRequired},
		{"a long question", in(func(p *guli.PollInput) { p.Question = strings.Repeat("问", guli.MaxPollQuestion+1) }), "question", guli.FRTooLong},
		{"one option", in(func(p *guli.PollInput) { p.Options = []string{"同意"} }), "options", guli.FRTooFewOptions},
		{"no options", in(func(p *guli.PollInput) { p.Options = nil }), "options", guli.FRTooFewOptions},
		{"too many options", in(func(p *guli.PollInput) {
			p.Options = nil
			for i := range guli.MaxPollOptions + 1 {
				p.Options = append(p.Options, strings.Repeat("选", i+1))
			}
		}), "options", guli.FROutOfRange},
		{"an empty option", in(func(p *guli.PollInput) { p.Options[1] = " " }), "options", guli.FRRequired},
		{"a long option", in(func(p *guli.PollInput) { p.Options[1] = strings.Repeat("选", guli.MaxPollOption+1) }), "options", guli.FRTooLong},
		{"the same option twice", in(func(p *guli.PollInput) { p.Options[2] = "王芳 " }), "options", guli.FRDuplicateOption},
		{"no choice allowed", in(func(p *guli.PollInput) { p.MaxChoices = 0 }), "max_choices", guli.FROutOfRange},
		{"more choices than options", in(func(p *guli.PollInput) { p.MaxChoices = 4 }), "max_choices", guli.FROutOfRange},
		{"more choices than seats", in(func(p *guli.PollInput) { p.Seats, p.MaxChoices = 1, 2 }), "max_choices", guli.FROutOfRange},
		{"a seat for every option", in(func(p *guli.PollInput) { p.Seats = 3 }), "seats", guli.FROutOfRange},
		{"negative seats", in(func(p *guli.PollInput) { p.Seats = -1 }), "seats", guli.FROutOfRange},
		{"no closing time", in(func(p *guli.PollInput) { p.ClosesAt = time.Time{} }), "closes_at", guli.FRRequired},
		{"closing now", in(func(p *guli.PollInput) { p.ClosesAt = pollNow }), "closes_at", guli.FROutOfRange},
		{"closing in the past", in(func(p *guli.PollInput) { p.ClosesAt = pollNow.Add(-time.Hour) }), "closes_at", guli.FROutOfRange},
		{"closing in two years", in(func(p *guli.PollInput) { p.ClosesAt = pollNow.AddDate(2, 0, 0) }), "closes_at", guli.FROutOfRange},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.in.Validate(pollNow)
			if tt.field == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				if tt.in.Question != "选家委会成员" || tt.in.Options[1] != "李强" {
					t.Errorf("not trimmed: %q %q", tt.in.Question, tt.in.Options)
				}
				return
			}
			if got := guli.AsError(err).Fields[tt.field]; got != tt.why {
				t.Errorf("%s: %q, want %q (%v)", tt.field, got, tt.why, err)
			}
		})
	}
}

// TestPollRules is who may open, vote in and close a poll, in every state.
func TestPollRules(t *testing.T) {
	c := &guli.Council{ID: 3, StationID: 1}
	open := &guli.Poll{ID: 5, CouncilID: 3, StationID: 1, MaxChoices: 2, ClosesAt: pollNow.Add(time.Hour),
		Options: []guli.PollOption{{ID: 11}, {ID: 12}, {ID: 13}}}
	early := *open
	early.ClosedAt = pollNow.Add(-time.Minute)
	late := *open
	late.ClosesAt = pollNow
	member := &guli.User{ID: 8, Roles: []guli.Role{guli.RoleResident}, Stations: []guli.ID{1}}
	staff := &guli.User{ID: 1, Roles: []guli.Role{guli.RoleStaff}, StaffStations: []guli.ID{1}}
	elsewhere := &guli.User{ID: 2, Roles: []guli.Role{guli.RoleStaff}, StaffStations: []guli.ID{2}}
	admin := &guli.User{ID: 4, Roles: []guli.Role{guli.RoleAdmin}}
	vote := func(ids ...guli.ID) guli.Ballot { return guli.Ballot{PollID: 5, OptionIDs: ids} }
	paper := func(voter guli.ID, ids ...guli.ID) guli.Ballot {
		return guli.Ballot{PollID: 5, Voter: voter, OptionIDs: ids}
	}
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"staff of the station open a poll", guli.CheckOpenPoll(staff, c), ""},
		{"an admin opens a poll", guli.CheckOpenPoll(admin, c), ""},
		{"staff of another station open none", guli.CheckOpenPoll(elsewhere, c), guli.ECNotFound},
		{"a member opens none", guli.CheckOpenPoll(member, c), guli.ECForbidden},
		{"nobody signed in opens none", guli.CheckOpenPoll(nil, c), guli.ECUnauthenticated},

		{"a member votes", open.CheckVote(member, vote(11), true, pollNow), ""},
		{"a member votes for two", open.CheckVote(member, vote(11, 13), true, pollNow), ""},
		{"naming themself is their own vote", open.CheckVote(member, paper(8, 12), true, pollNow), ""},
		{"someone not a member", open.CheckVote(member, vote(11), false, pollNow), guli.ECForbidden},
		{"staff not a member", open.CheckVote(staff, vote(11), false, pollNow), guli.ECForbidden},
		{"nobody signed in", open.CheckVote(nil, vote(11), true, pollNow), guli.ECUnauthenticated},
		{"closed early", early.CheckVote(member, vote(11), true, pollNow), guli.ECPollClosed},
		{"past its closing time", late.CheckVote(member, vote(11), true, pollNow), guli.ECPollClosed},
		{"no choice", open.CheckVote(member, vote(), true, pollNow), guli.ECValidation},
		{"more than allowed", open.CheckVote(member, vote(11, 12, 13), true, pollNow), guli.ECValidation},
		{"an option of another poll", open.CheckVote(member, vote(99), true, pollNow), guli.ECValidation},
		{"the same option twice", open.CheckVote(member, vote(11, 11), true, pollNow), guli.ECValidation},

		{"staff enter a member's paper ballot", open.CheckVote(staff, paper(8, 11), true, pollNow), ""},
		{"an admin enters a paper ballot", open.CheckVote(admin, paper(8, 11), true, pollNow), ""},
		{"a member enters none for another", open.CheckVote(member, paper(9, 11), true, pollNow), guli.ECForbidden},
		{"staff of another station enter none", open.CheckVote(elsewhere, paper(8, 11), true, pollNow), guli.ECNotFound},
		{"a paper ballot of someone not a member", open.CheckVote(staff, paper(9, 11), false, pollNow), guli.ECValidation},
		{"a paper ballot once closed", early.CheckVote(staff, paper(8, 11), true, pollNow), guli.ECPollClosed},
		{"a paper ballot with too many", open.CheckVote(staff, paper(8, 11, 12, 13), true, pollNow), guli.ECValidation},

		{"staff close it early", open.CheckClose(staff, pollNow), ""},
		{"an admin closes it", open.CheckClose(admin, pollNow), ""},
		{"a member closes none", open.CheckClose(member, pollNow), guli.ECForbidden},
		{"staff of another station close none", open.CheckClose(elsewhere, pollNow), guli.ECNotFound},
		{"nobody signed in closes none", open.CheckClose(nil, pollNow), guli.ECUnauthenticated},
		{"closed already", early.CheckClose(staff, pollNow), guli.ECPollClosed},
		{"past its time already", late.CheckClose(staff, pollNow), guli.ECPollClosed},
	}
	for _, tt := range tests {
		if got := codeOf(tt.err); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestPollStatusAndResults(t *testing.T) {
	p := &guli.Poll{ClosesAt: pollNow.Add(time.Hour)}
	if p.Status(pollNow) != guli.PollOpen || p.ResultsShown(pollNow) || !p.EndedAt().Equal(p.ClosesAt) {
		t.Errorf("before its time: %s, results %v", p.Status(pollNow), p.ResultsShown(pollNow))
	}
	if p.Status(p.ClosesAt) != guli.PollClosed || !p.ResultsShown(p.ClosesAt) {
		t.Error("at its closing time it is closed and shows results")
	}
	p.ClosedAt = pollNow
	if p.Status(pollNow) != guli.PollClosed || !p.ResultsShown(pollNow) || !p.EndedAt().Equal(pollNow) {
		t.Error("closed early: closed, results shown, ended when closed")
	}
	if _, ok := p.Outcome(pollNow); ok {
		t.Error("a poll that is not an election has no outcome")
	}
	p.Seats = 1
	if _, ok := p.Outcome(pollNow); !ok {
		t.Error("a closed election has an outcome")
	}
	p.ClosedAt = time.Time{}
	if _, ok := p.Outcome(pollNow); ok {
		t.Error("an open election has no outcome yet")
	}
}

// TestSecretResultsWithheld: a secret poll's counts never tell how one
// or two voters voted; staff see who voted and may close a poll at once.
func TestSecretResultsWithheld(t *testing.T) {
	tests := []struct {
		name     string
		secret   bool
		voters   int
		closed   bool
		shown    bool
		withheld bool
	}{
		{"secret, one voter, closed early", true, 1, true, false, true},
		{"secret, two voters", true, 2, true, false, true},
		{"secret, three voters", true, guli.MinSecretVoters, true, true, false},
		{"secret, nobody voted: zeros tell nothing", true, 0, true, true, false},
		{"secret, one voter, still open", true, 1, false, false, false},
		{"open ballot, one voter", false, 1, true, true, false},
	}
	for _, tt := range tests {
		p := &guli.Poll{Secret: tt.secret, Voters: tt.voters, Seats: 1, ClosesAt: pollNow.Add(time.Hour)}
		if tt.closed {
			p.ClosedAt = pollNow
		}
		if got := p.ResultsShown(pollNow); got != tt.shown {
			t.Errorf("%s: results shown %v, want %v", tt.name, got, tt.shown)
		}
		if got := p.ResultsWithheld(pollNow); got != tt.withheld {
			t.Errorf("%s: withheld %v, want %v", tt.name, got, tt.withheld)
		}
		if _, ok := p.Outcome(pollNow); ok != tt.shown {
			t.Errorf("%s: an outcome %v, want %v: who is elected tells the count", tt.name, ok, tt.shown)
		}
	}
}

func TestElect(t *testing.T) {
	votes := func(v ...int) []guli.PollOption { // option i+1 has v[i] votes
		var out []guli.PollOption
		for i, n := range v {
			out = append(out, guli.PollOption{ID: guli.ID(i + 1), Votes: n})
		}
		return out
	}
	tests := []struct {
		name    string
		options []guli.PollOption
		seats   int
		elected []guli.ID
		tied    []guli.ID
		open    int
	}{
		{"the most votes wins one seat", votes(3, 5, 1), 1, []guli.ID{2}, nil, 0},
		{"two seats", votes(3, 5, 1, 4), 2, []guli.ID{2, 4}, nil, 0},
		{"a tie for the one seat", votes(5, 5, 1), 1, nil, []guli.ID{1, 2}, 0},
		{"a tie at the last seat", votes(7, 4, 4, 1), 2, []guli.ID{1}, []guli.ID{2, 3}, 0},
		{"three level for the last two seats", votes(9, 3, 3, 3), 3, []guli.ID{1}, []guli.ID{2, 3, 4}, 0},
		{"level but seats enough for both", votes(4, 4, 1), 2, []guli.ID{1, 2}, nil, 0},
		{"a tie below the seats does not matter", votes(6, 5, 2, 2), 2, []guli.ID{1, 2}, nil, 0},
		{"all level for every seat", votes(2, 2, 2), 2, nil, []guli.ID{1, 2, 3}, 0},
		{"nobody voted", votes(0, 0, 0), 2, nil, nil, 2},
		{"nobody voted for the others", votes(0, 3, 0), 2, []guli.ID{2}, nil, 1},
		{"no vote never ties", votes(2, 0, 0), 2, []guli.ID{1}, nil, 1},
		{"order of options does not matter", []guli.PollOption{{ID: 9, Votes: 1}, {ID: 4, Votes: 8}, {ID: 7, Votes: 3}}, 2, []guli.ID{4, 7}, nil, 0},
	}
	for _, tt := range tests {
		got := guli.Elect(tt.options, tt.seats)
		if !slices.Equal(got.Elected, tt.elected) || !slices.Equal(got.Tied, tt.tied) || got.Open != tt.open {
			t.Errorf("%s: elected %v tied %v open %d, want %v %v %d", tt.name, got.Elected, got.Tied, got.Open, tt.elected, tt.tied, tt.open)
		}
		if len(got.Elected) > tt.seats {
			t.Errorf("%s: more elected than seats", tt.name)
		}
	}
}
