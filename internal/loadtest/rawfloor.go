package loadtest

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"sync"
	"time"

	"guli/sqlstore"
)

// rawTable is the raw write floor's scratch table, made and dropped by
// each measurement.
const rawTable = "guli_load_raw_floor"

// RawWriteFloor measures the least a write can cost on the servers'
// database: clients at once for d, each inserting one row of a few
// columns in a transaction of its own, on a connection opened as a
// server's writes are (sqlstore.OpenWriter: on SQLite the one writer
// connection, WAL and synchronous as the servers have it; on PostgreSQL
// the server's pool, every commit flushed). The row goes to a scratch
// table dropped afterwards. Its throughput is counted as Measure counts a
// route's, so a write's ratio to it reads like a route's to the HTTP
// floor. It returns the engine's name beside.
func RawWriteFloor(ctx context.Context, dsn, synchronous string, clients int, d time.Duration) (Result, string, error) {
	engine := "SQLite, synchronous=" + orFull(synchronous)
	if sqlstore.IsPostgres(dsn) {
		engine = "PostgreSQL"
	}
	res := Result{Name: "raw single-row transaction (" + engine + ")", Statuses: map[int]int{}}
	db, err := sqlstore.OpenWriter(ctx, dsn, synchronous)
	if err != nil {
		return res, engine, err
	}
	defer db.Close()
	key, insert := "INTEGER PRIMARY KEY", "INSERT INTO "+rawTable+" (at, who, note) VALUES (?, ?, ?)"
	if sqlstore.IsPostgres(dsn) {
		key, insert = "BIGSERIAL PRIMARY KEY", "INSERT INTO "+rawTable+" (at, who, note) VALUES ($1, $2, $3)"
	}
	if _, err := db.ExecContext(ctx, "CREATE TABLE IF NOT EXISTS "+rawTable+" (id "+key+", at BIGINT NOT NULL, who BIGINT NOT NULL, note TEXT NOT NULL)"); err != nil {
		return res, engine, err
	}
	defer db.ExecContext(context.Background(), "DROP TABLE IF EXISTS "+rawTable)
	var (
		mu    sync.Mutex
		lats  []time.Duration
		spent time.Duration
		errs  []error
		wg    sync.WaitGroup
	)
	deadline := time.Now().Add(d)
	for w := range clients {
		wg.Go(func() {
			for time.Now().Before(deadline) {
				start := time.Now()
				err := rawInsert(ctx, db, insert, w)
				took := time.Since(start)
				mu.Lock()
				if err != nil {
					res.Failures++
					if len(errs) < 3 {
						errs = append(errs, err)
					}
				} else {
					lats = append(lats, took)
					spent += took
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(errs) > 0 && len(lats) == 0 {
		return res, engine, errs[0]
	}
	res.Requests = len(lats)
	res.Statuses[200] = len(lats)
	if len(lats) > 0 {
		slices.Sort(lats)
		res.P50, res.P99 = lats[len(lats)/2], lats[len(lats)*99/100]
		res.RPS = float64(len(lats)) / (spent.Seconds() / float64(clients))
		res.Ratio = 1
	}
	return res, engine, nil
}

// rawInsert is one single-row transaction.
func rawInsert(ctx context.Context, db *sql.DB, insert string, who int) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, insert, time.Now().UnixMilli(), who, "压测"); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

func orFull(s string) string {
	if s == "" {
		return "full"
	}
	return strings.ToLower(s)
}
