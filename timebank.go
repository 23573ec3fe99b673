package guli

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
