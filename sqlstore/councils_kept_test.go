package sqlstore_test

import (
	"testing"
	"time"

	"guli"
	"guli/internal/dbtest"
	"guli/sqlstore"
)

// A council's proposals, meetings, polls and roll are kept while the data
// version holds, made each reader's on the way out: another process's
// support, vote, attendance or new member shows within the poll, each
// reader sees only their own supports and the names they may, a poll's
// counts stay blank while it is open, and what a caller changes in an
// answer never reaches the next.
func TestKeptCouncilAnswersFollowWrites(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newPollFixture(t, e, 2)
		other := dbtest.OpenDSN(t, f.dsn) // another process, as far as f.db can tell
		meetings, otherMeetings := sqlstore.NewMeetings(f.db), sqlstore.NewMeetings(other)
		councils, otherCouncils := sqlstore.NewCouncils(f.db), sqlstore.NewCouncils(other)
		otherPolls := sqlstore.NewPolls(other)
		author, neighbour := f.members[0], f.members[1]
		passerBy := f.register(t, "路过的居民", "13900009999")
		eventually := func(what string, ok func() bool) {
			t.Helper()
			for deadline := time.Now().Add(5 * time.Second); !ok(); time.Sleep(20 * time.Millisecond) {
				if time.Now().After(deadline) {
					t.Fatalf("%s not seen within 5 s", what)
				}
			}
		}

		// Proposals: the author's name to the author and staff only, a
		// reader's support to that reader only.
		p, err := meetings.CreateProposal(as(author), guli.ProposalInput{CouncilID: f.council.ID, Title: "三号楼楼道加装扶手"})
		if err != nil {
			t.Fatal(err)
		}
		first := func(reader *guli.User, who string) *guli.Proposal {
			t.Helper()
			page, err := meetings.Proposals(as(reader), f.council.ID, guli.ListOptions{})
			if err != nil || len(page.Items) != 1 {
				t.Fatalf("%s: the proposals %v %v", who, page.Items, err)
			}
			return page.Items[0]
		}
		for _, c := range []struct {
			who    string
			reader *guli.User
			author string
		}{{"the author", author, author.Name}, {"staff", f.staffer, author.Name}, {"a neighbour", neighbour, ""}, {"a passer-by", passerBy, ""}} {
			if got := first(c.reader, c.who); got.Author != c.author || got.Supported {
				t.Errorf("%s sees the author %q, supported %v", c.who, got.Author, got.Supported)
			}
		}
		got := first(neighbour, "a neighbour")
		got.Title, got.Supported = "changed by a caller", true
		if got := first(neighbour, "a neighbour"); got.Title != "三号楼楼道加装扶手" || got.Supported {
			t.Fatalf("a caller's change reached the kept proposals: %+v", got)
		}
		if _, err := otherMeetings.Support(as(neighbour), p.ID); err != nil {
			t.Fatal(err)
		}
		eventually("a support in another process", func() bool {
			got := first(neighbour, "a neighbour")
			return got.Supported && got.SupportCount == 1
		})
		if got := first(author, "the author"); got.Supported || got.SupportCount != 1 {
			t.Errorf("the neighbour's support is the author's too: %+v", got)
		}

		// A meeting with the proposal on its agenda: who attended is named
		// to staff and members, and to a member added since.
		m, err := meetings.CreateMeeting(as(f.staffer), guli.MeetingInput{CouncilID: f.council.ID, Title: "例会",
			Start: f.db.Now().Add(72 * time.Hour), Agenda: []string{"通报"}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := meetings.AnswerProposal(as(f.staffer), p.ID, guli.ProposalAnswer{MeetingID: m.ID}); err != nil {
			t.Fatal(err)
		}
		meeting := func(reader *guli.User) *guli.Meeting {
			t.Helper()
			m, err := meetings.Meeting(as(reader), m.ID)
			if err != nil || len(m.Proposals) != 1 {
				t.Fatalf("the meeting: %+v %v", m, err)
			}
			return m
		}
		if got := meeting(neighbour); !got.Proposals[0].Supported || got.Proposals[0].Author != "" {
			t.Errorf("the meeting's proposal to the neighbour: %+v", got.Proposals[0])
		}
		if got := meeting(author); got.Proposals[0].Supported || got.Proposals[0].Author != author.Name {
			t.Errorf("the meeting's proposal to its author: %+v", got.Proposals[0])
		}
		if _, err := otherMeetings.SetAttendance(as(f.staffer), m.ID, []guli.ID{author.ID}); err != nil {
			t.Fatal(err)
		}
		eventually("attendance recorded in another process", func() bool { return meeting(f.staffer).Attended == 1 })
		if got := meeting(f.staffer); len(got.Attendees) != 1 || got.Attendees[0].Name != author.Name {
			t.Errorf("the attendees to staff: %+v", got.Attendees)
		}
		if got := meeting(passerBy); got.Attendees != nil || got.Attended != 1 {
			t.Errorf("the attendees to a passer-by: %+v", got.Attendees)
		}
		got2 := meeting(f.staffer)
		got2.Attendees[0].Name, got2.Agenda[0], got2.Proposals[0].Title = "changed", "changed", "changed"
		if got := meeting(f.staffer); got.Attendees[0].Name != author.Name || got.Agenda[0] != "通报" || got.Proposals[0].Title != "三号楼楼道加装扶手" {
			t.Fatalf("a caller's change reached the kept meeting: %+v", got)
		}
		if err := otherCouncils.AddMember(as(f.staffer), f.council.ID, passerBy.ID); err != nil {
			t.Fatal(err)
		}
		eventually("a member added in another process", func() bool {
			member, err := councils.IsMember(as(passerBy), f.council.ID)
			return err == nil && member && len(meeting(passerBy).Attendees) == 1
		})
		if members, err := councils.Members(as(passerBy), f.council.ID); err != nil || len(members) != 3 {
			t.Errorf("the roll to its new member: %v %v", members, err)
		}

		// A poll: who voted shows within the poll, its counts do not
		// while it is open. (Open, not secret: a secret poll of one ballot
		// never shows its counts.)
		poll := f.open(t, false, 0, 1, "周三", "周六")
		if voted, err := f.polls.Voted(as(neighbour), poll.ID); err != nil || voted {
			t.Fatalf("voted before voting: %v %v", voted, err)
		}
		if err := otherPolls.Vote(as(neighbour), guli.Ballot{PollID: poll.ID, OptionIDs: []guli.ID{poll.Options[1].ID}}); err != nil {
			t.Fatal(err)
		}
		eventually("a vote in another process", func() bool {
			voted, err := f.polls.Voted(as(neighbour), poll.ID)
			return err == nil && voted
		})
		if voted, err := f.polls.Voted(as(author), poll.ID); err != nil || voted {
			t.Errorf("the neighbour's vote is the author's: %v %v", voted, err)
		}
		seen, err := f.polls.Poll(as(neighbour), poll.ID)
		if err != nil || seen.Voters != 1 || seen.Options[1].Votes != 0 {
			t.Fatalf("an open poll after a vote: %+v %v", seen, err)
		}
		seen.Options[0].Label, seen.Question = "changed by a caller", "changed by a caller"
		if seen, err := f.polls.Poll(as(neighbour), poll.ID); err != nil || seen.Options[0].Label != "周三" || seen.Question != "推选家委会成员" {
			t.Fatalf("a caller's change reached the kept poll: %+v %v", seen, err)
		}
		if _, err := f.polls.ClosePoll(as(f.staffer), poll.ID); err != nil {
			t.Fatal(err)
		}
		if seen, err := f.polls.Poll(as(passerBy), poll.ID); err != nil || seen.Options[1].Votes != 1 {
			t.Fatalf("a closed poll's counts: %+v %v", seen, err)
		}
	})
}

// A council's polls come a page at a time, open ones first, then newest
// first; the cursor goes on from the last one, and a cursor no list makes
// is refused.
func TestPollsArePaged(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newPollFixture(t, e, 0)
		var made []*guli.Poll
		for range 5 {
			made = append(made, f.open(t, false, 0, 1, "是", "否"))
		}
		for _, p := range made[:3] { // the oldest three are closed
			if _, err := f.polls.ClosePoll(as(f.staffer), p.ID); err != nil {
				t.Fatal(err)
			}
		}
		var order []guli.ID
		cursor := ""
		for pages := 0; ; pages++ {
			page, err := f.polls.Polls(system(), guli.PollFilter{CouncilID: f.council.ID, ListOptions: guli.ListOptions{Limit: 2, Cursor: cursor}})
			if err != nil || len(page.Items) > 2 || pages > 3 {
				t.Fatalf("page %d: %d polls, %v", pages, len(page.Items), err)
			}
			for _, p := range page.Items {
				order = append(order, p.ID)
			}
			if cursor = page.NextCursor; cursor == "" {
				break
			}
		}
		want := []guli.ID{made[4].ID, made[3].ID, made[2].ID, made[1].ID, made[0].ID}
		if len(order) != len(want) {
			t.Fatalf("the polls in pages: %v, want %v", order, want)
		}
		for i := range want {
			if order[i] != want[i] {
				t.Fatalf("the polls in pages: %v, want %v", order, want)
			}
		}
		for _, bad := range []string{"nonsense~~", guli.EncodeCursor("open"), guli.EncodeCursor("maybe", "7"), guli.EncodeCursor("open", "x")} {
			if _, err := f.polls.Polls(system(), guli.PollFilter{CouncilID: f.council.ID, ListOptions: guli.ListOptions{Cursor: bad}}); code(err) != guli.ECValidation {
				t.Errorf("cursor %q: %v", bad, err)
			}
		}
	})
}
