package sqlstore_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"guli"
	"guli/internal/dbtest"
	"guli/sqlstore"
)

// exported is one section of an export, failing the test when absent.
func exported(t *testing.T, x *guli.DataExport, name string) []guli.ExportRow {
	t.Helper()
	for _, s := range x.Sections {
		if s.Name == name {
			return s.Rows
		}
	}
	t.Fatalf("the export has no section %q", name)
	return nil
}

func auditActions(t *testing.T, db *sqlstore.DB, as context.Context, f guli.AuditFilter) []string {
	t.Helper()
	page, err := sqlstore.NewAudit(db).SearchAudit(as, f, guli.ListOptions{Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range page.Items {
		out = append(out, e.Action)
	}
	return out
}

func TestAPersonExportsTheirDataAndNobodyElses(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFixture(t, e)
		svc := sqlstore.NewServices(f.db)
		staff := f.staff(t, "社工小李", "13900002000")
		me := f.register(t, "程秀英", "13900002001")
		other := f.register(t, "隔壁王伯", "13900002002")
		sys, pulse := 120, 70
		for _, who := range []*guli.User{me, other} {
			if _, err := svc.Health.RecordMeasurement(as(staff), guli.MeasurementInput{UserID: who.ID, Kind: "blood_pressure",
				Systolic: &sys, Diastolic: &pulse, Pulse: &pulse}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := svc.Help.AskForHelp(as(me), guli.HelpRequestInput{Title: "帮忙换灯泡", Category: "repair"}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Help.AskForHelp(as(other), guli.HelpRequestInput{Title: "别人的求助", Category: "errand"}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.TimeBank.Credit(as(staff), me.ID, 30, "重阳节帮忙"); err != nil {
			t.Fatal(err)
		}
		x, err := svc.DataRights.ExportMyData(as(me))
		if err != nil {
			t.Fatal(err)
		}
		if profile := exported(t, x, "profile"); len(profile) != 1 || profile[0].Get("name") != "程秀英" ||
			profile[0].Get("phone") != "13900002001" || profile[0].Get("id") != me.ID {
			t.Errorf("profile %v", profile)
		}
		if h := exported(t, x, "health_measurements"); len(h) != 1 || h[0].Get("systolic") != int64(120) {
			t.Errorf("health %v", h)
		}
		if h := exported(t, x, "help_requests_asked"); len(h) != 1 || h[0].Get("title") != "帮忙换灯泡" {
			t.Errorf("requests %v", h)
		}
		if _, ok := exported(t, x, "help_requests_asked")[0].Get("created_at").(time.Time); !ok {
			t.Errorf("a time is not a time: %T", exported(t, x, "help_requests_asked")[0].Get("created_at"))
		}
		if tb := exported(t, x, "timebank_entries"); len(tb) != 1 || tb[0].Get("minutes") != int64(30) {
			t.Errorf("time bank %v", tb)
		}
		var actions []any
		for _, r := range exported(t, x, "audit") {
			actions = append(actions, r.Get("action"))
		}
		if !slices.Contains(actions, "health.record") || !slices.Contains(actions, "user.export") || !slices.Contains(actions, "timebank.credit") {
			t.Errorf("audit entries about me: %v", actions)
		}
		// The export is audited: staff of the station see it.
		if got := auditActions(t, f.db, as(staff), guli.AuditFilter{SubjectID: me.ID, Action: "user.export"}); len(got) != 1 {
			t.Errorf("export audited: %v", got)
		}
		// On screen: how many of each, and one kind's newest records.
		summary, err := svc.DataRights.MyData(as(me), "")
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range summary.Sections {
			if want := len(exported(t, x, s.Name)); s.Name != "audit" && s.Count != want {
				t.Errorf("the summary counts %d %s, the export has %d", s.Count, s.Name, len(exported(t, x, s.Name)))
			}
		}
		if one, err := svc.DataRights.MyData(as(me), "health_measurements"); err != nil || len(one.Sections) != 1 || len(one.Sections[0].Rows) != 1 {
			t.Errorf("one kind on screen: %+v %v", one, err)
		}
		if _, err := svc.DataRights.MyData(as(me), "passwords"); code(err) != guli.ECNotFound {
			t.Errorf("an unknown kind: %v", err)
		}
		if _, err := svc.DataRights.ExportMyData(context.Background()); code(err) != guli.ECUnauthenticated {
			t.Errorf("export without a person: %v", err)
		}
	})
}

// Taking one's data over and over floods nobody: every export is a write
// (its audit entry) and lists every earlier one, so after
// guli.ThrottleExport.Free exports the next waits, longer each time, and
// the log holds no more entries than the exports given.
func TestExportingOverAndOverFloodsNobody(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		c := newClock()
		f := newFixtureWith(t, e, sqlstore.Options{Now: c.Now})
		svc := sqlstore.NewServices(f.db)
		staff := f.staff(t, "社工小李", "13900002100")
		me := f.register(t, "程秀英", "13900002101")
		other := f.register(t, "隔壁王伯", "13900002102")
		rule := guli.ThrottleExport
		for i := range rule.Free {
			if _, err := svc.DataRights.ExportMyData(as(me)); err != nil {
				t.Fatalf("export %d: %v", i, err)
			}
		}
		_, err := svc.DataRights.ExportMyData(as(me))
		if e := guli.AsError(err); e == nil || e.Code != guli.ECRateLimited || e.RetryAfter <= rule.First-time.Second || e.RetryAfter > rule.First {
			t.Fatalf("export after %d: %v", rule.Free, err)
		}
		got := outcomes(30, func(int) error { _, err := svc.DataRights.ExportMyData(as(me)); return err })
		if got[guli.ECRateLimited] != 30 {
			t.Fatalf("30 more at once: %v", got)
		}
		if n := len(auditActions(t, f.db, as(staff), guli.AuditFilter{SubjectID: me.ID, Action: "user.export"})); n != rule.Free {
			t.Errorf("%d exports audited, want %d", n, rule.Free)
		}
		if _, err := svc.DataRights.ExportMyData(as(other)); err != nil {
			t.Errorf("someone else's export: %v", err)
		}
		c.Add(rule.First)
		if _, err := svc.DataRights.ExportMyData(as(me)); err != nil {
			t.Fatalf("after the wait: %v", err)
		}
	})
}

// A closure ends what was open the way its own action would, erases the
// person, and leaves the figures and the ledger adding up.
func TestClosingAnAccount(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFixture(t, e)
		svc := sqlstore.NewServices(f.db)
		staff := f.staff(t, "社工小李", "13900003000")
		me, err := f.accounts.CreateUser(system(), guli.NewUserInput{Name: "程秀英", Phone: "13900003001", Password: "secret-123",
			AreaID: f.areas[0].ID, Roles: []guli.Role{guli.RoleResident, guli.RoleVolunteer}})
		if err != nil {
			t.Fatal(err)
		}
		waiting := f.register(t, "排队的人", "13900003002")
		neighbour := f.register(t, "邻居", "13900003003")
		start := time.Now().Add(48 * time.Hour).Truncate(time.Hour)
		made, err := svc.Activities.CreateActivities(system(), guli.ActivityInput{StationID: f.station.ID, Title: "太极拳",
			Category: "class", Start: start, End: start.Add(time.Hour), Capacity: 1})
		if err != nil {
			t.Fatal(err)
		}
		class := made[0].ID
		if _, err := svc.Activities.Register(as(me), class, 0); err != nil {
			t.Fatal(err)
		}
		if r, err := svc.Activities.Register(as(waiting), class, 0); err != nil || r.Status != guli.RegWaitlisted {
			t.Fatalf("waitlisted: %+v %v", r, err)
		}
		mine, err := svc.Help.AskForHelp(as(me), guli.HelpRequestInput{Title: "帮忙取药", Category: "errand"})
		if err != nil {
			t.Fatal(err)
		}
		theirs, err := svc.Help.AskForHelp(as(neighbour), guli.HelpRequestInput{Title: "陪同看病", Category: "companion"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Help.Claim(as(me), theirs.ID); err != nil {
			t.Fatal(err)
		}
		sys, dia := 130, 80
		if _, err := svc.Health.RecordMeasurement(as(staff), guli.MeasurementInput{UserID: me.ID, Kind: "blood_pressure", Systolic: &sys, Diastolic: &dia}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.TimeBank.Credit(as(staff), me.ID, 45, "活动帮忙"); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Visits.RecordVisit(as(staff), f.station.ID, guli.VisitInput{UserID: me.ID, Purpose: "health_check"}); err != nil {
			t.Fatal(err)
		}
		sess, err := f.accounts.Login(context.Background(), guli.LoginInput{Phone: "13900003001", Password: "secret-123", ClientAddr: "10.0.0.1"})
		if err != nil {
			t.Fatal(err)
		}

		if _, err := svc.DataRights.CloseAccount(as(me), guli.CloseInput{Password: "wrong-password-1"}); code(err) != guli.ECWrongPassword {
			t.Fatalf("a wrong password closes: %v", err)
		}
		done, err := svc.DataRights.CloseAccount(as(me), guli.CloseInput{Password: "secret-123"})
		if err != nil {
			t.Fatal(err)
		}
		if done.RegistrationsCancelled != 1 || done.RequestsCancelled != 1 || done.RequestsReleased != 1 {
			t.Errorf("closure %+v", done)
		}
		// The waitlist moved up as on a cancellation.
		regs, err := svc.Activities.Registrations(system(), class)
		if err != nil || len(regs) != 1 || regs[0].UserID != waiting.ID || regs[0].Status != guli.RegConfirmed {
			t.Errorf("registrations after: %+v %v", regs, err)
		}
		if h, _ := svc.Help.HelpRequest(as(staff), mine.ID); h == nil || h.Status != guli.HelpCancelled {
			t.Errorf("own request %s", h.Status)
		}
		if h, _ := svc.Help.HelpRequest(as(staff), theirs.ID); h == nil || h.Status != guli.HelpOpen || h.VolunteerID != 0 {
			t.Errorf("claimed request %s by %d", h.Status, h.VolunteerID)
		}
		// Signed out, and gone as a person.
		if _, err := f.accounts.Authenticate(context.Background(), sess.Token); code(err) != guli.ECUnauthenticated {
			t.Errorf("session after closing: %v", err)
		}
		if _, err := f.accounts.Login(context.Background(), guli.LoginInput{Phone: "13900003001", Password: "secret-123", ClientAddr: "10.0.0.2"}); code(err) != guli.ECInvalidCredentials {
			t.Errorf("login after closing: %v", err)
		}
		u, err := f.accounts.User(system(), me.ID)
		if err != nil || u.Name != guli.ClosedAccountName || u.Phone != "" || u.BirthYear != 0 || u.Has(guli.RoleVolunteer) || u.HasPassword {
			t.Errorf("closed account %+v %v", u, err)
		}
		if n, _ := sqlstore.QueryInt(context.Background(), f.db, "SELECT COUNT(*) FROM health_measurements WHERE user_id = ?", me.ID); n != 0 {
			t.Errorf("%d health measurements kept", n)
		}
		// The figures stay: the visit and the ledger.
		if n, _ := sqlstore.QueryInt(context.Background(), f.db, "SELECT COUNT(*) FROM visits WHERE user_id = ?", me.ID); n != 1 {
			t.Errorf("%d visits kept, want 1", n)
		}
		if n, _ := sqlstore.QueryInt(context.Background(), f.db, "SELECT balance FROM timebank_accounts WHERE user_id = ?", me.ID); n != 45 {
			t.Errorf("balance %d, want 45", n)
		}
		if err := f.db.CheckLedger(system()); err != nil {
			t.Error(err)
		}
		// The number may register again, as someone new.
		again := f.register(t, "新的程秀英", "13900003001")
		if again.ID == me.ID {
			t.Error("the new account is the closed one")
		}
		// Nothing can be added to the closed account behind its back.
		if _, err := svc.Activities.Register(as(staff), class, me.ID); code(err) != guli.ECAccountClosed {
			t.Errorf("registered on behalf of a closed account: %v", err)
		}
		if _, err := svc.Help.AskForHelp(as(staff), guli.HelpRequestInput{Title: "代办", Category: "errand", OnBehalfOf: me.ID}); code(err) != guli.ECAccountClosed {
			t.Errorf("asked on behalf of a closed account: %v", err)
		}
		if _, err := svc.TimeBank.Transfer(as(neighbour), guli.TransferInput{ToUserID: me.ID, Minutes: 1}); code(err) != guli.ECValidation {
			t.Errorf("a transfer to a closed account: %v", err)
		}
		if _, err := svc.DataRights.CloseAccount(as(staff), guli.CloseInput{UserID: me.ID}); code(err) != guli.ECAccountClosed {
			t.Errorf("closed twice: %v", err)
		}
		// Audited, by the person themself.
		if got := auditActions(t, f.db, as(staff), guli.AuditFilter{SubjectID: me.ID, Action: "user.close"}); len(got) != 1 {
			t.Errorf("closure audited: %v", got)
		}
	})
}

func TestWhoMayCloseAnAccount(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFixture(t, e)
		svc := sqlstore.NewServices(f.db)
		staff := f.staff(t, "社工小李", "13900004000")
		colleague := f.staff(t, "社工小王", "13900004001")
		_, otherStaff := f.otherStation(t, "13900004002")
		admin := f.user(t, "区管理员", "13900004003", guli.RoleAdmin)
		resident := f.register(t, "王阿姨", "13900004004")
		neighbour := f.register(t, "邻居", "13900004005")
		for _, c := range []struct {
			who  *guli.User
			in   guli.CloseInput
			want string
		}{
			{neighbour, guli.CloseInput{UserID: resident.ID}, guli.ECNotFound},
			{otherStaff, guli.CloseInput{UserID: resident.ID}, guli.ECNotFound},
			{staff, guli.CloseInput{UserID: colleague.ID}, guli.ECForbidden},
			{admin, guli.CloseInput{Password: "secret-123"}, guli.ECLastAdmin},
			{resident, guli.CloseInput{}, guli.ECValidation},
			{staff, guli.CloseInput{UserID: guli.NoID}, guli.ECValidation},
			{staff, guli.CloseInput{UserID: 999999}, guli.ECNotFound},
		} {
			if _, err := svc.DataRights.CloseAccount(as(c.who), c.in); code(err) != c.want {
				t.Errorf("%s closes %+v: %v, want %s", c.who.Name, c.in, err, c.want)
			}
		}
		if _, err := svc.DataRights.CloseAccount(as(staff), guli.CloseInput{UserID: resident.ID}); err != nil {
			t.Fatalf("staff close a resident's account at the desk: %v", err)
		}
		if _, err := svc.DataRights.CloseAccount(as(admin), guli.CloseInput{UserID: colleague.ID}); err != nil {
			t.Fatalf("the admin closes a staff member's: %v", err)
		}
		entries := auditActions(t, f.db, as(staff), guli.AuditFilter{Action: "user.close"})
		if len(entries) != 1 {
			t.Errorf("staff see their own closure and not the admin's of a colleague who no longer works here: %v", entries)
		}
	})
}

// A closure racing the person's own registrations and transfers, and
// others' transfers to them: every answer is a refusal or a success, no
// minute is lost, and nothing open is left to the closed account.
func TestClosureRacingRegistrationsAndTransfers(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFixture(t, e)
		svc := sqlstore.NewServices(f.db)
		staff := f.staff(t, "社工小李", "13900005000")
		for round := range 3 {
			me := f.register(t, "要走的人", fmt.Sprintf("1390000510%d", round))
			friend := f.register(t, "朋友", fmt.Sprintf("1390000520%d", round))
			for _, p := range []*guli.User{me, friend} {
				if _, err := svc.TimeBank.Credit(as(staff), p.ID, 100, "起始"); err != nil {
					t.Fatal(err)
				}
			}
			start := time.Now().Add(72 * time.Hour).Truncate(time.Hour)
			made, err := svc.Activities.CreateActivities(system(), guli.ActivityInput{StationID: f.station.ID, Title: "书法课",
				Category: "class", Start: start, End: start.Add(time.Hour), Capacity: 2, Repeat: &guli.Repeat{WeeklyCount: 6}})
			if err != nil {
				t.Fatal(err)
			}
			var (
				wg    sync.WaitGroup
				mu    sync.Mutex
				codes = map[string]int{}
			)
			record := func(err error) {
				mu.Lock()
				codes[code(err)]++
				mu.Unlock()
			}
			for i := range made {
				wg.Add(3)
				go func() { defer wg.Done(); _, err := svc.Activities.Register(as(me), made[i].ID, 0); record(err) }()
				go func() {
					defer wg.Done()
					_, err := svc.TimeBank.Transfer(as(me), guli.TransferInput{ToUserID: friend.ID, Minutes: 5})
					record(err)
				}()
				go func() {
					defer wg.Done()
					_, err := svc.TimeBank.Transfer(as(friend), guli.TransferInput{ToUserID: me.ID, Minutes: 3})
					record(err)
				}()
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := svc.DataRights.CloseAccount(as(staff), guli.CloseInput{UserID: me.ID})
				if err != nil {
					t.Errorf("closure: %v", err)
				}
			}()
			wg.Wait()
			for c := range codes {
				if c != "" && c != guli.ECAccountClosed && c != guli.ECValidation {
					t.Errorf("round %d: answers %v", round, codes)
				}
			}
			if err := f.db.CheckLedger(system()); err != nil {
				t.Fatal(err)
			}
			a, _ := sqlstore.QueryInt(context.Background(), f.db, "SELECT balance FROM timebank_accounts WHERE user_id = ?", me.ID)
			b, _ := sqlstore.QueryInt(context.Background(), f.db, "SELECT balance FROM timebank_accounts WHERE user_id = ?", friend.ID)
			if a+b != 200 {
				t.Errorf("round %d: %d + %d minutes, want 200 between them", round, a, b)
			}
			if n, _ := sqlstore.QueryInt(context.Background(), f.db,
				"SELECT COUNT(*) FROM registrations WHERE user_id = ? AND status <> 'cancelled'", me.ID); n != 0 {
				t.Errorf("round %d: %d live registrations of a closed account", round, n)
			}
			if n, _ := sqlstore.QueryInt(context.Background(), f.db,
				"SELECT COUNT(*) FROM activities WHERE confirmed_count <> (SELECT COUNT(*) FROM registrations r WHERE r.activity_id = activities.id AND r.status = 'confirmed')"); n != 0 {
				t.Errorf("round %d: %d activities count their places wrong", round, n)
			}
		}
	})
}

// A volunteer claiming requests while their account closes leaves none
// claimed by the closed account: each claim lands before the closure (which
// then releases it) or is refused after it.
func TestClosureRacingClaims(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFixture(t, e)
		svc := sqlstore.NewServices(f.db)
		staff := f.staff(t, "社工小李", "13900005300")
		for round := range 3 {
			helper, err := f.accounts.CreateUser(system(), guli.NewUserInput{Name: "要走的志愿者", Phone: fmt.Sprintf("1390000531%d", round),
				Password: "secret-123", AreaID: f.areas[0].ID, Roles: []guli.Role{guli.RoleResident, guli.RoleVolunteer}})
			if err != nil {
				t.Fatal(err)
			}
			var asked []*guli.HelpRequest
			for i := range 4 {
				asker := f.register(t, "求助的人", fmt.Sprintf("139000054%d%d", round, i))
				h, err := svc.Help.AskForHelp(as(asker), guli.HelpRequestInput{Title: "帮忙取药", Category: "errand"})
				if err != nil {
					t.Fatal(err)
				}
				asked = append(asked, h)
			}
			var wg sync.WaitGroup
			for _, h := range asked {
				wg.Go(func() {
					if _, err := svc.Help.Claim(as(helper), h.ID); err != nil && code(err) != guli.ECAccountClosed {
						t.Errorf("round %d: claim: %v", round, err)
					}
				})
			}
			wg.Go(func() {
				if _, err := svc.DataRights.CloseAccount(as(staff), guli.CloseInput{UserID: helper.ID}); err != nil {
					t.Errorf("closure: %v", err)
				}
			})
			wg.Wait()
			if n, _ := sqlstore.QueryInt(context.Background(), f.db,
				"SELECT COUNT(*) FROM help_requests WHERE volunteer_id = ? AND status = 'claimed'", helper.ID); n != 0 {
				t.Errorf("round %d: %d requests left claimed by a closed account", round, n)
			}
		}
	})
}

func TestSearchingTheAuditLog(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFixture(t, e)
		svc := sqlstore.NewServices(f.db)
		staff := f.staff(t, "社工小李", "13900006000")
		other, otherStaff := f.otherStation(t, "13900006001")
		admin := f.user(t, "区管理员", "13900006002", guli.RoleAdmin)
		ours := f.register(t, "程秀英", "13900006003")
		area, err := f.stations.CreateArea(system(), other.ID, guli.AreaInput{Name: "菊泉一村", Committee: "菊泉一村居委会"})
		if err != nil {
			t.Fatal(err)
		}
		theirs, err := f.accounts.CreateUser(as(otherStaff), guli.NewUserInput{Name: "菊泉的居民", Phone: "13900006004", AreaID: area.ID})
		if err != nil {
			t.Fatal(err)
		}
		sys, dia := 120, 80
		for _, c := range []struct {
			by  *guli.User
			who *guli.User
		}{{staff, ours}, {otherStaff, theirs}} {
			if _, err := svc.Health.RecordMeasurement(as(c.by), guli.MeasurementInput{UserID: c.who.ID, Kind: "blood_pressure", Systolic: &sys, Diastolic: &dia}); err != nil {
				t.Fatal(err)
			}
			if _, err := svc.Health.Measurements(as(c.by), c.who.ID, guli.ListOptions{}); err != nil {
				t.Fatal(err)
			}
		}
		for _, c := range []struct {
			name string
			as   *guli.User
			f    guli.AuditFilter
			want []string
		}{
			{"staff see their station's people", staff, guli.AuditFilter{Action: "health."}, []string{"health.view", "health.record"}},
			{"by name", staff, guli.AuditFilter{Person: "秀英"}, []string{"health.view", "health.record"}},
			{"by part of the number", staff, guli.AuditFilter{Person: "0006003"}, []string{"health.view", "health.record"}},
			{"by full-width digits", staff, guli.AuditFilter{Person: "１３９０００", Action: "health."}, []string{"health.view", "health.record"}},
			{"another station's person is not found", staff, guli.AuditFilter{Person: "菊泉"}, nil},
			{"by action", staff, guli.AuditFilter{Action: "health.view"}, []string{"health.view"}},
			{"by actor", admin, guli.AuditFilter{ActorID: otherStaff.ID, Action: "health."}, []string{"health.view", "health.record"}},
			{"the admin sees all", admin, guli.AuditFilter{Action: "health."}, []string{"health.view", "health.record", "health.view", "health.record"}},
			{"a range before", admin, guli.AuditFilter{Action: "health.", To: time.Now().Add(-time.Hour)}, nil},
			{"a range around", admin, guli.AuditFilter{Action: "health.", From: time.Now().Add(-time.Hour), To: time.Now().Add(time.Hour)},
				[]string{"health.view", "health.record", "health.view", "health.record"}},
		} {
			if got := auditActions(t, f.db, as(c.as), c.f); !slices.Equal(got, c.want) {
				t.Errorf("%s: %v, want %v", c.name, got, c.want)
			}
		}
		// Paged, newest first.
		page, err := svc.Audit.SearchAudit(as(admin), guli.AuditFilter{Action: "health."}, guli.ListOptions{Limit: 3})
		if err != nil || len(page.Items) != 3 || page.NextCursor == "" || page.Items[0].SubjectName != "菊泉的居民" {
			t.Fatalf("first page %+v %v", page, err)
		}
		rest, err := svc.Audit.SearchAudit(as(admin), guli.AuditFilter{Action: "health."}, guli.ListOptions{Limit: 3, Cursor: page.NextCursor})
		if err != nil || len(rest.Items) != 1 || rest.Items[0].ID >= page.Items[2].ID {
			t.Fatalf("second page %+v %v", rest, err)
		}
		for _, c := range []struct {
			as   *guli.User
			f    guli.AuditFilter
			want string
		}{
			{ours, guli.AuditFilter{}, guli.ECForbidden},
			{staff, guli.AuditFilter{Action: "DROP TABLE"}, guli.ECValidation},
			{staff, guli.AuditFilter{From: time.Now(), To: time.Now().Add(-time.Hour)}, guli.ECValidation},
		} {
			if _, err := svc.Audit.SearchAudit(as(c.as), c.f, guli.ListOptions{}); code(err) != c.want {
				t.Errorf("search %+v as %s: %v, want %s", c.f, c.as.Name, err, c.want)
			}
		}
	})
}

// An entry about a thing whose id equals a person's is not shown to
// that person as if it were about them.
func TestAuditEntriesAboutThingsAreNotAboutPeople(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFixture(t, e)
		me := f.register(t, "程秀英", "13900007001")
		if err := sqlstore.Exec(context.Background(), f.db, `INSERT INTO audit_log (actor_id, action, subject_id, subject_kind, detail, created_at)
			VALUES (NULL, 'meeting.create', ?, 'thing', '', 0)`, me.ID); err != nil {
			t.Fatal(err)
		}
		page, err := sqlstore.NewAudit(f.db).AuditLog(as(me), me.ID, guli.ListOptions{})
		if err != nil || len(page.Items) != 0 {
			t.Fatalf("my log: %+v %v", page.Items, err)
		}
		if !guli.AuditAboutPerson("health.view", 3) || guli.AuditAboutPerson("meeting.create", 3) || guli.AuditAboutPerson("user.search", 0) {
			t.Error("AuditAboutPerson")
		}
	})
}

// Every kind of staff action on a resident's data writes an entry about
// them, which the resident reads and their station's staff find.
func TestStaffActionsOnResidentsDataAreAudited(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newPollFixture(t, e, 1)
		svc := sqlstore.NewServices(f.db)
		staff, member := f.staffer, f.members[0]
		start := time.Now().Add(48 * time.Hour).Truncate(time.Hour)
		made, err := svc.Activities.CreateActivities(system(), guli.ActivityInput{StationID: f.station.ID, Title: "剪纸课",
			Category: "class", Start: start, End: start.Add(time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		poll := f.open(t, true, 0, 1, "上午", "下午")
		steps := []struct {
			action string
			do     func() error
		}{
			{"health.view", func() error { _, err := svc.Health.Measurements(as(staff), member.ID, guli.ListOptions{}); return err }},
			{"user.roles", func() error {
				_, err := svc.Accounts.SetRoles(as(staff), member.ID, guli.RolesInput{Roles: []guli.Role{guli.RoleResident, guli.RoleVolunteer}})
				return err
			}},
			{"registration.on_behalf", func() error { _, err := svc.Activities.Register(as(staff), made[0].ID, member.ID); return err }},
			{"registration.cancel_on_behalf", func() error { return svc.Activities.CancelRegistration(as(staff), made[0].ID, member.ID) }},
			{"help.file_on_behalf", func() error {
				_, err := svc.Help.AskForHelp(as(staff), guli.HelpRequestInput{Title: "代为求助", Category: "errand", OnBehalfOf: member.ID})
				return err
			}},
			{"poll.paper_ballot", func() error {
				return svc.Polls.Vote(as(staff), guli.Ballot{PollID: poll.ID, Voter: member.ID, OptionIDs: []guli.ID{poll.Options[0].ID}})
			}},
			{"user.export", func() error { _, err := svc.DataRights.ExportMyData(as(member)); return err }},
			{"user.close", func() error {
				_, err := svc.DataRights.CloseAccount(as(staff), guli.CloseInput{UserID: member.ID})
				return err
			}},
		}
		for _, s := range steps {
			if err := s.do(); err != nil {
				t.Fatalf("%s: %v", s.action, err)
			}
			if got := auditActions(t, f.db, as(staff), guli.AuditFilter{SubjectID: member.ID, Action: s.action}); len(got) != 1 {
				t.Errorf("%s: %d entries about the resident", s.action, len(got))
			}
		}
		// A secret ballot entered on paper says who voted and in which poll,
		// never the choice.
		page, err := svc.Audit.SearchAudit(as(staff), guli.AuditFilter{SubjectID: member.ID, Action: "poll.paper_ballot"}, guli.ListOptions{})
		if err != nil || len(page.Items) != 1 || page.Items[0].Detail != poll.ID.String() {
			t.Errorf("the paper ballot's entry: %+v %v", page.Items, err)
		}
	})
}

// TestNothingIsAddedToAClosedAccount: whatever staff do at the desk, a
// closed account takes nothing more — no reading, membership, minutes,
// role, visit or nomination — and the teams it left count it no more.
func TestNothingIsAddedToAClosedAccount(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFixture(t, e)
		svc := sqlstore.NewServices(f.db)
		staff := f.staff(t, "社工小李", "13900004000")
		gone := f.register(t, "程秀英", "13900004001")
		choir, err := svc.Teams.CreateTeam(as(staff), guli.TeamInput{StationID: f.station.ID, Name: "社区合唱队", Kind: guli.TeamInterestGroup})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Teams.AddMember(as(staff), choir.ID, guli.MemberInput{UserID: gone.ID}); err != nil {
			t.Fatal(err)
		}
		council, err := svc.Councils.CreateCouncil(as(staff), guli.CouncilInput{StationID: f.station.ID, Name: "居民议事会", Kind: guli.CouncilResidents})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.DataRights.CloseAccount(as(staff), guli.CloseInput{UserID: gone.ID}); err != nil {
			t.Fatal(err)
		}
		if got, err := svc.Teams.Team(system(), choir.ID); err != nil || got.MemberCount != 0 || len(got.Members) != 0 {
			t.Errorf("the team after the closure: %d members counted, %d listed, %v", got.MemberCount, len(got.Members), err)
		}
		sys, dia := 130, 80
		for _, tc := range []struct {
			name string
			do   func() error
		}{
			{"a health reading", func() error {
				_, err := svc.Health.RecordMeasurement(as(staff), guli.MeasurementInput{UserID: gone.ID, Kind: "blood_pressure", Systolic: &sys, Diastolic: &dia})
				return err
			}},
			{"a team's membership", func() error {
				_, err := svc.Teams.AddMember(as(staff), choir.ID, guli.MemberInput{UserID: gone.ID})
				return err
			}},
			{"a team to lead", func() error {
				_, err := svc.Teams.CreateTeam(as(staff), guli.TeamInput{StationID: f.station.ID, Name: "书法队", Kind: guli.TeamInterestGroup, LeaderID: gone.ID})
				return err
			}},
			{"a council's membership", func() error { return svc.Councils.AddMember(as(staff), council.ID, gone.ID) }},
			{"minutes", func() error { _, err := svc.TimeBank.Credit(as(staff), gone.ID, 30, "帮忙"); return err }},
			{"a role", func() error {
				_, err := svc.Accounts.SetRoles(as(staff), gone.ID, guli.RolesInput{Roles: []guli.Role{guli.RoleResident, guli.RoleVolunteer}})
				return err
			}},
			{"a visit", func() error {
				_, err := svc.Visits.RecordVisit(as(staff), f.station.ID, guli.VisitInput{UserID: gone.ID, Purpose: "health_check"})
				return err
			}},
			{"a nomination", func() error {
				_, err := svc.Teams.Nominate(as(staff), guli.NominationInput{AreaID: f.areas[0].ID, UserID: gone.ID, Skill: "书法", Reason: "写得好"})
				return err
			}},
		} {
			if err := tc.do(); code(err) != guli.ECAccountClosed {
				t.Errorf("%s given to a closed account: %v", tc.name, err)
			}
		}
		for table, n := range map[string]string{
			"health_measurements": "SELECT COUNT(*) FROM health_measurements WHERE user_id = ?",
			"team_members":        "SELECT COUNT(*) FROM team_members WHERE user_id = ?",
			"teams led":           "SELECT COUNT(*) FROM teams WHERE name = '书法队' AND ? > 0",
			"council_members":     "SELECT COUNT(*) FROM council_members WHERE user_id = ?",
			"timebank_accounts":   "SELECT COUNT(*) FROM timebank_accounts WHERE user_id = ? AND balance <> 0",
			"visits":              "SELECT COUNT(*) FROM visits WHERE user_id = ?",
			"nominations":         "SELECT COUNT(*) FROM nominations WHERE nominee_id = ?",
			"roles":               "SELECT COUNT(*) FROM users WHERE id = ? AND roles <> 'resident'",
		} {
			if got, err := sqlstore.QueryInt(context.Background(), f.db, n, gone.ID); err != nil || got != 0 {
				t.Errorf("%s: %d rows of the closed account, %v", table, got, err)
			}
		}
	})
}
