package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"guli"
	"guli/internal/dbtest"
	"guli/sqlstore"
)

// clock is a time the test moves by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Now()} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func login(f *fixture, phone, pw, addr, device string) (*guli.Session, error) {
	return f.accounts.Login(context.Background(), guli.LoginInput{Phone: phone, Password: pw, ClientAddr: addr, DeviceToken: device})
}

func TestTheOwnersDeviceIsNeverRefusedForAStrangersGuesses(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFixture(t, e)
		f.register(t, "李阿姨", "13700003333")
		own, err := login(f, "13700003333", "secret-123", "10.0.0.8", "")
		if err != nil || own.DeviceToken == "" {
			t.Fatalf("first sign-in: %v %+v", err, own)
		}
		// A stranger guesses in parallel: five guesses are checked, the rest wait.
		counts := outcomes(20, func(i int) error {
			_, err := login(f, "13700003333", fmt.Sprintf("guess-%02d", i), fmt.Sprintf("203.0.113.%d", i), "")
			return err
		})
		if counts[guli.ECInvalidCredentials] != 5 || counts[guli.ECRateLimited] != 15 {
			t.Fatalf("parallel guesses %v, want 5 checked and 15 refused", counts)
		}
		// The right password from a new device waits too, briefly.
		_, err = login(f, "13700003333", "secret-123", "10.0.0.9", "")
		var ge *guli.Error
		if !errors.As(err, &ge) || ge.Code != guli.ECRateLimited || ge.RetryAfter <= 0 || ge.RetryAfter > time.Minute {
			t.Fatalf("right password on a new device: %v, want a wait of under a minute", err)
		}
		// From the owner's own phone it goes through, at once and again.
		for i := range 3 {
			s, err := login(f, "13700003333", "secret-123", "10.0.0.8", own.DeviceToken)
			if err != nil || s.DeviceToken != own.DeviceToken {
				t.Fatalf("owner's device, sign-in %d: %v", i, err)
			}
		}
		// The owner's device is slowed by its own mistakes only.
		counts = outcomes(15, func(i int) error {
			_, err := login(f, "13700003333", "typo-typo-"+fmt.Sprint(i), "10.0.0.8", own.DeviceToken)
			return err
		})
		if counts[guli.ECInvalidCredentials] != 10 || counts[guli.ECRateLimited] != 5 {
			t.Fatalf("the owner's own typos %v, want 10 checked and 5 refused", counts)
		}
		// A device token of another account counts for nothing.
		f.register(t, "邻居", "13700004444")
		other, err := login(f, "13700004444", "secret-123", "10.0.0.8", "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := login(f, "13700003333", "secret-123", "10.0.0.10", other.DeviceToken); code(err) != guli.ECRateLimited {
			t.Fatalf("someone else's device token: %v", err)
		}
	})
}

func TestRightPasswordsFromOneAddressAreNeverThrottled(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFixture(t, e)
		const n = 45 // more than the address's free failures
		for i := range n {
			f.register(t, fmt.Sprintf("学员%d", i), fmt.Sprintf("1370001%04d", i))
		}
		// The class arrives and everyone signs in at once on the station's Wi-Fi.
		counts := outcomes(n, func(i int) error {
			_, err := login(f, fmt.Sprintf("1370001%04d", i), "secret-123", "192.168.1.1", "")
			return err
		})
		if counts[""] != n {
			t.Fatalf("right passwords from one address: %v, want all %d signed in", counts, n)
		}
		// Wrong ones from that address still count, from the 31st on.
		var last error
		for i := range 31 {
			_, last = login(f, fmt.Sprintf("1370002%04d", i), "guess-guess", "192.168.1.1", "")
		}
		if code(last) != guli.ECRateLimited {
			t.Fatalf("31st failure from one address: %v", last)
		}
	})
}

func TestRefusedRegistrationsAreThrottledPerAddress(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFixture(t, e)
		f.register(t, "已注册", "13700005555")
		taken := func(addr string) error {
			_, err := f.accounts.Register(context.Background(), guli.RegisterInput{Name: "试探", Phone: "13700005555",
				Password: "secret-123", AreaID: f.areas[0].ID, ClientAddr: addr})
			return err
		}
		counts := outcomes(25, func(int) error { return taken("198.51.100.7") })
		if counts[guli.ECPhoneTaken] != 10 || counts[guli.ECRateLimited] != 15 {
			t.Fatalf("probing a taken number: %v, want 10 answered and 15 refused", counts)
		}
		if err := taken("198.51.100.8"); code(err) != guli.ECPhoneTaken {
			t.Fatalf("another address: %v", err)
		}
		// A refused address is told to wait even for a good registration.
		_, err := f.accounts.Register(context.Background(), guli.RegisterInput{Name: "新邻居", Phone: "13700006666",
			Password: "secret-123", AreaID: f.areas[0].ID, ClientAddr: "198.51.100.7"})
		if code(err) != guli.ECRateLimited {
			t.Fatalf("good registration from the refused address: %v", err)
		}
	})
}

func TestChangePasswordEndsTheOtherSessions(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFixture(t, e)
		u := f.register(t, "改密码的人", "13700007777")
		here, _ := login(f, u.Phone, "secret-123", "10.0.0.1", "")
		there, _ := login(f, u.Phone, "secret-123", "10.0.0.2", "")
		ctx := as(u)
		for _, tt := range []struct {
			name string
			in   guli.ChangePasswordInput
			code string
		}{
			{"wrong current", guli.ChangePasswordInput{Current: "not-it-at-all", New: "菊泉新城的桂花树"}, guli.ECWrongPassword},
			{"weak new", guli.ChangePasswordInput{Current: "secret-123", New: "12345678"}, guli.ECWeakPassword},
			{"the phone as new", guli.ChangePasswordInput{Current: "secret-123", New: u.Phone}, guli.ECWeakPassword},
			{"no current", guli.ChangePasswordInput{New: "菊泉新城的桂花树"}, guli.ECValidation},
		} {
			if err := f.accounts.ChangePassword(ctx, tt.in); code(err) != tt.code {
				t.Errorf("%s: %v, want %s", tt.name, err, tt.code)
			}
		}
		if err := f.accounts.ChangePassword(ctx, guli.ChangePasswordInput{Current: "secret-123", New: "菊泉新城的桂花树", Keep: here.Token}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.accounts.Authenticate(context.Background(), here.Token); err != nil {
			t.Errorf("the session that changed it: %v", err)
		}
		if _, err := f.accounts.Authenticate(context.Background(), there.Token); code(err) != guli.ECUnauthenticated {
			t.Errorf("another session: %v", err)
		}
		if _, err := login(f, u.Phone, "secret-123", "10.0.0.1", ""); code(err) != guli.ECInvalidCredentials {
			t.Errorf("old password: %v", err)
		}
		if _, err := login(f, u.Phone, "菊泉新城的桂花树", "10.0.0.1", ""); err != nil {
			t.Errorf("new password: %v", err)
		}
		// Two changes at once with the same current password: one wins, the
		// other finds it no longer current.
		counts := outcomes(4, func(i int) error {
			return f.accounts.ChangePassword(as(u), guli.ChangePasswordInput{Current: "菊泉新城的桂花树", New: fmt.Sprintf("同时改的密码%d号", i)})
		})
		if counts[""] != 1 || counts[guli.ECWrongPassword] != 3 {
			t.Fatalf("four changes at once: %v, want one", counts)
		}
		// Wrong current passwords are throttled like logins: a phone left
		// signed in is no way to guess the password.
		counts = outcomes(12, func(i int) error {
			return f.accounts.ChangePassword(ctx, guli.ChangePasswordInput{Current: fmt.Sprintf("guess-%02d", i), New: "another-secret-9"})
		})
		if counts[guli.ECWrongPassword]+counts[guli.ECInvalidCredentials] > 5 || counts[guli.ECRateLimited] < 7 {
			t.Fatalf("parallel guesses of the current password: %v", counts)
		}
		// Signing out everywhere ends them all.
		if err := f.accounts.LogoutAll(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := f.accounts.Authenticate(context.Background(), here.Token); code(err) != guli.ECUnauthenticated {
			t.Errorf("after signing out everywhere: %v", err)
		}
	})
}

func TestResetCodes(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		clk := newClock()
		f := newFixtureWith(t, e, sqlstore.Options{Now: clk.Now})
		staff := f.user(t, "社工小顾", "13800000001", guli.RoleStaff)
		admin := f.user(t, "管理员", "13800000000", guli.RoleAdmin, guli.RoleStaff)
		resident := f.register(t, "忘了密码的人", "13700008888")
		session, _ := login(f, resident.Phone, "secret-123", "10.0.0.1", "")
		reset := func(phone, code, pw string) error {
			return f.accounts.ResetPassword(context.Background(), guli.ResetInput{Phone: phone, Code: code, NewPassword: pw, ClientAddr: "10.0.0.1"})
		}

		// Who may make a code for whom.
		kept, err := f.accounts.CreateUser(as(staff), guli.NewUserInput{Name: "张阿婆", AreaID: f.areas[0].ID})
		if err != nil {
			t.Fatal(err)
		}
		for _, tt := range []struct {
			name          string
			actor, target *guli.User
			code          string
		}{
			{"a resident", resident, staff, guli.ECForbidden},
			{"staff for an admin", staff, admin, guli.ECForbidden},
			{"staff for themself", staff, staff, guli.ECForbidden},
			{"an account without a phone", staff, kept, guli.ECValidation},
			{"nobody", staff, &guli.User{ID: 999999}, guli.ECNotFound},
		} {
			if _, err := f.accounts.IssueResetCode(as(tt.actor), tt.target.ID); code(err) != tt.code {
				t.Errorf("%s: %v, want %s", tt.name, err, tt.code)
			}
		}
		if _, err := f.accounts.IssueResetCode(as(admin), staff.ID); err != nil {
			t.Errorf("an admin for staff: %v", err)
		}

		rc, err := f.accounts.IssueResetCode(as(staff), resident.ID)
		if err != nil || len(rc.Code) != 8 || !rc.ExpiresAt.Equal(clk.Now().Add(30*time.Minute)) {
			t.Fatalf("code %+v, %v", rc, err)
		}
		entries, _ := sqlstore.NewAudit(f.db).AuditLog(as(resident), resident.ID, guli.ListOptions{})
		if len(entries.Items) == 0 || entries.Items[0].Action != "user.password_reset" || entries.Items[0].ActorID != staff.ID {
			t.Errorf("the reset is not in the resident's audit log: %v", entries.Items)
		}
		if err := reset(resident.Phone, rc.Code, "12345678"); code(err) != guli.ECWeakPassword {
			t.Errorf("a weak new password: %v", err)
		}
		// Ten tries with the one code at once: exactly one sets the password.
		counts := outcomes(10, func(i int) error { return reset(resident.Phone, rc.Code, fmt.Sprintf("新设的密码第%d个", i)) })
		if counts[""] != 1 || counts[guli.ECInvalidCode]+counts[guli.ECRateLimited] != 9 {
			t.Fatalf("one code used ten times at once: %v", counts)
		}
		if _, err := f.accounts.Authenticate(context.Background(), session.Token); code(err) != guli.ECUnauthenticated {
			t.Errorf("a session from before the reset: %v", err)
		}

		// Wrong tries wear a code out; time does too.
		clk.Add(25 * time.Hour) // the throttle forgets the round above
		rc, _ = f.accounts.IssueResetCode(as(staff), resident.ID)
		wrong := "00000000"
		if wrong == rc.Code {
			wrong = "11111111"
		}
		for range 5 {
			if err := reset(resident.Phone, wrong, "菊泉新城的桂花树"); code(err) != guli.ECInvalidCode {
				t.Fatalf("a wrong code: %v", err)
			}
		}
		if err := reset(resident.Phone, rc.Code, "菊泉新城的桂花树"); code(err) != guli.ECInvalidCode {
			t.Fatalf("the right code after five wrong ones: %v", err)
		}
		// A code stops working when the account's roles change: whoever
		// gave it may not reset the password of a social worker.
		rc, _ = f.accounts.IssueResetCode(as(staff), resident.ID)
		if _, err := f.accounts.SetRoles(as(admin), resident.ID, guli.RolesInput{Roles: []guli.Role{guli.RoleResident, guli.RoleStaff}}); err != nil {
			t.Fatal(err)
		}
		if err := reset(resident.Phone, rc.Code, "菊泉新城的桂花树"); code(err) != guli.ECInvalidCode {
			t.Fatalf("a staff member's code for someone made staff since: %v", err)
		}
		if _, err := f.accounts.SetRoles(as(admin), resident.ID, guli.RolesInput{Roles: []guli.Role{guli.RoleResident}}); err != nil {
			t.Fatal(err)
		}
		// And when whoever gave it is no longer staff.
		rc, _ = f.accounts.IssueResetCode(as(staff), resident.ID)
		if _, err := f.accounts.SetRoles(as(admin), staff.ID, guli.RolesInput{Roles: []guli.Role{guli.RoleResident}}); err != nil {
			t.Fatal(err)
		}
		if err := reset(resident.Phone, rc.Code, "菊泉新城的桂花树"); code(err) != guli.ECInvalidCode {
			t.Fatalf("a code from someone no longer staff: %v", err)
		}
		if _, err := f.accounts.SetRoles(as(admin), staff.ID, guli.RolesInput{Roles: []guli.Role{guli.RoleStaff}}); err != nil {
			t.Fatal(err)
		}
		clk.Add(time.Hour) // the throttle's waits pass, and any code expires
		rc, _ = f.accounts.IssueResetCode(as(staff), resident.ID)
		clk.Add(31 * time.Minute)
		if err := reset(resident.Phone, rc.Code, "菊泉新城的桂花树"); code(err) != guli.ECInvalidCode {
			t.Fatalf("an expired code: %v", err)
		}
		if err := reset("13700009999", rc.Code, "菊泉新城的桂花树"); code(err) != guli.ECInvalidCode {
			t.Fatalf("a number without an account: %v", err)
		}
	})
}

// texts is an SMS sender that keeps what it would send.
type texts struct {
	mu   sync.Mutex
	sent map[string]string // phone → last code
	fail error
}

func (x *texts) SendCode(ctx context.Context, phone, code string) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.fail != nil {
		return x.fail
	}
	x.sent[phone] = code
	return nil
}

func (x *texts) last(phone string) string {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.sent[phone]
}

func TestRegistrationWithTextedCodes(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		clk := newClock()
		f := newFixtureWith(t, e, sqlstore.Options{Now: clk.Now})
		sms := &texts{sent: map[string]string{}}
		accounts := sqlstore.NewAccounts(f.db, sms)
		if !accounts.SMSRequired() || f.accounts.SMSRequired() {
			t.Fatal("SMSRequired does not follow the sender")
		}
		ctx := context.Background()
		in := guli.RegisterInput{Name: "新居民", Phone: "13700001212", Password: "secret-123", AreaID: f.areas[0].ID, ClientAddr: "10.0.0.1"}
		if _, err := accounts.Register(ctx, in); code(err) != guli.ECInvalidCode {
			t.Fatalf("no code: %v", err)
		}
		if err := accounts.SendSMSCode(ctx, guli.SMSCodeInput{Phone: "137 0000 1212", ClientAddr: "10.0.0.1"}); err != nil {
			t.Fatal(err)
		}
		sent := sms.last("13700001212")
		if len(sent) != 6 {
			t.Fatalf("texted %q", sent)
		}
		// Asking again at once is refused: nobody floods a phone with texts.
		if err := accounts.SendSMSCode(ctx, guli.SMSCodeInput{Phone: "13700001212", ClientAddr: "10.0.0.2"}); code(err) != guli.ECRateLimited {
			t.Fatalf("a second text within the minute: %v", err)
		}
		in.SMSCode = "000000"
		if in.SMSCode == sent {
			in.SMSCode = "111111"
		}
		if _, err := accounts.Register(ctx, in); code(err) != guli.ECInvalidCode {
			t.Fatalf("a wrong code: %v", err)
		}
		in.SMSCode = sent
		if _, err := accounts.Register(ctx, in); err != nil {
			t.Fatalf("the right code: %v", err)
		}
		if err := accounts.SendSMSCode(ctx, guli.SMSCodeInput{Phone: "13700001212", ClientAddr: "10.0.0.1"}); code(err) != guli.ECPhoneTaken {
			t.Fatalf("a text to a number with an account: %v", err)
		}
		// Asking for texts is no faster a way to learn which numbers have
		// accounts than registering: ten answers, then a wait.
		probes := outcomes(15, func(int) error {
			return accounts.SendSMSCode(ctx, guli.SMSCodeInput{Phone: "13700001212", ClientAddr: "198.51.100.9"})
		})
		if probes[guli.ECPhoneTaken] != 10 || probes[guli.ECRateLimited] != 5 {
			t.Fatalf("probing for accounts by texts: %v", probes)
		}
		// A code is used up, and expires.
		clk.Add(2 * time.Minute)
		if err := accounts.SendSMSCode(ctx, guli.SMSCodeInput{Phone: "13700001313", ClientAddr: "10.0.0.1"}); err != nil {
			t.Fatal(err)
		}
		clk.Add(11 * time.Minute)
		late := guli.RegisterInput{Name: "晚了", Phone: "13700001313", Password: "secret-123", AreaID: f.areas[0].ID, SMSCode: sms.last("13700001313")}
		if _, err := accounts.Register(ctx, late); code(err) != guli.ECInvalidCode {
			t.Fatalf("an expired code: %v", err)
		}
		// The provider being down is an outage, not the person's fault.
		sms.fail = errors.New("tencent: down")
		clk.Add(time.Hour)
		if err := accounts.SendSMSCode(ctx, guli.SMSCodeInput{Phone: "13700001414", ClientAddr: "10.0.0.3"}); code(err) != guli.ECUnavailable {
			t.Fatalf("the provider down: %v", err)
		}
		if err := f.accounts.SendSMSCode(ctx, guli.SMSCodeInput{Phone: "13700001515"}); code(err) != guli.ECNotFound {
			t.Fatalf("asking for a code where registration needs none: %v", err)
		}
	})
}

func TestTheLastAdminStays(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFixture(t, e)
		a := f.user(t, "管理员甲", "13800000010", guli.RoleAdmin, guli.RoleStaff)
		b := f.user(t, "管理员乙", "13800000011", guli.RoleAdmin, guli.RoleStaff)
		// Each takes the role from the other at the same moment, many times
		// over: one of them must keep it.
		for round := range 5 {
			counts := outcomes(2, func(i int) error {
				actor, target := a, b
				if i == 1 {
					actor, target = b, a
				}
				_, err := f.accounts.SetRoles(as(actor), target.ID, guli.RolesInput{Roles: []guli.Role{guli.RoleStaff}})
				return err
			})
			// The loser of the race is no longer an admin, so it is refused
			// as staff (403) or as the last admin (409).
			if counts[""] != 1 || counts[guli.ECLastAdmin]+counts[guli.ECForbidden] != 1 {
				t.Fatalf("round %d: %v", round, counts)
			}
			page, err := f.accounts.FindUsers(as(guli.SystemUser), "管理员", guli.ListOptions{})
			if err != nil {
				t.Fatal(err)
			}
			admins := 0
			for _, u := range page.Items {
				if u.IsAdmin() {
					admins++
					a = u
				} else {
					b = u
				}
			}
			if admins != 1 {
				t.Fatalf("round %d: %d admins left", round, admins)
			}
			if _, err := f.accounts.SetRoles(as(a), a.ID, guli.RolesInput{Roles: []guli.Role{guli.RoleStaff}}); code(err) != guli.ECLastAdmin {
				t.Fatalf("the last admin steps down: %v", err)
			}
			if _, err := f.accounts.SetRoles(as(a), b.ID, guli.RolesInput{Roles: []guli.Role{guli.RoleAdmin, guli.RoleStaff}}); err != nil {
				t.Fatal(err)
			}
		}
	})
}

func TestSweepDeletesWhatExpired(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		clk := newClock()
		f := newFixtureWith(t, e, sqlstore.Options{Now: clk.Now})
		u := f.register(t, "老用户", "13700002020")
		old, _ := login(f, u.Phone, "secret-123", "10.0.0.1", "")
		login(f, u.Phone, "wrong-wrong", "10.0.0.1", "")
		clk.Add(29 * 24 * time.Hour)
		fresh, _ := login(f, u.Phone, "secret-123", "10.0.0.1", "")
		clk.Add(2 * 24 * time.Hour)
		sw, err := f.db.Sweep(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if sw.Sessions != 1 || sw.Failures < 2 {
			t.Fatalf("swept %+v, want the one expired session and the old failures", sw)
		}
		if _, err := f.accounts.Authenticate(context.Background(), old.Token); code(err) != guli.ECUnauthenticated {
			t.Errorf("expired session: %v", err)
		}
		if _, err := f.accounts.Authenticate(context.Background(), fresh.Token); err != nil {
			t.Errorf("live session after the sweep: %v", err)
		}
		clk.Add(400 * 24 * time.Hour)
		if sw, err = f.db.Sweep(context.Background()); err != nil || sw.Devices != 2 {
			t.Fatalf("after a year and more: %+v %v", sw, err)
		}
	})
}

func TestBookingRulesHoldUnderConcurrency(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFixture(t, e)
		rooms := sqlstore.NewRooms(f.db)
		var ids []guli.ID
		for _, name := range []string{"活动室", "书画室", "议事厅"} {
			r, err := f.stations.CreateRoom(system(), f.station.ID, guli.RoomInput{Name: name, Capacity: 10})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, r.ID)
		}
		resident := f.register(t, "爱订房的人", "13700003030")
		// Next Wednesday (open 09:00-17:00 in the fixture).
		loc := f.station.Location()
		day := time.Now().In(loc).AddDate(0, 0, 1)
		for day.Weekday() != time.Wednesday {
			day = day.AddDate(0, 0, 1)
		}
		slot := func(i int) (guli.ID, guli.BookingInput) {
			start := time.Date(day.Year(), day.Month(), day.Day(), 9+i/3, 0, 0, 0, loc)
			return ids[i%3], guli.BookingInput{Start: start, End: start.Add(time.Hour), Purpose: "排练"}
		}
		counts := outcomes(12, func(i int) error {
			room, in := slot(i)
			_, err := rooms.Book(as(resident), room, in)
			return err
		})
		if counts[""] != 4 || counts[guli.ECBookingLimit] != 8 {
			t.Fatalf("twelve bookings at once by one person: %v, want 4 made", counts)
		}
		// Staff change the rules; staff themselves are exempt.
		if _, err := f.stations.SetBookingRules(as(resident), f.station.ID, guli.BookingRules{MaxDaysAhead: 10, MaxMinutes: 60, MaxFutureBookings: 5}); code(err) != guli.ECForbidden {
			t.Fatalf("a resident changes the rules: %v", err)
		}
		st, err := f.stations.SetBookingRules(system(), f.station.ID, guli.BookingRules{MaxDaysAhead: 10, MaxMinutes: 60, MaxFutureBookings: 5})
		if err != nil || st.BookingRules.MaxFutureBookings != 5 {
			t.Fatalf("set rules: %+v %v", st, err)
		}
		room, in := slot(12)
		in.End = in.Start.Add(90 * time.Minute)
		if _, err := rooms.Book(as(resident), room, in); code(err) != guli.ECBookingTooLong {
			t.Fatalf("a booking of 1h30 under a one-hour rule: %v", err)
		}
		if _, err := rooms.Book(as(f.user(t, "社工小顾", "13800000001", guli.RoleStaff)), room, in); err != nil {
			t.Fatalf("staff are exempt: %v", err)
		}
		if _, err := f.stations.SetBookingRules(system(), f.station.ID, guli.BookingRules{}); code(err) != guli.ECValidation {
			t.Fatalf("zero rules: %v", err)
		}
	})
}

func TestMyActivitiesReadWhileOthersCancel(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFixture(t, e)
		acts := sqlstore.NewActivities(f.db)
		u := f.register(t, "常来的人", "13700004040")
		start := time.Now().Add(48 * time.Hour).Truncate(time.Hour)
		made, err := acts.CreateActivities(system(), guli.ActivityInput{StationID: f.station.ID, Title: "健身操", Category: "class",
			Start: start, End: start.Add(time.Hour), Capacity: 2,
			Repeat: &guli.Repeat{WeeklyCount: 8}})
		if err != nil || len(made) != 8 || made[0].Start.After(made[7].Start) {
			t.Fatalf("series: %v %v", len(made), err)
		}
		ctx, stop := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		wg.Add(1)
		go func() { // registers and cancels, round and round
			defer wg.Done()
			for i := 0; ctx.Err() == nil; i++ {
				a := made[i%len(made)].ID
				acts.Register(as(u), a, 0)
				acts.CancelRegistration(as(u), a, 0)
			}
		}()
		for i := range 300 {
			items, err := acts.MyActivities(as(u), time.Now())
			if err != nil {
				stop()
				wg.Wait()
				t.Fatalf("read %d during cancellations: %v", i, err)
			}
			for _, a := range items {
				if a.MyRegistration == nil || (a.MyRegistration.Status != guli.RegConfirmed && a.MyRegistration.Status != guli.RegWaitlisted) {
					t.Fatalf("an activity without my place: %+v", a)
				}
			}
			if _, err := acts.Activity(as(u), made[i%len(made)].ID); err != nil {
				t.Fatalf("one activity during cancellations: %v", err)
			}
		}
		stop()
		wg.Wait()
	})
}

func TestCheckinGuessesAreThrottledPerStation(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFixture(t, e)
		visits := sqlstore.NewVisits(f.db)
		staff := f.user(t, "社工小顾", "13800000001", guli.RoleStaff)
		c, err := visits.CheckinCode(as(staff), f.station.ID)
		if err != nil || len(c.Token) < 20 || strings.Contains(c.Token, c.Code) {
			t.Fatalf("code %+v, %v", c, err)
		}
		wrong := "000000"
		if wrong == c.Code {
			wrong = "111111"
		}
		// Many accounts, one guess each: the station's limit holds them all.
		var guessers []*guli.User
		for i := range 70 {
			guessers = append(guessers, f.register(t, fmt.Sprintf("猜码人%d", i), fmt.Sprintf("1370005%04d", i)))
		}
		counts := outcomes(len(guessers), func(i int) error {
			_, err := visits.CheckIn(as(guessers[i]), f.station.ID, wrong)
			return err
		})
		if counts[guli.ECInvalidCode] != 60 || counts[guli.ECRateLimited] != 10 {
			t.Fatalf("70 accounts guessing at once: %v, want 60 checked", counts)
		}
		honest := f.register(t, "按时来的人", "13700006060")
		if _, err := visits.CheckIn(as(honest), f.station.ID, c.Code); code(err) != guli.ECRateLimited {
			t.Fatalf("typed digits while the station is flooded: %v", err)
		}
		// The door's QR code still lets people in: its token is not guessable.
		if _, err := visits.CheckIn(as(honest), f.station.ID, c.Token); err != nil {
			t.Fatalf("the QR token while the station is flooded: %v", err)
		}
		if _, err := visits.CheckIn(as(honest), f.station.ID, c.Token+"x"); code(err) != guli.ECInvalidCode {
			t.Fatalf("a wrong token: %v", err)
		}
	})
}

func TestBrowsingEveryoneIsAudited(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFixture(t, e)
		staff := f.user(t, "社工小顾", "13800000001", guli.RoleStaff)
		if _, err := f.accounts.FindUsers(as(staff), "", guli.ListOptions{}); err != nil {
			t.Fatal(err)
		}
		page, err := sqlstore.NewAudit(f.db).AuditLog(as(guli.SystemUser), 0, guli.ListOptions{})
		if err != nil || len(page.Items) == 0 || page.Items[0].Action != "user.search" || page.Items[0].ActorID != staff.ID {
			t.Fatalf("browsing everyone left %v %v", page.Items, err)
		}
	})
}

func TestSigningInOverAndOverKeepsOnlyTheNewest(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFixture(t, e)
		u := f.register(t, "爱登录的人", "13700007070")
		first, err := login(f, u.Phone, "secret-123", "10.0.0.1", "")
		if err != nil {
			t.Fatal(err)
		}
		var last *guli.Session
		for range 60 {
			if last, err = login(f, u.Phone, "secret-123", "10.0.0.1", ""); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := f.accounts.Authenticate(context.Background(), first.Token); code(err) != guli.ECUnauthenticated {
			t.Errorf("the oldest of 61 sessions: %v", err)
		}
		if _, err := f.accounts.Authenticate(context.Background(), last.Token); err != nil {
			t.Errorf("the newest session: %v", err)
		}
		// The first device is forgotten; the newest is still known.
		if _, err := login(f, u.Phone, "secret-123", "10.0.0.1", last.DeviceToken); err != nil {
			t.Fatal(err)
		}
		for range 5 {
			login(f, u.Phone, "wrong-wrong", "10.0.0.2", "")
		}
		if _, err := login(f, u.Phone, "secret-123", "10.0.0.1", first.DeviceToken); code(err) != guli.ECRateLimited {
			t.Errorf("a forgotten device after strangers' guesses: %v", err)
		}
		if _, err := login(f, u.Phone, "secret-123", "10.0.0.1", last.DeviceToken); err != nil {
			t.Errorf("the newest device after strangers' guesses: %v", err)
		}
	})
}

// TestTheDataVersionFollowsEveryWrite: a write moves the version, a read
// does not, and a write by another process on the same database is seen
// soon after.
func TestTheDataVersionFollowsEveryWrite(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		dsn := e.DSN(t)
		a := dbtest.OpenDSN(t, dsn)
		b := dbtest.OpenDSN(t, dsn) // another process, as far as a can tell
		ctx := context.Background()
		stations := sqlstore.NewStations(a)
		st, err := stations.CreateStation(system(), guli.StationInput{Name: "顾里小站", OpeningHours: map[string][]string{"wed": {"09:00-17:00"}}})
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(300 * time.Millisecond) // past the poll, and the notification
		v := a.DataVersion(ctx)
		if _, err := stations.Station(ctx, st.ID); err != nil {
			t.Fatal(err)
		}
		if a.DataVersion(ctx) != v {
			t.Fatal("a read moved the version")
		}
		if _, err := stations.SetOpeningHours(system(), st.ID, map[string][]string{"thu": {"09:00-17:00"}}); err != nil {
			t.Fatal(err)
		}
		if a.DataVersion(ctx) == v {
			t.Fatal("a write of this process did not move the version")
		}
		v = a.DataVersion(ctx)
		if _, err := sqlstore.NewStations(b).SetOpeningHours(system(), st.ID, map[string][]string{"fri": {"09:00-17:00"}}); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(5 * time.Second)
		for a.DataVersion(ctx) == v {
			if time.Now().After(deadline) {
				t.Fatal("a write of another process was not seen within 5 s")
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
}

// Lists of activities and stations are kept while the data version holds:
// a write of this process shows at once, another process's within the
// poll, and what a caller changes in an answer never reaches the next.
func TestKeptListsFollowWrites(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFixture(t, e)
		other := dbtest.OpenDSN(t, f.dsn) // another process, as far as f.db can tell
		acts, otherActs := sqlstore.NewActivities(f.db), sqlstore.NewActivities(other)
		u := f.register(t, "来得勤", "13700005050")
		start := time.Now().Add(48 * time.Hour).Truncate(time.Hour)
		made, err := acts.CreateActivities(system(), guli.ActivityInput{StationID: f.station.ID, Title: "太极拳", Category: "class",
			Start: start, End: start.Add(time.Hour), Capacity: 10})
		if err != nil {
			t.Fatal(err)
		}
		filter := guli.ActivityFilter{StationID: f.station.ID, From: start.Add(-time.Hour), To: start.Add(time.Hour)}
		confirmed := func() int {
			t.Helper()
			page, err := acts.Activities(context.Background(), filter, guli.ListOptions{})
			if err != nil || len(page.Items) != 1 {
				t.Fatalf("list: %v %v", page.Items, err)
			}
			n := page.Items[0].ConfirmedCount
			page.Items[0].ConfirmedCount, page.Items[0].Title = 99, "changed by a caller"
			return n
		}
		if confirmed() != 0 || confirmed() != 0 {
			t.Fatal("a caller's change reached the kept list")
		}
		if _, err := acts.Register(as(u), made[0].ID, 0); err != nil {
			t.Fatal(err)
		}
		if n := confirmed(); n != 1 {
			t.Fatalf("after a sign-up here the list says %d confirmed", n)
		}
		if err := otherActs.CancelRegistration(as(u), made[0].ID, 0); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(5 * time.Second)
		for confirmed() != 0 {
			if time.Now().After(deadline) {
				t.Fatal("another process's cancellation did not reach the list within 5 s")
			}
			time.Sleep(20 * time.Millisecond)
		}

		page, err := f.stations.Stations(context.Background(), guli.ListOptions{Limit: 1})
		if err != nil || len(page.Items) != 1 {
			t.Fatal(page, err)
		}
		page.Items[0].Name, page.Items[0].OpeningHours[time.Wednesday-1] = "changed by a caller", nil
		page, err = f.stations.Stations(context.Background(), guli.ListOptions{Limit: 1})
		if err != nil || page.Items[0].Name != "顾里小站" || len(page.Items[0].OpeningHours.On(time.Wednesday)) != 1 {
			t.Fatalf("a caller's change reached the kept stations: %+v %v", page.Items[0], err)
		}
		if _, err := f.stations.SetOpeningHours(system(), f.station.ID, map[string][]string{"thu": {"09:00-17:00"}}); err != nil {
			t.Fatal(err)
		}
		page, err = f.stations.Stations(context.Background(), guli.ListOptions{Limit: 1})
		if err != nil || len(page.Items[0].OpeningHours.On(time.Wednesday)) != 0 || len(page.Items[0].OpeningHours.On(time.Thursday)) != 1 {
			t.Fatalf("after new hours the list says %v (%v)", page.Items[0].OpeningHours, err)
		}
	})
}

// settled waits until db has heard all it will of its opening (the
// PostgreSQL listener's first connection lets go of everything kept) and
// of other handles' starts: until its data version holds for a while.
func settled(t *testing.T, db *sqlstore.DB) {
	t.Helper()
	ctx := context.Background()
	v := db.DataVersion(ctx)
	for deadline := time.Now().Add(10 * time.Second); ; v = db.DataVersion(ctx) {
		time.Sleep(400 * time.Millisecond)
		if db.DataVersion(ctx) == v {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the version never settled")
		}
	}
}

// A kept answer is let go by a write of a table it was read from, by this
// process or another, and kept across writes of other tables. The second
// half is seen on PostgreSQL, where a change made past the store is not
// heard of: on SQLite the poll of data_version takes any such change for
// a change of everything.
func TestKeptAnswersFollowTheirTables(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFixture(t, e)
		other := dbtest.OpenDSN(t, f.dsn) // another process, as far as f.db can tell
		ctx := context.Background()
		settled(t, f.db)
		name := func() string {
			t.Helper()
			st, err := f.stations.Station(ctx, f.station.ID)
			if err != nil {
				t.Fatal(err)
			}
			return st.Name
		}
		rename := func(to string) {
			t.Helper()
			if err := sqlstore.ExecUnseen(ctx, f.db, "UPDATE stations SET name = ? WHERE id = ?", to, f.station.ID); err != nil {
				t.Fatal(err)
			}
		}
		name()
		rename("暗改一")
		if e.Name == "postgres" {
			if got := name(); got != "顾里小站" {
				t.Fatalf("the station was not kept: %s", got)
			}
			f.register(t, "新来的", "13700007070") // users, sessions: not stations
			if got := name(); got != "顾里小站" {
				t.Fatalf("a new account let go of the kept station: %s", got)
			}
		}
		if _, err := f.stations.SetOpeningHours(system(), f.station.ID, map[string][]string{"thu": {"09:00-17:00"}}); err != nil {
			t.Fatal(err)
		}
		if got := name(); got != "暗改一" {
			t.Fatalf("after a write of stations here the station reads %s", got)
		}

		rename("暗改二")
		if e.Name == "postgres" {
			if _, err := sqlstore.NewAccounts(other, nil).Register(ctx, guli.RegisterInput{Name: "别处来的", Phone: "13700007071", Password: "secret-123", AreaID: f.areas[0].ID, BirthYear: 1950}); err != nil {
				t.Fatal(err)
			}
			time.Sleep(300 * time.Millisecond) // the notification arrives
			if got := name(); got != "暗改一" {
				t.Fatalf("another process's new account let go of the kept station: %s", got)
			}
		}
		if _, err := sqlstore.NewStations(other).SetOpeningHours(system(), f.station.ID, map[string][]string{"fri": {"09:00-17:00"}}); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(5 * time.Second)
		for name() != "暗改二" {
			if time.Now().After(deadline) {
				t.Fatal("another process's write of stations did not let go of the kept station within 5 s")
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
}

// A station's kept list of activities is let go by a sign-up at that
// station, by this process or another, and kept across sign-ups at other
// stations. As above, the keeping is seen on PostgreSQL.
func TestKeptListsOfAStationFollowItsWrites(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFixture(t, e)
		other := dbtest.OpenDSN(t, f.dsn) // another process, as far as f.db can tell
		ctx := context.Background()
		there, err := f.stations.CreateStation(system(), guli.StationInput{Name: "菊泉小站", OpeningHours: map[string][]string{"wed": {"09:00-17:00"}}})
		if err != nil {
			t.Fatal(err)
		}
		acts, otherActs := sqlstore.NewActivities(f.db), sqlstore.NewActivities(other)
		start := time.Now().Add(48 * time.Hour).Truncate(time.Hour)
		made := map[guli.ID]*guli.Activity{}
		for _, st := range []guli.ID{f.station.ID, there.ID} {
			list, err := acts.CreateActivities(system(), guli.ActivityInput{StationID: st, Title: "太极拳", Category: "class",
				Start: start, End: start.Add(time.Hour), Capacity: 10})
			if err != nil {
				t.Fatal(err)
			}
			made[st] = list[0]
		}
		title := func() string {
			t.Helper()
			page, err := acts.Activities(ctx, guli.ActivityFilter{StationID: f.station.ID, From: start.Add(-time.Hour), To: start.Add(time.Hour)}, guli.ListOptions{})
			if err != nil || len(page.Items) != 1 {
				t.Fatalf("list: %v %v", page.Items, err)
			}
			return page.Items[0].Title
		}
		retitle := func(to string) {
			t.Helper()
			if err := sqlstore.ExecUnseen(ctx, f.db, "UPDATE activities SET title = ? WHERE id = ?", to, made[f.station.ID].ID); err != nil {
				t.Fatal(err)
			}
		}
		a, b := f.register(t, "甲", "13700008080"), f.register(t, "乙", "13700008081")
		settled(t, f.db)
		title()
		retitle("暗改一")
		if e.Name == "postgres" {
			if _, err := acts.Register(as(a), made[there.ID].ID, 0); err != nil {
				t.Fatal(err)
			}
			if got := title(); got != "太极拳" {
				t.Fatalf("a sign-up at another station let go of this station's list: %s", got)
			}
		}
		if _, err := acts.Register(as(a), made[f.station.ID].ID, 0); err != nil {
			t.Fatal(err)
		}
		if got := title(); got != "暗改一" {
			t.Fatalf("after a sign-up at the station its list reads %s", got)
		}

		retitle("暗改二")
		if e.Name == "postgres" {
			if _, err := otherActs.Register(as(b), made[there.ID].ID, 0); err != nil {
				t.Fatal(err)
			}
			time.Sleep(300 * time.Millisecond) // the notification arrives
			if got := title(); got != "暗改一" {
				t.Fatalf("another process's sign-up at another station let go of this station's list: %s", got)
			}
		}
		if _, err := otherActs.Register(as(b), made[f.station.ID].ID, 0); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(5 * time.Second)
		for title() != "暗改二" {
			if time.Now().After(deadline) {
				t.Fatal("another process's sign-up at the station did not let go of its list within 5 s")
			}
			time.Sleep(20 * time.Millisecond)
		}
		// A write of the table not said to be of a station lets go of
		// every station's reading of it.
		retitle("暗改三")
		if err := sqlstore.Exec(ctx, f.db, "UPDATE activities SET description = 'x' WHERE id = ?", made[there.ID].ID); err != nil {
			t.Fatal(err)
		}
		if got := title(); got != "暗改三" {
			t.Fatalf("after a write of activities not said to be of a station the list reads %s", got)
		}
	})
}

// A kept answer read in one read transaction reads, after its first
// statement, the data as it was then: a commit in between must not let
// it be kept as current, though the counter of the table it reads next
// already says the commit is there.
func TestAKeptSnapshotIsNotNewerThanItsData(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFixture(t, e)
		ctx := context.Background()
		key := t.Name()
		first, err := sqlstore.SnapshotRead(ctx, f.db, key, func() {
			if _, err := f.stations.CreateArea(system(), f.station.ID, guli.AreaInput{Name: "陈行", Committee: "陈行居委会"}); err != nil {
				t.Error(err)
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		if first[1] != 2 {
			t.Fatalf("the snapshot read %d areas, not the two before the new one", first[1])
		}
		again, err := sqlstore.SnapshotRead(ctx, f.db, key, nil)
		if err != nil {
			t.Fatal(err)
		}
		if again[1] != 3 {
			t.Fatalf("read again after the new area: %d areas, the answer of the older snapshot kept", again[1])
		}
	})
}

// MyRegistrations marks a list: the reader's live places on activities
// starting in the window, with their place in the queue, and nobody else's.
func TestMyRegistrationsMarkOnlyMineInTheWindow(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFixture(t, e)
		acts := sqlstore.NewActivities(f.db)
		me, other := f.register(t, "看课表的人", "13700006060"), f.register(t, "别人", "13700006061")
		start := time.Now().Add(48 * time.Hour).Truncate(time.Hour)
		made, err := acts.CreateActivities(system(), guli.ActivityInput{StationID: f.station.ID, Title: "书法", Category: "class",
			Start: start, End: start.Add(time.Hour), Capacity: 1,
			Repeat: &guli.Repeat{WeeklyCount: 3}})
		if err != nil {
			t.Fatal(err)
		}
		must := func(_ *guli.Registration, err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		must(acts.Register(as(other), made[0].ID, 0)) // other takes the one place
		must(acts.Register(as(me), made[0].ID, 0))    // so I wait, first in the queue
		must(acts.Register(as(me), made[1].ID, 0))    // confirmed, a week later
		must(acts.Register(as(me), made[2].ID, 0))    // then given up
		if err := acts.CancelRegistration(as(me), made[2].ID, 0); err != nil {
			t.Fatal(err)
		}
		mine, err := acts.MyRegistrations(as(me), start.Add(-time.Hour), start.AddDate(0, 0, 21))
		if err != nil {
			t.Fatal(err)
		}
		if len(mine) != 2 || mine[made[0].ID].Status != guli.RegWaitlisted || mine[made[0].ID].Position != 1 ||
			mine[made[1].ID].Status != guli.RegConfirmed || mine[made[2].ID] != nil {
			t.Fatalf("mine: %+v", mine)
		}
		if mine, err = acts.MyRegistrations(as(me), start.Add(time.Hour), start.AddDate(0, 0, 7)); err != nil || len(mine) != 0 {
			t.Fatalf("outside the window: %+v %v", mine, err)
		}
		if _, err := acts.MyRegistrations(context.Background(), start, start.AddDate(0, 0, 21)); code(err) != guli.ECUnauthenticated {
			t.Fatalf("signed out: %v", err)
		}
	})
}

// RegistrationsOf marks a list with a dependent's places for their
// guardian, under an active link only: not for a stranger, not under a
// link waiting for an answer, and not once the link has ended, at once
// (the guardian's dependents, kept, are let go by the end too).
func TestRegistrationsOfADependent(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFixture(t, e)
		acts, fams := sqlstore.NewActivities(f.db), sqlstore.NewFamilies(f.db)
		guardian, stranger, mother := f.register(t, "家长", "13700006070"), f.register(t, "路人", "13700006071"), f.register(t, "妈妈", "13700006072")
		start := time.Now().Add(48 * time.Hour).Truncate(time.Hour)
		made, err := acts.CreateActivities(system(), guli.ActivityInput{StationID: f.station.ID, Title: "少儿书法", Category: "class",
			Start: start, End: start.Add(time.Hour), MinAge: 6, MaxAge: 12})
		if err != nil {
			t.Fatal(err)
		}
		child, err := fams.AddDependent(as(guardian), guli.DependentInput{Name: "小明", BirthYear: start.Year() - 8, Relation: guli.RelationChild})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := acts.Register(as(guardian), made[0].ID, child.DependentID); err != nil {
			t.Fatal(err)
		}
		window := func(ctx context.Context, who guli.ID) (map[guli.ID]*guli.Registration, error) {
			return acts.RegistrationsOf(ctx, who, start.Add(-time.Hour), start.Add(time.Hour))
		}
		if got, err := window(as(guardian), child.DependentID); err != nil || len(got) != 1 || got[made[0].ID].UserID != child.DependentID {
			t.Fatalf("the guardian reads the child's places: %+v %v", got, err)
		}
		if got, err := window(as(guardian), guardian.ID); err != nil || len(got) != 0 {
			t.Fatalf("the guardian's own places: %+v %v", got, err)
		}
		if _, err := window(as(stranger), child.DependentID); code(err) != guli.ECNotFound {
			t.Fatalf("a stranger: %v", err)
		}
		pending, err := fams.RequestLink(as(guardian), mother.Phone)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := window(as(guardian), mother.ID); code(err) != guli.ECNotFound {
			t.Fatalf("under a waiting link: %v", err)
		}
		deps, err := fams.Dependents(as(guardian))
		if err != nil || len(deps) != 2 || len(guli.Actable(guardian, deps)) != 1 {
			t.Fatalf("dependents: %+v %v", deps, err)
		}
		if _, err := fams.AcceptLink(as(mother), pending.ID); err != nil {
			t.Fatal(err)
		}
		if deps, _ := fams.Dependents(as(guardian)); len(guli.Actable(guardian, deps)) != 2 {
			t.Fatalf("once accepted, the kept dependents: %+v", deps)
		}
		if err := fams.EndLink(as(guardian), child.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := window(as(guardian), child.DependentID); code(err) != guli.ECNotFound {
			t.Fatalf("once ended: %v", err)
		}
		if deps, _ := fams.Dependents(as(guardian)); len(deps) != 1 || deps[0].DependentID != mother.ID {
			t.Fatalf("once ended, the kept dependents: %+v", deps)
		}
		if _, err := acts.RegistrationsOf(context.Background(), guardian.ID, start, start); code(err) != guli.ECUnauthenticated {
			t.Fatalf("signed out: %v", err)
		}
	})
}

// A session, a count of unread notices and a reader's places are kept
// while the data version holds: signing out, a notice and a read show at
// once here and within the poll from another process, and a session
// ends on time with nothing written.
func TestKeptPersonalAnswersFollowWrites(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		clk := newClock()
		f := newFixtureWith(t, e, sqlstore.Options{Now: clk.Now})
		other := dbtest.OpenWith(t, f.dsn, sqlstore.Options{Now: clk.Now}) // another process
		ctx := context.Background()
		eventually := func(what string, ok func() bool) {
			t.Helper()
			for deadline := time.Now().Add(5 * time.Second); !ok(); time.Sleep(20 * time.Millisecond) {
				if time.Now().After(deadline) {
					t.Fatalf("%s not seen within 5 s", what)
				}
			}
		}

		// Sessions.
		f.register(t, "常登录的人", "13700007070")
		first, err := login(f, "13700007070", "secret-123", "10.0.0.1", "")
		if err != nil {
			t.Fatal(err)
		}
		u, err := f.accounts.Authenticate(ctx, first.Token)
		if err != nil {
			t.Fatal(err)
		}
		u.Name, u.Roles = "changed by a caller", append(u.Roles, guli.RoleAdmin)
		if u, err := f.accounts.Authenticate(ctx, first.Token); err != nil || u.Name != "常登录的人" || u.Has(guli.RoleAdmin) {
			t.Fatalf("a caller's change reached the kept session: %+v %v", u, err)
		}
		if err := sqlstore.NewAccounts(other, nil).Logout(ctx, first.Token); err != nil {
			t.Fatal(err)
		}
		eventually("a sign-out in another process", func() bool {
			_, err := f.accounts.Authenticate(ctx, first.Token)
			return code(err) == guli.ECUnauthenticated
		})
		second, err := login(f, "13700007070", "secret-123", "10.0.0.1", "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.accounts.Authenticate(ctx, second.Token); err != nil {
			t.Fatal(err)
		}
		clk.Add(31 * 24 * time.Hour)
		if _, err := f.accounts.Authenticate(ctx, second.Token); code(err) != guli.ECUnauthenticated {
			t.Fatalf("a kept session outlived its end: %v", err)
		}
		clk.Add(-31 * 24 * time.Hour)

		// Unread notices and places: A holds the one place, B waits; A
		// gives it up in another process, so B is confirmed and told.
		acts, notes := sqlstore.NewActivities(f.db), sqlstore.NewNotifications(f.db)
		a, b := f.register(t, "甲", "13700007071"), f.register(t, "乙", "13700007072")
		start := clk.Now().Add(48 * time.Hour).Truncate(time.Hour)
		made, err := acts.CreateActivities(system(), guli.ActivityInput{StationID: f.station.ID, Title: "合唱", Category: "class",
			Start: start, End: start.Add(time.Hour), Capacity: 1})
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range []*guli.User{a, b} {
			if _, err := acts.Register(as(u), made[0].ID, 0); err != nil {
				t.Fatal(err)
			}
		}
		window := func() map[guli.ID]*guli.Registration {
			mine, err := acts.MyRegistrations(as(b), start.Add(-time.Hour), start.Add(time.Hour))
			if err != nil {
				t.Fatal(err)
			}
			return mine
		}
		unread := func() int {
			n, err := notes.UnreadCount(as(b))
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		if window()[made[0].ID].Status != guli.RegWaitlisted || unread() != 0 {
			t.Fatal("before: B should wait, with nothing unread")
		}
		window()[made[0].ID].Status = "changed by a caller"
		if window()[made[0].ID].Status != guli.RegWaitlisted {
			t.Fatal("a caller's change reached the kept places")
		}
		if err := sqlstore.NewActivities(other).CancelRegistration(as(a), made[0].ID, 0); err != nil {
			t.Fatal(err)
		}
		eventually("B's place and notice after A gave up in another process", func() bool {
			return window()[made[0].ID].Status == guli.RegConfirmed && unread() == 1
		})
		page, err := notes.Notifications(as(b), guli.ListOptions{})
		if err != nil || len(page.Items) != 1 {
			t.Fatal(page, err)
		}
		if err := notes.MarkRead(as(b), []guli.ID{page.Items[0].ID}); err != nil {
			t.Fatal(err)
		}
		if n := unread(); n != 0 {
			t.Fatalf("after reading, %d unread", n)
		}
	})
}

// A write of this process moves the data version once, not again when
// the poll sees it; a look at a resident's record (audited, nothing else)
// does not move it at all. (On SQLite another process's look does: what
// another process commits is told by data_version alone, which cannot say
// what was written.)
func TestOwnWritesCountOnce(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFixture(t, e)
		other := dbtest.OpenDSN(t, f.dsn)
		ctx := context.Background()
		staff := f.user(t, "社工", "13800000001", guli.RoleStaff)
		resident := f.register(t, "被查看的人", "13700009090")
		settle := func() uint64 {
			time.Sleep(400 * time.Millisecond) // past the poll, and notifications
			return f.db.DataVersion(ctx)
		}
		settled(t, f.db) // the listener's first connection, the other handle's start
		v := f.db.DataVersion(ctx)
		if _, err := f.stations.SetOpeningHours(system(), f.station.ID, map[string][]string{"thu": {"09:00-17:00"}}); err != nil {
			t.Fatal(err)
		}
		after := f.db.DataVersion(ctx)
		if after == v {
			t.Fatal("a write did not move the version")
		}
		if settle() != after {
			t.Fatal("a write of this process was counted again")
		}
		v = after
		lookers := []*sqlstore.DB{f.db}
		if e.Name == "postgres" {
			lookers = append(lookers, other)
		}
		for _, db := range lookers {
			if _, err := sqlstore.NewAccounts(db, nil).User(as(staff), resident.ID); err != nil {
				t.Fatal(err)
			}
		}
		if settle() != v {
			t.Fatal("an audited look moved the version")
		}
	})
}
