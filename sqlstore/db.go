// Package sqlstore implements Guli's services on SQL databases: SQLite through
// the pure-Go modernc driver (the embedded default) and PostgreSQL through pgx.
// Queries are written once with ? placeholders; the dialect rewrites them.
// Driver errors are mapped to domain errors here and nowhere else.
package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	_ "modernc.org/sqlite"             // registers "sqlite"

	"guli"
	"guli/password"
)

// Options tune a DB; the zero value is fine for production.
type Options struct {
	// Now returns the current time; tests may fix it.
	Now func() time.Time
	// Password sets the hashing costs; zero means password.Default.
	Password password.Params
	// Hashes is how many password hashes may run at once (0: one per
	// core), and HashWait how long a login or registration waits for a
	// turn before it is told to try again (0: two seconds).
	Hashes   int
	HashWait time.Duration
	// Synchronous is SQLite's durability: "full" (the default) makes every
	// acknowledged write survive a power cut; "normal" survives a crash of
	// the process but may lose the last writes when the power goes, for
	// cheaper commits. PostgreSQL ignores it (it is always durable).
	Synchronous string
	Logger      *slog.Logger
	// Email makes every transaction that notifies people also enqueue
	// one e-mail job for them (an SMTP server is configured).
	Email bool
	// MaxListeners bounds the open pages this process follows live
	// (guli.LiveService); 0 means 10,000.
	MaxListeners int
	// BulkLoad is for filling a database (guli demo --like-seed), never
	// for serving: commits do not wait for the disk one by one. SQLite's
	// synchronous is NORMAL, and this process's PostgreSQL sessions set
	// synchronous_commit off (the server flushes them within a fraction
	// of a second; a crash of the server, not of this process, may lose
	// the last ones). Either way what is committed stays consistent.
	BulkLoad bool
}

// DB is an open database. On SQLite it holds one writer connection (SQLite
// allows one writer at a time; queuing in the pool beats busy retries) and a
// pool of readers. On PostgreSQL both are the same pool.
type DB struct {
	w, r    *sql.DB
	dialect dialect
	now     func() time.Time
	pw      password.Params
	hasher  *password.Limiter
	log     *slog.Logger
	// dummyHash is verified against for unknown phone numbers, so a login
	// takes as long whether or not the number has an account.
	dummyHash func() string
	// Reads prepared once, on SQLite, where compiling a query can cost
	// more than running it; pgx caches PostgreSQL's itself. (Not writes:
	// preparing on the one writer connection while a transaction holds it
	// would wait for ever.)
	readStmts *stmtCache
	changes   changes
	hub       *hub    // open pages to wake when their people are told something
	version   *sql.DB // SQLite: one connection that asks PRAGMA data_version
	email     bool
	// synchronous is SQLite's setting for every connection, which a bulk
	// load lifts and then restores (bulk.go).
	synchronous string
	// enqueued is called after a transaction that enqueued jobs commits,
	// to wake a worker.
	enqueued atomic.Pointer[func()]
	// afterCommit, for tests, runs between a transaction's commit and the
	// counters' moving: where another process's commit may land.
	afterCommit func()
	// inSnapshot, for tests, runs after each statement of a snapshot
	// (db.snapshot): where a commit lands that the snapshot does not see.
	inSnapshot func()
}

// IsPostgres reports whether dsn names a PostgreSQL database.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Open opens the database named by dsn: a postgres:// URL or a SQLite file path.
// It does not migrate; call Migrate.
func Open(ctx context.Context, dsn string, opts Options) (*DB, error) {
	db := &DB{now: opts.Now, pw: opts.Password, log: opts.Logger, email: opts.Email}
	db.changes.self = rand.Text()
	if opts.MaxListeners <= 0 {
		opts.MaxListeners = maxListeners
	}
	db.hub = newHub(listenersPerUser, opts.MaxListeners)
	if db.now == nil {
		db.now = time.Now
	}
	if db.pw == (password.Params{}) {
		db.pw = password.Default
	}
	if db.log == nil {
		db.log = slog.New(slog.DiscardHandler)
	}
	if opts.Hashes <= 0 {
		// One a core, and at least two: one client may hold all turns but
		// one (see password.Limiter).
		opts.Hashes = max(2, runtime.NumCPU())
	}
	if opts.HashWait <= 0 {
		opts.HashWait = 2 * time.Second
	}
	db.hasher = password.NewLimiter(opts.Hashes, opts.HashWait)
	switch opts.Synchronous {
	case "":
		opts.Synchronous = "full"
		if opts.BulkLoad {
			opts.Synchronous = "normal"
		}
	case "full", "normal":
	default:
		return nil, fmt.Errorf("sqlite synchronous must be full or normal, not %q", opts.Synchronous)
	}
	db.synchronous = opts.Synchronous
	db.dummyHash = sync.OnceValue(func() string {
		h, _ := password.Hash("not anyone's password", db.pw)
		return h
	})
	var err error
	if IsPostgres(dsn) {
		db.dialect = postgres
		// No parallel plans: a web request's query reads a station's rows
		// through an index, and on a big database the planner, counting
		// a parallel scan's workers as free, picks a parallel sequential
		// scan of a whole table instead (the district's figures: 75 ms
		// against 3 ms on 2,000,000 residents), while the pool's other
		// connections need the cores. See docs/performance.md, "Scale:
		// plans and the big database".
		if dsn, err = withParam(dsn, "max_parallel_workers_per_gather", "0"); err != nil {
			return nil, err
		}
		if opts.BulkLoad {
			if dsn, err = withParam(dsn, "synchronous_commit", "off"); err != nil {
				return nil, err
			}
		}
		db.w, err = sql.Open("pgx", dsn)
		if err != nil {
			return nil, err
		}
		db.w.SetMaxOpenConns(postgresPool)
		db.w.SetMaxIdleConns(postgresPool)
		db.w.SetConnMaxIdleTime(5 * time.Minute)
		db.r = db.w
		defer func() {
			// One channel a schema: deployments (and tests) may share a
			// database, each in its own schema, and hear only their own.
			if db.w.PingContext(ctx) != nil {
				return // Open fails below
			}
			var schema string
			db.w.QueryRowContext(ctx, "SELECT current_schema()").Scan(&schema)
			db.changes.channel = changesChannel(schema)
			db.listenPostgres(dsn)
		}()
	} else {
		db.dialect = sqlite
		if dsn == "" || strings.Contains(dsn, ":memory:") {
			return nil, errors.New("sqlite: a file path is needed (readers and the writer share it)")
		}
		db.w, err = sql.Open("sqlite", sqliteDSN(dsn, true, opts.Synchronous))
		if err != nil {
			return nil, err
		}
		db.w.SetMaxOpenConns(1)
		db.w.SetConnMaxIdleTime(0)
		db.r, err = sql.Open("sqlite", sqliteDSN(dsn, false, opts.Synchronous))
		if err != nil {
			db.w.Close()
			return nil, err
		}
		n := max(16, runtime.NumCPU())
		db.r.SetMaxOpenConns(n)
		db.r.SetMaxIdleConns(n)
		if db.version, err = sql.Open("sqlite", sqliteDSN(dsn, false, opts.Synchronous)); err != nil {
			db.Close()
			return nil, err
		}
		db.version.SetMaxOpenConns(1)
		db.version.SetConnMaxIdleTime(0)
	}
	if db.dialect == sqlite {
		db.readStmts = &stmtCache{db: db.r}
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.w.PingContext(pingCtx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open database: %w", err)
	}
	return db, nil
}

// OpenWriter opens dsn as a server's writes reach it, and nothing more: on
// SQLite the one writer connection with the server's pragmas (WAL,
// synchronous as given, a transaction taking the write lock at BEGIN), on
// PostgreSQL a pool of the server's size with the server's defaults (every
// commit flushed). It neither migrates nor listens. It is for tools that
// measure the engine beneath Guli, such as guli-load's raw write floor (a
// single-row transaction at a time): never for serving.
func OpenWriter(ctx context.Context, dsn, synchronous string) (*sql.DB, error) {
	var (
		w   *sql.DB
		err error
	)
	if IsPostgres(dsn) {
		if w, err = sql.Open("pgx", dsn); err == nil {
			w.SetMaxOpenConns(postgresPool)
			w.SetMaxIdleConns(postgresPool)
		}
	} else {
		if synchronous == "" {
			synchronous = "full"
		}
		if synchronous != "full" && synchronous != "normal" {
			return nil, fmt.Errorf("sqlite synchronous must be full or normal, not %q", synchronous)
		}
		if w, err = sql.Open("sqlite", sqliteDSN(dsn, true, synchronous)); err == nil {
			w.SetMaxOpenConns(1)
			w.SetConnMaxIdleTime(0)
		}
	}
	if err != nil {
		return nil, err
	}
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("open database: %w", err)
	}
	return w, nil
}

// postgresPool is how many connections a process opens to PostgreSQL.
const postgresPool = 20

// sqliteDSN sets the pragmas every connection needs. WAL lets readers work
// while the writer writes; synchronous=FULL syncs the log at every commit,
// so an acknowledged write survives a power cut, while NORMAL (chosen with
// Options.Synchronous) keeps every commit through a crash of the process but
// may lose the last ones to a power cut; busy_timeout covers other processes
// such as `guli migrate`; _txlock=immediate takes the write lock at BEGIN so
// two writers never deadlock upgrading read locks.
func sqliteDSN(path string, writer bool, synchronous string) string {
	path = strings.TrimPrefix(path, "file:")
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous("+strings.ToUpper(synchronous)+")")
	q.Add("_pragma", "foreign_keys(1)")
	if writer {
		q.Set("_txlock", "immediate")
	} else {
		q.Add("_pragma", "query_only(1)")
	}
	return "file:" + path + "?" + q.Encode()
}

// withParam sets a parameter of a postgres:// URL; pgx sends those it
// does not know itself to the server as the session's settings.
func withParam(dsn, key, value string) (string, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		// Not err: it quotes the address, password and all.
		return "", errors.New("the PostgreSQL address is not a URL")
	}
	q := u.Query()
	q.Set(key, value)
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// Close closes the connections.
func (db *DB) Close() error {
	db.readStmts.close()
	if db.changes.stop != nil {
		db.changes.stop()
	}
	if db.version != nil {
		db.version.Close()
	}
	err := db.w.Close()
	if db.r != db.w {
		err = errors.Join(err, db.r.Close())
	}
	return err
}

// Ping checks the database answers.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.r.PingContext(ctx); err != nil {
		return err
	}
	var one int
	return db.r.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// Analyze refreshes the planner's statistics, after a bulk load: until
// autovacuum comes round (PostgreSQL) or ever (SQLite), plans are made for
// the tables as they were, and a join of a person's two registrations can
// read every activity.
func (db *DB) Analyze(ctx context.Context) error {
	_, err := db.w.ExecContext(ctx, "ANALYZE")
	return err
}

// Engine names the database engine: "sqlite" or "postgres".
func (db *DB) Engine() string { return db.dialect.String() }

// Now returns the store's current time.
func (db *DB) Now() time.Time { return db.now() }

// read returns a query runner on the reader pool.
func (db *DB) read() runner { return runner{x: db.r, d: db.dialect, stmts: db.readStmts} }

// OnEnqueue calls fn after every commit of a transaction that enqueued a
// job, so that a worker need not wait for its next poll.
func (db *DB) OnEnqueue(fn func()) { db.enqueued.Store(&fn) }

// tx runs fn in a write transaction and commits when fn returns nil. Lost
// races the database detects (serialization failures, deadlocks, busy) are
// retried with backoff, so callers see them only when they persist.
func (db *DB) tx(ctx context.Context, fn func(q runner) error) error {
	const attempts = 8
	for i := 0; ; i++ {
		err := db.tryTx(ctx, fn)
		if err == nil || i == attempts-1 || !db.dialect.retryable(err) {
			return db.mapErr(err)
		}
		db.log.Debug("transaction retried", "attempt", i+1, "err", err)
		select {
		case <-ctx.Done():
			return db.mapErr(ctx.Err())
		case <-time.After(time.Duration(5<<i) * time.Millisecond):
		}
	}
}

func (db *DB) tryTx(ctx context.Context, fn func(q runner) error) (err error) {
	begin := db.w.BeginTx
	var writer *sql.Conn
	if db.dialect == sqlite {
		// The one writer connection is held past the commit, to be asked
		// whether another process committed right after (committed).
		if writer, err = db.w.Conn(ctx); err != nil {
			return err
		}
		defer writer.Close()
		begin = writer.BeginTx
	}
	tx, err := begin(ctx, nil)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	var wrote, moved bool
	var written tableSet
	var st txState
	told := &told{}
	q := runner{x: tx, d: db.dialect, wrote: &wrote, moved: &moved, written: &written, st: &st, told: told}
	refusal := fn(q)
	var c *committed
	if refusal != nil && !errors.As(refusal, &c) {
		return refusal
	}
	if err := wakeGuardians(ctx, q, told); err != nil {
		return err
	}
	if db.email && len(st.notified) > 0 {
		if err := enqueueEmail(ctx, q, db.now(), st.notified); err != nil {
			return err
		}
	}
	if db.dialect == postgres && moved {
		// Other processes learn of the commit, and whom it told (see
		// changes.go, live.go).
		payload := db.changes.self + " " + tablesWords(written, st.scoped)
		if marks := told.encode(maxToldPayload); marks != "" {
			payload += " " + marks
		}
		if _, err := tx.ExecContext(ctx, "SELECT pg_notify($1, $2)", db.changes.channel, payload); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	if db.afterCommit != nil {
		db.afterCommit()
	}
	db.committed(ctx, wrote, moved, written, st.scoped, writer)
	if writer != nil {
		writer.Close() // the next transaction need not wait for what follows
	}
	db.hub.publish(told) // after the version moved: a woken page reads the new count
	if fn := db.enqueued.Load(); st.enqueued && fn != nil {
		(*fn)()
	}
	if c != nil {
		return c.err
	}
	return nil
}

// committed is a refusal whose transaction must still commit what it did
// (a wrong try at a code counted against it).
type committed struct{ err error }

func (c *committed) Error() string { return c.err.Error() }
func (c *committed) Unwrap() error { return c.err }

// commitAnd ends a transaction: commit, then report err.
func commitAnd(err error) error { return &committed{err} }

// hash hashes a new password within the limit on hashes at once; client
// names who asks (an address), so one client cannot take every turn.
func (db *DB) hash(ctx context.Context, client, pw string) (string, error) {
	h, err := db.hasher.Hash(ctx, client, pw, db.pw)
	return h, db.busy(err)
}

// verify checks a password within the limit on hashes at once.
func (db *DB) verify(ctx context.Context, client, pw, hash string) (bool, error) {
	ok, err := db.hasher.Verify(ctx, client, pw, hash)
	if errors.Is(err, password.ErrBusy) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false, db.busy(err)
	}
	return ok && hash != "", nil // a malformed or empty hash matches nothing
}

// busy tells a caller turned away by the hash limit to come back shortly.
func (db *DB) busy(err error) error {
	if errors.Is(err, password.ErrBusy) {
		return &guli.Error{Code: guli.ECRateLimited, Note: guli.NoteBusy, RetryAfter: 2 * time.Second, Err: err}
	}
	return db.mapErr(err)
}

// mapErr turns a driver error that reached a service boundary into a domain
// error. Domain errors pass through.
func (db *DB) mapErr(err error) error {
	if err == nil {
		return nil
	}
	var e *guli.Error
	if errors.As(err, &e) {
		return err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return guli.Wrap(guli.ECUnavailable, err)
	}
	if db.dialect.retryable(err) {
		return guli.Wrap(guli.ECUnavailable, err)
	}
	return guli.Wrap(guli.ECInternal, err)
}

// ms stores times as Unix milliseconds: one comparable integer on both engines.
func ms(t time.Time) int64 { return t.UnixMilli() }

func fromMS(v int64) time.Time { return time.UnixMilli(v) }

// execer is what *sql.DB and *sql.Tx share.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// runner runs queries written with ? placeholders in the right dialect.
type runner struct {
	x     execer
	d     dialect
	stmts *stmtCache // nil: each query is prepared as it runs
	// In a transaction, wrote records that it ran anything, and moved
	// that it ran something that may change what readers see: anything
	// but the audit log (see audit).
	wrote, moved *bool
	// written collects the tables a transaction's statements write;
	// those run in a station (in) go to st.scoped instead.
	written *tableSet
	station guli.ID
	st      *txState // nil outside a transaction
	// told collects whom the transaction's notifications went to (live.go).
	told *told
}

// txState is what a transaction collects for its commit: the
// notifications it made (one e-mail job covers them all) and whether it
// enqueued a job.
type txState struct {
	notified []guli.ID
	enqueued bool
	// scoped collects the tables written by statements run in a
	// station (runner.in), by station.
	scoped map[guli.ID]tableSet
}

// in returns the runner for statements that write, of the station tables
// (stationTables), only rows of station: what was read of other
// stations' rows is kept past the commit. Use it only where that holds.
func (q runner) in(station guli.ID) runner {
	if station > 0 {
		q.station = station
	}
	return q
}

// touch records that the transaction ran a statement.
func (q runner) touch() {
	if q.written != nil {
		*q.written = allTables // a statement of no known text
	}
	q.ran()
}

// ranQuery records that the runner ran query: the tables it writes, in a
// transaction, and those it reads, for an answer being kept (memo.go).
func (q runner) ranQuery(ctx context.Context, query string) {
	if q.written != nil {
		if w := tablesOf(query).writes; q.station > 0 && w != allTables && q.st != nil {
			if q.st.scoped == nil {
				q.st.scoped = map[guli.ID]tableSet{}
			}
			q.st.scoped[q.station] |= w
		} else {
			*q.written |= w
		}
	}
	readFrom(ctx, query)
	q.ran()
}

func (q runner) ran() {
	if q.wrote != nil {
		*q.wrote = true
	}
	if q.moved != nil {
		*q.moved = true
	}
}

// stmtCache keeps a prepared statement for each query text run on one
// pool. database/sql prepares it on each connection the first time the
// connection runs it.
type stmtCache struct {
	db *sql.DB
	mu sync.Mutex
	m  map[string]*sql.Stmt
}

// maxStmts bounds the cache: queries are a fixed set of texts, but for the
// arity of IN lists.
const maxStmts = 1000

// get returns the statement of query, preparing it the first time; nil
// when there is no cache or it is full.
func (c *stmtCache) get(ctx context.Context, query string) *sql.Stmt {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	st, ok := c.m[query]
	full := len(c.m) >= maxStmts
	c.mu.Unlock()
	if ok || full {
		return st
	}
	// Prepared without the lock: preparing waits for a connection.
	st, err := c.db.PrepareContext(ctx, query)
	if err != nil {
		return nil // run it unprepared; its error will say what is wrong
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if had, ok := c.m[query]; ok {
		st.Close() // prepared twice at once: keep the first
		return had
	}
	if c.m == nil {
		c.m = map[string]*sql.Stmt{}
	}
	c.m[query] = st
	return st
}

func (c *stmtCache) close() {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.m {
		st.Close()
	}
	c.m = nil
}

// stmt returns query's prepared statement for this runner, if it keeps
// them.
func (q runner) stmt(ctx context.Context, query string) *sql.Stmt {
	return q.stmts.get(ctx, query)
}

// Text arguments arrive clean: the edges (HTTP, the command line) refuse
// invalid UTF-8 and control characters (guli.ValidText), so both engines
// store the same strings.

func (q runner) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	q.ranQuery(ctx, query)
	query = q.d.rebind(query)
	if st := q.stmt(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return q.x.ExecContext(ctx, query, args...)
}

func (q runner) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	q.ranQuery(ctx, query)
	query = q.d.rebind(query)
	if st := q.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return q.x.QueryContext(ctx, query, args...)
}

func (q runner) row(ctx context.Context, query string, args ...any) *sql.Row {
	q.ranQuery(ctx, query)
	query = q.d.rebind(query)
	if st := q.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return q.x.QueryRowContext(ctx, query, args...)
}

// prepare prepares a statement on the runner's transaction (or pool) for
// a statement run many times over, such as a bulk insert's; the query is
// already in the dialect's form. The caller closes it.
func (q runner) prepare(ctx context.Context, query string) (*sql.Stmt, error) {
	p, ok := q.x.(interface {
		PrepareContext(context.Context, string) (*sql.Stmt, error)
	})
	if !ok {
		return nil, fmt.Errorf("cannot prepare on %T", q.x)
	}
	return p.PrepareContext(ctx, query)
}

// insert runs an INSERT and returns the new row's id.
func (q runner) insert(ctx context.Context, query string, args ...any) (guli.ID, error) {
	var id int64
	err := q.row(ctx, query+" RETURNING id", args...).Scan(&id)
	return guli.ID(id), err
}

// exists reports whether the query finds a row.
func (q runner) exists(ctx context.Context, query string, args ...any) (bool, error) {
	var one int
	err := q.row(ctx, query, args...).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// lock serializes transactions on a key (a phone number, a room) until the
// transaction ends. SQLite needs nothing: its one writer already serializes.
func (q runner) lock(ctx context.Context, key string) error {
	if q.d != postgres {
		return nil
	}
	_, err := q.x.ExecContext(ctx, "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", key)
	return err
}

// notFound turns sql.ErrNoRows into the domain's not_found: the one way a
// missing row is told, inside the store and out of it.
func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return guli.Errorf(guli.ECNotFound)
	}
	return err
}

// isNotFound reports a missing row, as sql.ErrNoRows or as not_found.
func isNotFound(err error) bool {
	return errors.Is(err, sql.ErrNoRows) || guli.ErrorCode(err) == guli.ECNotFound
}

// view runs reads on the reader pool and maps their errors as tx does, so
// a read service answers domain errors only.
func (db *DB) view(ctx context.Context, fn func(q runner) error) error {
	return db.mapErr(fn(db.read()))
}

// newestFirst reads the cursor of a list sorted by id, newest first; without
// a cursor the list starts above every id.
func newestFirst(cursor string) (before guli.ID, err error) {
	if before, err = guli.IDCursor(cursor); before == 0 && err == nil {
		before = guli.ID(1<<63 - 1)
	}
	return before, err
}

// pairCursor reads a cursor of two integers, such as (time, id).
func pairCursor(cursor string) (a, b int64, err error) {
	parts, err := guli.DecodeCursor(cursor, 2)
	if err != nil {
		return 0, 0, err
	}
	a, err1 := strconv.ParseInt(parts[0], 10, 64)
	b, err2 := strconv.ParseInt(parts[1], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, 0, guli.Invalid("cursor", guli.FRInvalid)
	}
	return a, b, nil
}
