package dbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Filling a database (migrations, then the demo) takes seconds under the
// race detector, and most tests start from the same one. Copy fills it
// once per test process and engine, and gives each test a copy: on
// SQLite the file's bytes, on PostgreSQL a database made from it as a
// template. A copy is as fresh as the fill was: a test that needs its own
// clock or options fills its own database.

// A Fill fills the empty database at dsn and closes it.
type Fill func(dsn string) error

type template struct {
	once sync.Once
	err  error
	file []byte // SQLite: the database file
	name string // PostgreSQL: the template database
	base *url.URL
}

var (
	templatesMu sync.Mutex
	templates   = map[string]*template{}
	// copying holds CREATE DATABASE … TEMPLATE to one at a time: a
	// template may not be in use while it is copied.
	copying sync.Mutex
)

// Copy returns the address of a fresh copy of the database fill makes,
// made once in this process for engine e under key, removed when the
// test ends.
func (e Engine) Copy(t testing.TB, key string, fill Fill) string {
	t.Helper()
	templatesMu.Lock()
	tp := templates[e.Name+"/"+key]
	if tp == nil {
		tp = &template{}
		templates[e.Name+"/"+key] = tp
	}
	templatesMu.Unlock()
	tp.once.Do(func() { tp.err = tp.fill(e, fill) })
	if tp.err != nil {
		t.Fatalf("filling the %s template %q: %v", e.Name, key, tp.err)
	}
	if e.Name == "sqlite" {
		path := filepath.Join(t.TempDir(), "guli.db")
		if err := os.WriteFile(path, tp.file, 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	name := pgName("guli_copy")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	admin, err := sql.Open("pgx", tp.base.String())
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if err := createFrom(ctx, admin, name, tp.name); err != nil {
		t.Fatalf("copying the template: %v", err)
	}
	t.Cleanup(func() { dropDatabase(tp.base, name) })
	return dsnIn(tp.base, name, tp.base.Query().Get("search_path"))
}

func (tp *template) fill(e Engine, fill Fill) error {
	if e.Name == "sqlite" {
		dir, err := os.MkdirTemp("", "guli-template-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		path := filepath.Join(dir, "guli.db")
		if err := fill(path); err != nil {
			return err
		}
		for _, suffix := range []string{"-wal", "-journal"} {
			if st, err := os.Stat(path + suffix); err == nil && st.Size() > 0 {
				return fmt.Errorf("the filled database was left with a %s file: close it", suffix)
			}
		}
		tp.file, err = os.ReadFile(path)
		return err
	}
	base, err := url.Parse(os.Getenv("GULI_TEST_POSTGRES"))
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	admin, err := sql.Open("pgx", base.String())
	if err != nil {
		return err
	}
	defer admin.Close()
	dropStale(ctx, admin)
	tp.name = pgName("guli_template")
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+tp.name); err != nil {
		return err
	}
	schema := schemaName()
	in := dsnIn(base, tp.name, "")
	db, err := sql.Open("pgx", in)
	if err != nil {
		return err
	}
	_, err = db.ExecContext(ctx, "CREATE SCHEMA "+schema)
	db.Close()
	if err != nil {
		return err
	}
	// Copies keep the schema, so the base's search_path names it.
	q := base.Query()
	q.Set("search_path", schema)
	base.RawQuery = q.Encode()
	tp.base = base
	return fill(dsnIn(base, tp.name, schema))
}

// createFrom makes database name from template, waiting a little for the
// template's last connections (a closed store's listener) to go.
func createFrom(ctx context.Context, admin *sql.DB, name, template string) error {
	copying.Lock()
	defer copying.Unlock()
	for {
		_, err := admin.ExecContext(ctx, "CREATE DATABASE "+name+" TEMPLATE "+template)
		if err == nil || !strings.Contains(err.Error(), "is being accessed by other users") {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// pgName is a database name that says when it was made, so that a later
// run drops what a killed one left behind.
func pgName(prefix string) string {
	b := make([]byte, 4)
	rand.Read(b)
	return prefix + "_" + strconv.FormatInt(time.Now().Unix(), 10) + "_" + hex.EncodeToString(b)
}

// dropStale drops templates and copies over three hours old (longer
// than any test process runs): each process leaves its template, and one
// killed before its cleanup its copies too.
func dropStale(ctx context.Context, admin *sql.DB) {
	rows, err := admin.QueryContext(ctx, `SELECT datname FROM pg_database WHERE datname LIKE 'guli\_template\_%' OR datname LIKE 'guli\_copy\_%'`)
	if err != nil {
		return
	}
	var stale []string
	for rows.Next() {
		var name string
		if rows.Scan(&name) != nil {
			continue
		}
		parts := strings.Split(name, "_")
		made, err := strconv.ParseInt(parts[len(parts)-2], 10, 64)
		if err == nil && time.Since(time.Unix(made, 0)) > 3*time.Hour {
			stale = append(stale, name)
		}
	}
	rows.Close()
	for _, name := range stale {
		admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	}
}

func dropDatabase(base *url.URL, name string) {
	admin, err := sql.Open("pgx", base.String())
	if err != nil {
		return
	}
	defer admin.Close()
	admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
}

// dsnIn is base's address in database name, with schema as its
// search_path when given.
func dsnIn(base *url.URL, name, schema string) string {
	u := *base
	u.Path = "/" + name
	q := u.Query()
	if schema != "" {
		q.Set("search_path", schema)
	}
	u.RawQuery = q.Encode()
	return u.String()
}
