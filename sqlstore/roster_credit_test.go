package sqlstore_test

import (
	"fmt"
	"testing"
	"time"

	"guli"
	"guli/internal/dbtest"
	"guli/sqlstore"
)

// Crediting an activity's helpers: everyone checked in, or those named,
// each once however many staff press the button at once; the fund pays
// and the ledger adds up.
func TestCreditRoster(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFixture(t, e)
		acts, bank := sqlstore.NewActivities(f.db), sqlstore.NewTimeBank(f.db)
		var staff []*guli.User
		for i := range 4 {
			staff = append(staff, f.staff(t, "社工", fmt.Sprintf("1391111800%d", i)))
		}
		host := f.user(t, "谢老师", "13911118010", guli.RoleResident, guli.RoleTalent)
		elsewhere := &guli.User{ID: staff[0].ID + 1000, Roles: []guli.Role{guli.RoleStaff}, StaffStations: []guli.ID{f.station.ID + 1}}
		activity := func(start time.Time) guli.ID {
			t.Helper()
			made, err := acts.CreateActivities(system(), guli.ActivityInput{StationID: f.station.ID, Title: "重阳节敬老活动", Category: "event",
				Start: start, End: start.Add(2 * time.Hour), HostID: host.ID})
			if err != nil {
				t.Fatal(err)
			}
			return made[0].ID
		}
		past, future := activity(time.Now().Add(-72*time.Hour)), activity(time.Now().Add(72*time.Hour))
		var helpers []*guli.User
		for i := range 5 {
			u := f.register(t, "志愿者", fmt.Sprintf("1391111802%d", i))
			helpers = append(helpers, u)
			if i < 4 { // the fifth did not come
				if err := acts.CheckIn(as(staff[0]), past, u.ID); err != nil {
					t.Fatal(err)
				}
			}
		}
		credit := guli.RosterCreditInput{Minutes: 120, Memo: "敬老活动志愿服务"}
		for _, tt := range []struct {
			name  string
			actor *guli.User
			id    guli.ID
			in    guli.RosterCreditInput
			want  string
		}{
			{"before it begins", staff[0], future, credit, guli.ECNotStarted},
			{"by its host, who is no staff", host, past, credit, guli.ECForbidden},
			{"by staff of another station", elsewhere, past, credit, guli.ECNotFound},
			{"no such activity", staff[0], 999_999, credit, guli.ECNotFound},
			{"someone who did not come", staff[0], past, guli.RosterCreditInput{Minutes: 60, UserIDs: []guli.ID{helpers[4].ID}}, guli.ECValidation},
			{"no minutes", staff[0], past, guli.RosterCreditInput{}, guli.ECValidation},
		} {
			if _, err := bank.CreditRoster(as(tt.actor), tt.id, tt.in); code(err) != tt.want {
				t.Errorf("%s: %v, want %s", tt.name, err, tt.want)
			}
		}

		// Staff never credit themselves, by name or among everyone.
		if err := acts.CheckIn(as(staff[0]), past, staff[1].ID); err != nil {
			t.Fatal(err)
		}
		if _, err := bank.CreditRoster(as(staff[1]), past, guli.RosterCreditInput{Minutes: 60, UserIDs: []guli.ID{staff[1].ID}}); code(err) != guli.ECForbidden {
			t.Errorf("staff credited themselves: %v", err)
		}
		if _, err := bank.Credit(as(staff[1]), staff[1].ID, 60, ""); code(err) != guli.ECForbidden {
			t.Errorf("staff credited themselves directly: %v", err)
		}

		// Two named first, then everyone, by four staff at once.
		got, err := bank.CreditRoster(as(staff[0]), past, guli.RosterCreditInput{Minutes: 120, UserIDs: []guli.ID{helpers[1].ID, helpers[0].ID}})
		if err != nil || len(got) != 2 || !got[0].Credited || got[0].UserID != helpers[0].ID || got[0].BalanceMinutes != 120 {
			t.Fatalf("two named: %+v %v", got, err)
		}
		// One who came has closed their account since: not on the list.
		if _, err := sqlstore.NewServices(f.db).DataRights.CloseAccount(as(staff[0]), guli.CloseInput{UserID: helpers[3].ID}); err != nil {
			t.Fatal(err)
		}
		if _, err := bank.CreditRoster(as(staff[0]), past, guli.RosterCreditInput{Minutes: 60, UserIDs: []guli.ID{helpers[3].ID}}); code(err) != guli.ECValidation {
			t.Errorf("crediting a closed account by name: %v", err)
		}
		credited := make([]int, len(staff))
		if n := outcomes(len(staff), func(i int) error {
			got, err := bank.CreditRoster(as(staff[i]), past, credit)
			for _, c := range got {
				if c.Credited {
					credited[i]++
				}
			}
			return err
		}); n[""] != len(staff) {
			t.Fatalf("credits at once: %v", n)
		}
		total := 0
		for _, n := range credited {
			total += n
		}
		// The helper not yet credited whose account is open, and staff[1],
		// checked in, by the three others.
		if total != 2 {
			t.Errorf("the four at once credited %d people, want the open helper not yet credited and staff[1]", total)
		}
		for i, u := range helpers {
			if i == 3 {
				continue // closed
			}
			st, err := bank.MyTimeBank(as(u))
			if err != nil {
				t.Fatal(err)
			}
			if want := map[bool]int{true: 120, false: 0}[i < 4]; st.BalanceMinutes != want || st.EarnedMinutes != want {
				t.Errorf("helper %d holds %d (earned %d), want %d", i, st.BalanceMinutes, st.EarnedMinutes, want)
			}
		}
		if err := f.db.CheckLedger(system()); err != nil {
			t.Fatal(err)
		}
	})
}
