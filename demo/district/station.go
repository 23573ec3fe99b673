package district

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"guli"
	"guli/demo"
	"guli/sqlstore"
)

// station is a station being written, with its people.
type station struct {
	idx      int
	id       int64
	name     string
	existing bool // 顾里小站, seeded by the demo
	hours    guli.OpeningHours
	opened   time.Time
	// from is the first day of its records: the district's year, or
	// the day after it opened if later.
	from time.Time
	// until is the end of its timetable: the district's horizon, or now
	// for 顾里小站, whose coming weeks are the demo's.
	until   time.Time
	areas   []area
	rooms   []room
	closed  map[guli.Date]bool
	staff   []*person
	people  []*person // its synthetic residents
	pool    []*person // those who had joined before its records begin
	vols    []*person // volunteers
	talents []*person
	// ageRule is the residents' council's resolution that needs an
	// emergency contact from 70 to join its activities.
	ageRule  int64
	fund     int64 // its fund's account in the time bank, if it has one yet
	councils []*council
	series   []*series
	// attended counts the day's attendances, which the desk counts among
	// the day's visits.
	attended map[guli.Date]int
}

type area struct {
	id     int64
	name   string
	weight int
}

type room struct {
	id       int64
	name     string
	capacity int
	busy     [7][][2]int // the weekly series holding it: minutes of the day
}

// person is a resident or staff member of a station.
type person struct {
	id      int64
	name    string
	phone   string
	birth   int
	area    int // index in the station's areas; -1 for staff
	joined  time.Time
	ec      bool // left an emergency contact
	staff   bool
	vol     bool
	volFrom time.Time // when they became a volunteer
	talent  bool
	skills  guli.SkillSet
	weight  int // how active they are: how often they ask, join, help
	mark    int32
	// The time bank: their account, balance and earnings as the ledger
	// is played.
	account         int64
	balance, earned int64
}

func (p *person) age(year int) int { return year - p.birth }

// elderly is past 60: retired.
func (p *person) elderly(year int) bool { return p.age(year) >= 60 }

// Opening hours stations keep: 顾里小站's Wednesday to Sunday, a street
// office's weekdays with a lunch break, and others.
var hourProfiles = []map[string][]string{
	{"wed": {"09:00-17:00"}, "thu": {"09:00-17:00"}, "fri": {"09:00-17:00"}, "sat": {"09:00-17:00"}, "sun": {"09:00-17:00"}},
	{"mon": {"08:30-11:30", "13:30-17:00"}, "tue": {"08:30-11:30", "13:30-17:00"}, "wed": {"08:30-11:30", "13:30-17:00"},
		"thu": {"08:30-11:30", "13:30-17:00"}, "fri": {"08:30-11:30", "13:30-17:00"}, "sat": {"09:00-12:00"}},
	{"tue": {"09:00-17:00"}, "wed": {"09:00-17:00"}, "thu": {"09:00-17:00"}, "fri": {"09:00-17:00"}, "sat": {"09:00-17:00"}, "sun": {"09:00-17:00"}},
	{"mon": {"09:00-17:00"}, "tue": {"09:00-17:00"}, "wed": {"09:00-17:00"}, "thu": {"09:00-17:00"}, "fri": {"09:00-17:00"}, "sat": {"09:00-17:00"}},
	{"mon": {"08:30-20:00"}, "tue": {"08:30-20:00"}, "wed": {"08:30-20:00"}, "thu": {"08:30-20:00"}, "fri": {"08:30-20:00"},
		"sat": {"08:30-20:00"}, "sun": {"08:30-20:00"}},
}

// Rooms: every station has the first two, and some of the others.
var roomKinds = []struct {
	name     string
	capacity int
}{
	{"多功能活动室", 30}, {"健康小屋", 4}, {"书画室", 12}, {"议事厅", 20}, {"舞蹈排练厅", 25}, {"阅览室", 16}, {"智慧课堂", 12},
}

// station writes a station, its people and its year.
func (g *gen) station(i, residents int) error {
	st := &station{idx: i, attended: map[guli.Date]int{}, closed: map[guli.Date]bool{}}
	if i == 0 {
		if err := g.demoStation(st); err != nil {
			return err
		}
	} else {
		g.newStation(st)
	}
	st.from = g.yearStart
	if day := st.opened.AddDate(0, 0, 1); day.After(st.from) {
		st.from = day
	}
	g.closures(st)
	g.people(st, residents)
	g.sum.Stations = append(g.sum.Stations, StationSummary{ID: guli.ID(st.id), Name: st.name, Residents: residents})
	g.plan(st)
	g.councils(st)
	if !st.existing {
		g.ageRules = append(g.ageRules, [2]int64{st.id, st.ageRule})
	}
	g.teams(st)
	g.timetable(st)
	g.visits(st)
	if err := g.help(st); err != nil {
		return err
	}
	g.board(st)
	return g.b.Err()
}

// demoStation takes 顾里小站 as the demo made it.
func (g *gen) demoStation(st *station) error {
	d := g.res.Station
	st.id, st.name, st.existing, st.hours = int64(d.ID), d.Name, true, d.OpeningHours
	st.opened = d.OpenedOn.In(g.loc)
	st.until = g.now
	for _, a := range d.Areas {
		st.areas = append(st.areas, area{id: int64(a.ID), name: a.Name, weight: 1})
	}
	for _, r := range d.Rooms {
		st.rooms = append(st.rooms, room{id: int64(r.ID), name: r.Name, capacity: r.Capacity})
	}
	for _, a := range g.res.Accounts {
		if slices.Contains(a.Roles, guli.RoleStaff) && !slices.Contains(a.Roles, guli.RoleAdmin) {
			st.staff = append(st.staff, &person{id: int64(a.ID), name: a.Name, phone: a.Phone, staff: true, area: -1})
		}
	}
	v, err := g.b.QueryInts("SELECT age_rule_resolution_id FROM stations WHERE id = ?", st.id)
	if err != nil {
		return err
	}
	st.ageRule = v[0]
	if v, err = g.b.QueryInts("SELECT id FROM timebank_accounts WHERE station_id = ?", st.id); err != nil {
		return err
	}
	st.fund = v[0]
	for _, kind := range []string{guli.CouncilResidents, guli.CouncilParents} {
		v, err := g.b.QueryInts("SELECT MIN(id) FROM councils WHERE station_id = ? AND kind = ?", st.id, kind)
		if err != nil {
			return err
		}
		if v[0] != 0 {
			st.councils = append(st.councils, &council{id: v[0], kind: kind, created: st.opened})
		}
	}
	return nil
}

// newStation draws a station of the district and writes it with its
// areas, rooms and staff.
func (g *gen) newStation(st *station) {
	r := g.rng(st.idx, partSetup)
	place := placeName(st.idx - 1)
	st.id = next(&g.ids.station)
	st.name = place + "小站"
	st.until = g.horizon
	// Opened a few months to a few years before the district's year.
	st.opened = g.yearStart.AddDate(0, 0, -60-r.IntN(900))
	hours := hourProfiles[r.IntN(len(hourProfiles))]
	if st.idx%5 == 1 {
		hours = hourProfiles[0] // like 顾里小站, the model the others follow
	}
	st.hours, _ = guli.ParseOpeningHours("opening_hours", hours)
	created := st.opened.AddDate(0, 0, -14)
	g.t.stations.Add(st.id, st.name, address(r, place), guli.DefaultTimezone, sqlstore.HoursColumn(st.hours),
		string(guli.DateOf(st.opened)), ms(created), 60, 240, 4)

	seen := map[string]bool{}
	nAreas := 5 + r.IntN(6)
	for len(st.areas) < nAreas {
		name := pick(r, places) + pick(r, areaSuffixes)
		if seen[name] {
			continue
		}
		seen[name] = true
		a := area{id: next(&g.ids.area), name: name, weight: 1 + r.IntN(4)}
		st.areas = append(st.areas, a)
		g.t.areas.Add(a.id, st.id, a.name, a.name+"居委会", ms(created))
	}
	kinds := slices.Clone(roomKinds[2:])
	r.Shuffle(len(kinds), func(i, j int) { kinds[i], kinds[j] = kinds[j], kinds[i] })
	kinds = append(slices.Clone(roomKinds[:2]), kinds[:1+r.IntN(3)]...)
	for _, k := range kinds {
		rm := room{id: next(&g.ids.room), name: k.name, capacity: k.capacity}
		st.rooms = append(st.rooms, rm)
		g.t.rooms.Add(rm.id, st.id, rm.name, rm.capacity, ms(created))
	}
}

// people draws the station's staff and residents, its volunteers and
// talents, and writes their accounts.
func (g *gen) people(st *station, residents int) {
	r := g.rng(st.idx, partPeople)
	year := g.now.Year()
	if !st.existing {
		for range min(6, 2+residents/5000) {
			born := 1975 + r.IntN(25)
			p := &person{id: next(&g.ids.user), name: personName(r, born), birth: born, area: -1, staff: true,
				joined: st.opened.AddDate(0, 0, -7).Add(10 * time.Hour), phone: g.phone()}
			st.staff = append(st.staff, p)
			g.t.users.Add(p.id, p.name, p.phone, demo.PasswordHash, "staff", nil, p.birth, "", "", ms(p.joined))
			g.t.staffStations.Add(p.id, st.id)
			g.audit(int64(g.admin), "user.create", p.id, "staff", p.joined)
			g.sum.Staff++
			g.sample("staff", p, st)
		}
	}
	weights := make([]int, len(st.areas))
	for i, a := range st.areas {
		weights[i] = a.weight
	}
	joinedFrom := st.opened
	st.people = make([]*person, residents)
	for k := range st.people {
		p := &person{id: next(&g.ids.user), birth: birthYear(r), area: demo.Weighted(r, weights), weight: 1}
		p.name = personName(r, p.birth)
		// A quarter joined during the year, the rest before it.
		if r.IntN(4) == 0 || !st.from.After(joinedFrom) {
			p.joined = between(r, st.from, g.now.Add(-time.Hour))
		} else {
			p.joined = between(r, joinedFrom, st.from)
		}
		// People sign up, and the desk makes accounts, by day.
		p.joined = g.byDay(r, p.joined)
		age := p.age(year)
		noPhone := 3
		switch {
		case age >= 80:
			noPhone = 35
		case age >= 70:
			noPhone = 12
		}
		if r.IntN(100) >= noPhone {
			p.phone = g.phone()
		}
		p.ec = age >= 70 && r.IntN(100) < 65 || age < 70 && r.IntN(10) == 0
		if age >= 60 {
			p.weight = 2 // the retired come more often
		}
		st.people[k] = p
		if p.joined.Before(st.from) {
			st.pool = append(st.pool, p)
		}
	}
	if len(st.pool) == 0 { // a station opened in the district's year: its first residents
		st.pool = st.people[:max(1, len(st.people)/4)]
	}
	// Talents first, half of them volunteers too; then volunteers up to
	// their share.
	talents := max(1, int(float64(residents)*talentShare+0.5))
	for tries := 0; len(st.talents) < talents && tries < 100*talents; tries++ {
		p := st.pool[r.IntN(len(st.pool))]
		if p.talent || p.phone == "" || p.age(year) < 45 || p.age(year) > 82 {
			continue
		}
		p.talent = true
		p.weight = 3
		if r.IntN(2) == 0 {
			g.makeVolunteer(r, st, p)
		}
		st.talents = append(st.talents, p)
	}
	vols := int(float64(residents)*volunteerShare + 0.5)
	for tries := 0; len(st.vols) < vols && tries < 100*vols; tries++ {
		p := st.people[r.IntN(len(st.people))]
		if p.vol || p.phone == "" {
			continue
		}
		// Students and the young retired volunteer most.
		w := 2
		switch age := p.age(year); {
		case age < 18 || age > 85:
			w = 0
		case age < 25 || age >= 55 && age < 75:
			w = 6
		case age >= 75:
			w = 1
		}
		if r.IntN(6) >= w {
			continue
		}
		g.makeVolunteer(r, st, p)
	}
	desk := st.staff
	for _, p := range st.people {
		roles := []guli.Role{guli.RoleResident}
		if p.vol {
			roles = append(roles, guli.RoleVolunteer)
		}
		if p.talent {
			roles = append(roles, guli.RoleTalent)
		}
		var phone any
		hash := ""
		if p.phone != "" {
			phone, hash = p.phone, demo.PasswordHash
		}
		ecName, ecPhone := "", ""
		if p.ec {
			ecName, ecPhone = surname(r)+pick(r, given[2][r.IntN(2)]), contactPhone(r)
		}
		g.t.users.Add(p.id, p.name, phone, hash, sqlstore.RolesColumn(roles), st.areas[p.area].id, p.birth, ecName, ecPhone, ms(p.joined))
		if p.phone == "" {
			// The desk keeps the accounts of those without a phone.
			g.audit(pick(r, desk).id, "user.create", p.id, "resident", p.joined)
			g.sum.NoPhone++
			g.sample("no_phone", p, st)
		} else if !p.vol && !p.talent {
			g.sample("resident", p, st)
		}
		if p.vol {
			g.audit(pick(r, desk).id, "user.roles", p.id, "resident -> resident,volunteer", p.volFrom)
			g.writeProfile(r, st, p)
			g.sample("volunteer", p, st)
		}
	}
	g.sum.Residents += residents
	g.sum.Volunteers += len(st.vols)
	g.sum.Talents += len(st.talents)
}

// makeVolunteer gives a resident the volunteer role, from some time
// after they joined.
func (g *gen) makeVolunteer(r *rand.Rand, st *station, p *person) {
	p.vol = true
	p.volFrom = between(r, p.joined.Add(24*time.Hour), p.joined.Add(120*24*time.Hour))
	p.volFrom = g.byDay(r, p.volFrom)
	if !p.volFrom.Before(g.now) || !p.volFrom.After(p.joined) {
		p.volFrom = between(r, p.joined, g.now.Add(-time.Minute))
	}
	p.weight = max(p.weight, 1+r.IntN(3))
	st.vols = append(st.vols, p)
}

// Skills volunteers offer, by how many do: errands and going along with
// someone most, homework and smartphones the young.
var skillWeights = map[string]int{"errand": 30, "companion": 20, "tech": 12, "repair": 12, "care": 12, "tutoring": 5, "other": 6}

// writeProfile draws and writes a volunteer's profile: what they can do,
// where they go and when they are free.
func (g *gen) writeProfile(r *rand.Rand, st *station, p *person) {
	young := p.age(g.now.Year()) < 30
	var skills []string
	for range 1 + r.IntN(3) {
		ws := make([]int, len(guli.HelpCategories))
		for i, c := range guli.HelpCategories {
			ws[i] = skillWeights[c]
			if young && (c == "tech" || c == "tutoring") {
				ws[i] *= 4
			}
		}
		s := guli.HelpCategories[demo.Weighted(r, ws)]
		if !slices.Contains(skills, s) {
			skills = append(skills, s)
		}
	}
	p.skills = guli.Skills(skills...)
	areas := []guli.ID{guli.ID(st.areas[p.area].id)}
	for range r.IntN(3) {
		a := guli.ID(pick(r, st.areas).id)
		if !slices.Contains(areas, a) {
			areas = append(areas, a)
		}
	}
	free := map[string][]string{}
	for range 2 + r.IntN(4) {
		day := pick(r, guli.Weekdays)
		span := pick(r, []string{"09:00-12:00", "13:30-17:00", "18:30-21:00"})
		if !slices.Contains(free[day], span) {
			free[day] = append(free[day], span)
		}
	}
	hours, err := guli.ParseOpeningHours("availability", free)
	if err != nil {
		panic(fmt.Sprintf("district: availability %v: %v", free, err)) // the spans above never overlap
	}
	b, _ := json.Marshal(skills)
	g.t.profiles.Add(p.id, string(b), sqlstore.IDsColumn(areas), sqlstore.HoursColumn(hours), ms(p.volFrom))
}

// phone is the next account's number.
func (g *gen) phone() string {
	p := phoneOf(g.phones, g.opts.Seed)
	g.phones++
	return p
}

// sample keeps the first account of a kind at each station, to sign in as.
func (g *gen) sample(kind string, p *person, st *station) {
	for i := len(g.sum.Accounts) - 1; i >= 0; i-- {
		a := g.sum.Accounts[i]
		if a.StationID != guli.ID(st.id) {
			break
		}
		if a.Kind == kind {
			return
		}
	}
	g.sum.Accounts = append(g.sum.Accounts, Account{Kind: kind, ID: guli.ID(p.id), Name: p.name, Phone: p.phone, StationID: guli.ID(st.id)})
}
