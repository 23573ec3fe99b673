package sqlstore

import (
	"context"
	"math/bits"
	"slices"
	"sync"

	"guli"
)

// memo keeps answers to reads while the tables they were read from stay
// as they were (see changes.go, tables.go): a commit, by this process or
// another, lets go of the answers read from a table it wrote. Most are
// public reads everyone gets the same answer to; an answer that is one
// reader's is kept under that reader (their places, their supports), and
// one only some may see (a council's roll, who voted) is handed out after
// the same checks a fresh read makes.
//
// The tables an answer was read from are those its load's statements
// named, found through the context the load is given: a load must read
// with that context, and only through the store's runners or other
// memos. Each table's counter is read just before the statement that
// reads it, and an answer is not kept when a counter it read had moved
// since the load began, so it is never kept under counters newer than
// the data it was read from.
type memo[K comparable, V any] struct {
	max int // answers kept at most; past it the memo starts afresh

	mu   sync.Mutex
	kept map[K]keptRead[V]
}

// keptRead is a kept answer and the readings it was read under.
type keptRead[V any] struct {
	answer V
	from   []reading
}

// listKey is what a kept page of a list depends on: whose list it is (a
// station's, a council's), which of it (a kind, a status), and the page
// (its cursor and length).
type listKey struct {
	of     guli.ID
	which  string
	cursor string
	limit  int
}

// get returns the answer kept for key, or loads and keeps it. load reads
// with the context it is given. Callers must not change what they get:
// copy before changing.
func (m *memo[K, V]) get(ctx context.Context, db *DB, key K, load func(ctx context.Context) (V, error)) (V, error) {
	db.DataVersion(ctx) // on SQLite, hears of other processes' commits now and then
	m.mu.Lock()
	k, ok := m.kept[key]
	m.mu.Unlock()
	if ok && db.changes.current(k.from) {
		readAll(ctx, k.from)
		return k.answer, nil
	}
	reads := newReadSet(&db.changes)
	answer, err := load(context.WithValue(ctx, readsKey{}, reads))
	if err != nil {
		return answer, err
	}
	from, keep := reads.done()
	if !keep {
		passing(ctx)
		return answer, nil
	}
	if len(from) == 1 { // read nothing the store could see: trust nothing
		return answer, nil
	}
	readAll(ctx, from)
	m.mu.Lock()
	if m.kept == nil || len(m.kept) >= m.max {
		m.kept = map[K]keptRead[V]{}
	}
	m.kept[key] = keptRead[V]{answer: answer, from: from}
	m.mu.Unlock()
	return answer, nil
}

// reading is a counter (changes.counter) as it was before something was
// read that it covers: everything (table -1), a table (station 0), or
// one station's rows of a table.
type reading struct {
	table   int
	station guli.ID
	value   uint64
}

// current reports whether nothing was written since the readings.
func (c *changes) current(from []reading) bool {
	for _, r := range from {
		if c.counter(r.table, r.station) != r.value {
			return false
		}
	}
	return true
}

// readSet collects the readings of a load or a request, and whether it
// read something already out of date that must not be kept.
type readSet struct {
	changes *changes
	start   uint64 // changes.seq when the load began

	mu       sync.Mutex
	readings []reading
	station  guli.ID // the one station the load reads the rows of (readsStation); -1: more than one
	passing  bool
	// told is the copy done last gave out, shared until a reading is
	// added or lowered: a page asks before each part it keeps.
	told []reading
}

func newReadSet(c *changes) *readSet {
	start := c.seq.Load()
	return &readSet{changes: c, start: start, readings: []reading{{table: -1, value: c.all.Load()}}}
}

// add records, before a statement reads them, the tables of set.
func (r *readSet) add(set tableSet) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if set == allTables {
		r.passing = true // no statement reads every table; it would be a guess
		return
	}
	for s := uint64(set); s != 0; s &= s - 1 {
		t := bits.TrailingZeros64(s)
		station := r.station
		if station < 0 || stationTables()&(1<<t) == 0 {
			station = 0
		}
		value := r.changes.counter(t, station)
		if value > r.start {
			// Written since the load began: a statement of a read
			// transaction begun before that commit reads the data as it
			// was, under a counter that says otherwise.
			r.passing = true
		}
		r.merge(reading{table: t, station: station, value: value})
	}
}

// merge adds a reading, keeping the older of two of the same counter.
// The lock is held.
func (r *readSet) merge(n reading) {
	for i, had := range r.readings {
		if had.table == n.table && had.station == n.station {
			if n.value < had.value {
				r.readings[i].value, r.told = n.value, nil
			}
			return
		}
	}
	r.readings, r.told = append(r.readings, n), nil
}

// done is what the load read under, and whether it may be kept.
func (r *readSet) done() ([]reading, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.told == nil {
		r.told = slices.Clone(r.readings)
	}
	return r.told, !r.passing
}

type readsKey struct{}

func readsOf(ctx context.Context) *readSet {
	r, _ := ctx.Value(readsKey{}).(*readSet)
	return r
}

// readFrom records, for the answer being loaded under ctx if any, the
// tables query reads (and writes: a write reads what it changes).
func readFrom(ctx context.Context, query string) {
	if r := readsOf(ctx); r != nil {
		t := tablesOf(query)
		r.add(t.reads | t.writes)
	}
}

// readAll records that the answer being loaded under ctx, if any,
// depends on what a kept answer used inside it was read under.
func readAll(ctx context.Context, from []reading) {
	if r := readsOf(ctx); r != nil {
		r.mu.Lock()
		for _, n := range from {
			r.merge(n)
		}
		r.mu.Unlock()
	}
}

// readsStation says that, from now on, what the load under ctx reads of
// the station tables is station's rows only.
func readsStation(ctx context.Context, station guli.ID) {
	if r := readsOf(ctx); r != nil {
		r.mu.Lock()
		if r.station == 0 {
			r.station = station
		} else if r.station != station {
			r.station = -1
		}
		r.mu.Unlock()
	}
}

// passing says that the answer being loaded under ctx, if any, was read
// from something older than the tables say (a directory still loading),
// so it serves this reader but is not kept.
func passing(ctx context.Context) {
	if r := readsOf(ctx); r != nil {
		r.mu.Lock()
		r.passing = true
		r.mu.Unlock()
	}
}

// Whole answers and parts of pages are kept by what a request read, as
// memo keeps a load's answer: the web's caches follow a request's reads
// from its start (after who is asking is known) and keep what it made
// under the readings of what it read.

// TrackReads returns ctx under which what is read is followed.
func (db *DB) TrackReads(ctx context.Context) context.Context {
	db.DataVersion(ctx) // on SQLite, hears of other processes' commits now and then
	return context.WithValue(ctx, readsKey{}, newReadSet(&db.changes))
}

// Untracked returns ctx under which reads are not followed: for what
// no kept answer or part shows (the reader's unread count).
func (db *DB) Untracked(ctx context.Context) context.Context {
	return context.WithValue(ctx, readsKey{}, (*readSet)(nil))
}

// ReadsSoFar tells what was read under ctx (TrackReads) so far; not ok
// when what was read must not be kept, or reads are not followed.
func (db *DB) ReadsSoFar(ctx context.Context) (guli.ReadStamp, bool) {
	r := readsOf(ctx)
	if r == nil {
		return nil, false
	}
	from, ok := r.done()
	if !ok {
		return nil, false
	}
	return stamp{db, from}, true
}

// stamp is what a request read under, to tell later whether it still
// holds.
type stamp struct {
	db   *DB
	from []reading
}

func (s stamp) Current(ctx context.Context) bool {
	s.db.DataVersion(ctx)
	return s.db.changes.current(s.from)
}
