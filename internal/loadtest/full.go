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
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
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
	// Rounds, when set, replaces the draw by weight for Duration: each
	// client sends every row of its day in turn, Rounds times (a row that
	// cannot be made at its turn is passed over): a check that every row
	// works, as the test makes.
	Rounds int
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
	// aloneActs are the activities sign-ups driven alone take places at,
	// made for them; aloneBy is who made them.
	aloneActs []string
	aloneBy   *member
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
			MinAge int       `json:"min_age"`
			MaxAge int       `json:"max_age"`
		} `json:"items"`
	}
	if err := r.env().Call("GET", "/api/v1/activities?limit=200&station_id="+id+"&from="+from+"&to="+time.Now().AddDate(0, 0, 30).Format("2006-01-02"), "", nil, 200, &acts); err != nil {
		return nil, err
	}
	for _, a := range acts.Items {
		// The mix's people are grown-ups: a class for some ages (a
		// children's) is not theirs to sign up for.
		if a.Status == "scheduled" && a.Start.After(time.Now().Add(6*time.Hour)) && a.MinAge == 0 && a.MaxAge == 0 {
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

// choose picks client c's next request: a row of its day by weight, as
// the next of its people; a row that cannot be made now is passed over
// for another.
func (c *mixClient) choose(r *mixRun, day []weighted, sum int) (*mixRow, *call) {
	for range 50 {
		var p *member
		if len(c.people) > 0 {
			p = c.people[c.turn%len(c.people)]
			c.turn++
		}
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

// inTurn makes row's request as the client's next person, or nil.
func (c *mixClient) inTurn(r *mixRun, name string) (*mixRow, *call) {
	var p *member
	if len(c.people) > 0 {
		p = c.people[c.turn%len(c.people)]
		c.turn++
	}
	row := rowByName(name)
	return row, row.do(r, c, p)
}

// drive runs the clients until d has passed, each choosing from its day;
// it returns how long they took, until the last answer. A client with
// nothing to do waits a moment, as a person reading; or, starved set,
// ends the drive for every client: a write driven alone is measured only
// while every client has one to send.
func (r *mixRun) drive(clients []*mixClient, days map[string][]weighted, d time.Duration, starved bool) time.Duration {
	start := time.Now()
	deadline := start.Add(d)
	var (
		wg   sync.WaitGroup
		stop atomic.Bool
	)
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
			rounds := r.cfg.Rounds > 0 && !starved
			for i := 0; !stop.Load() && (rounds || time.Now().Before(deadline)); i++ {
				var (
					row *mixRow
					cl  *call
				)
				if rounds {
					if i == r.cfg.Rounds*len(day) {
						break
					}
					row, cl = c.inTurn(r, day[i%len(day)].row)
					if cl == nil {
						continue
					}
				} else {
					row, cl = c.choose(r, day, sum)
				}
				if row == nil && starved {
					stop.Store(true)
					break
				}
				if row == nil {
					time.Sleep(10 * time.Millisecond)
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
	if cfg.Rounds > 0 {
		r.logf("the mix: %d clients, every row of their days in turn, %d times…", cfg.Clients, cfg.Rounds)
	} else {
		r.logf("the mix: %d clients for %v…", cfg.Clients, cfg.Duration)
	}
	res.Duration = r.drive(clients, days, cfg.Duration, false)
	peaks := mem.stop()

	res.FloorAfter = Measure(floorEnv, FloorRow, cfg.Clients, floorD).RPS
	res.FloorRPS = (res.FloorBefore + res.FloorAfter) / 2
	r.logf("floor after: %.0f req/s", res.FloorAfter)
	r.summarise(res, clients, peaks)

	// The raw write floor, before the writes alone and again after, as
	// the HTTP floor is: the machine's other work moves both.
	rawD := cfg.Writes
	if rawD <= 0 {
		rawD = floorD
	}
	raw := func() (Result, error) {
		raw, _, err := RawWriteFloor(context.Background(), cfg.DB, cfg.Synchronous, cfg.Clients, rawD)
		if err != nil {
			return raw, fmt.Errorf("raw write floor: %w", err)
		}
		r.logf("%s: %.0f transactions/s", raw.Name, raw.RPS)
		return raw, nil
	}
	var before Result
	if cfg.DB != "" {
		if before, err = raw(); err != nil {
			return nil, err
		}
	}
	if cfg.Writes > 0 {
		if err := r.alone(res); err != nil {
			return nil, err
		}
	}
	if cfg.DB != "" {
		after := before
		if cfg.Writes > 0 {
			if after, err = raw(); err != nil {
				return nil, err
			}
		}
		res.RawBefore, res.RawAfter = before.RPS, after.RPS
		both := before
		both.Requests += after.Requests
		both.Statuses = map[int]int{200: both.Requests}
		both.Failures += after.Failures
		both.RPS = (before.RPS + after.RPS) / 2
		both.P50, both.P99 = max(before.P50, after.P50), max(before.P99, after.P99)
		res.Raw = &both
		for i := range res.Alone {
			res.Alone[i].Ratio = res.Alone[i].RPS / both.RPS
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
func (r *mixRun) alone(res *MixResult) error {
	everyone := append(slices.Clone(r.byRole[roleResident]), r.byRole[roleVolunteer]...)
	if err := r.makeAloneActivities(len(everyone)); err != nil {
		return err
	}
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
		// The claims take what the asks just made, and stop when none is
		// left; every client has work until then.
		r.drive(clients, map[string][]weighted{step.row: {{step.row, 1}}}, r.cfg.Writes, true)
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
	return nil
}

// makeAloneActivities has staff of the main station make what sign-ups
// driven alone take places at, so that no client runs out of activities
// its people have no place at: weekly series two months ahead and more
// (beyond the timetable's month), without a limit of places, enough for
// some 1,500 sign-ups a second; the cleanup cancels them.
func (r *mixRun) makeAloneActivities(people int) error {
	by := r.main.staff
	if by == nil {
		by = r.admin
	}
	if by == nil || people == 0 {
		return nil // the main station's activities, for as long as they last
	}
	series := min(8, max(1, int(2*1500*r.cfg.Writes.Seconds())/people/guliMaxWeekly+1))
	for i := range series {
		start := time.Now().AddDate(0, 2, 0).Truncate(24 * time.Hour).Add(time.Duration(i) * time.Hour)
		var made struct {
			Items []struct {
				ID string `json:"id"`
			} `json:"items"`
		}
		if err := r.env().Call("POST", "/api/v1/activities", by.token, map[string]any{"station_id": r.main.id, "title": "压测：报名用的活动", "category": "event",
			"start": start.Format(time.RFC3339), "end": start.Add(time.Hour).Format(time.RFC3339), "repeat": map[string]int{"weekly_count": guliMaxWeekly}}, 201, &made); err != nil {
			return err
		}
		for _, a := range made.Items {
			r.aloneActs = append(r.aloneActs, a.ID)
		}
	}
	r.aloneBy = by
	return nil
}

// guliMaxWeekly is the longest weekly series (guli.MaxWeeklyCount).
const guliMaxWeekly = 52

// cleanup undoes, untimed, what the run left that would pile up: places
// taken, requests still open or claimed (withdrawn), services done and
// not confirmed (confirmed), polls opened (closed).
func (r *mixRun) cleanup() {
	type undo struct {
		method, path, token string
		body                any
	}
	var todo []undo
	for _, a := range r.aloneActs {
		todo = append(todo, undo{"DELETE", "/api/v1/activities/" + a, r.aloneBy.token, nil})
	}
	for _, m := range r.people {
		for a := range m.registered {
			if !m.before[a] && !slices.Contains(r.aloneActs, a) {
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
	r.logf("cleaning up: %d places, requests, polls and activities…", len(todo))
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
