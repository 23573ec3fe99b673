package district_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"guli"
	"guli/demo"
	"guli/demo/district"
	"guli/internal/dbtest"
	"guli/internal/testserver"
	"guli/password"
	"guli/sqlstore"
)

// anchor is the tests' today: fixed, so that a district is the same
// whenever the test runs.
const anchor guli.Date = "2025-06-01"

// generate writes a district into a fresh database of engine e and
// returns its address, the database (on the district's clock) and what
// was written.
func generate(t testing.TB, e dbtest.Engine, opts district.Options) (string, *sqlstore.DB, *district.Summary) {
	t.Helper()
	dsn := e.DSN(t)
	now := district.Now(opts.Anchor)
	db := dbtest.OpenWith(t, dsn, sqlstore.Options{Now: func() time.Time { return now }})
	sum, err := district.Generate(context.Background(), db, opts)
	if err != nil {
		t.Fatalf("generate %+v: %v", opts, err)
	}
	return dsn, db, sum
}

// A district of 2,000 residents in three stations holds every rule the
// services keep (the ledger check and the consistency check pass), has
// its kinds of people in the asked proportions, figures that agree with
// counts over the raw tables, and accounts anyone can sign in to with the
// demo's password.
func TestDistrict(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		ctx := context.Background()
		const residents = 2000
		var progress []int
		dsn, db, sum := generate(t, e, district.Options{Residents: residents, Stations: 3, Seed: 7, Anchor: anchor,
			Progress: func(done, total int) { progress = append(progress, done) }})
		if err := db.CheckLedger(ctx); err != nil {
			t.Errorf("ledger: %v", err)
		}
		if err := db.CheckConsistency(ctx); err != nil {
			t.Errorf("consistency: %v", err)
		}
		if len(progress) != 3 || progress[2] != residents {
			t.Errorf("progress told %v, want three stations' shares up to %d", progress, residents)
		}

		// What was asked for, in proportion.
		share := func(n int) float64 { return float64(n) / residents }
		for _, c := range []struct {
			name     string
			got      float64
			from, to float64
		}{
			{"stations", float64(len(sum.Stations)), 3, 3},
			{"residents", float64(sum.Residents), residents, residents},
			{"volunteers' share", share(sum.Volunteers), 0.045, 0.055},
			{"talents", float64(sum.Talents), 3, 6},
			{"share without a phone", share(sum.NoPhone), 0.03, 0.20},
			{"staff", float64(sum.Staff), 4, 12},
			{"activities a station", float64(sum.Activities) / 3, 250, 1000},
			{"sign-ups an activity", float64(sum.Registrations) / float64(sum.Activities), 3, 30},
			{"attendances a sign-up", float64(sum.Attendances) / float64(sum.Registrations), 0.5, 0.95},
			{"requests for help a resident", share(sum.HelpRequests), 0.10, 0.20},
			{"services a request", float64(sum.Services) / float64(sum.HelpRequests), 0.7, 0.95},
			{"posts", float64(sum.Posts), 60, 200},
			{"meetings", float64(sum.Meetings), 3 * 15, 3 * 20},
			{"polls", float64(sum.Polls), 6, 30},
		} {
			if c.got < c.from || c.got > c.to {
				t.Errorf("%s: %.3f, want %.3f to %.3f", c.name, c.got, c.from, c.to)
			}
		}
		raw := rawDB(t, e, dsn)
		count := func(query string, args ...any) int {
			t.Helper()
			var n sql.NullInt64
			if err := raw.QueryRow(rebind(e, query), args...).Scan(&n); err != nil {
				t.Fatalf("%s: %v", query, err)
			}
			return int(n.Int64)
		}
		// The stations share the residents, each in its own areas.
		for _, st := range sum.Stations {
			n := count("SELECT COUNT(*) FROM users u JOIN areas a ON a.id = u.area_id WHERE a.station_id = ? AND u.roles NOT LIKE '%staff%'", int64(st.ID))
			demoPeople := 0
			if st.ID == sum.Demo.Station.ID {
				demoPeople = 17 // the demo's named residents, 张阿婆, and the families: four grown-ups, four children
			}
			if n != st.Residents+demoPeople {
				t.Errorf("station %s (%s): %d residents, the summary says %d", st.ID, st.Name, n, st.Residents)
			}
		}
		if n := count("SELECT COUNT(DISTINCT phone) FROM users WHERE phone IS NOT NULL"); n != count("SELECT COUNT(*) FROM users WHERE phone IS NOT NULL") {
			t.Errorf("phones repeat: %d distinct", n)
		}
		if n := count("SELECT COUNT(*) FROM users WHERE birth_year BETWEEN 1940 AND 1965 AND roles NOT LIKE '%staff%'"); float64(n)/residents < 0.45 {
			t.Errorf("%d residents born 1940 to 1965: the ages are not skewed old", n)
		}
		if n := count("SELECT COUNT(*) FROM registrations WHERE status = 'waitlisted'"); n == 0 {
			t.Error("nobody waits for a place: no class was ever full")
		}

		// The figures agree with counts over the raw tables, for the
		// district and for each station, over the district's year.
		srv := testserver.NewOnDSN(t, dsn)
		from, to := anchor.AddDays(-364), anchor.AddDays(-1)
		start, end := ms(from.In(zone())), ms(to.AddDays(1).In(zone()))
		for _, st := range append([]district.StationSummary{{}}, sum.Stations...) {
			where, args := "1 = 1", []any{}
			path := fmt.Sprintf("/api/v1/stats?from=%s&to=%s", from, to)
			if st.ID != 0 {
				where, args = "station_id = ?", []any{int64(st.ID)}
				path += "&station_id=" + st.ID.String()
			}
			on := strings.ReplaceAll(where, "station_id", "a.station_id")
			with := func(more ...any) []any { return append(append([]any{}, args...), more...) }
			want := map[string]int{
				"visits":    count("SELECT SUM(count) FROM visits WHERE "+where+" AND day >= ? AND day <= ?", with(string(from), string(to))...),
				"residents": count("SELECT COUNT(*) FROM users u JOIN areas a ON a.id = u.area_id WHERE "+on+" AND u.created_at < ?", with(end)...),
				"volunteers": count("SELECT COUNT(*) FROM users u JOIN areas a ON a.id = u.area_id WHERE "+on+
					" AND u.created_at < ? AND u.roles LIKE '%volunteer%'", with(end)...),
				"activities_held": count("SELECT COUNT(*) FROM activities WHERE "+where+" AND status = 'scheduled' AND start_at >= ? AND start_at < ?", with(start, end)...),
				"attendances": count("SELECT COUNT(*) FROM attendances t JOIN activities a ON a.id = t.activity_id WHERE "+on+
					" AND a.status = 'scheduled' AND a.start_at >= ? AND a.start_at < ?", with(start, end)...),
				"help_requests":      count("SELECT COUNT(*) FROM help_requests WHERE "+where+" AND status <> 'cancelled' AND created_at >= ? AND created_at < ?", with(start, end)...),
				"help_requesters":    count("SELECT COUNT(DISTINCT requester_id) FROM help_requests WHERE "+where+" AND status <> 'cancelled' AND created_at >= ? AND created_at < ?", with(start, end)...),
				"services_completed": count("SELECT COUNT(*) FROM help_requests WHERE "+where+" AND status = 'confirmed' AND confirmed_at >= ? AND confirmed_at < ?", with(start, end)...),
				"volunteer_minutes":  count("SELECT SUM(minutes) FROM help_requests WHERE "+where+" AND status = 'confirmed' AND confirmed_at >= ? AND confirmed_at < ?", with(start, end)...),
			}
			r := srv.Do(t, "GET", path, "", nil)
			if r.Status != http.StatusOK {
				t.Fatalf("%s: %d %s", path, r.Status, r.Body)
			}
			got := r.JSON(t)
			for k, v := range want {
				if g, _ := got[k].(float64); int(g) != v {
					t.Errorf("%s: %s is %v, the raw tables count %d", path, k, got[k], v)
				}
				if v == 0 && k != "volunteers" {
					t.Errorf("%s: no %s at all", path, k)
				}
			}
		}

		// Anyone with a phone signs in with the demo's password.
		kinds := map[string]bool{}
		for _, a := range sum.Accounts {
			if a.Phone == "" || kinds[a.Kind] {
				continue
			}
			kinds[a.Kind] = true
			token := srv.Login(t, a.Phone, demo.Password)
			me := srv.Do(t, "GET", "/api/v1/me", token, nil).JSON(t)
			if me["id"] != a.ID.String() {
				t.Errorf("%s %s signed in as %v", a.Kind, a.Phone, me["id"])
			}
		}
		for _, k := range []string{"resident", "volunteer", "talent", "staff"} {
			if !kinds[k] {
				t.Errorf("no %s among the accounts to sign in as", k)
			}
		}
		if r := srv.Do(t, "POST", "/api/v1/auth/login", "", map[string]string{"phone": sum.Accounts[0].Phone, "password": "not-the-password"}); r.Status != http.StatusUnauthorized {
			t.Errorf("a wrong password: %d", r.Status)
		}
		// The demo's people too: the station is the demo's.
		srv.Login(t, testserver.StaffPhone, demo.Password)
	})
}

// The same seed writes the same bytes into every table; another seed
// another district.
func TestDistrictIsDeterministic(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		opts := district.Options{Residents: 400, Stations: 2, Seed: 3, Anchor: anchor}
		a, _, _ := generate(t, e, opts)
		b, _, _ := generate(t, e, opts)
		opts.Seed = 4
		c, _, _ := generate(t, e, opts)
		ca, cb, cc := checksums(t, e, a), checksums(t, e, b), checksums(t, e, c)
		if len(ca) < 30 {
			t.Fatalf("%d tables", len(ca))
		}
		for table, sum := range ca {
			if cb[table] != sum {
				t.Errorf("%s differs between two districts of the same seed", table)
			}
		}
		if ca["users"] == cc["users"] || ca["registrations"] == cc["registrations"] {
			t.Error("another seed wrote the same people and sign-ups")
		}
	})
}

// A database with anything in it is refused; so are options that cannot
// make a district.
func TestDistrictRefuses(t *testing.T) {
	e := dbtest.Engine{Name: "sqlite"}
	now := district.Now(anchor)
	db := dbtest.OpenWith(t, testserver.DemoDSN(t, e), sqlstore.Options{Now: func() time.Time { return now }})
	if _, err := district.Generate(context.Background(), db, district.Options{Residents: 100, Anchor: anchor}); !errors.Is(err, district.ErrNotEmpty) {
		t.Errorf("a database with the demo: %v", err)
	}
	fresh := dbtest.OpenWith(t, e.DSN(t), sqlstore.Options{})
	if _, err := district.Generate(context.Background(), fresh, district.Options{Residents: 100, Anchor: anchor}); err == nil || !strings.Contains(err.Error(), "clock") {
		t.Errorf("a database on the wall clock: %v", err)
	}
	for _, o := range []district.Options{
		{Residents: 0, Anchor: anchor},
		{Residents: 100, Stations: 3, Anchor: anchor},
		{Residents: 100, Anchor: "2025-13-01"},
		{Residents: 100, Anchor: "2020-01-01"},
		{Residents: 20_000_000, Stations: 1, Anchor: anchor}, // would not fit in memory
		{Residents: 200_001, Stations: 2, Anchor: anchor},
	} {
		if err := o.Validate(); err == nil {
			t.Errorf("%+v passes", o)
		}
	}
	o := district.Options{Residents: 24_000, Anchor: anchor}
	if err := o.Validate(); err != nil || o.Stations != 2 {
		t.Errorf("24,000 residents: %d stations, %v", o.Stations, err)
	}
}

// Districts started at once on one database never mix: one is written,
// whole, and every other is refused as the database not being empty, as
// if they had come after it (they had found it empty and written 顾里小站
// twice, or a district into another's).
func TestDistrictsAtOnceNeverMix(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		ctx := context.Background()
		dsn := e.DSN(t)
		now := district.Now(anchor)
		const n = 4
		dbs := make([]*sqlstore.DB, n) // as if n processes
		for i := range dbs {
			dbs[i] = dbtest.OpenWith(t, dsn, sqlstore.Options{Now: func() time.Time { return now }})
		}
		errs := make(chan error, n)
		start := make(chan struct{})
		for _, db := range dbs {
			go func() {
				<-start
				_, err := district.Generate(ctx, db, district.Options{Residents: 200, Stations: 1, Seed: 2, Anchor: anchor})
				errs <- err
			}()
		}
		close(start)
		written := 0
		for range n {
			switch err := <-errs; {
			case err == nil:
				written++
			case !errors.Is(err, district.ErrNotEmpty):
				t.Errorf("a district refused for another reason than the one being written: %v", err)
			}
		}
		if written != 1 {
			t.Errorf("%d districts written, want 1", written)
		}
		if err := dbs[0].CheckConsistency(ctx); err != nil {
			t.Errorf("consistency: %v", err)
		}
		if err := dbs[0].CheckLedger(ctx); err != nil {
			t.Errorf("ledger: %v", err)
		}
		var stations int
		if err := rawDB(t, e, dsn).QueryRow("SELECT COUNT(*) FROM stations").Scan(&stations); err != nil || stations != 1 {
			t.Errorf("%d stations (%v), want the district's one", stations, err)
		}
	})
}

// A district stopped halfway (interrupted here; killed, it is the same)
// leaves the database marked: the consistency check says first that it
// did not finish, and a new district is refused there.
func TestADistrictStoppedHalfway(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		dsn := e.DSN(t)
		now := district.Now(anchor)
		db := dbtest.OpenWith(t, dsn, sqlstore.Options{Now: func() time.Time { return now }})
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		opts := district.Options{Residents: 600, Stations: 3, Seed: 2, Anchor: anchor,
			Progress: func(done, total int) { cancel() }} // after the first station
		if _, err := district.Generate(ctx, db, opts); err == nil {
			t.Fatal("a district interrupted after its first station succeeded")
		}
		err := db.CheckConsistency(context.Background())
		if err == nil || !strings.HasPrefix(err.Error(), "a district (guli demo --residents) was being written here and did not finish") {
			t.Errorf("the check of a district stopped halfway: %v", err)
		}
		opts.Progress = nil
		if _, err := district.Generate(context.Background(), db, opts); !errors.Is(err, district.ErrNotEmpty) {
			t.Errorf("a district over one stopped halfway: %v", err)
		}
		if empty, err := db.Empty(context.Background()); err != nil || empty {
			t.Errorf("Empty: %v, %v", empty, err)
		}
	})
}

// The ledger check finds two entries changed so that they cancel out, with
// their accounts' balances: every sum and balance holds but two movements'.
func TestCheckLedgerFindsMovementsThatDoNotCancel(t *testing.T) {
	ctx := context.Background()
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		dsn := small(t, e)
		db := dbtest.OpenDSN(t, dsn)
		if err := db.CheckLedger(ctx); err != nil {
			t.Fatalf("before any damage: %v", err)
		}
		raw := rawDB(t, e, dsn)
		var lo, hi int64
		if err := raw.QueryRow("SELECT MIN(id), MAX(id) FROM timebank_entries WHERE kind = 'earned'").Scan(&lo, &hi); err != nil || lo == hi {
			t.Fatalf("entries %d and %d: %v", lo, hi, err)
		}
		for _, c := range []struct{ id, by int64 }{{lo, 5}, {hi, -5}} {
			for _, q := range []string{"UPDATE timebank_entries SET minutes = minutes + ? WHERE id = ?",
				"UPDATE timebank_accounts SET balance = balance + ? WHERE id = (SELECT account_id FROM timebank_entries WHERE id = ?)"} {
				if _, err := raw.Exec(rebind(e, q), c.by, c.id); err != nil {
					t.Fatal(err)
				}
			}
		}
		if err := db.CheckLedger(ctx); err == nil || !strings.Contains(err.Error(), "entries sum to 5 minutes, not 0") {
			t.Errorf("the ledger check after two entries that cancel: %v", err)
		}
	})
}

// The consistency check passes what the services write (the demo; the
// command line's test checks the seed's history) and finds each kind of
// damage, all at once.
func TestCheckConsistency(t *testing.T) {
	ctx := context.Background()
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		if err := dbtest.OpenDSN(t, testserver.DemoDSN(t, e)).CheckConsistency(ctx); err != nil {
			t.Errorf("the demo: %v", err)
		}
		dsn := small(t, e)
		db := dbtest.OpenDSN(t, dsn)
		if err := db.CheckConsistency(ctx); err != nil {
			t.Fatalf("before any damage: %v", err)
		}
		tests := []struct {
			name, damage, says string
		}{
			{"a count of places", "UPDATE activities SET confirmed_count = confirmed_count + 1 WHERE id = (SELECT MAX(activity_id) FROM registrations)", "confirmed and waiting counts"},
			{"past the capacity", "UPDATE activities SET capacity = 1, confirmed_count = 2 WHERE id = (SELECT MIN(id) FROM activities WHERE capacity > 0)", "more than its capacity"},
			{"a team's members", "UPDATE teams SET members = members + 2 WHERE id = (SELECT MIN(id) FROM teams)", "members, not its rows"},
			{"a post's comments", "UPDATE posts SET comments = comments + 1 WHERE id = (SELECT MIN(id) FROM posts)", "comments, not its rows"},
			{"a proposal's supports", "UPDATE proposals SET support_count = support_count + 1 WHERE id = (SELECT MIN(id) FROM proposals)", "supports, not its rows"},
			{"a vote", "UPDATE poll_options SET votes = votes + 1000 WHERE id = (SELECT MIN(id) FROM poll_options)", "which its voters cannot have cast"},
			{"an earning", "UPDATE timebank_accounts SET earned = earned + 5 WHERE id = (SELECT MAX(id) FROM timebank_accounts)", "minutes earned"},
			{"a room held twice", `INSERT INTO activities (station_id, title, category, start_at, end_at, capacity, room_id, created_at)
				SELECT station_id, 'twice', category, start_at + 60000, end_at, 0, room_id, created_at FROM activities
				WHERE id = (SELECT MIN(id) FROM activities WHERE room_id IS NOT NULL AND status = 'scheduled')`, "hold one room at once"},
			{"a credit's minutes", "UPDATE help_requests SET minutes = minutes + 1 WHERE id = (SELECT MIN(id) FROM help_requests WHERE status = 'confirmed')", "is not credited"},
		}
		if e.Name == "sqlite" { // PostgreSQL checks its keys itself, always
			tests = append(tests, struct{ name, damage, says string }{"a registration of nobody",
				"PRAGMA foreign_keys = OFF; UPDATE registrations SET user_id = 999999999 WHERE id = (SELECT MIN(id) FROM registrations)", "names a row of users"})
		}
		raw := rawDB(t, e, dsn)
		for _, tc := range tests {
			if _, err := raw.Exec(tc.damage); err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
		}
		err := db.CheckConsistency(ctx)
		for _, tc := range tests {
			if err == nil || !strings.Contains(err.Error(), tc.says) {
				t.Errorf("after %s, the check says %v; want %q", tc.name, err, tc.says)
			}
		}
	})
}

// small is a copy of a district of 300 residents, written once for the
// test process.
func small(t testing.TB, e dbtest.Engine) string {
	t.Helper()
	return e.Copy(t, "district-300", func(dsn string) error {
		ctx := context.Background()
		now := district.Now(anchor)
		db, err := sqlstore.Open(ctx, dsn, sqlstore.Options{Now: func() time.Time { return now }, Password: password.Fast})
		if err != nil {
			return err
		}
		defer db.Close()
		if err := db.Migrate(ctx); err != nil {
			return err
		}
		_, err = district.Generate(ctx, db, district.Options{Residents: 300, Stations: 1, Seed: 9, Anchor: anchor})
		return err
	})
}

// BenchmarkGenerate writes districts of 5,000 residents and reports how
// many residents (with all their year) are written a second.
func BenchmarkGenerate(b *testing.B) {
	for _, e := range dbtest.Engines(b) {
		b.Run(e.Name, func(b *testing.B) {
			const residents = 5000
			var took time.Duration
			for i := range b.N {
				b.StopTimer()
				dsn := e.DSN(b)
				now := district.Now(anchor)
				db := dbtest.OpenWith(b, dsn, sqlstore.Options{Now: func() time.Time { return now }})
				b.StartTimer()
				start := time.Now()
				if _, err := district.Generate(context.Background(), db, district.Options{Residents: residents, Seed: uint64(i), Anchor: anchor}); err != nil {
					b.Fatal(err)
				}
				took += time.Since(start)
			}
			b.ReportMetric(float64(residents*b.N)/took.Seconds(), "residents/s")
		})
	}
}

// rawDB opens the database at dsn for SQL of the test's own.
func rawDB(t testing.TB, e dbtest.Engine, dsn string) *sql.DB {
	t.Helper()
	driver := "sqlite"
	if e.Name == "postgres" {
		driver = "pgx"
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// rebind writes ? placeholders as PostgreSQL's $1, $2, ….
func rebind(e dbtest.Engine, q string) string {
	if e.Name != "postgres" {
		return q
	}
	var b strings.Builder
	n := 0
	for _, c := range q {
		if c == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteRune(c)
	}
	return b.String()
}

// checksums hashes every table's rows in the order of all their columns.
func checksums(t testing.TB, e dbtest.Engine, dsn string) map[string]string {
	t.Helper()
	db := rawDB(t, e, dsn)
	list := "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
	if e.Name == "postgres" {
		list = "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name"
	}
	rows, err := db.Query(list)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var name string
		rows.Scan(&name)
		tables = append(tables, name)
	}
	rows.Close()
	out := map[string]string{}
	for _, table := range tables {
		probe, err := db.Query("SELECT * FROM " + table + " LIMIT 1")
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := probe.Columns()
		probe.Close()
		order := make([]string, len(cols))
		for i := range cols {
			order[i] = fmt.Sprint(i + 1)
		}
		rows, err := db.Query("SELECT * FROM " + table + " ORDER BY " + strings.Join(order, ", "))
		if err != nil {
			t.Fatal(err)
		}
		h := sha256.New()
		vals := make([]sql.RawBytes, len(cols))
		dest := make([]any, len(cols))
		for i := range vals {
			dest[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(dest...); err != nil {
				t.Fatal(err)
			}
			for _, v := range vals {
				fmt.Fprintf(h, "%d:%s|", len(v), v)
			}
			h.Write([]byte{'\n'})
		}
		rows.Close()
		out[table] = hex.EncodeToString(h.Sum(nil))
	}
	return out
}

func zone() *time.Location { return guli.Zone(guli.DefaultTimezone) }

func ms(t time.Time) int64 { return t.UnixMilli() }
