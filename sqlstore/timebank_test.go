package sqlstore_test

import (
	"fmt"
	"testing"

	"guli"
	"guli/internal/dbtest"
	"guli/sqlstore"
)

// Invariant 4 under a rush: transfers against one balance never take it
// below zero, and one Idempotency-Key moves minutes once however often it
// is sent at once.
func TestTimeBankUnderConcurrency(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFixture(t, e)
		bank := sqlstore.NewTimeBank(f.db)
		staff := f.staff(t, "社工", "13911114001")
		giver := f.register(t, "志愿者小王", "13911114002")
		taker := f.register(t, "王奶奶", "13911114003")
		if _, err := bank.Credit(as(staff), giver.ID, 100, "重阳节活动帮忙"); err != nil {
			t.Fatal(err)
		}
		got := outcomes(30, func(i int) error {
			_, err := bank.Transfer(as(giver), guli.TransferInput{ToUserID: taker.ID, Minutes: 10})
			return err
		})
		if got[""] != 10 || got[guli.ECInsufficientBalance] != 20 {
			t.Fatalf("30 transfers of 10 from 100: %v", got)
		}
		answers := make(chan *guli.Transfer, 10)
		got = outcomes(10, func(i int) error {
			tr, err := bank.Transfer(as(taker), guli.TransferInput{ToUserID: giver.ID, Minutes: 5, Key: "转给小王-1"})
			answers <- tr
			return err
		})
		close(answers)
		var first *guli.Transfer
		for a := range answers {
			if first == nil {
				first = a
			}
			if a == nil || *a != *first {
				t.Fatalf("one key, different answers: %+v %+v", a, first)
			}
		}
		if got[""] != 10 || first.BalanceMinutes != 95 {
			t.Fatalf("one key sent ten times: %v, %+v", got, first)
		}
		for _, who := range []struct {
			u    *guli.User
			want int
		}{{giver, 5}, {taker, 95}} {
			st, err := bank.MyTimeBank(as(who.u))
			if err != nil || st.BalanceMinutes != who.want {
				t.Fatalf("%s holds %+v (%v), want %d", who.u.Name, st, err, who.want)
			}
		}
		st, _ := bank.MyTimeBank(as(giver))
		if st.EarnedMinutes != 100 || len(st.Entries) != 12 || st.Entries[0].Kind != guli.EntryTransferIn {
			t.Fatalf("the giver's statement: earned %d, %d entries, newest %+v", st.EarnedMinutes, len(st.Entries), st.Entries[0])
		}
		for _, bad := range []struct {
			name string
			in   guli.TransferInput
			want string
		}{
			{"to oneself", guli.TransferInput{ToUserID: giver.ID, Minutes: 1}, guli.ECValidation},
			{"nothing", guli.TransferInput{ToUserID: taker.ID, Minutes: 0}, guli.ECValidation},
			{"to nobody", guli.TransferInput{ToUserID: 987654, Minutes: 1}, guli.ECValidation},
			{"more than held", guli.TransferInput{ToUserID: taker.ID, Minutes: 6}, guli.ECInsufficientBalance},
		} {
			if _, err := bank.Transfer(as(giver), bad.in); code(err) != bad.want {
				t.Errorf("%s: %v, want %s", bad.name, err, bad.want)
			}
		}
		if _, err := bank.Credit(as(giver), taker.ID, 10, ""); code(err) != guli.ECForbidden {
			t.Errorf("a resident credits minutes: %v", err)
		}
		if err := f.db.CheckLedger(system()); err != nil {
			t.Fatal(err)
		}
	})
}

// A transfer finds its recipient by their phone inside its transaction;
// an unknown number, or one's own, is refused naming to_phone, and a
// repeated key answers as before without looking the phone up again.
func TestTransferByPhone(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFixture(t, e)
		bank := sqlstore.NewTimeBank(f.db)
		staff := f.staff(t, "社工", "13911115001")
		son := f.register(t, "儿子", "13911115002")
		mother := f.register(t, "妈妈", "13911115003")
		if _, err := bank.Credit(as(staff), son.ID, 60, "陪同就医"); err != nil {
			t.Fatal(err)
		}
		in := guli.TransferInput{ToPhone: "139 1111 5003", Minutes: 25, Memo: "给妈妈", Key: "给妈妈-1"}
		tr, err := bank.Transfer(as(son), in)
		if err != nil || tr.BalanceMinutes != 35 {
			t.Fatalf("by phone: %+v %v", tr, err)
		}
		again, err := bank.Transfer(as(son), in)
		if err != nil || *again != *tr {
			t.Fatalf("the same key again: %+v %v, want %+v", again, err, tr)
		}
		if st, err := bank.MyTimeBank(as(mother)); err != nil || st.BalanceMinutes != 25 || st.Entries[0].Kind != guli.EntryTransferIn || st.Entries[0].Memo != "给妈妈" {
			t.Fatalf("the mother's statement: %+v %v", st, err)
		}
		for _, bad := range []struct {
			name, phone string
			reason      string
		}{
			{"a number nobody has", "13911115999", guli.FRUnknownPhone},
			{"one's own number", "13911115002", guli.FROwnPhone},
			{"not a mobile number", "12345", guli.FRInvalidPhone},
		} {
			_, err := bank.Transfer(as(son), guli.TransferInput{ToPhone: bad.phone, Minutes: 1})
			if e := guli.AsError(err); e == nil || e.Code != guli.ECValidation || e.Fields["to_phone"] != bad.reason {
				t.Errorf("%s: %v, want to_phone %s", bad.name, err, bad.reason)
			}
		}
		if err := f.db.CheckLedger(system()); err != nil {
			t.Fatal(err)
		}
	})
}

// FuzzLedger runs random sequences of credits and transfers among a few
// people: whatever is refused, the entries sum to zero, every balance is
// the sum of its entries, and nobody's goes below zero.
func FuzzLedger(f *testing.F) {
	fx := newFixture(f, dbtest.Engines(f)[0])
	bank := sqlstore.NewTimeBank(fx.db)
	staff := fx.user(f, "社工", "13911115000", guli.RoleStaff)
	staff.StaffStations = []guli.ID{fx.station.ID}
	var people []*guli.User
	for i := range 4 {
		people = append(people, fx.register(f, fmt.Sprintf("居民%d", i), fmt.Sprintf("1391111510%d", i)))
	}
	f.Add([]byte{0, 0, 0, 60, 1, 0, 1, 30, 1, 1, 2, 40, 1, 0, 0, 5})
	f.Add([]byte{1, 3, 2, 255, 0, 3, 3, 1, 1, 3, 0, 2})
	f.Fuzz(func(t *testing.T, ops []byte) {
		for i := 0; i+3 < len(ops) && i < 120; i += 4 {
			from, to, minutes := people[int(ops[i+1])%len(people)], people[int(ops[i+2])%len(people)], int(ops[i+3])-8
			var err error
			if ops[i]%2 == 0 {
				_, err = bank.Credit(as(staff), to.ID, minutes, "")
			} else {
				_, err = bank.Transfer(as(from), guli.TransferInput{ToUserID: to.ID, Minutes: minutes})
			}
			if c := code(err); c != "" && c != guli.ECValidation && c != guli.ECInsufficientBalance {
				t.Fatalf("op %d: %v", i/4, err)
			}
		}
		if err := fx.db.CheckLedger(system()); err != nil {
			t.Fatal(err)
		}
	})
}

// A station's fund issues every minute it credits, so over the years it
// runs far below zero, and a busy volunteer's balance far above: past two
// billion minutes (1,491 of the largest credits) neither stops the time
// bank, on either engine.
func TestBalancesBeyondTwoBillionMinutes(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFixture(t, e)
		bank := sqlstore.NewTimeBank(f.db)
		staff := f.staff(t, "社工", "13911116001")
		volunteer := f.register(t, "志愿者老周", "13911116002")
		family := f.register(t, "老周的女儿", "13911116003")
		if _, err := bank.Credit(as(staff), volunteer.ID, 1, "第一次"); err != nil {
			t.Fatal(err)
		}
		// As if 1,491 credits of a thousand days each had been made: both
		// balances and both entries moved alike, so the ledger holds.
		const issued = 1491 * guli.MaxTransferMinutes
		ctx := system()
		for _, s := range []struct {
			query string
			args  []any
		}{
			{"UPDATE timebank_accounts SET balance = balance + ?, earned = earned + ? WHERE user_id = ?", []any{issued, issued, volunteer.ID}},
			{"UPDATE timebank_accounts SET balance = balance - ? WHERE station_id = ?", []any{issued, f.station.ID}},
			{"UPDATE timebank_entries SET minutes = minutes + ? WHERE account_id = (SELECT id FROM timebank_accounts WHERE user_id = ?)", []any{issued, volunteer.ID}},
			{"UPDATE timebank_entries SET minutes = minutes - ? WHERE account_id = (SELECT id FROM timebank_accounts WHERE station_id = ?)", []any{issued, f.station.ID}},
		} {
			if err := sqlstore.Exec(ctx, f.db, s.query, s.args...); err != nil {
				t.Fatal(err)
			}
		}
		if err := f.db.CheckLedger(ctx); err != nil {
			t.Fatal(err)
		}
		tr, err := bank.Credit(as(staff), volunteer.ID, guli.MaxTransferMinutes, "又一千天")
		if err != nil || tr.BalanceMinutes != 1+issued+guli.MaxTransferMinutes {
			t.Fatalf("a credit past two billion minutes: %+v %v", tr, err)
		}
		in := guli.TransferInput{ToUserID: family.ID, Minutes: 60, Key: "给女儿-1"}
		tr, err = bank.Transfer(as(volunteer), in)
		want := 1 + issued + guli.MaxTransferMinutes - 60
		if err != nil || tr.BalanceMinutes != want {
			t.Fatalf("a transfer from more than two billion minutes: %+v %v, want %d", tr, err, want)
		}
		if again, err := bank.Transfer(as(volunteer), in); err != nil || *again != *tr {
			t.Fatalf("the same key again: %+v %v, want %+v", again, err, tr)
		}
		st, err := bank.MyTimeBank(as(volunteer))
		if err != nil || st.BalanceMinutes != want || st.EarnedMinutes != 1+issued+guli.MaxTransferMinutes {
			t.Fatalf("the statement: %+v %v", st, err)
		}
		if err := f.db.CheckLedger(ctx); err != nil {
			t.Fatal(err)
		}
	})
}

// Whether a number has an account is told by a transfer no more often than
// a registration would tell it: a sender without the minutes learns nothing
// of the number, and numbers nobody has count against the address as
// refused registrations do, however many are tried at once.
func TestTransfersByPhoneTellNoMoreThanRegistration(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFixture(t, e)
		bank := sqlstore.NewTimeBank(f.db)
		staff := f.staff(t, "社工", "13911117001")
		prober := f.register(t, "陌生人", "13911117002")
		known := f.register(t, "王奶奶", "13911117003")
		const addr = "203.0.113.7"
		for _, phone := range []string{"13911117003", "13911117999"} {
			_, err := bank.Transfer(as(prober), guli.TransferInput{ToPhone: phone, Minutes: 1, ClientAddr: addr})
			if code(err) != guli.ECInsufficientBalance {
				t.Errorf("to %s without minutes: %v, want %s whoever has the number", phone, err, guli.ECInsufficientBalance)
			}
		}
		if _, err := bank.Credit(as(staff), prober.ID, 30, "帮忙"); err != nil {
			t.Fatal(err)
		}
		got := outcomes(30, func(i int) error {
			_, err := bank.Transfer(as(prober), guli.TransferInput{ToPhone: fmt.Sprintf("139222%05d", i), Minutes: 1, ClientAddr: addr})
			return err
		})
		free := guli.ThrottleRegisterAddr.Free
		if got[guli.ECValidation] != free || got[guli.ECRateLimited] != 30-free {
			t.Fatalf("30 numbers nobody has at once: %v, want %d told and the rest to wait", got, free)
		}
		if _, err := bank.Transfer(as(prober), guli.TransferInput{ToPhone: "13911117003", Minutes: 1, ClientAddr: addr}); code(err) != guli.ECRateLimited {
			t.Errorf("a number with an account from the address that must wait: %v", err)
		}
		if _, err := bank.Transfer(as(prober), guli.TransferInput{ToUserID: known.ID, Minutes: 1, ClientAddr: addr}); err != nil {
			t.Errorf("a transfer by id from the address that must wait: %v", err)
		}
		if _, err := bank.Transfer(as(prober), guli.TransferInput{ToPhone: "13911117003", Minutes: 1, ClientAddr: "198.51.100.9"}); err != nil {
			t.Errorf("a number with an account from another address: %v", err)
		}
		if err := f.db.CheckLedger(system()); err != nil {
			t.Fatal(err)
		}
	})
}

// One Idempotency-Key is one transfer: sent again as it was, it answers as
// before; sent with other minutes or to someone else, at once or later, it
// is refused and moves nothing.
func TestAKeySentWithAnotherTransferIsRefused(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFixture(t, e)
		bank := sqlstore.NewTimeBank(f.db)
		staff := f.staff(t, "社工", "13911119001")
		son := f.register(t, "儿子", "13911119002")
		mother := f.register(t, "妈妈", "13911119003")
		father := f.register(t, "爸爸", "13911119004")
		if _, err := bank.Credit(as(staff), son.ID, 100, "陪同就医"); err != nil {
			t.Fatal(err)
		}
		first := guli.TransferInput{ToPhone: "13911119003", Minutes: 25, Memo: "给妈妈", Key: "表单-1"}
		tr, err := bank.Transfer(as(son), first)
		if err != nil {
			t.Fatal(err)
		}
		for _, other := range []guli.TransferInput{
			{ToPhone: "13911119003", Minutes: 60, Memo: "给妈妈", Key: "表单-1"},
			{ToPhone: "13911119004", Minutes: 25, Memo: "给妈妈", Key: "表单-1"},
			{ToUserID: father.ID, Minutes: 25, Memo: "给妈妈", Key: "表单-1"},
		} {
			_, err := bank.Transfer(as(son), other)
			if e := guli.AsError(err); e == nil || e.Code != guli.ECValidation || e.Fields["Idempotency-Key"] != guli.FRKeyReused {
				t.Errorf("%+v with the key of another transfer: %v", other, err)
			}
		}
		if again, err := bank.Transfer(as(son), first); err != nil || *again != *tr {
			t.Fatalf("the first again: %+v %v, want %+v", again, err, tr)
		}
		got := outcomes(10, func(i int) error {
			_, err := bank.Transfer(as(son), guli.TransferInput{ToUserID: mother.ID, Minutes: 1 + i, Key: "表单-2"})
			return err
		})
		if got[""] != 1 || got[guli.ECValidation] != 9 {
			t.Fatalf("ten transfers with one key at once: %v", got)
		}
		// 75 after the first, less the one of the ten that was made.
		if st, err := bank.MyTimeBank(as(son)); err != nil || st.BalanceMinutes < 65 || st.BalanceMinutes > 74 {
			t.Errorf("the son holds %+v (%v)", st, err)
		}
		if st, err := bank.MyTimeBank(as(father)); err != nil || st.BalanceMinutes != 0 {
			t.Errorf("the father holds %+v (%v)", st, err)
		}
		if err := f.db.CheckLedger(system()); err != nil {
			t.Fatal(err)
		}
	})
}
