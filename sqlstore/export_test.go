package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"

	"guli"
)

// SeedVolunteers writes n volunteers living in areas, with profiles drawn
// from seed, straight into the database in batches (a hundred thousand
// through the services would take many minutes), and a history at the
// station: services confirmed, claims of the last weeks, requests in hand,
// all asked by requester. For benchmarks of matching.
func SeedVolunteers(ctx context.Context, db *DB, station guli.ID, areas []guli.ID, requester guli.ID, n int, seed uint64) error {
	rng := rand.New(rand.NewPCG(seed, 7))
	now := ms(db.now())
	const batch = 400
	return db.tx(ctx, func(q runner) error {
		for from := 0; from < n; from += batch {
			to := min(from+batch, n)
			var rows []string
			var args []any
			for i := from; i < to; i++ {
				rows = append(rows, "(?, ?, '', 'resident,volunteer', ?, 1960, ?)")
				args = append(args, fmt.Sprintf("志愿者%d", i), fmt.Sprintf("199%08d", i), areas[rng.IntN(len(areas))], now)
			}
			if _, err := q.exec(ctx, "INSERT INTO users (name, phone, password_hash, roles, area_id, birth_year, created_at) VALUES "+
				strings.Join(rows, ", "), args...); err != nil {
				return err
			}
		}
		ids, err := countBy(ctx, q, "SELECT id, 0 FROM users WHERE phone LIKE '199%'")
		if err != nil {
			return err
		}
		var rows []string
		var args []any
		flush := func() error {
			if len(rows) == 0 {
				return nil
			}
			_, err := q.exec(ctx, "INSERT INTO volunteer_profiles (user_id, skills, area_ids, availability, updated_at) VALUES "+
				strings.Join(rows, ", "), args...)
			rows, args = rows[:0], args[:0]
			return err
		}
		var volunteers []guli.ID
		for id := range ids {
			volunteers = append(volunteers, id)
		}
		for _, id := range volunteers {
			var skills []string
			for _, s := range guli.HelpCategories {
				if rng.IntN(7) < 2 {
					skills = append(skills, s)
				}
			}
			var helpIn []guli.ID
			if rng.IntN(3) == 0 {
				helpIn = append(helpIn, areas[rng.IntN(len(areas))])
			}
			free := map[string][]string{}
			for _, d := range guli.Weekdays {
				if rng.IntN(3) == 0 {
					free[d] = []string{"09:00-12:00"}
				}
			}
			hours, err := guli.ParseOpeningHours("availability", free)
			if err != nil {
				return err
			}
			sk, _ := json.Marshal(append([]string{}, skills...)) // never null
			rows = append(rows, "(?, ?, ?, ?, ?)")
			args = append(args, id, string(sk), idsColumn(helpIn), hoursColumn(hours), now)
			if len(rows) == batch {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		if err := flush(); err != nil {
			return err
		}
		// History: a year of services confirmed, a month's claims, some in hand.
		for i := range 3000 {
			status, claimed := guli.HelpConfirmed, now-int64(rng.IntN(365))*86_400_000
			switch {
			case i < 100:
				status = guli.HelpClaimed
			case i < 400:
				claimed = now - int64(rng.IntN(30))*86_400_000
			}
			v := volunteers[rng.IntN(len(volunteers))]
			if _, err := q.exec(ctx, `INSERT INTO help_requests (station_id, requester_id, title, category, status, volunteer_id, minutes, created_at, claimed_at)
				VALUES (?, ?, '往日的求助', 'errand', ?, ?, 30, ?, ?)`, station, requester, status, v, claimed, claimed); err != nil {
				return err
			}
		}
		return bumpCounter(ctx, q, volunteersCounter)
	})
}

// AfterCommit has db run f after each of its commits, before the
// counters move (nil: nothing).
func AfterCommit(db *DB, f func()) { db.afterCommit = f }

// InSnapshot has db run f after each statement of its snapshots (nil:
// nothing).
func InSnapshot(db *DB, f func()) { db.inSnapshot = f }

// Exec runs one statement in a transaction of its own, for tests that set
// up what no service would write in reasonable time.
func Exec(ctx context.Context, db *DB, query string, args ...any) error {
	return db.tx(ctx, func(q runner) error {
		_, err := q.exec(ctx, query, args...)
		return err
	})
}

// AttachPhotosNow puts photos on a new visible post of the uploader's, in
// a transaction of its own, as a post being written at stationID does,
// and returns the post.
func AttachPhotosNow(ctx context.Context, db *DB, stationID, uploaderID guli.ID, ids []guli.ID) (guli.ID, error) {
	var post guli.ID
	err := db.tx(ctx, func(q runner) error {
		var err error
		post, err = q.insert(ctx, `INSERT INTO posts (station_id, author_id, kind, title, body, body_html, created_at)
			VALUES ((SELECT MIN(id) FROM stations), ?, ?, ?, '', '', ?)`, uploaderID, guli.PostHighlight, "照片", ms(db.now()))
		if err != nil {
			return err
		}
		return AttachPhotos(ctx, q, post, stationID, uploaderID, ids)
	})
	return post, err
}

// QueryInt runs a query of one integer on the reader pool.
func QueryInt(ctx context.Context, db *DB, query string, args ...any) (int, error) {
	var n int
	err := db.read().row(ctx, query, args...).Scan(&n)
	return n, err
}

// TellStation leaves a notice for every resident of a station in one
// set-based insert, marked as one message for the station, as a safety
// alert to thousands of residents is sent.
func TellStation(ctx context.Context, db *DB, station guli.ID) error {
	return db.tx(ctx, func(q runner) error {
		_, err := q.exec(ctx, `INSERT INTO notifications (user_id, kind, params, created_at)
			SELECT u.id, ?, '{}', ? FROM users u JOIN areas a ON a.id = u.area_id WHERE a.station_id = ?`,
			guli.NotifyActivityCancelled, ms(db.now()), station)
		q.notifiedStation(station)
		return err
	})
}

// EncodeTold writes the marks of a NOTIFY payload for these users and
// stations, within max bytes; DecodeTold reads them back, all reporting
// "everyone".
func EncodeTold(users, stations []guli.ID, max int) string {
	t := &told{}
	q := runner{told: t}
	for _, u := range users {
		q.notified(u)
	}
	for _, s := range stations {
		q.notifiedStation(s)
	}
	return t.encode(max)
}

func DecodeTold(s string) (users, stations []guli.ID, all bool) {
	t := decodeTold(s)
	for u := range t.users {
		users = append(users, u)
	}
	for s := range t.stations {
		stations = append(stations, s)
	}
	slices.Sort(users)
	slices.Sort(stations)
	return users, stations, t.all
}

// Listeners counts the open pages db follows.
func Listeners(db *DB) int { return db.hub.listeners() }

// Tables lists every table of the schema with its columns, on either
// engine, for tests that check what the storage can hold.
func Tables(ctx context.Context, db *DB) (map[string][]string, error) {
	q := db.read()
	query := `SELECT m.name, c.name FROM sqlite_master m, pragma_table_info(m.name) c WHERE m.type = 'table'`
	if db.dialect == postgres {
		query = `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema()`
	}
	rows, err := q.query(ctx, query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string][]string{}
	for rows.Next() {
		var table, column string
		if err := rows.Scan(&table, &column); err != nil {
			return nil, err
		}
		out[table] = append(out[table], column)
	}
	return out, rows.Err()
}

// Dump returns every row of a table, each value as text, for tests that
// look for what a table should not hold.
func Dump(ctx context.Context, db *DB, table string) ([][]string, error) {
	rows, err := db.read().query(ctx, "SELECT * FROM "+table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out [][]string
	for rows.Next() {
		vals, err := scanAny(rows, len(cols))
		if err != nil {
			return nil, err
		}
		row := make([]string, len(cols))
		for i, v := range vals {
			if b, ok := v.([]byte); ok {
				v = string(b)
			}
			row[i] = fmt.Sprint(v)
		}
		out = append(out, row)
	}
	return out, rows.Err()
}

// Durability is how the writer's commits reach the disk: SQLite's
// synchronous (2 FULL, 1 NORMAL), PostgreSQL's synchronous_commit.
func Durability(ctx context.Context, db *DB) (string, error) {
	query := "PRAGMA synchronous"
	if db.dialect == postgres {
		query = "SHOW synchronous_commit"
	}
	var v string
	err := db.w.QueryRowContext(ctx, query).Scan(&v)
	return v, err
}

// StatementTables names the tables a statement writes and reads, sorted;
// "*" stands for every table.
func StatementTables(query string) (writes, reads []string) {
	names := func(set tableSet) []string {
		if set == allTables {
			return []string{"*"}
		}
		var out []string
		for name, bit := range tableBits() {
			if set&(1<<bit) != 0 {
				out = append(out, name)
			}
		}
		slices.Sort(out)
		return out
	}
	t := tablesOf(query)
	return names(t.writes), names(t.reads)
}

// UncountedTables lists the statements run so far in this process that
// name a table (as a word anywhere in their text) among neither the
// tables they are counted as writing nor those they read: a FROM list
// with commas, a USING, a quoted or qualified name would keep an answer
// read from that table past its writes.
func UncountedTables() []string {
	word := regexp.MustCompile(`[A-Za-z_][A-Za-z0-9_]*`)
	var out []string
	statements.Range(func(k, v any) bool {
		query, t := k.(string), v.(statementTables)
		if t.writes == allTables {
			return true
		}
		for _, w := range word.FindAllString(query, -1) {
			if set, ok := tableOf(w); ok && (t.reads|t.writes)&set == 0 {
				out = append(out, w+" in "+strings.Join(strings.Fields(query), " "))
				break
			}
		}
		return true
	})
	slices.Sort(out)
	return out
}

// ExecUnseen runs a statement past the store, as someone at the
// database's console would: no version moves and no process is told.
func ExecUnseen(ctx context.Context, db *DB, query string, args ...any) error {
	_, err := db.w.ExecContext(ctx, db.dialect.rebind(query), args...)
	return err
}

// CutTables reads what a commit's notification says it wrote (all:
// every table), and the rest.
func CutTables(rest string) (all bool, tables uint64, scoped map[guli.ID]uint64, after string) {
	set, byStation, after := cutTables(rest)
	for st, s := range byStation {
		if scoped == nil {
			scoped = map[guli.ID]uint64{}
		}
		scoped[st] = uint64(s)
	}
	return set == allTables, uint64(set), scoped, after
}

// TablesWords is what a commit's notification says it wrote.
func TablesWords(tables uint64, scoped map[guli.ID]uint64) string {
	byStation := map[guli.ID]tableSet{}
	for st, s := range scoped {
		byStation[st] = tableSet(s)
	}
	return tablesWords(tableSet(tables), byStation)
}

// snapshotReads keeps the answers of SnapshotRead.
var snapshotReads = memo[string, [2]int]{max: 100}

// SnapshotRead is a kept answer read in one read transaction, as the
// figures are: the stations counted, then, after between (nil: nothing)
// has run, the areas.
func SnapshotRead(ctx context.Context, db *DB, key string, between func()) ([2]int, error) {
	return snapshotReads.get(ctx, db, key, func(ctx context.Context) ([2]int, error) {
		var out [2]int
		err := db.snapshot(ctx, func(q runner) error {
			if err := q.row(ctx, "SELECT COUNT(*) FROM stations").Scan(&out[0]); err != nil {
				return err
			}
			if between != nil {
				between()
			}
			return q.row(ctx, "SELECT COUNT(*) FROM areas").Scan(&out[1])
		})
		return out, err
	})
}
