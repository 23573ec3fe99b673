package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"guli"
	"guli/internal/dbtest"
	"guli/sqlstore"
)

func TestMigrationsHaveTheSameStepsOnBothEngines(t *testing.T) {
	lite, err := sqlstore.MigrationSteps("sqlite")
	if err != nil {
		t.Fatal(err)
	}
	pg, err := sqlstore.MigrationSteps("postgres")
	if err != nil {
		t.Fatal(err)
	}
	if len(lite) == 0 || !slices.Equal(lite, pg) {
		t.Fatalf("sqlite steps %v, postgres steps %v", lite, pg)
	}
}

func TestMigrateTwiceIsHarmless(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		db := e.Open(t)
		if err := db.Migrate(context.Background()); err != nil {
			t.Fatal(err)
		}
		if db.Engine() != e.Name {
			t.Fatalf("engine %q, want %q", db.Engine(), e.Name)
		}
	})
}

// fixture is a station with two areas, ready for accounts.
type fixture struct {
	db       *sqlstore.DB
	accounts *sqlstore.Accounts
	stations *sqlstore.Stations
	station  *guli.Station
	areas    []*guli.Area
}

func newFixture(t *testing.T, e dbtest.Engine) *fixture {
	t.Helper()
	return newFixtureWith(t, e, sqlstore.Options{})
}

// newFixtureWith is newFixture on a database opened with opts.
func newFixtureWith(t *testing.T, e dbtest.Engine, opts sqlstore.Options) *fixture {
	t.Helper()
	db := dbtest.OpenWith(t, e.DSN(t), opts)
	f := &fixture{db: db, accounts: sqlstore.NewAccounts(db, nil), stations: sqlstore.NewStations(db)}
	ctx := system()
	st, err := f.stations.CreateStation(ctx, guli.StationInput{
		Name: "顾里小站", Address: "宝山区顾村镇馨清佳苑", OpenedOn: "2023-02-10",
		OpeningHours: map[string][]string{"wed": {"09:00-17:00"}, "sun": {"09:00-11:30", "13:30-17:00"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	f.station = st
	for _, name := range []string{"馨清佳苑", "菊泉新城"} {
		a, err := f.stations.CreateArea(ctx, st.ID, guli.AreaInput{Name: name, Committee: name + "居委会"})
		if err != nil {
			t.Fatal(err)
		}
		f.areas = append(f.areas, a)
	}
	return f
}

func system() context.Context {
	return guli.NewContextWithUser(context.Background(), guli.SystemUser)
}

func as(u *guli.User) context.Context { return guli.NewContextWithUser(context.Background(), u) }

func (f *fixture) register(t *testing.T, name, phone string) *guli.User {
	t.Helper()
	u, err := f.accounts.Register(context.Background(), guli.RegisterInput{
		Name: name, Phone: phone, Password: "secret-123", AreaID: f.areas[0].ID, BirthYear: 1950,
	})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func (f *fixture) user(t *testing.T, name, phone string, roles ...guli.Role) *guli.User {
	t.Helper()
	u, err := f.accounts.CreateUser(system(), guli.NewUserInput{Name: name, Phone: phone, Password: "secret-123", Roles: roles})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// outcomes runs f(i) for i in [0, n) at once and counts the error codes
// ("" for success).
func outcomes(n int, f func(i int) error) map[string]int {
	codes := make(chan string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes <- code(f(i))
		}()
	}
	wg.Wait()
	close(codes)
	counts := map[string]int{}
	for c := range codes {
		counts[c]++
	}
	return counts
}

func code(err error) string {
	if err == nil {
		return ""
	}
	return guli.ErrorCode(err)
}

func TestRegisterAndLogin(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFixture(t, e)
		ctx := context.Background()
		u := f.register(t, " 程秀英 ", "138 0013 8000")
		if u.Name != "程秀英" || u.Phone != "13800138000" || !slices.Equal(u.Roles, []guli.Role{guli.RoleResident}) || u.AreaID != f.areas[0].ID {
			t.Fatalf("registered %+v", u)
		}

		_, err := f.accounts.Register(ctx, guli.RegisterInput{Name: "别人", Phone: "13800138000", Password: "another-secret-1", AreaID: f.areas[0].ID})
		if code(err) != guli.ECPhoneTaken {
			t.Fatalf("second registration: %v, want phone_taken", err)
		}

		sess, err := f.accounts.Login(ctx, guli.LoginInput{Phone: "13800138000", Password: "secret-123", ClientAddr: "10.0.0.1"})
		if err != nil {
			t.Fatal(err)
		}
		got, err := f.accounts.Authenticate(ctx, sess.Token)
		if err != nil || got.ID != u.ID {
			t.Fatalf("Authenticate = %v, %v", got, err)
		}
		if err := f.accounts.Logout(ctx, sess.Token); err != nil {
			t.Fatal(err)
		}
		if _, err := f.accounts.Authenticate(ctx, sess.Token); code(err) != guli.ECUnauthenticated {
			t.Fatalf("token after logout: %v", err)
		}
		if _, err := f.accounts.Login(ctx, guli.LoginInput{Phone: "13800138000", Password: "wrong-password", ClientAddr: "10.0.0.1"}); code(err) != guli.ECInvalidCredentials {
			t.Fatalf("wrong password: %v", err)
		}
		if _, err := f.accounts.Login(ctx, guli.LoginInput{Phone: "13900000000", Password: "whatever1", ClientAddr: "10.0.0.1"}); code(err) != guli.ECInvalidCredentials {
			t.Fatalf("unknown phone: %v", err)
		}
	})
}

func TestRegisterValidation(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFixture(t, e)
		ok := guli.RegisterInput{Name: "谢墨林", Phone: "13987654321", Password: "longenough", AreaID: f.areas[0].ID}
		weak := guli.ECWeakPassword
		tests := []struct {
			name   string
			change func(*guli.RegisterInput)
			code   string
			field  string
			reason string
		}{
			{"no name", func(in *guli.RegisterInput) { in.Name = "  " }, guli.ECValidation, "name", guli.FRRequired},
			{"long name", func(in *guli.RegisterInput) { in.Name = string(make([]rune, 51)) }, guli.ECValidation, "name", guli.FRTooLong},
			{"landline", func(in *guli.RegisterInput) { in.Phone = "02112345678" }, guli.ECValidation, "phone", guli.FRInvalidPhone},
			{"short phone", func(in *guli.RegisterInput) { in.Phone = "1381234" }, guli.ECValidation, "phone", guli.FRInvalidPhone},
			{"no password", func(in *guli.RegisterInput) { in.Password = "" }, guli.ECValidation, "password", guli.FRRequired},
			{"short password", func(in *guli.RegisterInput) { in.Password = "1234567" }, weak, "password", guli.FRPasswordShort},
			{"12345678", func(in *guli.RegisterInput) { in.Password = "12345678" }, weak, "password", guli.FRPasswordCommon},
			{"eight spaces", func(in *guli.RegisterInput) { in.Password = "        " }, weak, "password", guli.FRPasswordOneChar},
			{"aaaaaaaa", func(in *guli.RegisterInput) { in.Password = "aaaaaaaa" }, weak, "password", guli.FRPasswordOneChar},
			{"password", func(in *guli.RegisterInput) { in.Password = "password" }, weak, "password", guli.FRPasswordCommon},
			{"the phone number", func(in *guli.RegisterInput) { in.Password = "13987654321" }, weak, "password", guli.FRPasswordIsPhone},
			{"no area", func(in *guli.RegisterInput) { in.AreaID = 0 }, guli.ECValidation, "area_id", guli.FRRequired},
			{"unknown area", func(in *guli.RegisterInput) { in.AreaID = 999999 }, guli.ECValidation, "area_id", guli.FRUnknownArea},
			{"malformed area", func(in *guli.RegisterInput) { in.AreaID = guli.NoID }, guli.ECValidation, "area_id", guli.FRUnknownArea},
			{"born 1800", func(in *guli.RegisterInput) { in.BirthYear = 1800 }, guli.ECValidation, "birth_year", guli.FROutOfRange},
			{"born next year", func(in *guli.RegisterInput) { in.BirthYear = time.Now().Year() + 1 }, guli.ECValidation, "birth_year", guli.FROutOfRange},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				in := ok
				tt.change(&in)
				_, err := f.accounts.Register(context.Background(), in)
				var ge *guli.Error
				if !errors.As(err, &ge) || ge.Code != tt.code || ge.Fields[tt.field] != tt.reason {
					t.Fatalf("err = %v, want %s with %s: %s", err, tt.code, tt.field, tt.reason)
				}
			})
		}
	})
}

func TestLoginThrottling(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFixture(t, e)
		ctx := context.Background()
		f.register(t, "汪雅琴", "13700001111")
		// Concurrent wrong guesses: exactly the limit get through to the password check.
		counts := outcomes(20, func(i int) error {
			_, err := f.accounts.Login(ctx, guli.LoginInput{Phone: "13700001111", Password: fmt.Sprintf("guess-%02d", i), ClientAddr: fmt.Sprintf("10.0.1.%d", i)})
			return err
		})
		if counts[guli.ECInvalidCredentials] != 5 || counts[guli.ECRateLimited] != 15 {
			t.Fatalf("outcomes %v, want 5 invalid_credentials and 15 rate_limited", counts)
		}
		_, err := f.accounts.Login(ctx, guli.LoginInput{Phone: "13700001111", Password: "secret-123", ClientAddr: "10.0.2.1"})
		var ge *guli.Error
		if !errors.As(err, &ge) || ge.Code != guli.ECRateLimited || ge.RetryAfter <= 0 || ge.RetryAfter > 15*time.Minute {
			t.Fatalf("right password while throttled: %v", err)
		}
	})
}

func TestSuccessfulLoginsAreNotThrottled(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFixture(t, e)
		ctx := context.Background()
		f.register(t, "孙老师", "13700002222")
		for i := range 40 {
			if _, err := f.accounts.Login(ctx, guli.LoginInput{Phone: "13700002222", Password: "secret-123", ClientAddr: "192.168.1.10"}); err != nil {
				t.Fatalf("login %d from a busy desk: %v", i, err)
			}
		}
		// Failures from one address across many numbers are throttled.
		var last error
		for i := range 31 {
			_, last = f.accounts.Login(ctx, guli.LoginInput{Phone: fmt.Sprintf("1360000%04d", i), Password: "guess-guess", ClientAddr: "203.0.113.9"})
		}
		if code(last) != guli.ECRateLimited {
			t.Fatalf("31st failure from one address: %v, want rate_limited", last)
		}
	})
}

func TestRolesGrantRules(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFixture(t, e)
		staff := f.user(t, "社工小顾", "13800000001", guli.RoleStaff)
		admin := f.user(t, "管理员", "13800000002", guli.RoleAdmin)
		resident := f.register(t, "陆老师", "13800000003")
		tests := []struct {
			name  string
			actor *guli.User
			roles []guli.Role
			want  string
		}{
			{"staff grants volunteer", staff, []guli.Role{guli.RoleResident, guli.RoleVolunteer}, ""},
			{"staff grants talent", staff, []guli.Role{guli.RoleResident, guli.RoleVolunteer, guli.RoleTalent}, ""},
			{"staff cannot grant staff", staff, []guli.Role{guli.RoleResident, guli.RoleStaff}, guli.ECForbidden},
			{"staff cannot grant admin", staff, []guli.Role{guli.RoleAdmin}, guli.ECForbidden},
			{"resident cannot grant", resident, []guli.Role{guli.RoleResident, guli.RoleVolunteer}, guli.ECForbidden},
			{"unknown role", staff, []guli.Role{"mayor"}, guli.ECValidation},
			{"no roles", staff, []guli.Role{}, guli.ECValidation},
			{"admin grants staff", admin, []guli.Role{guli.RoleResident, guli.RoleStaff}, ""},
			{"staff cannot take staff away", staff, []guli.Role{guli.RoleResident}, guli.ECForbidden},
			{"admin takes staff away", admin, []guli.Role{guli.RoleResident}, ""},
		}
		for _, tt := range tests {
			u, err := f.accounts.SetRoles(as(tt.actor), resident.ID, guli.RolesInput{Roles: tt.roles})
			if code(err) != tt.want {
				t.Fatalf("%s: err %v, want %q", tt.name, err, tt.want)
			}
			if err == nil && !slices.Equal(u.Roles, guli.SortRoles(tt.roles)) {
				t.Fatalf("%s: roles %v", tt.name, u.Roles)
			}
		}
		if _, err := f.accounts.SetRoles(as(staff), 424242, guli.RolesInput{Roles: []guli.Role{guli.RoleResident}}); code(err) != guli.ECNotFound {
			t.Fatalf("unknown user: %v", err)
		}
	})
}

func TestStaffKeptAccountsAndSearch(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFixture(t, e)
		staff := f.user(t, "社工小顾", "13800000001", guli.RoleStaff)
		resident := f.register(t, "谢墨林", "13800000004")
		kept, err := f.accounts.CreateUser(as(staff), guli.NewUserInput{Name: "张阿婆", AreaID: f.areas[1].ID, BirthYear: 1941})
		if err != nil {
			t.Fatal(err)
		}
		if kept.Phone != "" || kept.HasPassword || !slices.Equal(kept.Roles, []guli.Role{guli.RoleResident}) {
			t.Fatalf("kept account %+v", kept)
		}
		if _, err := f.accounts.CreateUser(as(staff), guli.NewUserInput{Name: "李阿公"}); code(err) != guli.ECValidation {
			t.Fatalf("kept account without area: %v", err)
		}
		if _, err := f.accounts.CreateUser(as(staff), guli.NewUserInput{Name: "李阿公", AreaID: f.areas[0].ID, Roles: []guli.Role{"king"}}); code(err) != guli.ECValidation {
			t.Fatalf("kept account with an unknown role: %v", err)
		}
		if _, err := f.accounts.CreateUser(as(staff), guli.NewUserInput{Name: "李阿公", AreaID: f.areas[0].ID, Roles: []guli.Role{guli.RoleStaff}}); code(err) != guli.ECForbidden {
			t.Fatalf("staff creating a staff account: %v", err)
		}
		if _, err := f.accounts.CreateUser(as(resident), guli.NewUserInput{Name: "李阿公", AreaID: f.areas[0].ID}); code(err) != guli.ECForbidden {
			t.Fatalf("resident creating accounts: %v", err)
		}
		page, err := f.accounts.FindUsers(as(staff), "阿婆", guli.ListOptions{})
		if err != nil || len(page.Items) != 1 || page.Items[0].ID != kept.ID {
			t.Fatalf("search 阿婆: %v, %v", page.Items, err)
		}
		page, err = f.accounts.FindUsers(as(staff), "1380000000", guli.ListOptions{})
		if err != nil || len(page.Items) != 2 {
			t.Fatalf("search by phone prefix: %d items, %v", len(page.Items), err)
		}
		if _, err := f.accounts.FindUsers(as(resident), "", guli.ListOptions{}); code(err) != guli.ECForbidden {
			t.Fatalf("resident searching: %v", err)
		}
		// "%" is a literal, not a wildcard.
		page, err = f.accounts.FindUsers(as(staff), "%", guli.ListOptions{})
		if err != nil || len(page.Items) != 0 {
			t.Fatalf("search %%: %v, %v", page.Items, err)
		}
	})
}

func TestPagination(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFixture(t, e)
		staff := f.user(t, "社工小顾", "13800000001", guli.RoleStaff)
		for i := range 7 {
			if _, err := f.accounts.CreateUser(system(), guli.NewUserInput{Name: fmt.Sprintf("居民%d", i), AreaID: f.areas[i%2].ID}); err != nil {
				t.Fatal(err)
			}
		}
		var seen []guli.ID
		cursor := ""
		for pages := 0; ; pages++ {
			page, err := f.accounts.FindUsers(as(staff), "", guli.ListOptions{Limit: 3, Cursor: cursor})
			if err != nil {
				t.Fatal(err)
			}
			for _, u := range page.Items {
				seen = append(seen, u.ID)
			}
			if page.NextCursor == "" {
				break
			}
			if pages > 5 {
				t.Fatal("pagination does not end")
			}
			cursor = page.NextCursor
		}
		if len(seen) != 8 || !slices.IsSorted(seen) {
			t.Fatalf("paged through %v", seen)
		}
		if _, err := f.accounts.FindUsers(as(staff), "", guli.ListOptions{Cursor: "!!not-a-cursor"}); code(err) != guli.ECValidation {
			t.Fatalf("bad cursor: %v", err)
		}
	})
}

func TestUpdateMeAndVolunteerProfile(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFixture(t, e)
		u := f.register(t, "程秀英", "13800138001")
		name, year := "储老师", 1952
		got, err := f.accounts.UpdateMe(as(u), guli.UpdateMeInput{Name: &name, BirthYear: &year,
			EmergencyContact: &guli.EmergencyContact{Name: "女儿", Phone: "139-0000-1111"}})
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != name || got.BirthYear != year || got.EmergencyContact == nil || got.EmergencyContact.Phone != "13900001111" {
			t.Fatalf("updated %+v", got)
		}
		got, err = f.accounts.UpdateMe(as(u), guli.UpdateMeInput{ClearEmergencyContact: true})
		if err != nil || got.EmergencyContact != nil {
			t.Fatalf("cleared contact: %+v, %v", got, err)
		}
		if _, err := f.accounts.UpdateMe(as(u), guli.UpdateMeInput{EmergencyContact: &guli.EmergencyContact{Name: "女儿", Phone: "110"}}); code(err) != guli.ECValidation {
			t.Fatalf("bad contact phone: %v", err)
		}

		in := guli.VolunteerProfileInput{Skills: []string{"tech", "errand"}, AreaIDs: []guli.ID{f.areas[0].ID},
			Availability: map[string][]string{"sat": {"09:00-12:00"}}}
		if _, err := f.accounts.SetVolunteerProfile(as(u), in); code(err) != guli.ECForbidden {
			t.Fatalf("resident saving a volunteer profile: %v", err)
		}
		vol := f.user(t, "上大学生", "13800138002", guli.RoleResident, guli.RoleVolunteer)
		if _, err := f.accounts.SetVolunteerProfile(as(vol), in); err != nil {
			t.Fatal(err)
		}
		vp, err := f.accounts.VolunteerProfile(as(vol), vol.ID)
		if err != nil || !slices.Equal(vp.Skills, in.Skills) || len(vp.Availability.On(time.Saturday)) != 1 {
			t.Fatalf("profile %+v, %v", vp, err)
		}
		bad := in
		bad.Skills = []string{"flying"}
		if _, err := f.accounts.SetVolunteerProfile(as(vol), bad); code(err) != guli.ECValidation {
			t.Fatalf("unknown skill: %v", err)
		}
		bad = in
		bad.AreaIDs = []guli.ID{987654}
		if _, err := f.accounts.SetVolunteerProfile(as(vol), bad); code(err) != guli.ECValidation {
			t.Fatalf("unknown area: %v", err)
		}
	})
}

func TestStations(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFixture(t, e)
		ctx := context.Background()
		st, err := f.stations.Station(ctx, f.station.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(st.Areas) != 2 || st.Timezone != "Asia/Shanghai" || st.OpenedOn != "2023-02-10" {
			t.Fatalf("station %+v", st)
		}
		if got := st.OpeningHours.On(time.Sunday); len(got) != 2 || got[1].String() != "13:30-17:00" {
			t.Fatalf("sunday hours %v", got)
		}
		staff := f.user(t, "社工小顾", "13800000001", guli.RoleStaff)
		if _, err := f.stations.CreateRoom(as(staff), st.ID, guli.RoomInput{Name: "活动室", Capacity: 30}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.stations.CreateRoom(as(staff), 99999, guli.RoomInput{Name: "活动室"}); code(err) != guli.ECNotFound {
			t.Fatalf("room in unknown station: %v", err)
		}
		if _, err := f.stations.CreateArea(as(staff), st.ID, guli.AreaInput{Name: "新区"}); code(err) != guli.ECForbidden {
			t.Fatalf("staff creating an area: %v", err)
		}
		if _, err := f.stations.SetOpeningHours(as(staff), st.ID, map[string][]string{"mon": {"17:00-09:00"}}); code(err) != guli.ECValidation {
			t.Fatalf("backwards hours: %v", err)
		}
		if _, err := f.stations.SetOpeningHours(as(staff), st.ID, map[string][]string{"mon": {"09:00-12:00", "11:00-13:00"}}); code(err) != guli.ECValidation {
			t.Fatalf("overlapping hours: %v", err)
		}
		st, err = f.stations.SetOpeningHours(as(staff), st.ID, map[string][]string{"sat": {"08:00-12:00"}})
		if err != nil || len(st.Rooms) != 1 || st.OpeningHours.OpenDays() != 1 {
			t.Fatalf("after new hours %+v, %v", st, err)
		}
		for _, in := range []guli.StationInput{
			{Name: "", OpeningHours: nil},
			{Name: "x", Timezone: "Mars/Olympus"},
			{Name: "x", OpenedOn: "2023-02-30"},
			{Name: "x", OpeningHours: map[string][]string{"funday": {"09:00-10:00"}}},
		} {
			if _, err := f.stations.CreateStation(system(), in); code(err) != guli.ECValidation {
				t.Errorf("CreateStation(%+v): %v", in, err)
			}
		}
		page, err := f.stations.Areas(ctx, guli.ListOptions{Limit: 1})
		if err != nil || len(page.Items) != 1 || page.NextCursor == "" {
			t.Fatalf("areas page %v %q %v", page.Items, page.NextCursor, err)
		}
	})
}

func TestCheckinCodeGuessesAreThrottledUnderConcurrency(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFixture(t, e)
		visits := sqlstore.NewVisits(f.db)
		u := f.register(t, "猜码的人", "13812340001")
		counts := outcomes(30, func(i int) error {
			_, err := visits.CheckIn(as(u), f.station.ID, fmt.Sprintf("x%05d", i))
			return err
		})
		if counts[guli.ECInvalidCode] != 10 || counts[guli.ECRateLimited] != 20 {
			t.Fatalf("30 parallel wrong codes: %v, want exactly 10 checked and 20 refused", counts)
		}
		// The right code is refused too while the person is throttled.
		staff := f.user(t, "社工小顾", "13800000001", guli.RoleStaff)
		c, err := visits.CheckinCode(as(staff), f.station.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := visits.CheckIn(as(u), f.station.ID, c.Code); code(err) != guli.ECRateLimited {
			t.Fatalf("right code while throttled: %v", err)
		}
		// Someone else checks in; success leaves no failure behind.
		other := f.register(t, "按时签到的人", "13812340002")
		for range 12 {
			if _, err := visits.CheckIn(as(other), f.station.ID, c.Code); err != nil {
				t.Fatalf("repeated right code: %v", err)
			}
		}
	})
}
