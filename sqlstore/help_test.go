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

// Invariants 3 and 4: a request is claimed by one volunteer at a time,
// and a confirmed service is credited once, however many ask at once; the
// ledger's entries sum to zero and every balance is the sum of its
// entries.
func TestHelpRequestsUnderConcurrency(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFixture(t, e)
		help := sqlstore.NewHelp(f.db)
		resident := f.register(t, "王阿姨", "13911112001")
		var volunteers []*guli.User
		for i := range 20 {
			volunteers = append(volunteers, f.user(t, "志愿者", fmt.Sprintf("139111130%02d", i), guli.RoleResident, guli.RoleVolunteer))
		}
		h, err := help.AskForHelp(as(resident), guli.HelpRequestInput{Title: "帮忙去药房取药", Category: "errand"})
		if err != nil || h.Status != guli.HelpOpen || h.StationID != f.station.ID || h.RequesterID != resident.ID {
			t.Fatalf("ask: %+v %v", h, err)
		}

		got := outcomes(len(volunteers), func(i int) error {
			_, err := help.Claim(as(volunteers[i]), h.ID)
			return err
		})
		if got[""] != 1 || got[guli.ECNotOpen] != len(volunteers)-1 {
			t.Fatalf("claims at once: %v", got)
		}
		h, _ = help.HelpRequest(as(resident), h.ID)
		var claimer *guli.User
		for _, v := range volunteers {
			if v.ID == h.VolunteerID {
				claimer = v
			}
		}
		if h.Status != guli.HelpClaimed || claimer == nil {
			t.Fatalf("after the claims: %+v", h)
		}
		if _, err := help.Confirm(as(resident), h.ID, guli.ConfirmInput{Rating: 5, Comment: ""}); code(err) != guli.ECNotDone {
			t.Fatalf("confirmed before done: %v", err)
		}
		if _, err := help.Done(as(claimer), h.ID, 45); err != nil {
			t.Fatal(err)
		}
		got = outcomes(10, func(i int) error {
			_, err := help.Confirm(as(resident), h.ID, guli.ConfirmInput{Rating: 5, Comment: "谢谢小伙子"})
			return err
		})
		if got[""] != 1 || got[guli.ECNotDone] != 9 {
			t.Fatalf("confirms at once: %v", got)
		}
		if err := f.db.CheckLedger(system()); err != nil {
			t.Fatal(err)
		}
		if _, err := help.CancelHelp(as(resident), h.ID); code(err) != guli.ECNotCancellable {
			t.Fatalf("cancelled once confirmed: %v", err)
		}
	})
}

// The status flow, and who may move it, as API.md lays it out.
func TestHelpRequestFlowInTheStore(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFixture(t, e)
		help := sqlstore.NewHelp(f.db)
		resident := f.register(t, "李伯伯", "13911112002")
		volunteer := f.user(t, "小张", "13911112003", guli.RoleResident, guli.RoleVolunteer)
		plain := f.register(t, "邻居", "13911112004")
		staff := f.staff(t, "社工", "13911112005")

		needed := time.Now().Add(48 * time.Hour).Truncate(time.Minute)
		h, err := help.AskForHelp(as(staff), guli.HelpRequestInput{Title: "修门锁", Category: "repair", NeededBy: needed, OnBehalfOf: resident.ID})
		if err != nil || h.RequesterID != resident.ID || h.FiledBy != staff.ID || !h.NeededBy.Equal(needed) {
			t.Fatalf("filed on behalf: %+v %v", h, err)
		}
		if _, err := help.AskForHelp(as(plain), guli.HelpRequestInput{Title: "修门锁", Category: "repair", OnBehalfOf: resident.ID}); code(err) != guli.ECNotFound {
			t.Fatalf("a resident filing for someone not their dependent: %v", err) // as if there were none
		}
		steps := []struct {
			name string
			do   func() error
			want string
		}{
			// Not theirs to know of: a neighbour's request is not shown to
			// residents who are no volunteers.
			{"a resident who is no volunteer claims", func() error { _, err := help.Claim(as(plain), h.ID); return err }, guli.ECNotFound},
			{"the volunteer claims", func() error { _, err := help.Claim(as(volunteer), h.ID); return err }, ""},
			{"someone else says it is done", func() error { _, err := help.Done(as(plain), h.ID, 30); return err }, guli.ECNotFound},
			{"the volunteer releases it", func() error { _, err := help.Release(as(volunteer), h.ID); return err }, ""},
			{"done while open", func() error { _, err := help.Done(as(volunteer), h.ID, 30); return err }, guli.ECForbidden},
			{"claimed again", func() error { _, err := help.Claim(as(volunteer), h.ID); return err }, ""},
			{"done in no time", func() error { _, err := help.Done(as(volunteer), h.ID, 0); return err }, guli.ECValidation},
			{"done", func() error { _, err := help.Done(as(volunteer), h.ID, 60); return err }, ""},
			{"the volunteer confirms their own work", func() error {
				_, err := help.Confirm(as(volunteer), h.ID, guli.ConfirmInput{Rating: 5, Comment: ""})
				return err
			}, guli.ECForbidden},
			{"staff confirm for the resident", func() error {
				_, err := help.Confirm(as(staff), h.ID, guli.ConfirmInput{Rating: 4, Comment: "已上门"})
				return err
			}, ""},
		}
		for _, s := range steps {
			if got := code(s.do()); got != s.want {
				t.Fatalf("%s: %q, want %q", s.name, got, s.want)
			}
		}
		h, _ = help.HelpRequest(as(resident), h.ID)
		if h.Status != guli.HelpConfirmed || h.Minutes != 60 || h.Rating != 4 || h.Comment != "已上门" {
			t.Fatalf("confirmed: %+v", h)
		}
		mine, err := help.HelpRequests(as(volunteer), guli.HelpFilter{Mine: true}, guli.ListOptions{})
		if err != nil || len(mine.Items) != 1 || mine.Items[0].ID != h.ID {
			t.Fatalf("the volunteer's own: %v %v", mine.Items, err)
		}
		if _, err := help.HelpRequests(as(volunteer), guli.HelpFilter{Status: "lost"}, guli.ListOptions{}); code(err) != guli.ECValidation {
			t.Fatalf("an unknown status: %v", err)
		}
		if err := f.db.CheckLedger(system()); err != nil {
			t.Fatal(err)
		}
	})
}

// A requester with minutes may pay a service from them: two services
// confirmed at once against a balance that pays for one pay for one, and
// the other stays done, to be paid by the fund instead.
func TestConfirmPaidFromTheRequestersBalance(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFixture(t, e)
		help, bank := sqlstore.NewHelp(f.db), sqlstore.NewTimeBank(f.db)
		resident := f.register(t, "赵阿姨", "13911117001")
		staff := f.staff(t, "社工", "13911117002")
		var volunteers []*guli.User
		var done []guli.ID
		for i := range 2 {
			v := f.user(t, "志愿者", fmt.Sprintf("1391111710%d", i), guli.RoleResident, guli.RoleVolunteer)
			volunteers = append(volunteers, v)
			h, err := help.AskForHelp(as(resident), guli.HelpRequestInput{Title: "陪我去医院", Category: "companion"})
			if err == nil {
				_, err = help.Claim(as(v), h.ID)
			}
			if err == nil {
				_, err = help.Done(as(v), h.ID, 60)
			}
			if err != nil {
				t.Fatal(err)
			}
			done = append(done, h.ID)
		}
		if _, err := bank.Credit(as(staff), resident.ID, 90, "以前的志愿服务"); err != nil {
			t.Fatal(err)
		}
		if _, err := help.Confirm(as(staff), done[0], guli.ConfirmInput{PayFromBalance: true}); code(err) != guli.ECForbidden {
			t.Fatalf("staff spent the resident's minutes: %v", err)
		}
		got := outcomes(2, func(i int) error {
			_, err := help.Confirm(as(resident), done[i], guli.ConfirmInput{Rating: 5, PayFromBalance: true})
			return err
		})
		if got[""] != 1 || got[guli.ECInsufficientBalance] != 1 {
			t.Fatalf("two paid confirms against one service's minutes: %v", got)
		}
		balance := func(u *guli.User) int {
			st, err := bank.MyTimeBank(as(u))
			if err != nil {
				t.Fatal(err)
			}
			return st.BalanceMinutes
		}
		if b := balance(resident); b != 30 {
			t.Errorf("the resident holds %d minutes, want 30", b)
		}
		if b0, b1 := balance(volunteers[0]), balance(volunteers[1]); b0+b1 != 60 {
			t.Errorf("the volunteers hold %d and %d minutes, want 60 between them", b0, b1)
		}
		// The one refused is still done; the fund pays it.
		for _, id := range done {
			if h, _ := help.HelpRequest(as(resident), id); h.Status == guli.HelpDone {
				if _, err := help.Confirm(as(resident), id, guli.ConfirmInput{}); err != nil {
					t.Fatal(err)
				}
			}
		}
		if b0, b1 := balance(volunteers[0]), balance(volunteers[1]); b0 != 60 || b1 != 60 {
			t.Errorf("the volunteers hold %d and %d minutes, want 60 each", b0, b1)
		}
		if err := f.db.CheckLedger(system()); err != nil {
			t.Fatal(err)
		}
	})
}

// A list narrows by station, category, the requester's area and age, in
// one query, and staff's acts for a requester go to the audit log.
func TestHelpRequestFiltersAndAudit(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFixture(t, e)
		help := sqlstore.NewHelp(f.db)
		near := f.register(t, "近邻", "13911116001")
		far, err := f.accounts.Register(context.Background(), guli.RegisterInput{Name: "远邻", Phone: "13911116002", Password: "secret-123", AreaID: f.areas[1].ID})
		if err != nil {
			t.Fatal(err)
		}
		staff := f.staff(t, "社工", "13911116003")
		ask := func(u *guli.User, title, category string) *guli.HelpRequest {
			t.Helper()
			h, err := help.AskForHelp(as(u), guli.HelpRequestInput{Title: title, Category: category})
			if err != nil {
				t.Fatal(err)
			}
			return h
		}
		groceries, pipe, phone := ask(near, "买菜", "errand"), ask(near, "修水管", "repair"), ask(far, "教用智能手机", "tech")
		titles := func(fl guli.HelpFilter) string {
			t.Helper()
			page, err := help.HelpRequests(as(staff), fl, guli.ListOptions{Limit: guli.MaxLimit})
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, h := range page.Items {
				out = append(out, h.Title)
			}
			return strings.Join(out, ",")
		}
		for _, tt := range []struct {
			name string
			f    guli.HelpFilter
			want string
		}{
			{"all of the station", guli.HelpFilter{StationID: f.station.ID}, "教用智能手机,修水管,买菜"},
			{"of another station", guli.HelpFilter{StationID: f.station.ID + 1000}, ""},
			{"by category", guli.HelpFilter{StationID: f.station.ID, Category: "repair"}, "修水管"},
			{"by area", guli.HelpFilter{AreaID: f.areas[1].ID}, "教用智能手机"},
			{"open and old", guli.HelpFilter{Status: guli.HelpOpen, CreatedBefore: time.Now().Add(-time.Hour)}, ""},
			{"open and asked before now", guli.HelpFilter{Status: guli.HelpOpen, CreatedBefore: time.Now().Add(time.Hour), Category: "errand"}, "买菜"},
		} {
			if got := titles(tt.f); got != tt.want {
				t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
			}
		}
		// A resident who is no volunteer lists only their own.
		if page, err := help.HelpRequests(as(near), guli.HelpFilter{StationID: f.station.ID}, guli.ListOptions{}); err != nil || len(page.Items) != 2 {
			t.Errorf("the resident lists %d requests, want their 2: %v", len(page.Items), err)
		}
		if _, err := help.HelpRequest(as(near), phone.ID); code(err) != guli.ECNotFound {
			t.Errorf("a resident reads a neighbour's request: %v", err)
		}
		if _, err := help.HelpRequests(as(near), guli.HelpFilter{Category: "magic"}, guli.ListOptions{}); code(err) != guli.ECValidation {
			t.Errorf("an unknown category: %v", err)
		}

		// Staff file, confirm and withdraw for residents: each audited.
		volunteer := f.user(t, "小张", "13911116004", guli.RoleResident, guli.RoleVolunteer)
		filed, err := help.AskForHelp(as(staff), guli.HelpRequestInput{Title: "陪同就医", Category: "companion", OnBehalfOf: far.ID})
		if err != nil {
			t.Fatal(err)
		}
		for _, step := range []func() error{
			func() error { _, err := help.Claim(as(volunteer), groceries.ID); return err },
			func() error { _, err := help.Done(as(volunteer), groceries.ID, 40); return err },
			func() error {
				_, err := help.Confirm(as(staff), groceries.ID, guli.ConfirmInput{Rating: 0, Comment: ""})
				return err
			},
			func() error { _, err := help.CancelHelp(as(staff), pipe.ID); return err },
			func() error { _, err := help.CancelHelp(as(far), phone.ID); return err },
		} {
			if err := step(); err != nil {
				t.Fatal(err)
			}
		}
		actions := func(u *guli.User) []string {
			t.Helper()
			log, err := sqlstore.NewAudit(f.db).AuditLog(system(), u.ID, guli.ListOptions{Limit: guli.MaxLimit})
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, e := range log.Items {
				if strings.HasPrefix(e.Action, "help.") {
					out = append(out, e.Action+":"+e.Detail)
				}
			}
			slices.Sort(out)
			return out
		}
		if got, want := actions(near), []string{"help.cancel_on_behalf:" + pipe.ID.String(), "help.confirm_on_behalf:" + groceries.ID.String()}; !slices.Equal(got, want) {
			t.Errorf("the audit of %s: %v, want %v", near.Name, got, want)
		}
		// Their own withdrawal is not audited; staff's filing is.
		if got, want := actions(far), []string{"help.file_on_behalf:" + filed.ID.String()}; !slices.Equal(got, want) {
			t.Errorf("the audit of %s: %v, want %v", far.Name, got, want)
		}
	})
}
