package sqlstore

import (
	"context"
	"slices"
	"strings"

	"guli"
)

// Who works where, and who belongs where. The decisions are the domain's
// (guli.User.WorksAt, ActsAt, SeesPrivateDataOf); these load what they
// decide on.

// staffStations loads the stations a staff member works at.
func staffStations(ctx context.Context, q runner, user guli.ID) ([]guli.ID, error) {
	return ids(ctx, q, "SELECT station_id FROM staff_stations WHERE user_id = ? ORDER BY station_id", user)
}

// allStations lists every station's id.
func allStations(ctx context.Context, q runner) ([]guli.ID, error) {
	return ids(ctx, q, "SELECT id FROM stations ORDER BY id")
}

// setStaffStations replaces where a person works as staff.
func setStaffStations(ctx context.Context, q runner, user guli.ID, stations []guli.ID) error {
	if _, err := q.exec(ctx, "DELETE FROM staff_stations WHERE user_id = ?", user); err != nil {
		return err
	}
	for _, st := range stations {
		if _, err := q.exec(ctx, "INSERT INTO staff_stations (user_id, station_id) VALUES (?, ?)", user, st); err != nil {
			return err
		}
	}
	return nil
}

// belongsSQL is the condition that person column col belongs to one of n
// stations (their ids are belongsArgs): their area's station, a station
// whose activities they hold a place in (a cancelled one leaves no tie), or
// one they work at. It mirrors loadStations.
func belongsSQL(col string, n int) string {
	in := "(?" + strings.Repeat(", ?", n-1) + ")"
	return "(" + col + " IN (SELECT u.id FROM users u JOIN areas a ON a.id = u.area_id WHERE a.station_id IN " + in + ")" +
		" OR EXISTS (SELECT 1 FROM registrations g JOIN activities x ON x.id = g.activity_id WHERE g.user_id = " + col +
		" AND g.status <> 'cancelled' AND x.station_id IN " + in + ")" +
		" OR " + col + " IN (SELECT user_id FROM staff_stations WHERE station_id IN " + in + "))"
}

// belongingSQL lists the ids of the people who belong to one of n
// stations, as belongsSQL decides, and who match cond, a condition on
// their users row written over alias p. It starts from the stations (their
// areas, activities and staff), so a search among a station's people reads
// that station's people only, not every account in the district in id
// order until enough of them turn out to belong. Its arguments are
// belongingArgs.
func belongingSQL(n int, cond string) string {
	in := "(?" + strings.Repeat(", ?", n-1) + ")"
	return "SELECT p.id FROM users p JOIN areas a ON a.id = p.area_id WHERE a.station_id IN " + in + " AND " + cond +
		" UNION SELECT p.id FROM registrations g JOIN activities x ON x.id = g.activity_id JOIN users p ON p.id = g.user_id" +
		" WHERE g.status <> 'cancelled' AND x.station_id IN " + in + " AND " + cond +
		" UNION SELECT p.id FROM staff_stations s JOIN users p ON p.id = s.user_id WHERE s.station_id IN " + in + " AND " + cond
}

// belongingArgs are the arguments of belongingSQL: each branch's stations,
// then cond's arguments.
func belongingArgs(stations []guli.ID, cond ...any) []any {
	args := make([]any, 0, 3*(len(stations)+len(cond)))
	for range 3 {
		for _, s := range stations {
			args = append(args, s)
		}
		args = append(args, cond...)
	}
	return args
}

// belongsArgs are the arguments of belongsSQL.
func belongsArgs(stations []guli.ID) []any {
	args := make([]any, 0, 3*len(stations))
	for range 3 {
		for _, s := range stations {
			args = append(args, s)
		}
	}
	return args
}

// loadStations fills in the Stations of people: their area's (also their
// HomeStation), those whose activities they hold a place in, and those
// they work at, which also are the StaffStations of the staff among them.
func loadStations(ctx context.Context, q runner, people ...*guli.User) error {
	if len(people) == 0 {
		return nil
	}
	byID := make(map[guli.ID]*guli.User, len(people))
	args := make([]any, 0, len(people))
	for _, p := range people {
		p.Stations = []guli.ID{}
		byID[p.ID] = p
		args = append(args, p.ID)
	}
	in := "(?" + strings.Repeat(", ?", len(args)-1) + ")"
	// The third column is the tie, as the query writes it.
	const (
		registered = iota // 0
		works             // 1
		lives             // 2
	)
	rows, err := q.query(ctx, `SELECT u.id, a.station_id, 2 FROM users u JOIN areas a ON a.id = u.area_id WHERE u.id IN `+in+`
		UNION SELECT g.user_id, x.station_id, 0 FROM registrations g JOIN activities x ON x.id = g.activity_id
			WHERE g.user_id IN `+in+` AND g.status <> 'cancelled'
		UNION SELECT user_id, station_id, 1 FROM staff_stations WHERE user_id IN `+in+`
		ORDER BY 1, 2`,
		append(append(args, args...), args...)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var user, station int64
		var tie int
		if err := rows.Scan(&user, &station, &tie); err != nil {
			return err
		}
		p := byID[guli.ID(user)]
		if p == nil {
			continue
		}
		if !slices.Contains(p.Stations, guli.ID(station)) {
			p.Stations = append(p.Stations, guli.ID(station))
		}
		switch {
		case tie == works && p.Has(guli.RoleStaff):
			p.StaffStations = append(p.StaffStations, guli.ID(station))
		case tie == lives:
			p.HomeStation = guli.ID(station)
		}
	}
	return rows.Err()
}

// ids runs a query of one id column.
func ids(ctx context.Context, q runner, query string, args ...any) ([]guli.ID, error) {
	return list(ctx, q, func(row interface{ Scan(...any) error }) (guli.ID, error) {
		var id int64
		err := row.Scan(&id)
		return guli.ID(id), err
	}, query, args...)
}

// orFirstStation is station, or the first station when it is 0: someone
// no station has yet (no area) is looked after by the first one.
func orFirstStation(ctx context.Context, q runner, station guli.ID) (guli.ID, error) {
	if station != 0 {
		return station, nil
	}
	var first int64
	err := q.row(ctx, "SELECT MIN(id) FROM stations").Scan(&first)
	return guli.ID(first), err
}

// personIn loads a person with the stations they belong to, for a decision
// about them; not_found when there is none.
func personIn(ctx context.Context, q runner, id guli.ID) (*guli.User, error) {
	u, err := userByID(ctx, q, id)
	if err != nil {
		return nil, err
	}
	return u, loadStations(ctx, q, u)
}

// hidden is how someone else's person or thing answers one who may not see
// it: as if it did not exist.
func hidden() error { return guli.Errorf(guli.ECNotFound) }
