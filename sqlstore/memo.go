package sqlstore

import (
	"context"
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
// memos. The tables' version is taken before the load, so an answer is
// never kept under a version newer than the data it was read from.
type memo[K comparable, V any] struct {
	max int // answers kept at most; past it the memo starts afresh

	mu   sync.Mutex
	kept map[K]keptRead[V]
}

// keptRead is a kept answer, what it was read from, and their version
// then.
type keptRead[V any] struct {
	answer  V
	from    tableSet
	version uint64
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
	if ok && db.changes.versionOf(k.from) == k.version {
		readTables(ctx, k.from)
		return k.answer, nil
	}
	before := db.changes.snapshot()
	reads := &readSet{}
	answer, err := load(context.WithValue(ctx, readsKey{}, reads))
	if err != nil {
		return answer, err
	}
	from := reads.set
	if reads.passing {
		passing(ctx)
		return answer, nil
	}
	if from == 0 {
		from = allTables // read nothing the store could see: trust nothing
	}
	readTables(ctx, from)
	m.mu.Lock()
	if m.kept == nil || len(m.kept) >= m.max {
		m.kept = map[K]keptRead[V]{}
	}
	m.kept[key] = keptRead[V]{answer: answer, from: from, version: before.of(from)}
	m.mu.Unlock()
	return answer, nil
}

// readSet collects the tables a load reads, and whether it read
// something already out of date that must not be kept.
type readSet struct {
	mu      sync.Mutex
	set     tableSet
	passing bool
	// before is the tables' versions when a request began to be
	// followed (TrackReads); nil for a memo's load, which takes its own.
	before *tableVersions
}

type readsKey struct{}

// readFrom records, for the answer being loaded under ctx if any, the
// tables query reads.
func readFrom(ctx context.Context, query string) {
	if r, _ := ctx.Value(readsKey{}).(*readSet); r != nil {
		readTables(ctx, tablesOf(query).reads|tablesOf(query).writes)
	}
}

// readTables records that the answer being loaded under ctx, if any,
// depends on set: a kept answer used inside another's load passes on
// what it was read from.
func readTables(ctx context.Context, set tableSet) {
	if r, ok := ctx.Value(readsKey{}).(*readSet); ok && r != nil {
		r.mu.Lock()
		r.set |= set
		r.mu.Unlock()
	}
}

// passing says that the answer being loaded under ctx, if any, was read
// from something older than the tables say (a directory still loading),
// so it serves this reader but is not kept.
func passing(ctx context.Context) {
	if r, ok := ctx.Value(readsKey{}).(*readSet); ok && r != nil {
		r.mu.Lock()
		r.passing = true
		r.mu.Unlock()
	}
}

// Whole answers and parts of pages are kept by what a request read, as
// memo keeps a load's answer: the web's caches follow a request's reads
// from its start (after who is asking is known) and keep what it made
// under the version, when it began, of the tables it read.

// TrackReads returns ctx under which the tables read are followed, from
// their versions now.
func (db *DB) TrackReads(ctx context.Context) context.Context {
	db.DataVersion(ctx) // on SQLite, hears of other processes' commits now and then
	before := db.changes.snapshot()
	return context.WithValue(ctx, readsKey{}, &readSet{before: &before})
}

// Untracked returns ctx under which reads are not followed: for what
// no kept answer or part shows (the reader's unread count).
func (db *DB) Untracked(ctx context.Context) context.Context {
	return context.WithValue(ctx, readsKey{}, (*readSet)(nil))
}

// ReadsSoFar tells the tables read under ctx (TrackReads) so far and
// their version when it began; not ok when what was read must not be
// kept, or reads are not followed.
func (db *DB) ReadsSoFar(ctx context.Context) (tables, version uint64, ok bool) {
	r, _ := ctx.Value(readsKey{}).(*readSet)
	if r == nil || r.before == nil {
		return 0, 0, false
	}
	r.mu.Lock()
	set, passing := r.set, r.passing
	r.mu.Unlock()
	if passing {
		return 0, 0, false
	}
	return uint64(set), r.before.of(set), true
}

// VersionOf is the version now of the tables ReadsSoFar told.
func (db *DB) VersionOf(ctx context.Context, tables uint64) uint64 {
	db.DataVersion(ctx)
	return db.changes.versionOf(tableSet(tables))
}
