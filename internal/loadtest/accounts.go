package loadtest

import (
	"bufio"
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
func ReadAccounts(r io.Reader) ([]Account, error) {
	var out []Account
	sc := bufio.NewScanner(r)
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
