package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"guli"
)

// The time bank's ledger: every movement of minutes writes one entry out
// of an account and one into another, equal and opposite, and changes both
// balances in the same transaction, under row locks on both accounts, so a
// balance is always the sum of its entries and no person's goes below zero
// (guli.CheckWithdrawal decides).

// account is a ledger account, locked for the rest of the transaction.
type account struct {
	id      guli.ID
	balance int
	fund    bool // a station's fund, the one kind that may go below zero
}

// stationFund returns a station's fund account, made on first use.
func stationFund(ctx context.Context, q runner, station guli.ID) (account, error) {
	return lockAccount(ctx, q, "station_id", station, true)
}

// personalAccount returns a person's account, made on first use.
func personalAccount(ctx context.Context, q runner, user guli.ID) (account, error) {
	return lockAccount(ctx, q, "user_id", user, false)
}

// personalAccounts locks two people's accounts in the order of their ids,
// so that two movements between them at once wait rather than deadlock.
func personalAccounts(ctx context.Context, q runner, from, to guli.ID) (a, b account, err error) {
	if from < to {
		if a, err = personalAccount(ctx, q, from); err == nil {
			b, err = personalAccount(ctx, q, to)
		}
		return a, b, err
	}
	if b, err = personalAccount(ctx, q, to); err == nil {
		a, err = personalAccount(ctx, q, from)
	}
	return a, b, err
}

func lockAccount(ctx context.Context, q runner, column string, owner guli.ID, fund bool) (account, error) {
	a := account{fund: fund}
	if _, err := q.exec(ctx, "INSERT INTO timebank_accounts ("+column+") VALUES (?) ON CONFLICT ("+column+") DO NOTHING", owner); err != nil {
		return a, err
	}
	var id int64
	err := q.row(ctx, "SELECT id, balance FROM timebank_accounts WHERE "+column+" = ?"+q.d.forUpdate(), owner).Scan(&id, &a.balance)
	a.id = guli.ID(id)
	return a, err
}

// movement is minutes moving from one account to another.
type movement struct {
	from, to         account
	minutes          int
	fromKind, toKind string
	memo             string
	help             guli.ID // the service it pays for, credited once; 0 for none
}

// move writes a movement: two entries that sum to zero, and both balances.
// It returns the movement's id.
func move(ctx context.Context, q runner, now time.Time, m movement) (guli.ID, error) {
	if err := guli.CheckWithdrawal(m.from.balance, m.minutes, m.from.fund); err != nil {
		return 0, err
	}
	at := ms(now)
	out, err := q.insert(ctx, `INSERT INTO timebank_entries (movement, account_id, minutes, kind, memo, created_at) VALUES (0, ?, ?, ?, ?, ?)`,
		m.from.id, -m.minutes, m.fromKind, m.memo, at)
	if err != nil {
		return 0, err
	}
	if _, err := q.exec(ctx, "UPDATE timebank_entries SET movement = id WHERE id = ?", out); err != nil {
		return 0, err
	}
	_, err = q.exec(ctx, `INSERT INTO timebank_entries (movement, account_id, minutes, kind, memo, help_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		out, m.to.id, m.minutes, m.toKind, m.memo, nullID(m.help), at)
	if isUnique(err, "help") {
		return 0, guli.Errorf(guli.ECNotDone) // credited already
	}
	if err != nil {
		return 0, err
	}
	if _, err := q.exec(ctx, "UPDATE timebank_accounts SET balance = balance - ? WHERE id = ?", m.minutes, m.from.id); err != nil {
		return 0, err
	}
	earned := 0
	if m.toKind == guli.EntryEarned {
		earned = m.minutes
	}
	_, err = q.exec(ctx, "UPDATE timebank_accounts SET balance = balance + ?, earned = earned + ? WHERE id = ?", m.minutes, earned, m.to.id)
	return out, err
}

// CheckLedger recomputes every balance from the entries and reports the
// first thing wrong: entries that do not sum to zero, altogether or in a
// movement, a balance that is not the sum of its account's entries, or a
// person's balance below zero.
func (db *DB) CheckLedger(ctx context.Context) error {
	q := db.read()
	var total int64
	if err := q.row(ctx, "SELECT COALESCE(SUM(minutes), 0) FROM timebank_entries").Scan(&total); err != nil {
		return db.mapErr(err)
	}
	if total != 0 {
		return fmt.Errorf("the ledger's entries sum to %d minutes, not 0", total)
	}
	var id, balance, sum int64
	// Each movement is two entries that cancel: two wrong ones that
	// cancel each other still show here.
	err := q.row(ctx, `SELECT movement, SUM(minutes) FROM timebank_entries GROUP BY movement HAVING SUM(minutes) <> 0 ORDER BY movement LIMIT 1`).Scan(&id, &sum)
	switch {
	case err == nil:
		return fmt.Errorf("movement %d's entries sum to %d minutes, not 0", id, sum)
	case !errors.Is(err, sql.ErrNoRows):
		return db.mapErr(err)
	}
	err = q.row(ctx, `SELECT a.id, a.balance, COALESCE(SUM(e.minutes), 0) FROM timebank_accounts a
		LEFT JOIN timebank_entries e ON e.account_id = a.id
		GROUP BY a.id, a.balance HAVING a.balance <> COALESCE(SUM(e.minutes), 0) ORDER BY a.id LIMIT 1`).Scan(&id, &balance, &sum)
	switch {
	case err == nil:
		return fmt.Errorf("account %d holds %d minutes, its entries sum to %d", id, balance, sum)
	case !errors.Is(err, sql.ErrNoRows):
		return db.mapErr(err)
	}
	err = q.row(ctx, "SELECT id, balance FROM timebank_accounts WHERE user_id IS NOT NULL AND balance < 0 ORDER BY id LIMIT 1").Scan(&id, &balance)
	switch {
	case err == nil:
		return fmt.Errorf("account %d is a person's and holds %d minutes, below zero", id, balance)
	case !errors.Is(err, sql.ErrNoRows):
		return db.mapErr(err)
	}
	return nil
}
