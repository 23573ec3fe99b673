package sqlstore

import (
	"context"
	"database/sql"
	"strings"

	"guli"
)

// Helpers every service shares: reading rows, paging, and the values the
// database takes for "none".

// list runs a query and scans every row.
func list[T any](ctx context.Context, q runner, scan func(interface{ Scan(...any) error }) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	items := []T{}
	for rows.Next() {
		item, err := scan(rows)
		if err != nil {
			return nil, err
		}
		items = append(items, item)
	}
	return items, rows.Err()
}

// trim cuts a page fetched with limit+1 rows to limit and sets the cursor.
func trim[T any](page guli.Page[T], limit int, key func(T) []string) guli.Page[T] {
	if len(page.Items) > limit {
		page.Items = page.Items[:limit]
		page.NextCursor = guli.EncodeCursor(key(page.Items[limit-1])...)
	}
	return page
}

// scanAny scans a row of n columns of whatever types the driver gives.
func scanAny(rows *sql.Rows, n int) ([]any, error) {
	vals := make([]any, n)
	ptrs := make([]any, n)
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	return vals, rows.Scan(ptrs...)
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// prefixed qualifies a column list with a table alias.
func prefixed(alias, columns string) string {
	cols := strings.Split(columns, ", ")
	for i, c := range cols {
		cols[i] = alias + "." + c // an expression such as "password_hash <> ''" starts with its column too
	}
	return strings.Join(cols, ", ")
}

func nullString(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

func nullID(id guli.ID) sql.NullInt64 { return sql.NullInt64{Int64: int64(id), Valid: id > 0} }

func nullInt(p *int) sql.NullInt64 {
	if p == nil {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: int64(*p), Valid: true}
}

func intPtr(n sql.NullInt64) *int {
	if !n.Valid {
		return nil
	}
	v := int(n.Int64)
	return &v
}

// rowWith reads a row whose last columns go to extra, after those the
// wrapped scan reads: a shared scan function, with a column more.
type rowWith struct {
	row   interface{ Scan(...any) error }
	extra []any
}

func (r rowWith) Scan(dest ...any) error { return r.row.Scan(append(dest, r.extra...)...) }
