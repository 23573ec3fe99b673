package sqlstore_test

import (
	"bytes"
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

// TestTeamPhoto: staff start a studio with their own photo, its leader
// replaces it with theirs, and the photo is public while it is the team's;
// nobody else sets one, nor a photo not theirs, of a post (hidden or not)
// or of another team; taken away or replaced, a photo is its uploader's
// own again and the sweep may take it, never while a team shows it.
func TestTeamPhoto(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		clk := newClock()
		f := newFixtureWith(t, e, sqlstore.Options{Now: clk.Now})
		teams, photos, posts := sqlstore.NewTeams(f.db), sqlstore.NewPhotos(f.db), sqlstore.NewPosts(f.db)
		staff := f.staff(t, "社工", "13700004301")
		leader := f.register(t, "谢墨林", "13700004302")
		member := f.register(t, "陈美娣", "13700004303")
		_, otherStaff := f.otherStation(t, "13700004304")
		upload := func(u *guli.User) guli.ID {
			t.Helper()
			p, err := photos.Upload(as(u), f.station.ID, bytes.NewReader(smallPNG(t, 30, 20)))
			if err != nil {
				t.Fatal(err)
			}
			return p.ID
		}
		public := func(id guli.ID) bool {
			t.Helper()
			_, _, err := photos.Photo(context.Background(), id, false)
			if err != nil && code(err) != guli.ECNotFound {
				t.Fatal(err)
			}
			return err == nil
		}

		first := upload(staff)
		studio, err := teams.CreateTeam(as(staff), guli.TeamInput{StationID: f.station.ID, Name: "墨迹书香", Kind: guli.TeamStudio,
			LeaderID: leader.ID, PhotoID: first})
		if err != nil {
			t.Fatal(err)
		}
		if studio.PhotoID != first || studio.PhotoWidth != 30 || studio.PhotoHeight != 20 || !public(first) {
			t.Fatalf("started with photo %d (%d×%d), public %v; want %d", studio.PhotoID, studio.PhotoWidth, studio.PhotoHeight, public(first), first)
		}
		choir, err := teams.CreateTeam(as(staff), guli.TeamInput{StationID: f.station.ID, Name: "社区合唱队", Kind: guli.TeamInterestGroup, LeaderID: leader.ID})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := teams.AddMember(as(staff), studio.ID, guli.MemberInput{UserID: member.ID}); err != nil {
			t.Fatal(err)
		}

		mine, theirs, onPost, onHidden, spare := upload(leader), upload(member), upload(leader), upload(leader), upload(leader)
		if _, err := sqlstore.AttachPhotosNow(context.Background(), f.db, f.station.ID, leader.ID, []guli.ID{onPost}); err != nil {
			t.Fatal(err)
		}
		hidden, err := posts.CreatePost(as(leader), guli.PostInput{StationID: f.station.ID, Kind: guli.PostHighlight, Title: "书法课", Body: "写福字", PhotoIDs: []guli.ID{onHidden}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := posts.Hide(as(staff), hidden.ID); err != nil {
			t.Fatal(err)
		}
		refused := []struct {
			name  string
			ctx   context.Context
			photo guli.ID
			want  string
		}{
			{"anonymous", context.Background(), mine, guli.ECUnauthenticated},
			{"a member, not a leader", as(member), theirs, guli.ECForbidden},
			{"another station's staff", as(otherStaff), mine, guli.ECNotFound},
			{"someone else's photo", as(leader), theirs, guli.ECValidation},
			{"staff with the leader's photo", as(staff), mine, guli.ECValidation},
			{"a photo on a post", as(leader), onPost, guli.ECValidation},
			{"a photo on a hidden post", as(leader), onHidden, guli.ECValidation},
			{"another team's photo", as(leader), first, guli.ECValidation},
			{"no such photo", as(leader), 999999, guli.ECValidation},
			{"no id", as(leader), guli.NoID, guli.ECValidation},
		}
		for _, tt := range refused {
			if tt.name == "another team's photo" {
				if _, err := teams.SetTeamPhoto(as(leader), choir.ID, tt.photo); code(err) != tt.want {
					t.Errorf("%s: %v, want %q", tt.name, err, tt.want)
				}
				continue
			}
			_, err := teams.SetTeamPhoto(tt.ctx, studio.ID, tt.photo)
			if code(err) != tt.want {
				t.Errorf("%s: %v, want %q", tt.name, err, tt.want)
			}
			if tt.want == guli.ECValidation && guli.AsError(err).Fields["photo_id"] == "" {
				t.Errorf("%s: %v does not name photo_id", tt.name, err)
			}
		}
		if got, err := teams.Team(context.Background(), studio.ID); err != nil || got.PhotoID != first {
			t.Fatalf("after the refusals the studio shows %d, %v; want %d", got.PhotoID, err, first)
		}

		// The leader replaces it: the staff's photo is theirs alone again.
		got, err := teams.SetTeamPhoto(as(leader), studio.ID, mine)
		if err != nil || got.PhotoID != mine {
			t.Fatalf("the leader's photo: %+v, %v", got, err)
		}
		if !public(mine) || public(first) {
			t.Errorf("replaced: the new photo public %v, the old %v", public(mine), public(first))
		}
		if _, _, err := photos.Photo(as(staff), first, false); err != nil {
			t.Errorf("the old photo, as its uploader: %v", err)
		}
		if got, err := teams.SetTeamPhoto(as(leader), studio.ID, mine); err != nil || got.PhotoID != mine {
			t.Errorf("the same photo again: %+v, %v", got, err)
		}
		// A team's photo goes on no post.
		if _, err := sqlstore.AttachPhotosNow(context.Background(), f.db, f.station.ID, leader.ID, []guli.ID{mine}); code(err) != guli.ECValidation {
			t.Errorf("a team's photo on a post: %v", err)
		}
		page, err := teams.Teams(context.Background(), guli.TeamFilter{StationID: f.station.ID, Kind: guli.TeamStudio})
		if err != nil || len(page.Items) != 1 || page.Items[0].PhotoID != mine {
			t.Errorf("the list of studios: %+v, %v", page.Items, err)
		}

		// Kept a week and more while the team shows it; the photo it
		// replaced goes.
		clk.Add(8 * 24 * time.Hour)
		if sw, err := f.db.Sweep(context.Background()); err != nil || sw.Photos != 3 { // first, theirs, spare
			t.Errorf("the sweep: %+v, %v; want the three photos on nothing swept", sw, err)
		}
		if !public(mine) {
			t.Error("the sweep took the studio's photo")
		}

		// Taken away, it is the leader's own again.
		if got, err := teams.SetTeamPhoto(as(staff), studio.ID, 0); err != nil || got.PhotoID != 0 {
			t.Fatalf("taken away: %+v, %v", got, err)
		}
		if public(mine) {
			t.Error("a photo taken away is still public")
		}
		if _, _, err := photos.Photo(as(leader), mine, false); err != nil {
			t.Errorf("the photo taken away, as its uploader: %v", err)
		}
		if _, err := teams.SetTeamPhoto(as(leader), studio.ID, spare); code(err) != guli.ECValidation {
			t.Errorf("a swept photo: %v", err)
		}
	})
}

// TestOnePhotoOneTeam: a leader of two teams sets one photo on both at
// once, many times: it becomes the photo of one of them only.
func TestOnePhotoOneTeam(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFixture(t, e)
		teams, photos := sqlstore.NewTeams(f.db), sqlstore.NewPhotos(f.db)
		staff := f.staff(t, "社工", "13700004401")
		leader := f.register(t, "孙巧云", "13700004402")
		var ids [2]guli.ID
		for i := range ids {
			team, err := teams.CreateTeam(as(staff), guli.TeamInput{StationID: f.station.ID, Name: "生活结艺", Kind: guli.TeamStudio, LeaderID: leader.ID})
			if err != nil {
				t.Fatal(err)
			}
			ids[i] = team.ID
		}
		p, err := photos.Upload(as(leader), 0, bytes.NewReader(smallPNG(t, 8, 8)))
		if err != nil {
			t.Fatal(err)
		}
		const n = 12
		counts := outcomes(n, func(i int) error {
			_, err := teams.SetTeamPhoto(as(leader), ids[i%2], p.ID)
			return err
		})
		// The first set wins; the same team's sets after it succeed too.
		if counts[""] == 0 || counts[""]+counts[guli.ECValidation] != n {
			t.Fatalf("%d sets at once: %v", n, counts)
		}
		shown := 0
		for _, id := range ids {
			team, err := teams.Team(context.Background(), id)
			if err != nil {
				t.Fatal(err)
			}
			if team.PhotoID == p.ID {
				shown++
			}
		}
		if shown != 1 || counts[""] != n/2 {
			t.Errorf("the photo shows on %d teams; %v", shown, counts)
		}
	})
}
