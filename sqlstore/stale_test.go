package sqlstore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"guli"
	"guli/internal/dbtest"
	"guli/sqlstore"
)

// A kept answer is let go by every write of what it was read from. This
// test writes at random through the services, by this process and by
// another on the same database, and after each write reads everything
// that is kept through this process and through a handle with nothing
// kept: any difference is a stale read. Another process's writes may take
// a moment to be heard of (the poll of data_version, a notification).
//
// Each seed is a sequence of steps; one that found a stale read is kept
// here with the steps it needed.
func TestKeptAnswersAreNeverStale(t *testing.T) {
	runs := []struct {
		seed  uint64
		steps int
	}{
		{seed: 20231015, steps: 300},
		// A station's figures and the district's were kept across new
		// opening hours (their days open are counted by them).
		{seed: 8, steps: 10},
	}
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		for _, r := range runs {
			switch {
			case underRace && e.Name == "sqlite": // SQLite's engine is Go: many times slower
				r.steps = min(r.steps, 40)
			case underRace || testing.Short():
				r.steps = min(r.steps, 100)
			}
			t.Run(fmt.Sprint(r.seed), func(t *testing.T) {
				newStaleWorld(t, e, r.seed).run(r.steps)
			})
		}
	})
}

// person is someone of the test's district.
type person struct {
	id     guli.ID
	name   string
	phone  string
	area   guli.ID // where they live; 0: nowhere
	token  string  // a live session's
	closed bool
	kind   string // admin, staff, volunteer, resident
}

// staleWorld is the district, the three handles on its database and what
// was made in it so far.
type staleWorld struct {
	t      *testing.T
	rng    *rand.Rand // the writes
	sample *rand.Rand // whose own reads are compared
	clk    *clock
	// elsewhere is the share of writes (in tenths) another process
	// makes: on SQLite they let go of everything, so fewer tell more.
	elsewhere int

	main, other, fresh *sqlstore.DB
	mainSvc, otherSvc  guli.Services
	truth              guli.Services          // on fresh, made anew after each write: nothing kept
	users              map[guli.ID]*guli.User // as truth authenticates them now

	stations []guli.ID
	areas    map[guli.ID][]guli.ID // by station
	rooms    []guli.ID
	people   []*person
	dead     []string // tokens of sessions ended

	activities, requests, posts, councils, polls, meetings, proposals, resolutions, teams, nominations []guli.ID
	at                                                                                                 map[string]guli.ID    // the station of a thing ("activity 3")
	places                                                                                             map[[2]guli.ID]bool   // person, activity: signed up for
	members                                                                                            map[guli.ID][]guli.ID // council: its members

	window   guli.ActivityFilter // the weeks activities are made in
	step     int
	done     []string // what each step did
	outcomes map[string]int
	fails    int
	reads    int // reads compared
}

const stalePassword = "secret-123"

func newStaleWorld(t *testing.T, e dbtest.Engine, seed uint64) *staleWorld {
	t.Helper()
	clk := newClock()
	clk.Set(time.Date(2024, 3, 6, 10, 0, 0, 0, guli.Zone(guli.DefaultTimezone))) // a Wednesday, open
	dsn := e.MigratedDSN(t)
	opts := sqlstore.Options{Now: clk.Now}
	w := &staleWorld{t: t, rng: rand.New(rand.NewPCG(seed, 1)), sample: rand.New(rand.NewPCG(seed, 2)), clk: clk, elsewhere: 3,
		main: dbtest.OpenWith(t, dsn, opts), other: dbtest.OpenWith(t, dsn, opts), fresh: dbtest.OpenWith(t, dsn, opts),
		areas: map[guli.ID][]guli.ID{}, at: map[string]guli.ID{}, places: map[[2]guli.ID]bool{}, members: map[guli.ID][]guli.ID{},
		outcomes: map[string]int{}}
	w.mainSvc, w.otherSvc = sqlstore.NewServices(w.main), sqlstore.NewServices(w.other)
	if e.Name == "sqlite" {
		w.elsewhere = 1
	}
	w.wrote()
	svc := w.mainSvc
	sys := system()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	hours := map[string][]string{"wed": {"09:00-17:00"}, "thu": {"09:00-17:00"}, "fri": {"09:00-17:00"}, "sat": {"09:00-12:00"}, "sun": {"09:00-17:00"}}
	for i, name := range []string{"顾里小站", "菊泉小站"} {
		st, err := svc.Stations.CreateStation(sys, guli.StationInput{Name: name, OpenedOn: "2023-02-10", OpeningHours: hours})
		must(err)
		w.stations = append(w.stations, st.ID)
		for j, area := range [][]string{{"馨清佳苑", "菊泉新城"}, {"文馨苑"}}[i] {
			a, err := svc.Stations.CreateArea(sys, st.ID, guli.AreaInput{Name: area, Committee: fmt.Sprintf("%s居委会%d", area, j)})
			must(err)
			w.areas[st.ID] = append(w.areas[st.ID], a.ID)
		}
		room, err := svc.Stations.CreateRoom(sys, st.ID, guli.RoomInput{Name: "活动室", Capacity: 20})
		must(err)
		w.rooms = append(w.rooms, room.ID)
	}
	s1, s2 := w.stations[0], w.stations[1]
	add := func(kind, name string, area guli.ID, roles []guli.Role, stations []guli.ID, born int) *person {
		t.Helper()
		p := &person{name: name, phone: fmt.Sprintf("1370000%04d", len(w.people)), kind: kind, area: area}
		u, err := svc.Accounts.CreateUser(sys, guli.NewUserInput{Name: name, Phone: p.phone, Password: stalePassword,
			AreaID: area, BirthYear: born, Roles: roles, StationIDs: stations})
		must(err)
		p.id = u.ID
		w.people = append(w.people, p)
		w.login(p)
		return p
	}
	add("admin", "区管理员", 0, []guli.Role{guli.RoleAdmin}, nil, 1980)
	add("staff", "社工小周", 0, []guli.Role{guli.RoleStaff}, []guli.ID{s1}, 1990)
	add("staff", "社工小李", 0, []guli.Role{guli.RoleStaff}, []guli.ID{s2}, 1988)
	add("resident", "王阿姨", w.areas[s1][0], nil, nil, 1948)
	add("resident", "李伯伯", w.areas[s1][1], nil, nil, 1950)
	add("resident", "张奶奶", w.areas[s2][0], nil, nil, 1946)
	add("volunteer", "谢墨林", w.areas[s1][0], []guli.Role{guli.RoleResident, guli.RoleVolunteer, guli.RoleTalent}, nil, 1960)
	add("volunteer", "小陈", w.areas[s1][1], []guli.Role{guli.RoleResident, guli.RoleVolunteer}, nil, 2001)
	add("volunteer", "小赵", w.areas[s2][0], []guli.Role{guli.RoleResident, guli.RoleVolunteer}, nil, 2000)
	w.wrote()
	for _, p := range w.people {
		if p.kind == "volunteer" {
			_, err := svc.Accounts.SetVolunteerProfile(w.as(p), guli.VolunteerProfileInput{Skills: guli.HelpCategories,
				Availability: map[string][]string{"wed": {"09:00-17:00"}, "sat": {"09:00-12:00"}}})
			must(err)
		}
	}
	w.window = guli.ActivityFilter{From: clk.Now().Add(-24 * time.Hour), To: clk.Now().AddDate(0, 0, 21)}
	for _, st := range w.stations {
		w.doCreateActivity(svc, st)
		c, err := svc.Councils.CreateCouncil(w.as(w.staffOf(st)), guli.CouncilInput{StationID: st, Name: "居民议事会", Kind: guli.CouncilResidents})
		must(err)
		w.councils = append(w.councils, c.ID)
		w.at[fmt.Sprint("council ", c.ID)] = st
		for _, p := range w.people {
			if w.home(p) == st {
				must(svc.Councils.AddMember(w.as(w.staffOf(st)), c.ID, p.id))
				w.members[c.ID] = append(w.members[c.ID], p.id)
			}
		}
	}
	w.wrote()
	for _, name := range []string{"ask for help", "ask for help", "post", "post", "open a poll", "meeting", "propose", "team", "nominate"} {
		i := slices.IndexFunc(staleWrites, func(s staleWrite) bool { return s.name == name })
		w.done = append(w.done, "0 here: "+staleWrites[i].do(w, svc))
		w.wrote()
	}
	return w
}

// wrote forgets what truth knew: the next reads are made afresh.
func (w *staleWorld) wrote() {
	w.truth = sqlstore.NewServices(w.fresh)
	w.users = map[guli.ID]*guli.User{}
}

// login opens a session for p.
func (w *staleWorld) login(p *person) {
	w.t.Helper()
	s, err := w.mainSvc.Accounts.Login(context.Background(), guli.LoginInput{Phone: p.phone, Password: stalePassword, ClientAddr: "10.0.0.1"})
	if err != nil {
		w.t.Fatalf("%s signs in: %v", p.name, err)
	}
	p.token = s.Token
}

// user is p as a request would know them now, read through the handle
// with nothing kept; nil for a closed account.
func (w *staleWorld) user(p *person) *guli.User {
	w.t.Helper()
	if p.closed {
		return nil
	}
	if u, ok := w.users[p.id]; ok {
		return u
	}
	u, err := w.truth.Accounts.Authenticate(context.Background(), p.token)
	if err != nil {
		w.t.Fatalf("%s's session: %v", p.name, err)
	}
	w.users[p.id] = u
	return u
}

// as is a request of p (a copy of them: services may not change it, and
// nothing of one request reaches the next).
func (w *staleWorld) as(p *person) context.Context {
	if u := w.user(p); u != nil {
		c := *u
		c.Roles, c.StaffStations, c.Stations = slices.Clone(u.Roles), slices.Clone(u.StaffStations), slices.Clone(u.Stations)
		return as(&c)
	}
	return context.Background()
}

// home is the station of p's area; 0 for none.
func (w *staleWorld) home(p *person) guli.ID {
	for st, areas := range w.areas {
		if slices.Contains(areas, p.area) {
			return st
		}
	}
	return 0
}

func (w *staleWorld) byID(id guli.ID) *person {
	for _, p := range w.people {
		if p.id == id && !p.closed {
			return p
		}
	}
	return nil
}

// staffOf is someone who works at station: its staff, or the admin.
func (w *staleWorld) staffOf(station guli.ID) *person {
	var out []*person
	for _, p := range w.open() {
		if u := w.user(p); u.IsStaff() && u.WorksAt(station) && !u.IsAdmin() {
			out = append(out, p)
		}
	}
	if len(out) == 0 || w.rng.IntN(8) == 0 {
		return w.people[0] // the admin works everywhere
	}
	return pick(w, out)
}

func pick[T any](w *staleWorld, xs []T) T {
	var zero T
	if len(xs) == 0 {
		return zero
	}
	return xs[w.rng.IntN(len(xs))]
}

// last is the n last of xs: the newest things, which most writes touch.
func last[T any](xs []T, n int) []T { return xs[max(0, len(xs)-n):] }

func (w *staleWorld) open() []*person {
	var out []*person
	for _, p := range w.people {
		if !p.closed {
			out = append(out, p)
		}
	}
	return out
}

func (w *staleWorld) someone() *person { return pick(w, w.open()) }

func (w *staleWorld) kind(kinds ...string) *person {
	var out []*person
	for _, p := range w.open() {
		if slices.Contains(kinds, p.kind) {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return w.someone()
	}
	return pick(w, out)
}

func (w *staleWorld) resident() *person  { return w.kind("resident", "volunteer") }
func (w *staleWorld) volunteer() *person { return w.kind("volunteer") }

// request is one of the newest requests as it now is.
func (w *staleWorld) request() *guli.HelpRequest {
	id := pick(w, last(w.requests, 6))
	if id == 0 {
		return &guli.HelpRequest{}
	}
	h, err := w.truth.Help.HelpRequest(as(&guli.User{ID: 999999, Roles: []guli.Role{guli.RoleVolunteer}}), id)
	if err != nil {
		w.t.Fatalf("request %d: %v", id, err)
	}
	return h
}

// requestIn is one of the newest requests in one of the states, if any;
// else any of the newest.
func (w *staleWorld) requestIn(states ...string) *guli.HelpRequest {
	reader := as(&guli.User{ID: 999999, Roles: []guli.Role{guli.RoleVolunteer}})
	var in []*guli.HelpRequest
	for _, id := range last(w.requests, 10) {
		if h, err := w.truth.Help.HelpRequest(reader, id); err == nil && slices.Contains(states, h.Status) {
			in = append(in, h)
		}
	}
	if len(in) == 0 {
		return w.request()
	}
	return pick(w, in)
}

// thing is one of the newest of things and its station.
func (w *staleWorld) thing(kind string, things []guli.ID, n int) (guli.ID, guli.ID) {
	id := pick(w, last(things, n))
	return id, w.at[fmt.Sprint(kind, " ", id)]
}

// A write: what it did, in words, for the report of a stale read.
type staleWrite struct {
	name   string
	weight int
	do     func(w *staleWorld, svc guli.Services) string
}

func outcome(err error) string {
	if err != nil {
		return " → " + code(err)
	}
	return ""
}

func (w *staleWorld) doCreateActivity(svc guli.Services, station guli.ID) string {
	staff := w.staffOf(station)
	start := w.clk.Now().Add(time.Duration(2+w.rng.IntN(24*10)) * time.Hour).Truncate(time.Hour)
	in := guli.ActivityInput{StationID: station, Title: pick(w, []string{"太极拳", "书法课", "智能手机课", "健康讲座"}),
		Category: pick(w, guli.Categories), Start: start, End: start.Add(time.Hour), Capacity: 1 + w.rng.IntN(3)}
	if w.rng.IntN(4) == 0 {
		in.Repeat = &guli.Repeat{WeeklyCount: 2}
	}
	if w.rng.IntN(3) == 0 {
		in.HostID = w.people[6].id // the talent's class: their studio lists it
	}
	made, err := svc.Activities.CreateActivities(w.as(staff), in)
	for _, a := range made {
		w.activities = append(w.activities, a.ID)
		w.at[fmt.Sprint("activity ", a.ID)] = station
	}
	return fmt.Sprintf("%s makes %q at station %d%s", staff.name, in.Title, station, outcome(err))
}

var staleWrites = []staleWrite{
	{"create activity", 4, func(w *staleWorld, svc guli.Services) string { return w.doCreateActivity(svc, pick(w, w.stations)) }},
	{"sign up", 12, func(w *staleWorld, svc guli.Services) string {
		p, a := w.resident(), pick(w, last(w.activities, 8))
		_, err := svc.Activities.Register(w.as(p), a, 0)
		if err == nil {
			w.places[[2]guli.ID{p.id, a}] = true
		}
		return fmt.Sprintf("%s signs up for %d%s", p.name, a, outcome(err))
	}},
	{"cancel a place", 8, func(w *staleWorld, svc guli.Services) string {
		var held [][2]guli.ID
		for k := range w.places {
			held = append(held, k)
		}
		slices.SortFunc(held, func(a, b [2]guli.ID) int { return int(a[0]-b[0])*1000000 + int(a[1]-b[1]) })
		k := pick(w, held)
		p := w.byID(k[0])
		if p == nil {
			delete(w.places, k)
			return "nobody to give up a place"
		}
		ctx, by := w.as(p), p.name
		if w.rng.IntN(4) == 0 {
			staff := w.staffOf(w.at[fmt.Sprint("activity ", k[1])])
			ctx, by = w.as(staff), staff.name+" for "+p.name
		}
		err := svc.Activities.CancelRegistration(ctx, k[1], k[0])
		if err == nil {
			delete(w.places, k)
		}
		return fmt.Sprintf("%s gives up %d%s", by, k[1], outcome(err))
	}},
	{"staff sign up for someone", 4, func(w *staleWorld, svc guli.Services) string {
		a, st := w.thing("activity", w.activities, 8)
		staff, p := w.staffOf(st), w.resident()
		_, err := svc.Activities.Register(w.as(staff), a, p.id)
		if err == nil {
			w.places[[2]guli.ID{p.id, a}] = true
		}
		return fmt.Sprintf("%s signs %s up for %d%s", staff.name, p.name, a, outcome(err))
	}},
	{"cancel an activity", 1, func(w *staleWorld, svc guli.Services) string {
		a, st := w.thing("activity", w.activities, 8)
		staff := w.staffOf(st)
		err := svc.Activities.CancelActivity(w.as(staff), a)
		return fmt.Sprintf("%s cancels %d%s", staff.name, a, outcome(err))
	}},
	{"check in at an activity", 2, func(w *staleWorld, svc guli.Services) string {
		a, st := w.thing("activity", w.activities, 8)
		staff, p := w.staffOf(st), w.resident()
		err := svc.Activities.CheckIn(w.as(staff), a, p.id)
		return fmt.Sprintf("%s checks %s in at %d%s", staff.name, p.name, a, outcome(err))
	}},
	{"credit a roster", 1, func(w *staleWorld, svc guli.Services) string {
		a, st := w.thing("activity", w.activities, 8)
		staff, p := w.staffOf(st), w.volunteer()
		_, err := svc.TimeBank.CreditRoster(w.as(staff), a, guli.RosterCreditInput{UserIDs: []guli.ID{p.id}, Minutes: 30, Memo: "帮忙"})
		return fmt.Sprintf("%s credits %s for %d%s", staff.name, p.name, a, outcome(err))
	}},
	{"ask for help", 6, func(w *staleWorld, svc guli.Services) string {
		p := w.resident()
		h, err := svc.Help.AskForHelp(w.as(p), guli.HelpRequestInput{Title: "帮忙买菜", Category: pick(w, guli.HelpCategories),
			NeededBy: w.clk.Now().Add(time.Duration(1+w.rng.IntN(72)) * time.Hour)})
		if err == nil {
			w.requests = append(w.requests, h.ID)
		}
		return fmt.Sprintf("%s asks for help%s", p.name, outcome(err))
	}},
	{"staff ask for someone", 2, func(w *staleWorld, svc guli.Services) string {
		staff, p := w.staffOf(pick(w, w.stations)), w.resident()
		h, err := svc.Help.AskForHelp(w.as(staff), guli.HelpRequestInput{Title: "修水管", Category: "repair", OnBehalfOf: p.id})
		if err == nil {
			w.requests = append(w.requests, h.ID)
		}
		return fmt.Sprintf("%s asks for help for %s%s", staff.name, p.name, outcome(err))
	}},
	{"claim", 6, func(w *staleWorld, svc guli.Services) string {
		p, h := w.volunteer(), w.requestIn(guli.HelpOpen)
		_, err := svc.Help.Claim(w.as(p), h.ID)
		return fmt.Sprintf("%s claims request %d%s", p.name, h.ID, outcome(err))
	}},
	{"release", 2, func(w *staleWorld, svc guli.Services) string {
		h := w.requestIn(guli.HelpClaimed)
		p := w.byID(h.VolunteerID)
		if p == nil {
			p = w.volunteer()
		}
		_, err := svc.Help.Release(w.as(p), h.ID)
		return fmt.Sprintf("%s gives request %d back%s", p.name, h.ID, outcome(err))
	}},
	{"done", 4, func(w *staleWorld, svc guli.Services) string {
		h := w.requestIn(guli.HelpClaimed)
		p := w.byID(h.VolunteerID)
		if p == nil {
			p = w.volunteer()
		}
		_, err := svc.Help.Done(w.as(p), h.ID, 30+w.rng.IntN(60))
		return fmt.Sprintf("%s did request %d%s", p.name, h.ID, outcome(err))
	}},
	{"confirm", 4, func(w *staleWorld, svc guli.Services) string {
		h := w.requestIn(guli.HelpDone)
		p := w.byID(h.RequesterID)
		if p == nil || w.rng.IntN(3) == 0 {
			p = w.staffOf(h.StationID)
		}
		_, err := svc.Help.Confirm(w.as(p), h.ID, guli.ConfirmInput{Rating: 5, PayFromBalance: w.rng.IntN(4) == 0})
		return fmt.Sprintf("%s confirms request %d%s", p.name, h.ID, outcome(err))
	}},
	{"withdraw help", 2, func(w *staleWorld, svc guli.Services) string {
		h := w.request()
		p := w.byID(h.RequesterID)
		if p == nil || w.rng.IntN(3) == 0 {
			p = w.staffOf(h.StationID)
		}
		_, err := svc.Help.CancelHelp(w.as(p), h.ID)
		return fmt.Sprintf("%s withdraws request %d%s", p.name, h.ID, outcome(err))
	}},
	{"desk visit", 3, func(w *staleWorld, svc guli.Services) string {
		st := pick(w, w.stations)
		staff, n := w.staffOf(st), 1+w.rng.IntN(3)
		in := guli.VisitInput{Count: &n, Purpose: pick(w, guli.VisitPurposes)}
		if w.rng.IntN(2) == 0 {
			in.UserID, in.Count = w.resident().id, nil
		}
		_, err := svc.Visits.RecordVisit(w.as(staff), st, in)
		return fmt.Sprintf("%s counts a visit at %d%s", staff.name, st, outcome(err))
	}},
	{"door check-in", 2, func(w *staleWorld, svc guli.Services) string {
		st := pick(w, w.stations)
		code, err := w.truth.Visits.CheckinCode(w.as(w.staffOf(st)), st)
		if err != nil {
			return "the door's code" + outcome(err)
		}
		p := w.resident()
		_, err = svc.Visits.CheckIn(w.as(p), st, code.Code)
		return fmt.Sprintf("%s checks in at the door of %d%s", p.name, st, outcome(err))
	}},
	{"post", 3, func(w *staleWorld, svc guli.Services) string {
		p := w.resident()
		st := w.home(p)
		kind := pick(w, []string{guli.PostTip, guli.PostTip, guli.PostNotice})
		if kind == guli.PostNotice || st == 0 {
			st = pick(w, w.stations)
			p, kind = w.staffOf(st), guli.PostNotice
		}
		post, err := svc.Posts.CreatePost(w.as(p), guli.PostInput{StationID: st, Kind: kind, Title: "小贴士", Body: "天冷了，注意保暖。"})
		if err == nil {
			w.posts = append(w.posts, post.ID)
			w.at[fmt.Sprint("post ", post.ID)] = st
		}
		return fmt.Sprintf("%s posts a %s at %d%s", p.name, kind, st, outcome(err))
	}},
	{"comment", 3, func(w *staleWorld, svc guli.Services) string {
		p, post := w.someone(), pick(w, last(w.posts, 5))
		_, err := svc.Posts.AddComment(w.as(p), post, guli.CommentInput{Body: "谢谢提醒"})
		return fmt.Sprintf("%s comments on %d%s", p.name, post, outcome(err))
	}},
	{"report a post", 2, func(w *staleWorld, svc guli.Services) string {
		p, post := w.someone(), pick(w, last(w.posts, 5))
		err := svc.Posts.Report(w.as(p), post, guli.ReportInput{Reason: "广告"})
		return fmt.Sprintf("%s reports %d%s", p.name, post, outcome(err))
	}},
	{"hide or restore a post", 2, func(w *staleWorld, svc guli.Services) string {
		post, st := w.thing("post", w.posts, 5)
		staff := w.staffOf(st)
		var err error
		if w.rng.IntN(2) == 0 {
			_, err = svc.Posts.Hide(w.as(staff), post)
			return fmt.Sprintf("%s hides %d%s", staff.name, post, outcome(err))
		}
		_, err = svc.Posts.Restore(w.as(staff), post)
		return fmt.Sprintf("%s restores %d%s", staff.name, post, outcome(err))
	}},
	{"delete a post", 1, func(w *staleWorld, svc guli.Services) string {
		post := pick(w, last(w.posts, 5))
		p := w.someone()
		if got, err := w.truth.Posts.Post(w.as(w.people[0]), post); err == nil && w.byID(got.AuthorID) != nil {
			p = w.byID(got.AuthorID)
		}
		err := svc.Posts.DeletePost(w.as(p), post)
		return fmt.Sprintf("%s deletes %d%s", p.name, post, outcome(err))
	}},
	{"council member", 2, func(w *staleWorld, svc guli.Services) string {
		c, st := w.thing("council", w.councils, 2)
		staff, p := w.staffOf(st), w.resident()
		if w.rng.IntN(3) == 0 {
			err := svc.Councils.RemoveMember(w.as(staff), c, p.id)
			if err == nil {
				w.members[c] = slices.DeleteFunc(w.members[c], func(id guli.ID) bool { return id == p.id })
			}
			return fmt.Sprintf("%s removes %s from council %d%s", staff.name, p.name, c, outcome(err))
		}
		err := svc.Councils.AddMember(w.as(staff), c, p.id)
		if err == nil {
			w.members[c] = append(w.members[c], p.id)
		}
		return fmt.Sprintf("%s adds %s to council %d%s", staff.name, p.name, c, outcome(err))
	}},
	{"open a poll", 1, func(w *staleWorld, svc guli.Services) string {
		c, st := w.thing("council", w.councils, 2)
		staff := w.staffOf(st)
		p, err := svc.Polls.CreatePoll(w.as(staff), guli.PollInput{CouncilID: c, Question: "周末加开书法课吗？", Options: []string{"加开", "不加"},
			MaxChoices: 1, Secret: w.rng.IntN(2) == 0, ClosesAt: w.clk.Now().Add(48 * time.Hour)})
		if err == nil {
			w.polls = append(w.polls, p.ID)
			w.at[fmt.Sprint("poll ", p.ID)] = st
			w.at[fmt.Sprint("council of poll ", p.ID)] = c
		}
		return fmt.Sprintf("%s opens a poll of council %d%s", staff.name, c, outcome(err))
	}},
	{"vote", 3, func(w *staleWorld, svc guli.Services) string {
		id := pick(w, last(w.polls, 3))
		p := w.byID(pick(w, w.members[w.at[fmt.Sprint("council of poll ", id)]]))
		if p == nil {
			p = w.resident()
		}
		poll, err := w.truth.Polls.Poll(w.as(p), id)
		if err != nil {
			return fmt.Sprintf("%s reads poll %d%s", p.name, id, outcome(err))
		}
		ctx, by := w.as(p), p.name
		ballot := guli.Ballot{PollID: id, OptionIDs: []guli.ID{pick(w, poll.Options).ID}}
		if w.rng.IntN(4) == 0 { // a paper ballot
			staff := w.staffOf(poll.StationID)
			ctx, by, ballot.Voter = w.as(staff), staff.name+" for "+p.name, p.id
		}
		err = svc.Polls.Vote(ctx, ballot)
		return fmt.Sprintf("%s votes in %d%s", by, id, outcome(err))
	}},
	{"close a poll", 1, func(w *staleWorld, svc guli.Services) string {
		id, st := w.thing("poll", w.polls, 3)
		staff := w.staffOf(st)
		_, err := svc.Polls.ClosePoll(w.as(staff), id)
		return fmt.Sprintf("%s closes poll %d%s", staff.name, id, outcome(err))
	}},
	{"meeting", 1, func(w *staleWorld, svc guli.Services) string {
		c, st := w.thing("council", w.councils, 2)
		staff := w.staffOf(st)
		m, err := svc.Meetings.CreateMeeting(w.as(staff), guli.MeetingInput{CouncilID: c, Title: "例会", Start: w.clk.Now().Add(-2 * time.Hour), Agenda: []string{"通报"}})
		if err == nil {
			w.meetings = append(w.meetings, m.ID)
			w.at[fmt.Sprint("meeting ", m.ID)] = st
		}
		return fmt.Sprintf("%s calls a meeting of %d%s", staff.name, c, outcome(err))
	}},
	{"record a meeting", 2, func(w *staleWorld, svc guli.Services) string {
		id, st := w.thing("meeting", w.meetings, 3)
		staff := w.staffOf(st)
		minutes := "会议纪要"
		rec := guli.MeetingRecord{Minutes: &minutes, Resolutions: []guli.ResolutionInput{{Text: "七十岁以上留紧急联系人"}}}
		if w.rng.IntN(2) == 0 {
			rec.Resolutions[0].Rule = &guli.ResolutionRule{Kind: guli.RuleEmergencyContactFromAge, Age: 70 + w.rng.IntN(5)}
		}
		m, err := svc.Meetings.RecordMeeting(w.as(staff), id, rec)
		if err == nil {
			for _, r := range m.Resolutions {
				if !slices.Contains(w.resolutions, r.ID) {
					w.resolutions = append(w.resolutions, r.ID)
					w.at[fmt.Sprint("resolution ", r.ID)] = st
				}
			}
		}
		return fmt.Sprintf("%s records meeting %d%s", staff.name, id, outcome(err))
	}},
	{"attendance", 1, func(w *staleWorld, svc guli.Services) string {
		id, st := w.thing("meeting", w.meetings, 3)
		staff := w.staffOf(st)
		_, err := svc.Meetings.SetAttendance(w.as(staff), id, []guli.ID{w.resident().id})
		return fmt.Sprintf("%s takes attendance of %d%s", staff.name, id, outcome(err))
	}},
	{"follow up a resolution", 1, func(w *staleWorld, svc guli.Services) string {
		id, st := w.thing("resolution", w.resolutions, 3)
		staff := w.staffOf(st)
		_, err := svc.Meetings.UpdateResolution(w.as(staff), id, guli.ResolutionChange{Status: pick(w, []string{"in_progress", "done"}), Note: "跟进中"})
		return fmt.Sprintf("%s follows up resolution %d%s", staff.name, id, outcome(err))
	}},
	{"propose", 1, func(w *staleWorld, svc guli.Services) string {
		c, st := w.thing("council", w.councils, 2)
		p := w.resident()
		pr, err := svc.Meetings.CreateProposal(w.as(p), guli.ProposalInput{CouncilID: c, Title: "楼道加装扶手"})
		if err == nil {
			w.proposals = append(w.proposals, pr.ID)
			w.at[fmt.Sprint("proposal ", pr.ID)] = st
		}
		return fmt.Sprintf("%s proposes to %d%s", p.name, c, outcome(err))
	}},
	{"support", 2, func(w *staleWorld, svc guli.Services) string {
		p, id := w.resident(), pick(w, last(w.proposals, 3))
		_, err := svc.Meetings.Support(w.as(p), id)
		return fmt.Sprintf("%s supports %d%s", p.name, id, outcome(err))
	}},
	{"answer a proposal", 1, func(w *staleWorld, svc guli.Services) string {
		id, st := w.thing("proposal", w.proposals, 3)
		staff := w.staffOf(st)
		_, err := svc.Meetings.AnswerProposal(w.as(staff), id, guli.ProposalAnswer{Outcome: pick(w, guli.ProposalOutcomes), Answer: "同意"})
		return fmt.Sprintf("%s answers %d%s", staff.name, id, outcome(err))
	}},
	{"team", 1, func(w *staleWorld, svc guli.Services) string {
		st := pick(w, w.stations)
		staff := w.staffOf(st)
		tm, err := svc.Teams.CreateTeam(w.as(staff), guli.TeamInput{StationID: st, Name: fmt.Sprintf("队%d", w.step), Kind: pick(w, guli.TeamKinds), LeaderID: w.volunteer().id})
		if err == nil {
			w.teams = append(w.teams, tm.ID)
			w.at[fmt.Sprint("team ", tm.ID)] = st
		}
		return fmt.Sprintf("%s makes a team at %d%s", staff.name, st, outcome(err))
	}},
	{"team member", 2, func(w *staleWorld, svc guli.Services) string {
		id, st := w.thing("team", w.teams, 3)
		staff, p := w.staffOf(st), w.resident()
		if w.rng.IntN(3) == 0 {
			err := svc.Teams.RemoveMember(w.as(staff), id, p.id)
			return fmt.Sprintf("%s takes %s off team %d%s", staff.name, p.name, id, outcome(err))
		}
		_, err := svc.Teams.AddMember(w.as(staff), id, guli.MemberInput{UserID: p.id, Role: pick(w, []string{"member", "leader"})})
		return fmt.Sprintf("%s puts %s on team %d%s", staff.name, p.name, id, outcome(err))
	}},
	{"nominate", 1, func(w *staleWorld, svc guli.Services) string {
		p := w.resident()
		st := w.home(p)
		if st == 0 {
			return p.name + " lives nowhere"
		}
		staff := w.staffOf(st)
		n, err := svc.Teams.Nominate(w.as(staff), guli.NominationInput{AreaID: p.area, UserID: p.id, Skill: "剪纸", Reason: "手巧"})
		if err == nil {
			w.nominations = append(w.nominations, n.ID)
			w.at[fmt.Sprint("nomination ", n.ID)] = st
		}
		return fmt.Sprintf("%s nominates %s%s", staff.name, p.name, outcome(err))
	}},
	{"approve or decline", 1, func(w *staleWorld, svc guli.Services) string {
		id, st := w.thing("nomination", w.nominations, 3)
		staff := w.staffOf(st)
		var err error
		if w.rng.IntN(3) == 0 {
			_, err = svc.Teams.Decline(w.as(staff), id)
		} else {
			var n *guli.Nomination
			if n, err = svc.Teams.Approve(w.as(staff), id); err == nil && n.StudioID != 0 {
				w.teams = append(w.teams, n.StudioID)
				w.at[fmt.Sprint("team ", n.StudioID)] = st
			}
		}
		return fmt.Sprintf("%s decides nomination %d%s", staff.name, id, outcome(err))
	}},
	{"transfer", 2, func(w *staleWorld, svc guli.Services) string {
		p, to := w.volunteer(), w.someone()
		if to == p {
			to = w.people[3]
		}
		_, err := svc.TimeBank.Transfer(w.as(p), guli.TransferInput{ToUserID: to.id, Minutes: 1 + w.rng.IntN(20), Key: fmt.Sprintf("k%d", w.step), ClientAddr: "10.0.0.1"})
		return fmt.Sprintf("%s gives %s minutes%s", p.name, to.name, outcome(err))
	}},
	{"credit", 1, func(w *staleWorld, svc guli.Services) string {
		p := w.resident()
		staff := w.staffOf(w.home(p))
		_, err := svc.TimeBank.Credit(w.as(staff), p.id, 30, "值班")
		return fmt.Sprintf("%s credits %s%s", staff.name, p.name, outcome(err))
	}},
	{"profile", 2, func(w *staleWorld, svc guli.Services) string {
		p := w.someone()
		name := p.name + "·"
		if strings.HasSuffix(p.name, "·") {
			name = strings.TrimSuffix(p.name, "·")
		}
		_, err := svc.Accounts.UpdateMe(w.as(p), guli.UpdateMeInput{Name: &name,
			EmergencyContact: &guli.EmergencyContact{Name: "女儿", Phone: "13912345678"}})
		if err == nil {
			p.name = name
		}
		return fmt.Sprintf("%s renames themself%s", p.name, outcome(err))
	}},
	{"volunteer profile", 1, func(w *staleWorld, svc guli.Services) string {
		p := w.volunteer()
		_, err := svc.Accounts.SetVolunteerProfile(w.as(p), guli.VolunteerProfileInput{Skills: []string{pick(w, guli.HelpCategories), "errand"},
			AreaIDs: []guli.ID{pick(w, w.areas[pick(w, w.stations)])}, Availability: map[string][]string{pick(w, []string{"wed", "thu", "sun"}): {"09:00-12:00"}}})
		return fmt.Sprintf("%s changes what they can do%s", p.name, outcome(err))
	}},
	{"roles", 2, func(w *staleWorld, svc guli.Services) string {
		admin, p := w.people[0], w.someone()
		if p == admin {
			return "the admin keeps their roles"
		}
		roles, kind := []guli.Role{guli.RoleResident}, "resident"
		var stations []guli.ID
		switch w.rng.IntN(4) {
		case 0:
			roles, kind = append(roles, guli.RoleVolunteer), "volunteer"
		case 1:
			roles, stations, kind = []guli.Role{guli.RoleStaff}, []guli.ID{pick(w, w.stations)}, "staff"
		case 2:
			roles, kind = append(roles, guli.RoleVolunteer, guli.RoleTalent), "volunteer"
		}
		if p.kind == "staff" && w.rng.IntN(2) == 0 {
			roles, stations, kind = []guli.Role{guli.RoleStaff}, []guli.ID{pick(w, w.stations)}, "staff" // moves, or stays
		}
		_, err := svc.Accounts.SetRoles(w.as(admin), p.id, guli.RolesInput{Roles: roles, StationIDs: stations})
		if err == nil {
			p.kind = kind
		}
		return fmt.Sprintf("the admin makes %s %v at %v%s", p.name, roles, stations, outcome(err))
	}},
	{"sign out and in", 2, func(w *staleWorld, svc guli.Services) string {
		p := w.someone()
		err := svc.Accounts.Logout(context.Background(), p.token)
		w.dead = append(w.dead, p.token)
		w.login(p)
		return fmt.Sprintf("%s signs out and in again%s", p.name, outcome(err))
	}},
	{"sign out everywhere", 1, func(w *staleWorld, svc guli.Services) string {
		p := w.someone()
		err := svc.Accounts.LogoutAll(w.as(p))
		w.dead = append(w.dead, p.token)
		w.login(p)
		return fmt.Sprintf("%s signs out everywhere and in again%s", p.name, outcome(err))
	}},
	{"booking rules", 1, func(w *staleWorld, svc guli.Services) string {
		st := pick(w, w.stations)
		_, err := svc.Stations.SetBookingRules(w.as(w.staffOf(st)), st, guli.BookingRules{MaxDaysAhead: 7 + w.rng.IntN(20), MaxMinutes: 120, MaxFutureBookings: 3})
		return fmt.Sprintf("station %d's booking rules change%s", st, outcome(err))
	}},
	{"new area", 1, func(w *staleWorld, svc guli.Services) string {
		st := pick(w, w.stations)
		a, err := svc.Stations.CreateArea(w.as(w.people[0]), st, guli.AreaInput{Name: fmt.Sprintf("新小区%d", w.step), Committee: "居委会"})
		if err == nil {
			w.areas[st] = append(w.areas[st], a.ID)
		}
		return fmt.Sprintf("station %d takes in a new area%s", st, outcome(err))
	}},
	{"join", 2, func(w *staleWorld, svc guli.Services) string {
		st := pick(w, w.stations)
		p := &person{name: fmt.Sprintf("新居民%d", w.step), phone: fmt.Sprintf("1371111%04d", w.step), kind: "resident", area: pick(w, w.areas[st])}
		u, err := svc.Accounts.Register(context.Background(), guli.RegisterInput{Name: p.name, Phone: p.phone, Password: stalePassword,
			AreaID: p.area, BirthYear: 1950, ClientAddr: "10.0.0.2"})
		if err == nil {
			p.id = u.ID
			w.people = append(w.people, p)
			w.login(p)
		}
		return fmt.Sprintf("%s joins at %d%s", p.name, st, outcome(err))
	}},
	{"close an account", 1, func(w *staleWorld, svc guli.Services) string {
		var p *person
		for _, c := range w.open()[9:] { // one who joined during the run
			if c.kind == "resident" {
				p = c
				break
			}
		}
		if p == nil {
			return "nobody to close"
		}
		ctx, by := w.as(p), p.name
		in := guli.CloseInput{Password: stalePassword, ClientAddr: "10.0.0.3"}
		if w.rng.IntN(2) == 0 {
			staff := w.staffOf(w.home(p))
			ctx, by, in = w.as(staff), staff.name+" for "+p.name, guli.CloseInput{UserID: p.id, ClientAddr: "10.0.0.3"}
		}
		_, err := svc.DataRights.CloseAccount(ctx, in)
		if err == nil {
			p.closed = true
			w.dead = append(w.dead, p.token)
		}
		return fmt.Sprintf("%s closes the account%s", by, outcome(err))
	}},
	{"opening hours", 1, func(w *staleWorld, svc guli.Services) string {
		st := pick(w, w.stations)
		_, err := svc.Stations.SetOpeningHours(w.as(w.staffOf(st)), st, map[string][]string{"wed": {"09:00-17:00"}, pick(w, []string{"thu", "sat", "sun"}): {"09:00-12:00"}})
		return fmt.Sprintf("station %d's hours change%s", st, outcome(err))
	}},
	{"closure", 1, func(w *staleWorld, svc guli.Services) string {
		st := pick(w, w.stations)
		day := guli.DateOf(w.clk.Now().AddDate(0, 0, w.rng.IntN(10)-3))
		staff := w.staffOf(st)
		if w.rng.IntN(3) == 0 {
			err := svc.Rooms.RemoveClosure(w.as(staff), st, day)
			return fmt.Sprintf("station %d opens on %s%s", st, day, outcome(err))
		}
		_, err := svc.Rooms.AddClosure(w.as(staff), st, guli.ClosureInput{Date: day, Reason: "停电"})
		return fmt.Sprintf("station %d closes on %s%s", st, day, outcome(err))
	}},
	{"book a room", 1, func(w *staleWorld, svc guli.Services) string {
		p, room := w.someone(), pick(w, w.rooms)
		start := w.clk.Now().Add(time.Duration(24+w.rng.IntN(24*6)) * time.Hour).Truncate(time.Hour)
		_, err := svc.Rooms.Book(w.as(p), room, guli.BookingInput{Start: start, End: start.Add(time.Hour), Purpose: "排练"})
		return fmt.Sprintf("%s books room %d%s", p.name, room, outcome(err))
	}},
	{"read the notices", 2, func(w *staleWorld, svc guli.Services) string {
		p := w.someone()
		page, err := w.truth.Notifications.Notifications(w.as(p), guli.ListOptions{})
		if err != nil || len(page.Items) == 0 {
			return fmt.Sprintf("%s has no notices%s", p.name, outcome(err))
		}
		err = svc.Notifications.MarkRead(w.as(p), []guli.ID{page.Items[0].ID})
		return fmt.Sprintf("%s reads a notice%s", p.name, outcome(err))
	}},
	{"reminders", 1, func(w *staleWorld, svc guli.Services) string {
		_, err := svc.Reminders.SendDueReminders(system())
		return "reminders go out" + outcome(err)
	}},
	{"time passes", 2, func(w *staleWorld, svc guli.Services) string {
		w.clk.Add(time.Duration(1+w.rng.IntN(12)) * time.Hour)
		return fmt.Sprintf("the clock reads %s", w.clk.Now().Format(time.DateTime))
	}},
}

// A kept read, by name: its answer (or error) as it would be sent.
type staleRead struct {
	name     string
	eventual bool // may lag a moment even after this process's writes (a directory loading)
	read     func(svc guli.Services) (any, error)
}

// readsNow lists the kept reads there are to make, each as one reader.
func (w *staleWorld) readsNow() []staleRead {
	var out []staleRead
	add := func(name string, read func(svc guli.Services) (any, error)) {
		out = append(out, staleRead{name: name, read: read})
	}
	anon := context.Background()
	users := map[guli.ID]*guli.User{}
	var open []*person
	for _, p := range w.open() {
		users[p.id] = w.user(p)
		open = append(open, p)
	}
	ctxOf := func(p *person) context.Context { return as(users[p.id]) }
	now := w.clk.Now()
	days := guli.StatsQuery{From: "2024-03-01", To: string(guli.DateOf(now.AddDate(0, 0, 30)))}
	periods := []guli.DateRange{{From: "2024-03-01", To: "2024-03-31"}, {From: "2024-04-01", To: "2024-04-30"}}

	add("stations", func(svc guli.Services) (any, error) { return svc.Stations.Stations(anon, guli.ListOptions{}) })
	add("areas", func(svc guli.Services) (any, error) { return svc.Stations.Areas(anon, guli.ListOptions{}) })
	for i, st := range w.stations {
		add(fmt.Sprintf("station %d", st), func(svc guli.Services) (any, error) { return svc.Stations.Station(anon, st) })
		add(fmt.Sprintf("station of room %d", w.rooms[i]), func(svc guli.Services) (any, error) { return svc.Stations.StationOfRoom(anon, w.rooms[i]) })
	}
	for _, st := range append([]guli.ID{0}, w.stations...) {
		f := w.window
		f.StationID = st
		add(fmt.Sprintf("activities of %d", st), func(svc guli.Services) (any, error) { return svc.Activities.Activities(anon, f, guli.ListOptions{}) })
		f.Category = "class"
		add(fmt.Sprintf("classes of %d", st), func(svc guli.Services) (any, error) {
			return svc.Activities.Activities(anon, f, guli.ListOptions{Limit: 2})
		})
		f.Category, f.Query = "", "太极"
		add(fmt.Sprintf("太极 at %d", st), func(svc guli.Services) (any, error) { return svc.Activities.Activities(anon, f, guli.ListOptions{}) })
		add(fmt.Sprintf("rules of %d", st), func(svc guli.Services) (any, error) { return svc.Meetings.StationRules(anon, st) })
		if st == 0 {
			continue
		}
		add(fmt.Sprintf("figures of %d", st), func(svc guli.Services) (any, error) {
			q := days
			q.StationID = st
			return svc.Stats.Stats(anon, q)
		})
		add(fmt.Sprintf("areas' figures of %d", st), func(svc guli.Services) (any, error) {
			return svc.Stats.Areas(anon, st, guli.DateRange{From: guli.Date(days.From), To: guli.Date(days.To)})
		})
		add(fmt.Sprintf("visits per month at %d", st), func(svc guli.Services) (any, error) { return svc.Stats.VisitsPer(anon, st, periods) })
		add(fmt.Sprintf("services per month at %d", st), func(svc guli.Services) (any, error) { return svc.Stats.ServicesPer(anon, st, periods) })
		add(fmt.Sprintf("tally of %d", st), func(svc guli.Services) (any, error) {
			return svc.Visits.Tally(ctxOf(w.staffOf(st)), st, guli.DateOf(now.In(guli.Zone(guli.DefaultTimezone))))
		})
		add(fmt.Sprintf("posts of %d", st), func(svc guli.Services) (any, error) { return svc.Posts.Posts(anon, guli.PostFilter{StationID: st}) })
		add(fmt.Sprintf("tips of %d", st), func(svc guli.Services) (any, error) {
			return svc.Posts.Posts(anon, guli.PostFilter{StationID: st, Kind: guli.PostTip})
		})
		add(fmt.Sprintf("councils of %d", st), func(svc guli.Services) (any, error) {
			return svc.Councils.Councils(anon, guli.CouncilFilter{StationID: st})
		})
		add(fmt.Sprintf("teams of %d", st), func(svc guli.Services) (any, error) { return svc.Teams.Teams(anon, guli.TeamFilter{StationID: st}) })
		staff := w.staffOf(st)
		add(fmt.Sprintf("nominations at %d", st), func(svc guli.Services) (any, error) {
			return svc.Teams.Nominations(ctxOf(staff), st, "", guli.ListOptions{})
		})
		for _, status := range []string{"", guli.HelpOpen, guli.HelpClaimed} {
			add(fmt.Sprintf("%q help at %d, for volunteers", status, st), func(svc guli.Services) (any, error) {
				return svc.Help.HelpRequests(as(&guli.User{ID: 999999, Roles: []guli.Role{guli.RoleVolunteer}}), guli.HelpFilter{Status: status, StationID: st}, guli.ListOptions{})
			})
		}
		add(fmt.Sprintf("help at %d for its first area", st), func(svc guli.Services) (any, error) {
			return svc.Help.HelpRequests(as(&guli.User{ID: 999999, Roles: []guli.Role{guli.RoleVolunteer}}), guli.HelpFilter{StationID: st, AreaID: w.areas[st][0]}, guli.ListOptions{})
		})
	}
	add("district", func(svc guli.Services) (any, error) {
		each, total, err := svc.Stats.District(ctxOf(w.people[0]), days)
		return []any{each, total}, err
	})
	add("posts", func(svc guli.Services) (any, error) { return svc.Posts.Posts(anon, guli.PostFilter{}) })
	add("councils", func(svc guli.Services) (any, error) { return svc.Councils.Councils(anon, guli.CouncilFilter{}) })
	add("teams", func(svc guli.Services) (any, error) { return svc.Teams.Teams(anon, guli.TeamFilter{}) })
	add("help, for volunteers", func(svc guli.Services) (any, error) {
		return svc.Help.HelpRequests(as(&guli.User{ID: 999999, Roles: []guli.Role{guli.RoleVolunteer}}), guli.HelpFilter{}, guli.ListOptions{})
	})

	// Each person's own reads, of a few people each step: the answers
	// kept stay until their tables are written, and are met again.
	mine := slices.Clone(open)
	w.sample.Shuffle(len(mine), func(i, j int) { mine[i], mine[j] = mine[j], mine[i] })
	mine = mine[:min(len(mine), 4)]
	for _, p := range mine {
		ctx := ctxOf(p)
		add("session of "+p.name, func(svc guli.Services) (any, error) { return svc.Accounts.Authenticate(anon, p.token) })
		add("places of "+p.name, func(svc guli.Services) (any, error) {
			return svc.Activities.MyRegistrations(ctx, w.window.From, w.window.To)
		})
		add("places of "+p.name+", as theirs to act for", func(svc guli.Services) (any, error) {
			return svc.Activities.RegistrationsOf(ctx, p.id, w.window.From, w.window.To)
		})
		add("dependents of "+p.name, func(svc guli.Services) (any, error) { return svc.Families.Dependents(ctx) })
		add("unread of "+p.name, func(svc guli.Services) (any, error) { return svc.Notifications.UnreadCount(ctx) })
		add("time bank of "+p.name, func(svc guli.Services) (any, error) { return svc.TimeBank.MyTimeBank(ctx) })
		add("teams of "+p.name, func(svc guli.Services) (any, error) { return svc.Teams.MyTeams(ctx) })
		add("help of "+p.name, func(svc guli.Services) (any, error) {
			return svc.Help.HelpRequests(ctx, guli.HelpFilter{Mine: true}, guli.ListOptions{})
		})
		add("help lists of "+p.name, func(svc guli.Services) (any, error) {
			return svc.Help.HelpRequests(ctx, guli.HelpFilter{}, guli.ListOptions{})
		})
		add("volunteer profile of "+p.name, func(svc guli.Services) (any, error) { return svc.Accounts.VolunteerProfile(ctx, p.id) })
	}
	for _, token := range last(w.dead, 3) {
		add("ended session "+token[:6], func(svc guli.Services) (any, error) { return svc.Accounts.Authenticate(anon, token) })
	}
	// Activities as one of the people sampled sees them (their place on it).
	reader := mine[0]
	for _, id := range last(w.activities, 6) {
		add(fmt.Sprintf("activity %d", id), func(svc guli.Services) (any, error) { return svc.Activities.Activity(anon, id) })
		add(fmt.Sprintf("activity %d for %s", id, reader.name), func(svc guli.Services) (any, error) { return svc.Activities.Activity(ctxOf(reader), id) })
		add(fmt.Sprintf("roster of %d", id), func(svc guli.Services) (any, error) { return svc.Activities.Registrations(ctxOf(w.people[0]), id) })
	}
	// Requests as a volunteer sees them (staff's reads are audited, a
	// write of their own), and who could help with the newest.
	var volunteers []*person
	for _, p := range open {
		if users[p.id].Has(guli.RoleVolunteer) {
			volunteers = append(volunteers, p)
		}
	}
	for i, id := range last(w.requests, 6) {
		if len(volunteers) > 0 {
			v := volunteers[w.sample.IntN(len(volunteers))]
			add(fmt.Sprintf("request %d for %s", id, v.name), func(svc guli.Services) (any, error) { return svc.Help.HelpRequest(ctxOf(v), id) })
		}
		if i < len(last(w.requests, 6))-3 {
			continue
		}
		out = append(out, staleRead{name: fmt.Sprintf("candidates of %d", id), eventual: true, read: func(svc guli.Services) (any, error) {
			h, err := w.truth.Help.HelpRequest(as(&guli.User{ID: 999999, Roles: []guli.Role{guli.RoleVolunteer}}), id)
			if err != nil {
				return nil, err
			}
			u := users[h.RequesterID]
			if u == nil {
				return nil, nil
			}
			return svc.Help.Candidates(as(u), id)
		}})
	}
	for _, id := range last(w.posts, 5) {
		add(fmt.Sprintf("post %d", id), func(svc guli.Services) (any, error) { return svc.Posts.Post(anon, id) })
		add(fmt.Sprintf("post %d for its staff", id), func(svc guli.Services) (any, error) { return svc.Posts.Post(ctxOf(w.people[0]), id) })
		add(fmt.Sprintf("comments of %d", id), func(svc guli.Services) (any, error) { return svc.Posts.Comments(anon, id, guli.ListOptions{}) })
	}
	for _, c := range w.councils {
		add(fmt.Sprintf("council %d", c), func(svc guli.Services) (any, error) { return svc.Councils.Council(anon, c) })
		add(fmt.Sprintf("members of %d", c), func(svc guli.Services) (any, error) { return svc.Councils.Members(ctxOf(w.people[0]), c) })
		add(fmt.Sprintf("polls of %d", c), func(svc guli.Services) (any, error) { return svc.Polls.Polls(anon, guli.PollFilter{CouncilID: c}) })
		add(fmt.Sprintf("meetings of %d", c), func(svc guli.Services) (any, error) { return svc.Meetings.Meetings(anon, c, guli.ListOptions{}) })
		add(fmt.Sprintf("resolutions of %d", c), func(svc guli.Services) (any, error) { return svc.Meetings.Resolutions(anon, c) })
		for _, p := range []*person{w.people[3], w.people[5]} {
			if users[p.id] != nil {
				add(fmt.Sprintf("member? %s of %d", p.name, c), func(svc guli.Services) (any, error) { return svc.Councils.IsMember(ctxOf(p), c) })
				add(fmt.Sprintf("proposals of %d for %s", c, p.name), func(svc guli.Services) (any, error) {
					return svc.Meetings.Proposals(ctxOf(p), c, guli.ListOptions{})
				})
			}
		}
	}
	for _, id := range last(w.polls, 3) {
		add(fmt.Sprintf("poll %d", id), func(svc guli.Services) (any, error) { return svc.Polls.Poll(anon, id) })
		add(fmt.Sprintf("voters of %d", id), func(svc guli.Services) (any, error) { return svc.Polls.Voters(ctxOf(w.people[0]), id) })
		for _, p := range []*person{w.people[3], w.people[5]} {
			if users[p.id] != nil {
				add(fmt.Sprintf("voted? %s in %d", p.name, id), func(svc guli.Services) (any, error) { return svc.Polls.Voted(ctxOf(p), id) })
			}
		}
	}
	for _, id := range last(w.meetings, 3) {
		add(fmt.Sprintf("meeting %d", id), func(svc guli.Services) (any, error) { return svc.Meetings.Meeting(anon, id) })
		add(fmt.Sprintf("meeting %d for the admin", id), func(svc guli.Services) (any, error) { return svc.Meetings.Meeting(ctxOf(w.people[0]), id) })
		if users[w.people[3].id] != nil {
			add(fmt.Sprintf("meeting %d for %s", id, w.people[3].name), func(svc guli.Services) (any, error) { return svc.Meetings.Meeting(ctxOf(w.people[3]), id) })
		}
	}
	for _, id := range last(w.proposals, 3) {
		add(fmt.Sprintf("proposal %d", id), func(svc guli.Services) (any, error) { return svc.Meetings.Proposal(anon, id) })
	}
	for _, id := range last(w.teams, 3) {
		add(fmt.Sprintf("team %d", id), func(svc guli.Services) (any, error) { return svc.Teams.Team(anon, id) })
		add(fmt.Sprintf("classes of team %d", id), func(svc guli.Services) (any, error) { return svc.Teams.UpcomingClasses(anon, id, 5) })
	}
	return out
}

// answer is what a read said, as it would be sent.
func answer(r staleRead, svc guli.Services) string {
	v, err := r.read(svc)
	if err != nil {
		return "error " + code(err)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "cannot marshal: " + err.Error()
	}
	return string(b)
}

// run takes steps at random, and after each compares every kept read
// with a read of nothing kept.
func (w *staleWorld) run(steps int) {
	total := 0
	for _, s := range staleWrites {
		total += s.weight
	}
	for w.step = 1; w.step <= steps && w.fails < 5; w.step++ {
		n := w.rng.IntN(total)
		var write staleWrite
		for _, s := range staleWrites {
			if n -= s.weight; n < 0 {
				write = s
				break
			}
		}
		svc, by := w.mainSvc, "here"
		elsewhere := w.rng.IntN(10) < w.elsewhere
		if elsewhere {
			svc, by = w.otherSvc, "elsewhere"
		}
		did := write.do(w, svc)
		w.done = append(w.done, fmt.Sprintf("%d %s: %s", w.step, by, did))
		if _, refused, ok := strings.Cut(did, " → "); ok {
			w.outcomes[write.name+" → "+refused]++
		} else {
			w.outcomes[write.name]++
		}
		w.wrote()
		w.compare(elsewhere)
	}
	w.t.Logf("%d steps, %d reads compared", w.step-1, w.reads)
	// Every statement run so far, the writes' and the reads', is counted
	// as touching every table it names.
	for _, s := range sqlstore.UncountedTables() {
		w.t.Errorf("a statement names a table it is not counted as reading or writing: %s", s)
	}
	var tally []string
	for k, n := range w.outcomes {
		tally = append(tally, fmt.Sprintf("%s: %d", k, n))
	}
	slices.Sort(tally)
	w.t.Logf("writes:\n%s", strings.Join(tally, "\n"))
}

// compare reads everything kept through this process and through a
// handle with nothing kept.
func (w *staleWorld) compare(elsewhere bool) {
	w.t.Helper()
	reads := w.readsNow()
	want := make([]string, len(reads))
	for i, r := range reads {
		want[i] = answer(r, w.truth)
	}
	w.reads += len(reads)
	var stale []int
	for i, r := range reads {
		if answer(r, w.mainSvc) != want[i] {
			stale = append(stale, i)
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for len(stale) > 0 && time.Now().Before(deadline) {
		if !elsewhere && !slices.ContainsFunc(stale, func(i int) bool { return reads[i].eventual }) {
			break
		}
		time.Sleep(20 * time.Millisecond)
		stale = slices.DeleteFunc(stale, func(i int) bool {
			return (elsewhere || reads[i].eventual) && answer(reads[i], w.mainSvc) == want[i]
		})
	}
	if len(stale) == 0 {
		return
	}
	w.fails++
	var b strings.Builder
	for _, i := range stale {
		fmt.Fprintf(&b, "\n%s:\n  kept:  %s\n  fresh: %s", reads[i].name, answer(reads[i], w.mainSvc), want[i])
	}
	w.t.Errorf("step %d: stale reads after\n  %s%s", w.step, strings.Join(last(w.done, 6), "\n  "), b.String())
	w.mainSvc = sqlstore.NewServices(w.main) // nothing kept: go on to find the next
}

// A station's figures count its days open by its opening hours: new hours
// let go of the figures kept, the station's and the district's.
func TestKeptFiguresFollowOpeningHours(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		clk := newClock()
		clk.Set(time.Date(2024, 3, 6, 10, 0, 0, 0, guli.Zone(guli.DefaultTimezone)))
		f := newFixtureWith(t, e, sqlstore.Options{Now: clk.Now})
		stats := sqlstore.NewStats(f.db)
		admin := f.user(t, "区管理员", "13700001111", guli.RoleAdmin)
		q := guli.StatsQuery{StationID: f.station.ID, From: "2024-02-01", To: "2024-02-29"}
		days := func() (station, district int) {
			t.Helper()
			st, err := stats.Stats(context.Background(), q)
			if err != nil {
				t.Fatal(err)
			}
			_, all, err := stats.District(as(admin), guli.StatsQuery{From: q.From, To: q.To})
			if err != nil {
				t.Fatal(err)
			}
			return st.DaysOpen, all.DaysOpen
		}
		// Open Wednesdays and Sundays: February 2024 has four of each.
		if st, all := days(); st != 8 || all != 8 {
			t.Fatalf("days open %d, in the district %d; want 8", st, all)
		}
		if _, err := f.stations.SetOpeningHours(system(), f.station.ID, map[string][]string{"wed": {"09:00-17:00"}}); err != nil {
			t.Fatal(err)
		}
		if st, all := days(); st != 4 || all != 4 {
			t.Fatalf("after the station closes on Sundays: days open %d, in the district %d; want 4", st, all)
		}
	})
}

// Another process's commit is heard of even when it lands right after a
// commit of this process, before this process has taken note of its own:
// on SQLite both move data_version, which moves once for the two.
func TestACommitElsewhereRightAfterOneHereIsHeardOf(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFixture(t, e)
		other := sqlstore.NewStations(dbtest.OpenDSN(t, f.dsn)) // another process
		ctx := context.Background()
		thursday := func() int {
			t.Helper()
			st, err := f.stations.Station(ctx, f.station.ID)
			if err != nil {
				t.Fatal(err)
			}
			return len(st.OpeningHours.On(time.Thursday))
		}
		time.Sleep(300 * time.Millisecond) // past the poll: the other's opening is heard of
		if thursday() != 0 {
			t.Fatal("the fixture's station opens on Thursdays")
		}
		var once sync.Once
		sqlstore.AfterCommit(f.db, func() {
			once.Do(func() {
				if _, err := other.SetOpeningHours(system(), f.station.ID, map[string][]string{"thu": {"09:00-17:00"}}); err != nil {
					t.Error(err)
				}
			})
		})
		// A write here of another table: the station stays kept.
		if err := sqlstore.Exec(ctx, f.db, "UPDATE users SET name = name WHERE id = 0"); err != nil {
			t.Fatal(err)
		}
		sqlstore.AfterCommit(f.db, nil)
		for deadline := time.Now().Add(5 * time.Second); thursday() != 1; time.Sleep(20 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatal("the other process's new hours were never heard of: the station is kept with the old")
			}
		}
	})
}

// Figures are read in one snapshot, statement by statement. A write that
// commits after the snapshot began is not in it, and must let go of the
// figures, though a later statement reads the counter of its table after
// the write moved it.
func TestFiguresReadAcrossAWriteAreNotKept(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		c := newClock()
		f := newFixtureWith(t, e, sqlstore.Options{Now: c.Now})
		stats, activities := sqlstore.NewStats(f.db), sqlstore.NewActivities(f.db)
		staff := f.staff(t, "顾小里", "13700000001")
		start := c.Now().Add(time.Hour).Truncate(time.Hour)
		var ids []guli.ID
		for i := range 2 {
			items, err := activities.CreateActivities(as(staff), guli.ActivityInput{StationID: f.station.ID, Title: fmt.Sprintf("活动%d", i), Category: "event",
				Start: start, End: start.Add(time.Hour)})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, items[0].ID)
		}
		c.Add(3 * time.Hour) // both held
		q := guli.StatsQuery{StationID: f.station.ID}
		ctx := context.Background()
		var once sync.Once
		sqlstore.InSnapshot(f.db, func() {
			// After the snapshot's first statement: an activity is
			// cancelled, here and now, which the snapshot does not see.
			once.Do(func() {
				if err := activities.CancelActivity(as(staff), ids[0]); err != nil {
					t.Error(err)
				}
			})
		})
		if s, err := stats.Stats(ctx, q); err != nil || s.ActivitiesHeld != 2 {
			t.Fatalf("the figures read in the snapshot: %+v %v", s, err)
		}
		sqlstore.InSnapshot(f.db, nil)
		s, err := stats.Stats(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if s.ActivitiesHeld != 1 {
			t.Fatalf("after the cancellation the figures kept say %d activities held, not 1", s.ActivitiesHeld)
		}
	})
}
