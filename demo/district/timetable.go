package district

import (
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"guli"
	"guli/demo"
)

// series is a weekly class or service of a station: the same day, hour
// and room every week, written as terms of thirteen weeks, each a series
// the desk made a week or two before it began.
type series struct {
	topic      demo.Topic
	title      string
	room       int // index in the station's rooms
	day        time.Weekday
	from       int // minutes of the day
	minutes    int
	capacity   int // 0: as many as come
	host       *person
	creator    *person
	ageRule    bool
	bp         bool // blood pressure: the readings of those who come are recorded
	regulars   []*person
	popularity float64
	terms      []string
	// The term being written: its number, its first class and when the
	// desk made it.
	term     int
	seriesID int64
	made     time.Time
}

// Spring Festival's first day, for the stations' closures.
var springFestival = map[int]string{
	2023: "2023-01-22", 2024: "2024-02-10", 2025: "2025-01-29", 2026: "2026-02-17", 2027: "2027-02-06",
	2028: "2028-01-26", 2029: "2029-02-13", 2030: "2030-02-03", 2031: "2031-01-23", 2032: "2032-02-11",
}

// closures closes the station on holidays: the eve of Spring Festival and
// its first three days, National Day's first three, New Year's Day, and
// a day for maintenance. 顾里小站's coming weeks are the demo's: it gets
// past closures only.
func (g *gen) closures(st *station) {
	r := g.rng(st.idx, partSetup+100)
	end := st.until
	if st.existing {
		end = g.opts.Anchor.In(g.loc) // the demo's today is the demo's
	}
	add := func(d guli.Date, reason string) {
		t := d.In(g.loc)
		if t.Before(st.from) || !t.Before(end) || st.closed[d] {
			return
		}
		st.closed[d] = true
		made := t.AddDate(0, 0, -20)
		if made.Before(st.opened) {
			made = st.opened
		}
		g.t.closures.Add(st.id, string(d), reason, ms(made))
	}
	for y := st.from.Year(); y <= end.Year(); y++ {
		if d, ok := springFestival[y]; ok {
			for k := -1; k <= 3; k++ {
				add(guli.Date(d).AddDays(k), "春节闭馆")
			}
		}
		for k := 1; k <= 3; k++ {
			add(guli.DateOf(time.Date(y, 10, k, 0, 0, 0, 0, g.loc)), "国庆节闭馆")
		}
		add(guli.DateOf(time.Date(y, 1, 1, 0, 0, 0, 0, g.loc)), "元旦闭馆")
	}
	days := int(end.Sub(st.from).Hours() / 24)
	if days > 0 {
		add(guli.DateOf(st.from.AddDate(0, 0, r.IntN(days))), "设备检修，暂停开放一天")
	}
}

// The talents' skills and the classes they teach.
var talentSkills = []struct{ skill, title string }{
	{"书法", "书法"}, {"合唱", "合唱"}, {"结艺", "结艺"}, {"交谊舞", "交谊舞"}, {"健身操", "健身操"}, {"国画", "国画"},
}

// topicOf finds the topic one of whose titles holds word.
func (g *gen) topicOf(word string) demo.Topic {
	for _, t := range g.topics {
		for _, title := range t.Titles {
			if strings.Contains(title, word) {
				return t
			}
		}
	}
	return g.topics[0]
}

// plan draws the station's weekly series: each talent's class, the
// blood-pressure service, and classes, services and events of the demo's
// topics, as many as the station's size calls for, each in a room at an
// hour the station is open and nobody else holds it.
func (g *gen) plan(st *station) {
	r := g.rng(st.idx, partTimetable)
	want := min(16, 6+len(st.people)/1500)
	var wanted []*series
	for _, t := range st.talents {
		sk := talentSkills[int(t.id)%len(talentSkills)]
		tp := g.topicOf(sk.title)
		wanted = append(wanted, &series{topic: tp, title: tp.Titles[0], host: t})
	}
	bp := g.topicOf("血压")
	for range 1 + len(st.people)/8000 {
		wanted = append(wanted, &series{topic: bp, title: bp.Titles[0], bp: true})
	}
	var others []demo.Topic
	for _, t := range g.topics {
		if t.Category != "meeting" && !strings.Contains(t.Titles[0], "血压") {
			others = append(others, t)
		}
	}
	for len(wanted) < want {
		tp := pick(r, others)
		wanted = append(wanted, &series{topic: tp, title: pick(r, tp.Titles)})
	}
	for _, s := range wanted {
		if !g.place(r, st, s) {
			continue
		}
		s.creator = pick(r, st.staff)
		if s.host == nil {
			s.host = s.creator
		}
		s.ageRule = s.topic.AgeRule
		s.popularity = 0.6 + 0.8*r.Float64()
		rm := st.rooms[s.room]
		switch {
		case s.bp:
			s.capacity = 0
		case s.topic.Category == "service":
			s.capacity = min(rm.capacity, 6+r.IntN(5))
		default:
			s.capacity = min(rm.capacity, 10+r.IntN(21))
		}
		n := 8 + r.IntN(8)
		if s.capacity > 0 {
			n = max(2, int(float64(s.capacity)*(0.45+0.5*s.popularity)))
		}
		g.stamp++
		for tries := 0; len(s.regulars) < n && tries < 20*n; tries++ {
			p := st.pool[r.IntN(len(st.pool))]
			if p.mark == g.stamp || !g.admitted(s, p, g.now.Year()) || r.IntN(2) >= p.weight {
				continue
			}
			p.mark = g.stamp
			s.regulars = append(s.regulars, p)
		}
		desc := s.topic.Desc
		if rs := []rune(desc); len(rs) > 1000 {
			desc = string(rs[:1000])
		}
		s.terms = slices.DeleteFunc(guli.SearchTerms(s.title+" "+desc), func(t string) bool { return len(t) > 200 })
		st.series = append(st.series, s)
	}
}

// place finds the series a room and an hour: within one of the station's
// open spans on an open day, on the half hour, in a room big enough that
// no other series holds then.
func (g *gen) place(r *rand.Rand, st *station, s *series) bool {
	var days []time.Weekday
	for d := time.Sunday; d <= time.Saturday; d++ {
		if len(st.hours.On(d)) > 0 {
			days = append(days, d)
		}
	}
	for range 80 {
		day := pick(r, days)
		span := pick(r, st.hours.On(day))
		length := min(s.topic.Minutes, span.To-span.From)
		start := span.From + 30*r.IntN((span.To-span.From-length)/30+1)
		ri := r.IntN(len(st.rooms))
		if s.bp {
			if i := slices.IndexFunc(st.rooms, func(rm room) bool { return rm.name == "健康小屋" }); i >= 0 && r.IntN(4) > 0 {
				ri = i
			}
		} else if st.rooms[ri].capacity < 10 && s.topic.Category != "service" {
			continue
		}
		busy := &st.rooms[ri].busy[day]
		if slices.ContainsFunc(*busy, func(b [2]int) bool { return b[0] < start+length && start < b[1] }) {
			continue
		}
		*busy = append(*busy, [2]int{start, start + length})
		s.room, s.day, s.from, s.minutes = ri, day, start, length
		return true
	}
	return false
}

// admitted reports whether a person may join a series' classes: from 70,
// the residents' council's rule wants an emergency contact.
func (g *gen) admitted(s *series, p *person, year int) bool {
	return !s.ageRule || p.ec || p.age(year) < guli.CouncilEmergencyContactAge
}

// reg is a sign-up of one class.
type reg struct {
	p         *person
	at        time.Time
	cancelled time.Time
	status    string
	by        int64 // staff who signed them up at the desk
}

// timetable writes each series week by week from the station's first day
// of records to the end of its timetable, skipping closures: the classes,
// who signed up (first come, first served: past the places they wait),
// who cancelled, who came, and the readings the blood-pressure service
// took.
func (g *gen) timetable(st *station) {
	r := g.rng(st.idx, partTimetable+100)
	year := g.now.Year()
	// Every class of the station in order of time, so that ids follow
	// the calendar.
	type class struct {
		s     *series
		day   guli.Date
		start time.Time
	}
	var classes []class
	for _, s := range st.series {
		first := st.from
		for first.Weekday() != s.day {
			first = first.AddDate(0, 0, 1)
		}
		for d := first; ; d = d.AddDate(0, 0, 7) {
			day := guli.DateOf(d)
			start := day.In(g.loc).Add(time.Duration(s.from) * time.Minute)
			if !start.Before(st.until) {
				break
			}
			if !st.closed[day] {
				classes = append(classes, class{s, day, start})
			}
		}
	}
	slices.SortStableFunc(classes, func(a, b class) int { return a.start.Compare(b.start) })
	for _, c := range classes {
		s, day, start := c.s, c.day, c.start
		end := start.Add(time.Duration(s.minutes) * time.Minute)
		id := next(&g.ids.activity)
		if k := int(start.Sub(g.yearStart).Hours()/24) / 91; k != s.term || s.seriesID == 0 {
			// A term of the series: the desk made it a week or two
			// before, in working hours.
			s.term, s.seriesID = k, id
			made := guli.DateOf(start.AddDate(0, 0, -7-r.IntN(8))).In(g.loc).Add(9*time.Hour + time.Duration(r.IntN(8*60))*time.Minute)
			s.made = earlier(later(made, st.opened), g.now.Add(-time.Hour))
		}
		seriesID, made := s.seriesID, s.made
		status := guli.ActivityScheduled
		if r.IntN(100) == 0 {
			status = guli.ActivityCancelled
		}
		regs := g.signUps(r, st, s, made, start)
		confirmed, waiting := 0, 0
		for _, x := range regs {
			switch x.status {
			case guli.RegConfirmed:
				confirmed++
			case guli.RegWaitlisted:
				waiting++
			}
		}
		ageFrom, ageRes := 0, any(nil)
		if s.ageRule {
			ageFrom = guli.CouncilEmergencyContactAge
			ageRes = nullable(st.ageRule)
		}
		g.t.activities.Add(id, st.id, seriesID, s.title, s.topic.Desc, s.topic.Category, ms(start), ms(end), s.capacity,
			st.rooms[s.room].id, s.host.id, ageFrom, ageRes, status, confirmed, waiting, s.creator.id, ms(made))
		for _, t := range s.terms {
			g.t.terms.Add(t, id)
		}
		g.sum.Activities++
		for _, x := range regs {
			updated := x.at
			if !x.cancelled.IsZero() {
				updated = x.cancelled
			}
			g.t.registrations.Add(next(&g.ids.registration), id, x.p.id, x.status, nullable(x.by), ms(x.at), ms(updated))
			if x.by != 0 {
				g.audit(x.by, "registration.on_behalf", x.p.id, s.title, x.at)
			}
		}
		g.sum.Registrations += len(regs)
		if status == guli.ActivityCancelled || !start.Before(g.now) {
			continue
		}
		for _, x := range regs {
			if x.status != guli.RegConfirmed || r.IntN(100) >= 88 {
				continue
			}
			desk := pick(r, st.staff)
			in := earlier(between(r, start.Add(-10*time.Minute), start.Add(15*time.Minute)), g.now.Add(-time.Minute))
			g.t.attendances.Add(id, x.p.id, desk.id, ms(in))
			st.attended[day]++
			g.sum.Attendances++
			if s.bp {
				g.reading(r, st, x.p, desk, in.Add(time.Duration(2+r.IntN(20))*time.Minute), year)
			}
		}
	}
}

// signUps draws who signed up for a class made at made that starts at
// start: most of the series' regulars, some others of the station, each
// at their moment before it (and before now: a class weeks ahead has
// fewer so far); some cancel. Places go first come, first served: past
// the capacity people wait, and a place given up goes to the first who
// waits, so those confirmed are the first who did not cancel.
func (g *gen) signUps(r *rand.Rand, st *station, s *series, made, start time.Time) []reg {
	closeAt := start.Add(-30 * time.Minute)
	until := earlier(closeAt, g.now)
	if !until.After(made) {
		return nil
	}
	share := 1.0
	if closeAt.After(g.now) {
		share = float64(g.now.Sub(made)) / float64(closeAt.Sub(made))
	}
	year := start.Year()
	g.stamp++
	var regs []reg
	add := func(p *person) {
		p.mark = g.stamp
		if r.Float64() >= share {
			return
		}
		lo := made
		if j := p.joined.Add(time.Hour); j.After(lo) {
			lo = j
		}
		if !lo.Before(until) {
			return
		}
		x := reg{p: p, at: between(r, lo, until)}
		if p.phone == "" || r.IntN(100) < 8 {
			x.by = pick(r, st.staff).id
		}
		regs = append(regs, x)
	}
	for _, p := range s.regulars {
		if r.IntN(100) < 78 {
			add(p)
		}
	}
	room := s.capacity
	if room == 0 {
		room = 12
	}
	extras := int(float64(room) * 0.35 * s.popularity * r.Float64())
	for tries := 0; extras > 0 && tries < 4*extras+4; tries++ {
		p := st.pool[r.IntN(len(st.pool))]
		if p.mark == g.stamp || !g.admitted(s, p, year) {
			continue
		}
		add(p)
		extras--
	}
	slices.SortFunc(regs, func(a, b reg) int { return a.at.Compare(b.at) })
	live := 0
	for i := range regs {
		x := &regs[i]
		if r.IntN(100) < 6 {
			x.cancelled = between(r, x.at, until)
			x.status = guli.RegCancelled
			continue
		}
		if s.capacity == 0 || live < s.capacity {
			x.status = guli.RegConfirmed
		} else {
			x.status = guli.RegWaitlisted
		}
		live++
	}
	return regs
}

// reading writes a blood-pressure reading the desk took.
func (g *gen) reading(r *rand.Rand, st *station, p, desk *person, at time.Time, year int) {
	age := p.age(year)
	sys := 112 + (age-40)*6/10 + r.IntN(31) - 15
	dia := 68 + r.IntN(25)
	pulse := 60 + r.IntN(36)
	g.t.health.Add(next(&g.ids.health), p.id, guli.BloodPressure, min(max(sys, 95), 190), dia, pulse, nil, desk.id, ms(at), st.id)
	g.audit(desk.id, "health.record", p.id, guli.BloodPressure, at)
	g.sum.HealthChecks++
}
