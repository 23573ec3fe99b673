package sqlstore

import (
	"context"
	"fmt"
	"strings"
	"time"

	"guli"
)

// SeedReportHistory writes years of a station's life straight into the
// database, for the plans of the reports' queries: people of its areas,
// visits every day, activities with places and check-ins, help requests
// asked and confirmed, and as much at two other stations. It analyzes the
// tables after, as `guli demo` does after a bulk load.
func SeedReportHistory(ctx context.Context, db *DB, station guli.ID, areas []guli.ID, years int) (volunteers []guli.ID, err error) {
	now := db.now()
	days := years * 365
	err = db.tx(ctx, func(q runner) error {
		others := []guli.ID{station}
		for i := range 2 {
			id, err := q.insert(ctx, `INSERT INTO stations (name, timezone, opening_hours, opened_on, created_at) VALUES (?, 'Asia/Shanghai', '{}', '2020-01-01', ?)`,
				fmt.Sprintf("别的小站%d", i), ms(now))
			if err != nil {
				return err
			}
			others = append(others, id)
		}
		batch := func(table, columns string, n int, row func(i int) []any) error {
			const size = 400
			cols := strings.Count(columns, ",") + 1
			one := "(?" + strings.Repeat(", ?", cols-1) + ")"
			for from := 0; from < n; from += size {
				to := min(from+size, n)
				args := make([]any, 0, (to-from)*cols)
				for i := from; i < to; i++ {
					args = append(args, row(i)...)
				}
				if _, err := q.exec(ctx, "INSERT INTO "+table+" ("+columns+") VALUES "+strings.TrimSuffix(strings.Repeat(one+", ", to-from), ", "),
					args...); err != nil {
					return err
				}
			}
			return nil
		}
		// 2,000 people of the station's areas; every tenth volunteers.
		if err := batch("users", "name, phone, roles, area_id, created_at", 2000, func(i int) []any {
			roles := "resident"
			if i%10 == 0 {
				roles = "resident,volunteer"
			}
			return []any{fmt.Sprintf("居民%d", i), fmt.Sprintf("177%08d", i), roles, areas[i%len(areas)], ms(now)}
		}); err != nil {
			return err
		}
		people, err := ids(ctx, q, "SELECT id FROM users WHERE phone LIKE '177%' ORDER BY id")
		if err != nil {
			return err
		}
		for i := 0; i < len(people); i += 10 {
			volunteers = append(volunteers, people[i])
		}
		day := func(i int) time.Time { return now.AddDate(0, 0, -(i % days)) }
		// Visits: 40 a day at each station, by purpose.
		if err := batch("visits", "station_id, user_id, count, purpose, day, source, created_at", 40*days, func(i int) []any {
			var user any
			if i%4 == 0 {
				user = people[i%len(people)]
			}
			return []any{others[i%3], user, 1 + i%3, guli.VisitPurposes[i%len(guli.VisitPurposes)], guli.DateOf(day(i / 40)), "desk", ms(day(i / 40))}
		}); err != nil {
			return err
		}
		// Activities: six a day across the stations.
		if err := batch("activities", "station_id, title, category, start_at, end_at, capacity, status, confirmed_count, created_at", 6*days, func(i int) []any {
			start := day(i / 6).Add(time.Duration(9+i%6) * time.Hour)
			status := guli.ActivityScheduled
			if i%50 == 0 {
				status = guli.ActivityCancelled
			}
			return []any{others[i%3], fmt.Sprintf("活动%d", i), guli.Categories[i%len(guli.Categories)], ms(start), ms(start.Add(time.Hour)), 20, status, 0, ms(start)}
		}); err != nil {
			return err
		}
		acts, err := ids(ctx, q, "SELECT id FROM activities WHERE station_id = ? ORDER BY id", station)
		if err != nil {
			return err
		}
		// Five places and three check-ins at each of the station's.
		if err := batch("registrations", "activity_id, user_id, status, created_at, updated_at", 5*len(acts), func(i int) []any {
			return []any{acts[i/5], people[(i*7)%len(people)], guli.RegConfirmed, ms(now), ms(now)}
		}); err != nil {
			return err
		}
		if err := batch("attendances", "activity_id, user_id, checked_in_at", 3*len(acts), func(i int) []any {
			return []any{acts[i/3], people[((i/3)*5+i%3)*7%len(people)], ms(now)}
		}); err != nil {
			return err
		}
		if _, err := q.exec(ctx, "UPDATE activities SET confirmed_count = 5 WHERE station_id = ?", station); err != nil {
			return err
		}
		// Help: twenty requests a day across the stations, most
		// confirmed the next day.
		return batch("help_requests", "station_id, requester_id, title, category, status, volunteer_id, minutes, created_at, confirmed_at", 20*days, func(i int) []any {
			asked := day(i / 20).Add(time.Duration(i%12) * time.Hour)
			status, volunteer, minutes, confirmed := guli.HelpOpen, any(nil), 0, any(nil)
			if i%5 != 0 {
				status, volunteer, minutes, confirmed = guli.HelpConfirmed, volunteers[i%len(volunteers)], 15+i%90, ms(asked.Add(24*time.Hour))
			}
			return []any{others[i%3], people[i%len(people)], "帮忙", guli.HelpCategories[i%len(guli.HelpCategories)], status, volunteer, minutes, ms(asked), confirmed}
		})
	})
	if err != nil {
		return nil, err
	}
	return volunteers, db.Analyze(ctx)
}

// ReportPlans are the plans the engine makes for the report's queries of
// a month, the station's and an area's, and the certificate's: each
// query's name and its plan as EXPLAIN (QUERY PLAN) prints it.
func ReportPlans(ctx context.Context, db *DB, station, area, volunteer guli.ID, m guli.Month) (map[string]string, error) {
	loc := guli.Zone(guli.DefaultTimezone)
	start, end := m.Bounds(loc)
	queries := map[string]reportSQL{
		"certificate": {"certificate", certificateSQL, []any{volunteer, ms(start), ms(end), station}},
		"served":      {"served", servedSQL, []any{volunteer, station}},
	}
	for _, q := range reportQueries(station, 0, m, loc) {
		queries[q.name] = q
	}
	for _, q := range reportQueries(station, area, m, loc) {
		queries[q.name+" (area)"] = q
	}
	explain := "EXPLAIN QUERY PLAN "
	if db.dialect == postgres {
		explain = "EXPLAIN "
	}
	plans := map[string]string{}
	for name, q := range queries {
		rows, err := db.read().query(ctx, explain+q.sql, q.args...)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		cols, _ := rows.Columns()
		var lines []string
		for rows.Next() {
			cells := make([]any, len(cols))
			for i := range cells {
				cells[i] = new(any)
			}
			if err := rows.Scan(cells...); err != nil {
				rows.Close()
				return nil, err
			}
			lines = append(lines, fmt.Sprint(*cells[len(cells)-1].(*any)))
		}
		rows.Close()
		plans[name] = strings.Join(lines, "\n")
	}
	return plans, nil
}

// ServeAndVisit writes, in one transaction, a visit to the station today
// and a service confirmed now there, of ten minutes: two parts of a
// report that a reader must see both or neither of.
func ServeAndVisit(ctx context.Context, db *DB, station, requester, volunteer guli.ID) error {
	now := db.now()
	return db.tx(ctx, func(q runner) error {
		if _, err := q.exec(ctx, `INSERT INTO visits (station_id, count, purpose, day, source, created_at) VALUES (?, 1, 'other', ?, 'desk', ?)`,
			station, string(guli.DateOf(now.In(guli.Zone(guli.DefaultTimezone)))), ms(now)); err != nil {
			return err
		}
		_, err := q.exec(ctx, `INSERT INTO help_requests (station_id, requester_id, title, category, status, volunteer_id, minutes, created_at, confirmed_at)
			VALUES (?, ?, '帮忙', 'errand', 'confirmed', ?, 10, ?, ?)`, station, requester, volunteer, ms(now), ms(now))
		return err
	})
}
