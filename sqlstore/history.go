package sqlstore

import (
	"context"
	"slices"

	"guli"
)

// What a history written afterwards needs beyond the services (guli demo
// --like-seed): to know the database is empty, and to bring in a season's
// visits at once, as a station's paper tally would be.

// Empty reports whether the database holds no station, no account and
// no fill begun (ClaimEmpty).
func (db *DB) Empty(ctx context.Context) (bool, error) {
	found := false
	err := db.view(ctx, func(q runner) error {
		var err error
		found, err = holdsAnything(ctx, q)
		return err
	})
	return !found, err
}

// holdsAnything reports whether the database has a station, an account or
// a fill's mark.
func holdsAnything(ctx context.Context, q runner) (bool, error) {
	for _, query := range []string{"SELECT 1 FROM stations", "SELECT 1 FROM users", "SELECT 1 FROM counters WHERE name = '" + fillingCounter + "'"} {
		if ok, err := q.exists(ctx, query); err != nil || ok {
			return ok, err
		}
	}
	return false, nil
}

// visitsChunk is how many visits one INSERT writes: 500 rows of 8 values
// stay far below both engines' limits on parameters.
const visitsChunk = 500

// LoadVisits writes visits as they were counted, at the desk or at the
// door, each on its own day and at its own time, in one transaction: all
// or none. Each is checked as counted (guli.Visit.Validate), and a
// resident checks in at most once a day (the database refuses a second).
// No one's rights are asked: the caller is the command line, not a person.
func (db *DB) LoadVisits(ctx context.Context, visits []guli.Visit) error {
	for _, v := range visits {
		if err := v.Validate(); err != nil {
			return err
		}
	}
	const width = 8
	return db.tx(ctx, func(q runner) error {
		args := make([]any, 0, visitsChunk*width)
		for chunk := range slices.Chunk(visits, visitsChunk) {
			args = args[:0]
			for _, v := range chunk {
				args = append(args, v.StationID, nullID(v.UserID), v.Count, v.Purpose, string(v.Day), v.Source, nullID(v.RecordedBy), ms(v.CreatedAt))
			}
			if _, err := q.exec(ctx, `INSERT INTO visits (station_id, user_id, count, purpose, day, source, recorded_by, created_at)
				VALUES `+valueRows(len(chunk), width), args...); err != nil {
				return err
			}
		}
		return nil
	})
}
