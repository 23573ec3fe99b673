package sqlstore

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"math/bits"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"

	"guli"
)

// Counters move whenever something is written, by this process or another
// on the same database, so that what was read and kept (a station, a
// rendered page) can be known to be current: as long as the counters of
// what it was read from are the same, none of that has changed. There is
// one for each table, one for each station's rows of the station tables
// (tables.go), one for "anything may have changed", and the data version,
// which moves with every commit readers may see.
//
// This process's own commits move them at once (DB.tx). Other processes'
// are seen on SQLite through PRAGMA data_version, asked at most every
// externalPoll on a connection of its own, as a change of everything; and
// on PostgreSQL through LISTEN/NOTIFY: each write transaction notifies the
// schema's channel on commit, naming the process (which does not count its
// own twice) and what it wrote.

// externalPoll is how stale the version may be about other processes'
// writes on SQLite.
const externalPoll = 250 * time.Millisecond

// changes tracks the counters.
type changes struct {
	local atomic.Uint64 // this process's commits, and other processes' seen

	// Per table (tables.go), each the number (from seq) of the last
	// commit that moved it: all, of the last after which anything may
	// have changed; total[t], of the last that wrote table t; of a table
	// whose rows each belong to a station (stationTables), byStation[t][b]
	// of the last that said its station and wrote it, and other[t] of the
	// last that did not. A reading of a table (a station's rows of it, or
	// all of them) is current while its counter stays the same. Numbers,
	// not counts, so that a reading taken after its load began can be told
	// from one taken before (memo.go).
	seq       atomic.Uint64
	all       atomic.Uint64
	total     [64]atomic.Uint64
	other     [64]atomic.Uint64
	byStation [64][stationBuckets]atomic.Uint64

	mu       sync.Mutex
	polled   time.Time
	external int64 // the last PRAGMA data_version seen
	others   int64 // the writer connection's, when this process last committed
	stop     context.CancelFunc
	self     string // names this process in its notifications (PostgreSQL)
	channel  string // notified on every commit (PostgreSQL)
}

// changesChannel names the channel of a schema's commits. A channel's
// name is cut at 63 bytes by LISTEN but refused by pg_notify, so the
// schema's name, which may be that long itself, is hashed.
func changesChannel(schema string) string {
	sum := sha256.Sum256([]byte(schema))
	return "guli_changes_" + hex.EncodeToString(sum[:12])
}

// bump records that anything may have changed: a commit of another
// process, something missed.
func (c *changes) bump() {
	raise(&c.all, c.seq.Add(1))
	c.local.Add(1)
}

// raise sets a counter to n unless a later commit already set it higher.
func raise(counter *atomic.Uint64, n uint64) {
	for {
		had := counter.Load()
		if had >= n || counter.CompareAndSwap(had, n) {
			return
		}
	}
}

// wrote records a commit that wrote the tables of set, and by station
// those of scoped (runner.in); moved says it may change what readers see,
// which moves the data version too.
func (c *changes) wrote(set tableSet, scoped map[guli.ID]tableSet, moved bool) {
	n := c.seq.Add(1)
	if set == allTables {
		raise(&c.all, n)
	} else {
		for s := uint64(set); s != 0; s &= s - 1 {
			t := bits.TrailingZeros64(s)
			raise(&c.total[t], n)
			raise(&c.other[t], n)
		}
	}
	for station, set := range scoped {
		for s := uint64(set); s != 0; s &= s - 1 {
			t := bits.TrailingZeros64(s)
			raise(&c.total[t], n)
			if stationTables()&(1<<t) == 0 {
				raise(&c.other[t], n)
			} else {
				raise(&c.byStation[t][stationBucket(station)], n)
			}
		}
	}
	if moved {
		c.local.Add(1)
	}
}

// stationBuckets is how many counters a station table has: stations
// share them beyond that, which only lets go of more than needed.
const stationBuckets = 1024

func stationBucket(id guli.ID) int { return int(uint64(id) % stationBuckets) }

// counter is a reading's counter now: of everything (table -1), of a
// table (station 0), or of one station's rows of a table.
func (c *changes) counter(table int, station guli.ID) uint64 {
	switch {
	case table < 0:
		return c.all.Load()
	case station == 0 || stationTables()&(1<<table) == 0:
		return c.total[table].Load()
	default:
		return max(c.other[table].Load(), c.byStation[table][stationBucket(station)].Load())
	}
}

// committed records a commit of this process that ran anything (wrote)
// and, of those, any that may change what readers see (moved): an audit
// record alone does not. set is the tables the transaction wrote.
//
// On SQLite the commit also moves data_version, which the next poll would
// take for another process's: the value read now is taken as seen. But
// another process may have committed since this process last looked, even
// between this commit and that read, and data_version moves once for any
// number of commits. The writer connection's own data_version tells: this
// process's commits never move it, so it moves only for another's (nil:
// not known, as after a bulk load).
func (db *DB) committed(ctx context.Context, wrote, moved bool, set tableSet, scoped map[guli.ID]tableSet, writer *sql.Conn) {
	if db.dialect != sqlite {
		db.changes.wrote(set, scoped, moved)
		return
	}
	if !wrote {
		return
	}
	c := &db.changes
	c.mu.Lock()
	defer c.mu.Unlock()
	c.external = db.sqliteDataVersion(ctx)
	var others int64
	unseen := writer == nil || writer.QueryRowContext(ctx, "PRAGMA data_version").Scan(&others) != nil ||
		others != c.others || c.external == 0
	c.others = others
	if unseen {
		c.bump()
	}
	c.wrote(set, scoped, moved)
}

// sqliteDataVersion reads PRAGMA data_version on the connection kept for
// it; 0 when it cannot be read.
func (db *DB) sqliteDataVersion(ctx context.Context) int64 {
	var v int64
	if err := db.version.QueryRowContext(ctx, "PRAGMA data_version").Scan(&v); err != nil {
		return 0
	}
	return v
}

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
	v := db.sqliteDataVersion(ctx)
	if v == 0 {
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
				if _, err = conn.Exec(ctx, "LISTEN "+pgx.Identifier{db.changes.channel}.Sanitize()); err == nil {
					db.changes.bump()
					// Whatever was told while no one listened is unknown:
					// every open page looks again.
					db.hub.publish(&told{all: true})
					for {
						n, err := conn.WaitForNotification(ctx)
						if err != nil {
							break
						}
						from, rest, _ := strings.Cut(n.Payload, " ")
						if from != db.changes.self { // its own commits it counted, and woke its own pages
							set, scoped, marks := cutTables(rest)
							db.changes.wrote(set, scoped, true)
							db.hub.publish(decodeTold(marks))
						}
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

// A commit's notification names, after the process, the tables it wrote
// ("t=" and the set in hex) and those it wrote in a station ("k=" and a
// list of station:set); cutTables reads them off the rest. Without them
// (a process of an older Guli), every table may have changed.
func cutTables(rest string) (tableSet, map[guli.ID]tableSet, string) {
	word, after, _ := strings.Cut(rest, " ")
	hexSet, ok := strings.CutPrefix(word, "t=")
	if !ok {
		return allTables, nil, rest
	}
	set, err := strconv.ParseUint(hexSet, 16, 64)
	if err != nil {
		return allTables, nil, after
	}
	word, rest, _ = strings.Cut(after, " ")
	list, ok := strings.CutPrefix(word, "k=")
	if !ok {
		return tableSet(set), nil, after
	}
	scoped := map[guli.ID]tableSet{}
	for _, item := range strings.Split(list, ",") {
		id, hexSet, _ := strings.Cut(item, ":")
		station, err1 := strconv.ParseInt(id, 10, 64)
		written, err2 := strconv.ParseUint(hexSet, 16, 64)
		if err1 != nil || err2 != nil || station <= 0 {
			return allTables, nil, rest
		}
		scoped[guli.ID(station)] |= tableSet(written)
	}
	return tableSet(set), scoped, rest
}

// tablesWords is what cutTables reads.
func tablesWords(set tableSet, scoped map[guli.ID]tableSet) string {
	var b strings.Builder
	b.WriteString("t=" + strconv.FormatUint(uint64(set), 16))
	sep := " k="
	for station, written := range scoped {
		b.WriteString(sep + strconv.FormatInt(int64(station), 10) + ":" + strconv.FormatUint(uint64(written), 16))
		sep = ","
	}
	return b.String()
}
