package sqlstore

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
)

// The data version moves whenever anything is written, by this process or
// another on the same database, so that what was read and kept (a station,
// a rendered page) can be known to be current: as long as the version is
// the same, nothing has changed. It is coarse on purpose, one number for
// everything: a station writes a few times a second at most and reads
// hundreds of times.
//
// This process's own commits move it at once (DB.tx). Other processes'
// are seen on SQLite through PRAGMA data_version, asked at most every
// externalPoll on a connection of its own, and on PostgreSQL through
// LISTEN/NOTIFY: each write transaction notifies guli_changes on commit.

// externalPoll is how stale the version may be about other processes'
// writes on SQLite.
const externalPoll = 250 * time.Millisecond

// changes tracks the data version.
type changes struct {
	local atomic.Uint64 // this process's commits, and other processes' seen

	mu       sync.Mutex
	polled   time.Time
	external int64 // the last PRAGMA data_version seen
	stop     context.CancelFunc
}

// bump records a commit.
func (c *changes) bump() { c.local.Add(1) }

// DataVersion returns a number that differs from any earlier one when
// anything was written since.
func (db *DB) DataVersion(ctx context.Context) uint64 {
	if db.dialect == sqlite {
		db.pollSQLite(ctx)
	}
	return db.changes.local.Load()
}

// pollSQLite asks SQLite, now and then, whether another connection
// (another process) committed: data_version changes on a connection when
// any other connection commits, the writer of this process included.
func (db *DB) pollSQLite(ctx context.Context) {
	c := &db.changes
	c.mu.Lock()
	defer c.mu.Unlock()
	if time.Since(c.polled) < externalPoll {
		return
	}
	c.polled = time.Now()
	var v int64
	if err := db.version.QueryRowContext(ctx, "PRAGMA data_version").Scan(&v); err != nil {
		return
	}
	if v != c.external {
		c.external = v
		c.bump()
	}
}

// listenPostgres follows other processes' commits until the DB closes. A
// lost connection is taken as a change (something may have been missed)
// and made again.
func (db *DB) listenPostgres(dsn string) {
	ctx, cancel := context.WithCancel(context.Background())
	db.changes.stop = cancel
	go func() {
		for ctx.Err() == nil {
			conn, err := pgx.Connect(ctx, dsn)
			if err == nil {
				if _, err = conn.Exec(ctx, "LISTEN guli_changes"); err == nil {
					db.changes.bump()
					for {
						if _, err = conn.WaitForNotification(ctx); err != nil {
							break
						}
						db.changes.bump()
					}
				}
				conn.Close(context.Background())
			}
			db.changes.bump()
			select {
			case <-ctx.Done():
			case <-time.After(time.Second):
			}
		}
	}()
}
