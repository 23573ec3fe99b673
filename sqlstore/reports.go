package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"guli"
)

// Reports implements guli.ReportService.
//
// A monthly report is four set-based queries, each one range of an index
// (visits by station and day, activities by station and start, help
// requests by station and when asked or confirmed: the figures' indexes
// of migration 0020), read
// in one snapshot so that its sections always add up together, whatever
// is written meanwhile. The services' volunteer section and the help
// section's completed services are one query's rows, added up two ways.
type Reports struct {
	db       *DB
	stations *Stations // for the station with its areas, kept while the data holds
}

// NewReports returns the reports of db.
func NewReports(db *DB) *Reports { return &Reports{db: db, stations: NewStations(db)} }

var _ guli.ReportService = (*Reports)(nil)

// reportSQL is one of a report's queries with its arguments.
type reportSQL struct {
	name, sql string
	args      []any
}

// reportQueries are the queries of a station's month, or of one of its
// areas' (area 0: the whole station). Each reads one range of an index:
// visits by station and day, activities by station and start (each one's
// places and check-ins by registrations_activity and the attendances'
// key), help requests by station and when they were asked or confirmed
// (help_requests_station_created and _confirmed). An area's lines join the
// people they count and keep those of the area.
func reportQueries(station, area guli.ID, m guli.Month, loc *time.Location) []reportSQL {
	start, end := m.Bounds(loc)
	narrow := func(join string) (string, string) {
		if area == 0 {
			return "", ""
		}
		return " JOIN users u ON u.id = " + join, " AND u.area_id = ?"
	}
	args := func(args ...any) []any {
		if area != 0 {
			args = append(args, area)
		}
		return args
	}
	registered, attended := "a.confirmed_count", "(SELECT COUNT(*) FROM attendances t WHERE t.activity_id = a.id)"
	var activityArgs []any
	if area != 0 {
		registered = `(SELECT COUNT(*) FROM registrations g JOIN users u ON u.id = g.user_id
			WHERE g.activity_id = a.id AND g.status = 'confirmed' AND u.area_id = ?)`
		attended = "(SELECT COUNT(*) FROM attendances t JOIN users u ON u.id = t.user_id WHERE t.activity_id = a.id AND u.area_id = ?)"
		activityArgs = []any{area, area}
	}
	visitsJoin, visitsArea := narrow("v.user_id")
	askedJoin, askedArea := narrow("h.requester_id")
	return []reportSQL{
		{"visits", `SELECT v.purpose, SUM(v.count) FROM visits v` + visitsJoin + `
			WHERE v.station_id = ? AND v.day >= ? AND v.day <= ?` + visitsArea + `
			GROUP BY v.purpose`, args(station, string(m.FirstDay()), string(m.LastDay()))},
		{"activities", `SELECT a.id, a.start_at, a.title, a.category, COALESCE(h.name, ''), ` + registered + `, ` + attended + `
			FROM activities a LEFT JOIN users h ON h.id = a.host_id
			WHERE a.station_id = ? AND a.start_at >= ? AND a.start_at < ? AND a.status <> 'cancelled'
			ORDER BY a.start_at, a.id`, append(activityArgs, station, ms(start), ms(end))},
		{"help asked", `SELECT h.category, COUNT(*) FROM help_requests h` + askedJoin + `
			WHERE h.station_id = ? AND h.created_at >= ? AND h.created_at < ? AND h.status <> 'cancelled'` + askedArea + `
			GROUP BY h.category`, args(station, ms(start), ms(end))},
		// The services confirmed, by category and volunteer: the help
		// section's and the volunteers' are these rows added up.
		{"help served", `SELECT h.category, h.volunteer_id, COALESCE(p.name, ''), COUNT(*), SUM(h.minutes)
			FROM help_requests h LEFT JOIN users p ON p.id = h.volunteer_id` + askedJoin + `
			WHERE h.station_id = ? AND h.confirmed_at >= ? AND h.confirmed_at < ? AND h.status = 'confirmed'` + askedArea + `
			GROUP BY h.category, h.volunteer_id, p.name`, args(station, ms(start), ms(end))},
	}
}

// MonthlyReport reads a station's month, or one of its areas'; for its
// staff, and audited.
func (s *Reports) MonthlyReport(ctx context.Context, in guli.ReportQuery) (*guli.MonthlyReport, error) {
	actor, err := guli.RequireUser(ctx)
	if err != nil {
		return nil, err
	}
	if !actor.IsStaff() {
		return nil, guli.Errorf(guli.ECForbidden)
	}
	st, err := s.stations.Station(ctx, in.StationID)
	if err != nil {
		return nil, err
	}
	if err := actor.ActsAt(st.ID); err != nil {
		return nil, err
	}
	now := s.db.now()
	req, err := in.Validate(st, now)
	if err != nil {
		return nil, err
	}
	if err := s.db.checkThrottles(ctx, reporting(actor.ID)); err != nil {
		return nil, err
	}
	rep := &guli.MonthlyReport{Station: st, Area: req.Area, Month: req.Month, Format: req.Format, MadeAt: now}
	var area guli.ID
	if req.Area != nil {
		area = req.Area.ID
	}
	err = s.db.snapshot(ctx, func(q runner) error { return readReport(ctx, q, rep, area) })
	if err != nil {
		return nil, err
	}
	detail := fmt.Sprintf("%s %s, %d volunteers named", rep.Month, rep.Format, len(rep.Volunteers))
	if req.Area != nil {
		detail = fmt.Sprintf("%s %s, area %d, %d volunteers named", rep.Month, rep.Format, area, len(rep.Volunteers))
	}
	// An audit entry of its own: the report was read from the readers.
	err = s.db.tx(ctx, func(q runner) error {
		q.moved = nil // like the entry, the count is not what readers see
		at := s.db.now()
		if err := charge(ctx, q, reporting(actor.ID), at); err != nil {
			return err
		}
		return audit(ctx, q, at, actor, "station.report", st.ID, detail)
	})
	if err != nil {
		return nil, err
	}
	return rep, nil
}

// reporting is the throttle of the reports and certificates one person
// makes as staff: every one counts, since every one is audited.
func reporting(user guli.ID) limited { return limited{guli.ThrottleReport, user.String()} }

// readReport fills rep's sections by the report's queries.
func readReport(ctx context.Context, q runner, rep *guli.MonthlyReport, area guli.ID) error {
	visits, asked := map[string]int{}, map[string]int{}
	counts := map[string]map[string]int{"visits": visits, "help asked": asked} // by purpose, by category
	served := map[string]*guli.HelpCategoryCount{}
	volunteers := map[guli.ID]*guli.VolunteerHours{}
	for _, rq := range reportQueries(rep.Station.ID, area, rep.Month, rep.Station.Location()) {
		rows, err := q.query(ctx, rq.sql, rq.args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			switch rq.name {
			case "visits", "help asked":
				var key string
				var n int
				err = rows.Scan(&key, &n)
				counts[rq.name][key] += n
			case "activities":
				var a guli.ReportActivity
				var id, start int64
				err = rows.Scan(&id, &start, &a.Title, &a.Category, &a.Host, &a.Registered, &a.Attended)
				a.ID, a.Start = guli.ID(id), fromMS(start).In(rep.Station.Location())
				// An area's report lists the activities its people joined.
				if area == 0 || a.Registered > 0 || a.Attended > 0 {
					rep.Activities = append(rep.Activities, a)
				}
			case "help served":
				var category, name string
				var volunteer sql.NullInt64
				var n, minutes int
				err = rows.Scan(&category, &volunteer, &name, &n, &minutes)
				c := served[category]
				if c == nil {
					c = &guli.HelpCategoryCount{Category: category}
					served[category] = c
				}
				c.Completed += n
				c.Minutes += minutes
				id := guli.ID(volunteer.Int64)
				v := volunteers[id]
				if v == nil {
					v = &guli.VolunteerHours{VolunteerID: id, Name: name}
					volunteers[id] = v
				}
				v.Services += n
				v.Minutes += minutes
			}
			if err != nil {
				rows.Close()
				return err
			}
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return err
		}
	}
	for _, p := range guli.VisitPurposes {
		rep.Visits = append(rep.Visits, guli.PurposeCount{Purpose: p, Count: visits[p]})
	}
	for _, c := range guli.HelpCategories {
		h := guli.HelpCategoryCount{Category: c, Requested: asked[c]}
		if s := served[c]; s != nil {
			h.Completed, h.Minutes = s.Completed, s.Minutes
		}
		rep.Help = append(rep.Help, h)
	}
	for _, v := range volunteers {
		rep.Volunteers = append(rep.Volunteers, *v)
	}
	slices.SortFunc(rep.Volunteers, func(a, b guli.VolunteerHours) int {
		if a.Minutes != b.Minutes {
			return b.Minutes - a.Minutes
		}
		if c := strings.Compare(a.Name, b.Name); c != 0 {
			return c
		}
		return int(a.VolunteerID - b.VolunteerID)
	})
	return nil
}

// certificateSQL counts a volunteer's services confirmed at a station in
// a range; servedSQL finds whether they ever served there. Both read one
// range of help_requests_volunteer_served (volunteer, station, confirmed).
const (
	certificateSQL = `SELECT COUNT(*), COALESCE(SUM(minutes), 0) FROM help_requests
		WHERE volunteer_id = ? AND confirmed_at >= ? AND confirmed_at < ? AND status = 'confirmed' AND station_id = ?`
	servedSQL = `SELECT 1 FROM help_requests WHERE volunteer_id = ? AND station_id = ? AND status = 'confirmed' LIMIT 1`
)

// VolunteerCertificate counts a volunteer's confirmed services at a
// station over a range of days; for the volunteer, and for the station's
// staff, whose look is audited.
func (s *Reports) VolunteerCertificate(ctx context.Context, in guli.CertificateQuery) (*guli.VolunteerCertificate, error) {
	actor, err := guli.RequireUser(ctx)
	if err != nil {
		return nil, err
	}
	own := actor.ID == in.VolunteerID
	if !own {
		if err := actor.ActsAt(in.StationID); err != nil {
			return nil, err
		}
		if err := s.db.checkThrottles(ctx, reporting(actor.ID)); err != nil {
			return nil, err
		}
	}
	st, err := s.stations.Station(ctx, in.StationID)
	if err != nil {
		return nil, err
	}
	now := s.db.now()
	out := &guli.VolunteerCertificate{Station: st, VolunteerID: in.VolunteerID, IssuedOn: guli.DateOf(now.In(st.Location()))}
	var volunteer *guli.User
	err = s.db.view(ctx, func(q runner) error {
		if volunteer, err = personIn(ctx, q, in.VolunteerID); err != nil {
			return err
		}
		served := own
		if !own {
			if served, err = q.exists(ctx, servedSQL, in.VolunteerID, st.ID); err != nil {
				return err
			}
		}
		closed := false
		if !own {
			if closed, err = q.exists(ctx, "SELECT 1 FROM users WHERE id = ? AND closed_at IS NOT NULL", in.VolunteerID); err != nil {
				return err
			}
		}
		if err := guli.MayIssueCertificate(actor, volunteer, st.ID, served, closed); err != nil {
			return err
		}
		span, err := in.Validate(st.Location(), now)
		if err != nil {
			return err
		}
		out.From, out.To = span.From, span.To
		start, end := span.Bounds(st.Location())
		return q.row(ctx, certificateSQL, in.VolunteerID, ms(start), ms(end), st.ID).Scan(&out.Services, &out.Minutes)
	})
	if err != nil {
		return nil, err
	}
	out.Name = volunteer.Name
	if !own {
		detail := fmt.Sprintf("station %d, %s to %s", st.ID, out.From, out.To)
		err := s.db.tx(ctx, func(q runner) error {
			q.moved = nil
			if err := charge(ctx, q, reporting(actor.ID), s.db.now()); err != nil {
				return err
			}
			return audit(ctx, q, now, actor, "volunteer.certificate", volunteer.ID, detail)
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}
