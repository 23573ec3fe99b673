package sqlstore

import (
	"errors"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	msqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

type dialect int

const (
	sqlite dialect = iota
	postgres
)

func (d dialect) String() string {
	if d == postgres {
		return "postgres"
	}
	return "sqlite"
}

// rebind rewrites ? placeholders to $1, $2… for PostgreSQL. Queries here never
// hold a literal question mark.
func (d dialect) rebind(q string) string {
	if d != postgres || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 8)
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

// forUpdate locks the selected rows until the transaction ends. SQLite has no
// row locks and needs none: BEGIN IMMEDIATE already holds the one write lock.
func (d dialect) forUpdate() string {
	if d == postgres {
		return " FOR UPDATE"
	}
	return ""
}

// forShare locks the selected rows against change (and against FOR UPDATE)
// until the transaction ends, letting others share them.
func (d dialect) forShare() string {
	if d == postgres {
		return " FOR SHARE"
	}
	return ""
}

// retryable reports a transaction that lost a race and may be run again.
func (d dialect) retryable(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "40001" || pe.Code == "40P01" // serialization_failure, deadlock_detected
	}
	var se *msqlite.Error
	if errors.As(err, &se) {
		c := se.Code() & 0xff
		return c == sqlite3.SQLITE_BUSY || c == sqlite3.SQLITE_LOCKED
	}
	return false
}

// isUnique reports a unique-constraint violation; constraint is matched
// against the constraint name (PostgreSQL) or the "table.column" list in the
// message (SQLite), so say e.g. "users_phone" and "users.phone" alike by
// passing the column: "phone".
func isUnique(err error, column string) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23505" && strings.Contains(pe.ConstraintName, column)
	}
	var se *msqlite.Error
	if errors.As(err, &se) {
		c := se.Code()
		return (c == sqlite3.SQLITE_CONSTRAINT_UNIQUE || c == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY) &&
			strings.Contains(se.Error(), column)
	}
	return false
}

// isForeignKey reports a foreign-key violation.
func isForeignKey(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23503"
	}
	var se *msqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
	}
	return false
}
