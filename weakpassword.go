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
//
// The checks look through the disguises a guesser also tries: letter case,
// full-width characters (１２３４５６７８), spaces (1234 5678), and the
// country code before a number (+86, 0086).
func PasswordWeakness(pw, phone string) string {
	if utf8.RuneCountInString(pw) < MinPasswordLength {
		return FRPasswordShort
	}
	bare := strings.ToLower(strings.Join(strings.Fields(FoldWidth(pw)), ""))
	if first, _ := utf8.DecodeRuneInString(bare); strings.Trim(bare, string(first)) == "" {
		return FRPasswordOneChar
	}
	digits := strings.NewReplacer("-", "", "+", "").Replace(bare)
	for _, prefix := range []string{"0086", "86"} {
		if len(digits) > 11 {
			digits = strings.TrimPrefix(digits, prefix)
		}
	}
	if phone != "" && (digits == phone || len(phone) == 11 && digits == phone[3:]) {
		return FRPasswordIsPhone
	}
	common := commonPasswords()
	for _, candidate := range []string{strings.ToLower(pw), bare} {
		if _, ok := common[candidate]; ok {
			return FRPasswordCommon
		}
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
