package sqlstore_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"guli"
	"guli/internal/dbtest"
	"guli/sqlstore"
)

// names lists the candidates as "name(reason+reason)".
func names(cs []guli.Candidate) string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Name+"("+strings.Join(c.Reasons.Codes(), "+")+")")
	}
	return strings.Join(out, " ")
}

// Matching reads profiles, claims and records from the database, keeps
// what changes rarely, and sees every change at once: its own, and
// another process's on the same database.
func TestCandidatesInTheStore(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFixture(t, e)
		help := sqlstore.NewHelp(f.db)
		other := sqlstore.NewHelp(dbtest.OpenWith(t, f.dsn, sqlstore.Options{})) // another process
		near, far := f.areas[0].ID, f.areas[1].ID
		resident := f.register(t, "王阿姨", "13911114001") // lives near
		volunteer := func(name, phone string, area guli.ID, skills []string, areas []guli.ID, free map[string][]string) *guli.User {
			t.Helper()
			u, err := f.accounts.CreateUser(system(), guli.NewUserInput{Name: name, Phone: phone, Password: "secret-123",
				AreaID: area, Roles: []guli.Role{guli.RoleResident, guli.RoleVolunteer}})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.accounts.SetVolunteerProfile(as(u), guli.VolunteerProfileInput{Skills: skills, AreaIDs: areas, Availability: free}); err != nil {
				t.Fatal(err)
			}
			return u
		}
		handy := volunteer("修理工老陈", "13911114002", far, []string{"repair"}, []guli.ID{near}, nil)
		volunteer("小李", "13911114003", far, []string{"repair", "errand"}, nil, map[string][]string{"sat": {"09:00-12:00"}})
		neighbour := volunteer("邻居张阿姨", "13911114004", near, []string{"companion"}, nil, nil)
		volunteer("远处的小赵", "13911114005", far, []string{"companion"}, nil, nil) // fits in nothing
		// A volunteer without a profile has not said what they can do.
		f.user(t, "没填资料的志愿者", "13911114006", guli.RoleResident, guli.RoleVolunteer)

		saturday := time.Now().In(guli.Zone("Asia/Shanghai")).AddDate(0, 0, 7)
		for saturday.Weekday() != time.Saturday {
			saturday = saturday.AddDate(0, 0, 1)
		}
		saturday = time.Date(saturday.Year(), saturday.Month(), saturday.Day(), 10, 0, 0, 0, saturday.Location())
		h, err := help.AskForHelp(as(resident), guli.HelpRequestInput{Title: "厨房水管漏水", Category: "repair", NeededBy: saturday})
		if err != nil {
			t.Fatal(err)
		}
		// Another process sees a change once it has seen the commit: on
		// SQLite within a quarter of a second (see changes.go).
		want := func(svc *sqlstore.Help, who *guli.User, expect string) {
			t.Helper()
			var got string
			for deadline := time.Now().Add(2 * time.Second); ; time.Sleep(20 * time.Millisecond) {
				cs, err := svc.Candidates(as(who), h.ID)
				if err != nil {
					t.Fatal(err)
				}
				if got = names(cs); got == expect || time.Now().After(deadline) {
					break
				}
			}
			if got != expect {
				t.Errorf("got  %s\nwant %s", got, expect)
			}
		}
		want(help, resident, "修理工老陈(skill+area+free+rested) 小李(skill+available+free+rested) 邻居张阿姨(area+free+rested)")
		want(other, resident, "修理工老陈(skill+area+free+rested) 小李(skill+available+free+rested) 邻居张阿姨(area+free+rested)")

		// 老陈 takes another request in hand: one in hand, one claim lately.
		elsewhere, err := help.AskForHelp(as(resident), guli.HelpRequestInput{Title: "换灯泡", Category: "repair"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := help.Claim(as(handy), elsewhere.ID); err != nil {
			t.Fatal(err)
		}
		want(other, resident, "修理工老陈(skill+area) 小李(skill+available+free+rested) 邻居张阿姨(area+free+rested)")

		// 张阿姨 says she can repair too, through the other process.
		if _, err := sqlstore.NewAccounts(dbtest.OpenWith(t, f.dsn, sqlstore.Options{}), nil).SetVolunteerProfile(as(neighbour),
			guli.VolunteerProfileInput{Skills: []string{"companion", "repair"}}); err != nil {
			t.Fatal(err)
		}
		want(help, resident, "邻居张阿姨(skill+area+free+rested) 修理工老陈(skill+area) 小李(skill+available+free+rested)")

		// 老陈 finishes and is confirmed: he has a record now.
		if _, err := help.Done(as(handy), elsewhere.ID, 30); err != nil {
			t.Fatal(err)
		}
		if _, err := other.Confirm(as(resident), elsewhere.ID, guli.ConfirmInput{Rating: 5, Comment: ""}); err != nil {
			t.Fatal(err)
		}
		want(help, resident, "邻居张阿姨(skill+area+free+rested) 修理工老陈(skill+area+free+record) 小李(skill+available+free+rested)")

		// 张阿姨 is no longer a volunteer.
		if _, err := f.accounts.SetRoles(system(), neighbour.ID, guli.RolesInput{Roles: []guli.Role{guli.RoleResident}}); err != nil {
			t.Fatal(err)
		}
		want(other, resident, "修理工老陈(skill+area+free+record) 小李(skill+available+free+rested)")

		// Only the requester and staff of the station ask who could help.
		staff := f.staff(t, "社工", "13911114007")
		want(help, staff, "修理工老陈(skill+area+free+record) 小李(skill+available+free+rested)")
		if _, err := help.Candidates(as(handy), h.ID); code(err) != guli.ECForbidden {
			t.Errorf("a volunteer asked who else could help: %v", err)
		}
		if _, err := help.Candidates(as(resident), 999_999); code(err) != guli.ECNotFound {
			t.Errorf("no such request: %v", err)
		}
	})
}

// kinds lists the kinds of u's notifications, oldest first.
func kinds(t *testing.T, db *sqlstore.DB, u *guli.User) []string {
	t.Helper()
	page, err := sqlstore.NewNotifications(db).Notifications(as(u), guli.ListOptions{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for i := len(page.Items) - 1; i >= 0; i-- {
		n := page.Items[i]
		out = append(out, fmt.Sprintf("%s:%s:%d", n.Kind, n.Params.Person, n.Params.Minutes))
	}
	return out
}

// Who hears what: the requester of a claim, a release and a service done;
// the volunteer of a confirm and a withdrawal; the volunteers who fit a
// new request, at most three requests a day each.
func TestHelpNotifications(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFixture(t, e)
		help := sqlstore.NewHelp(f.db)
		resident := f.register(t, "王阿姨", "13911116001")
		var volunteers []*guli.User
		for i, name := range []string{"小李", "小张"} {
			u, err := f.accounts.CreateUser(system(), guli.NewUserInput{Name: name, Phone: fmt.Sprintf("1391111610%d", i),
				Password: "secret-123", AreaID: f.areas[0].ID, Roles: []guli.Role{guli.RoleResident, guli.RoleVolunteer}})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.accounts.SetVolunteerProfile(as(u), guli.VolunteerProfileInput{Skills: []string{"repair"}}); err != nil {
				t.Fatal(err)
			}
			volunteers = append(volunteers, u)
		}
		li, zhang := volunteers[0], volunteers[1]
		var asked []*guli.HelpRequest
		for i := range 4 {
			h, err := help.AskForHelp(as(resident), guli.HelpRequestInput{Title: fmt.Sprintf("修理 %d", i), Category: "repair"})
			if err != nil {
				t.Fatal(err)
			}
			asked = append(asked, h)
		}
		fits := "help_fits:王阿姨:0"
		for _, v := range volunteers {
			if got := strings.Join(kinds(t, f.db, v), " "); got != strings.Repeat(fits+" ", guli.FitsPerDay-1)+fits {
				t.Errorf("%s heard of new requests: %s", v.Name, got)
			}
		}

		h := asked[0]
		steps := []func() (*guli.HelpRequest, error){
			func() (*guli.HelpRequest, error) { return help.Claim(as(li), h.ID) },
			func() (*guli.HelpRequest, error) { return help.Release(as(li), h.ID) },
			func() (*guli.HelpRequest, error) { return help.Claim(as(li), h.ID) },
			func() (*guli.HelpRequest, error) { return help.Done(as(li), h.ID, 30) },
			func() (*guli.HelpRequest, error) {
				return help.Confirm(as(resident), h.ID, guli.ConfirmInput{Rating: 5, Comment: ""})
			},
			func() (*guli.HelpRequest, error) { return help.Claim(as(zhang), asked[1].ID) },
			func() (*guli.HelpRequest, error) { return help.CancelHelp(as(resident), asked[1].ID) },
		}
		for i, step := range steps {
			if _, err := step(); err != nil {
				t.Fatalf("step %d: %v", i, err)
			}
		}
		for _, tt := range []struct {
			who  *guli.User
			want string
		}{
			{resident, "help_claimed:小李:0 help_released:小李:0 help_claimed:小李:0 help_done:小李:30 help_claimed:小张:0"},
			{li, strings.Repeat(fits+" ", guli.FitsPerDay) + "help_confirmed:王阿姨:30"},
			{zhang, strings.Repeat(fits+" ", guli.FitsPerDay) + "help_cancelled:王阿姨:0"},
		} {
			if got := strings.Join(kinds(t, f.db, tt.who), " "); got != tt.want {
				t.Errorf("%s heard\n %s\nwant\n %s", tt.who.Name, got, tt.want)
			}
		}
	})
}

// A volunteer who gives a request back and takes it again, over and over,
// floods nobody: after giving it back guli.ThrottleReclaim.Free times they
// wait before taking it again, longer each time, and the requester hears
// no more of it meanwhile; anyone else may take it at once.
func TestTakingARequestBackOverAndOverFloodsNobody(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		c := newClock()
		f := newFixtureWith(t, e, sqlstore.Options{Now: c.Now})
		help := sqlstore.NewHelp(f.db)
		resident := f.register(t, "王阿姨", "13911116201")
		li := f.user(t, "小李", "13911116202", guli.RoleResident, guli.RoleVolunteer)
		zhang := f.user(t, "小张", "13911116203", guli.RoleResident, guli.RoleVolunteer)
		h, err := help.AskForHelp(as(resident), guli.HelpRequestInput{Title: "修水管", Category: "repair"})
		if err != nil {
			t.Fatal(err)
		}
		rule := guli.ThrottleReclaim
		for i := range rule.Free {
			if _, err := help.Claim(as(li), h.ID); err != nil {
				t.Fatalf("claim %d: %v", i, err)
			}
			if _, err := help.Release(as(li), h.ID); err != nil {
				t.Fatalf("release %d: %v", i, err)
			}
		}
		_, err = help.Claim(as(li), h.ID)
		if e := guli.AsError(err); e == nil || e.Code != guli.ECRateLimited || e.RetryAfter <= rule.First-time.Second || e.RetryAfter > rule.First {
			t.Fatalf("taken again after giving it back %d times: %v", rule.Free, err)
		}
		got := outcomes(50, func(int) error { _, err := help.Claim(as(li), h.ID); return err })
		if got[guli.ECRateLimited] != 50 {
			t.Fatalf("50 more at once: %v", got)
		}
		if n := len(kinds(t, f.db, resident)); n != 2*rule.Free {
			t.Errorf("the requester heard %d times, want %d", n, 2*rule.Free)
		}
		if _, err := help.Claim(as(zhang), h.ID); err != nil {
			t.Fatalf("another volunteer: %v", err)
		}
		if _, err := help.Release(as(zhang), h.ID); err != nil {
			t.Fatal(err)
		}
		c.Add(rule.First)
		if _, err := help.Claim(as(li), h.ID); err != nil {
			t.Fatalf("after the wait: %v", err)
		}
	})
}

// Many asking for help at the same moment, as the first to ask since the
// process started, are all answered at once: the volunteers' directory is
// loaded before a request's transaction holds a connection, so the load is
// never left waiting for one (PostgreSQL's pool held by twenty asks waited
// a minute, and every request with them). Volunteers who fit hear of at
// most guli.FitsPerDay of them.
func TestManyAskAtOnceOnAFreshProcess(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFixture(t, e)
		help := sqlstore.NewHelp(f.db)
		var volunteers []*guli.User
		for i := range 3 {
			u, err := f.accounts.CreateUser(system(), guli.NewUserInput{Name: fmt.Sprintf("志愿者%d", i), Phone: fmt.Sprintf("1391111630%d", i),
				Password: "secret-123", AreaID: f.areas[0].ID, Roles: []guli.Role{guli.RoleResident, guli.RoleVolunteer}})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.accounts.SetVolunteerProfile(as(u), guli.VolunteerProfileInput{Skills: []string{"tech"}}); err != nil {
				t.Fatal(err)
			}
			volunteers = append(volunteers, u)
		}
		var residents []*guli.User
		for i := range 20 {
			residents = append(residents, f.register(t, "居民", fmt.Sprintf("139111164%02d", i)))
		}
		start := time.Now()
		got := outcomes(len(residents), func(i int) error {
			_, err := help.AskForHelp(as(residents[i]), guli.HelpRequestInput{Title: "教我用手机挂号", Category: "tech"})
			return err
		})
		if got[""] != len(residents) || time.Since(start) > 10*time.Second {
			t.Fatalf("asked at once: %v in %v", got, time.Since(start))
		}
		for _, v := range volunteers {
			if n := len(kinds(t, f.db, v)); n != guli.FitsPerDay {
				t.Errorf("%s heard of %d new requests asked at once, want %d", v.Name, n, guli.FitsPerDay)
			}
		}
	})
}
