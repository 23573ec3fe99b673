package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"guli"
)

// TimeBank implements guli.TimeBankService over the ledger (ledger.go).
// A person's statement is kept while the data version holds (memo.go).
type TimeBank struct {
	db         *DB
	statements memo[guli.ID, *guli.Statement]
}

// NewTimeBank returns the time-bank service of db.
func NewTimeBank(db *DB) *TimeBank {
	return &TimeBank{db: db, statements: memo[guli.ID, *guli.Statement]{max: 10000}}
}

var _ guli.TimeBankService = (*TimeBank)(nil)

// statementEntries is how many entries a statement shows: the newest
// fifty, a season of a busy volunteer's services.
const statementEntries = 50

// MyTimeBank is the acting user's statement. Callers must not change it.
func (s *TimeBank) MyTimeBank(ctx context.Context) (*guli.Statement, error) {
	me, err := guli.RequireUser(ctx)
	if err != nil {
		return nil, err
	}
	return s.statements.get(ctx, s.db, me.ID, func(ctx context.Context) (*guli.Statement, error) { return s.statement(ctx, me) })
}

// statement reads a person's statement.
func (s *TimeBank) statement(ctx context.Context, me *guli.User) (*guli.Statement, error) {
	q := s.db.read()
	st := &guli.Statement{Entries: []*guli.Entry{}}
	err := q.row(ctx, "SELECT balance, earned FROM timebank_accounts WHERE user_id = ?", me.ID).Scan(&st.BalanceMinutes, &st.EarnedMinutes)
	if errors.Is(err, sql.ErrNoRows) {
		return st, nil // no account yet: nothing moved
	}
	if err != nil {
		return nil, s.db.mapErr(err)
	}
	loc := guli.Zone(guli.DefaultTimezone)
	st.Entries, err = list(ctx, q, func(row interface{ Scan(...any) error }) (*guli.Entry, error) {
		var e guli.Entry
		var id, created int64
		if err := row.Scan(&id, &e.Minutes, &e.Kind, &e.Memo, &created); err != nil {
			return nil, err
		}
		e.ID, e.CreatedAt = guli.ID(id), fromMS(created).In(loc)
		return &e, nil
	}, `SELECT e.id, e.minutes, e.kind, e.memo, e.created_at FROM timebank_entries e
		JOIN timebank_accounts a ON a.id = e.account_id WHERE a.user_id = ? ORDER BY e.id DESC LIMIT ?`, me.ID, statementEntries)
	if err != nil {
		return nil, s.db.mapErr(err)
	}
	return st, nil
}

// Transfer moves minutes from the acting user to someone, once a key.
func (s *TimeBank) Transfer(ctx context.Context, in guli.TransferInput) (*guli.Transfer, error) {
	me, err := guli.RequireUser(ctx)
	if err != nil {
		return nil, err
	}
	sender := me.ID
	if in.FromUserID != 0 {
		sender = in.FromUserID // a dependent's minutes, given by their guardian
	}
	if err := in.Validate(sender); err != nil {
		return nil, err
	}
	var out *guli.Transfer
	err = s.db.tx(ctx, func(q runner) error {
		out = nil
		if sender != me.ID {
			acting, err := actingFor(ctx, q, me, sender)
			if err != nil {
				return err
			}
			if acting != guli.ActsAsGuardian {
				return hidden() // staff give no one's minutes away
			}
		}
		if in.Key != "" {
			// The same key again: the answer it had, nothing moved; with
			// another transfer, refused. Two requests with one key at once
			// wait for each other here.
			if err := q.lock(ctx, "guli:transfer:"+me.ID.String()+":"+in.Key); err != nil {
				return err
			}
			var movement int64
			var balance int
			var request string
			err := q.row(ctx, "SELECT movement, balance, request FROM timebank_transfers WHERE user_id = ? AND key = ?", me.ID, in.Key).
				Scan(&movement, &balance, &request)
			if err == nil {
				if err := in.CheckReplay(request); err != nil {
					return err
				}
				out = &guli.Transfer{ID: guli.ID(movement), BalanceMinutes: balance}
				return nil
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return err
			}
		}
		var probe *limited
		if in.ToPhone != "" {
			// Whether the number has an account is told no more often than
			// a registration would tell it: the address waits as for
			// refused registrations, decided under a lock on it so that
			// parallel tries learn no more; a sender without the minutes
			// is told so before the number is looked up.
			probe = &limited{guli.ThrottleRegisterAddr, in.ClientAddr}
			if probe.key != "" {
				if err := q.lock(ctx, probe.lockKey()); err != nil {
					return err
				}
				if err := waitFor(ctx, q, *probe, s.db.now()); err != nil {
					return err
				}
			}
			var held int
			err := q.row(ctx, "SELECT balance FROM timebank_accounts WHERE user_id = ?", sender).Scan(&held)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return err
			}
			if err := guli.CheckWithdrawal(held, in.Minutes, false); err != nil {
				return err
			}
		}
		// A refusal that followed looking the number up tells something:
		// it counts against the address, and is committed so.
		told := func(refusal error) error {
			if probe == nil || probe.key == "" {
				return refusal
			}
			if _, err := fail(ctx, q, *probe, s.db.now()); err != nil {
				return err
			}
			return commitAnd(refusal)
		}
		recipient, err := s.recipient(ctx, q, in)
		if guli.ErrorCode(err) == guli.ECValidation {
			return told(err)
		}
		if err != nil {
			return err
		}
		if err := in.CheckRecipient(sender, recipient); err != nil {
			return err
		}
		if sender != me.ID {
			_, family, err := activeDependents(ctx, q, me.ID)
			if err != nil {
				return err
			}
			ids := make([]guli.ID, len(family))
			for i, id := range family {
				ids[i] = guli.ID(id.(int64))
			}
			if err := guli.CheckFamilyTransfer(me, guli.ActsAsGuardian, recipient, ids); err != nil {
				return err
			}
		}
		// Locked in the order of their owners' ids, so two people giving
		// to each other at once wait rather than deadlock.
		from, to, err := personalAccounts(ctx, q, sender, recipient)
		if err != nil {
			return err
		}
		now := s.db.now()
		id, err := move(ctx, q, now, movement{from: from, to: to, minutes: in.Minutes, fromKind: guli.EntryTransferOut,
			toKind: guli.EntryTransferIn, memo: in.Memo})
		if guli.ErrorCode(err) == guli.ECInsufficientBalance {
			return told(err) // spent meanwhile: refused after the lookup
		}
		if err != nil {
			return err
		}
		out = &guli.Transfer{ID: id, BalanceMinutes: from.balance - in.Minutes}
		if sender != me.ID {
			if err := audit(ctx, q, now, me, "timebank.transfer_by_family", sender, strconv.Itoa(in.Minutes)); err != nil {
				return err
			}
			// Whom they went to, by name, but a child's: the dependent is
			// not their guardian (the view says "a child").
			to := guli.User{ID: recipient}
			if err := q.row(ctx, "SELECT name, birth_year FROM users WHERE id = ?", recipient).Scan(&to.Name, &to.BirthYear); err != nil {
				return err
			}
			if guli.IsChild(&to, now) {
				to.Name = ""
			}
			if err := tellDependent(ctx, q, now, me, sender, guli.NotifyFamilyMinutesGiven, guli.NotificationParams{Minutes: in.Minutes, ToName: to.Name}); err != nil {
				return err
			}
		}
		if in.Key != "" {
			_, err = q.exec(ctx, "INSERT INTO timebank_transfers (user_id, key, movement, balance, request, created_at) VALUES (?, ?, ?, ?, ?, ?)",
				me.ID, in.Key, id, out.BalanceMinutes, in.Request(), ms(now))
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// recipient finds whom a transfer goes to: the account of its id, or the
// one its phone belongs to. An unknown number says only that.
func (s *TimeBank) recipient(ctx context.Context, q runner, in guli.TransferInput) (guli.ID, error) {
	id, refusal := in.ToUserID, guli.Invalid("to_user_id", guli.FRUnknownUser)
	if in.ToPhone != "" {
		refusal = guli.Invalid("to_phone", guli.FRUnknownPhone)
		err := q.row(ctx, "SELECT id FROM users WHERE phone = ?", in.ToPhone).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return 0, refusal
		}
		if err != nil {
			return 0, err
		}
	}
	// The row is held until the transfer commits, so minutes cannot reach
	// an account that a closure is erasing at the same moment.
	var closed sql.NullInt64
	err := q.row(ctx, "SELECT closed_at FROM users WHERE id = ?"+q.d.forShare(), id).Scan(&closed)
	if errors.Is(err, sql.ErrNoRows) || closed.Valid {
		return 0, refusal
	}
	return id, err
}

// Credit gives a volunteer minutes from the fund of the acting staff
// member's station (the volunteer's home station when they work there).
func (s *TimeBank) Credit(ctx context.Context, userID guli.ID, minutes int, memo string) (*guli.Transfer, error) {
	actor, err := guli.RequireStaff(ctx)
	if err != nil {
		return nil, err
	}
	memo = strings.TrimSpace(memo)
	if err := guli.CheckCredit(minutes, memo); err != nil {
		return nil, err
	}
	if !guli.MayCreditTo(actor, userID) {
		return nil, guli.Errorf(guli.ECForbidden)
	}
	var out *guli.Transfer
	err = s.db.tx(ctx, func(q runner) error {
		person, err := openPersonIn(ctx, q, userID)
		if isNotFound(err) || (err == nil && !actor.SeesPrivateDataOf(person)) {
			return guli.Invalid("user_id", guli.FRUnknownUser)
		}
		if err != nil {
			return err
		}
		if err := guli.CheckNotClosed(person); err != nil {
			return err
		}
		station, err := orFirstStation(ctx, q, actor.StationLookingAfter(person))
		if err != nil {
			return err
		}
		fund, err := stationFund(ctx, q, station)
		if err != nil {
			return err
		}
		to, err := personalAccount(ctx, q, userID)
		if err != nil {
			return err
		}
		now := s.db.now()
		id, err := move(ctx, q, now, movement{from: fund, to: to, minutes: minutes, fromKind: guli.EntryIssued, toKind: guli.EntryEarned, memo: memo})
		if err != nil {
			return err
		}
		out = &guli.Transfer{ID: id, BalanceMinutes: to.balance + minutes}
		return audit(ctx, q, now, actor, "timebank.credit", userID, memo)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
