package sqlstore_test

import (
	"maps"
	"slices"
	"testing"

	"guli"
	"guli/sqlstore"
)

// What a statement writes lets go of the answers read from those tables
// only; reading a statement wrong either way would keep a stale answer
// (a write missed) or let go of too much (a read taken for a write).
func TestStatementTables(t *testing.T) {
	tests := []struct {
		query         string
		writes, reads []string
	}{
		{"SELECT id FROM stations WHERE id = ?", nil, []string{"stations"}},
		{"SELECT a.id FROM activities a JOIN rooms r ON r.id = a.room_id", nil, []string{"activities", "rooms"}},
		{"SELECT id FROM activities WHERE id = ? FOR UPDATE", nil, []string{"activities"}},
		{"select 1 from registrations where exists (select 1 from users u where u.id = ?)", nil, []string{"registrations", "users"}},
		{"INSERT INTO registrations (activity_id, user_id) VALUES (?, ?)", []string{"registrations"}, nil},
		{"UPDATE activities SET confirmed = confirmed + 1 WHERE id = ?", []string{"activities"}, nil},
		{"DELETE FROM sessions WHERE expires_at < ?", []string{"sessions"}, []string{"sessions"}},
		{"INSERT INTO notifications (user_id, kind) SELECT id, ? FROM users WHERE station_id = ?", []string{"notifications"}, []string{"users"}},
		{"INSERT INTO counters (name, value) VALUES (?, 1) ON CONFLICT (name) DO UPDATE SET value = counters.value + 1", []string{"counters"}, nil},
		{"WITH gone AS (DELETE FROM sessions WHERE user_id = ? RETURNING 1) UPDATE users SET name = ?", []string{"sessions", "users"}, []string{"sessions"}},
		{"WITH recent AS (SELECT id FROM posts) SELECT id FROM recent", nil, []string{"posts"}},
		{"SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", nil, nil},
		// What cannot be read with certainty writes everything.
		{"INSERT INTO no_such_table VALUES (1)", []string{"*"}, nil},
		{"PRAGMA wal_checkpoint", []string{"*"}, nil},
		{"VACUUM", []string{"*"}, nil},
		{"ALTER TABLE users ADD COLUMN x INTEGER", []string{"*"}, nil},
		{"", []string{"*"}, nil},
	}
	for _, tt := range tests {
		writes, reads := sqlstore.StatementTables(tt.query)
		if !slices.Equal(writes, tt.writes) || !slices.Equal(reads, tt.reads) {
			t.Errorf("%q: writes %v reads %v, want writes %v reads %v", tt.query, writes, reads, tt.writes, tt.reads)
		}
	}
}

// Another process reads what a commit wrote from its notification; what
// it cannot read is taken as a write of everything, never of nothing.
func TestNotifiedTables(t *testing.T) {
	words := sqlstore.TablesWords(0x5, map[guli.ID]uint64{3: 0x1, 40: 0x2})
	all, tables, scoped, rest := sqlstore.CutTables(words + " u=1,2")
	if all || tables != 0x5 || !maps.Equal(scoped, map[guli.ID]uint64{3: 0x1, 40: 0x2}) || rest != "u=1,2" {
		t.Errorf("%q read back as all=%v %x %v %q", words, all, tables, scoped, rest)
	}
	tests := []struct {
		payload string
		all     bool
		rest    string
	}{
		{"t=5", false, ""},
		{"u=1,2", true, "u=1,2"}, // an older process's: no tables named
		{"all", true, "all"},
		{"", true, ""},
		{"t=zz u=1", true, "u=1"},
		{"t=5 k=x:1 u=1", true, "u=1"},
		{"t=5 k=3:zz", true, ""},
		{"t=5 k=-3:1", true, ""},
	}
	for _, tt := range tests {
		all, _, _, rest := sqlstore.CutTables(tt.payload)
		if all != tt.all || rest != tt.rest {
			t.Errorf("%q: all=%v rest %q, want all=%v rest %q", tt.payload, all, rest, tt.all, tt.rest)
		}
	}
}
