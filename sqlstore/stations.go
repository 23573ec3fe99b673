package sqlstore

import (
	"context"
	"slices"

	"guli"
)

// Stations implements guli.StationService.
//
// Every page shows its station, with the station's areas and rooms: the
// stations are kept in memory while the data version stays the same (see
// memo.go), so most pages ask the database nothing for them.
type Stations struct {
	db *DB

	one   memo[guli.ID, *guli.Station]
	many  memo[guli.ListOptions, guli.Page[*guli.Station]]
	rooms memo[guli.ID, guli.ID] // a room's station
}

// NewStations returns the station service of db.
func NewStations(db *DB) *Stations {
	return &Stations{db: db, one: memo[guli.ID, *guli.Station]{max: 1000}, many: memo[guli.ListOptions, guli.Page[*guli.Station]]{max: 100},
		rooms: memo[guli.ID, guli.ID]{max: 10000}}
}

// StationOfRoom returns the station that has the room; public.
func (s *Stations) StationOfRoom(ctx context.Context, roomID guli.ID) (*guli.Station, error) {
	id, err := s.rooms.get(ctx, s.db, roomID, func(ctx context.Context) (guli.ID, error) {
		var station int64
		err := s.db.view(ctx, func(q runner) error {
			return notFound(q.row(ctx, "SELECT station_id FROM rooms WHERE id = ?", roomID).Scan(&station))
		})
		return guli.ID(station), err
	})
	if err != nil {
		return nil, err
	}
	return s.Station(ctx, id)
}

var _ guli.StationService = (*Stations)(nil)

const stationColumns = `id, name, address, timezone, opening_hours, opened_on, booking_max_days, booking_max_minutes, booking_max_future`

func scanStation(row interface{ Scan(...any) error }) (*guli.Station, error) {
	var (
		st    guli.Station
		id    int64
		hours string
		on    string
	)
	br := &st.BookingRules
	if err := row.Scan(&id, &st.Name, &st.Address, &st.Timezone, &hours, &on, &br.MaxDaysAhead, &br.MaxMinutes, &br.MaxFutureBookings); err != nil {
		return nil, err
	}
	st.ID, st.OpenedOn = guli.ID(id), guli.Date(on)
	oh, err := parseHoursColumn(hours)
	if err != nil {
		return nil, err
	}
	st.OpeningHours = oh
	return &st, nil
}

// CreateStation creates a station; admins only.
func (s *Stations) CreateStation(ctx context.Context, in guli.StationInput) (*guli.Station, error) {
	if _, err := guli.RequireAdmin(ctx); err != nil {
		return nil, err
	}
	st, err := in.Validate(s.db.now())
	if err != nil {
		return nil, err
	}
	hours := hoursColumn(st.OpeningHours)
	err = s.db.tx(ctx, func(q runner) error {
		st.BookingRules = guli.DefaultBookingRules
		br := st.BookingRules
		id, err := q.insert(ctx, `INSERT INTO stations (name, address, timezone, opening_hours, opened_on, created_at,
				booking_max_days, booking_max_minutes, booking_max_future)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, st.Name, st.Address, st.Timezone, string(hours), string(st.OpenedOn), ms(s.db.now()),
			br.MaxDaysAhead, br.MaxMinutes, br.MaxFutureBookings)
		st.ID = id
		return err
	})
	if err != nil {
		return nil, err
	}
	st.Areas, st.Rooms = []*guli.Area{}, []*guli.Room{}
	return st, nil
}

// Stations lists stations in the order they were created; public.
func (s *Stations) Stations(ctx context.Context, opts guli.ListOptions) (guli.Page[*guli.Station], error) {
	var page guli.Page[*guli.Station]
	after, err := guli.IDCursor(opts.Cursor)
	if err != nil {
		return page, err
	}
	limit := opts.PageSize()
	page, err = s.many.get(ctx, s.db, guli.ListOptions{Cursor: opts.Cursor, Limit: limit}, func(ctx context.Context) (guli.Page[*guli.Station], error) {
		var page guli.Page[*guli.Station]
		page.Items, err = list(ctx, s.db.read(), scanStation,
			"SELECT "+stationColumns+" FROM stations WHERE id > ? ORDER BY id LIMIT ?", after, limit+1)
		if err != nil {
			return page, s.db.mapErr(err)
		}
		return trim(page, limit, func(st *guli.Station) []string { return []string{st.ID.String()} }), nil
	})
	if err != nil {
		return page, err
	}
	items := make([]*guli.Station, len(page.Items))
	for i, st := range page.Items {
		items[i] = copyStation(st)
	}
	page.Items = items
	return page, nil
}

// Station returns a station with its areas and rooms; public.
func (s *Stations) Station(ctx context.Context, id guli.ID) (*guli.Station, error) {
	st, err := s.one.get(ctx, s.db, id, func(ctx context.Context) (*guli.Station, error) { return s.read(ctx, id) })
	if err != nil {
		return nil, err
	}
	return copyStation(st), nil
}

// copyStation hands out a station callers may change without changing
// the one kept: its lists are copied, with what they point to.
func copyStation(st *guli.Station) *guli.Station {
	c := *st
	c.Areas, c.Rooms = cloneAll(st.Areas), cloneAll(st.Rooms)
	for i := range c.OpeningHours {
		c.OpeningHours[i] = slices.Clone(st.OpeningHours[i])
	}
	return &c
}

// cloneAll copies a list of pointers and the things they point to.
func cloneAll[T any](list []*T) []*T {
	if list == nil {
		return nil
	}
	out := make([]*T, len(list))
	for i, p := range list {
		c := *p
		out[i] = &c
	}
	return out
}

func (s *Stations) read(ctx context.Context, id guli.ID) (*guli.Station, error) {
	var st *guli.Station
	err := s.db.view(ctx, func(q runner) error {
		var err error
		if st, err = scanStation(q.row(ctx, "SELECT "+stationColumns+" FROM stations WHERE id = ?", id)); err != nil {
			return notFound(err)
		}
		if st.Areas, err = list(ctx, q, scanArea, "SELECT "+areaColumns+" FROM areas WHERE station_id = ? ORDER BY id", id); err != nil {
			return err
		}
		st.Rooms, err = list(ctx, q, scanRoom, "SELECT "+roomColumns+" FROM rooms WHERE station_id = ? ORDER BY id", id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return st, nil
}

// SetOpeningHours replaces a station's weekly opening hours; staff only.
func (s *Stations) SetOpeningHours(ctx context.Context, id guli.ID, raw map[string][]string) (*guli.Station, error) {
	if err := actsAt(ctx, id); err != nil {
		return nil, err
	}
	oh, err := guli.ParseOpeningHours("opening_hours", raw)
	if err != nil {
		return nil, err
	}
	return s.update(ctx, id, "opening_hours = ?", hoursColumn(oh))
}

// update sets columns of a station and returns it; not_found when there is
// no such station.
func (s *Stations) update(ctx context.Context, id guli.ID, set string, args ...any) (*guli.Station, error) {
	err := s.db.tx(ctx, func(q runner) error {
		res, err := q.exec(ctx, "UPDATE stations SET "+set+" WHERE id = ?", append(args, id)...)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return guli.Errorf(guli.ECNotFound)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.Station(ctx, id)
}

// SetBookingRules changes how residents may book a station's rooms; staff
// only. Bookings already made stay.
func (s *Stations) SetBookingRules(ctx context.Context, id guli.ID, rules guli.BookingRules) (*guli.Station, error) {
	if err := actsAt(ctx, id); err != nil {
		return nil, err
	}
	if err := rules.Validate(); err != nil {
		return nil, err
	}
	return s.update(ctx, id, "booking_max_days = ?, booking_max_minutes = ?, booking_max_future = ?",
		rules.MaxDaysAhead, rules.MaxMinutes, rules.MaxFutureBookings)
}

const areaColumns = `id, name, committee, station_id`

func scanArea(row interface{ Scan(...any) error }) (*guli.Area, error) {
	var a guli.Area
	var id, station int64
	err := row.Scan(&id, &a.Name, &a.Committee, &station)
	a.ID, a.StationID = guli.ID(id), guli.ID(station)
	return &a, err
}

// CreateArea adds a residential area to a station; admins only.
func (s *Stations) CreateArea(ctx context.Context, stationID guli.ID, in guli.AreaInput) (*guli.Area, error) {
	if _, err := guli.RequireAdmin(ctx); err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	a := &guli.Area{Name: in.Name, Committee: in.Committee, StationID: stationID}
	err := s.db.tx(ctx, func(q runner) error {
		if err := stationExists(ctx, q, stationID); err != nil {
			return err
		}
		var err error
		a.ID, err = q.insert(ctx, "INSERT INTO areas (station_id, name, committee, created_at) VALUES (?, ?, ?, ?)",
			stationID, a.Name, a.Committee, ms(s.db.now()))
		return err
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

func stationExists(ctx context.Context, q runner, id guli.ID) error {
	ok, err := q.exists(ctx, "SELECT 1 FROM stations WHERE id = ?", id)
	if err == nil && !ok {
		err = guli.Errorf(guli.ECNotFound)
	}
	return err
}

// Areas lists every area of every station; public.
func (s *Stations) Areas(ctx context.Context, opts guli.ListOptions) (guli.Page[*guli.Area], error) {
	var page guli.Page[*guli.Area]
	after, err := guli.IDCursor(opts.Cursor)
	if err != nil {
		return page, err
	}
	limit := opts.PageSize()
	page.Items, err = list(ctx, s.db.read(), scanArea,
		"SELECT "+areaColumns+" FROM areas WHERE id > ? ORDER BY id LIMIT ?", after, limit+1)
	if err != nil {
		return page, s.db.mapErr(err)
	}
	return trim(page, limit, func(a *guli.Area) []string { return []string{a.ID.String()} }), nil
}

const roomColumns = `id, station_id, name, capacity`

func scanRoom(row interface{ Scan(...any) error }) (*guli.Room, error) {
	var r guli.Room
	var id, station int64
	err := row.Scan(&id, &station, &r.Name, &r.Capacity)
	r.ID, r.StationID = guli.ID(id), guli.ID(station)
	return &r, err
}

// CreateRoom adds a room to a station; staff only.
func (s *Stations) CreateRoom(ctx context.Context, stationID guli.ID, in guli.RoomInput) (*guli.Room, error) {
	if err := actsAt(ctx, stationID); err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	r := &guli.Room{StationID: stationID, Name: in.Name, Capacity: in.Capacity}
	err := s.db.tx(ctx, func(q runner) error {
		if err := stationExists(ctx, q, stationID); err != nil {
			return err
		}
		var err error
		r.ID, err = q.insert(ctx, "INSERT INTO rooms (station_id, name, capacity, created_at) VALUES (?, ?, ?, ?)",
			stationID, r.Name, r.Capacity, ms(s.db.now()))
		return err
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// actsAt says whether the acting user may do a staff's work at a station
// (see guli.User.ActsAt).
func actsAt(ctx context.Context, station guli.ID) error {
	actor, err := guli.RequireUser(ctx)
	if err != nil {
		return err
	}
	return actor.ActsAt(station)
}
