package sqlstore_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"guli"
	"guli/internal/dbtest"
	"guli/sqlstore"
)

func TestTeamsAndMembers(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFixture(t, e)
		teams := sqlstore.NewTeams(f.db)
		staff := f.staff(t, "社工", "13700004001")
		leader := f.register(t, "程秀英", "13700004002")
		singer := f.register(t, "王阿姨", "13700004003")
		outsider := f.user(t, "无小区", "13700004004")

		choir, err := teams.CreateTeam(as(staff), guli.TeamInput{StationID: f.station.ID, Name: "社区合唱队", Kind: guli.TeamInterestGroup, LeaderID: leader.ID})
		if err != nil {
			t.Fatal(err)
		}
		if choir.MemberCount != 1 || !slices.Equal(choir.LeaderIDs, []guli.ID{leader.ID}) || len(choir.Members) != 1 || choir.Members[0].Name != "程秀英" {
			t.Fatalf("created %+v", choir)
		}
		if _, err := teams.CreateTeam(as(leader), guli.TeamInput{StationID: f.station.ID, Name: "队", Kind: guli.TeamVolunteer}); code(err) != guli.ECForbidden {
			t.Errorf("a resident started a team: %v", err)
		}
		if _, err := teams.CreateTeam(as(staff), guli.TeamInput{StationID: f.station.ID, Name: "队", Kind: guli.TeamVolunteer, LeaderID: outsider.ID}); code(err) != guli.ECValidation {
			t.Errorf("led by someone of no station: %v", err)
		}

		m, err := teams.AddMember(as(leader), choir.ID, guli.MemberInput{UserID: singer.ID})
		if err != nil || m.Role != guli.TeamMemberRole || m.Name != "王阿姨" {
			t.Fatalf("the leader added %+v, %v", m, err)
		}
		if _, err := teams.AddMember(as(staff), choir.ID, guli.MemberInput{UserID: singer.ID}); code(err) != guli.ECAlreadyMember {
			t.Errorf("added twice: %v", err)
		}
		if _, err := teams.AddMember(as(staff), choir.ID, guli.MemberInput{UserID: outsider.ID}); code(err) != guli.ECValidation {
			t.Errorf("added someone of no station: %v", err)
		}
		if _, err := teams.AddMember(as(singer), choir.ID, guli.MemberInput{UserID: staff.ID}); code(err) != guli.ECForbidden {
			t.Errorf("a member added someone: %v", err)
		}
		got, err := teams.Team(as(singer), choir.ID)
		if err != nil || got.MemberCount != 2 || len(got.Members) != 2 || got.Members[0].UserID != leader.ID || !slices.Equal(got.LeaderNames, []string{"程秀英"}) {
			t.Fatalf("the choir is %+v, %v", got, err)
		}
		mine, err := teams.MyTeams(as(singer))
		if err != nil || len(mine) != 1 || mine[0].ID != choir.ID || !slices.Equal(mine[0].LeaderNames, []string{"程秀英"}) {
			t.Errorf("the singer's teams: %v, %v", mine, err)
		}
		page, err := teams.Teams(as(nil), guli.TeamFilter{StationID: f.station.ID, Kind: guli.TeamInterestGroup})
		if err != nil || len(page.Items) != 1 || !slices.Equal(page.Items[0].LeaderIDs, []guli.ID{leader.ID}) ||
			!slices.Equal(page.Items[0].LeaderNames, []string{"程秀英"}) {
			t.Errorf("listed %v, %v", page.Items, err)
		}
		if page, err := teams.Teams(as(nil), guli.TeamFilter{StationID: f.station.ID, Kind: guli.TeamStudio}); err != nil || len(page.Items) != 0 {
			t.Errorf("studios: %v, %v", page.Items, err)
		}

		if err := teams.RemoveMember(as(leader), choir.ID, singer.ID); err != nil {
			t.Fatal(err)
		}
		if err := teams.RemoveMember(as(leader), choir.ID, singer.ID); code(err) != guli.ECNotFound {
			t.Errorf("removed twice: %v", err)
		}
		if got, _ := teams.Team(as(nil), choir.ID); got.MemberCount != 1 || len(got.Members) != 1 {
			t.Errorf("after the removal %+v", got)
		}
	})
}

func TestUpcomingClassesOfAStudio(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFixture(t, e)
		teams, acts := sqlstore.NewTeams(f.db), sqlstore.NewActivities(f.db)
		staff := f.staff(t, "社工", "13700004101")
		talent := f.register(t, "叶苗龙", "13700004102")
		other := f.register(t, "吕老师", "13700004103")
		studio, err := teams.CreateTeam(as(staff), guli.TeamInput{StationID: f.station.ID, Name: "墨迹书香", Kind: guli.TeamStudio, LeaderID: talent.ID})
		if err != nil {
			t.Fatal(err)
		}
		// Wednesdays are open; one in two weeks is hosted by the talent.
		next := nextWeekday(time.Now().In(f.station.Location()), time.Wednesday).AddDate(0, 0, 7)
		for _, host := range []*guli.User{talent, other} {
			start := time.Date(next.Year(), next.Month(), next.Day(), 9, 30, 0, 0, next.Location())
			if _, err := acts.CreateActivities(as(staff), guli.ActivityInput{StationID: f.station.ID, Title: "书法课 " + host.Name, Category: "class",
				Start: start, End: start.Add(time.Hour), HostID: host.ID}); err != nil {
				t.Fatal(err)
			}
		}
		classes, err := teams.UpcomingClasses(as(nil), studio.ID, 10)
		if err != nil || len(classes) != 1 || classes[0].HostID != talent.ID {
			t.Fatalf("classes %v, %v", classes, err)
		}
	})
}

func nextWeekday(t time.Time, d time.Weekday) time.Time {
	for t.Weekday() != d {
		t = t.AddDate(0, 0, 1)
	}
	return t
}

func TestNominationMakesATalentWithAStudio(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFixture(t, e)
		teams, audit := sqlstore.NewTeams(f.db), sqlstore.NewAudit(f.db)
		staff := f.staff(t, "社工", "13700004201")
		sitter := f.register(t, "居委委员", "13700004202")
		nominee := f.register(t, "宋老师", "13700004203")
		resident := f.register(t, "路人", "13700004204")
		in := guli.NominationInput{AreaID: f.areas[0].ID, UserID: nominee.ID, Skill: "结艺", Reason: "生活结艺，手巧"}

		if _, err := teams.Nominate(as(resident), in); code(err) != guli.ECForbidden {
			t.Errorf("a resident off the committees nominated: %v", err)
		}
		committee, err := teams.CreateTeam(as(staff), guli.TeamInput{StationID: f.station.ID, Name: "馨清佳苑居委会", Kind: guli.TeamCommittee, LeaderID: sitter.ID})
		if err != nil {
			t.Fatal(err)
		}
		n, err := teams.Nominate(as(sitter), in)
		if err != nil {
			t.Fatal(err)
		}
		if n.Status != guli.NominationPending || n.Committee != "馨清佳苑居委会" || n.Nominee != "宋老师" || n.FiledBy != sitter.ID || n.StationID != f.station.ID {
			t.Fatalf("filed %+v", n)
		}
		if _, err := teams.Nominate(as(staff), guli.NominationInput{AreaID: f.areas[0].ID, UserID: f.user(t, "无小区", "13700004205").ID, Skill: "书法", Reason: "好"}); code(err) != guli.ECValidation {
			t.Errorf("nominated someone of no station: %v", err)
		}
		if _, err := teams.Approve(as(sitter), n.ID); code(err) != guli.ECForbidden {
			t.Errorf("the committee approved its own: %v", err)
		}
		page, err := teams.Nominations(as(staff), f.station.ID, guli.NominationPending, guli.ListOptions{})
		if err != nil || len(page.Items) != 1 || page.Items[0].ID != n.ID {
			t.Fatalf("pending: %v, %v", page.Items, err)
		}
		if _, err := teams.Nominations(as(sitter), f.station.ID, "", guli.ListOptions{}); code(err) != guli.ECForbidden {
			t.Errorf("a resident read the nominations: %v", err)
		}

		done, err := teams.Approve(as(staff), n.ID)
		if err != nil {
			t.Fatal(err)
		}
		if done.Status != guli.NominationApproved || done.DecidedBy != staff.ID || done.StudioID == 0 {
			t.Fatalf("approved %+v", done)
		}
		studio, err := teams.Team(as(nil), done.StudioID)
		if err != nil || studio.Kind != guli.TeamStudio || studio.Name != "宋老师·结艺" || !studio.Leads(nominee.ID) || studio.Description != in.Reason {
			t.Fatalf("the studio %+v, %v", studio, err)
		}
		person, err := f.accounts.User(as(staff), nominee.ID)
		if err != nil || !person.Has(guli.RoleTalent) || !person.Has(guli.RoleResident) {
			t.Fatalf("the nominee %+v, %v", person, err)
		}
		if _, err := teams.Decline(as(staff), n.ID); code(err) != guli.ECAlreadyDecided {
			t.Errorf("declined after approval: %v", err)
		}
		log, err := audit.AuditLog(system(), nominee.ID, guli.ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, a := range log.Items {
			actions = append(actions, a.Action)
		}
		if !slices.Contains(actions, "user.roles") || !slices.Contains(actions, "nomination.approve") {
			t.Errorf("audited %v", actions)
		}
		_ = committee
	})
}

// TestNobodyNominatesOrApprovesThemself: approval grants a role, so a
// committee member may not put themself forward, nor staff approve their
// own nomination (staff who live in the station's areas may be nominated
// by its committees, and approved by a colleague).
func TestNobodyNominatesOrApprovesThemself(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFixture(t, e)
		teams := sqlstore.NewTeams(f.db)
		colleague := f.staff(t, "社工", "13700004211")
		sitter := f.register(t, "居委委员", "13700004212")
		worker := f.register(t, "住在小区的社工", "13700004213")
		worker.Roles, worker.StaffStations = []guli.Role{guli.RoleStaff}, []guli.ID{f.station.ID} // as their session knows them
		if _, err := teams.CreateTeam(as(colleague), guli.TeamInput{StationID: f.station.ID, Name: "居委会", Kind: guli.TeamCommittee, LeaderID: sitter.ID}); err != nil {
			t.Fatal(err)
		}
		own := guli.NominationInput{AreaID: f.areas[0].ID, Phone: sitter.Phone, Skill: "书法", Reason: "我写得好"}
		if _, err := teams.Nominate(as(sitter), own); guli.AsError(err).Fields["phone"] != guli.FROwnNomination {
			t.Errorf("a committee member nominated themself by phone: %v", err)
		}
		own = guli.NominationInput{AreaID: f.areas[0].ID, UserID: worker.ID, Skill: "管理", Reason: "我自己"}
		if _, err := teams.Nominate(as(worker), own); guli.AsError(err).Fields["user_id"] != guli.FROwnNomination {
			t.Errorf("staff nominated themselves: %v", err)
		}
		n, err := teams.Nominate(as(sitter), own)
		if err != nil {
			t.Fatal(err)
		}
		for _, decide := range []func(context.Context, guli.ID) (*guli.Nomination, error){teams.Approve, teams.Decline} {
			if _, err := decide(as(worker), n.ID); code(err) != guli.ECForbidden {
				t.Errorf("staff decided their own nomination: %v", err)
			}
		}
		if done, err := teams.Approve(as(colleague), n.ID); err != nil || done.Status != guli.NominationApproved {
			t.Fatalf("a colleague approves: %+v, %v", done, err)
		}
	})
}

func TestNominationIsDecidedOnce(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFixture(t, e)
		teams := sqlstore.NewTeams(f.db)
		staff := f.staff(t, "社工", "13700004301")
		nominee := f.register(t, "吕老师", "13700004302")
		n, err := teams.Nominate(as(staff), guli.NominationInput{AreaID: f.areas[0].ID, UserID: nominee.ID, Skill: "强身健体", Reason: "带大家锻炼"})
		if err != nil {
			t.Fatal(err)
		}
		got := outcomes(8, func(i int) error {
			if i%2 == 0 {
				_, err := teams.Approve(as(staff), n.ID)
				return err
			}
			_, err := teams.Decline(as(staff), n.ID)
			return err
		})
		if got[""] != 1 || got[guli.ECAlreadyDecided] != 7 {
			t.Fatalf("outcomes %v", got)
		}
		studios, err := teams.Teams(as(nil), guli.TeamFilter{StationID: f.station.ID, Kind: guli.TeamStudio})
		if err != nil {
			t.Fatal(err)
		}
		final, _ := teams.Nominations(as(staff), f.station.ID, "", guli.ListOptions{})
		if want := map[string]int{guli.NominationApproved: 1, guli.NominationDeclined: 0}[final.Items[0].Status]; len(studios.Items) != want {
			t.Errorf("%s with %d studios", final.Items[0].Status, len(studios.Items))
		}
	})
}

func TestConcurrentAddsMakeOneMembership(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFixture(t, e)
		teams := sqlstore.NewTeams(f.db)
		staff := f.staff(t, "社工", "13700004401")
		person := f.register(t, "志愿者", "13700004402")
		team, err := teams.CreateTeam(as(staff), guli.TeamInput{StationID: f.station.ID, Name: "社区能人志愿服务队", Kind: guli.TeamVolunteer})
		if err != nil {
			t.Fatal(err)
		}
		got := outcomes(8, func(int) error {
			_, err := teams.AddMember(as(staff), team.ID, guli.MemberInput{UserID: person.ID})
			return err
		})
		if got[""] != 1 || got[guli.ECAlreadyMember] != 7 {
			t.Fatalf("outcomes %v", got)
		}
		if t2, _ := teams.Team(as(nil), team.ID); t2.MemberCount != 1 || len(t2.Members) != 1 {
			t.Errorf("the team %+v", t2)
		}
	})
}
