package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"sync"
	"time"

	"guli"
)

// Matching ranks volunteers for a request among every volunteer who could
// help, which at a district's size is a hundred thousand people: too many
// to read from the database for each request. So what changes rarely,
// volunteers' profiles and records of services confirmed, is kept in
// memory, and what changes often and is small, requests in hand and claims
// of the last weeks, is read each time.
//
// What is kept is kept under counters the database moves in the
// transaction of each change (migration 0006): the directory of profiles
// under "volunteers", a station's records under "confirmed:<station>".
// Reading two counters tells whether what is kept is still current, in
// this process or any other on the same database.

const volunteersCounter = "volunteers"

func confirmedCounter(station guli.ID) string { return "confirmed:" + station.String() }

// bumpCounter moves a counter in the transaction of the change it stands for.
func bumpCounter(ctx context.Context, q runner, name string) error {
	_, err := q.exec(ctx, "INSERT INTO counters (name, n) VALUES (?, 1) ON CONFLICT (name) DO UPDATE SET n = counters.n + 1", name)
	return err
}

// counters reads counters; one never moved reads 0.
func counters(ctx context.Context, q runner, names ...string) (map[string]int64, error) {
	out := make(map[string]int64, len(names))
	rows, err := q.query(ctx, "SELECT name, n FROM counters WHERE name IN ("+placeholders(len(names))+")", anys(names)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		var n int64
		if err := rows.Scan(&name, &n); err != nil {
			return nil, err
		}
		out[name] = n
	}
	return out, rows.Err()
}

// directory is every volunteer with a profile, indexed for matching.
type directory struct {
	version    int64
	volunteers []guli.VolunteerFacts // what does not change with each request
	bySkill    map[skillAt][]int32   // volunteers of a station with a skill
	byArea     map[guli.ID][]int32   // volunteers who live or help in an area
}

// skillAt is a skill at a station: the volunteers who live in one of its
// areas or offer to help in one.
type skillAt struct {
	station guli.ID
	skill   string
}

// records counts services confirmed at a station, per volunteer.
type records struct {
	version  int64
	services map[guli.ID]int
}

// matching keeps the directory and the stations' records.
//
// A district's directory takes a second or more to load, so one load runs
// at a time, in the background: a caller holding an older directory waits
// for the new one a moment (staleWait) and otherwise ranks on the older
// one; only the first caller, with none at all, waits for the load.
type matching struct {
	db *DB

	mu      sync.Mutex
	dir     *directory
	loading chan struct{} // closed when the load under way ends; nil when none runs
	loadErr error         // how the last load failed
	records map[guli.ID]*records
}

// staleWait is how long a caller waits for a directory being loaded when it
// could rank on the one before.
const staleWait = 100 * time.Millisecond

// directory returns the directory of the given version, or, while that is
// loading, the one before it after waiting patience for the new one. A
// transaction asks with no patience: it holds a connection, and on SQLite
// the one writer, while it waits.
func (m *matching) directory(ctx context.Context, version int64, patience time.Duration) (*directory, error) {
	m.mu.Lock()
	if m.dir != nil && m.dir.version == version {
		d := m.dir
		m.mu.Unlock()
		return d, nil
	}
	done := m.loading
	if done == nil {
		done = make(chan struct{})
		m.loading = done
		// The load outlives the reader, and its reads are not the reader's.
		go m.load(context.WithValue(context.WithoutCancel(ctx), readsKey{}, (*readSet)(nil)), version, done)
	}
	before := m.dir
	m.mu.Unlock()
	var wait <-chan time.Time
	if before != nil {
		if patience <= 0 {
			passing(ctx)
			return before, nil
		}
		timer := time.NewTimer(patience)
		defer timer.Stop()
		wait = timer.C
	}
	select {
	case <-done:
	case <-wait:
		passing(ctx)
		return before, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.dir == nil {
		return nil, m.loadErr
	}
	if m.dir.version != version {
		passing(ctx)
	}
	return m.dir, nil
}

// warm brings the directory up to date before a transaction asks for it:
// the load needs a connection of its own, and a transaction that waited
// for it would hold one, so enough of them at once (PostgreSQL's pool is
// shared) would leave the load none until they all gave up. Before the
// transaction a caller waits for the first directory, and at most
// staleWait for a newer one; inside it, not at all.
func (m *matching) warm(ctx context.Context) error {
	versions, err := counters(ctx, m.db.read(), volunteersCounter)
	if err != nil {
		return err
	}
	_, err = m.directory(ctx, versions[volunteersCounter], staleWait)
	return err
}

// load reads the directory and keeps it, unless a newer one is kept.
func (m *matching) load(ctx context.Context, version int64, done chan struct{}) {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	d, err := loadDirectory(ctx, m.db.read(), version)
	m.mu.Lock()
	if err == nil && (m.dir == nil || d.version >= m.dir.version) {
		m.dir = d
	}
	m.loadErr, m.loading = err, nil
	m.mu.Unlock()
	close(done)
}

// loadDirectory reads every volunteer's profile.
func loadDirectory(ctx context.Context, q runner, version int64) (*directory, error) {
	stationOf := map[guli.ID]guli.ID{}
	rows, err := q.query(ctx, "SELECT id, station_id FROM areas")
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var area, station int64
		if err := rows.Scan(&area, &station); err != nil {
			rows.Close()
			return nil, err
		}
		stationOf[guli.ID(area)] = guli.ID(station)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, err
	}
	d := &directory{version: version, bySkill: map[skillAt][]int32{}, byArea: map[guli.ID][]int32{}}
	rows, err = q.query(ctx, `SELECT p.user_id, COALESCE(u.area_id, 0), u.roles, p.skills, p.area_ids, p.availability
		FROM volunteer_profiles p JOIN users u ON u.id = p.user_id ORDER BY p.user_id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id, home int64
		var roles, skillsCol, areasCol, hoursCol string
		if err := rows.Scan(&id, &home, &roles, &skillsCol, &areasCol, &hoursCol); err != nil {
			return nil, err
		}
		if !slices.Contains(parseRoles(roles), guli.RoleVolunteer) {
			continue
		}
		v := guli.VolunteerFacts{UserID: guli.ID(id), HomeAreaID: guli.ID(home)}
		var names []string
		if err := json.Unmarshal([]byte(skillsCol), &names); err != nil {
			return nil, err
		}
		v.Skills = guli.Skills(names...)
		if v.AreaIDs, err = parseIDsColumn(areasCol); err != nil {
			return nil, err
		}
		if len(v.AreaIDs) == 0 {
			v.AreaIDs = nil
		}
		hours, err := parseHoursColumn(hoursCol)
		if err != nil {
			return nil, err
		}
		if hours.OpenDays() > 0 {
			v.Availability = &hours
		}
		i := int32(len(d.volunteers))
		d.volunteers = append(d.volunteers, v)
		var stations []guli.ID
		for _, a := range append([]guli.ID{v.HomeAreaID}, v.AreaIDs...) {
			if a == 0 {
				continue
			}
			if list := d.byArea[a]; len(list) == 0 || list[len(list)-1] != i {
				d.byArea[a] = append(list, i)
			}
			if st, ok := stationOf[a]; ok && !slices.Contains(stations, st) {
				stations = append(stations, st)
			}
		}
		for _, st := range stations {
			for _, skill := range guli.HelpCategories {
				if v.Skills.Has(skill) {
					key := skillAt{st, skill}
					d.bySkill[key] = append(d.bySkill[key], i)
				}
			}
		}
	}
	return d, rows.Err()
}

// current returns the directory and the station's records as the
// counters say they are, loading what moved.
func (m *matching) current(ctx context.Context, q runner, station guli.ID, patience time.Duration) (*directory, map[guli.ID]int, error) {
	confirmed := confirmedCounter(station)
	versions, err := counters(ctx, q, volunteersCounter, confirmed)
	if err != nil {
		return nil, nil, err
	}
	dir, err := m.directory(ctx, versions[volunteersCounter], patience)
	if err != nil {
		return nil, nil, err
	}
	m.mu.Lock()
	r := m.records[station]
	m.mu.Unlock()
	if r == nil || r.version != versions[confirmed] {
		services, err := countBy(ctx, q, `SELECT volunteer_id, COUNT(*) FROM help_requests
			WHERE station_id = ? AND status = ? GROUP BY volunteer_id`, station, guli.HelpConfirmed)
		if err != nil {
			return nil, nil, err
		}
		r = &records{version: versions[confirmed], services: services}
		m.mu.Lock()
		if m.records == nil || len(m.records) > 10_000 {
			m.records = map[guli.ID]*records{}
		}
		m.records[station] = r
		m.mu.Unlock()
	}
	return dir, r.services, nil
}

// countBy reads (id, count) rows into a map.
func countBy(ctx context.Context, q runner, query string, args ...any) (map[guli.ID]int, error) {
	rows, err := q.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[guli.ID]int{}
	for rows.Next() {
		var id sql.NullInt64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		if id.Valid {
			out[guli.ID(id.Int64)] = n
		}
	}
	return out, rows.Err()
}

// rank ranks the volunteers who could help with h, as of now.
func (m *matching) rank(ctx context.Context, q runner, h *guli.HelpRequest, loc *time.Location, now time.Time, patience time.Duration) ([]guli.Candidate, error) {
	dir, services, err := m.current(ctx, q, h.StationID, patience)
	if err != nil {
		return nil, err
	}
	inHand, err := countBy(ctx, q, "SELECT volunteer_id, COUNT(*) FROM help_requests WHERE status = ? GROUP BY volunteer_id", guli.HelpClaimed)
	if err != nil {
		return nil, err
	}
	lately, err := countBy(ctx, q, `SELECT volunteer_id, COUNT(*) FROM help_requests
		WHERE station_id = ? AND claimed_at >= ? GROUP BY volunteer_id`, h.StationID, ms(now.Add(-guli.FairnessWindow)))
	if err != nil {
		return nil, err
	}
	ranking := guli.NewRanking(h, loc)
	var nearby []int32
	if h.AreaID != 0 {
		nearby = dir.byArea[h.AreaID]
	}
	for _, i := range mergeSorted(dir.bySkill[skillAt{h.StationID, h.Category}], nearby) {
		v := dir.volunteers[i] // a copy, to add what was read now
		v.OpenClaims, v.RecentClaims, v.Services = inHand[v.UserID], lately[v.UserID], services[v.UserID]
		ranking.Offer(&v)
	}
	return withNames(ctx, q, ranking.Best())
}

// mergeSorted merges two ascending lists, each index once.
func mergeSorted(a, b []int32) []int32 {
	out := make([]int32, 0, len(a)+len(b))
	for len(a) > 0 && len(b) > 0 {
		switch {
		case a[0] < b[0]:
			out, a = append(out, a[0]), a[1:]
		case b[0] < a[0]:
			out, b = append(out, b[0]), b[1:]
		default:
			out, a, b = append(out, a[0]), a[1:], b[1:]
		}
	}
	return append(append(out, a...), b...)
}

// withNames fills the candidates' names, read now, and leaves out anyone
// who is no longer a volunteer.
func withNames(ctx context.Context, q runner, cs []guli.Candidate) ([]guli.Candidate, error) {
	if len(cs) == 0 {
		return []guli.Candidate{}, nil
	}
	ids := make([]any, len(cs))
	for i, c := range cs {
		ids[i] = c.UserID
	}
	rows, err := q.query(ctx, "SELECT id, name, roles FROM users WHERE id IN ("+placeholders(len(ids))+")", ids...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	names := map[guli.ID]string{}
	for rows.Next() {
		var id int64
		var name, roles string
		if err := rows.Scan(&id, &name, &roles); err != nil {
			return nil, err
		}
		if slices.Contains(parseRoles(roles), guli.RoleVolunteer) {
			names[guli.ID(id)] = name
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := cs[:0]
	for _, c := range cs {
		if name, ok := names[c.UserID]; ok {
			c.Name = name
			out = append(out, c)
		}
	}
	return out, nil
}

// Candidates ranks the volunteers who could help with a request, for its
// requester and staff of its station.
func (s *Help) Candidates(ctx context.Context, id guli.ID) ([]guli.Candidate, error) {
	actor, err := guli.RequireUser(ctx)
	if err != nil {
		return nil, err
	}
	h, err := s.requests.get(ctx, s.db, id, func(ctx context.Context) (*guli.HelpRequest, error) { return s.load(ctx, s.db.read(), id) })
	if err != nil {
		return nil, err
	}
	if !h.VisibleTo(actor) {
		return nil, hidden()
	}
	if err := h.CheckSeeCandidates(actor); err != nil {
		return nil, err
	}
	// Kept while nothing is written, and for an hour at most: the window
	// of "asked lately" moves with the clock.
	now := s.db.now()
	key := rankingKey{request: id, hour: now.Unix() / 3600}
	cs, err := s.rankings.get(ctx, s.db, key, func(ctx context.Context) ([]guli.Candidate, error) {
		cs, err := s.match.rank(ctx, s.db.read(), h, h.CreatedAt.Location(), now, staleWait)
		return cs, s.db.mapErr(err)
	})
	return cs, err
}

// rankingKey names a kept ranking: a request's, in an hour.
type rankingKey struct {
	request guli.ID
	hour    int64
}

// placeholders returns "?, ?, …" for n values.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

func anys[T any](xs []T) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}
