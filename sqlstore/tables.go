package sqlstore

import (
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"
	"sync"
)

// Kept answers (memo.go) are let go by the tables they were read from,
// not by every write: a sign-up moves registrations and activities, and
// keeps the sessions, the stations and the board that were read before
// it. Each table has a bit; a statement's text says which tables it
// writes (INSERT INTO, UPDATE, DELETE FROM) or reads (FROM, JOIN), and
// the answer to a text is worked out once. Whatever cannot be read with
// certainty (a statement that writes no table named in the migrations, a
// DDL statement) counts as writing every table.

// tableSet is a set of tables, a bit each.
type tableSet uint64

// allTables is every table: what an unknown write moves.
const allTables = ^tableSet(0)

// tableBits numbers the migrations' tables. The last bit is shared by
// any past 63 (there are some fifty), which only lets go more than needed.
var tableBits = sync.OnceValue(func() map[string]int {
	names := map[string]bool{}
	create := regexp.MustCompile(`(?i)\bCREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?([a-z_][a-z0-9_]*)`)
	fs.WalkDir(migrations, "migrations", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Ext(p) != ".sql" {
			return nil
		}
		body, _ := migrations.ReadFile(p)
		for _, m := range create.FindAllStringSubmatch(string(body), -1) {
			names[strings.ToLower(m[1])] = true
		}
		return nil
	})
	sorted := make([]string, 0, len(names))
	for n := range names {
		sorted = append(sorted, n)
	}
	slices.Sort(sorted)
	numbered := make(map[string]int, len(sorted))
	for i, n := range sorted {
		numbered[n] = min(i, 63)
	}
	return numbered
})

// tableOf is the set of one table; false when the migrations make no
// table of that name.
func tableOf(name string) (tableSet, bool) {
	i, ok := tableBits()[strings.ToLower(name)]
	if !ok {
		return 0, false
	}
	return 1 << i, true
}

var (
	writeClause = regexp.MustCompile(`(?i)\b(FOR\s+|DO\s+)?(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+([a-z_][a-z0-9_]*)`)
	readClause  = regexp.MustCompile(`(?i)\b(?:FROM|JOIN)\s+([a-z_][a-z0-9_]*)`)
	firstWord   = regexp.MustCompile(`^\s*([A-Za-z]+)`)
)

type statementTables struct{ writes, reads tableSet }

// statements keeps what each statement's text was found to touch: the
// texts are the program's own, a fixed set but for IN lists' lengths.
var statements sync.Map // string → statementTables

// tablesOf reads which tables a statement writes and reads.
func tablesOf(query string) statementTables {
	if t, ok := statements.Load(query); ok {
		return t.(statementTables)
	}
	t := statementTables{writes: writtenBy(query), reads: readBy(query)}
	statements.Store(query, t)
	return t
}

// writtenBy is the tables a statement writes. A SELECT (or a WITH of
// selects) writes nothing; anything else that names no known table, or
// names one the migrations do not make, writes everything.
func writtenBy(query string) tableSet {
	var set tableSet
	found := false
	for _, m := range writeClause.FindAllStringSubmatch(query, -1) {
		if m[1] != "" { // SELECT … FOR UPDATE, ON CONFLICT … DO UPDATE SET
			continue
		}
		t, ok := tableOf(m[3])
		if !ok {
			return allTables
		}
		set |= t
		found = true
	}
	if found {
		return set
	}
	switch first := firstWord.FindStringSubmatch(query); {
	case first == nil:
		return allTables
	case strings.EqualFold(first[1], "SELECT"), strings.EqualFold(first[1], "WITH"):
		return 0
	default:
		return allTables
	}
}

// readBy is the known tables named after FROM or JOIN; a name that is no
// table (a WITH's name, a function) reads nothing itself.
func readBy(query string) tableSet {
	var set tableSet
	for _, m := range readClause.FindAllStringSubmatch(query, -1) {
		if t, ok := tableOf(m[1]); ok {
			set |= t
		}
	}
	return set
}

// stationTables are the tables whose every row belongs to one station
// (an activity's, a request's, a visit's): a commit that said its station
// (inStation) moves only that station's counter of them, and a load that
// said it reads one station's rows (readsStation) is let go only by that.
var stationTables = sync.OnceValue(func() tableSet {
	var set tableSet
	for _, name := range []string{"activities", "registrations", "help_requests", "visits"} {
		t, ok := tableOf(name)
		if !ok {
			panic("sqlstore: no table " + name)
		}
		set |= t
	}
	return set
})
