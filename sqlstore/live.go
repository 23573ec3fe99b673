package sqlstore

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"guli"
)

// Live notifications. A write transaction that leaves notifications
// records on its runner whom it told (notify does; a set-based insert
// marks its station with told.station). After the commit DB.tx hands the
// marks to this process's hub, and on PostgreSQL the commit's NOTIFY on
// the changes channel carries them to every other process, whose
// listener feeds its own hub (changes.go). The hub wakes the open pages
// of the people told; each page then reads its count through the
// services, so the hub carries no data, only "look again".

// Limits on listeners: an open page holds one, a person several pages.
const (
	listenersPerUser = 5
	maxListeners     = 10000
	// maxToldPayload keeps a NOTIFY under PostgreSQL's 8000 bytes; marks
	// that do not fit are sent as "everyone look again".
	maxToldPayload = 7000
)

// told is whom a transaction's notifications went to.
type told struct {
	users    map[guli.ID]bool
	stations map[guli.ID]bool // everyone whose home station it is
	all      bool             // everyone
}

func (t *told) empty() bool { return t == nil || !t.all && len(t.users) == 0 && len(t.stations) == 0 }

// notified marks a person told, in a write transaction.
func (q runner) notified(userID guli.ID) {
	if q.told == nil {
		return
	}
	if q.told.users == nil {
		q.told.users = map[guli.ID]bool{}
	}
	q.told.users[userID] = true
}

// notifiedStation marks everyone whose home station is stationID as told,
// for a set-based insert of notifications to a whole station: one mark,
// not one for each of thousands of residents.
func (q runner) notifiedStation(stationID guli.ID) {
	if q.told == nil {
		return
	}
	if q.told.stations == nil {
		q.told.stations = map[guli.ID]bool{}
	}
	q.told.stations[stationID] = true
}

// wakeGuardians adds to those a transaction told the guardians, under an
// active link, of the people it told: a dependent's notifications are in
// their guardians' inboxes too, and a child kept without an account has
// no page of their own to wake. One look at the links for the
// transaction, in it, before its marks go out.
func wakeGuardians(ctx context.Context, q runner, t *told) error {
	if t.empty() || t.all || len(t.users) == 0 {
		return nil
	}
	people := make([]guli.ID, 0, len(t.users))
	for id := range t.users {
		people = append(people, id)
	}
	slices.Sort(people)
	for chunk := range slices.Chunk(people, 500) {
		guardians, err := ids(ctx, q, "SELECT DISTINCT guardian_id FROM family_links WHERE status = 'active' AND dependent_id IN ("+
			placeholders(len(chunk))+")", anys(chunk)...)
		if err != nil {
			return err
		}
		for _, g := range guardians {
			t.users[g] = true
		}
	}
	return nil
}

// encode writes the marks for a NOTIFY payload: "u=1,2 s=3", or "all"
// when they would not fit in max bytes.
func (t *told) encode(max int) string {
	if t.empty() {
		return ""
	}
	if t.all {
		return "all"
	}
	var b strings.Builder
	list := func(prefix string, ids map[guli.ID]bool) {
		if len(ids) == 0 {
			return
		}
		sorted := make([]guli.ID, 0, len(ids))
		for id := range ids {
			sorted = append(sorted, id)
		}
		slices.Sort(sorted)
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(prefix)
		for i, id := range sorted {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.FormatInt(int64(id), 10))
		}
	}
	list("u=", t.users)
	list("s=", t.stations)
	if b.Len() > max {
		return "all"
	}
	return b.String()
}

// decodeTold reads marks written by encode; what it cannot read it takes
// as "everyone", since a missed wake-up is worse than a spare one.
func decodeTold(s string) *told {
	t := &told{}
	for _, part := range strings.Fields(s) {
		key, ids, _ := strings.Cut(part, "=")
		var into *map[guli.ID]bool
		switch key {
		case "all":
			return &told{all: true}
		case "u":
			into = &t.users
		case "s":
			into = &t.stations
		default:
			return &told{all: true}
		}
		for _, v := range strings.Split(ids, ",") {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n <= 0 {
				return &told{all: true}
			}
			if *into == nil {
				*into = map[guli.ID]bool{}
			}
			(*into)[guli.ID(n)] = true
		}
	}
	return t
}

// hub fans wake-ups out to the listeners of this process.
type hub struct {
	perUser, max int

	mu        sync.Mutex
	byUser    map[guli.ID]map[*listener]bool
	byStation map[guli.ID]map[*listener]bool
	n         int
}

type listener struct {
	user, station guli.ID
	c             chan struct{}
}

func newHub(perUser, max int) *hub {
	return &hub{perUser: perUser, max: max, byUser: map[guli.ID]map[*listener]bool{}, byStation: map[guli.ID]map[*listener]bool{}}
}

// listen adds a listener for user, whose home station is station (0:
// none), until ctx ends.
func (h *hub) listen(ctx context.Context, user, station guli.ID) (<-chan struct{}, error) {
	l := &listener{user: user, station: station, c: make(chan struct{}, 1)}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.n >= h.max || len(h.byUser[user]) >= h.perUser {
		return nil, &guli.Error{Code: guli.ECRateLimited, Note: guli.NoteBusy, RetryAfter: time.Minute}
	}
	add(h.byUser, user, l)
	if station != 0 {
		add(h.byStation, station, l)
	}
	h.n++
	context.AfterFunc(ctx, func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		remove(h.byUser, user, l)
		if station != 0 {
			remove(h.byStation, station, l)
		}
		h.n--
	})
	return l.c, nil
}

func add(m map[guli.ID]map[*listener]bool, k guli.ID, l *listener) {
	if m[k] == nil {
		m[k] = map[*listener]bool{}
	}
	m[k][l] = true
}

func remove(m map[guli.ID]map[*listener]bool, k guli.ID, l *listener) {
	delete(m[k], l)
	if len(m[k]) == 0 {
		delete(m, k)
	}
}

// publish wakes the listeners of those told.
func (h *hub) publish(t *told) {
	if t.empty() {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if t.all {
		for _, ls := range h.byUser {
			wakeAll(ls)
		}
		return
	}
	for u := range t.users {
		wakeAll(h.byUser[u])
	}
	for s := range t.stations {
		wakeAll(h.byStation[s])
	}
}

// listeners counts the listeners held.
func (h *hub) listeners() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.n
}

func wakeAll(ls map[*listener]bool) {
	for l := range ls {
		select {
		case l.c <- struct{}{}:
		default: // a wake-up is already waiting: one does for both
		}
	}
}

// Live implements guli.LiveService on the hub of db.
type Live struct{ db *DB }

// NewLive returns the live service of db.
func NewLive(db *DB) *Live { return &Live{db: db} }

var _ guli.LiveService = (*Live)(nil)

// Listen implements guli.LiveService.
func (s *Live) Listen(ctx context.Context) (<-chan struct{}, error) {
	me, err := guli.RequireUser(ctx)
	if err != nil {
		return nil, err
	}
	var station int64
	err = s.db.read().row(ctx, "SELECT a.station_id FROM users u JOIN areas a ON a.id = u.area_id WHERE u.id = ?", me.ID).Scan(&station)
	if err != nil && !isNotFound(err) {
		return nil, s.db.mapErr(err)
	}
	return s.db.hub.listen(ctx, me.ID, guli.ID(station))
}
