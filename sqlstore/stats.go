package sqlstore

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"time"

	"guli"
)

// Stats implements guli.StatsService.
//
// Each figure is one set-based query over an index (migration 0019 adds
// those of help requests by when they were asked and confirmed), grouped
// by station, so the district's table of every station costs the same
// queries as one station's figures. All of a request's queries read one
// snapshot (a read-only transaction, REPEATABLE READ on PostgreSQL): the
// figures always belong together, however many writes go on meanwhile.
// Answers are kept while the data version stays the same (see memo.go):
// they are the same for everyone, and a public page asks for them often.
type Stats struct {
	db *DB

	stations memo[guli.ID, *guli.Station] // rows only: no areas, no rooms
	figures  memo[statsKey, *guli.Stats]
	district memo[statsKey, districtFigures]
	areas    memo[statsKey, []*guli.AreaStats]
	series   memo[seriesKey, []int]
}

// statsKey is a question of figures: whose, over which days, by which
// minute (activities count once started; days open once come).
type statsKey struct {
	station guli.ID
	r       guli.DateRange
	now     int64
}

type seriesKey struct {
	what    string
	station guli.ID
	periods string
}

type districtFigures struct {
	each  []*guli.Stats
	total *guli.Stats
}

// NewStats returns the figures of db.
func NewStats(db *DB) *Stats {
	return &Stats{db: db, stations: memo[guli.ID, *guli.Station]{max: 1000}, figures: memo[statsKey, *guli.Stats]{max: 1000}, district: memo[statsKey, districtFigures]{max: 100},
		areas: memo[statsKey, []*guli.AreaStats]{max: 1000}, series: memo[seriesKey, []int]{max: 1000}}
}

var _ guli.StatsService = (*Stats)(nil)

// now is the clock by the minute: everyone asking in the same minute asks
// the same (kept) question.
func (s *Stats) now() time.Time { return s.db.now().Truncate(time.Minute) }

// Stats returns the figures of a station, or of every station together;
// public.
func (s *Stats) Stats(ctx context.Context, q guli.StatsQuery) (*guli.Stats, error) {
	now := s.now()
	if q.StationID == 0 {
		_, total, err := s.everyStation(ctx, q, now)
		return total, err
	}
	st, err := s.station(ctx, q.StationID)
	if err != nil {
		return nil, err
	}
	rng, err := q.Validate(st.OpenedOn, st.Location(), now)
	if err != nil {
		return nil, err
	}
	out, err := s.figures.get(ctx, s.db, statsKey{st.ID, rng, now.UnixMilli()}, func(ctx context.Context) (*guli.Stats, error) {
		readsStation(ctx, st.ID) // every query names the station
		// The days open are counted by the station's hours: read under
		// this load, so that new hours let go of the figures.
		st, err := s.station(ctx, st.ID)
		if err != nil {
			return nil, err
		}
		var out *guli.Stats
		err = s.db.snapshot(ctx, func(r runner) error {
			each, _, err := count(ctx, r, []*guli.Station{st}, false, rng, now)
			out = each[0]
			return err
		})
		return out, err
	})
	if err != nil {
		return nil, err
	}
	c := *out
	return &c, nil
}

// station is a station's row, kept.
func (s *Stats) station(ctx context.Context, id guli.ID) (*guli.Station, error) {
	return s.stations.get(ctx, s.db, id, func(ctx context.Context) (*guli.Station, error) {
		var st *guli.Station
		err := s.db.view(ctx, func(r runner) error {
			var err error
			st, err = scanStation(r.row(ctx, "SELECT "+stationColumns+" FROM stations WHERE id = ?", id))
			return notFound(err)
		})
		return st, err
	})
}

// everyStationRow lists every station's row.
func (s *Stats) everyStationRow(ctx context.Context) ([]*guli.Station, error) {
	var stations []*guli.Station
	err := s.db.view(ctx, func(r runner) error {
		var err error
		stations, err = list(ctx, r, scanStation, "SELECT "+stationColumns+" FROM stations ORDER BY id")
		return err
	})
	return stations, err
}

// District returns every station's figures and all of them together;
// admins only.
func (s *Stats) District(ctx context.Context, q guli.StatsQuery) ([]*guli.Stats, *guli.Stats, error) {
	if _, err := guli.RequireAdmin(ctx); err != nil {
		return nil, nil, err
	}
	return s.everyStation(ctx, q, s.now())
}

// everyStation counts the figures of every station over the days q asks,
// read in the default zone, from the first station's opening.
func (s *Stats) everyStation(ctx context.Context, q guli.StatsQuery, now time.Time) ([]*guli.Stats, *guli.Stats, error) {
	stations, err := s.everyStationRow(ctx)
	if err != nil {
		return nil, nil, err
	}
	loc := guli.Zone(guli.DefaultTimezone)
	first := guli.DateOf(now.In(loc))
	for _, st := range stations {
		first = min(first, st.OpenedOn)
	}
	rng, err := q.Validate(first, loc, now)
	if err != nil {
		return nil, nil, err
	}
	d, err := s.district.get(ctx, s.db, statsKey{0, rng, now.UnixMilli()}, func(ctx context.Context) (districtFigures, error) {
		// The stations (their hours, and which there are) are read again
		// under this load, so that a write of them lets go of the figures.
		stations, err := s.everyStationRow(ctx)
		if err != nil {
			return districtFigures{}, err
		}
		var d districtFigures
		err = s.db.snapshot(ctx, func(r runner) error {
			var err error
			d.each, d.total, err = count(ctx, r, stations, true, rng, now)
			return err
		})
		return d, err
	})
	if err != nil {
		return nil, nil, err
	}
	each := make([]*guli.Stats, len(d.each))
	for i, st := range d.each {
		c := *st
		each[i] = &c
	}
	total := *d.total
	return each, &total, nil
}

// snapshot runs reads that must see the database as of one moment: a
// read-only transaction on the reader pool. An answer kept from it is
// kept only if nothing it read was written after its load began
// (readSet.add).
func (db *DB) snapshot(ctx context.Context, fn func(q runner) error) error {
	opts := &sql.TxOptions{ReadOnly: true}
	if db.dialect == postgres {
		opts.Isolation = sql.LevelRepeatableRead
	}
	tx, err := db.r.BeginTx(ctx, opts)
	if err != nil {
		return db.mapErr(err)
	}
	defer tx.Rollback()
	var x execer = tx
	if db.inSnapshot != nil {
		x = afterEach{tx, db.inSnapshot}
	}
	return db.mapErr(fn(runner{x: x, d: db.dialect}))
}

// afterEach runs then after each statement (tests: db.inSnapshot).
type afterEach struct {
	execer
	then func()
}

func (a afterEach) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	defer a.then()
	return a.execer.QueryContext(ctx, query, args...)
}

func (a afterEach) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	defer a.then()
	return a.execer.QueryRowContext(ctx, query, args...)
}

// count counts the figures of stations over rng: each station's, in their
// order, and, when all is set (stations are every station), the
// district's. Stations are counted a zone at a time, each zone's days
// being its own hours; with one zone, as a district has, each figure is
// one query grouped by station.
func count(ctx context.Context, q runner, stations []*guli.Station, all bool, rng guli.DateRange, now time.Time) ([]*guli.Stats, *guli.Stats, error) {
	each := make([]*guli.Stats, len(stations))
	byID := map[guli.ID]*guli.Stats{}
	openings := map[guli.ID]*guli.Opening{}
	var zones []string
	byZone := map[string][]guli.ID{}
	for i, st := range stations {
		each[i] = &guli.Stats{StationID: st.ID, Range: rng}
		byID[st.ID] = each[i]
		openings[st.ID] = &guli.Opening{Hours: st.OpeningHours, OpenedOn: st.OpenedOn}
		if _, ok := byZone[st.Timezone]; !ok {
			zones = append(zones, st.Timezone)
		}
		byZone[st.Timezone] = append(byZone[st.Timezone], st.ID)
	}
	total := &guli.Stats{Range: rng}
	for _, zone := range zones {
		ids := byZone[zone]
		where, args := "station_id IN ("+placeholders(len(ids))+")", anys(ids)
		if all && len(zones) == 1 {
			where, args = "1 = 1", nil // every station: no list to send
		}
		on := func(alias string) string { return strings.ReplaceAll(where, "station_id", alias+".station_id") }
		loc := guli.Zone(zone)
		start, end := rng.Bounds(loc)
		from, to, until := ms(start), ms(end), min(ms(end), ms(now))
		days := []any{string(rng.From), string(rng.To)}
		queries := []struct {
			query string
			args  []any
			into  func(st *guli.Stats) []*int
		}{
			{"SELECT station_id, SUM(count) FROM visits WHERE " + where + " AND day >= ? AND day <= ? GROUP BY station_id", days,
				func(st *guli.Stats) []*int { return []*int{&st.Visits} }},
			{"SELECT a.station_id, COUNT(*), SUM(CASE WHEN " + hasVolunteer + " THEN 1 ELSE 0 END) FROM users u JOIN areas a ON a.id = u.area_id WHERE " +
				on("a") + " AND u.created_at < ? GROUP BY a.station_id", []any{to},
				func(st *guli.Stats) []*int { return []*int{&st.Residents, &st.Volunteers} }},
			{"SELECT station_id, COUNT(*) FROM activities WHERE " + where + " AND status <> 'cancelled' AND start_at >= ? AND start_at < ? GROUP BY station_id",
				[]any{from, until}, func(st *guli.Stats) []*int { return []*int{&st.ActivitiesHeld} }},
			{"SELECT a.station_id, COUNT(*) FROM activities a JOIN attendances t ON t.activity_id = a.id WHERE " + on("a") +
				" AND a.status <> 'cancelled' AND a.start_at >= ? AND a.start_at < ? GROUP BY a.station_id",
				[]any{from, until}, func(st *guli.Stats) []*int { return []*int{&st.Attendances} }},
			{"SELECT station_id, COUNT(*), COUNT(DISTINCT requester_id) FROM help_requests WHERE " + where +
				" AND created_at >= ? AND created_at < ? AND status <> 'cancelled' GROUP BY station_id",
				[]any{from, to}, func(st *guli.Stats) []*int { return []*int{&st.HelpRequests, &st.HelpRequesters} }},
			{"SELECT station_id, COUNT(*), SUM(minutes) FROM help_requests WHERE " + where +
				" AND confirmed_at >= ? AND confirmed_at < ? AND status = 'confirmed' GROUP BY station_id",
				[]any{from, to}, func(st *guli.Stats) []*int { return []*int{&st.ServicesCompleted, &st.VolunteerMinutes} }},
		}
		for _, c := range queries {
			err := eachRow(ctx, q, c.query, slices.Concat(args, c.args), func(id guli.ID, v []int) {
				if st := byID[id]; st != nil {
					for i, p := range c.into(st) {
						*p = v[i]
					}
				}
			})
			if err != nil {
				return nil, nil, err
			}
		}
		rows, err := q.query(ctx, "SELECT station_id, day FROM closures WHERE "+where+" AND day >= ? AND day <= ?", slices.Concat(args, days)...)
		if err != nil {
			return nil, nil, err
		}
		for rows.Next() {
			var id int64
			var day string
			if err := rows.Scan(&id, &day); err != nil {
				rows.Close()
				return nil, nil, err
			}
			if o := openings[guli.ID(id)]; o != nil {
				o.Closed = append(o.Closed, guli.Date(day))
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, nil, err
		}
		if all {
			// A resident asks at their home station; one who moved counts
			// once in the district all the same. (+requester_id: SQLite would
			// otherwise walk every request in the order of the requesters'
			// index, for the DISTINCT, instead of the range asked.)
			var n int
			if err := q.row(ctx, "SELECT COUNT(DISTINCT +requester_id) FROM help_requests WHERE "+where+
				" AND created_at >= ? AND created_at < ? AND status <> 'cancelled'", append(slices.Clone(args), from, to)...).Scan(&n); err != nil {
				return nil, nil, err
			}
			total.HelpRequesters += n
		}
	}
	today := guli.DateOf(now.In(guli.Zone(guli.DefaultTimezone)))
	var every []guli.Opening
	for i, st := range stations {
		each[i].DaysOpen = guli.DaysOpen(*openings[st.ID], rng, guli.DateOf(now.In(st.Location())))
		every = append(every, *openings[st.ID])
		for _, f := range [][2]*int{{&total.Visits, &each[i].Visits}, {&total.Residents, &each[i].Residents}, {&total.Volunteers, &each[i].Volunteers},
			{&total.ActivitiesHeld, &each[i].ActivitiesHeld}, {&total.Attendances, &each[i].Attendances}, {&total.HelpRequests, &each[i].HelpRequests},
			{&total.ServicesCompleted, &each[i].ServicesCompleted}, {&total.VolunteerMinutes, &each[i].VolunteerMinutes}} {
			*f[0] += *f[1]
		}
	}
	total.DaysOpen = guli.DaysAnyOpen(every, rng, today)
	return each, total, nil
}

// hasVolunteer is true of a row of users u who holds the volunteer role.
const hasVolunteer = "',' || u.roles || ',' LIKE '%,volunteer,%'"

// eachRow runs a query whose rows are an id and counts (NULL counting as
// 0), and calls f with each.
func eachRow(ctx context.Context, q runner, query string, args []any, f func(id guli.ID, v []int)) error {
	rows, err := q.query(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	vals := make([]sql.NullInt64, len(cols))
	dest := make([]any, len(cols))
	for i := range vals {
		dest[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		v := make([]int, len(cols)-1)
		for i := range v {
			v[i] = int(vals[i+1].Int64)
		}
		f(guli.ID(vals[0].Int64), v)
	}
	return rows.Err()
}

// Areas returns a station's figures by residential area; public.
func (s *Stats) Areas(ctx context.Context, stationID guli.ID, rng guli.DateRange) ([]*guli.AreaStats, error) {
	now := s.now()
	got, err := s.areas.get(ctx, s.db, statsKey{stationID, rng, now.UnixMilli()}, func(ctx context.Context) ([]*guli.AreaStats, error) {
		readsStation(ctx, stationID) // every query names the station
		var out []*guli.AreaStats
		err := s.db.snapshot(ctx, func(q runner) error {
			var tz string
			if err := notFound(q.row(ctx, "SELECT timezone FROM stations WHERE id = ?", stationID).Scan(&tz)); err != nil {
				return err
			}
			start, end := rng.Bounds(guli.Zone(tz))
			from, to := ms(start), ms(end)
			areas, err := list(ctx, q, scanArea, "SELECT "+areaColumns+" FROM areas WHERE station_id = ? ORDER BY id", stationID)
			if err != nil {
				return err
			}
			byID := map[guli.ID]*guli.AreaStats{}
			for _, a := range areas {
				out = append(out, &guli.AreaStats{AreaID: a.ID, Area: a.Name})
				byID[a.ID] = out[len(out)-1]
			}
			queries := []struct {
				query string
				args  []any
				into  func(a *guli.AreaStats) []*int
			}{
				{"SELECT u.area_id, COUNT(*), SUM(CASE WHEN " + hasVolunteer + " THEN 1 ELSE 0 END) FROM areas a JOIN users u ON u.area_id = a.id " +
					"WHERE a.station_id = ? AND u.created_at < ? GROUP BY u.area_id", []any{stationID, to},
					func(a *guli.AreaStats) []*int { return []*int{&a.Residents, &a.Volunteers} }},
				// Each visitor's visits first: PostgreSQL would otherwise hash
				// the visits against a scan of every account.
				{"SELECT u.area_id, SUM(v.n) FROM (SELECT user_id, SUM(count) AS n FROM visits " +
					"WHERE station_id = ? AND day >= ? AND day <= ? AND user_id IS NOT NULL GROUP BY user_id) v " +
					"JOIN users u ON u.id = v.user_id GROUP BY u.area_id", []any{stationID, string(rng.From), string(rng.To)},
					func(a *guli.AreaStats) []*int { return []*int{&a.Visits} }},
				{"SELECT u.area_id, COUNT(*), COUNT(DISTINCT h.requester_id) FROM help_requests h JOIN users u ON u.id = h.requester_id " +
					"WHERE h.station_id = ? AND h.created_at >= ? AND h.created_at < ? AND h.status <> 'cancelled' GROUP BY u.area_id", []any{stationID, from, to},
					func(a *guli.AreaStats) []*int { return []*int{&a.HelpRequests, &a.HelpRequesters} }},
				{"SELECT u.area_id, COUNT(*), SUM(h.minutes) FROM help_requests h JOIN users u ON u.id = h.requester_id " +
					"WHERE h.station_id = ? AND h.confirmed_at >= ? AND h.confirmed_at < ? AND h.status = 'confirmed' GROUP BY u.area_id", []any{stationID, from, to},
					func(a *guli.AreaStats) []*int { return []*int{&a.ServicesCompleted, &a.VolunteerMinutes} }},
			}
			for _, c := range queries {
				err := eachRow(ctx, q, c.query, c.args, func(id guli.ID, v []int) {
					if a := byID[id]; a != nil { // people of other stations' areas are left out
						for i, p := range c.into(a) {
							*p = v[i]
						}
					}
				})
				if err != nil {
					return err
				}
			}
			return nil
		})
		return out, err
	})
	if err != nil {
		return nil, err
	}
	return cloneAll(got), nil
}

// maxPeriods bounds the periods of one timeline: a chart has no more bars.
const maxPeriods = 400

// VisitsPer counts a station's visits in each period; public.
func (s *Stats) VisitsPer(ctx context.Context, stationID guli.ID, periods []guli.DateRange) ([]int, error) {
	return s.per(ctx, "visits", stationID, periods, func(tz string) ([]any, string) {
		var args []any
		for i, p := range periods {
			args = append(args, i, string(p.From), string(p.To))
		}
		return args, "SELECT b.column1, SUM(v.count) FROM (VALUES " + valuesRows(len(periods), "TEXT") + ") AS b " +
			"JOIN visits v ON v.station_id = ? AND v.day >= b.column2 AND v.day <= b.column3 GROUP BY b.column1"
	})
}

// ServicesPer counts a station's services completed in each period;
// public.
func (s *Stats) ServicesPer(ctx context.Context, stationID guli.ID, periods []guli.DateRange) ([]int, error) {
	return s.per(ctx, "services", stationID, periods, func(tz string) ([]any, string) {
		var args []any
		for i, p := range periods {
			start, end := p.Bounds(guli.Zone(tz))
			args = append(args, i, ms(start), ms(end))
		}
		return args, "SELECT b.column1, COUNT(*) FROM (VALUES " + valuesRows(len(periods), "BIGINT") + ") AS b " +
			"JOIN help_requests h ON h.station_id = ? AND h.confirmed_at >= b.column2 AND h.confirmed_at < b.column3 AND h.status = 'confirmed' GROUP BY b.column1"
	})
}

// per counts something of a station in each of periods, by a query over
// a table of the periods (the rows of a VALUES list: number, start, end).
func (s *Stats) per(ctx context.Context, what string, stationID guli.ID, periods []guli.DateRange, query func(tz string) ([]any, string)) ([]int, error) {
	if len(periods) == 0 || len(periods) > maxPeriods {
		return nil, guli.Invalid("periods", guli.FROutOfRange)
	}
	var key strings.Builder
	key.Grow(21 * len(periods))
	for _, p := range periods {
		key.WriteString(string(p.From))
		key.WriteString(string(p.To))
	}
	counts, err := s.series.get(ctx, s.db, seriesKey{what, stationID, key.String()}, func(ctx context.Context) ([]int, error) {
		readsStation(ctx, stationID) // the query names the station
		counts := make([]int, len(periods))
		err := s.db.view(ctx, func(q runner) error {
			var tz string
			if err := notFound(q.row(ctx, "SELECT timezone FROM stations WHERE id = ?", stationID).Scan(&tz)); err != nil {
				return err
			}
			args, text := query(tz)
			return eachRow(ctx, q, text, append(args, stationID), func(i guli.ID, v []int) {
				if int(i) >= 0 && int(i) < len(counts) {
					counts[i] = v[0]
				}
			})
		})
		return counts, err
	})
	return slices.Clone(counts), err
}

// valuesRows is n rows of a VALUES list of a number and two bounds of
// type typ, typed for PostgreSQL, which cannot tell a parameter's type
// there.
func valuesRows(n int, typ string) string {
	row := "(CAST(? AS INTEGER), CAST(? AS " + typ + "), CAST(? AS " + typ + "))"
	return strings.TrimSuffix(strings.Repeat(row+", ", n), ", ")
}
