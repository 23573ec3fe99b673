// Package loadtest drives a running Guli with the whole route mix, each
// route in turn by many clients at once, and measures a bare net/http
// handler the same way in the same run: the floor every route's throughput
// is a ratio of. cmd/guli-load is its command; its test keeps the mix
// covering every route the server serves.
package loadtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// Env is what the mix works with: a server, signed-in people and things to
// act on, made by Setup.
type Env struct {
	Base   string
	Client *http.Client

	Station, Area, Room, Activity  string
	HelpRequest                    string // the resident's request for help, for the reads
	Post                           string // the resident's tip on the board, for the reads
	Helped                         string // a past activity the talent came to help at, for crediting hours
	Staff, Admin, Talent, Resident string // bearer tokens
	ResidentID, TalentID           string
	Feed                           string // the resident's calendar feed path
	// Workers are one fresh resident for each client, for sign-ups and
	// bookings; Spares one more each, whose sessions and passwords the
	// password rows change.
	Workers, Spares []Person
	Phone           string // a demo resident's phone (for the login row)
	Pass            string
	CheckinCode     string
	// Scratch is a station of the mix's own, where rows that add things
	// (rooms, areas, activities, closures, bookings) add them, so the demo
	// station's pages stay the size they were.
	Scratch, ScratchRoom, ScratchArea string
	// Council is a council of the scratch station with Meeting, whose
	// Resolution the follow-up rows move (meetings.go).
	Council, Meeting, Resolution string
	// Photo is a photo a spare resident uploaded, which staff may see.
	Photo string
	// Team is a team of the station, for the reads of teams; TeamPhoto a
	// photo the admin uploaded for the station, which the rows set as its
	// photo.
	Team, TeamPhoto string
	// PollCouncil has the workers as members and Poll, open, for the reads;
	// polls the rows open, vote in and close are of VoteCouncil, so the
	// read council's list stays the size it was.
	PollCouncil, VoteCouncil, Poll string
	// Alert is a safety alert told to the demo station's residents, the
	// workers among them; Cancelled a class every worker joined, cancelled:
	// their call lists (calls.go).
	Alert, Cancelled string

	mu   sync.Mutex
	next int   // for unique names and dates
	run  int64 // tells this run's phone numbers from another's
}

// Person is a resident the mix made.
type Person struct {
	ID, Token, Phone, Pass string
	Booking                string // the person's booking, if any, for rows that book and cancel
	// Neighbour is an account the admin keeps for a resident of the
	// scratch station, and its phone, for the rows that add council
	// members there.
	Neighbour, NeighbourPhone string
	Slot                      string // the start of the booking a measured request made, not yet cancelled
	Child                     string // a child the person keeps (families.go)
	Added                     int    // dependents the rows added since the person's family was last cleared
}

// newResident registers a resident of the demo station's area and signs
// them in.
func (e *Env) newResident(name string) (Person, error) {
	p := Person{Phone: fmt.Sprintf("19%09d", e.run*1000+int64(e.seq())%1000)}
	p.Pass = "压测用的密码-" + p.Phone
	var out struct {
		User struct {
			ID string `json:"id"`
		} `json:"user"`
	}
	if err := e.Call("POST", "/api/v1/auth/register", "", map[string]any{"name": name, "phone": p.Phone, "password": p.Pass, "area_id": e.Area}, 201, &out); err != nil {
		return p, err
	}
	p.ID = out.User.ID
	var err error
	p.Token, err = e.login(p.Phone, p.Pass)
	return p, err
}

func (e *Env) login(phone, pass string) (string, error) {
	var out struct {
		Token string `json:"token"`
	}
	err := e.Call("POST", "/api/v1/auth/login", "", map[string]string{"phone": phone, "password": pass}, 200, &out)
	return out.Token, err
}

// setupScratch makes the mix's own station, open around the clock, with
// an area and a room.
func (e *Env) setupScratch() error {
	all := []string{"00:00-24:00"}
	var st struct {
		ID string `json:"id"`
	}
	if err := e.Call("POST", "/api/v1/stations", e.Admin, map[string]any{"name": fmt.Sprintf("压测小站%d", e.run),
		"opening_hours": map[string][]string{"mon": all, "tue": all, "wed": all, "thu": all, "fri": all, "sat": all, "sun": all}}, 201, &st); err != nil {
		return err
	}
	e.Scratch = st.ID
	var out struct {
		ID string `json:"id"`
	}
	if err := e.Call("POST", "/api/v1/stations/"+e.Scratch+"/areas", e.Admin, map[string]string{"name": "压测小区", "committee": "压测居委会"}, 201, &out); err != nil {
		return err
	}
	e.ScratchArea = out.ID
	if err := e.Call("POST", "/api/v1/stations/"+e.Scratch+"/rooms", e.Admin, map[string]any{"name": "压测室", "capacity": 10}, 201, &out); err != nil {
		return err
	}
	e.ScratchRoom = out.ID
	return e.Call("PUT", "/api/v1/stations/"+e.Scratch+"/booking-rules", e.Admin,
		map[string]int{"max_days_ahead": 366, "max_minutes": 1440, "max_future_bookings": 100}, 200, nil)
}

// seq returns a number no other request of this run got.
func (e *Env) seq() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.next++
	return e.next
}

// Call sends one request and decodes a JSON answer into out (when not
// nil); it fails on any status but want.
func (e *Env) Call(method, path, token string, body any, want int, out any) error {
	req, err := e.request(method, path, token, body)
	if err != nil {
		return err
	}
	resp, err := e.Client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		return fmt.Errorf("%s %s: %d, want %d: %.200s", method, path, resp.StatusCode, want, b)
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}

func (e *Env) request(method, path, token string, body any) (*http.Request, error) {
	var rd io.Reader
	contentType := ""
	switch b := body.(type) {
	case nil:
	case string: // a form
		rd, contentType = strings.NewReader(b), "application/x-www-form-urlencoded"
	default:
		enc, err := json.Marshal(b)
		if err != nil {
			return nil, err
		}
		rd, contentType = bytes.NewReader(enc), "application/json"
	}
	req, err := http.NewRequest(method, e.Base+path, rd)
	if err != nil {
		return nil, err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return req, nil
}

// samplePhoto is a picture of a phone's lower resolution, made once.
var samplePhoto = sync.OnceValue(func() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 1280, 960))
	for y := range 960 {
		for x := range 1280 {
			i := img.PixOffset(x, y)
			img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = uint8(x/5), uint8(y/4), uint8((x+y)/9), 255
		}
	}
	var buf bytes.Buffer
	jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90})
	return buf.Bytes()
})

// photoRequest uploads the sample photo as token.
func (e *Env) photoRequest(token string) (*http.Request, error) {
	req, err := http.NewRequest("POST", e.Base+"/api/v1/photos", bytes.NewReader(samplePhoto()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "image/jpeg")
	req.Header.Set("Authorization", "Bearer "+token)
	return req, nil
}

// uploadPhoto uploads the sample photo as token and returns its id.
func (e *Env) uploadPhoto(token string) (string, error) {
	req, err := e.photoRequest(token)
	if err != nil {
		return "", err
	}
	resp, err := e.Client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var out struct {
		ID string `json:"id"`
	}
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusCreated {
		return "", fmt.Errorf("upload a photo: %d: %.200s", resp.StatusCode, b)
	}
	if err := json.Unmarshal(b, &out); err != nil || out.ID == "" {
		return "", errors.Join(err, fmt.Errorf("upload a photo: no id in %.200s", b))
	}
	return out.ID, nil
}

// NewClient is an HTTP client that keeps a connection for each of n
// clients.
func NewClient(n int) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns, tr.MaxIdleConnsPerHost = 2*n, 2*n
	return &http.Client{Transport: tr, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// Setup signs in the demo station's people (password pass), makes a
// resident for each of workers clients and the things the mix acts on.
func Setup(base, pass string, workers int) (*Env, error) {
	e := &Env{Base: strings.TrimRight(base, "/"), Client: NewClient(workers), Pass: pass, Phone: "13800000008"}
	login := func(phone string) (string, error) { return e.login(phone, pass) }
	var err error
	for _, p := range []struct {
		tok   *string
		phone string
	}{{&e.Admin, "13800000000"}, {&e.Staff, "13800000001"}, {&e.Talent, "13800000002"}, {&e.Resident, e.Phone}} {
		if *p.tok, err = login(p.phone); err != nil {
			return nil, fmt.Errorf("sign in as %s (a demo station is needed): %w", p.phone, err)
		}
	}
	var me struct {
		ID     string `json:"id"`
		AreaID string `json:"area_id"`
	}
	if err := e.Call("GET", "/api/v1/me", e.Resident, nil, 200, &me); err != nil {
		return nil, err
	}
	e.ResidentID, e.Area = me.ID, me.AreaID
	if err := e.Call("GET", "/api/v1/me", e.Talent, nil, 200, &me); err != nil {
		return nil, err
	}
	e.TalentID = me.ID
	if e.Station, err = e.firstStation(); err != nil {
		return nil, err
	}
	var st struct {
		Rooms []struct {
			ID string `json:"id"`
		} `json:"rooms"`
	}
	if err := e.Call("GET", "/api/v1/stations/"+e.Station, "", nil, 200, &st); err != nil || len(st.Rooms) == 0 {
		return nil, errors.Join(err, errors.New("no room"))
	}
	e.Room = st.Rooms[len(st.Rooms)-1].ID
	// Staff may book beyond the rules; residents keep them: lift the
	// station's limits for the mix's many bookings.
	if err := e.Call("PUT", "/api/v1/stations/"+e.Station+"/booking-rules", e.Staff,
		map[string]int{"max_days_ahead": 366, "max_minutes": 1440, "max_future_bookings": 100}, 200, nil); err != nil {
		return nil, err
	}
	// An activity far enough ahead never to start during a run, small
	// enough for sign-ups to reach its waitlist.
	start := time.Now().AddDate(0, 0, 30).Truncate(time.Hour)
	var made struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	if err := e.Call("POST", "/api/v1/activities", e.Staff, map[string]any{"station_id": e.Station, "title": "压力测试讲座",
		"category": "event", "start": start.Format(time.RFC3339), "end": start.Add(time.Hour).Format(time.RFC3339), "capacity": 10}, 201, &made); err != nil {
		return nil, err
	}
	e.Activity = made.Items[0].ID
	// A week ago the talent helped at a talk: crediting its helpers finds
	// them credited after the first time and moves nothing more.
	past := time.Now().AddDate(0, 0, -7).Truncate(time.Hour)
	if err := e.Call("POST", "/api/v1/activities", e.Staff, map[string]any{"station_id": e.Station, "title": "压力测试：上周的讲座",
		"category": "event", "start": past.Format(time.RFC3339), "end": past.Add(time.Hour).Format(time.RFC3339)}, 201, &made); err != nil {
		return nil, err
	}
	e.Helped = made.Items[0].ID
	if err := e.Call("POST", "/api/v1/activities/"+e.Helped+"/attendance", e.Staff, map[string]string{"user_id": e.TalentID}, 201, nil); err != nil {
		return nil, err
	}
	var help struct {
		ID string `json:"id"`
	}
	if err := e.Call("POST", "/api/v1/help-requests", e.Resident, map[string]string{"title": "压测：帮忙买菜", "category": "errand"}, 201, &help); err != nil {
		return nil, err
	}
	e.HelpRequest = help.ID
	if err := e.Call("POST", "/api/v1/posts", e.Resident, map[string]string{"station_id": e.Station, "kind": "tip", "title": "压测：菜场搬到东门",
		"body": "周三起**菜场**搬到东门，出门请带好购物袋。"}, 201, &help); err != nil {
		return nil, err
	}
	e.Post = help.ID
	var feed struct {
		URL string `json:"url"`
	}
	if err := e.Call("GET", "/api/v1/me/calendar", e.Resident, nil, 200, &feed); err != nil {
		return nil, err
	}
	if i := strings.Index(feed.URL, "/calendar/"); i >= 0 {
		e.Feed = feed.URL[i:]
	}
	e.run = time.Now().UnixNano() % 1_000_000
	for i := range workers {
		for _, list := range []*[]Person{&e.Workers, &e.Spares} {
			p, err := e.newResident(fmt.Sprintf("压测居民%d", i))
			if err != nil {
				return nil, err
			}
			*list = append(*list, p)
		}
	}
	if err := e.setupScratch(); err != nil {
		return nil, err
	}
	for i := range e.Workers {
		w := &e.Workers[i]
		w.NeighbourPhone = fmt.Sprintf("16%09d", e.run*1000+int64(e.seq())%1000)
		var out struct {
			ID string `json:"id"`
		}
		if err := e.Call("POST", "/api/v1/users", e.Admin, map[string]any{"name": "压测邻居", "phone": w.NeighbourPhone, "area_id": e.ScratchArea}, 201, &out); err != nil {
			return nil, err
		}
		w.Neighbour = out.ID
	}
	if err := e.setupCouncil(); err != nil {
		return nil, err
	}
	if err := e.setupPolls(); err != nil {
		return nil, err
	}
	if err := e.setupCalls(); err != nil {
		return nil, err
	}
	if err := e.setupFamilies(); err != nil {
		return nil, err
	}
	if e.Photo, err = e.uploadPhoto(e.Spares[0].Token); err != nil {
		return nil, err
	}
	if e.Team, err = e.newTeam(); err != nil {
		return nil, err
	}
	if e.TeamPhoto, err = e.uploadPhoto(e.Admin); err != nil {
		return nil, err
	}
	var code struct {
		Code string `json:"code"`
	}
	if err := e.Call("GET", "/api/v1/stations/"+e.Station+"/checkin-code", e.Staff, nil, 200, &code); err != nil {
		return nil, err
	}
	e.CheckinCode = code.Code
	return e, nil
}

// Result is one route's measurement.
type Result struct {
	Name     string
	Requests int
	Statuses map[int]int
	Failures int     // transport errors
	RPS      float64 // requests a second, the clients together
	P50, P99 time.Duration
	Ratio    float64 // RPS over the floor's
}

// Measure runs row with clients at once for d. A row's untimed Before
// steps are left out of its throughput: RPS is requests over the time the
// clients spent in them.
func Measure(e *Env, row Row, clients int, d time.Duration) Result {
	var (
		mu    sync.Mutex
		lats  []time.Duration
		res   = Result{Name: row.Name, Statuses: map[int]int{}}
		wg    sync.WaitGroup
		spent time.Duration
	)
	if row.Meanwhile != nil {
		stop, done := make(chan struct{}), make(chan struct{})
		go func() {
			defer close(done)
			row.Meanwhile(e, stop)
		}()
		defer func() {
			close(stop)
			<-done
		}()
	}
	deadline := time.Now().Add(d)
	for w := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; time.Now().Before(deadline); i++ {
				req, err := row.Request(e, w, i)
				if err != nil {
					mu.Lock()
					res.Failures++
					mu.Unlock()
					continue
				}
				// As a browser does; the body is read as it comes, its
				// unpacking being the phone's work, not the server's.
				req.Header.Set("Accept-Encoding", "gzip")
				start := time.Now()
				resp, err := e.Client.Do(req)
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				took := time.Since(start)
				mu.Lock()
				if err != nil {
					res.Failures++
				} else {
					res.Statuses[resp.StatusCode]++
					lats = append(lats, took)
					spent += took
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	res.Requests = len(lats)
	if len(lats) > 0 {
		slices.Sort(lats)
		res.P50, res.P99 = lats[len(lats)/2], lats[len(lats)*99/100]
		res.RPS = float64(len(lats)) / (spent.Seconds() / float64(clients))
	}
	return res
}

// Floor starts a bare net/http handler that answers a small JSON body, the
// least any route could cost, and returns its address and a stop.
func Floor() (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"status":"ok"}` + "\n"))
	})}
	go srv.Serve(ln)
	return "http://" + ln.Addr().String(), func() { srv.Shutdown(context.Background()) }, nil
}

// FloorRow is the request the floor is measured with.
var FloorRow = Row{Name: "floor: a bare net/http handler", Request: func(e *Env, w, i int) (*http.Request, error) {
	return http.NewRequest("GET", e.Base+"/", nil)
}}

// Table writes results as a Markdown table.
func Table(w io.Writer, results []Result) {
	fmt.Fprintln(w, "| route | req/s | ratio to the floor | p50 | p99 | answers |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---|")
	for _, r := range results {
		var codes []int
		for c := range r.Statuses {
			codes = append(codes, c)
		}
		slices.Sort(codes)
		var parts []string
		for _, c := range codes {
			parts = append(parts, fmt.Sprintf("%d×%d", c, r.Statuses[c]))
		}
		if r.Failures > 0 {
			parts = append(parts, fmt.Sprintf("failed×%d", r.Failures))
		}
		fmt.Fprintf(w, "| %s | %.0f | %.3f | %s | %s | %s |\n", r.Name, r.RPS, r.Ratio,
			r.P50.Round(10*time.Microsecond), r.P99.Round(10*time.Microsecond), strings.Join(parts, " "))
	}
}

// firstStation is the id of the server's first station: the demo's.
func (e *Env) firstStation() (string, error) {
	var stations struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	if err := e.Call("GET", "/api/v1/stations", "", nil, 200, &stations); err != nil || len(stations.Items) == 0 {
		return "", errors.Join(err, errors.New("no station"))
	}
	return stations.Items[0].ID, nil
}
