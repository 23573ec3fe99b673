package demo

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"guli"
)

// The seed's figures, reproduced (guli demo --like-seed): 顾里小站 from its
// opening on 10 February 2023 to 15 October 2023, as the article tells it.
//
// Open Wednesday to Sunday, and no open day closed: 178 days (近180天).
// About 9,000 visits (近9000人次), busier at weekends and growing as word
// went round: the desk's count of each day by purpose, residents checking
// in at the door, everyone whose blood pressure was taken and everyone
// who came to a class. 236 residents asked for help and 948 services were
// done (共有236位居民通过平台发起求助，累计完成948次社区服务): each request
// asked, claimed, done and confirmed by the people involved, and its
// volunteer credited through the time bank; a few withdrawn, a few still
// under way at the end. The talents' classes week by week from February;
// Shanghai University's students from April, teaching smartphones one to
// one from June; blood pressure checked every Wednesday, then on every
// open day from June; the board's posts; and at the end the councils'
// four meetings and the incubator's teams, entered by the desk.
//
// What keeps an invariant goes through the services with the clock set to
// when it happened (accounts, registrations, attendance, requests and the
// time bank, health checks, posts), in the order it happened; the visits,
// thousands of counts that keep none, are brought in at once. The figures
// are counted from these records afterwards, never stored. A fixed seed
// makes every fill the same.

// The history's days and the article's figures it reproduces.
const (
	HistoryFrom guli.Date = "2023-02-10"
	HistoryTo   guli.Date = "2023-10-15"
	// HistoryVisits is the visits of those days: 近9000人次.
	HistoryVisits = 8946
	// HistoryRequesters asked for help; HistoryServices were done.
	HistoryRequesters = 236
	HistoryServices   = 948
	// HistoryDaysOpen is the Wednesdays to Sundays from HistoryFrom to
	// HistoryTo: 近180天.
	HistoryDaysOpen = 178
)

// HistoryEnd is the evening the history ends: figures counted then or
// later read as the article does.
func HistoryEnd() time.Time { return HistoryTo.In(guli.Zone(guli.DefaultTimezone)).Add(18 * time.Hour) }

// ErrNotEmpty refuses to write the history into a database that has a
// station or an account already.
var ErrNotEmpty = errors.New("the database is not empty: --like-seed writes a station's whole history and needs a database with no station and no account in it")

// HistoryStore is what the history needs of its database beyond the
// services: to know it is empty, and to bring in a season's visits at
// once (sqlstore.DB).
type HistoryStore interface {
	Empty(ctx context.Context) (bool, error)
	LoadVisits(ctx context.Context, visits []guli.Visit) error
}

// Clock is the history's clock: the services' clock (sqlstore.Options
// Now) while LikeSeed moves it from one moment of 2023 to the next.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock showing t.
func NewClock(t time.Time) *Clock { return &Clock{now: t} }

// Now is the time the clock shows.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Set puts the clock at t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}

// historySeed makes every fill the same.
const historySeed = 20231015

// How many people the history has besides the demo's named ones.
const (
	historyResidents  = 400 // of the eight areas; the first historyVolunteers of them volunteer
	historyVolunteers = 22
	historyStudents   = 12 // Shanghai University's, from April; they live elsewhere
	historyCancelled  = 24 // requests withdrawn
)

// historyTalents are the talents the demo does not name already.
var historyTalents = []person{
	{"邵丽华", "13600000010", 1962, 5, []guli.Role{guli.RoleResident, guli.RoleTalent, guli.RoleVolunteer}, nil}, // 交谊舞
}

// studentsFrom is when the partnership with Shanghai University's
// community college began (2023年4月); smartphonesFrom when its students
// began teaching smartphones one to one, and blood pressure became an
// every-day service (6月起).
var (
	studentsFrom    = time.Date(2023, 4, 8, 10, 0, 0, 0, guli.Zone(guli.DefaultTimezone))
	smartphonesFrom = guli.Date("2023-06-01")
)

// LikeSeed fills an empty database with 顾里小站's history, the services'
// clock being clock: their database must have been opened with
// clock.Now. It leaves the clock at HistoryEnd. ErrNotEmpty when the
// database has a station or an account.
func LikeSeed(ctx context.Context, svc guli.Services, clock *Clock, store HistoryStore) (*Result, error) {
	empty, err := store.Empty(ctx)
	if err != nil {
		return nil, err
	}
	if !empty {
		return nil, ErrNotEmpty
	}
	ctx = guli.NewContextWithUser(ctx, guli.SystemUser)
	loc := guli.Zone(guli.DefaultTimezone)
	opening := HistoryFrom.In(loc).Add(8 * time.Hour)
	clock.Set(opening)
	res, users, err := createStation(ctx, svc)
	if err != nil {
		return nil, err
	}
	for _, p := range historyTalents {
		u, err := svc.Accounts.CreateUser(ctx, guli.NewUserInput{Name: p.name, Phone: p.phone, AreaID: res.Station.Areas[p.area].ID,
			BirthYear: p.birthYear, Roles: p.roles})
		if err != nil {
			return nil, fmt.Errorf("history account %s: %w", p.name, err)
		}
		users[p.name] = u
	}
	if err := helpVolunteerProfile(ctx, svc, users[helpVolunteer]); err != nil {
		return nil, err
	}
	h := &history{ctx: ctx, svc: svc, st: res.Station, loc: loc, r: rand.New(rand.NewPCG(historySeed, 2023)),
		named: users, desk: users["顾小里"], attended: map[guli.Date]int{}}
	for d := HistoryFrom; d <= HistoryTo; d = d.AddDays(1) {
		if len(h.st.OpeningHours.On(d.Weekday())) > 0 {
			h.openDays = append(h.openDays, d)
		}
	}
	h.people(opening)
	h.classes()
	h.healthChecks()
	if err := h.help(); err != nil {
		return nil, err
	}
	h.board()
	h.checkins()
	if err := h.deskCounts(); err != nil {
		return nil, err
	}
	if err := h.run(clock); err != nil {
		return nil, err
	}
	visits := h.counted
	for _, v := range h.seen {
		visit := guli.Visit{StationID: h.st.ID, UserID: v.m.user.ID, Count: 1, Purpose: v.purpose, Day: guli.DateOf(v.at),
			Source: v.source, CreatedAt: v.at}
		if v.source == guli.VisitAtDesk {
			visit.RecordedBy = h.desk.ID
		}
		visits = append(visits, visit)
	}
	// At the end the desk enters the councils' meetings, minutes and
	// votes, and the incubator's teams.
	end := HistoryEnd().Add(-2 * time.Hour)
	clock.Set(end)
	if err := seedCouncils(ctx, svc, res.Station, users, end); err != nil {
		return nil, err
	}
	if err := seedTeams(ctx, svc, res.Station, users); err != nil {
		return nil, err
	}
	if err := store.LoadVisits(ctx, visits); err != nil {
		return nil, fmt.Errorf("history visits: %w", err)
	}
	clock.Set(HistoryEnd())
	return res, nil
}

// history is the plan of the fill, made first with its own random
// numbers, and what running it made.
type history struct {
	ctx      context.Context // the system's
	svc      guli.Services
	st       *guli.Station
	loc      *time.Location
	r        *rand.Rand
	named    map[string]*guli.User
	desk     *guli.User // 顾小里, the station's social worker
	openDays []guli.Date
	members  []*member // everyone with a home in the areas, or a student
	events   []event
	attended map[guli.Date]int // people checked in at activities, by day
	seen     []seen            // visits of people by name: door check-ins and health checks
	counted  []guli.Visit      // the desk's counts of each day by purpose
}

// seen is a visit of a member, at the door or at the desk.
type seen struct {
	m       *member
	at      time.Time
	purpose string
	source  string
}

// member is a person of the history: named by the demo, or made up.
type member struct {
	name      string
	phone     bool
	birthYear int
	volunteer bool
	student   bool
	joined    time.Time
	in        *guli.NewUserInput // nil for the demo's named people
	user      *guli.User         // once their account is made
	bp        [3]int             // their usual systolic, diastolic, pulse
}

// event is something that happened at a moment of the history.
type event struct {
	at   time.Time
	what string
	do   func() error
}

func (h *history) on(at time.Time, what string, do func() error) {
	h.events = append(h.events, event{at: at, what: what, do: do})
}

// run does the events in the order they happened, each at its moment.
func (h *history) run(clock *Clock) error {
	slices.SortStableFunc(h.events, func(a, b event) int { return a.at.Compare(b.at) })
	for _, e := range h.events {
		clock.Set(e.at)
		if err := e.do(); err != nil {
			return fmt.Errorf("history: %s on %s: %w", e.what, e.at.Format("2006-01-02 15:04"), err)
		}
	}
	return nil
}

// member is the member of that name.
func (h *history) member(name string) *member {
	i := slices.IndexFunc(h.members, func(m *member) bool { return m.name == name })
	return h.members[i]
}

// as is a member's context.
func (h *history) as(m *member) context.Context { return guli.NewContextWithUser(h.ctx, m.user) }

func (h *history) asDesk() context.Context { return guli.NewContextWithUser(h.ctx, h.desk) }

// at is a moment of a day, "HH:MM".
func (h *history) at(d guli.Date, clock string) time.Time { return d.In(h.loc).Add(clockOf(clock)) }

// between is a moment in [lo, hi), by the minute; lo when hi is not later.
func (h *history) between(lo, hi time.Time) time.Time {
	if !hi.After(lo) {
		return lo
	}
	return lo.Add(time.Duration(h.r.Int64N(int64(hi.Sub(lo)/time.Minute))) * time.Minute)
}

// openDay is one of the open days from..to, both included.
func (h *history) openDay(from, to guli.Date) guli.Date {
	var days []guli.Date
	for _, d := range h.openDays {
		if d >= from && d <= to {
			days = append(days, d)
		}
	}
	return days[h.r.IntN(len(days))]
}

// people plans the residents' accounts: made by the desk the day they
// first came, many in the first weeks, most by the summer, the volunteers
// among the first; and the students' on the partnership's first Saturday.
func (h *history) people(opening time.Time) {
	for _, name := range []string{"程秀英", "谢墨林", "汪雅琴", "陆建平", "孙巧云", "周晨", "李建华", "陈美娣", "张阿婆", "邵丽华"} {
		u := h.named[name]
		h.members = append(h.members, &member{name: name, phone: u.Phone != "", birthYear: u.BirthYear,
			volunteer: u.Has(guli.RoleVolunteer), joined: opening, user: u})
	}
	firstWeeks := h.openDays[14]
	for i := range historyResidents {
		m := &member{name: Name(h.r), phone: h.r.IntN(10) > 0, volunteer: i < historyVolunteers}
		switch {
		case m.volunteer:
			m.birthYear = 1950 + h.r.IntN(40)
			m.joined = h.at(h.openDay(HistoryFrom, h.openDays[29]), "09:00")
		case h.r.IntN(10) < 7:
			m.birthYear = 1936 + h.r.IntN(27)
		default:
			m.birthYear = 1963 + h.r.IntN(30)
		}
		if m.joined.IsZero() {
			last := guli.Date("2023-09-30")
			switch n := h.r.IntN(20); {
			case n < 8:
				last = firstWeeks
			case n < 17:
				last = "2023-06-30"
			}
			m.joined = h.at(h.openDay(HistoryFrom, last), "09:00")
		}
		m.joined = h.between(m.joined, m.joined.Add(7*time.Hour+30*time.Minute))
		area := h.r.IntN(10) - 2 // 馨清佳苑, where the station is, three times any other
		m.in = &guli.NewUserInput{Name: m.name, AreaID: h.st.Areas[max(area, 0)].ID, BirthYear: m.birthYear,
			Roles: []guli.Role{guli.RoleResident}}
		if m.phone {
			m.in.Phone = fmt.Sprintf("139%08d", 16_180_339+i*7_919)
		}
		if m.volunteer {
			m.in.Roles = append(m.in.Roles, guli.RoleVolunteer)
		}
		h.members = append(h.members, m)
	}
	for i := range historyStudents {
		m := &member{name: Name(h.r), phone: true, birthYear: 2001 + h.r.IntN(4), volunteer: true, student: true,
			joined: studentsFrom.Add(time.Duration(i) * time.Minute)}
		m.in = &guli.NewUserInput{Name: m.name, Phone: fmt.Sprintf("137%08d", 20_230_408+i*101), BirthYear: m.birthYear,
			Roles: []guli.Role{guli.RoleResident, guli.RoleVolunteer}}
		h.members = append(h.members, m)
	}
	for _, m := range h.members {
		m.bp = [3]int{112 + h.r.IntN(45), 0, 60 + h.r.IntN(28)}
		m.bp[1] = m.bp[0]*6/10 + h.r.IntN(10)
		if m.in == nil {
			continue
		}
		h.on(m.joined, "the account of "+m.name, func() error {
			u, err := h.svc.Accounts.CreateUser(h.ctx, *m.in)
			m.user = u
			return err
		})
	}
}

// residents are the members who live in the areas and joined before t.
func (h *history) residents(t time.Time, keep func(m *member) bool) []*member {
	var out []*member
	for _, m := range h.members {
		if !m.student && m.joined.Before(t) && (keep == nil || keep(m)) {
			out = append(out, m)
		}
	}
	return out
}

// elderly keeps those born before 1964.
func elderly(m *member) bool { return m.birthYear < 1964 }

// course is a class, service or event of the history, run weekly or once
// a month from since, or once on since.
type course struct {
	title, desc, category string
	host                  string // a named talent; "" for the station's own
	room                  string
	day                   time.Weekday
	from, to              string
	capacity              int
	since                 guli.Date
	nth                   int     // 0: every week; n: the month's n-th such day; lastOfMonth; onceOnly
	fill                  float64 // the share of its places taken, on average; 0: nobody signs up
	regulars              int     // how many residents come to it by turns
	keep                  func(m *member) bool
}

const (
	lastOfMonth = -1
	onceOnly    = -2
)

// courses are the station's timetable over the history, after the
// article: the talents' classes (the choir, exercise, 墨迹书香's
// calligraphy, knotting, ballroom dancing), the children's calligraphy the
// parents' council asked for in the summer, the students' smartphone
// lessons from June, legal advice and TCM once a month, and a few events.
var courses = []course{
	{"社区合唱队排练", "程秀英老师带领的社区合唱队，欢迎爱唱歌的邻居加入。", "class", "程秀英", "多功能活动室", time.Wednesday, "14:00", "15:30", 30, "2023-02-15", 0, 0.7, 36, nil},
	{"强身健体操", "陆老师带大家做适合中老年人的健身操。", "class", "陆建平", "多功能活动室", time.Thursday, "09:00", "10:00", 25, "2023-02-16", 0, 0.65, 30, elderly},
	{"墨迹书香·书法课", "谢墨林老师的成人书法课，笔墨纸砚小站提供。", "class", "谢墨林", "书画室", time.Thursday, "09:30", "11:00", 12, "2023-02-16", 0, 0.8, 16, nil},
	{"生活结艺", "孙老师教中国结和生活小挂件。", "class", "孙巧云", "书画室", time.Friday, "14:00", "15:30", 10, "2023-02-17", 0, 0.75, 14, nil},
	{"交谊舞", "周日下午的交谊舞，零基础也欢迎。", "class", "邵丽华", "多功能活动室", time.Sunday, "14:00", "16:00", 20, "2023-03-05", 0, 0.7, 26, nil},
	{"少儿书法班", "谢墨林老师的公益书法班，适合6到12岁的孩子，家长陪同。", "class", "谢墨林", "书画室", time.Saturday, "09:30", "11:00", 12, "2023-07-08", 0, 0, 0, nil},
	{"智能手机一对一", "上海大学社区学院的同学一对一教您用智能手机：微信、挂号、扫码。", "service", "周晨", "多功能活动室", time.Saturday, "14:00", "16:00", 6, "2023-06-03", 0, 0.9, 40, elderly},
	{"法律咨询", "律师志愿者解答邻里纠纷、继承、租房等问题。", "service", "", "议事厅", time.Saturday, "09:30", "11:30", 6, "2023-02-11", 2, 0.7, 60, nil},
	{"中医义诊", "中医师义诊，号脉、问诊、养生建议。", "service", "", "健康小屋", time.Sunday, "14:00", "16:00", 8, "2023-02-26", lastOfMonth, 0.85, 60, elderly},
	{"垃圾分类宣传", "社区志愿者讲解垃圾分类，附问答和小礼品。", "event", "", "多功能活动室", time.Saturday, "10:00", "11:00", 30, "2023-03-18", onceOnly, 0.6, 200, nil},
	{"防范电信诈骗讲座", "社区民警讲解常见的电信诈骗，教大家识别和防范。", "event", "", "多功能活动室", time.Saturday, "10:00", "11:00", 30, "2023-05-20", onceOnly, 0.8, 200, nil},
	{"端午包粽子", "邻居们一起包粽子，送给社区里的独居老人。", "event", "", "多功能活动室", time.Sunday, "09:30", "11:30", 30, "2023-06-18", onceOnly, 0.9, 200, nil},
	{"中秋游园会", "猜灯谜、做月饼、合唱队演出，欢迎全家一起来。", "event", "", "多功能活动室", time.Sunday, "09:30", "11:30", 40, "2023-09-24", onceOnly, 0.9, 200, nil},
}

// dates are the days a course ran on, by month.
func (c course) dates() [][]guli.Date {
	var months [][]guli.Date
	for d := max(c.since, HistoryFrom); d <= HistoryTo; d = d.AddDays(1) {
		day := d.In(time.UTC).Day()
		switch {
		case d.Weekday() != c.day,
			c.nth == onceOnly && d != c.since,
			c.nth > 0 && (day-1)/7+1 != c.nth,
			c.nth == lastOfMonth && d.AddDays(7)[:7] == d[:7]:
			continue
		}
		if n := len(months); n == 0 || months[n-1][0][:7] != d[:7] {
			months = append(months, nil)
		}
		months[len(months)-1] = append(months[len(months)-1], d)
	}
	return months
}

// classes plans the timetable: each month's made by the desk on the 25th
// of the month before (the first on the opening day), a weekly course as
// a weekly series; the regulars signing up in the days before, on their
// phones or at the desk, and checked in as they come by the host.
func (h *history) classes() {
	rooms := map[string]guli.ID{}
	for _, r := range h.st.Rooms {
		rooms[r.Name] = r.ID
	}
	for _, c := range courses {
		var regulars []*member
		if c.fill > 0 {
			pool := h.residents(HistoryTo.In(h.loc), func(m *member) bool { return m.name != c.host && (c.keep == nil || c.keep(m)) })
			h.r.Shuffle(len(pool), func(i, j int) { pool[i], pool[j] = pool[j], pool[i] })
			regulars = pool[:min(c.regulars, len(pool))]
		}
		for _, month := range c.dates() {
			first := month[0].In(h.loc)
			made := latest(time.Date(first.Year(), first.Month()-1, 25, 10, 30, 0, 0, h.loc), h.at(HistoryFrom, "10:30"))
			var acts []*guli.Activity
			start, end := h.at(month[0], c.from), h.at(month[0], c.to)
			in := guli.ActivityInput{StationID: h.st.ID, Title: c.title, Description: c.desc, Category: c.category,
				Start: start, End: end, Capacity: c.capacity, RoomID: rooms[c.room], AgeRuleSet: true}
			if c.host != "" {
				in.HostID = h.named[c.host].ID
			}
			if len(month) > 1 {
				in.Repeat = &guli.Repeat{WeeklyCount: len(month)}
			}
			h.on(made, "the timetable of "+c.title, func() error {
				var err error
				acts, err = h.svc.Activities.CreateActivities(h.asDesk(), in)
				return err
			})
			for i, d := range month {
				h.signUps(c, d, made, regulars, func() *guli.Activity { return acts[i] })
			}
		}
	}
}

// signUps plans the regulars' sign-ups for a course's day and who came.
func (h *history) signUps(c course, d guli.Date, made time.Time, regulars []*member, act func() *guli.Activity) {
	start := h.at(d, c.from)
	want := min(int(float64(c.capacity)*c.fill*(0.8+0.4*h.r.Float64())+0.5), c.capacity)
	host := h.asDesk
	if c.host != "" {
		host = func() context.Context { return guli.NewContextWithUser(h.ctx, h.named[c.host]) }
	}
	for _, i := range h.r.Perm(len(regulars)) {
		if want == 0 {
			break
		}
		m := regulars[i]
		lo := latest(made, m.joined, start.AddDate(0, 0, -6)).Add(time.Hour)
		hi := start.Add(-time.Hour)
		if !lo.Before(hi) {
			continue
		}
		want--
		h.on(h.between(lo, hi), "a sign-up for "+c.title, func() error {
			var err error
			if m.phone {
				_, err = h.svc.Activities.Register(h.as(m), act().ID, 0)
			} else {
				_, err = h.svc.Activities.Register(h.asDesk(), act().ID, m.user.ID)
			}
			return err
		})
		if h.r.IntN(10) == 0 {
			continue // signed up and did not come
		}
		h.attended[d]++
		h.on(start.Add(time.Duration(5+h.r.IntN(15))*time.Minute), "attendance at "+c.title, func() error {
			return h.svc.Activities.CheckIn(host(), act().ID, m.user.ID)
		})
	}
}

// healthChecks plans the blood pressure checks: every Wednesday morning,
// and from June every open day's, the desk recording each reading (and in
// the first weeks the temperature too). 李建华 comes every Wednesday.
func (h *history) healthChecks() {
	for _, d := range h.openDays {
		weekly := d < smartphonesFrom
		if weekly && d.Weekday() != time.Wednesday {
			continue
		}
		n := 3 + h.r.IntN(5)
		if weekly {
			n = 5 + h.r.IntN(6)
		}
		at := h.at(d, "09:00")
		came := h.residents(at, elderly)
		h.r.Shuffle(len(came), func(i, j int) { came[i], came[j] = came[j], came[i] })
		came = came[:min(n, len(came))]
		if lee := h.member("李建华"); d.Weekday() == time.Wednesday && !slices.Contains(came, lee) {
			came = append(came, lee)
		}
		for _, m := range came {
			at = at.Add(time.Duration(4+h.r.IntN(12)) * time.Minute)
			sys, dia, pulse := m.bp[0]+h.r.IntN(11)-5, m.bp[1]+h.r.IntN(7)-3, m.bp[2]+h.r.IntN(9)-4
			in := guli.MeasurementInput{Kind: guli.BloodPressure, Systolic: &sys, Diastolic: &dia, Pulse: &pulse}
			h.on(at, "a blood pressure check", func() error {
				in.UserID = m.user.ID
				_, err := h.svc.Health.RecordMeasurement(h.asDesk(), in)
				return err
			})
			if d < "2023-04-01" && h.r.IntN(3) == 0 {
				c := 36.2 + float64(h.r.IntN(8))/10
				temp := guli.MeasurementInput{Kind: guli.Temperature, Celsius: &c}
				h.on(at.Add(time.Minute), "a temperature check", func() error {
					temp.UserID = m.user.ID
					_, err := h.svc.Health.RecordMeasurement(h.asDesk(), temp)
					return err
				})
			}
			h.seen = append(h.seen, seen{m, at, "health_check", guli.VisitAtDesk})
		}
	}
}

// asking is a kind of request residents made, and how long its service
// took, in minutes; needed ones are for a day and an hour.
type asking struct {
	category, title, desc string
	minutes               [2]int
	needed                bool
}

var askings = []asking{
	{"errand", "帮忙取药", "社区医院配的降压药，腿脚不方便走过去。", [2]int{20, 50}, false},
	{"errand", "帮忙买菜", "想买点青菜和豆腐，这几天下雨不方便下楼。", [2]int{20, 45}, true},
	{"errand", "代缴水电煤费", "不会在手机上交，营业厅又远。", [2]int{15, 40}, false},
	{"errand", "取快递送上楼", "快递放在小区驿站，东西重拿不动。", [2]int{10, 30}, false},
	{"errand", "帮忙去眼镜店取眼镜", "上周配的老花镜好了，店在菊泉街上。", [2]int{30, 60}, false},
	{"repair", "卫生间换灯泡", "灯泡坏了，够不着。", [2]int{15, 30}, false},
	{"repair", "厨房水管漏水", "水槽下面的水管一直在滴水，地上都湿了。", [2]int{30, 90}, false},
	{"repair", "修理纱窗", "纱窗破了个洞，蚊子都飞进来了。", [2]int{20, 60}, false},
	{"repair", "马桶水箱漏水", "水箱一直在流水，关不住。", [2]int{20, 60}, false},
	{"repair", "电视机顶盒没信号", "电视只有雪花，孩子不在身边。", [2]int{15, 45}, false},
	{"companion", "陪同去医院复查", "去华山医院北院复查，需要有人陪着去。", [2]int{120, 240}, true},
	{"companion", "陪同去银行办事", "社保卡要换新的，一个人去不放心。", [2]int{60, 120}, true},
	{"companion", "陪同去社区医院配药", "走路慢，想有人陪着。", [2]int{60, 120}, true},
	{"tech", "教用智能手机挂号", "想学会用手机预约挂号、看化验报告。", [2]int{30, 60}, false},
	{"tech", "教用微信视频通话", "想和在外地的孙子视频。", [2]int{20, 45}, false},
	{"tech", "教用手机缴费", "水电煤想在手机上交。", [2]int{20, 45}, false},
	{"tech", "帮忙把手机字体调大", "手机上的字太小，看不清。", [2]int{10, 30}, false},
	{"care", "上门陪伴聊天", "老伴走了，一个人在家闷得慌。", [2]int{45, 120}, false},
	{"care", "帮忙整理房间", "年纪大了，柜子顶上够不着。", [2]int{60, 150}, false},
	{"care", "帮忙晒被子", "被子太重，搬不到阳台上。", [2]int{20, 40}, false},
	{"tutoring", "辅导孩子作业", "孩子三年级，数学作业有点难，家长下班晚。", [2]int{45, 90}, false},
	{"tutoring", "陪孩子练字", "孩子想练硬笔字，周末有空。", [2]int{45, 90}, false},
	{"other", "帮忙搬花盆", "阳台上的花盆想搬到楼下花坛。", [2]int{15, 40}, false},
	{"other", "帮忙喂猫", "出门两天，家里的猫要喂。", [2]int{20, 40}, false},
}

// thanks are what requesters wrote when they confirmed.
var thanks = []string{"谢谢，帮了大忙！", "来得很快，服务很周到。", "很耐心，教了好几遍。", "谢谢志愿者，下次还找你。", "手脚麻利，谢谢！", "非常感谢！"}

// request is a request of the history and how far it went: steps are
// when it was asked, then claimed, done and confirmed as far as it got; a
// withdrawn one's last step is when it was withdrawn.
type request struct {
	by              *member
	asking          asking
	needed          time.Time // zero: whenever
	steps           []time.Time
	minutes, rating int
	comment         string
	volunteer       *member // who claimed it, if anyone did
	cancel          bool
}

// Requests still under way when the history ends: asked, claimed, done.
var pendingAtEnd = []int{3, 2, 2}

// help plans mutual aid: HistoryRequesters residents, each asking at
// least once and some often, HistoryServices services confirmed, a few
// requests withdrawn and a few under way at the end. Requests are asked
// any day (the platform is online), more as the months go by; volunteers
// claim them within hours, do them and the requesters confirm, on their
// phones or, for those without, at the desk.
func (h *history) help() error {
	var requesters []*member
	for _, name := range []string{"李建华", "陈美娣", "张阿婆", "孙巧云", "陆建平"} {
		requesters = append(requesters, h.member(name))
	}
	pool := h.residents(h.at("2023-09-30", "17:00"), func(m *member) bool { return m.in != nil && !m.volunteer })
	h.r.Shuffle(len(pool), func(i, j int) { pool[i], pool[j] = pool[j], pool[i] })
	requesters = append(requesters, pool[:HistoryRequesters-len(requesters)]...)
	weights := make([]int, len(requesters))
	for i := range weights {
		weights[i] = 1 + h.r.IntN(6)
	}
	weights[0], weights[2] = 8, 8 // 李建华 and 张阿婆, who live alone
	often := func() *member { return requesters[Weighted(h.r, weights)] }

	var volunteers []*member
	var vweights []int
	for _, m := range h.members {
		if m.volunteer {
			volunteers = append(volunteers, m)
			vweights = append(vweights, 1+h.r.IntN(3))
		}
	}
	vweights[slices.Index(volunteers, h.member(helpVolunteer))] = 6

	var reqs []*request
	for i := range HistoryServices + historyCancelled {
		q := &request{by: often()}
		if i < len(requesters) {
			q.by = requesters[i]
		}
		q.cancel = i >= HistoryServices
		if err := h.plan(q, volunteers, vweights); err != nil {
			return err
		}
		reqs = append(reqs, q)
	}
	for state, n := range pendingAtEnd {
		for range n {
			q := &request{by: often()}
			if err := h.planPending(q, state, volunteers, vweights); err != nil {
				return err
			}
			reqs = append(reqs, q)
		}
	}
	for _, q := range reqs {
		h.ask(q)
	}
	return nil
}

// Weighted draws an index with the given weights (at least one positive).
func Weighted(r *rand.Rand, weights []int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	n := r.IntN(total)
	for i, w := range weights {
		if n < w {
			return i
		}
		n -= w
	}
	return len(weights) - 1
}

// pickAsking draws what a member asks for: parents ask for help with
// their children and with errands and repairs; the elderly for anything
// else.
func (h *history) pickAsking(m *member) asking {
	for {
		a := askings[h.r.IntN(len(askings))]
		if parent := slices.Contains([]string{"tutoring", "errand", "repair", "other"}, a.category); elderly(m) && a.category != "tutoring" || !elderly(m) && parent {
			return a
		}
	}
}

// askedAt draws when a member asks, from an hour after they joined to
// last: any day, between 7:00 and 20:00, more as the months go by.
func (h *history) askedAt(m *member, last guli.Date) time.Time {
	days := guli.DateRange{From: HistoryFrom, To: last}.Days()
	for {
		k := h.r.IntN(days)
		if h.r.Float64()*1.3 > 0.7+0.6*float64(k)/float64(days) {
			continue
		}
		d := HistoryFrom.AddDays(k)
		t := h.between(h.at(d, "07:00"), h.at(d, "20:00"))
		if t.After(m.joined.Add(time.Hour)) {
			return t
		}
	}
}

// latest is the latest of ts.
func latest(ts ...time.Time) time.Time {
	return slices.MaxFunc(ts, func(a, b time.Time) int { return a.Compare(b) })
}

// night reports whether t is between 21:00 and 7:00, when nobody asks
// or helps.
func (h *history) night(t time.Time) bool {
	hour := t.In(h.loc).Hour()
	return hour < 7 || hour >= 21
}

// daytime moves a moment of the night to the next morning.
func (h *history) daytime(t time.Time) time.Time {
	if !h.night(t) {
		return t
	}
	d := guli.DateOf(t.In(h.loc).Add(-7 * time.Hour)) // the evening's day
	return h.between(h.at(d.AddDays(1), "07:30"), h.at(d.AddDays(1), "08:30"))
}

// minutes draws a service's length, by five minutes.
func (h *history) minutes(a asking) int {
	return (a.minutes[0] + h.r.IntN(a.minutes[1]-a.minutes[0]+1)) / 5 * 5
}

// volunteerFor draws who claims a request at t: a volunteer who had
// joined, not its requester; the students for smartphones, homework and
// going along.
func (h *history) volunteerFor(q *request, t time.Time, volunteers []*member, weights []int) *member {
	w := slices.Clone(weights)
	for i, v := range volunteers {
		if !v.joined.Before(t) || v == q.by || v.student && !slices.Contains([]string{"tech", "tutoring", "companion"}, q.asking.category) {
			w[i] = 0
		}
	}
	return volunteers[Weighted(h.r, w)]
}

// plan draws a request's moments: confirmed before the history's end, or
// withdrawn.
func (h *history) plan(q *request, volunteers []*member, vweights []int) error {
	end := HistoryEnd().Add(-30 * time.Minute)
	q.asking = h.pickAsking(q.by)
	for range 1000 {
		asked := h.askedAt(q.by, HistoryTo.AddDays(-3))
		if q.cancel {
			q.steps = []time.Time{asked}
			if h.r.IntN(10) < 4 {
				q.steps = append(q.steps, h.daytime(asked.Add(time.Duration(30+h.r.IntN(150))*time.Minute)))
				q.volunteer = h.volunteerFor(q, q.steps[1], volunteers, vweights)
			}
			q.steps = append(q.steps, h.daytime(q.steps[len(q.steps)-1].Add(time.Duration(60+h.r.IntN(1140))*time.Minute)))
			return nil
		}
		claimed := asked.Add(time.Duration(5+h.r.IntN(30)) * time.Minute)
		if h.r.IntN(4) == 0 {
			claimed = claimed.Add(time.Duration(h.r.IntN(300)) * time.Minute)
		}
		claimed = h.daytime(claimed)
		q.minutes = h.minutes(q.asking)
		var done time.Time
		if q.asking.needed {
			day := guli.DateOf(asked.In(h.loc)).AddDays(1 + h.r.IntN(3))
			q.needed = h.at(day, []string{"09:00", "10:00", "14:00"}[h.r.IntN(3)])
			done = q.needed.Add(time.Duration(q.minutes) * time.Minute)
		} else {
			done = h.daytime(claimed.Add(time.Duration(q.minutes+h.r.IntN(24*60)) * time.Minute))
		}
		confirmed := h.daytime(done.Add(time.Duration(10+h.r.IntN(600)) * time.Minute))
		if confirmed.After(end) || !claimed.Before(done) {
			continue
		}
		q.steps = []time.Time{asked, claimed, done, confirmed}
		q.volunteer = h.volunteerFor(q, claimed, volunteers, vweights)
		switch n := h.r.IntN(20); {
		case n < 15:
			q.rating = 5
		case n < 19:
			q.rating = 4
		}
		if h.r.IntN(10) < 4 {
			q.comment = thanks[h.r.IntN(len(thanks))]
		}
		return nil
	}
	return fmt.Errorf("history: no time for %s's request (joined %s)", q.by.name, q.by.joined)
}

// planPending draws a request asked in the history's last two days that
// got only as far as state: 0 asked, 1 claimed, 2 done.
func (h *history) planPending(q *request, state int, volunteers []*member, vweights []int) error {
	q.asking = h.pickAsking(q.by)
	for range 1000 {
		q.steps = []time.Time{h.between(h.at(HistoryTo.AddDays(-1), "08:00"), h.at(HistoryTo, "11:00"))}
		if state > 0 {
			q.steps = append(q.steps, q.steps[0].Add(time.Duration(30+h.r.IntN(60))*time.Minute))
			q.volunteer = h.volunteerFor(q, q.steps[1], volunteers, vweights)
		}
		if state > 1 {
			q.minutes = h.minutes(q.asking)
			q.steps = append(q.steps, q.steps[1].Add(time.Duration(q.minutes+30)*time.Minute))
		}
		if q.steps[len(q.steps)-1].Before(HistoryEnd()) && q.steps[0].After(q.by.joined) && !slices.ContainsFunc(q.steps, h.night) {
			return nil
		}
	}
	return fmt.Errorf("history: no time for %s's last request", q.by.name)
}

// ask plans a request's events: asked by its requester, or filed by the
// desk for one without a phone; claimed, done and confirmed (by the desk
// for those without a phone), or withdrawn.
func (h *history) ask(q *request) {
	var made *guli.HelpRequest
	asker := func() context.Context { return h.as(q.by) }
	if !q.by.phone {
		asker = h.asDesk
	}
	h.on(q.steps[0], "a request for help", func() error {
		in := guli.HelpRequestInput{Title: q.asking.title, Description: q.asking.desc, Category: q.asking.category, NeededBy: q.needed}
		if !q.by.phone {
			in.OnBehalfOf = q.by.user.ID
		}
		var err error
		made, err = h.svc.Help.AskForHelp(asker(), in)
		return err
	})
	steps := q.steps[1:]
	if q.cancel {
		h.on(steps[len(steps)-1], "a request withdrawn", func() error {
			_, err := h.svc.Help.CancelHelp(asker(), made.ID)
			return err
		})
		steps = steps[:len(steps)-1]
	}
	for i, at := range steps {
		h.on(at, "a service", func() error {
			var err error
			switch i {
			case 0:
				_, err = h.svc.Help.Claim(h.as(q.volunteer), made.ID)
			case 1:
				_, err = h.svc.Help.Done(h.as(q.volunteer), made.ID, q.minutes)
			case 2:
				_, err = h.svc.Help.Confirm(asker(), made.ID, guli.ConfirmInput{Rating: q.rating, Comment: q.comment})
			}
			return err
		})
	}
}

// board plans the board's posts on their days, each comment an hour and
// a half after the one before.
func (h *history) board() {
	for _, p := range posts {
		at, err := time.ParseInLocation("2006-01-02 15:04", p.at, h.loc)
		if err != nil {
			continue // not part of the history
		}
		var made *guli.Post
		h.on(at, "the post "+p.title, func() error {
			var err error
			made, err = writePost(h.ctx, h.svc, h.st, h.named, p)
			return err
		})
		for i, c := range p.comments {
			h.on(at.Add(time.Duration(i+1)*90*time.Minute), "a comment on "+p.title, func() error {
				return writeComment(h.ctx, h.svc, h.named, p, made, c)
			})
		}
	}
}

// checkins plans the residents who checked in at the door with their
// phones, more once the students had taught them how.
func (h *history) checkins() {
	for _, d := range h.openDays {
		n := 2 + h.r.IntN(5)
		if d >= smartphonesFrom {
			n = 4 + h.r.IntN(8)
		}
		came := h.residents(h.at(d, "09:00"), func(m *member) bool { return m.phone })
		for _, i := range h.r.Perm(len(came))[:min(n, len(came))] {
			h.seen = append(h.seen, seen{came[i], h.between(h.at(d, "09:00"), h.at(d, "16:30")), "other", guli.VisitCheckin})
		}
	}
}

// Each open day's visitors, relatively: Saturdays and Sundays are the
// busiest.
var weekdayVisits = map[time.Weekday]float64{time.Wednesday: 0.7, time.Thursday: 0.65, time.Friday: 0.9, time.Saturday: 1.6, time.Sunday: 1.5}

// deskCounts plans the desk's count of each open day by purpose, so that
// with the people seen by name and those who came to classes the visits
// come to HistoryVisits: more as the months go by, consultations on the
// lawyer's and the doctor's days, smartphone help from June and most of it
// on Saturdays.
func (h *history) deskCounts() error {
	rest := HistoryVisits - len(h.seen)
	for _, n := range h.attended {
		rest -= n
	}
	if rest < len(h.openDays) {
		return fmt.Errorf("history: %d visits are too few for %d seen by name", HistoryVisits, HistoryVisits-rest)
	}
	consulting := map[guli.Date]bool{}
	for _, c := range courses {
		if c.category == "service" && c.nth != 0 {
			for _, month := range c.dates() {
				for _, d := range month {
					consulting[d] = true
				}
			}
		}
	}
	purposes := []string{"activity", "health_check", "consultation", "smartphone_help", "other"}
	var weights []float64
	for k, d := range h.openDays {
		day := weekdayVisits[d.Weekday()] * (0.75 + 0.5*float64(k)/float64(len(h.openDays)))
		share := []float64{0.30, 0.10, 0.06, 0, 0.30}
		if consulting[d] {
			share[2] *= 5
		}
		if d >= smartphonesFrom {
			share[3] = 0.08
			if d.Weekday() == time.Saturday {
				share[3] *= 3
			}
		}
		for _, s := range share {
			weights = append(weights, day*s)
		}
	}
	counts := Apportion(rest, weights)
	for k, d := range h.openDays {
		for j, purpose := range purposes {
			n := counts[k*len(purposes)+j]
			if purpose == "activity" {
				n += h.attended[d]
			}
			if n == 0 {
				continue
			}
			h.counted = append(h.counted, guli.Visit{StationID: h.st.ID, Count: n, Purpose: purpose, Day: d, Source: guli.VisitAtDesk,
				RecordedBy: h.desk.ID, CreatedAt: h.at(d, "16:45").Add(time.Duration(j) * time.Minute)})
		}
	}
	return nil
}

// Apportion shares total out in proportion to weights, in whole numbers
// that add up to it: each its share rounded down, and what is left one
// each to the largest remainders.
func Apportion(total int, weights []float64) []int {
	sum := 0.0
	for _, w := range weights {
		sum += w
	}
	out := make([]int, len(weights))
	rem := make([]float64, len(weights))
	left := total
	for i, w := range weights {
		exact := float64(total) * w / sum
		out[i] = int(exact)
		rem[i] = exact - float64(out[i])
		left -= out[i]
	}
	order := make([]int, len(weights))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		switch {
		case rem[a] > rem[b]:
			return -1
		case rem[a] < rem[b]:
			return 1
		}
		return 0
	})
	for _, i := range order[:left] {
		out[i]++
	}
	return out
}
