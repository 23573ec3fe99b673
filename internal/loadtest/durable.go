package loadtest

// The durable write load: many residents at once sign up for activities,
// ask for help and give each other minutes, each remembering every write
// the server acknowledged (a 2xx answer) and what it was told; a process
// behind the proxy may be killed or stopped meanwhile (Marks name the
// moments). At the
// end each resident downloads their own data through the API, and every
// acknowledged write must be in it. scripts/deploy-test runs it through
// Caddy in front of two guli processes and kills one of them.

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"
)

// Kinds of durable write.
const (
	WriteRegistration = "registration" // a sign-up for an activity: ID is the activity's
	WriteHelp         = "help"         // a request for help: ID is the request's
	WriteTransfer     = "transfer"     // minutes given to another client: ID is the movement's
)

// Write is one write a client sent, and what came of it.
type Write struct {
	Client     int
	Kind       string
	UserID     string // the person who wrote it
	Key        string // what tells it apart: the activity, the request's title, the transfer's memo
	ID         string // the id the server answered with, when it did
	Attempt    int    // 0, or how many times the same transfer was sent before
	Status     int    // 0: no answer at all (the connection failed)
	Err        string // the transport error, or the start of a body that is not 2xx
	Start, End time.Time
}

// Acknowledged reports whether the server said the write was made.
func (w Write) Acknowledged() bool { return w.Status >= 200 && w.Status < 300 }

// DurableOptions say how to drive the durable write load.
type DurableOptions struct {
	Base    string        // the proxy (or a server) to drive
	Pass    string        // the demo accounts' password
	Clients int           // residents writing at once
	For     time.Duration // how long they write
	// Marks name moments as they happen ("the kill" of a server behind the
	// proxy, "the graceful stop" of another): the report counts the
	// requests before, in flight at and after each.
	Marks <-chan string
	// Progress, if set, hears a line a second while the load runs.
	Progress io.Writer
	// Writing, if set, is called when the setup is done and the writes
	// begin.
	Writing func()
}

// DurableReport is what a durable run did and what the check found.
type DurableReport struct {
	Writes  []Write
	Marks   []Mark // in the order they came
	Started time.Time
	// Missing are acknowledged writes the server's own account of the
	// person does not hold: each is a lost write.
	Missing []Write
	// InDoubt counts writes with no 2xx answer (a 502 from the proxy, a
	// connection cut), and Committed those of them that were made anyway:
	// the server committed, then could not answer.
	InDoubt, Committed int
	// Resent counts transfers acknowledged only when sent again with their
	// Idempotency-Key after a try had no answer; each was still made once.
	Resent int
}

// Mark is a named moment of a run.
type Mark struct {
	Name string
	At   time.Time
}

// durablePace is the least time between the starts of one client's
// writes.
const durablePace = 20 * time.Millisecond

// durableEnv is what the clients write with.
type durableEnv struct {
	*Env
	people     []Person
	activities []string // a pool each client signs up for in turn
}

// RunDurable sets up the durable load, runs it and checks it. The server
// must have the demo station. An error is a failure to set up or to
// check; lost writes are in the report.
func RunDurable(o DurableOptions) (*DurableReport, error) {
	if o.Clients < 2 {
		return nil, errors.New("the durable load needs two clients at least: they give each other minutes")
	}
	d, err := setupDurable(o)
	if err != nil {
		return nil, fmt.Errorf("setting up the durable load: %w", err)
	}
	rep := &DurableReport{Started: time.Now()}
	if o.Progress != nil {
		fmt.Fprintf(o.Progress, "  set up: %d residents with minutes, %d activities; writing\n", len(d.people), len(d.activities))
	}
	if o.Writing != nil {
		o.Writing()
	}
	var (
		mu     sync.Mutex
		wg     sync.WaitGroup
		done   = make(chan struct{})
		report = func(w Write) {
			mu.Lock()
			rep.Writes = append(rep.Writes, w)
			mu.Unlock()
		}
	)
	if o.Marks != nil {
		go func() {
			for {
				select {
				case name := <-o.Marks:
					mu.Lock()
					rep.Marks = append(rep.Marks, Mark{Name: name, At: time.Now()})
					mu.Unlock()
				case <-done:
					return
				}
			}
		}()
	}
	if o.Progress != nil {
		go d.progress(o.Progress, rep, &mu, done)
	}
	deadline := rep.Started.Add(o.For)
	for c := range o.Clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var last time.Time
			next := 0 // the next activity of the pool to sign up for
			for i := 0; time.Now().Before(deadline); i++ {
				if i > 0 {
					// A pace a resident's phone could keep, not a flood:
					// the point is what is kept, on a machine shared with
					// the other process.
					time.Sleep(time.Until(last.Add(durablePace)))
				}
				last = time.Now()
				kind := []string{WriteRegistration, WriteHelp, WriteTransfer}[i%3]
				if kind == WriteRegistration && next == len(d.activities) {
					kind = WriteHelp // every activity taken: ask instead
				}
				var w Write
				switch kind {
				case WriteRegistration:
					w = d.register(c, d.activities[next])
					next++
				case WriteHelp:
					w = d.ask(c, i)
				default:
					w = d.give(c, i, report)
				}
				report(w)
				if !w.Acknowledged() && w.Status < 500 && w.Status != 0 {
					// A refusal is a bug in the load or the server, not an
					// outage: it is reported, and the client slows down
					// rather than flood the log.
					time.Sleep(100 * time.Millisecond)
				}
			}
		}()
	}
	wg.Wait()
	close(done)
	mu.Lock()
	defer mu.Unlock()
	slices.SortFunc(rep.Writes, func(a, b Write) int { return a.Start.Compare(b.Start) })
	if err := d.check(rep); err != nil {
		return rep, fmt.Errorf("checking the writes: %w", err)
	}
	return rep, nil
}

func setupDurable(o DurableOptions) (*durableEnv, error) {
	e := &Env{Base: strings.TrimRight(o.Base, "/"), Client: NewClient(o.Clients), Pass: o.Pass}
	e.run = time.Now().UnixNano() % 1_000_000
	var err error
	if e.Staff, err = e.login("13800000001", o.Pass); err != nil {
		return nil, fmt.Errorf("sign in as staff (a demo station is needed): %w", err)
	}
	if e.Resident, err = e.login("13800000008", o.Pass); err != nil {
		return nil, err
	}
	var me struct {
		AreaID string `json:"area_id"`
	}
	if err := e.Call("GET", "/api/v1/me", e.Resident, nil, 200, &me); err != nil {
		return nil, err
	}
	e.Area = me.AreaID
	if e.Station, err = e.firstStation(); err != nil {
		return nil, err
	}
	d := &durableEnv{Env: e}
	// A pool of activities: weekly series of talks, months ahead, without
	// a limit of places or an age rule, a year of each.
	first := time.Now().AddDate(0, 2, 0).Truncate(24 * time.Hour).Add(time.Duration(e.run%7) * time.Hour)
	for s := range 8 {
		start := first.Add(time.Duration(s)*2*time.Hour + time.Duration(e.run%60)*time.Minute)
		var made struct {
			Items []struct {
				ID string `json:"id"`
			} `json:"items"`
		}
		if err := e.Call("POST", "/api/v1/activities", e.Staff, map[string]any{"station_id": e.Station,
			"title": fmt.Sprintf("持久性测试讲座%d-%d", e.run, s), "category": "event", "age_rule": nil,
			"start": start.Format(time.RFC3339), "end": start.Add(time.Hour).Format(time.RFC3339),
			"repeat": map[string]int{"weekly_count": 52}}, 201, &made); err != nil {
			return nil, err
		}
		for _, it := range made.Items {
			d.activities = append(d.activities, it.ID)
		}
	}
	for c := range o.Clients {
		p, err := e.newResident(fmt.Sprintf("持久性测试居民%d", c))
		if err != nil {
			return nil, err
		}
		// Minutes to give: staff credit each a hundred hours.
		if err := e.Call("POST", "/api/v1/timebank/credits", e.Staff, map[string]any{"user_id": p.ID, "minutes": 6000, "memo": "持久性测试"}, 201, nil); err != nil {
			return nil, err
		}
		d.people = append(d.people, p)
	}
	return d, nil
}

// send makes one write and records what came of it.
func (d *durableEnv) send(c int, kind, key, method, path string, body any, header map[string]string) Write {
	w := Write{Client: c, Kind: kind, UserID: d.people[c].ID, Key: key, Start: time.Now()}
	req, err := d.request(method, path, d.people[c].Token, body)
	if err != nil {
		w.Err, w.End = err.Error(), time.Now()
		return w
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := d.Client.Do(req)
	if err != nil {
		w.Err, w.End = err.Error(), time.Now()
		return w
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	w.End, w.Status = time.Now(), resp.StatusCode
	if err != nil {
		// The answer began but did not finish: not acknowledged.
		w.Status, w.Err = 0, "reading the answer: "+err.Error()
		return w
	}
	if !w.Acknowledged() {
		w.Err = strings.TrimSpace(string(b[:min(len(b), 200)]))
		return w
	}
	var out struct {
		ID string `json:"id"`
	}
	if kind == WriteRegistration {
		w.ID = key
	} else if err := json.Unmarshal(b, &out); err != nil || out.ID == "" {
		// A 2xx the client cannot read is no acknowledgement it can
		// check: counted as an error.
		w.Status, w.Err = 0, fmt.Sprintf("a %d without an id: %.200s", resp.StatusCode, b)
	} else {
		w.ID = out.ID
	}
	return w
}

func (d *durableEnv) register(c int, activity string) Write {
	return d.send(c, WriteRegistration, activity, "POST", "/api/v1/activities/"+activity+"/registrations", map[string]any{}, nil)
}

func (d *durableEnv) ask(c, i int) Write {
	title := fmt.Sprintf("持久性测试求助 %d-%d-%d", d.run, c, i)
	return d.send(c, WriteHelp, title, "POST", "/api/v1/help-requests", map[string]string{"title": title, "category": "errand"}, nil)
}

// give sends a minute to the next client with an Idempotency-Key, and,
// as a phone's app would, sends it again with the same key when no answer
// came (a 5xx, a cut connection): the server applies it once, whether the
// first try was made or not. The tries before the last go to report.
func (d *durableEnv) give(c, i int, report func(Write)) Write {
	memo := fmt.Sprintf("持久性测试转赠 %d-%d-%d", d.run, c, i)
	to := d.people[(c+1)%len(d.people)].ID
	for attempt := 0; ; attempt++ {
		w := d.send(c, WriteTransfer, memo, "POST", "/api/v1/timebank/transfers", map[string]any{"to_user_id": to, "minutes": 1, "memo": memo},
			map[string]string{"Idempotency-Key": memo})
		w.Attempt = attempt
		if w.Acknowledged() || (w.Status != 0 && w.Status < 500) || attempt == transferTries-1 {
			return w
		}
		report(w)
		time.Sleep(250 * time.Millisecond)
	}
}

// transferTries is how many times a transfer is sent before the client
// gives up on an answer.
const transferTries = 4

// progress writes a line a second: writes acknowledged and not, that
// second.
func (d *durableEnv) progress(out io.Writer, rep *DurableReport, mu *sync.Mutex, done <-chan struct{}) {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	seen := 0
	for {
		select {
		case <-done:
			return
		case now := <-tick.C:
			mu.Lock()
			var acked, failed int
			statuses := map[string]int{}
			for _, w := range rep.Writes[seen:] {
				if w.Acknowledged() {
					acked++
				} else {
					failed++
					statuses[statusName(w)]++
				}
			}
			seen = len(rep.Writes)
			var marked []string
			for _, m := range rep.Marks {
				if now.Sub(m.At) < time.Second {
					marked = append(marked, m.Name)
				}
			}
			mu.Unlock()
			line := fmt.Sprintf("  %3.0fs  acknowledged %4d", now.Sub(rep.Started).Seconds(), acked)
			if failed > 0 {
				line += fmt.Sprintf("  not acknowledged %d %v", failed, statuses)
			}
			if len(marked) > 0 {
				line += "  <- " + strings.Join(marked, ", ")
			}
			fmt.Fprintln(out, line)
		}
	}
}

func statusName(w Write) string {
	if w.Status == 0 {
		return "no answer"
	}
	return fmt.Sprint(w.Status)
}

// export is the part of a person's download of their data the check reads.
type export struct {
	Registrations []exportedRegistration `json:"registrations"`
	Asked         []struct {
		ID    string `json:"id"`
		Title string `json:"title"`
	} `json:"help_requests_asked"`
	Entries []struct {
		Minutes int    `json:"minutes"`
		Kind    string `json:"kind"`
		Memo    string `json:"memo"`
	} `json:"timebank_entries"`
}

type exportedRegistration struct {
	ActivityID string `json:"activity_id"`
	Status     string `json:"status"`
}

// check downloads each client's data (GET /api/v1/me/export, as the person)
// and looks for every write in it: an acknowledged one missing is lost; an
// unacknowledged one found was committed without an answer.
func (d *durableEnv) check(rep *DurableReport) error {
	exports := make([]export, len(d.people))
	for c, p := range d.people {
		if err := d.Call("GET", "/api/v1/me/export", p.Token, nil, 200, &exports[c]); err != nil {
			return err
		}
	}
	// Transfers sent again: the key acknowledged on a later try is no
	// longer in doubt.
	settled := map[string]bool{} // by transfer key, unique to its client
	for _, w := range rep.Writes {
		if w.Kind == WriteTransfer && w.Acknowledged() {
			settled[w.Key] = true
			if w.Attempt > 0 {
				rep.Resent++
			}
		}
	}
	for _, w := range rep.Writes {
		x := exports[w.Client]
		found := false
		switch w.Kind {
		case WriteRegistration:
			found = slices.ContainsFunc(x.Registrations, func(r exportedRegistration) bool {
				return r.ActivityID == w.Key && r.Status != "cancelled"
			})
		case WriteHelp:
			for _, h := range x.Asked {
				if h.Title == w.Key && (w.ID == "" || h.ID == w.ID) {
					found = true
				}
			}
		case WriteTransfer:
			n := 0
			for _, e := range x.Entries {
				if e.Memo == w.Key && e.Kind == "transfer_out" && e.Minutes == -1 {
					n++
				}
			}
			if n > 1 {
				return fmt.Errorf("transfer %q of client %d applied %d times", w.Key, w.Client, n)
			}
			found = n == 1
		}
		switch {
		case w.Acknowledged() && !found:
			rep.Missing = append(rep.Missing, w)
		case !w.Acknowledged() && !(w.Kind == WriteTransfer && settled[w.Key]):
			rep.InDoubt++
			if found {
				rep.Committed++
			}
		}
	}
	return nil
}

// Phase is the writes of a stretch of a run: between two marks, or in
// flight at one (sent before it, answered after).
type Phase struct {
	Name   string
	Writes []Write
}

// Phases splits the writes around the marks: before the first, in flight
// at each, and after each until the next; with no marks, one phase.
func (r *DurableReport) Phases() []Phase {
	phases := []Phase{{Name: "before " + firstName(r.Marks)}}
	for _, m := range r.Marks {
		phases = append(phases, Phase{Name: "in flight at " + m.Name}, Phase{Name: "after " + m.Name})
	}
	for _, w := range r.Writes {
		at := 0 // the phase: 2i+1 in flight at mark i, 2i after it
		for i, m := range r.Marks {
			if w.Start.Before(m.At) && !w.End.Before(m.At) {
				at = 2*i + 1
				break
			}
			if !w.Start.Before(m.At) {
				at = 2*i + 2
			}
		}
		phases[at].Writes = append(phases[at].Writes, w)
	}
	return phases
}

func firstName(marks []Mark) string {
	if len(marks) == 0 {
		return "any mark"
	}
	return marks[0].Name
}

// Print writes the report: each phase's writes, answers and latency, the
// writes that failed, and the check's verdict.
func (r *DurableReport) Print(out io.Writer) {
	for _, m := range r.Marks {
		fmt.Fprintf(out, "%s: %.2fs into the writes\n", m.Name, m.At.Sub(r.Started).Seconds())
	}
	fmt.Fprintln(out, "| phase | writes | acknowledged | not acknowledged | p50 | p99 | over |")
	fmt.Fprintln(out, "|---|---:|---:|---|---:|---:|---:|")
	for _, ph := range r.Phases() {
		var acked int
		failed := map[string]int{}
		var lats []time.Duration
		var from, to time.Time
		for _, w := range ph.Writes {
			if w.Acknowledged() {
				acked++
			} else {
				failed[statusName(w)]++
			}
			lats = append(lats, w.End.Sub(w.Start))
			if from.IsZero() || w.Start.Before(from) {
				from = w.Start
			}
			if w.End.After(to) {
				to = w.End
			}
		}
		var p50, p99 time.Duration
		if len(lats) > 0 {
			slices.Sort(lats)
			p50, p99 = lats[len(lats)/2], lats[len(lats)*99/100]
		}
		var parts []string
		for _, k := range sortedKeys(failed) {
			parts = append(parts, fmt.Sprintf("%s×%d", k, failed[k]))
		}
		fmt.Fprintf(out, "| %s | %d | %d | %s | %v | %v | %.1fs |\n", ph.Name, len(ph.Writes), acked, orNone(strings.Join(parts, " ")),
			p50.Round(100*time.Microsecond), p99.Round(100*time.Microsecond), to.Sub(from).Seconds())
	}
	byKind := map[string]int{}
	acked := 0
	for _, w := range r.Writes {
		if w.Acknowledged() {
			acked++
			byKind[w.Kind]++
		}
	}
	fmt.Fprintf(out, "\nAcknowledged writes: %d (%d sign-ups, %d requests for help, %d transfers of minutes).\n",
		acked, byKind[WriteRegistration], byKind[WriteHelp], byKind[WriteTransfer])
	shown := 0
	for _, w := range r.Writes {
		if w.Acknowledged() || shown == 10 {
			continue
		}
		shown++
		try := ""
		if w.Kind == WriteTransfer {
			try = fmt.Sprintf(", try %d", w.Attempt+1)
		}
		fmt.Fprintf(out, "  not acknowledged: %s %q%s: %s (sent %.3fs into the writes, answered %.3fs) %.120s\n", w.Kind, w.Key, try,
			statusName(w), w.Start.Sub(r.Started).Seconds(), w.End.Sub(r.Started).Seconds(), w.Err)
	}
	if r.Resent > 0 {
		fmt.Fprintf(out, "Transfers acknowledged when sent again with their Idempotency-Key after no answer: %d, each made once.\n", r.Resent)
	}
	fmt.Fprintf(out, "Writes left without a 2xx: %d, of which the server had made %d (the client was not told so; nothing it was told is wrong).\n",
		r.InDoubt, r.Committed)
	if len(r.Missing) == 0 {
		fmt.Fprintf(out, "Every acknowledged write is in its writer's data, read back through the API.\n")
		return
	}
	fmt.Fprintf(out, "LOST: %d acknowledged writes are not in their writers' data:\n", len(r.Missing))
	for _, w := range r.Missing[:min(len(r.Missing), 20)] {
		fmt.Fprintf(out, "  %s %q (id %s) of user %s, answered %d\n", w.Kind, w.Key, w.ID, w.UserID, w.Status)
	}
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

func sortedKeys(m map[string]int) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// WriteAcknowledged writes the acknowledged writes as CSV (kind, id,
// user_id, key), for a check in the database itself: a sign-up's id is
// its activity's, a request's its own, a transfer's its movement's.
func (r *DurableReport) WriteAcknowledged(out io.Writer) error {
	cw := csv.NewWriter(out)
	for _, w := range r.Writes {
		if w.Acknowledged() {
			if err := cw.Write([]string{w.Kind, w.ID, w.UserID, w.Key}); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}
