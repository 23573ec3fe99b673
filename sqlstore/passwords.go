package sqlstore

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"database/sql"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"guli"
)

// The password life cycle: changing one's password, signing out everywhere,
// the one-time reset code staff give at the desk, and the code texted to a
// number that signs up.

const (
	resetCodeDigits = 8 // read out at the desk, typed once
	smsCodeDigits   = 6
	smsCodeLifetime = 10 * time.Minute
	maxCodeAttempts = 5 // wrong tries before a code stops working
)

// randomDigits returns n random decimal digits.
func randomDigits(n int) string {
	limit := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n)), nil)
	v, err := rand.Int(rand.Reader, limit)
	if err != nil {
		panic(err) // crypto/rand does not fail
	}
	return fmt.Sprintf("%0*d", n, v)
}

// codeHash is how a code is stored: bound to what it is for, so a leaked
// table does not hand out codes and a code for one number fits no other.
func codeHash(purpose, owner, code string) string {
	return hashToken(purpose + "\x1f" + owner + "\x1f" + code)
}

func sameHash(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

// LogoutAll ends every session of the acting user.
func (s *Accounts) LogoutAll(ctx context.Context) error {
	me, err := guli.RequireUser(ctx)
	if err != nil {
		return err
	}
	return s.db.tx(ctx, func(q runner) error {
		_, err := q.exec(ctx, "DELETE FROM sessions WHERE user_id = ?", me.ID)
		return err
	})
}

// ChangePassword changes the acting user's password, knowing the current
// one, and ends every other session of theirs. Wrong current passwords are
// throttled per person: a session left open on a shared phone must not
// become a way to guess the password. Two changes at once cannot both
// succeed: the second finds the password it knew replaced.
func (s *Accounts) ChangePassword(ctx context.Context, in guli.ChangePasswordInput) error {
	me, err := guli.RequireUser(ctx)
	if err != nil {
		return err
	}
	p := guli.Problems{}
	if in.Current == "" {
		p.Add("current_password", guli.FRRequired)
	}
	guli.CheckNewPassword(p, "new_password", in.New, me.Phone)
	if err := p.Err(); err != nil {
		return err
	}
	var current string
	if err := s.db.read().row(ctx, "SELECT password_hash FROM users WHERE id = ?", me.ID).Scan(&current); err != nil {
		return s.db.mapErr(notFound(err))
	}
	guess := limited{guli.ThrottleChangePassword, me.ID.String()}
	charged, err := s.db.reserve(ctx, []limited{guess}, guess)
	if err != nil {
		return err
	}
	wrong := &guli.Error{Code: guli.ECWrongPassword, Fields: map[string]string{"current_password": guli.FRWrongPassword}}
	ok, err := s.db.verify(ctx, in.ClientAddr, in.Current, current)
	if err != nil {
		return errors.Join(err, s.db.forgiveNow(ctx, charged))
	}
	if !ok {
		return wrong
	}
	hash, err := s.db.hash(ctx, in.ClientAddr, in.New)
	if err != nil {
		return errors.Join(err, s.db.forgiveNow(ctx, charged))
	}
	return s.db.tx(ctx, func(q runner) error {
		if err := forgive(ctx, q, charged); err != nil {
			return err
		}
		res, err := q.exec(ctx, "UPDATE users SET password_hash = ? WHERE id = ? AND password_hash = ?", hash, me.ID, current)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return wrong // changed meanwhile: what was given is no longer the current password
		}
		_, err = q.exec(ctx, "DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?", me.ID, hashToken(in.Keep))
		return err
	})
}

// IssueResetCode makes a one-time code for a resident who forgot their
// password; a new code replaces the last. Staff only, audited.
func (s *Accounts) IssueResetCode(ctx context.Context, userID guli.ID) (*guli.ResetCode, error) {
	actor, err := guli.RequireStaff(ctx)
	if err != nil {
		return nil, err
	}
	rc := &guli.ResetCode{Code: randomDigits(resetCodeDigits)}
	err = s.db.tx(ctx, func(q runner) error {
		target, err := personIn(ctx, q, userID)
		if err != nil {
			return err
		}
		if !actor.SeesPrivateDataOf(target) {
			return hidden()
		}
		if !guli.MayResetPassword(actor, target) {
			return guli.Errorf(guli.ECForbidden)
		}
		if target.Phone == "" {
			return guli.Invalid("user_id", guli.FRNoPhone)
		}
		now := s.db.now()
		rc.ExpiresAt = now.Add(guli.ResetCodeLifetime)
		if _, err := q.exec(ctx, `INSERT INTO reset_codes (user_id, code_hash, attempts, issued_by, created_at, expires_at)
			VALUES (?, ?, 0, ?, ?, ?)
			ON CONFLICT (user_id) DO UPDATE SET code_hash = excluded.code_hash, attempts = 0,
				issued_by = excluded.issued_by, created_at = excluded.created_at, expires_at = excluded.expires_at`,
			userID, codeHash("reset", userID.String(), rc.Code), nullID(actor.ID), ms(now), ms(rc.ExpiresAt)); err != nil {
			return err
		}
		return audit(ctx, q, now, actor, "user.password_reset", userID, "")
	})
	if err != nil {
		return nil, err
	}
	return rc, nil
}

// ResetPassword sets a new password with a reset code. Nothing costly
// happens for a wrong code: it is checked before the new password is
// hashed, and counted against the code (five wrong tries and it stops
// working) and the asking address. The code works once: it is checked
// again and used up in the transaction that sets the password, which also
// ends every session of the account. A code also stops working when the
// account's roles change, or when whoever gave it may no longer give it.
func (s *Accounts) ResetPassword(ctx context.Context, in guli.ResetInput) error {
	phone := guli.NormalizePhone(in.Phone)
	code := strings.TrimSpace(guli.FoldWidth(in.Code))
	p := guli.Problems{}
	switch {
	case phone == "":
		p.Add("phone", guli.FRRequired)
	case !guli.ValidPhone(phone):
		p.Add("phone", guli.FRInvalidPhone)
	}
	if code == "" {
		p.Add("code", guli.FRRequired)
	}
	guli.CheckNewPassword(p, "new_password", in.NewPassword, phone)
	if err := p.Err(); err != nil {
		return err
	}
	byAddr := limited{guli.ThrottleLoginAddr, in.ClientAddr}
	if err := s.db.checkThrottles(ctx, byAddr); err != nil {
		return err
	}
	wrong := &guli.Error{Code: guli.ECInvalidCode, Fields: map[string]string{"code": guli.FRInvalidCode}}
	refuse := func(err error) error { return errors.Join(err, s.db.recordFailures(ctx, byAddr)) }
	userID, err := s.checkResetCode(ctx, phone, code, false)
	if err != nil {
		if guli.ErrorCode(err) == guli.ECInvalidCode {
			return refuse(wrong)
		}
		return err
	}
	hash, err := s.db.hash(ctx, in.ClientAddr, in.NewPassword)
	if err != nil {
		return err
	}
	err = s.db.tx(ctx, func(q runner) error {
		if _, err := checkResetCodeIn(ctx, q, s.db.now(), phone, code, true); err != nil {
			return err
		}
		if _, err := q.exec(ctx, "UPDATE users SET password_hash = ? WHERE id = ?", hash, userID); err != nil {
			return err
		}
		_, err := q.exec(ctx, "DELETE FROM sessions WHERE user_id = ?", userID)
		return err
	})
	if guli.ErrorCode(err) == guli.ECInvalidCode {
		return refuse(wrong) // used by a parallel reset
	}
	return err
}

// checkResetCode checks a reset code in a transaction of its own, counting
// a wrong try against the code.
func (s *Accounts) checkResetCode(ctx context.Context, phone, code string, use bool) (guli.ID, error) {
	var userID guli.ID
	err := s.db.tx(ctx, func(q runner) error {
		var err error
		userID, err = checkResetCodeIn(ctx, q, s.db.now(), phone, code, use)
		return err
	})
	return userID, err
}

// checkResetCodeIn checks the reset code of the account with phone and,
// with use, uses it up; a wrong try is counted (and committed). It answers
// invalid_code for a wrong, spent or expired code, and for a code whose
// giver may no longer reset this account's password.
func checkResetCodeIn(ctx context.Context, q runner, now time.Time, phone, code string, use bool) (guli.ID, error) {
	wrong := guli.Errorf(guli.ECInvalidCode)
	var userID int64
	var stored string
	var attempts int
	var expires int64
	var issuer sql.NullInt64
	err := q.row(ctx, `SELECT u.id, c.code_hash, c.attempts, c.expires_at, c.issued_by
		FROM users u JOIN reset_codes c ON c.user_id = u.id WHERE u.phone = ?`+q.d.forUpdate(), phone).
		Scan(&userID, &stored, &attempts, &expires, &issuer)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, wrong
	}
	if err != nil {
		return 0, err
	}
	id := guli.ID(userID)
	if !now.Before(fromMS(expires)) || attempts >= maxCodeAttempts {
		return 0, wrong
	}
	if !sameHash(stored, codeHash("reset", id.String(), code)) {
		if _, err := q.exec(ctx, "UPDATE reset_codes SET attempts = attempts + 1 WHERE user_id = ?", id); err != nil {
			return 0, err
		}
		return 0, commitAnd(wrong)
	}
	target, err := personIn(ctx, q, id)
	if err != nil {
		return 0, err
	}
	giver, err := personIn(ctx, q, guli.ID(issuer.Int64))
	if err != nil || !guli.MayResetPassword(giver, target) {
		_, err := q.exec(ctx, "DELETE FROM reset_codes WHERE user_id = ?", id)
		return 0, errors.Join(err, commitAnd(wrong))
	}
	if use {
		if _, err := q.exec(ctx, "DELETE FROM reset_codes WHERE user_id = ?", id); err != nil {
			return 0, err
		}
	}
	return id, nil
}

// SendSMSCode texts a registration code to a number that has no account
// yet. Every text counts against the number and the asking address, so
// nobody can flood a phone with messages or run up the station's bill.
func (s *Accounts) SendSMSCode(ctx context.Context, in guli.SMSCodeInput) error {
	if s.sms == nil {
		return guli.Errorf(guli.ECNotFound) // registration here needs no code
	}
	phone := guli.NormalizePhone(in.Phone)
	switch {
	case phone == "":
		return guli.Invalid("phone", guli.FRRequired)
	case !guli.ValidPhone(phone):
		return guli.Invalid("phone", guli.FRInvalidPhone)
	}
	// Whether a number has an account is told only as often as a
	// registration would tell it.
	probe := limited{guli.ThrottleRegisterAddr, in.ClientAddr}
	if err := s.db.checkThrottles(ctx, probe); err != nil {
		return err
	}
	taken, err := s.db.read().exists(ctx, "SELECT 1 FROM users WHERE phone = ?", phone)
	if err != nil {
		return s.db.mapErr(err)
	}
	if taken {
		return s.db.refuse(ctx, probe, errPhoneTaken())
	}
	byPhone, byAddr := limited{guli.ThrottleSMSPhone, phone}, limited{guli.ThrottleSMSAddr, in.ClientAddr}
	if _, err := s.db.reserve(ctx, []limited{byPhone, byAddr}, byPhone, byAddr); err != nil {
		return err
	}
	code := randomDigits(smsCodeDigits)
	err = s.db.tx(ctx, func(q runner) error {
		now := s.db.now()
		_, err := q.exec(ctx, `INSERT INTO sms_codes (phone, code_hash, attempts, created_at, expires_at) VALUES (?, ?, 0, ?, ?)
			ON CONFLICT (phone) DO UPDATE SET code_hash = excluded.code_hash, attempts = 0,
				created_at = excluded.created_at, expires_at = excluded.expires_at`,
			phone, codeHash("sms", phone, code), ms(now), ms(now.Add(smsCodeLifetime)))
		return err
	})
	if err != nil {
		return err
	}
	if err := s.sms.SendCode(ctx, phone, code); err != nil {
		return guli.Wrap(guli.ECUnavailable, fmt.Errorf("sending a text message: %w", err))
	}
	return nil
}

// checkSMSCode checks the code texted to phone without using it up; a
// wrong try is counted against the code.
func (s *Accounts) checkSMSCode(ctx context.Context, phone, code string) error {
	return s.db.tx(ctx, func(q runner) error { return s.smsCode(ctx, q, phone, code, false) })
}

// useSMSCode checks the code texted to phone and uses it up, in the
// transaction that creates the account.
func (s *Accounts) useSMSCode(ctx context.Context, q runner, phone, code string) error {
	return s.smsCode(ctx, q, phone, code, true)
}

func (s *Accounts) smsCode(ctx context.Context, q runner, phone, code string, use bool) error {
	code = strings.TrimSpace(guli.FoldWidth(code))
	if code == "" {
		return &guli.Error{Code: guli.ECInvalidCode, Fields: map[string]string{"sms_code": guli.FRRequired}}
	}
	wrong := &guli.Error{Code: guli.ECInvalidCode, Fields: map[string]string{"sms_code": guli.FRInvalidCode}}
	var stored string
	var attempts int
	var expires int64
	err := q.row(ctx, "SELECT code_hash, attempts, expires_at FROM sms_codes WHERE phone = ?"+q.d.forUpdate(), phone).
		Scan(&stored, &attempts, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return wrong
	}
	if err != nil {
		return err
	}
	if !s.db.now().Before(fromMS(expires)) || attempts >= maxCodeAttempts {
		return wrong
	}
	if !sameHash(stored, codeHash("sms", phone, code)) {
		if _, err := q.exec(ctx, "UPDATE sms_codes SET attempts = attempts + 1 WHERE phone = ?", phone); err != nil {
			return err
		}
		return commitAnd(wrong)
	}
	if use {
		_, err = q.exec(ctx, "DELETE FROM sms_codes WHERE phone = ?", phone)
	}
	return err
}
