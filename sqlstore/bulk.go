package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"guli"
)

// A bulk load writes many rows fast, for filling an empty database with a
// synthetic district (guli demo --residents, package demo/district). Rows
// are appended to tables; each table's are buffered and written as
// multi-row INSERTs of one prepared statement on SQLite, or with COPY on
// PostgreSQL, in large transactions on one connection held for the whole
// load. It goes round the services, their rules, locks and audit: what it
// writes must be consistent already, and CheckConsistency and CheckLedger
// say whether it is.
//
// On SQLite the load lifts what makes each single write safe and slow,
// and restores it when it ends: foreign keys are not checked row by row
// (CheckConsistency runs PRAGMA foreign_key_check over everything once),
// commits do not wait for the disk (synchronous OFF: a crash halfway
// leaves a load to start again, never a served database), and the page
// cache is larger. On PostgreSQL the session commits without waiting for
// the disk, and foreign keys are checked as each COPY ends, so a table's
// rows go in after those of every table declared before it: declare
// tables parents first, and append a row only after the rows it names.
// When the load ends each table's id sequence moves past the ids it
// chose.
//
// Rows do not wait for the end: a table's buffer is written when it is
// full, and the transaction commits every bulkCommitRows rows, so memory
// stays bounded however much is loaded. A load that fails halfway leaves
// what it committed.
type Bulk struct {
	db      *DB
	ctx     context.Context
	conn    *sql.Conn
	tables  []*BulkTable
	inTx    bool
	pending int   // rows written since the last commit
	rows    int64 // rows written
	held    int   // values buffered, of every table
	err     error
	lifted  bool // SQLite's pragmas are lifted and must be restored
}

// BulkTable is a table of a bulk load and the columns its rows give.
type BulkTable struct {
	b     *Bulk
	pos   int // its place in the order tables are written in
	name  string
	cols  []string
	buf   []any // the buffered rows' values, row after row
	n     int   // rows buffered
	batch int   // rows a full buffer holds
	stmt  *sql.Stmt
	ids   bool // has an id column, whose sequence follows the load (PostgreSQL)
	rows  int64
	// parents are the tables declared before it that its foreign keys
	// name (PostgreSQL), read at its first flush.
	parents []*BulkTable
}

const (
	// bulkCommitRows is how many rows a transaction of a load holds.
	bulkCommitRows = 250_000
	// bulkCopyValues is how many values of a table wait for a COPY, and
	// bulkHeldValues how many of every table together: memory stays
	// bounded (a value is 16 bytes and what it points to).
	bulkCopyValues = 200_000
	bulkHeldValues = 1_000_000
	// bulkParams bounds one INSERT's values on SQLite (its limit is 32,766).
	bulkParams = 30_000
	// bulkCacheKiB is SQLite's page cache during a load (the default is 2 MiB):
	// larger made no load of a million residents faster here, and modernc's
	// allocator holds about twice the pages' bytes.
	bulkCacheKiB = 32 << 10
)

// fillingCounter marks a database a fill is writing (guli demo
// --residents), from ClaimEmpty until Bulk.Filled.
const fillingCounter = "filling"

// ClaimEmpty claims an empty database for a fill that goes round the
// services: in one transaction it finds no station, no account and no
// other fill, and marks the database as being filled. It reports false
// when the database is not empty. Two fills started at once cannot both
// find it empty, and one that stops halfway (killed, interrupted, failed)
// leaves the mark: Empty says the database is not, and CheckConsistency
// that the fill did not finish.
func (db *DB) ClaimEmpty(ctx context.Context) (bool, error) {
	claimed := false
	err := db.tx(ctx, func(q runner) error {
		found, err := holdsAnything(ctx, q)
		if err != nil || found {
			return err
		}
		// A fill claiming at the same moment waits here for this one's
		// commit (the counter's key) and then inserts nothing.
		res, err := q.exec(ctx, "INSERT INTO counters (name, n) VALUES (?, 1) ON CONFLICT (name) DO NOTHING", fillingCounter)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		claimed = n == 1
		return err
	})
	return claimed, err
}

// Filled ends a fill begun with ClaimEmpty: the mark goes in the load's
// last transaction, with its last rows.
func (b *Bulk) Filled() error {
	return b.Exec("DELETE FROM counters WHERE name = ?", fillingCounter)
}

// Bulk starts a bulk load. Nothing else may write meanwhile: the load
// holds the writer (on SQLite, the one connection that writes). Declare
// the tables with Table, append rows, and Close to write the rest and
// restore the connection, or Abort.
func (db *DB) Bulk(ctx context.Context) (*Bulk, error) {
	conn, err := db.w.Conn(ctx)
	if err != nil {
		return nil, err
	}
	b := &Bulk{db: db, ctx: ctx, conn: conn}
	if db.dialect == sqlite {
		b.lifted = true
		for _, p := range []string{"PRAGMA foreign_keys = OFF", "PRAGMA synchronous = OFF",
			fmt.Sprintf("PRAGMA cache_size = -%d", bulkCacheKiB), "PRAGMA temp_store = MEMORY"} {
			if _, err := conn.ExecContext(ctx, p); err != nil {
				b.release()
				return nil, err
			}
		}
	} else if _, err := conn.ExecContext(ctx, "SET synchronous_commit = off"); err != nil {
		b.release()
		return nil, err
	}
	return b, nil
}

// Table declares a table and the columns rows will give, in the order
// they give them. Tables are written in the order they are declared.
func (b *Bulk) Table(name string, columns ...string) *BulkTable {
	t := &BulkTable{b: b, pos: len(b.tables), name: name, cols: columns, batch: max(1000, bulkCopyValues/len(columns))}
	for _, c := range columns {
		t.ids = t.ids || c == "id"
	}
	if b.db.dialect == sqlite {
		t.batch = max(1, min(1000, bulkParams/len(columns)))
	}
	b.tables = append(b.tables, t)
	return t
}

// Add appends a row, its values in the order of the table's columns:
// integers, strings, or nil for NULL. A failure is kept and returned by
// Err and Close; rows after it are not written.
func (t *BulkTable) Add(values ...any) {
	b := t.b
	if b.err != nil {
		return
	}
	if len(values) != len(t.cols) {
		b.err = fmt.Errorf("bulk load: %d values for the %d columns of %s", len(values), len(t.cols), t.name)
		return
	}
	if t.buf == nil && b.db.dialect == sqlite {
		t.buf = make([]any, 0, t.batch*len(t.cols)) // one statement's, reused
	}
	t.buf = append(t.buf, values...)
	t.n++
	b.held += len(values)
	switch {
	case b.held >= bulkHeldValues:
		b.err = b.Flush() // every table, parents first
	case t.n >= t.batch:
		b.err = t.flushAfterParents()
	}
	if b.err == nil && b.pending >= bulkCommitRows {
		b.err = b.commit()
	}
}

// flushAfterParents writes the table's buffered rows, on PostgreSQL
// after those of the tables declared before it that its foreign keys
// name (and theirs before them), since each COPY's keys are checked as
// it ends.
func (t *BulkTable) flushAfterParents() error {
	b := t.b
	if b.db.dialect != postgres {
		return t.flush()
	}
	if t.parents == nil {
		t.parents = []*BulkTable{}
		if err := b.begin(); err != nil {
			return err
		}
		rows, err := b.conn.QueryContext(b.ctx, `SELECT DISTINCT p.relname FROM pg_constraint c JOIN pg_class p ON p.oid = c.confrelid
			WHERE c.contype = 'f' AND c.conrelid = to_regclass($1)`, t.name)
		if err != nil {
			return err
		}
		for rows.Next() {
			var name string
			if err := rows.Scan(&name); err != nil {
				rows.Close()
				return err
			}
			// Parents declared after it (a station's rule names a
			// resolution) are the caller's to order: it updates them later.
			for _, u := range b.tables[:t.pos] {
				if u.name == name {
					t.parents = append(t.parents, u)
				}
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	for _, p := range t.parents {
		if err := p.flushAfterParents(); err != nil {
			return err
		}
	}
	return t.flush()
}

// Rows is how many rows of the table were written so far.
func (t *BulkTable) Rows() int64 { return t.rows + int64(t.n) }

// Err is the load's failure, if any.
func (b *Bulk) Err() error { return b.err }

// Rows is how many rows the load has written or holds.
func (b *Bulk) Rows() int64 {
	n := b.rows
	for _, t := range b.tables {
		n += int64(t.n)
	}
	return n
}

// begin starts the load's transaction if none is open.
func (b *Bulk) begin() error {
	if b.inTx {
		return nil
	}
	begin := "BEGIN"
	if b.db.dialect == sqlite {
		begin = "BEGIN IMMEDIATE"
	}
	if _, err := b.conn.ExecContext(b.ctx, begin); err != nil {
		return err
	}
	b.inTx = true
	return nil
}

// flush writes the table's buffered rows.
func (t *BulkTable) flush() error {
	if t.n == 0 {
		return nil
	}
	b := t.b
	if err := b.begin(); err != nil {
		return err
	}
	var err error
	if b.db.dialect == postgres {
		err = b.conn.Raw(func(dc any) error {
			c, ok := dc.(*stdlib.Conn)
			if !ok {
				return fmt.Errorf("bulk load: a connection of %T, not pgx's", dc)
			}
			_, err := c.Conn().CopyFrom(b.ctx, pgx.Identifier{t.name}, t.cols, &copySource{vals: t.buf, width: len(t.cols), row: -1})
			return err
		})
	} else {
		err = t.insert()
	}
	if err != nil {
		return fmt.Errorf("bulk load of %s: %w", t.name, err)
	}
	t.rows += int64(t.n)
	b.rows += int64(t.n)
	b.pending += t.n
	b.held -= len(t.buf)
	t.buf, t.n = t.buf[:0], 0
	return nil
}

// insert writes the buffer with one INSERT (SQLite): the prepared one of
// a full buffer's rows, or one made for fewer.
func (t *BulkTable) insert() error {
	b := t.b
	query := "INSERT INTO " + t.name + " (" + strings.Join(t.cols, ", ") + ") VALUES " + valueRows(t.n, len(t.cols))
	if t.n < t.batch {
		_, err := b.conn.ExecContext(b.ctx, query, t.buf...)
		return err
	}
	if t.stmt == nil {
		st, err := b.conn.PrepareContext(b.ctx, query)
		if err != nil {
			return err
		}
		t.stmt = st
	}
	_, err := t.stmt.ExecContext(b.ctx, t.buf...)
	return err
}

// copySource gives a buffer's rows to COPY.
type copySource struct {
	vals  []any
	width int
	row   int
}

func (s *copySource) Next() bool { s.row++; return (s.row+1)*s.width <= len(s.vals) }
func (s *copySource) Values() ([]any, error) {
	return s.vals[s.row*s.width : (s.row+1)*s.width], nil
}
func (s *copySource) Err() error { return nil }

// Flush writes every table's buffered rows, in the order of the tables.
func (b *Bulk) Flush() error {
	if b.err != nil {
		return b.err
	}
	for _, t := range b.tables {
		if b.err = t.flush(); b.err != nil {
			return b.err
		}
	}
	return nil
}

// commit writes what waits and commits the load's transaction.
func (b *Bulk) commit() error {
	if err := b.Flush(); err != nil {
		return err
	}
	if !b.inTx {
		return nil
	}
	b.inTx = false
	b.pending = 0
	_, err := b.conn.ExecContext(b.ctx, "COMMIT")
	return err
}

// Exec writes what waits, then runs a statement (with ? placeholders) in
// the load's transaction: an UPDATE of rows written before, say.
func (b *Bulk) Exec(query string, args ...any) error {
	if err := b.Flush(); err != nil {
		return err
	}
	if err := b.begin(); err != nil {
		return err
	}
	if _, err := b.conn.ExecContext(b.ctx, b.db.dialect.rebind(query), args...); err != nil {
		b.err = fmt.Errorf("bulk load: %w", err)
	}
	return b.err
}

// QueryInts writes what waits, then reads one row of integers (NULL
// reads 0); no row reads zeros.
func (b *Bulk) QueryInts(query string, args ...any) ([]int64, error) {
	if err := b.Flush(); err != nil {
		return nil, err
	}
	if err := b.begin(); err != nil {
		return nil, err
	}
	rows, err := b.conn.QueryContext(b.ctx, b.db.dialect.rebind(query), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	vals := make([]sql.NullInt64, len(cols))
	out := make([]int64, len(cols))
	if rows.Next() {
		dest := make([]any, len(cols))
		for i := range vals {
			dest[i] = &vals[i]
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		for i, v := range vals {
			out[i] = v.Int64
		}
	}
	return out, rows.Err()
}

// NextID returns the id after the largest a table holds: where the load's
// own ids for it may start.
func (b *Bulk) NextID(table string) (int64, error) {
	v, err := b.QueryInts("SELECT MAX(id) FROM " + table)
	if err != nil {
		return 0, err
	}
	return v[0] + 1, nil
}

// Close writes what waits, commits, and gives the connection back as it
// was: on PostgreSQL with each table's id sequence past the load's ids.
// Readers of this process see the new rows at once, and on PostgreSQL
// other processes are told, as after any write.
func (b *Bulk) Close() error {
	err := b.commit()
	if err == nil && b.db.dialect == postgres {
		for _, t := range b.tables {
			if !t.ids || t.rows == 0 {
				continue
			}
			if _, err = b.conn.ExecContext(b.ctx, "SELECT setval(pg_get_serial_sequence($1, 'id'), (SELECT MAX(id) FROM "+t.name+"))", t.name); err != nil {
				err = fmt.Errorf("bulk load: the ids of %s: %w", t.name, err)
				break
			}
		}
	}
	if err != nil {
		b.Abort()
		return err
	}
	if err := b.release(); err != nil {
		return err
	}
	b.db.committed(b.ctx, true, true, allTables, nil, nil)
	if b.db.dialect == postgres {
		if _, err := b.db.w.ExecContext(b.ctx, "SELECT pg_notify($1, $2)", b.db.changes.channel, b.db.changes.self+" all"); err != nil {
			return err
		}
	}
	return nil
}

// Abort ends a load that failed: what its transaction holds is rolled
// back, what it committed stays.
func (b *Bulk) Abort() {
	if b.conn == nil {
		return
	}
	if b.inTx {
		b.conn.ExecContext(context.WithoutCancel(b.ctx), "ROLLBACK")
		b.inTx = false
	}
	b.release()
	if b.err == nil {
		b.err = errors.New("bulk load aborted")
	}
}

// release restores the connection's settings and gives it back.
func (b *Bulk) release() error {
	if b.conn == nil {
		return nil
	}
	ctx := context.WithoutCancel(b.ctx)
	for _, t := range b.tables {
		if t.stmt != nil {
			t.stmt.Close()
			t.stmt = nil
		}
	}
	var err error
	if b.lifted {
		for _, p := range []string{"PRAGMA foreign_keys = ON", "PRAGMA synchronous = " + strings.ToUpper(b.db.synchronous),
			"PRAGMA cache_size = -2000", "PRAGMA temp_store = DEFAULT", "PRAGMA wal_checkpoint(TRUNCATE)"} {
			if _, e := b.conn.ExecContext(ctx, p); e != nil {
				err = errors.Join(err, e)
			}
		}
		b.lifted = false
	} else if b.db.dialect == postgres {
		_, err = b.conn.ExecContext(ctx, "RESET synchronous_commit")
	}
	if err != nil {
		// A connection whose settings could not be restored is not given
		// back to the pool.
		b.conn.Raw(func(any) error { return driver.ErrBadConn })
	}
	err = errors.Join(err, b.conn.Close())
	b.conn = nil
	return err
}

// The encodings of the columns that hold more than one value, for a load
// that writes them (see columns.go).

// HoursColumn is opening hours (a station's, a volunteer's availability)
// as stored.
func HoursColumn(oh guli.OpeningHours) string { return hoursColumn(oh) }

// IDsColumn is a list of ids as stored (a volunteer's areas).
func IDsColumn(ids []guli.ID) string { return idsColumn(ids) }

// RolesColumn is a person's roles as stored, in canonical order.
func RolesColumn(roles []guli.Role) string { return joinRoles(guli.SortRoles(roles)) }
