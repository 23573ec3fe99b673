package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"guli"
)

// Imports implements guli.ImportService.
type Imports struct{ db *DB }

// NewImports returns the roster imports of db.
func NewImports(db *DB) *Imports { return &Imports{db} }

var _ guli.ImportService = (*Imports)(nil)

// importChunk is how many accounts one INSERT creates, and how many
// numbers one look-up asks for: 500 rows of 9 values stay far below both
// engines' limits on parameters (SQLite 32,766, PostgreSQL 65,535).
const importChunk = 500

// ImportResidents checks a roster and, unless dry, creates its residents.
//
// The real import checks everything again inside its one transaction
// (the areas, every row, the numbers registered meanwhile) and writes
// nothing when any row has a problem. Imports are serialized by a lock,
// so two imports of the same file at once create each person once: the
// second finds them registered, under the same name, and skips them.
func (s *Imports) ImportResidents(ctx context.Context, in guli.ImportInput) (*guli.ImportReport, error) {
	actor, err := guli.RequireUser(ctx)
	if err != nil {
		return nil, err
	}
	if err := actor.ActsAt(in.StationID); err != nil {
		return nil, err
	}
	if in.Roster == nil || len(in.Roster.Rows) == 0 {
		return nil, guli.Invalid("file", guli.FREmptyRoster)
	}
	if len(in.Roster.Rows) > guli.MaxRosterRows {
		return nil, guli.Invalid("file", guli.FRTooManyRows)
	}
	var report *guli.ImportReport
	if in.DryRun {
		err := s.db.view(ctx, func(q runner) error {
			report, _, err = s.check(ctx, q, in)
			return err
		})
		return report, err
	}
	err = s.db.tx(ctx, func(q runner) error {
		if err := q.lock(ctx, "guli:import"); err != nil {
			return err
		}
		var fresh []guli.NewResident
		report, fresh, err = s.check(ctx, q, in)
		if err != nil || report.ProblemCount > 0 {
			return err // nothing written: the transaction ends empty
		}
		now := s.db.now()
		if err := insertResidents(ctx, q, fresh, ms(now), in.Progress); err != nil {
			return err
		}
		if _, err := q.exec(ctx, "DELETE FROM kept_rosters WHERE user_id = ?", actor.ID); err != nil {
			return err
		}
		report.Imported = true
		return audit(ctx, q, now, actor, "user.import", 0, fmt.Sprintf("station %d: %d rows, %d created, %d already there",
			in.StationID, report.Rows, report.New, report.Existing))
	})
	if err != nil {
		return nil, err
	}
	return report, nil
}

// check reads the station's areas and checks the roster against them and
// the numbers registered: it returns the report and the residents to
// create.
func (s *Imports) check(ctx context.Context, q runner, in guli.ImportInput) (*guli.ImportReport, []guli.NewResident, error) {
	ok, err := q.exists(ctx, "SELECT 1 FROM stations WHERE id = ?", in.StationID)
	if err != nil {
		return nil, nil, err
	}
	if !ok {
		return nil, nil, hidden()
	}
	areas, err := list(ctx, q, scanArea, "SELECT "+areaColumns+" FROM areas WHERE station_id = ? ORDER BY id", in.StationID)
	if err != nil {
		return nil, nil, err
	}
	report := &guli.ImportReport{DryRun: in.DryRun, Ignored: in.Roster.Ignored}
	valid := guli.CheckRoster(in.Roster.Rows, areas, s.db.now(), report)
	fresh, err := withoutRegistered(ctx, q, valid, report)
	if err != nil {
		return nil, nil, err
	}
	report.New = len(fresh)
	slices.SortStableFunc(report.Problems, func(a, b guli.RosterProblem) int { return a.Row - b.Row })
	return report, fresh, nil
}

// withoutRegistered sorts out the residents whose number is registered:
// to a person of the same name they are already there and skipped; to
// anyone else it is a problem of the row. The numbers are looked up a
// chunk at a time, not a row at a time.
func withoutRegistered(ctx context.Context, q runner, residents []guli.NewResident, report *guli.ImportReport) ([]guli.NewResident, error) {
	registered := make(map[string]string, len(residents))
	for start := 0; start < len(residents); start += importChunk {
		chunk := residents[start:min(start+importChunk, len(residents))]
		args := make([]any, len(chunk))
		for i, r := range chunk {
			args[i] = r.Phone
		}
		rows, err := q.query(ctx, "SELECT phone, name FROM users WHERE phone IN ("+placeholders(len(chunk))+")", args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var phone, name string
			if err := rows.Scan(&phone, &name); err != nil {
				rows.Close()
				return nil, err
			}
			registered[phone] = name
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
	}
	fresh := residents[:0:0]
	for _, r := range residents {
		name, taken := registered[r.Phone]
		switch {
		case !taken:
			fresh = append(fresh, r)
		case guli.SameName(name, r.Name):
			report.Existing++
		default:
			report.AddProblem(guli.RosterProblem{Row: r.Row, Column: guli.ColPhone, Reason: guli.FRPhoneTaken, Value: r.Phone})
		}
	}
	return fresh, nil
}

// valueRows is n rows of width placeholders, as VALUES takes them:
// (?, ?), (?, ?).
func valueRows(n, width int) string {
	row := "(" + placeholders(width) + ")"
	return row + strings.Repeat(", "+row, n-1)
}

// insertResidents creates password-less resident accounts, importChunk
// to a statement; the statement of a full chunk is prepared once.
func insertResidents(ctx context.Context, q runner, residents []guli.NewResident, now int64, progress func(done, total int)) error {
	const width = 9
	insert := func(n int) string {
		return q.d.rebind(`INSERT INTO users (name, phone, password_hash, roles, area_id, birth_year, ec_name, ec_phone, created_at)
			VALUES ` + valueRows(n, width))
	}
	q.touch()
	var full *sql.Stmt
	if len(residents) >= importChunk {
		st, err := q.prepare(ctx, insert(importChunk))
		if err != nil {
			return err
		}
		defer st.Close()
		full = st
	}
	args := make([]any, 0, importChunk*width)
	resident := string(guli.RoleResident)
	for start := 0; start < len(residents); start += importChunk {
		chunk := residents[start:min(start+importChunk, len(residents))]
		args = args[:0]
		for _, r := range chunk {
			var ecName, ecPhone string
			if c := r.EmergencyContact; c != nil {
				ecName, ecPhone = c.Name, c.Phone
			}
			args = append(args, r.Name, r.Phone, "", resident, nullID(r.AreaID), r.BirthYear, ecName, ecPhone, now)
		}
		var err error
		if len(chunk) == importChunk {
			_, err = full.ExecContext(ctx, args...)
		} else {
			_, err = q.x.ExecContext(ctx, insert(len(chunk)), args...)
		}
		if isUnique(err, "phone") {
			return errPhoneTaken() // registered meanwhile, not through an import
		}
		if err != nil {
			return err
		}
		if progress != nil {
			progress(start+len(chunk), len(residents))
		}
	}
	return nil
}

// KeepRoster keeps an uploaded roster for its uploader: one at a time, a
// new upload taking the place of the one before.
func (s *Imports) KeepRoster(ctx context.Context, station guli.ID, data []byte) (string, error) {
	actor, err := guli.RequireUser(ctx)
	if err != nil {
		return "", err
	}
	if err := actor.ActsAt(station); err != nil {
		return "", err
	}
	if len(data) > guli.MaxRosterBytes {
		return "", guli.Errorf(guli.ECBodyTooLarge)
	}
	token := newToken()
	err = s.db.tx(ctx, func(q runner) error {
		ok, err := q.exists(ctx, "SELECT 1 FROM stations WHERE id = ?", station)
		if err != nil {
			return err
		}
		if !ok {
			return hidden()
		}
		now := s.db.now()
		if _, err := q.exec(ctx, "DELETE FROM kept_rosters WHERE user_id = ? OR created_at < ?",
			actor.ID, ms(now.Add(-guli.KeptRosterLifetime))); err != nil {
			return err
		}
		_, err = q.exec(ctx, "INSERT INTO kept_rosters (token_hash, station_id, user_id, data, created_at) VALUES (?, ?, ?, ?, ?)",
			hashToken(token), station, actor.ID, data, ms(now))
		return err
	})
	return token, err
}

// KeptRoster returns a roster the acting staff member kept for station.
func (s *Imports) KeptRoster(ctx context.Context, station guli.ID, token string) ([]byte, error) {
	actor, err := guli.RequireUser(ctx)
	if err != nil {
		return nil, err
	}
	if err := actor.ActsAt(station); err != nil {
		return nil, err
	}
	if token == "" || len(token) > 128 {
		return nil, hidden()
	}
	var data []byte
	err = s.db.read().row(ctx, "SELECT data FROM kept_rosters WHERE token_hash = ? AND station_id = ? AND user_id = ? AND created_at >= ?",
		hashToken(token), station, actor.ID, ms(s.db.now().Add(-guli.KeptRosterLifetime))).Scan(&data)
	if err != nil {
		return nil, s.db.mapErr(notFound(err))
	}
	return data, nil
}
