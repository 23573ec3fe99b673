package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// Backup writes a copy of a SQLite database to path while the database
// stays in use. VACUUM INTO reads one snapshot — what was committed when
// it began, WAL letting the server go on writing meanwhile — and writes it
// as a compact database of its own, which a server opens as it is. It
// refuses a path that exists, and PostgreSQL, which pg_dump backs up.
func (db *DB) Backup(ctx context.Context, path string) error {
	if db.dialect == postgres {
		return errors.New("a PostgreSQL database is backed up with pg_dump (see the README)")
	}
	if path == "" {
		return errors.New("backup: name the file to write")
	}
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("backup: %s already exists; name a new file", path)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("backup: %w", err)
	}
	// On the writer's connection (the readers are query-only), but in no
	// write transaction: the server's writer is another process's.
	if _, err := db.w.ExecContext(ctx, "VACUUM INTO ?", path); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	return nil
}
