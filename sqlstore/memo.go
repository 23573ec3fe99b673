package sqlstore

import (
	"context"
	"sync"

	"guli"
)

// memo keeps answers to reads while the data version stays the same (see
// changes.go): any commit, by this process or another, lets all of them
// go. Most are public reads everyone gets the same answer to; an answer
// that is one reader's is kept under that reader (their places, their
// supports), and one only some may see (a council's roll, who voted) is
// handed out after the same checks a fresh read makes.
//
// The version is read before the answer is loaded, so an answer is never
// kept under a version newer than the data it was read from.
type memo[K comparable, V any] struct {
	max int // answers kept at most; past it the memo starts afresh

	mu      sync.Mutex
	version uint64
	kept    map[K]V
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

// get returns the answer kept for key, or loads and keeps it. Callers
// must not change what they get: copy before changing.
func (m *memo[K, V]) get(ctx context.Context, db *DB, key K, load func() (V, error)) (V, error) {
	v := db.DataVersion(ctx)
	m.mu.Lock()
	if m.version != v || m.kept == nil {
		m.version, m.kept = v, map[K]V{}
	}
	answer, ok := m.kept[key]
	m.mu.Unlock()
	if ok {
		return answer, nil
	}
	answer, err := load()
	if err != nil {
		return answer, err
	}
	m.mu.Lock()
	if m.version == v {
		if len(m.kept) >= m.max {
			m.kept = map[K]V{}
		}
		m.kept[key] = answer
	}
	m.mu.Unlock()
	return answer, nil
}
