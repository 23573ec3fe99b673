package loadtest

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Account is a person the full mix may sign in as: a line of an accounts
// file.
type Account struct {
	Role  string // resident, volunteer, staff or admin
	Phone string
	Pass  string
}

// The roles of an accounts file's lines. A talent counts as a volunteer
// (talents help as volunteers do).
var accountRoles = map[string]string{"resident": "resident", "volunteer": "volunteer", "talent": "volunteer", "staff": "staff", "admin": "admin"}

// ReadAccounts reads an accounts file: a line a person,
// role<TAB>phone<TAB>password, the role one of resident, volunteer
// (or talent), staff and admin. Blank lines, lines starting with # and a
// header line (role<TAB>phone<TAB>password) are skipped. The password is
// the rest of the line after the second tab, as it is.
//
// The file `guli demo --residents N --accounts FILE` writes, JSON, is read
// too: its password for every account of a kind above (people without a
// phone and the demo's own are left out).
func ReadAccounts(r io.Reader) ([]Account, error) {
	br := bufio.NewReader(r)
	if first, err := firstByte(br); err == nil && first == '{' {
		return readDistrictAccounts(br)
	}
	var out []Account
	sc := bufio.NewScanner(br)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.SplitN(line, "\t", 3)
		if len(f) != 3 || f[1] == "" || f[2] == "" {
			return nil, fmt.Errorf("accounts, line %d: want role<TAB>phone<TAB>password", n)
		}
		role := strings.ToLower(strings.TrimSpace(f[0]))
		if n == 1 && role == "role" {
			continue
		}
		kind, ok := accountRoles[role]
		if !ok {
			return nil, fmt.Errorf("accounts, line %d: role %q is none of resident, volunteer, staff, admin", n, f[0])
		}
		out = append(out, Account{Role: kind, Phone: strings.TrimSpace(f[1]), Pass: f[2]})
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("accounts: no one in the file")
	}
	return out, nil
}

func firstByte(br *bufio.Reader) (byte, error) {
	for {
		b, err := br.Peek(1)
		if err != nil {
			return 0, err
		}
		if !strings.ContainsRune(" \t\r\n", rune(b[0])) {
			return b[0], nil
		}
		br.ReadByte()
	}
}

// readDistrictAccounts reads the accounts a synthetic district was written
// with.
func readDistrictAccounts(r io.Reader) ([]Account, error) {
	var file struct {
		Password string `json:"password"`
		Admin    []struct {
			Phone string `json:"phone"`
		} `json:"admin"`
		Accounts []struct {
			Kind  string `json:"kind"`
			Phone string `json:"phone"`
		} `json:"accounts"`
	}
	if err := json.NewDecoder(r).Decode(&file); err != nil {
		return nil, fmt.Errorf("accounts: %w", err)
	}
	var out []Account
	for _, a := range file.Admin {
		out = append(out, Account{Role: "admin", Phone: a.Phone, Pass: file.Password})
	}
	for _, a := range file.Accounts {
		role, ok := accountRoles[a.Kind]
		if a.Kind == "talent" {
			// A district's talents are not all volunteers: as one, a
			// talent without the role would be refused the requests
			// volunteers read and claim (404). They sign in as residents.
			role = "resident"
		}
		if ok && a.Phone != "" {
			out = append(out, Account{Role: role, Phone: a.Phone, Pass: file.Password})
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("accounts: no one in the file")
	}
	return out, nil
}
