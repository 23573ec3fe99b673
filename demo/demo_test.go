package demo_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"guli"
	"guli/demo"
	"guli/internal/dbtest"
	"guli/sqlstore"
)

func TestSyntheticActivitiesAndRegistrations(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		svc, ctx, st := seeded(t, e)
		users, err := demo.Residents(ctx, svc, st.ID, 30, 7)
		if err != nil {
			t.Fatal(err)
		}
		if len(users) != 30 || slices.Contains(users, 0) {
			t.Fatalf("residents %v, want 30 ids", users)
		}
		now := time.Now().In(st.Location())
		from := time.Date(now.Year(), now.Month(), now.Day()+1, 10, 30, 0, 0, now.Location())
		ids, err := demo.Activities(ctx, svc, st.ID, from, 60, 7)
		if err != nil {
			t.Fatal(err)
		}
		if len(ids) != 60 {
			t.Fatalf("%d activities, want 60", len(ids))
		}
		for _, id := range ids {
			a, err := svc.Activities.Activity(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if a.Start.Before(from) || !a.Start.Before(from.AddDate(0, 0, 30)) {
				t.Errorf("%s starts %s, outside the 30 days from %s", a.Title, a.Start, from)
			}
			if !st.OpeningHours.Covers(a.Start, a.End) {
				t.Errorf("%s %s–%s is outside opening hours", a.Title, a.Start, a.End)
			}
			if a.Capacity < 10 || a.Capacity > 60 || a.RoomID != 0 || !slices.Contains(guli.Categories, a.Category) {
				t.Errorf("%s: capacity %d, room %d, category %q", a.Title, a.Capacity, a.RoomID, a.Category)
			}
		}
		n, err := demo.Registrations(ctx, svc, ids, users, 200, 7)
		if err != nil || n != 200 {
			t.Fatalf("registrations: %d, %v; want 200", n, err)
		}
		total := 0
		for _, id := range ids {
			a, err := svc.Activities.Activity(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			total += a.ConfirmedCount + a.WaitlistCount
		}
		if total != 200 {
			t.Fatalf("the activities count %d registrations, want 200", total)
		}
		// More than there are pairs: an error, not an endless draw.
		if _, err := demo.Registrations(ctx, svc, ids[:1], users[:2], 5, 7); err == nil {
			t.Fatal("5 registrations of 2 people for 1 activity succeeded")
		}
	})
}

// The demo station's mutual aid is not empty: requests in every state,
// and a volunteer with a profile and the minutes her confirmed services
// earned, in a ledger that adds up.
func TestDemoMutualAid(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		db := e.Open(t)
		svc := sqlstore.NewServices(db)
		ctx := guli.NewContextWithUser(context.Background(), guli.SystemUser)
		if _, err := demo.Seed(ctx, svc); err != nil {
			t.Fatal(err)
		}
		page, err := svc.Help.HelpRequests(ctx, guli.HelpFilter{}, guli.ListOptions{Limit: guli.MaxLimit})
		if err != nil {
			t.Fatal(err)
		}
		states := map[string]int{}
		var volunteerID guli.ID
		for _, h := range page.Items {
			states[h.Status]++
			if h.Volunteer == "汪雅琴" {
				volunteerID = h.VolunteerID
			}
		}
		for _, s := range []string{guli.HelpOpen, guli.HelpClaimed, guli.HelpDone, guli.HelpConfirmed, guli.HelpCancelled} {
			if states[s] == 0 {
				t.Errorf("no demo request is %s: %v", s, states)
			}
		}
		if volunteerID == 0 {
			t.Fatal("汪雅琴 took no demo request")
		}
		volunteer, err := svc.Accounts.User(ctx, volunteerID)
		if err != nil {
			t.Fatal(err)
		}
		as := guli.NewContextWithUser(context.Background(), volunteer)
		bank, err := svc.TimeBank.MyTimeBank(as)
		if err != nil || bank.BalanceMinutes != 70 || bank.EarnedMinutes != 70 {
			t.Fatalf("汪雅琴's time bank: %+v %v, want 70 minutes earned", bank, err)
		}
		vp, err := svc.Accounts.VolunteerProfile(ctx, volunteerID)
		if err != nil || len(vp.Skills) == 0 || len(vp.AreaIDs) == 0 || len(vp.Availability.On(time.Saturday)) == 0 {
			t.Fatalf("汪雅琴's volunteer profile: %+v %v", vp, err)
		}
		if err := db.CheckLedger(ctx); err != nil {
			t.Fatal(err)
		}
	})
}

// The demo station's incubator is the article's: the choir, the volunteer
// team, the parents' committee and two talents' studios with their
// introductions and classes, and a committee's nomination waiting for the
// desk.
func TestDemoTeams(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		svc, ctx, st := seeded(t, e)
		page, err := svc.Teams.Teams(ctx, guli.TeamFilter{StationID: st.ID, ListOptions: guli.ListOptions{Limit: guli.MaxLimit}})
		if err != nil {
			t.Fatal(err)
		}
		byName := map[string]*guli.Team{}
		for _, team := range page.Items {
			byName[team.Name] = team
		}
		for _, want := range []struct {
			name, kind, leader string
			classes            bool
		}{
			{"社区合唱队", guli.TeamInterestGroup, "程秀英", true},
			{"顾里小站志愿服务队", guli.TeamVolunteer, "汪雅琴", false},
			{"家委会", guli.TeamCommittee, "汪雅琴", false},
			{"墨迹书香", guli.TeamStudio, "谢墨林", true},
			{"生活结艺", guli.TeamStudio, "孙巧云", true},
		} {
			listed := byName[want.name]
			if listed == nil {
				t.Errorf("no demo team %s among %d", want.name, len(page.Items))
				continue
			}
			team, err := svc.Teams.Team(ctx, listed.ID)
			if err != nil {
				t.Fatal(err)
			}
			if team.Kind != want.kind || len(team.Members) < 2 || team.Members[0].Name != want.leader || team.Members[0].Role != guli.TeamLeaderRole ||
				team.MemberCount != len(team.Members) || team.Description == "" {
				t.Errorf("%s: kind %s, %d members (%d counted), first %+v, introduction %q", want.name, team.Kind, len(team.Members),
					team.MemberCount, team.Members[0], team.Description)
			}
			classes, err := svc.Teams.UpcomingClasses(ctx, team.ID, 10)
			if err != nil {
				t.Fatal(err)
			}
			if (len(classes) > 0) != want.classes {
				t.Errorf("%s has %d upcoming classes", want.name, len(classes))
			}
		}
		// The calligraphy studio shows its photo, its leader's, to anyone.
		studio := byName["墨迹书香"]
		if studio == nil || studio.PhotoID == 0 || studio.PhotoWidth != guli.ThumbLongSide || studio.PhotoHeight != guli.ThumbLongSide*3/4 {
			t.Fatalf("the studio's photo: %+v", studio)
		}
		data, contentType, err := svc.Photos.Photo(context.Background(), studio.PhotoID, false)
		if err != nil || contentType != "image/jpeg" || len(data) < 5_000 {
			t.Errorf("the studio's photo to anyone: %d bytes of %s, %v", len(data), contentType, err)
		}
		if byName["生活结艺"].PhotoID != 0 {
			t.Errorf("生活结艺 has a photo: %d", byName["生活结艺"].PhotoID)
		}
		nominations, err := svc.Teams.Nominations(ctx, st.ID, guli.NominationPending, guli.ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(nominations.Items) != 1 || nominations.Items[0].Nominee != "李建华" || nominations.Items[0].Committee != "馨清佳苑居委会" ||
			nominations.Items[0].FiledName != "周晨" {
			t.Errorf("the pending nominations: %+v", nominations.Items)
		}
	})
}

// The demo station's councils have met: the residents' and the parents'
// councils with members, four meetings with agendas, minutes and
// resolutions followed up, and proposals with supports. The residents'
// council's 70+ resolution is the station's rule, and the demo activities
// that ask for an emergency contact rest on it; the others ask none.
func TestDemoCouncils(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		svc, ctx, st := seeded(t, e)
		cs, err := svc.Councils.Councils(ctx, guli.CouncilFilter{StationID: st.ID, ListOptions: guli.ListOptions{Limit: guli.MaxLimit}})
		if err != nil {
			t.Fatal(err)
		}
		meetings, followed, supported := map[string]*guli.Meeting{}, 0, 0
		kinds := map[string]string{}
		for _, c := range cs.Items {
			kinds[c.Name] = c.Kind
			members, err := svc.Councils.Members(ctx, c.ID)
			if err != nil || len(members) < 3 {
				t.Errorf("%s's members: %d %v", c.Name, len(members), err)
			}
			page, err := svc.Meetings.Meetings(ctx, c.ID, guli.ListOptions{Limit: guli.MaxLimit})
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range page.Items {
				meetings[m.Title] = m
				if len(m.Agenda) == 0 || m.Minutes == "" || len(m.Resolutions) == 0 || m.Attended == 0 || !m.Start.Before(time.Now()) {
					t.Errorf("the meeting %s: %d agenda items, minutes %q, %d resolutions, %d attended, on %s",
						m.Title, len(m.Agenda), m.Minutes, len(m.Resolutions), m.Attended, m.Start)
				}
				for _, r := range m.Resolutions {
					if r.Status != guli.ResolutionOpen {
						followed++
					}
				}
			}
			ps, err := svc.Meetings.Proposals(ctx, c.ID, guli.ListOptions{Limit: guli.MaxLimit})
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range ps.Items {
				if p.SupportCount > 0 {
					supported++
				}
			}
		}
		if kinds["居民议事会"] != guli.CouncilResidents || kinds["家长议事会"] != guli.CouncilParents {
			t.Errorf("the councils: %v", kinds)
		}
		for _, title := range []string{"共同参与与助力美好家园建设", "协商探讨社区70岁以上老人参与活动的安全保障",
			"成立“社区家委会”，推选家委会成员", "探讨社区能人如何助力社区儿童的成长与发展"} {
			if meetings[title] == nil {
				t.Errorf("no demo meeting %s", title)
			}
		}
		if followed == 0 || supported == 0 {
			t.Errorf("%d resolutions followed up, %d proposals supported", followed, supported)
		}

		// The parents' council elected its committee: a secret election,
		// closed, every member's ballot counted, three elected; the
		// residents' council has a poll still open.
		var election *guli.Poll
		var open []*guli.Poll
		for _, c := range cs.Items {
			polls, err := svc.Polls.Polls(ctx, guli.PollFilter{CouncilID: c.ID, ListOptions: guli.ListOptions{Limit: guli.MaxLimit}})
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range polls.Items {
				if p.Question == demo.Election && c.Kind == guli.CouncilParents {
					election = p
				}
				if !p.Closed(time.Now()) {
					open = append(open, p)
				}
			}
		}
		if election == nil {
			t.Fatalf("no election %q in the parents' council", demo.Election)
		}
		election, err = svc.Polls.Poll(ctx, election.ID)
		if err != nil {
			t.Fatal(err)
		}
		outcome, closed := election.Outcome(time.Now())
		if !closed || !election.Secret || election.Seats != 3 || len(election.Options) != 5 || election.Voters != 6 || election.Eligible != 6 {
			t.Fatalf("the election: closed %v, secret %v, %d seats, %d candidates, %d of %d voted", closed, election.Secret,
				election.Seats, len(election.Options), election.Voters, election.Eligible)
		}
		names := map[guli.ID]string{}
		votes := 0
		for _, o := range election.Options {
			names[o.ID] = o.Label
			votes += o.Votes
		}
		var elected []string
		for _, id := range outcome.Elected {
			elected = append(elected, names[id])
		}
		if !slices.Equal(elected, []string{"汪雅琴", "周晨", "孙巧云"}) || len(outcome.Tied) != 0 || votes != 17 {
			t.Errorf("the election elected %v (tied %v) with %d votes", elected, outcome.Tied, votes)
		}
		if len(open) != 1 || open[0].Election() || open[0].Voters != 3 {
			t.Errorf("the open polls: %+v", open)
		}

		rules, err := svc.Meetings.StationRules(ctx, st.ID)
		if err != nil {
			t.Fatal(err)
		}
		rule := rules.AgeRule
		safety := meetings["协商探讨社区70岁以上老人参与活动的安全保障"]
		if rule == nil || rule.EmergencyContactFromAge != 70 || rule.Resolution != demo.RuleResolution || safety == nil || rule.MeetingID != safety.ID {
			t.Fatalf("the station's rule: %+v", rule)
		}
		acts, err := svc.Activities.Activities(ctx, guli.ActivityFilter{StationID: st.ID}, guli.ListOptions{Limit: guli.MaxLimit})
		if err != nil {
			t.Fatal(err)
		}
		ruled := map[string]bool{}
		for _, a := range acts.Items {
			if a.AgeRule != nil {
				ruled[a.Title] = true
				if a.AgeRule.ResolutionID != rule.ResolutionID {
					t.Errorf("%s's rule rests on no resolution: %+v", a.Title, a.AgeRule)
				}
			}
		}
		if !ruled["强身健体操"] || !ruled["交谊舞"] || ruled["少儿书法班"] || ruled["社区合唱队排练"] {
			t.Errorf("the activities with the rule: %v", ruled)
		}
	})
}

// seeded fills a fresh database of engine e with the demo: its services,
// a context of the system and the demo station.
func seeded(t *testing.T, e dbtest.Engine) (guli.Services, context.Context, *guli.Station) {
	t.Helper()
	svc := sqlstore.NewServices(e.Open(t))
	ctx := guli.NewContextWithUser(context.Background(), guli.SystemUser)
	res, err := demo.Seed(ctx, svc)
	if err != nil {
		t.Fatal(err)
	}
	return svc, ctx, res.Station
}
