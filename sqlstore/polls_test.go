package sqlstore_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"guli"
	"guli/internal/dbtest"
	"guli/sqlstore"
)

// pollFixture is a council of the fixture's station with members.
type pollFixture struct {
	*fixture
	polls   *sqlstore.Polls
	council *guli.Council
	staffer *guli.User
	members []*guli.User
}

func newPollFixture(t *testing.T, e dbtest.Engine, members int) *pollFixture {
	t.Helper()
	f := &pollFixture{fixture: newFixture(t, e)}
	f.polls = sqlstore.NewPolls(f.db)
	councils := sqlstore.NewCouncils(f.db)
	f.staffer = f.staff(t, "社工小周", "13900000001")
	c, err := councils.CreateCouncil(as(f.staffer), guli.CouncilInput{StationID: f.station.ID, Name: "家长议事会", Kind: guli.CouncilParents})
	if err != nil {
		t.Fatal(err)
	}
	f.council = c
	for i := range members {
		m := f.register(t, fmt.Sprintf("家长%d", i), fmt.Sprintf("1390000%04d", 100+i))
		if err := councils.AddMember(as(f.staffer), c.ID, m.ID); err != nil {
			t.Fatal(err)
		}
		f.members = append(f.members, m)
	}
	return f
}

func (f *pollFixture) open(t *testing.T, secret bool, seats, maxChoices int, options ...string) *guli.Poll {
	t.Helper()
	p, err := f.polls.CreatePoll(as(f.staffer), guli.PollInput{CouncilID: f.council.ID, Question: "推选家委会成员",
		Options: options, MaxChoices: maxChoices, Secret: secret, Seats: seats, ClosesAt: f.db.Now().Add(24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPollVotesAndElection(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newPollFixture(t, e, 4)
		p := f.open(t, true, 2, 2, "王芳", "李强", "赵敏", "陈静")
		if len(p.Options) != 4 || p.Options[1].Label != "李强" || p.Eligible != 4 || !p.Secret || p.Seats != 2 {
			t.Fatalf("opened %+v", p)
		}
		opt := func(i int) guli.ID { return p.Options[i].ID }
		ballots := []struct {
			ctx   context.Context
			voter guli.ID
			ids   []guli.ID
		}{
			{as(f.members[0]), 0, []guli.ID{opt(0), opt(1)}},
			{as(f.members[1]), 0, []guli.ID{opt(0), opt(2)}},
			{as(f.members[2]), 0, []guli.ID{opt(1)}},
			{as(f.staffer), f.members[3].ID, []guli.ID{opt(2), opt(0)}}, // on paper
		}
		for i, b := range ballots {
			if err := f.polls.Vote(b.ctx, guli.Ballot{PollID: p.ID, Voter: b.voter, OptionIDs: b.ids}); err != nil {
				t.Fatalf("ballot %d: %v", i, err)
			}
		}
		if err := f.polls.Vote(as(f.members[0]), guli.Ballot{PollID: p.ID, OptionIDs: []guli.ID{opt(3)}}); code(err) != guli.ECAlreadyVoted {
			t.Fatalf("a second vote: %v", err)
		}
		if err := f.polls.Vote(as(f.staffer), guli.Ballot{PollID: p.ID, Voter: f.members[3].ID, OptionIDs: []guli.ID{opt(3)}}); code(err) != guli.ECAlreadyVoted {
			t.Fatalf("a second paper ballot: %v", err)
		}
		if err := f.polls.Vote(as(f.staffer), guli.Ballot{PollID: p.ID, OptionIDs: []guli.ID{opt(3)}}); code(err) != guli.ECForbidden {
			t.Fatalf("staff, not a member, vote: %v", err)
		}
		got, err := f.polls.Poll(context.Background(), p.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range got.Options {
			if o.Votes != 0 {
				t.Fatalf("an open poll's counts read %+v", got.Options)
			}
		}
		if got.Voters != 4 || got.Status(f.db.Now()) != guli.PollOpen {
			t.Fatalf("voters %d status %s", got.Voters, got.Status(f.db.Now()))
		}
		if voted, _ := f.polls.Voted(as(f.members[2]), p.ID); !voted {
			t.Error("a member who voted is not told so")
		}
		if voters, err := f.polls.Voters(as(f.staffer), p.ID); err != nil || len(voters) != 4 {
			t.Errorf("voters %v, %v", voters, err)
		}
		if _, err := f.polls.Voters(as(f.members[0]), p.ID); code(err) != guli.ECForbidden {
			t.Errorf("a member lists voters: %v", err)
		}
		if _, err := f.polls.ClosePoll(as(f.members[0]), p.ID); code(err) != guli.ECForbidden {
			t.Fatalf("a member closes: %v", err)
		}
		closed, err := f.polls.ClosePoll(as(f.staffer), p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.polls.ClosePoll(as(f.staffer), p.ID); code(err) != guli.ECPollClosed {
			t.Fatalf("closed twice: %v", err)
		}
		var votes []int
		for _, o := range closed.Options {
			votes = append(votes, o.Votes)
		}
		if !slices.Equal(votes, []int{3, 2, 2, 0}) {
			t.Fatalf("counts %v, want [3 2 2 0]", votes)
		}
		out, ok := closed.Outcome(f.db.Now())
		if !ok || !slices.Equal(out.Elected, []guli.ID{opt(0)}) || !slices.Equal(out.Tied, []guli.ID{opt(1), opt(2)}) {
			t.Fatalf("outcome %+v", out)
		}
		if err := f.polls.Vote(as(f.members[0]), guli.Ballot{PollID: p.ID, OptionIDs: []guli.ID{opt(3)}}); code(err) != guli.ECPollClosed {
			t.Fatalf("a vote once closed: %v", err)
		}
		list, err := f.polls.Polls(context.Background(), guli.PollFilter{CouncilID: f.council.ID})
		if err != nil || len(list.Items) != 1 || list.Items[0].Options[0].Votes != 3 {
			t.Fatalf("list %+v, %v", list.Items, err)
		}
	})
}

// TestOneVoteAtOnce: the same member voting many times at once makes one vote.
func TestOneVoteAtOnce(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newPollFixture(t, e, 1)
		p := f.open(t, true, 0, 1, "同意", "不同意")
		const n = 12
		got := outcomes(n, func(i int) error {
			return f.polls.Vote(as(f.members[0]), guli.Ballot{PollID: p.ID, OptionIDs: []guli.ID{p.Options[i%2].ID}})
		})
		if got[""] != 1 || got[guli.ECAlreadyVoted] != n-1 {
			t.Fatalf("outcomes %v", got)
		}
		total, err := sqlstore.QueryInt(context.Background(), f.db, "SELECT SUM(votes) FROM poll_options WHERE poll_id = ?", p.ID)
		if err != nil || total != 1 {
			t.Fatalf("%d votes counted, %v", total, err)
		}
	})
}

// TestEligibleCountsWhoVotedAndLeft: a member who voted and then left the
// council still counts among those who could vote, so the turnout never
// passes everyone, nor says everyone voted while a member has not.
func TestEligibleCountsWhoVotedAndLeft(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newPollFixture(t, e, 3)
		councils := sqlstore.NewCouncils(f.db)
		p := f.open(t, true, 0, 1, "同意", "不同意")
		for _, m := range f.members[:2] {
			if err := f.polls.Vote(as(m), guli.Ballot{PollID: p.ID, OptionIDs: []guli.ID{p.Options[0].ID}}); err != nil {
				t.Fatal(err)
			}
		}
		for _, m := range f.members[:2] {
			if err := councils.RemoveMember(as(f.staffer), f.council.ID, m.ID); err != nil {
				t.Fatal(err)
			}
		}
		got, err := f.polls.Poll(as(nil), p.ID)
		if err != nil || got.Voters != 2 || got.Eligible != 3 {
			t.Fatalf("after two voters left: %d voted of %d, %v; want 2 of 3", got.Voters, got.Eligible, err)
		}
		if err := councils.RemoveMember(as(f.staffer), f.council.ID, f.members[2].ID); err != nil {
			t.Fatal(err)
		}
		if got, _ := f.polls.Poll(as(nil), p.ID); got.Eligible != 2 {
			t.Errorf("a member who left without voting is not eligible: %d", got.Eligible)
		}
	})
}

// TestSecretPollStorageCannotLinkVoterToOption looks at the schema and at
// every row after a secret poll: nothing joins a person to a choice.
func TestSecretPollStorageCannotLinkVoterToOption(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		ctx := context.Background()
		f := newPollFixture(t, e, 3)
		p := f.open(t, true, 0, 1, "选项甲-7f3a", "选项乙-91c2", "选项丙-c4d8")
		before, err := sqlstore.Dump(ctx, f.db, "poll_options")
		if err != nil {
			t.Fatal(err)
		}
		for i, m := range f.members {
			b := guli.Ballot{PollID: p.ID, OptionIDs: []guli.ID{p.Options[i%2].ID}}
			voter := as(m)
			if i == 2 { // a paper ballot
				b.Voter, voter = m.ID, as(f.staffer)
			}
			if err := f.polls.Vote(voter, b); err != nil {
				t.Fatal(err)
			}
		}

		// The schema: the only table with a person and an option is
		// poll_votes, of polls that are not secret; the counts have no
		// person, no time, nothing written per vote.
		tables, err := sqlstore.Tables(ctx, f.db)
		if err != nil {
			t.Fatal(err)
		}
		person := func(col string) bool {
			return strings.HasPrefix(col, "user") || strings.HasSuffix(col, "_by") || strings.HasPrefix(col, "actor") ||
				strings.Contains(col, "person") || strings.Contains(col, "voter")
		}
		for table, cols := range tables {
			var people, options []string
			for _, c := range cols {
				if person(c) {
					people = append(people, c)
				}
				if strings.Contains(c, "option") {
					options = append(options, c)
				}
			}
			if len(people) > 0 && len(options) > 0 && table != "poll_votes" {
				t.Errorf("table %s holds a person (%v) and a choice (%v)", table, people, options)
			}
			if table == "poll_voters" && len(options) > 0 {
				t.Errorf("poll_voters holds a choice: %v", cols)
			}
		}
		slices.Sort(tables["poll_options"])
		if want := []string{"id", "label", "poll_id", "position", "votes"}; !slices.Equal(tables["poll_options"], want) {
			t.Errorf("poll_options has columns %v, want %v: no person, no time", tables["poll_options"], want)
		}

		// The rows: the secret poll wrote no poll_votes; the options'
		// rows are those written when it opened, only their counts moved.
		if n, err := sqlstore.QueryInt(ctx, f.db, "SELECT COUNT(*) FROM poll_votes WHERE poll_id = ?", p.ID); err != nil || n != 0 {
			t.Fatalf("a secret poll kept %d rows of who chose what (%v)", n, err)
		}
		after, err := sqlstore.Dump(ctx, f.db, "poll_options")
		if err != nil || len(after) != len(before) {
			t.Fatalf("options %v, %v", after, err)
		}
		byID := func(a, b []string) int { return strings.Compare(fmt.Sprintf("%20s", a[0]), fmt.Sprintf("%20s", b[0])) }
		slices.SortFunc(before, byID)
		slices.SortFunc(after, byID)
		if e.Name == "postgres" {
			// A row's version names the transaction that last wrote it:
			// every vote writes all of a poll's options, so all share one.
			if n, err := sqlstore.QueryInt(ctx, f.db, "SELECT COUNT(DISTINCT xmin::text) FROM poll_options WHERE poll_id = ?", p.ID); err != nil || n != 1 {
				t.Errorf("the options' row versions differ (%d, %v): they point at who chose what", n, err)
			}
		}
		for i := range before {
			b, a := slices.Clone(before[i]), slices.Clone(after[i])
			b[len(b)-1], a[len(a)-1] = "", "" // votes, the last column
			if !slices.Equal(a, b) {
				t.Errorf("an option's row changed beyond its count: %v → %v", before[i], after[i])
			}
		}
		// No other table anywhere holds a chosen label or the poll's
		// options by id next to a person: the paper ballot's audit says
		// whose ballot, in which poll, and nothing of its choice.
		for table := range tables {
			rows, err := sqlstore.Dump(ctx, f.db, table)
			if err != nil {
				t.Fatal(err)
			}
			for _, row := range rows {
				line := strings.Join(row, "|")
				if table != "poll_options" && strings.Contains(line, "选项") {
					t.Errorf("%s holds a choice: %s", table, line)
				}
			}
		}
		audits, err := sqlstore.Dump(ctx, f.db, "audit_log")
		if err != nil {
			t.Fatal(err)
		}
		var ballots int
		for _, row := range audits {
			if slices.Contains(row, "poll.paper_ballot") {
				ballots++
				// actor_id, action, subject_id, detail: staff, whose ballot, the poll alone.
				at := slices.Index(row, "poll.paper_ballot")
				if row[at-1] != f.staffer.ID.String() || row[at+1] != f.members[2].ID.String() || row[at+2] != p.ID.String() {
					t.Errorf("the paper ballot's audit %v says more or less than who entered whose ballot in which poll", row)
				}
			}
		}
		if ballots != 1 {
			t.Errorf("%d paper ballots audited, want 1", ballots)
		}
	})
}
