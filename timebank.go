package guli

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The time bank (时间银行) keeps hours of service as minutes in a
// double-entry ledger: every movement writes entries that sum to zero.
// Each station has a fund account, the issuer of minutes and the only
// account that may go below zero; no person's balance ever does.

// The kinds of ledger entries a person sees.
const (
	EntryEarned      = "earned"       // a confirmed service, or hours credited by staff
	EntryTransferIn  = "transfer_in"  // minutes given by someone
	EntryTransferOut = "transfer_out" // minutes given to someone
	EntryAdjustment  = "adjustment"   // a correction by staff
	// EntryIssued is the fund's side of minutes it gives out.
	EntryIssued = "issued"
)

// ECInsufficientBalance refuses a movement a person's balance cannot pay.
const ECInsufficientBalance = "insufficient_balance"

// CheckWithdrawal says whether an account holding balance minutes may pay
// minutes: a station's fund always may; a person only from what they have.
func CheckWithdrawal(balance, minutes int, fund bool) error {
	switch {
	case minutes <= 0:
		return Invalid("minutes", FROutOfRange)
	case !fund && balance < minutes:
		return Errorf(ECInsufficientBalance)
	}
	return nil
}

// Entry is one line of a person's time-bank statement.
type Entry struct {
	ID        ID
	Minutes   int // + in, - out
	Kind      string
	Memo      string
	CreatedAt time.Time
}

// Statement is a person's time bank: what they hold, what they earned by
// service, and their newest entries.
type Statement struct {
	BalanceMinutes int
	EarnedMinutes  int
	Entries        []*Entry
}

// TransferInput gives minutes to someone, a family member say, named by
// their id or by their mobile number (as Shanghai's 时光汇 time bank finds
// family members): exactly one of ToUserID and ToPhone. Key is the
// client's Idempotency-Key: the same key again applies once. ClientAddr
// is the address it came from: numbers nobody has count against it as
// refused registrations do (ThrottleRegisterAddr).
type TransferInput struct {
	// FromUserID is the dependent whose minutes a guardian gives within
	// the family (CheckFamilyTransfer); 0: the sender's own.
	FromUserID ID
	ToUserID   ID
	ToPhone    string
	Minutes    int
	Memo       string
	Key        string
	ClientAddr string
}

// FRUnknownPhone refuses a number no account has. It says no more than
// that: not whose it was, nor whether it once was someone's.
const FRUnknownPhone = "unknown_phone"

// FROneOf refuses a second way of naming what one field already names.
const FROneOf = "one_of"

// FROwnPhone refuses giving minutes to one's own number.
const FROwnPhone = "own_phone"

// Validate checks what needs no database, and normalizes the phone; from
// is the sender.
func (in *TransferInput) Validate(from ID) error {
	p := Problems{}
	in.Memo = strings.TrimSpace(in.Memo)
	in.ToPhone = NormalizePhone(strings.TrimSpace(in.ToPhone))
	switch {
	case in.ToUserID != 0 && in.ToPhone != "":
		p.Add("to_phone", FROneOf)
	case in.ToPhone != "" && !ValidPhone(in.ToPhone):
		p.Add("to_phone", FRInvalidPhone)
	case in.ToPhone != "":
	case in.ToUserID == 0:
		p.Add("to_user_id", FRRequired)
	case in.ToUserID == from:
		p.Add("to_user_id", FRInvalid)
	}
	checkMinutesAndMemo(p, in.Minutes, in.Memo)
	switch {
	case len(in.Key) > 200:
		p.Add("Idempotency-Key", FRTooLong)
	case !ValidText(in.Key):
		// A header may carry any byte; the key is stored as text.
		p.Add("Idempotency-Key", FRInvalidText)
	}
	return p.Err()
}

// FRKeyReused refuses an Idempotency-Key sent again with another transfer
// than its first: that one stands, and this one is not made.
const FRKeyReused = "key_reused"

// Request is what the transfer asks, as its Idempotency-Key remembers it
// (after Validate): whom, how many minutes, and the memo.
func (in *TransferInput) Request() string {
	r := strings.Join([]string{in.ToUserID.String(), in.ToPhone, strconv.Itoa(in.Minutes), in.Memo}, "\n")
	if in.FromUserID != 0 {
		r += "\nfrom " + in.FromUserID.String()
	}
	return r
}

// FROutsideFamily refuses giving a dependent's minutes to someone outside
// the family.
const FROutsideFamily = "outside_family"

// CheckFamilyTransfer says whether a guardian (acting, as MayActFor
// decided) may give their dependent's minutes to recipient: within the
// family only, to the guardian themself or another of their dependents
// (family, the ids of the guardian's active dependents).
func CheckFamilyTransfer(guardian *User, acting Acting, recipient ID, family []ID) error {
	switch {
	case acting != ActsAsGuardian:
		return Errorf(ECNotFound)
	case recipient == guardian.ID || slices.Contains(family, recipient):
		return nil
	}
	return Invalid("to_user_id", FROutsideFamily)
}

// CheckReplay says whether the transfer, sent with the key of an earlier
// one that asked request, is that one again, to be answered as it was: a
// form sent back with other minutes, or to someone else, is not. A key
// kept before its request was ("") answers as before.
func (in *TransferInput) CheckReplay(request string) error {
	if request != "" && request != in.Request() {
		return Invalid("Idempotency-Key", FRKeyReused)
	}
	return nil
}

// CheckRecipient checks the person the transfer was found to go to: not
// the sender, whether named by id or found by their phone (the field at
// fault is the one the sender filled in).
func (in *TransferInput) CheckRecipient(from, to ID) error {
	if to != from {
		return nil
	}
	if in.ToPhone != "" {
		return Invalid("to_phone", FROwnPhone)
	}
	return Invalid("to_user_id", FRInvalid)
}

// CheckCredit checks minutes staff credit a volunteer, and their memo
// (trimmed first).
func CheckCredit(minutes int, memo string) error {
	p := Problems{}
	checkMinutesAndMemo(p, minutes, memo)
	return p.Err()
}

// MayCreditTo reports whether actor may give userID minutes from a fund:
// never themselves, so that nobody mints their own time.
func MayCreditTo(actor *User, userID ID) bool {
	return actor != nil && actor.ID != userID
}

// checkMinutesAndMemo adds the problems of a movement's minutes and memo.
func checkMinutesAndMemo(p Problems, minutes int, memo string) {
	if minutes <= 0 || minutes > MaxTransferMinutes {
		p.Add("minutes", FROutOfRange)
	}
	if utf8.RuneCountInString(memo) > 200 {
		p.Add("memo", FRTooLong)
	}
}

// Crediting an activity's helpers: staff of its station give the people
// who came to help (checked in on its roster) the same minutes each, in
// one step, once per person and activity.

// ECNotStarted refuses crediting hours for an activity that has not begun.
const ECNotStarted = "not_started"

// FRNotAttended says someone named was not checked in at the activity.
const FRNotAttended = "not_attended"

// MaxRosterCredit bounds how many people one roster credit names.
const MaxRosterCredit = 500

// RosterCreditInput credits people who helped at an activity; no UserIDs
// means everyone checked in.
type RosterCreditInput struct {
	UserIDs []ID
	Minutes int
	Memo    string
}

// Validate checks what needs no database.
func (in *RosterCreditInput) Validate() error {
	p := Problems{}
	in.Memo = strings.TrimSpace(in.Memo)
	checkMinutesAndMemo(p, in.Minutes, in.Memo)
	if len(in.UserIDs) > MaxRosterCredit {
		p.Add("user_ids", FRTooLong)
	}
	for _, id := range in.UserIDs {
		if id <= 0 {
			p.Add("user_ids", FRUnknownUser)
		}
	}
	return p.Err()
}

// CheckCreditRoster says whether actor may credit the helpers of a: staff
// of its station (a host may not issue minutes), once it has begun and
// unless it was cancelled.
func CheckCreditRoster(actor *User, a *Activity, now time.Time) error {
	switch {
	case actor == nil:
		return Errorf(ECUnauthenticated)
	case !actor.WorksAt(a.StationID):
		if actor.IsStaff() {
			return Errorf(ECNotFound) // another station's: as if there were none
		}
		return Errorf(ECForbidden)
	case a.Status == ActivityCancelled:
		return Errorf(ECActivityCancelled)
	case now.Before(a.Start):
		return Errorf(ECNotStarted)
	}
	return nil
}

// RosterCredit is what a roster credit did for one person: credited, or
// passed over because they were credited for the activity already.
type RosterCredit struct {
	UserID         ID
	Name           string
	Credited       bool
	BalanceMinutes int
}

// MaxTransferMinutes bounds one movement: a thousand days of service.
const MaxTransferMinutes = 1000 * 24 * 60

// Transfer is a movement's answer: its id and the sender's balance after.
type Transfer struct {
	ID             ID
	BalanceMinutes int
}

// TimeBankService keeps the time bank. Invariant: double entry, and no
// person's balance below zero.
type TimeBankService interface {
	// MyTimeBank is the acting user's statement, newest entries first.
	MyTimeBank(ctx context.Context) (*Statement, error)
	// Transfer moves minutes from the acting user to someone.
	Transfer(ctx context.Context, in TransferInput) (*Transfer, error)
	// Credit gives a volunteer minutes from the fund of a station the
	// acting staff member works at: hours volunteered at activities.
	Credit(ctx context.Context, userID ID, minutes int, memo string) (*Transfer, error)
	// CreditRoster credits the people checked in at an activity, each
	// once; staff of its station.
	CreditRoster(ctx context.Context, activityID ID, in RosterCreditInput) ([]RosterCredit, error)
}
