package guli

import (
	"bufio"
	"embed"
	"strings"
	"sync"
	"unicode/utf8"
)

// ECWeakPassword refuses a new password that is easy to guess; its field
// reason says why.
const ECWeakPassword = "weak_password"

// Reasons a new password is weak. A validation error whose only problems
// are these has the code weak_password (see Problems.Err).
const (
	FRPasswordShort   = "password_too_short"
	FRPasswordOneChar = "password_one_char"
	FRPasswordIsPhone = "password_is_phone"
	FRPasswordCommon  = "password_common"
)

var weakReasons = map[string]bool{FRPasswordShort: true, FRPasswordOneChar: true, FRPasswordIsPhone: true, FRPasswordCommon: true}

//go:embed wordlists/common-passwords*.txt
var wordlists embed.FS

// commonPasswords is the set of passwords guessers try first, lower-cased.
var commonPasswords = sync.OnceValue(func() map[string]struct{} {
	set := map[string]struct{}{}
	for _, name := range []string{"wordlists/common-passwords.txt", "wordlists/common-passwords-zh.txt"} {
		f, err := wordlists.Open(name)
		if err != nil {
			panic(err) // embedded: a missing file is a build defect
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if w := strings.TrimSpace(sc.Text()); w != "" && !strings.HasPrefix(w, "#") {
				set[w] = struct{}{}
			}
		}
		f.Close()
	}
	return set
})

// PasswordWeakness says why pw is too easy to guess as the password of the
// account with phone: shorter than 8 characters, one character repeated, the
// phone number itself, or one of the most common passwords. It returns ""
// for a password strong enough.
func PasswordWeakness(pw, phone string) string {
	if utf8.RuneCountInString(pw) < MinPasswordLength {
		return FRPasswordShort
	}
	first, _ := utf8.DecodeRuneInString(pw)
	if strings.Trim(pw, string(first)) == "" {
		return FRPasswordOneChar
	}
	digits := NormalizePhone(pw)
	digits = strings.TrimPrefix(strings.TrimPrefix(digits, "+"), "86")
	if phone != "" && (digits == phone || len(phone) == 11 && digits == phone[3:]) {
		return FRPasswordIsPhone
	}
	if _, common := commonPasswords()[strings.ToLower(pw)]; common {
		return FRPasswordCommon
	}
	return ""
}

// CheckNewPassword checks a password someone chooses for the account with
// phone, adding what is wrong with it to p under field.
func CheckNewPassword(p Problems, field, pw, phone string) {
	switch {
	case pw == "":
		p.Add(field, FRRequired)
	case len(pw) > MaxPasswordLength:
		p.Add(field, FRTooLong)
	default:
		if why := PasswordWeakness(pw, phone); why != "" {
			p.Add(field, why)
		}
	}
}
