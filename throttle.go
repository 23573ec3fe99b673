package guli

import "time"

// ThrottleRule slows down guessing (passwords, codes) and flooding (text
// messages, registrations) without locking anyone out for long: the first
// Free failures in Window cost nothing; after that each further try waits,
// counted from the latest failure, First, then twice as long each time, up
// to Max. A wait that grows beats a hard lockout: a guesser gets a handful
// of tries an hour, while the owner who mistyped waits seconds, not
// fifteen minutes.
type ThrottleRule struct {
	Scope  string // names the rule's failures in storage
	Free   int
	First  time.Duration
	Max    time.Duration
	Window time.Duration
}

// Wait returns how long from now the next try must wait, given the number
// of failures in the window and when the latest was; 0 means go ahead.
func (r ThrottleRule) Wait(failures int, latest, now time.Time) time.Duration {
	if failures < r.Free {
		return 0
	}
	delay := r.Max
	if shift := failures - r.Free; shift < 32 && r.First<<shift < r.Max && r.First<<shift > 0 {
		delay = r.First << shift
	}
	return max(0, latest.Add(delay).Sub(now))
}

// The throttles. Failures are what count (texts sent are the exception), so
// a busy desk whose residents sign in with the right password one after
// another is never held up.
var (
	// Wrong passwords for one phone number, from any client that has not
	// signed in to that account before. Remembered for a day, so a guesser
	// settles at four tries an hour.
	ThrottleLoginPhone = ThrottleRule{Scope: "login-phone", Free: 5, First: 30 * time.Second, Max: 15 * time.Minute, Window: 24 * time.Hour}
	// Wrong passwords from one client address, for any numbers: one guesser
	// trying many accounts. Generous: a station's Wi-Fi is one address.
	ThrottleLoginAddr = ThrottleRule{Scope: "login-addr", Free: 30, First: 10 * time.Second, Max: 15 * time.Minute, Window: time.Hour}
	// Wrong passwords from a device that has signed in to the account
	// before: the owner's own phone is slowed only by its own mistakes.
	ThrottleLoginDevice = ThrottleRule{Scope: "login-device", Free: 10, First: 30 * time.Second, Max: 15 * time.Minute, Window: time.Hour}
	// Registrations refused from one client address (a taken number, a
	// wrong text-message code): someone probing which numbers have accounts.
	ThrottleRegisterAddr = ThrottleRule{Scope: "register-addr", Free: 10, First: 30 * time.Second, Max: 15 * time.Minute, Window: time.Hour}
	// Text messages sent to one number: every send counts, so nobody can
	// flood a neighbour's phone with codes.
	ThrottleSMSPhone = ThrottleRule{Scope: "sms-phone", Free: 1, First: time.Minute, Max: time.Hour, Window: 24 * time.Hour}
	// Text messages asked for from one client address.
	ThrottleSMSAddr = ThrottleRule{Scope: "sms-addr", Free: 10, First: time.Minute, Max: time.Hour, Window: 24 * time.Hour}
	// Wrong current passwords given to change one's password: a phone left
	// signed in is no way to guess it. Counted per person, apart from
	// logins, so strangers' wrong logins never stop the owner changing it.
	ThrottleChangePassword = ThrottleRule{Scope: "change-password", Free: 5, First: 30 * time.Second, Max: 15 * time.Minute, Window: 24 * time.Hour}
	// A volunteer giving back a request they took, counted per volunteer
	// and request: each claim and each release tells the requester, so
	// taking it back again waits once it was given back twice.
	ThrottleReclaim = ThrottleRule{Scope: "help-reclaim", Free: 2, First: time.Hour, Max: 24 * time.Hour, Window: 24 * time.Hour}
	// Wrong check-in codes of one person.
	ThrottleCheckinUser = ThrottleRule{Scope: "checkin-user", Free: 10, First: 30 * time.Second, Max: 15 * time.Minute, Window: time.Hour}
	// Wrong check-in codes at one station, from everyone: many accounts
	// sharing out the million six-digit codes still get few tries.
	ThrottleCheckinStation = ThrottleRule{Scope: "checkin-station", Free: 60, First: 5 * time.Second, Max: 5 * time.Minute, Window: time.Hour}
	// Exports of one person's data: every export is a write (its audit
	// entry) and lists every earlier one, so a flood of them would hold up
	// everyone's writes and grow without end. Every export counts; a person
	// takes ten a day before waiting.
	ThrottleExport = ThrottleRule{Scope: "export", Free: 10, First: time.Minute, Max: time.Hour, Window: 24 * time.Hour}
	// Monthly reports and volunteers' certificates staff make: each is an
	// audited read, so a script or a stolen session downloading in a loop
	// would hold up everyone's writes and grow the audit log without end.
	// Every one counts, per person: an admin making every station's and
	// area's files in both formats at the month's end stays under two
	// hundred a day, and a flood then settles at a few an hour.
	ThrottleReport = ThrottleRule{Scope: "report", Free: 200, First: 10 * time.Second, Max: 10 * time.Minute, Window: 24 * time.Hour}
)
