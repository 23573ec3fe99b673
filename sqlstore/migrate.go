package sqlstore

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
)

// Migrations are numbered SQL files, one folder per dialect, with the same
// steps in both. They are append-only: a released step is never edited.
//
//go:embed migrations
var migrations embed.FS

// MigrationSteps lists the step names of a dialect ("sqlite" or "postgres").
func MigrationSteps(engine string) ([]string, error) {
	entries, err := fs.ReadDir(migrations, path.Join("migrations", engine))
	if err != nil {
		return nil, err
	}
	var steps []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".sql") {
			steps = append(steps, e.Name())
		}
	}
	slices.Sort(steps)
	return steps, nil
}

// Migrate applies the steps not yet applied, each in its own transaction.
// On PostgreSQL an advisory lock lets several processes start at once.
func (db *DB) Migrate(ctx context.Context) error {
	steps, err := MigrationSteps(db.dialect.String())
	if err != nil {
		return err
	}
	if _, err := db.w.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	for _, step := range steps {
		body, err := migrations.ReadFile(path.Join("migrations", db.dialect.String(), step))
		if err != nil {
			return err
		}
		err = db.tx(ctx, func(q runner) error {
			if err := q.lock(ctx, "guli:migrate"); err != nil {
				return err
			}
			done, err := q.exists(ctx, "SELECT 1 FROM schema_migrations WHERE version = ?", step)
			if err != nil || done {
				return err
			}
			if _, err := q.x.ExecContext(ctx, string(body)); err != nil {
				return err
			}
			_, err = q.exec(ctx, "INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)", step, ms(db.now()))
			return err
		})
		if err != nil {
			return fmt.Errorf("migrate %s: %w", step, err)
		}
	}
	return nil
}
