package loadtest

// The full mix: many clients at once for one stretch of time, each a
// person of the station (a resident, a volunteer, staff) or a visitor who
// has not signed in, each picking its next request by weight from what
// such a person does on a busy day, mostly reads, and the writes of a day:
// signing up and giving up places, asking for help, claiming, finishing
// and confirming it, giving minutes, voting. Every request is timed and
// counted under its row; the bare net/http floor is measured in the same
// run, before and after. See docs/performance.md, "The full mix".

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// MixConfig says how the full mix runs.
type MixConfig struct {
	// URLs are the processes serving one database; client w talks to
	// URLs[w % len(URLs)]. Setup goes through the first.
	URLs     []string
	Clients  int
	Duration time.Duration
	// People is how many people sign in (0: four a signed-in client),
	// shared out among the roles as the clients are.
	People int
	// Accounts are the people to sign in as; none: the mix makes its
	// people on the demo station, whose admin and staff sign in with
	// Password.
	Accounts []Account
	Password string
	// Writes is how long each write of the targets is driven alone after
	// the mix (0: not at all).
	Writes time.Duration
	// Floor is how long the floor is measured before the mix and again
	// after (0: as long as the mix, five seconds at most).
	Floor time.Duration
	// DB, when set, is the database the servers use, opened directly for
	// the raw write floor (single-row transactions in a scratch table,
	// dropped after), with SQLite's Synchronous as the servers have it.
	DB, Synchronous string
	// PIDs are the servers' processes (on this machine), for their peak
	// memory; without them it is read from /metrics as the admin, when
	// an admin signed in.
	PIDs []int
	Seed uint64
	// Log hears of the run's progress; nil: nothing.
	Log io.Writer
	// Cleanup undoes what the run did that would pile up over runs
	// (places taken, requests left open, polls left open), untimed.
	Cleanup bool
}

// The roles of the full mix's clients.
const (
	roleResident  = "resident"
	roleVolunteer = "volunteer"
	roleStaff     = "staff"
	roleVisitor   = "visitor" // not signed in
)

var clientRoles = []string{roleResident, roleVolunteer, roleStaff, roleVisitor}

// splitClients shares c clients out among the roles: a tenth staff, a
// fifth volunteers, an eighth visitors, the rest residents; fewer than four
// are all residents.
func splitClients(c int) map[string]int {
	if c < 4 {
		return map[string]int{roleResident: c}
	}
	n := map[string]int{roleStaff: max(1, c/10), roleVolunteer: max(1, c/5), roleVisitor: max(1, c/8)}
	n[roleResident] = c - n[roleStaff] - n[roleVolunteer] - n[roleVisitor]
	return n
}

// member is a signed-in person of the mix. Everything that changes is
// guarded by the run's mu.
type member struct {
	role               string // resident, volunteer or staff (admins serve as staff)
	phone, pass, token string
	id, area           string
	st                 *station

	registered map[string]bool // activities they hold a place in (or wait for)
	before     map[string]bool // ... as they were before the run
	pending    map[string]bool // activities a request of theirs is changing
	minutes    int             // minutes they may give
	inCouncil  bool
	voted      map[string]bool // polls voted in, or a vote on its way
	asked      []*helpReq      // open or claimed, theirs
	claimed    []*helpReq      // volunteers: claimed, not done
	toConfirm  []*helpReq      // done for them, to confirm
}

// station is what the mix knows of a station its people belong to.
type station struct {
	id         string
	activities []string // upcoming, a few hours ahead at least
	posts      []string
	helpReads  []string // requests to read
	helpRead   bool     // helpReads was read
	open       []*helpReq
	people     []*member // residents and volunteers, who give each other minutes
	staff      *member   // one of its staff, for setting up
	council    string
	polls      []*poll
}

type poll struct {
	id, option string
	opened     time.Time
}

type helpReq struct {
	id         string
	requester  *member
	volunteer  *member
	status     string
	st         *station
	byThisMix  bool
	confirming bool
}

// mixRun is one run of the full mix.
type mixRun struct {
	cfg      MixConfig
	envs     []*Env
	mu       sync.Mutex
	stations map[string]*station
	main     *station
	people   []*member
	byRole   map[string][]*member
	admin    *member // may be nil with accounts
	requests []*helpReq
	run      int64
	seq      int
}

func (r *mixRun) logf(format string, args ...any) {
	if r.cfg.Log != nil {
		fmt.Fprintf(r.cfg.Log, format+"\n", args...)
	}
}

func (r *mixRun) next() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.seq++
	return r.seq
}

// env is the first process's, through which the mix sets up.
func (r *mixRun) env() *Env { return r.envs[0] }

// signIn signs a person in, one at a time: each sign-in is an argon2id
// hash, of which the server runs one at a time for one address; a wait
// the server asks for (429, 503) is waited, a few times.
func (r *mixRun) signIn(phone, pass string) (string, error) {
	for try := 0; ; try++ {
		var out struct {
			Token string `json:"token"`
		}
		req, err := r.env().request("POST", "/api/v1/auth/login", "", map[string]string{"phone": phone, "password": pass})
		if err != nil {
			return "", err
		}
		resp, err := r.env().Client.Do(req)
		if err != nil {
			return "", err
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		switch {
		case resp.StatusCode == 200:
			err := json.Unmarshal(b, &out)
			return out.Token, err
		case (resp.StatusCode == 429 || resp.StatusCode == 503) && try < 5:
			wait, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
			time.Sleep(time.Duration(max(1, min(wait, 30))) * time.Second)
			continue
		}
		return "", fmt.Errorf("sign in as %s: %d: %.200s", phone, resp.StatusCode, b)
	}
}

// signInMember signs in and reads who they are.
func (r *mixRun) signInMember(role, phone, pass string) (*member, error) {
	tok, err := r.signIn(phone, pass)
	if err != nil {
		return nil, err
	}
	m := &member{role: role, phone: phone, pass: pass, token: tok,
		registered: map[string]bool{}, before: map[string]bool{}, pending: map[string]bool{}, voted: map[string]bool{}}
	var me struct {
		ID        string   `json:"id"`
		Roles     []string `json:"roles"`
		AreaID    string   `json:"area_id"`
		BirthYear int      `json:"birth_year"`
		Emergency *struct {
			Name string `json:"name"`
		} `json:"emergency_contact"`
	}
	if err := r.env().Call("GET", "/api/v1/me", tok, nil, 200, &me); err != nil {
		return nil, err
	}
	m.id, m.area = me.ID, me.AreaID
	// The residents' council's rule: people of 70 and over leave an
	// emergency contact before joining some activities. A synthetic
	// person without one is given one, as the desk would.
	if role != roleStaff && me.BirthYear > 0 && time.Now().Year()-me.BirthYear >= 70 && me.Emergency == nil {
		if err := r.env().Call("PATCH", "/api/v1/me", tok, map[string]any{"emergency_contact": map[string]string{"name": "家属", "phone": "13900000000"}}, 200, nil); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// register makes a resident of area and signs them in.
func (r *mixRun) register(area string) (*member, error) {
	phone := fmt.Sprintf("15%09d", (r.run%100000)*10000+int64(r.next()%10000))
	pass := "压测用的密码-" + phone
	err := r.env().Call("POST", "/api/v1/auth/register", "", map[string]any{"name": fmt.Sprintf("压测邻居%d", r.next()), "phone": phone, "password": pass, "area_id": area}, 201, nil)
	if err != nil {
		return nil, err
	}
	return r.signInMember(roleResident, phone, pass)
}

// stationOf returns the mix's record of station id, reading its
// activities, posts and open requests the first time.
func (r *mixRun) stationOf(id string, reader string) (*station, error) {
	st := r.stations[id]
	if st != nil {
		return st, r.readHelp(st, reader)
	}
	st = &station{id: id}
	from := time.Now().Format("2006-01-02")
	var acts struct {
		Items []struct {
			ID     string    `json:"id"`
			Start  time.Time `json:"start"`
			Status string    `json:"status"`
		} `json:"items"`
	}
	if err := r.env().Call("GET", "/api/v1/activities?limit=200&station_id="+id+"&from="+from+"&to="+time.Now().AddDate(0, 0, 30).Format("2006-01-02"), "", nil, 200, &acts); err != nil {
		return nil, err
	}
	for _, a := range acts.Items {
		if a.Status == "scheduled" && a.Start.After(time.Now().Add(6*time.Hour)) {
			st.activities = append(st.activities, a.ID)
		}
	}
	var items struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	if err := r.env().Call("GET", "/api/v1/posts?station_id="+id, "", nil, 200, &items); err != nil {
		return nil, err
	}
	for _, p := range items.Items {
		st.posts = append(st.posts, p.ID)
	}
	r.stations[id] = st
	return st, r.readHelp(st, reader)
}

// readHelp reads, once, the station's open requests as a volunteer of it
// (reader) sees them.
func (r *mixRun) readHelp(st *station, reader string) error {
	if reader == "" || st.helpRead {
		return nil
	}
	var items struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	if err := r.env().Call("GET", "/api/v1/help-requests?status=open", reader, nil, 200, &items); err != nil {
		return err
	}
	for _, h := range items.Items {
		st.helpReads = append(st.helpReads, h.ID)
	}
	st.helpRead = true
	return nil
}

// needed is how many people of each role sign in.
func needed(clients map[string]int, people int) map[string]int {
	signed := clients[roleResident] + clients[roleVolunteer] + clients[roleStaff]
	out := map[string]int{}
	for _, role := range []string{roleResident, roleVolunteer, roleStaff} {
		if clients[role] > 0 {
			out[role] = max(clients[role], people*clients[role]/max(1, signed))
		}
	}
	return out
}

// setup signs the people in (or makes them) and reads what they act on.
func (r *mixRun) setup(clients map[string]int) error {
	r.stations = map[string]*station{}
	r.byRole = map[string][]*member{}
	r.run = time.Now().UnixNano() / 1000 % 1_000_000
	people := r.cfg.People
	if people <= 0 {
		people = 4 * (r.cfg.Clients - clients[roleVisitor])
	}
	want := needed(clients, people)
	var areas struct {
		Items []struct {
			ID        string `json:"id"`
			StationID string `json:"station_id"`
		} `json:"items"`
	}
	if err := r.env().Call("GET", "/api/v1/areas", "", nil, 200, &areas); err != nil {
		return err
	}
	stationOfArea := map[string]string{}
	for _, a := range areas.Items {
		stationOfArea[a.ID] = a.StationID
	}
	var stations struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	if err := r.env().Call("GET", "/api/v1/stations", "", nil, 200, &stations); err != nil || len(stations.Items) == 0 {
		return errors.Join(err, errors.New("no station"))
	}
	start := time.Now()
	if r.cfg.Accounts == nil {
		if err := r.makePeople(want, stations.Items[0].ID, areas.Items); err != nil {
			return err
		}
	} else if err := r.signInAccounts(want); err != nil {
		return err
	}
	r.logf("signed in %d people in %v, one at a time", len(r.people), time.Since(start).Round(100*time.Millisecond))

	// Where each one belongs.
	for _, m := range r.people {
		stID := stationOfArea[m.area]
		if m.role == roleStaff {
			var u struct {
				StationIDs []string `json:"station_ids"`
			}
			if err := r.env().Call("GET", "/api/v1/users/"+m.id, m.token, nil, 200, &u); err != nil {
				return err
			}
			stID = stations.Items[0].ID // an admin works everywhere
			if len(u.StationIDs) > 0 {
				stID = u.StationIDs[0]
			}
		}
		if stID == "" {
			stID = stations.Items[0].ID
		}
		reader := ""
		if m.role == roleVolunteer {
			reader = m.token // volunteers see their station's open requests
		}
		st, err := r.stationOf(stID, reader)
		if err != nil {
			return err
		}
		m.st = st
		if m.role == roleStaff {
			if st.staff == nil {
				st.staff = m
			}
		} else {
			st.people = append(st.people, m)
		}
	}
	if len(r.byRole[roleStaff]) > 0 {
		r.main = r.byRole[roleStaff][0].st
	} else {
		r.main = r.stations[stations.Items[0].ID]
		if r.main == nil {
			var err error
			if r.main, err = r.stationOf(stations.Items[0].ID, ""); err != nil {
				return err
			}
		}
	}
	if len(r.main.activities) == 0 {
		return fmt.Errorf("station %s has no activities in the next 30 days to sign up for", r.main.id)
	}
	// Places held already, and minutes to give.
	for _, m := range r.people {
		if m.role == roleStaff {
			continue
		}
		var mine struct {
			Items []struct {
				ID string `json:"id"`
			} `json:"items"`
		}
		if err := r.env().Call("GET", "/api/v1/me/activities", m.token, nil, 200, &mine); err != nil {
			return err
		}
		for _, a := range mine.Items {
			m.registered[a.ID], m.before[a.ID] = true, true
		}
		creditor := m.st.staff
		if creditor == nil {
			creditor = r.admin
		}
		if creditor != nil {
			if err := r.env().Call("POST", "/api/v1/timebank/credits", creditor.token, map[string]any{"user_id": m.id, "minutes": 120, "memo": "压测"}, 201, nil); err != nil {
				return err
			}
			m.minutes = 120
		}
	}
	return r.setupCouncil()
}

// makePeople registers the people on the demo station: residents of its
// first area, volunteers made so by staff, staff made so by the admin;
// the demo's staff member is one of the staff.
func (r *mixRun) makePeople(want map[string]int, stationID string, areas []struct {
	ID        string `json:"id"`
	StationID string `json:"station_id"`
}) error {
	area := ""
	for _, a := range areas {
		if a.StationID == stationID {
			area = a.ID
			break
		}
	}
	if area == "" {
		return errors.New("the first station has no residential area")
	}
	var err error
	if r.admin, err = r.signInMember(roleStaff, "13800000000", r.cfg.Password); err != nil {
		return fmt.Errorf("sign in as the demo's admin (a demo station is needed, or -accounts): %w", err)
	}
	demoStaff, err := r.signInMember(roleStaff, "13800000001", r.cfg.Password)
	if err != nil {
		return err
	}
	r.logf("making %d residents, %d volunteers and %d staff on the demo station (a registration and a sign-in each)…",
		want[roleResident], want[roleVolunteer], max(0, want[roleStaff]-1))
	for _, role := range []string{roleResident, roleVolunteer, roleStaff} {
		for i := range want[role] {
			if role == roleStaff && i == 0 {
				r.add(demoStaff)
				continue
			}
			m, err := r.register(area)
			if err != nil {
				return err
			}
			switch role {
			case roleVolunteer:
				err = r.env().Call("PUT", "/api/v1/users/"+m.id+"/roles", demoStaff.token, map[string]any{"roles": []string{"resident", "volunteer"}}, 200, nil)
			case roleStaff:
				err = r.env().Call("PUT", "/api/v1/users/"+m.id+"/roles", r.admin.token, map[string]any{"roles": []string{"resident", "staff"}, "station_ids": []string{stationID}}, 200, nil)
			}
			if err != nil {
				return err
			}
			m.role = role
			r.add(m)
		}
	}
	return nil
}

func (r *mixRun) add(m *member) {
	r.people = append(r.people, m)
	r.byRole[m.role] = append(r.byRole[m.role], m)
}

// signInAccounts signs in as many of the file's people of each role as
// wanted, in the file's order; an admin serves as staff when the file
// has no staff. Three wrong passwords stop the run: more would have the
// server slow this address down, as it should.
func (r *mixRun) signInAccounts(want map[string]int) error {
	got := map[string]int{}
	hasStaff := slices.ContainsFunc(r.cfg.Accounts, func(a Account) bool { return a.Role == "staff" })
	r.logf("signing in up to %d residents, %d volunteers and %d staff from the accounts file…", want[roleResident], want[roleVolunteer], want[roleStaff])
	wrong := 0
	for _, a := range r.cfg.Accounts {
		role := a.Role
		if role == "admin" {
			if r.admin == nil {
				m, err := r.signInMember(roleStaff, a.Phone, a.Pass)
				if err != nil {
					return err
				}
				r.admin = m
				if !hasStaff && got[roleStaff] < want[roleStaff] {
					got[roleStaff]++
					r.add(m)
				}
			}
			continue
		}
		if got[role] >= want[role] {
			continue
		}
		m, err := r.signInMember(role, a.Phone, a.Pass)
		if err != nil {
			if wrong++; wrong >= 3 {
				return fmt.Errorf("three accounts would not sign in (the last: %w)", err)
			}
			r.logf("skipped: %v", err)
			continue
		}
		got[role]++
		r.add(m)
	}
	if len(r.byRole[roleResident])+len(r.byRole[roleVolunteer]) == 0 {
		return errors.New("accounts: no resident or volunteer signed in")
	}
	return nil
}

// setupCouncil sets a council up at the main station with its people of
// the mix as members, and opens the first polls.
func (r *mixRun) setupCouncil() error {
	runner := r.main.staff
	if runner == nil {
		runner = r.admin
	}
	if runner == nil {
		return nil // nobody may: no votes in this run
	}
	var out struct {
		ID string `json:"id"`
	}
	if err := r.env().Call("POST", "/api/v1/councils", runner.token, map[string]string{"station_id": r.main.id, "name": fmt.Sprintf("压测议事会%d", r.run), "kind": "residents"}, 201, &out); err != nil {
		return err
	}
	r.main.council = out.ID
	for _, m := range r.main.people {
		if r.env().Call("POST", "/api/v1/councils/"+out.ID+"/members", runner.token, map[string]string{"user_id": m.id}, 201, nil) == nil {
			m.inCouncil = true
		}
	}
	for range 3 {
		p, err := r.openPoll(r.env(), runner.token, r.main.council)
		if err != nil {
			return err
		}
		r.main.polls = append(r.main.polls, p)
	}
	return nil
}

func (r *mixRun) openPoll(e *Env, token, council string) (*poll, error) {
	var out struct {
		ID      string `json:"id"`
		Options []struct {
			ID string `json:"id"`
		} `json:"options"`
	}
	if err := e.Call("POST", "/api/v1/councils/"+council+"/polls", token, pollBody(), 201, &out); err != nil {
		return nil, err
	}
	if len(out.Options) == 0 {
		return nil, errors.New("a poll without options")
	}
	return &poll{id: out.ID, option: out.Options[0].ID, opened: time.Now()}, nil
}

func pollBody() map[string]any {
	return map[string]any{"question": "压测：活动改到周几", "options": []string{"周三", "周六"}, "closes_at": time.Now().AddDate(0, 0, 7).Format(time.RFC3339)}
}

// mixClient is one client of the mix: a role, the people it acts as in
// turn, the process it talks to, and what it measured.
type mixClient struct {
	w      int
	role   string
	people []*member
	turn   int
	proc   int
	env    *Env
	rnd    *rand.Rand
	rows   map[string]*tally
	total  *tally
}

// tally is what was measured of a row.
type tally struct {
	lats     []time.Duration
	statuses map[int]int
	failures int
}

func newTally() *tally { return &tally{statuses: map[int]int{}} }

func (t *tally) add(o *tally) {
	t.lats = append(t.lats, o.lats...)
	for c, n := range o.statuses {
		t.statuses[c] += n
	}
	t.failures += o.failures
}

// call is one request of the mix, and what to do with its answer (status
// 0: it failed on the way). after runs without the lock and takes it.
type call struct {
	req   *http.Request
	after func(status int, h http.Header, body []byte)
}

// mixRow is a kind of request of the mix.
type mixRow struct {
	name, pattern string
	want          int
	write         bool
	// do makes the request for client c as person p (nil for visitors),
	// or nil when it cannot be made now (nothing to claim, no place to
	// give up).
	do func(r *mixRun, c *mixClient, p *member) *call
}

func (c *mixClient) pick(list []string) string {
	if len(list) == 0 {
		return ""
	}
	return list[c.rnd.IntN(len(list))]
}

func token(p *member) string {
	if p == nil {
		return ""
	}
	return p.token
}

// page is a GET of path as p (nil: anonymous).
func page(path func(r *mixRun, c *mixClient, p *member) string) func(r *mixRun, c *mixClient, p *member) *call {
	return func(r *mixRun, c *mixClient, p *member) *call {
		where := path(r, c, p)
		if where == "" {
			return nil
		}
		req, err := c.env.request("GET", where, token(p), nil)
		if err != nil {
			return nil
		}
		// As a browser does; the body is read as it comes.
		req.Header.Set("Accept-Encoding", "gzip")
		return &call{req: req}
	}
}

func fixed(path string) func(*mixRun, *mixClient, *member) string {
	return func(*mixRun, *mixClient, *member) string { return path }
}

// home is the station the person belongs to, or the main one for a
// visitor.
func (r *mixRun) home(p *member) *station {
	if p == nil || p.st == nil {
		return r.main
	}
	return p.st
}

func anActivity(prefix, suffix string) func(r *mixRun, c *mixClient, p *member) string {
	return func(r *mixRun, c *mixClient, p *member) string {
		a := c.pick(r.home(p).activities)
		if a == "" {
			return ""
		}
		return prefix + a + suffix
	}
}

func aPost(prefix string) func(r *mixRun, c *mixClient, p *member) string {
	return func(r *mixRun, c *mixClient, p *member) string {
		id := c.pick(r.home(p).posts)
		if id == "" {
			return ""
		}
		return prefix + id
	}
}

// aHelpRequest is a request for p to read: a resident one of their own
// (others' are not theirs to see), a volunteer one they hold, else one of
// their station's open ones.
func aHelpRequest(prefix string) func(r *mixRun, c *mixClient, p *member) string {
	return func(r *mixRun, c *mixClient, p *member) string {
		r.mu.Lock()
		defer r.mu.Unlock()
		var ids []string
		for _, h := range p.asked {
			ids = append(ids, h.id)
		}
		for _, h := range p.claimed {
			ids = append(ids, h.id)
		}
		if len(ids) == 0 && p.role == roleVolunteer {
			st := r.home(p)
			for _, h := range st.open {
				ids = append(ids, h.id)
			}
			ids = append(ids, st.helpReads...)
		}
		id := c.pick(ids)
		if id == "" {
			return ""
		}
		return prefix + id
	}
}

func aPoll(prefix string) func(r *mixRun, c *mixClient, p *member) string {
	return func(r *mixRun, c *mixClient, p *member) string {
		st := r.home(p)
		r.mu.Lock()
		defer r.mu.Unlock()
		if len(st.polls) == 0 {
			return ""
		}
		pl := st.polls[c.rnd.IntN(len(st.polls))]
		if pl.id == "" {
			return "" // being opened
		}
		return prefix + pl.id
	}
}

// form posts a form to path as p; after, if set, hears the answer.
func (c *mixClient) form(path string, p *member, f url.Values, after func(int, http.Header, []byte)) *call {
	req, err := c.env.request("POST", path, token(p), f.Encode())
	if err != nil {
		return nil
	}
	return &call{req: req, after: after}
}

func (c *mixClient) json(method, path string, p *member, body any, after func(int, http.Header, []byte)) *call {
	req, err := c.env.request(method, path, token(p), body)
	if err != nil {
		return nil
	}
	return &call{req: req, after: after}
}

// signUp takes a place at an activity of p's station p holds none at, by
// the page (page) or the API.
func signUp(pageForm bool) func(r *mixRun, c *mixClient, p *member) *call {
	return func(r *mixRun, c *mixClient, p *member) *call {
		r.mu.Lock()
		acts := p.st.activities
		id := ""
		for range 4 {
			a := c.pick(acts)
			if a != "" && !p.registered[a] && !p.pending[a] {
				id = a
				break
			}
		}
		if id == "" || (pageForm && taken(p) >= 3) {
			r.mu.Unlock()
			return nil
		}
		p.pending[id] = true
		r.mu.Unlock()
		want := 201
		after := func(status int, _ http.Header, _ []byte) {
			r.mu.Lock()
			defer r.mu.Unlock()
			delete(p.pending, id)
			if status == want {
				p.registered[id] = true
			}
		}
		if pageForm {
			want = 303
			return c.form("/activities/"+id+"/register", p, url.Values{"next": {"/activities"}}, after)
		}
		return c.json("POST", "/api/v1/activities/"+id+"/registrations", p, nil, after)
	}
}

// taken counts the places p took in this run.
func taken(p *member) int {
	n := 0
	for a := range p.registered {
		if !p.before[a] {
			n++
		}
	}
	return n
}

// giveUp gives up a place p took in this run.
func giveUp(r *mixRun, c *mixClient, p *member) *call {
	r.mu.Lock()
	var ids []string
	for a := range p.registered {
		if !p.before[a] && !p.pending[a] {
			ids = append(ids, a)
		}
	}
	slices.Sort(ids)
	id := c.pick(ids)
	if id == "" {
		r.mu.Unlock()
		return nil
	}
	p.pending[id] = true
	r.mu.Unlock()
	return c.form("/activities/"+id+"/cancel", p, url.Values{"next": {"/activities"}}, func(status int, _ http.Header, _ []byte) {
		r.mu.Lock()
		defer r.mu.Unlock()
		delete(p.pending, id)
		if status == 303 {
			delete(p.registered, id)
		}
	})
}

// askForHelp asks, by the page or the API, when p has fewer than two
// requests open (pageForm) or however many (the API, driven alone).
func askForHelp(pageForm bool) func(r *mixRun, c *mixClient, p *member) *call {
	return func(r *mixRun, c *mixClient, p *member) *call {
		r.mu.Lock()
		many := len(p.asked)
		r.mu.Unlock()
		if pageForm && many >= 2 {
			return nil
		}
		asked := func(id string) {
			if id == "" {
				return
			}
			r.mu.Lock()
			defer r.mu.Unlock()
			h := &helpReq{id: id, requester: p, status: "open", st: p.st, byThisMix: true}
			r.requests = append(r.requests, h)
			p.asked = append(p.asked, h)
			p.st.open = append(p.st.open, h)
		}
		if pageForm {
			return c.form("/help/new", p, url.Values{"category": {"companion"}, "title": {"压测：陪同去医院"}, "description": {""}}, func(status int, h http.Header, _ []byte) {
				// The page goes to the request's: /help/{id}?notice=…
				if loc := h.Get("Location"); status == 303 && strings.HasPrefix(loc, "/help/") {
					id, _, _ := strings.Cut(strings.TrimPrefix(loc, "/help/"), "?")
					asked(id)
				}
			})
		}
		return c.json("POST", "/api/v1/help-requests", p, map[string]string{"title": "压测：帮忙买菜", "category": "errand"}, func(status int, _ http.Header, body []byte) {
			var out struct {
				ID string `json:"id"`
			}
			if status == 201 && json.Unmarshal(body, &out) == nil {
				asked(out.ID)
			}
		})
	}
}

// claim takes the oldest open request of p's station asked by someone
// else, by the page or the API.
func claim(pageForm bool) func(r *mixRun, c *mixClient, p *member) *call {
	return func(r *mixRun, c *mixClient, p *member) *call {
		r.mu.Lock()
		st := p.st
		var h *helpReq
		for i, o := range st.open {
			if o.requester != p {
				h = o
				st.open = slices.Delete(st.open, i, i+1)
				break
			}
		}
		r.mu.Unlock()
		if h == nil {
			return nil
		}
		after := func(status int, _ http.Header, _ []byte) {
			r.mu.Lock()
			defer r.mu.Unlock()
			if status == 200 || status == 303 {
				h.status, h.volunteer = "claimed", p
				p.claimed = append(p.claimed, h)
			}
		}
		if pageForm {
			return c.form("/help/"+h.id+"/claim", p, url.Values{}, after)
		}
		return c.json("POST", "/api/v1/help-requests/"+h.id+"/claim", p, nil, after)
	}
}

// done says a request p claimed is done, 30 minutes.
func done(r *mixRun, c *mixClient, p *member) *call {
	r.mu.Lock()
	if len(p.claimed) == 0 {
		r.mu.Unlock()
		return nil
	}
	h := p.claimed[0]
	p.claimed = p.claimed[1:]
	r.mu.Unlock()
	return c.form("/help/"+h.id+"/done", p, url.Values{"minutes": {"30"}}, func(status int, _ http.Header, _ []byte) {
		r.mu.Lock()
		defer r.mu.Unlock()
		if status == 303 {
			h.status = "done"
			h.requester.toConfirm = append(h.requester.toConfirm, h)
		}
	})
}

// confirm confirms a service done for p.
func confirm(r *mixRun, c *mixClient, p *member) *call {
	r.mu.Lock()
	if len(p.toConfirm) == 0 {
		r.mu.Unlock()
		return nil
	}
	h := p.toConfirm[0]
	p.toConfirm = p.toConfirm[1:]
	r.mu.Unlock()
	return c.form("/help/"+h.id+"/confirm", p, url.Values{"rating": {"5"}, "comment": {"谢谢"}}, func(status int, _ http.Header, _ []byte) {
		r.mu.Lock()
		defer r.mu.Unlock()
		if status == 303 {
			h.status = "confirmed"
			p.asked = slices.DeleteFunc(p.asked, func(o *helpReq) bool { return o == h })
			if h.volunteer != nil {
				h.volunteer.minutes += 30
			}
		}
	})
}

// give gives a minute to another person of p's station, by the page (by
// their phone) or the API (by their id, with an idempotency key).
func give(pageForm bool) func(r *mixRun, c *mixClient, p *member) *call {
	return func(r *mixRun, c *mixClient, p *member) *call {
		r.mu.Lock()
		to := p.st.people[c.rnd.IntN(len(p.st.people))]
		if p.minutes < 1 || to == p {
			r.mu.Unlock()
			return nil
		}
		p.minutes--
		r.mu.Unlock()
		key := fmt.Sprintf("load-mix-%d-%d", r.run, r.next())
		after := func(status int, _ http.Header, _ []byte) {
			r.mu.Lock()
			defer r.mu.Unlock()
			if status == 303 || status == 201 {
				to.minutes++
			} else {
				p.minutes++
			}
		}
		if pageForm {
			return c.form("/timebank/transfer", p, url.Values{"to_phone": {to.phone}, "minutes": {"1"}, "memo": {"压测"}, "key": {key}}, after)
		}
		cl := c.json("POST", "/api/v1/timebank/transfers", p, map[string]any{"to_user_id": to.id, "minutes": 1, "memo": "压测"}, after)
		if cl != nil {
			cl.req.Header.Set("Idempotency-Key", key)
		}
		return cl
	}
}

// vote votes in a poll of p's council p has not voted in.
func vote(r *mixRun, c *mixClient, p *member) *call {
	r.mu.Lock()
	var pl *poll
	if p.inCouncil {
		for _, o := range p.st.polls {
			if o.id != "" && !p.voted[o.id] {
				pl = o
				break
			}
		}
	}
	if pl == nil {
		r.mu.Unlock()
		return nil
	}
	p.voted[pl.id] = true
	r.mu.Unlock()
	return c.form("/polls/"+pl.id+"/vote", p, url.Values{"option_id": {pl.option}}, nil)
}

// openPollRow has staff open a poll of their station's council when its
// newest is five seconds old: what the members vote in next.
func openPollRow(r *mixRun, c *mixClient, p *member) *call {
	st := p.st
	r.mu.Lock()
	if st.council == "" || (len(st.polls) > 0 && time.Since(st.polls[len(st.polls)-1].opened) < 5*time.Second) {
		r.mu.Unlock()
		return nil
	}
	// Held until the answer comes, so that one poll is opened at a time.
	st.polls = append(st.polls, &poll{id: "", opened: time.Now()})
	r.mu.Unlock()
	return c.json("POST", "/api/v1/councils/"+st.council+"/polls", p, pollBody(), func(status int, _ http.Header, body []byte) {
		var out struct {
			ID      string `json:"id"`
			Options []struct {
				ID string `json:"id"`
			} `json:"options"`
		}
		r.mu.Lock()
		defer r.mu.Unlock()
		i := slices.IndexFunc(st.polls, func(o *poll) bool { return o.id == "" })
		if status == 201 && json.Unmarshal(body, &out) == nil && len(out.Options) > 0 {
			st.polls[i] = &poll{id: out.ID, option: out.Options[0].ID, opened: time.Now()}
		} else {
			st.polls = slices.Delete(st.polls, i, i+1)
		}
	})
}

// The rows of the full mix. Reads answer 200; the pages' writes 303, the
// API's 201 or 200.
var fullRows = []mixRow{
	// What a visitor reads, not signed in: the public pages and API.
	{name: "home, anonymous", pattern: "GET /{$}", want: 200, do: page(fixed("/"))},
	{name: "timetable, anonymous", pattern: "GET /activities", want: 200, do: page(fixed("/activities"))},
	{name: "activity page, anonymous", pattern: "GET /activities/{id}", want: 200, do: page(anActivity("/activities/", ""))},
	{name: "the board, anonymous", pattern: "GET /notices", want: 200, do: page(fixed("/notices"))},
	{name: "the week on the board", pattern: "GET /notices/week", want: 200, do: page(fixed("/notices/week"))},
	{name: "mutual aid, anonymous", pattern: "GET /help", want: 200, do: page(fixed("/help"))},
	{name: "the councils, anonymous", pattern: "GET /councils", want: 200, do: page(fixed("/councils"))},
	{name: "impact page, anonymous", pattern: "GET /stations/{id}/impact", want: 200, do: page(func(r *mixRun, _ *mixClient, _ *member) string { return "/stations/" + r.main.id + "/impact" })},
	{name: "login page", pattern: "GET /login", want: 200, do: page(fixed("/login"))},
	{name: "month list (JSON), anonymous", pattern: "GET /api/v1/activities", want: 200, do: page(func(r *mixRun, _ *mixClient, _ *member) string {
		return "/api/v1/activities?limit=200&station_id=" + r.main.id + "&from=" + time.Now().Format("2006-01-02") + "&to=" + time.Now().AddDate(0, 1, 0).Format("2006-01-02")
	})},
	{name: "stations (JSON), anonymous", pattern: "GET /api/v1/stations", want: 200, do: page(fixed("/api/v1/stations"))},
	{name: "station calendar, anonymous", pattern: "GET /api/v1/calendar.ics", want: 200, do: page(func(r *mixRun, _ *mixClient, _ *member) string { return "/api/v1/calendar.ics?station_id=" + r.main.id })},

	// What people read signed in, on their phones (pages) and in an app
	// (the API).
	{name: "home, signed in", pattern: "GET /{$}", want: 200, do: page(fixed("/"))},
	{name: "timetable, signed in", pattern: "GET /activities", want: 200, do: page(fixed("/activities"))},
	{name: "activity page, signed in", pattern: "GET /activities/{id}", want: 200, do: page(anActivity("/activities/", ""))},
	{name: "the board, signed in", pattern: "GET /notices", want: 200, do: page(fixed("/notices"))},
	{name: "a post's page", pattern: "GET /notices/{id}", want: 200, do: page(aPost("/notices/"))},
	{name: "mutual aid, signed in", pattern: "GET /help", want: 200, do: page(fixed("/help"))},
	{name: "a help request's page", pattern: "GET /help/{id}", want: 200, do: page(aHelpRequest("/help/"))},
	{name: "my activities page", pattern: "GET /my/activities", want: 200, do: page(fixed("/my/activities"))},
	{name: "my services page", pattern: "GET /my/services", want: 200, do: page(fixed("/my/services"))},
	{name: "notifications page", pattern: "GET /notifications", want: 200, do: page(fixed("/notifications"))},
	{name: "me page", pattern: "GET /me", want: 200, do: page(fixed("/me"))},
	{name: "time bank page", pattern: "GET /timebank", want: 200, do: page(fixed("/timebank"))},
	{name: "a poll's page", pattern: "GET /polls/{id}", want: 200, do: page(aPoll("/polls/"))},
	{name: "activity (JSON)", pattern: "GET /api/v1/activities/{id}", want: 200, do: page(anActivity("/api/v1/activities/", ""))},
	{name: "my activities (JSON)", pattern: "GET /api/v1/me/activities", want: 200, do: page(fixed("/api/v1/me/activities"))},
	{name: "notifications (JSON)", pattern: "GET /api/v1/me/notifications", want: 200, do: page(fixed("/api/v1/me/notifications"))},
	{name: "me (JSON)", pattern: "GET /api/v1/me", want: 200, do: page(fixed("/api/v1/me"))},
	{name: "the board (JSON)", pattern: "GET /api/v1/posts", want: 200, do: page(func(r *mixRun, _ *mixClient, p *member) string { return "/api/v1/posts?station_id=" + r.home(p).id })},
	{name: "help requests (JSON)", pattern: "GET /api/v1/help-requests", want: 200, do: page(fixed("/api/v1/help-requests?status=open"))},
	{name: "my time bank (JSON)", pattern: "GET /api/v1/me/timebank", want: 200, do: page(fixed("/api/v1/me/timebank"))},

	// The desk.
	{name: "desk", pattern: "GET /desk", want: 200, do: page(fixed("/desk"))},
	{name: "desk's mutual aid page", pattern: "GET /desk/help", want: 200, do: page(fixed("/desk/help"))},
	{name: "roster page", pattern: "GET /desk/activities/{id}", want: 200, do: page(anActivity("/desk/activities/", ""))},
	{name: "residents page", pattern: "GET /desk/residents", want: 200, do: page(fixed("/desk/residents?q=" + url.QueryEscape("李")))},
	{name: "moderation queue", pattern: "GET /desk/moderation", want: 200, do: page(fixed("/desk/moderation"))},
	{name: "desk's figures page", pattern: "GET /desk/stats", want: 200, do: page(fixed("/desk/stats"))},
	{name: "roster (JSON)", pattern: "GET /api/v1/activities/{id}/registrations", want: 200, do: page(anActivity("/api/v1/activities/", "/registrations"))},

	// The day's writes, as people make them on their phones.
	{name: "sign up (page)", pattern: "POST /activities/{id}/register", want: 303, write: true, do: signUp(true)},
	{name: "cancel a place (page)", pattern: "POST /activities/{id}/cancel", want: 303, write: true, do: giveUp},
	{name: "ask for help (page)", pattern: "POST /help/new", want: 303, write: true, do: askForHelp(true)},
	{name: "claim a help request (page)", pattern: "POST /help/{id}/claim", want: 303, write: true, do: claim(true)},
	{name: "say a service is done (page)", pattern: "POST /help/{id}/done", want: 303, write: true, do: done},
	{name: "confirm a service (page)", pattern: "POST /help/{id}/confirm", want: 303, write: true, do: confirm},
	{name: "give minutes (page)", pattern: "POST /timebank/transfer", want: 303, write: true, do: give(true)},
	{name: "vote (page)", pattern: "POST /polls/{id}/vote", want: 303, write: true, do: vote},
	{name: "+1 visitor (desk)", pattern: "POST /desk/visits", want: 303, write: true, do: func(r *mixRun, c *mixClient, p *member) *call {
		return c.form("/desk/visits", p, url.Values{"purpose": {"other"}, "count": {"1"}}, nil)
	}},
	{name: "open a poll", pattern: "POST /api/v1/councils/{id}/polls", want: 201, write: true, do: openPollRow},
}

// The writes of the targets, each driven alone after the mix through the
// API, as an app would send them.
var aloneRows = []mixRow{
	{name: "sign up (JSON)", pattern: "POST /api/v1/activities/{id}/registrations", want: 201, write: true, do: signUp(false)},
	{name: "ask for help (JSON)", pattern: "POST /api/v1/help-requests", want: 201, write: true, do: askForHelp(false)},
	{name: "claim a help request (JSON)", pattern: "POST /api/v1/help-requests/{id}/claim", want: 200, write: true, do: claim(false)},
	{name: "give minutes (JSON)", pattern: "POST /api/v1/timebank/transfers", want: 201, write: true, do: give(false)},
}

type weighted struct {
	row    string
	weight int
}

// The day of each role: how often each does what, in requests out of
// about a hundred. Reads are some nine in ten of what people send.
var days = map[string][]weighted{
	roleVisitor: {
		{"home, anonymous", 16}, {"timetable, anonymous", 16}, {"activity page, anonymous", 10}, {"the board, anonymous", 10},
		{"the week on the board", 3}, {"mutual aid, anonymous", 5}, {"the councils, anonymous", 2}, {"impact page, anonymous", 2},
		{"login page", 4}, {"month list (JSON), anonymous", 6}, {"stations (JSON), anonymous", 2}, {"station calendar, anonymous", 2},
	},
	roleResident: {
		{"home, signed in", 14}, {"timetable, signed in", 14}, {"activity page, signed in", 10}, {"the board, signed in", 7},
		{"a post's page", 3}, {"mutual aid, signed in", 3}, {"a help request's page", 2}, {"my activities page", 5},
		{"notifications page", 4}, {"me page", 1}, {"time bank page", 2}, {"a poll's page", 1},
		{"activity (JSON)", 2}, {"my activities (JSON)", 2}, {"notifications (JSON)", 2}, {"me (JSON)", 2}, {"the board (JSON)", 2},
		{"sign up (page)", 2}, {"cancel a place (page)", 2}, {"ask for help (page)", 1}, {"confirm a service (page)", 2},
		{"give minutes (page)", 1}, {"vote (page)", 1},
	},
	roleVolunteer: {
		{"mutual aid, signed in", 10}, {"a help request's page", 5}, {"my services page", 5}, {"time bank page", 4},
		{"timetable, signed in", 6}, {"home, signed in", 6}, {"the board, signed in", 4}, {"activity page, signed in", 3},
		{"notifications page", 2}, {"help requests (JSON)", 3}, {"my time bank (JSON)", 2},
		{"claim a help request (page)", 3}, {"say a service is done (page)", 3}, {"give minutes (page)", 1},
		{"sign up (page)", 1}, {"cancel a place (page)", 1}, {"vote (page)", 1},
	},
	roleStaff: {
		{"desk", 8}, {"desk's mutual aid page", 4}, {"roster page", 4}, {"residents page", 2}, {"moderation queue", 1},
		{"desk's figures page", 1}, {"timetable, signed in", 3}, {"the board, signed in", 2}, {"notifications page", 1},
		{"roster (JSON)", 2}, {"+1 visitor (desk)", 2}, {"open a poll", 1},
	},
}

func rowByName(name string) *mixRow {
	for _, list := range [][]mixRow{fullRows, aloneRows} {
		for i := range list {
			if list[i].name == name {
				return &list[i]
			}
		}
	}
	panic("loadtest: no row " + name)
}

// choose picks client c's next request: a row of its day by weight, as
// the next of its people; a row that cannot be made now is passed over
// for another.
func (c *mixClient) choose(r *mixRun, day []weighted, sum int) (*mixRow, *call) {
	var p *member
	if len(c.people) > 0 {
		p = c.people[c.turn%len(c.people)]
		c.turn++
	}
	for range 50 {
		n := c.rnd.IntN(sum)
		for _, w := range day {
			if n -= w.weight; n < 0 {
				row := rowByName(w.row)
				if cl := row.do(r, c, p); cl != nil {
					return row, cl
				}
				break
			}
		}
	}
	return nil, nil
}

// drive runs the clients until d has passed, each choosing from its day;
// it returns how long they took, until the last answer.
func (r *mixRun) drive(clients []*mixClient, days map[string][]weighted, d time.Duration) time.Duration {
	start := time.Now()
	deadline := start.Add(d)
	var wg sync.WaitGroup
	for _, c := range clients {
		day := days[c.role]
		sum := 0
		for _, w := range day {
			sum += w.weight
		}
		if sum == 0 {
			continue
		}
		wg.Go(func() {
			for time.Now().Before(deadline) {
				row, cl := c.choose(r, day, sum)
				if row == nil {
					time.Sleep(10 * time.Millisecond) // nothing to do: as a person reading
					continue
				}
				begin := time.Now()
				resp, err := c.env.Client.Do(cl.req)
				var body []byte
				status := 0
				var header http.Header
				if err == nil {
					if cl.after != nil {
						body, _ = io.ReadAll(resp.Body)
					} else {
						io.Copy(io.Discard, resp.Body)
					}
					resp.Body.Close()
					status, header = resp.StatusCode, resp.Header
				}
				took := time.Since(begin)
				t := c.rows[row.name]
				if t == nil {
					t = newTally()
					c.rows[row.name] = t
				}
				for _, t := range []*tally{t, c.total} {
					if err != nil {
						t.failures++
					} else {
						t.statuses[status]++
						t.lats = append(t.lats, took)
					}
				}
				if cl.after != nil {
					cl.after(status, header, body)
				}
			}
		})
	}
	wg.Wait()
	return time.Since(start)
}

// clients makes the clients split says, each with its people and the
// process it talks to.
func (r *mixRun) clients(split map[string]int) []*mixClient {
	var out []*mixClient
	w := 0
	for ri, role := range clientRoles {
		n := split[role]
		pool := r.byRole[role]
		if role != roleVisitor && len(pool) == 0 {
			pool = r.byRole[roleResident] // the accounts had none of this role
			role = roleResident
		}
		for k := range n {
			// Each role's clients take the processes in turn, so that
			// each process serves a like share of every role.
			c := &mixClient{w: w, role: role, proc: (k + ri) % len(r.envs), rows: map[string]*tally{}, total: newTally(),
				rnd: rand.New(rand.NewPCG(r.cfg.Seed, uint64(w)))}
			c.env = r.envs[c.proc]
			if role != roleVisitor {
				for j := k; j < len(pool); j += n {
					c.people = append(c.people, pool[j])
				}
				if len(c.people) == 0 {
					c.people = []*member{pool[k%len(pool)]}
				}
			}
			out = append(out, c)
			w++
		}
	}
	return out
}

// MixRow is what one row of the full mix measured.
type MixRow struct {
	Name, Pattern string
	Who           []string // the roles that sent it
	Write, Public bool
	Want          int
	Requests      int
	Statuses      map[int]int
	Failures      int
	RPS           float64 // requests a second over the run
	Mean          time.Duration
	P50, P99      time.Duration
	// Ratio is the floor's mean latency over the row's: the share of the
	// floor's throughput the row would have if every client sent only it,
	// each waiting as long as it waited in the mix.
	Ratio float64
}

// OK reports whether every request answered as wanted.
func (m MixRow) OK() bool { return m.Failures == 0 && m.Statuses[m.Want] == m.Requests }

// ServerErrors counts the answers of 500 and over.
func (m MixRow) ServerErrors() int {
	n := 0
	for c, k := range m.Statuses {
		if c >= 500 {
			n += k
		}
	}
	return n
}

// Process is one process's share of the mix.
type Process struct {
	URL   string
	Total MixRow
	// PeakRSS is the most resident memory seen while the mix ran
	// (sampled), HWM the process's peak since it started (VmHWM), when
	// known; bytes.
	PeakRSS, HWM int64
}

// MixResult is a run of the full mix.
type MixResult struct {
	Clients  map[string]int
	People   map[string]int
	Duration time.Duration // the mix's, until its last answer
	// FloorRPS is the bare handler's throughput, the mean of its runs
	// before and after the mix (FloorBefore, FloorAfter).
	FloorRPS, FloorBefore, FloorAfter float64
	Rows                              []MixRow
	Total                             MixRow
	Processes                         []Process
	// Raw is the engine's raw single-row transactions, when measured;
	// Alone the writes of the targets, each driven alone by every client.
	Raw   *Result
	Alone []Result
	// Engine names the engine of the raw floor.
	Engine string
}

// RunMix runs the full mix.
func RunMix(cfg MixConfig) (*MixResult, error) {
	if cfg.Clients < 1 || len(cfg.URLs) == 0 {
		return nil, errors.New("the mix needs a client and a server")
	}
	r := &mixRun{cfg: cfg}
	for _, u := range cfg.URLs {
		r.envs = append(r.envs, &Env{Base: strings.TrimRight(u, "/"), Client: NewClient(cfg.Clients)})
	}
	split := splitClients(cfg.Clients)
	if err := r.setup(split); err != nil {
		return nil, err
	}
	res := &MixResult{Clients: split, People: map[string]int{}}
	for role, list := range r.byRole {
		res.People[role] = len(list)
	}
	floorD := cfg.Floor
	if floorD <= 0 {
		floorD = min(cfg.Duration, 5*time.Second)
	}
	floorURL, stop, err := Floor()
	if err != nil {
		return nil, err
	}
	defer stop()
	floorEnv := &Env{Base: floorURL, Client: NewClient(cfg.Clients)}
	Measure(floorEnv, FloorRow, cfg.Clients, floorD/3) // warm up
	res.FloorBefore = Measure(floorEnv, FloorRow, cfg.Clients, floorD).RPS
	r.logf("floor: %.0f req/s", res.FloorBefore)

	clients := r.clients(split)
	mem := watchMemory(r, cfg.PIDs)
	r.logf("the mix: %d clients for %v…", cfg.Clients, cfg.Duration)
	res.Duration = r.drive(clients, days, cfg.Duration)
	peaks := mem.stop()

	res.FloorAfter = Measure(floorEnv, FloorRow, cfg.Clients, floorD).RPS
	res.FloorRPS = (res.FloorBefore + res.FloorAfter) / 2
	r.logf("floor after: %.0f req/s", res.FloorAfter)
	r.summarise(res, clients, peaks)

	if cfg.Writes > 0 {
		r.alone(res)
	}
	if cfg.DB != "" {
		d := cfg.Writes
		if d <= 0 {
			d = floorD
		}
		raw, engine, err := RawWriteFloor(context.Background(), cfg.DB, cfg.Synchronous, cfg.Clients, d)
		if err != nil {
			return nil, fmt.Errorf("raw write floor: %w", err)
		}
		res.Raw, res.Engine = &raw, engine
		r.logf("%s: %.0f transactions/s", raw.Name, raw.RPS)
		for i := range res.Alone {
			res.Alone[i].Ratio = res.Alone[i].RPS / raw.RPS
		}
	}
	if cfg.Cleanup {
		r.cleanup()
	}
	return res, nil
}

// summarise turns the clients' tallies into rows.
func (r *mixRun) summarise(res *MixResult, clients []*mixClient, peaks map[int]memPeak) {
	floorMean := time.Duration(float64(time.Second) * float64(r.cfg.Clients) / res.FloorRPS)
	who := map[string][]string{}
	for _, role := range clientRoles {
		for _, w := range days[role] {
			if res.Clients[role] > 0 && !slices.Contains(who[w.row], role) {
				who[w.row] = append(who[w.row], role)
			}
		}
	}
	row := func(name, pattern string, want int, t *tally) MixRow {
		m := MixRow{Name: name, Pattern: pattern, Want: want, Requests: len(t.lats), Statuses: t.statuses, Failures: t.failures}
		if len(t.lats) > 0 {
			slices.Sort(t.lats)
			var sum time.Duration
			for _, l := range t.lats {
				sum += l
			}
			m.Mean = sum / time.Duration(len(t.lats))
			m.P50, m.P99 = t.lats[len(t.lats)/2], t.lats[len(t.lats)*99/100]
			m.RPS = float64(len(t.lats)) / res.Duration.Seconds()
			m.Ratio = float64(floorMean) / float64(m.Mean)
		}
		return m
	}
	for _, fr := range fullRows {
		t := newTally()
		for _, c := range clients {
			if ct := c.rows[fr.name]; ct != nil {
				t.add(ct)
			}
		}
		if len(t.lats) == 0 && t.failures == 0 {
			continue
		}
		m := row(fr.name, fr.pattern, fr.want, t)
		m.Who, m.Write = who[fr.name], fr.write
		m.Public = !fr.write && len(m.Who) == 1 && m.Who[0] == roleVisitor
		res.Rows = append(res.Rows, m)
	}
	total := newTally()
	for p, e := range r.envs {
		t := newTally()
		for _, c := range clients {
			if c.proc == p {
				t.add(c.total)
			}
		}
		total.add(t)
		pr := Process{URL: e.Base, Total: row("all", "", 0, t)}
		if pk, ok := peaks[p]; ok {
			pr.PeakRSS, pr.HWM = pk.rss, pk.hwm
		}
		res.Processes = append(res.Processes, pr)
	}
	res.Total = row("the whole mix", "", 0, total)
}

// alone drives each write of the targets by every client at once, as the
// one-route mode does, the API's rows: sign-ups, asks (which make what
// the claims then take), claims and gifts of minutes.
func (r *mixRun) alone(res *MixResult) {
	everyone := append(slices.Clone(r.byRole[roleResident]), r.byRole[roleVolunteer]...)
	volunteers := r.byRole[roleVolunteer]
	if len(volunteers) == 0 {
		volunteers = everyone
	}
	for _, step := range []struct {
		row    string
		people []*member
	}{{"sign up (JSON)", everyone}, {"ask for help (JSON)", everyone}, {"claim a help request (JSON)", volunteers}, {"give minutes (JSON)", everyone}} {
		row := rowByName(step.row)
		var clients []*mixClient
		for w := range r.cfg.Clients {
			c := &mixClient{w: w, role: step.row, proc: w % len(r.envs), rows: map[string]*tally{}, total: newTally(),
				rnd: rand.New(rand.NewPCG(r.cfg.Seed+1, uint64(w)))}
			c.env = r.envs[c.proc]
			for j := w; j < len(step.people); j += r.cfg.Clients {
				c.people = append(c.people, step.people[j])
			}
			if len(c.people) == 0 {
				c.people = []*member{step.people[w%len(step.people)]}
			}
			clients = append(clients, c)
		}
		// The claims take what the asks just made; should none be left,
		// the clients wait, which their throughput does not count.
		r.drive(clients, map[string][]weighted{step.row: {{step.row, 1}}}, r.cfg.Writes)
		t := newTally()
		var spent time.Duration
		for _, c := range clients {
			if ct := c.rows[row.name]; ct != nil {
				t.add(ct)
			}
		}
		for _, l := range t.lats {
			spent += l
		}
		out := Result{Name: row.name, Requests: len(t.lats), Statuses: t.statuses, Failures: t.failures}
		if len(t.lats) > 0 {
			slices.Sort(t.lats)
			out.P50, out.P99 = t.lats[len(t.lats)/2], t.lats[len(t.lats)*99/100]
			out.RPS = float64(len(t.lats)) / (spent.Seconds() / float64(r.cfg.Clients))
		}
		r.logf("%s, alone: %.0f req/s", row.name, out.RPS)
		res.Alone = append(res.Alone, out)
	}
}

// cleanup undoes, untimed, what the run left that would pile up: places
// taken, requests still open or claimed (withdrawn), services done and
// not confirmed (confirmed), polls opened (closed).
func (r *mixRun) cleanup() {
	type undo struct {
		method, path, token string
		body                any
	}
	var todo []undo
	for _, m := range r.people {
		for a := range m.registered {
			if !m.before[a] {
				todo = append(todo, undo{"DELETE", "/api/v1/activities/" + a + "/registrations/me", m.token, nil})
			}
		}
	}
	for _, h := range r.requests {
		switch h.status {
		case "open", "claimed":
			todo = append(todo, undo{"POST", "/api/v1/help-requests/" + h.id + "/cancel", h.requester.token, nil})
		case "done":
			todo = append(todo, undo{"POST", "/api/v1/help-requests/" + h.id + "/confirm", h.requester.token, map[string]any{"rating": 5}})
		}
	}
	for _, st := range r.stations {
		runner := st.staff
		if runner == nil {
			runner = r.admin
		}
		if runner == nil {
			continue
		}
		for _, p := range st.polls {
			if p.id != "" {
				todo = append(todo, undo{"POST", "/api/v1/polls/" + p.id + "/close", runner.token, nil})
			}
		}
	}
	r.logf("cleaning up: %d places, requests and polls…", len(todo))
	ch := make(chan undo)
	var wg sync.WaitGroup
	for range min(8, r.cfg.Clients) {
		wg.Go(func() {
			for u := range ch {
				if req, err := r.env().request(u.method, u.path, u.token, u.body); err == nil {
					if resp, err := r.env().Client.Do(req); err == nil {
						io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
					}
				}
			}
		})
	}
	for _, u := range todo {
		ch <- u
	}
	close(ch)
	wg.Wait()
}

// memPeak is a process's memory: the most resident seen while sampling,
// and its high-water mark since it started.
type memPeak struct{ rss, hwm int64 }

type memWatch struct {
	stopc chan struct{}
	done  chan map[int]memPeak
}

// watchMemory samples the processes' resident memory every quarter
// second until stop: from /proc for pids (one a process, in URLs' order),
// else from each process's /metrics as the admin.
func watchMemory(r *mixRun, pids []int) *memWatch {
	m := &memWatch{stopc: make(chan struct{}), done: make(chan map[int]memPeak, 1)}
	go func() {
		peaks := map[int]memPeak{}
		sample := func() {
			for p := range r.envs {
				var rss, hwm int64
				switch {
				case p < len(pids):
					rss, hwm = procMemory(pids[p])
				case r.admin != nil && len(pids) == 0:
					rss = metricsRSS(r.envs[p], r.admin.token)
				}
				pk := peaks[p]
				pk.rss, pk.hwm = max(pk.rss, rss), max(pk.hwm, hwm)
				if rss > 0 || hwm > 0 {
					peaks[p] = pk
				}
			}
		}
		tick := time.NewTicker(250 * time.Millisecond)
		defer tick.Stop()
		for {
			sample()
			select {
			case <-m.stopc:
				sample()
				m.done <- peaks
				return
			case <-tick.C:
			}
		}
	}()
	return m
}

func (m *memWatch) stop() map[int]memPeak {
	close(m.stopc)
	return <-m.done
}

// procMemory reads a process's resident memory and its high-water mark
// from /proc, in bytes.
func procMemory(pid int) (rss, hwm int64) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		f := strings.Fields(value)
		if len(f) < 1 {
			continue
		}
		kb, _ := strconv.ParseInt(f[0], 10, 64)
		switch name {
		case "VmRSS":
			rss = kb << 10
		case "VmHWM":
			hwm = kb << 10
		}
	}
	return rss, hwm
}

// metricsRSS reads process_resident_memory_bytes from a process's
// /metrics.
func metricsRSS(e *Env, admin string) int64 {
	req, err := e.request("GET", "/metrics", admin, nil)
	if err != nil {
		return 0
	}
	resp, err := e.Client.Do(req)
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "process_resident_memory_bytes "); ok {
			f, _ := strconv.ParseFloat(strings.TrimSpace(v), 64)
			return int64(f)
		}
	}
	return 0
}

// The targets of the full mix (issue 12): at 32 clients, every read of
// the mix at least 0.15 of the floor and the public ones 0.30, p99 under
// 20 ms; the writes of the targets, driven alone, at least half the raw
// single-row transactions; the process's peak memory under 300 MiB.
const (
	TargetPublic  = 0.30
	TargetRead    = 0.15
	TargetP99     = 20 * time.Millisecond
	TargetWrite   = 0.5
	TargetPeakRSS = 300 << 20
)

// Report writes the run as Markdown tables.
func (m *MixResult) Report(w io.Writer) {
	var roles []string
	for _, role := range clientRoles {
		if n := m.Clients[role]; n > 0 {
			s := fmt.Sprintf("%d %s", n, map[string]string{roleResident: "residents", roleVolunteer: "volunteers", roleStaff: "staff", roleVisitor: "visitors"}[role])
			if p := m.People[role]; p > 0 {
				s += fmt.Sprintf(" (%d people)", p)
			}
			roles = append(roles, s)
		}
	}
	fmt.Fprintf(w, "The full mix: %s; %v, %d process(es). Floor %.0f req/s (%.0f before, %.0f after).\n\n",
		strings.Join(roles, ", "), m.Duration.Round(10*time.Millisecond), len(m.Processes), m.FloorRPS, m.FloorBefore, m.FloorAfter)
	fmt.Fprintln(w, "| route | who | requests | req/s | ratio | p50 | p99 | answers | target |")
	fmt.Fprintln(w, "|---|---|---:|---:|---:|---:|---:|---|---|")
	for _, r := range append(slices.Clone(m.Rows), m.Total) {
		fmt.Fprintf(w, "| %s | %s | %d | %.0f | %.3f | %s | %s | %s | %s |\n", r.Name, strings.Join(r.Who, ", "), r.Requests, r.RPS, r.Ratio,
			round(r.P50), round(r.P99), answers(r.Statuses, r.Failures, r.Want), r.target())
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| process | requests | req/s | p50 | p99 | answers | peak RSS in the mix | VmHWM |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---|---:|---:|")
	for _, p := range m.Processes {
		t := p.Total
		fmt.Fprintf(w, "| %s | %d | %.0f | %s | %s | %s | %s | %s |\n", p.URL, t.Requests, t.RPS, round(t.P50), round(t.P99),
			answers(t.Statuses, t.Failures, 0), mib(p.PeakRSS), mib(p.HWM))
	}
	if len(m.Alone) == 0 && m.Raw == nil {
		return
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| written alone, every client | req/s | ratio to raw | p50 | p99 | answers | target |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---|---|")
	rows := slices.Clone(m.Alone)
	if m.Raw != nil {
		rows = append([]Result{*m.Raw}, rows...)
	}
	for i, r := range rows {
		target := ""
		if m.Raw != nil && i > 0 && r.Name != "ask for help (JSON)" {
			target = "✓"
			if r.Ratio < TargetWrite {
				target = fmt.Sprintf("✗ < %.1f", TargetWrite)
			}
		}
		ratio := "–"
		if m.Raw != nil {
			ratio = fmt.Sprintf("%.3f", r.Ratio)
		}
		fmt.Fprintf(w, "| %s | %.0f | %s | %s | %s | %s | %s |\n", r.Name, r.RPS, ratio, round(r.P50), round(r.P99), answers(r.Statuses, r.Failures, 0), target)
	}
}

// target says whether a read meets its target, and what it misses.
func (m MixRow) target() string {
	if m.Write || m.Name == "the whole mix" || m.Requests == 0 {
		return ""
	}
	want := TargetRead
	if m.Public {
		want = TargetPublic
	}
	var miss []string
	if m.Ratio < want {
		miss = append(miss, fmt.Sprintf("< %.2f", want))
	}
	if m.P99 >= TargetP99 {
		miss = append(miss, "p99")
	}
	if len(miss) == 0 {
		return "✓"
	}
	return "✗ " + strings.Join(miss, ", ")
}

func round(d time.Duration) time.Duration {
	if d > 100*time.Millisecond {
		return d.Round(time.Millisecond)
	}
	return d.Round(10 * time.Microsecond)
}

func mib(b int64) string {
	if b == 0 {
		return "–"
	}
	return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20))
}

// answers lists the statuses, those not wanted in bold.
func answers(statuses map[int]int, failures, want int) string {
	var codes []int
	for c := range statuses {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	var parts []string
	for _, c := range codes {
		s := fmt.Sprintf("%d×%d", c, statuses[c])
		if want != 0 && c != want {
			s = "**" + s + "**"
		}
		parts = append(parts, s)
	}
	if failures > 0 {
		parts = append(parts, fmt.Sprintf("**failed×%d**", failures))
	}
	return strings.Join(parts, " ")
}
