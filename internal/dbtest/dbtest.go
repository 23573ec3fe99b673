// Package dbtest gives tests a fresh, migrated database on every engine Guli
// supports: SQLite always, and PostgreSQL when GULI_TEST_POSTGRES holds a URL.
// Under CI=true a missing PostgreSQL fails the test instead of skipping it.
package dbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"guli/password"
	"guli/sqlstore"
)

// Engine is a database engine a test runs on.
type Engine struct {
	Name string // "sqlite" or "postgres"
}

// Engines lists the engines to run on. On PostgreSQL it checks the server
// answers; when it does not, the suite fails under CI and skips otherwise.
func Engines(t testing.TB) []Engine {
	t.Helper()
	engines := []Engine{{Name: "sqlite"}}
	base := os.Getenv("GULI_TEST_POSTGRES")
	switch {
	case base != "":
		engines = append(engines, Engine{Name: "postgres"})
	case os.Getenv("CI") == "true":
		t.Fatal("CI=true but GULI_TEST_POSTGRES is not set: the PostgreSQL suite must run in CI")
	default:
		t.Log("GULI_TEST_POSTGRES not set: PostgreSQL tests skipped")
	}
	return engines
}

// DSN returns the address of a fresh, empty database on engine, removed when
// the test ends: a SQLite file in a temporary folder, or a new PostgreSQL
// schema selected through search_path.
func (e Engine) DSN(t testing.TB) string {
	t.Helper()
	if e.Name == "sqlite" {
		return filepath.Join(t.TempDir(), "guli.db")
	}
	base := os.Getenv("GULI_TEST_POSTGRES")
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	schema := schemaName()
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("PostgreSQL at GULI_TEST_POSTGRES: %v", err)
	}
	t.Cleanup(func() {
		admin, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer admin.Close()
		admin.Exec("DROP SCHEMA " + schema + " CASCADE")
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// schemaName is a fresh schema's name as long as a name may be (63
// bytes), so that every test also runs with names derived from the
// schema's at their longest.
func schemaName() string {
	b := make([]byte, 6)
	rand.Read(b)
	return "guli_test_schema_named_as_long_as_postgresql_allows_" + hex.EncodeToString(b)[:11]
}

// Open opens a fresh, migrated database on engine with cheap password hashing.
func (e Engine) Open(t testing.TB) *sqlstore.DB {
	t.Helper()
	return OpenDSN(t, e.MigratedDSN(t))
}

// MigratedDSN returns the address of a fresh database with every
// migration run and nothing in it: a copy of one migrated once for the
// test process.
func (e Engine) MigratedDSN(t testing.TB) string {
	t.Helper()
	return e.Copy(t, "migrated", func(dsn string) error {
		ctx := context.Background()
		db, err := sqlstore.Open(ctx, dsn, sqlstore.Options{Password: password.Fast})
		if err != nil {
			return err
		}
		defer db.Close()
		return db.Migrate(ctx)
	})
}

// OpenDSN opens and migrates dsn, closing it when the test ends.
func OpenDSN(t testing.TB, dsn string) *sqlstore.DB {
	t.Helper()
	return OpenWith(t, dsn, sqlstore.Options{})
}

// OpenWith is OpenDSN with options, such as a clock the test moves; cheap
// password hashing unless opts say otherwise.
func OpenWith(t testing.TB, dsn string, opts sqlstore.Options) *sqlstore.DB {
	t.Helper()
	ctx := context.Background()
	if opts.Password == (password.Params{}) {
		opts.Password = password.Fast
	}
	db, err := sqlstore.Open(ctx, dsn, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return db
}

// Run runs f once per engine as a subtest named after the engine.
func Run(t *testing.T, f func(t *testing.T, e Engine)) {
	t.Helper()
	for _, e := range Engines(t) {
		t.Run(e.Name, func(t *testing.T) { f(t, e) })
	}
}
