package loadtest_test

import (
	"context"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"guli/internal/dbtest"
	"guli/internal/loadtest"
	"guli/internal/testserver"
	"guli/sqlstore"
)

// TestTheMixCoversEveryRoute: every route the server serves has a row in
// the load mix, and every row, sent once, answers what it should, on both
// engines: the mix measures the routes as they work, not their errors.
func TestTheMixCoversEveryRoute(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		srv := testserver.New(t, e)
		covered := map[string]bool{}
		for _, row := range loadtest.Mix {
			covered[row.Pattern] = true
		}
		for _, p := range loadtest.Streams {
			covered[p] = true
		}
		for _, p := range srv.Web.Patterns() {
			if !covered[p] {
				t.Errorf("route %q is not in the load mix", p)
			}
		}
		patterns := srv.Web.Patterns()
		for _, row := range loadtest.Mix {
			if !slices.Contains(patterns, row.Pattern) {
				t.Errorf("row %q names %q, which the server does not serve", row.Name, row.Pattern)
			}
		}

		env, err := loadtest.Setup(srv.URL, testserver.Password, 2)
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		for _, row := range loadtest.Mix {
			for i := range 2 { // twice: rows that undo what they do must work again
				req, err := row.Request(env, 1, i)
				if err != nil {
					t.Fatalf("%s: %v", row.Name, err)
				}
				// A read writes nothing: were it to move the data version,
				// every kept answer would go with each look at it.
				version := srv.DB.DataVersion(ctx)
				resp, err := env.Client.Do(req)
				if req.Method == http.MethodGet && srv.DB.DataVersion(ctx) != version {
					t.Errorf("%s (%s) moved the data version", row.Name, row.Pattern)
				}
				if err != nil {
					t.Fatalf("%s: %v", row.Name, err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != row.Want {
					t.Errorf("%s (%s), request %d: %d, want %d: %.300s", row.Name, row.Pattern, i, resp.StatusCode, row.Want, body)
				}
			}
		}
	})
}

// TestMeasure runs one row for a moment and the floor beside it.
func TestMeasure(t *testing.T) {
	srv := testserver.New(t, dbtest.Engines(t)[0])
	env, err := loadtest.Setup(srv.URL, testserver.Password, 2)
	if err != nil {
		t.Fatal(err)
	}
	res := loadtest.Measure(env, loadtest.Mix[0], 2, 200*time.Millisecond)
	if res.Requests == 0 || res.Statuses[200] != res.Requests || res.RPS <= 0 || res.P99 < res.P50 {
		t.Fatalf("%+v", res)
	}
	floor, stop, err := loadtest.Floor()
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	fe := &loadtest.Env{Base: floor, Client: loadtest.NewClient(2)}
	if f := loadtest.Measure(fe, loadtest.FloorRow, 2, 200*time.Millisecond); f.Requests == 0 || f.Statuses[200] != f.Requests {
		t.Fatalf("floor %+v", f)
	}
}

// TestFullMix runs the full mix, each client sending every row of its
// day in turn three times, then the writes alone and the raw write floor:
// every row answers what it should (no 5xx: the test server fails the
// test on any), and the processes' figures add up.
func TestFullMix(t *testing.T) {
	dsn := testserver.DemoDSN(t, dbtest.Engines(t)[0])
	srv := testserver.NewOnDSN(t, dsn)
	res, err := loadtest.RunMix(loadtest.MixConfig{URLs: []string{srv.URL}, Clients: 6, People: 10, Rounds: 3,
		Floor: 200 * time.Millisecond, Writes: 300 * time.Millisecond, DB: dsn, Password: testserver.Password, Cleanup: true, Log: logWriter{t}})
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]loadtest.MixRow{}
	for _, r := range res.Rows {
		rows[r.Name] = r
		if !r.OK() {
			t.Errorf("%s (%s): %v, %d failed; want all %d", r.Name, r.Pattern, r.Statuses, r.Failures, r.Want)
		}
		if r.Requests > 0 && (r.Ratio <= 0 || r.P99 < r.P50) {
			t.Errorf("%s: %+v", r.Name, r)
		}
	}
	// Each client sent every row of its day three times, but those that
	// wait for another's (a claim for an ask, a confirmation for a
	// service done) may have found none at their turns.
	for _, name := range []string{"home, anonymous", "timetable, signed in", "desk", "a help request's page", "sign up (page)",
		"cancel a place (page)", "ask for help (page)", "give minutes (page)", "vote (page)", "+1 visitor (desk)", "open a poll", "my services page"} {
		if rows[name].Requests == 0 {
			t.Errorf("no %q in the mix: %v", name, slices.Collect(maps.Keys(rows)))
		}
	}
	if res.Total.Requests == 0 || res.Total.Requests != res.Processes[0].Total.Requests || res.FloorRPS <= 0 {
		t.Errorf("total %d, the process %d, floor %.0f", res.Total.Requests, res.Processes[0].Total.Requests, res.FloorRPS)
	}
	if res.Raw == nil || res.Raw.Requests == 0 || res.Raw.Failures > 0 {
		t.Fatalf("raw write floor: %+v", res.Raw)
	}
	wants := map[string]int{"sign up (JSON)": 201, "ask for help (JSON)": 201, "claim a help request (JSON)": 200, "give minutes (JSON)": 201}
	for _, r := range res.Alone {
		if r.Requests == 0 || r.Statuses[wants[r.Name]] != r.Requests || r.Failures > 0 || r.Ratio <= 0 {
			t.Errorf("%s, alone: %+v", r.Name, r)
		}
	}
	if len(res.Alone) != len(wants) {
		t.Errorf("writes alone: %d rows, want %d", len(res.Alone), len(wants))
	}
	var out strings.Builder
	res.Report(&out)
	if !strings.Contains(out.String(), "| the whole mix |") || !strings.Contains(out.String(), "raw single-row transaction") {
		t.Errorf("report:\n%s", out.String())
	}
}

// TestReadAccounts reads an accounts file and refuses a malformed one.
func TestReadAccounts(t *testing.T) {
	got, err := loadtest.ReadAccounts(strings.NewReader("role\tphone\tpassword\n# staff first\nstaff\t13800000001\tguli-demo-2023\n\ntalent\t13800000002\tpass\tword\nresident\t13800000008\tguli-demo-2023\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := []loadtest.Account{{Role: "staff", Phone: "13800000001", Pass: "guli-demo-2023"}, {Role: "volunteer", Phone: "13800000002", Pass: "pass\tword"},
		{Role: "resident", Phone: "13800000008", Pass: "guli-demo-2023"}}
	if !slices.Equal(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
	// The file a synthetic district is written with.
	district := `{"password": "guli-demo-2023", "admin": [{"kind": "admin", "phone": "13800000000"}],
		"accounts": [{"kind": "demo", "phone": "13800000001"}, {"kind": "resident", "phone": "13900000001"},
		{"kind": "no_phone", "phone": ""}, {"kind": "talent", "phone": "13755164424"}, {"kind": "staff", "phone": "15258664665"}]}`
	got, err = loadtest.ReadAccounts(strings.NewReader("\n " + district))
	want = []loadtest.Account{{Role: "admin", Phone: "13800000000", Pass: "guli-demo-2023"}, {Role: "resident", Phone: "13900000001", Pass: "guli-demo-2023"},
		{Role: "resident", Phone: "13755164424", Pass: "guli-demo-2023"}, {Role: "staff", Phone: "15258664665", Pass: "guli-demo-2023"}}
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("a district's accounts: got %+v %v, want %+v", got, err, want)
	}
	for _, bad := range []string{"", "resident 13800000008 guli-demo-2023\n", "mayor\t13800000008\tx\n", "resident\t\tx\n", `{"accounts": []}`, `{"accounts": `} {
		if _, err := loadtest.ReadAccounts(strings.NewReader(bad)); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

// logWriter writes to the test's log.
type logWriter struct{ t *testing.T }

func (w logWriter) Write(b []byte) (int, error) {
	w.t.Helper()
	w.t.Log(strings.TrimSpace(string(b)))
	return len(b), nil
}

// TestRawWriteFloor measures single-row transactions for a moment on each
// engine, as a server's writes reach it, and leaves no scratch table.
func TestRawWriteFloor(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		dsn := e.DSN(t)
		res, engine, err := loadtest.RawWriteFloor(context.Background(), dsn, "", 4, 200*time.Millisecond)
		if err != nil {
			t.Fatal(err)
		}
		if res.Requests == 0 || res.Failures > 0 || res.RPS <= 0 || res.P99 < res.P50 || engine == "" {
			t.Fatalf("%s: %+v", engine, res)
		}
		db, err := sqlstore.OpenWriter(context.Background(), dsn, "full")
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var n int
		if err := db.QueryRow("SELECT COUNT(*) FROM guli_load_raw_floor").Scan(&n); err == nil {
			t.Errorf("the scratch table is still there, %d rows", n)
		}
		if _, _, err := loadtest.RawWriteFloor(context.Background(), dsn, "off", 1, time.Millisecond); err == nil && e.Name == "sqlite" {
			t.Error("synchronous=off was taken")
		}
	})
}
