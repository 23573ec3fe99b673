package loadtest_test

import (
	"context"
	"io"
	"net/http"
	"slices"
	"testing"
	"time"

	"guli/internal/dbtest"
	"guli/internal/loadtest"
	"guli/internal/testserver"
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
