package loadtest

// The rows of the full mix: what each kind of request does, and the days
// of the roles that send them.

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

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
		if !pageForm && len(r.aloneActs) > 0 {
			acts = r.aloneActs
		}
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
	every := 5 * time.Second
	if r.cfg.Rounds > 0 {
		every = 0
	}
	if st.council == "" || (len(st.polls) > 0 && (st.polls[len(st.polls)-1].id == "" || time.Since(st.polls[len(st.polls)-1].opened) < every)) {
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
	{name: "week poster, anonymous", pattern: "GET /print/week", want: 200, do: page(fixed("/print/week"))},
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
	{name: "sign-in sheet", pattern: "GET /desk/activities/{id}/sign-in-sheet", want: 200, do: page(anActivity("/desk/activities/", "/sign-in-sheet"))},
	{name: "activity record page", pattern: "GET /desk/activities/{id}/record", want: 200, do: page(anActivity("/desk/activities/", "/record"))},
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
		{"the week on the board", 3}, {"week poster, anonymous", 1}, {"mutual aid, anonymous", 5}, {"the councils, anonymous", 2}, {"impact page, anonymous", 2},
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
		{"roster (JSON)", 2}, {"+1 visitor (desk)", 2}, {"open a poll", 1}, {"sign-in sheet", 1}, {"activity record page", 1},
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
