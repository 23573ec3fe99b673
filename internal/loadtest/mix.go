package loadtest

import (
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// Row is one line of the mix: requests to one route, as one kind of user
// sends them. Request builds the i-th request of client w; what it does
// first to make that request possible (sign in, book the room it will
// cancel) is not timed.
type Row struct {
	Name    string
	Pattern string // the route, as the server lists it (web.Server.Patterns)
	Want    int    // the status a request answers when all is well
	Request func(e *Env, w, i int) (*http.Request, error)
	// Meanwhile, if set, runs beside the clients, untimed, until stop
	// closes: the rest of a busy day.
	Meanwhile func(e *Env, stop <-chan struct{})
}

// get is a GET of path as token (none: anonymous).
func get(path func(e *Env) string, token func(e *Env, w int) string) func(e *Env, w, i int) (*http.Request, error) {
	return func(e *Env, w, i int) (*http.Request, error) {
		return e.request("GET", path(e), token(e, w), nil)
	}
}

func send(method string, path func(e *Env, w int) string, token func(e *Env, w int) string, body func(e *Env, w int) any) func(e *Env, w, i int) (*http.Request, error) {
	return func(e *Env, w, i int) (*http.Request, error) {
		return e.request(method, path(e, w), token(e, w), body(e, w))
	}
}

func at(p string) func(*Env) string       { return func(*Env) string { return p } }
func atW(p string) func(*Env, int) string { return func(*Env, int) string { return p } }
func anonymous(*Env, int) string          { return "" }
func resident(e *Env, _ int) string       { return e.Resident }
func staff(e *Env, _ int) string          { return e.Staff }
func admin(e *Env, _ int) string          { return e.Admin }
func talent(e *Env, _ int) string         { return e.Talent }
func worker(e *Env, w int) string         { return e.Workers[w].Token }
func noBody(*Env, int) any                { return nil }
func form(f string) func(*Env, int) any   { return func(*Env, int) any { return f } }
func jsonBody(v any) func(*Env, int) any  { return func(*Env, int) any { return v } }
func stationPath(tail string) func(*Env) string {
	return func(e *Env) string { return "/api/v1/stations/" + e.Station + tail }
}
func stationPathW(tail string) func(*Env, int) string {
	return func(e *Env, _ int) string { return "/api/v1/stations/" + e.Station + tail }
}

// slot is a booking time nobody else of this run takes: a minute of the
// scratch station, which is open around the clock.
func (e *Env) slot() (start, end string) {
	t := time.Now().Truncate(24*time.Hour).AddDate(0, 0, 2).Add(time.Duration(e.seq()) * 2 * time.Minute)
	return t.Format(time.RFC3339), t.Add(time.Minute).Format(time.RFC3339)
}

// book books a minute of the scratch room as client w's resident and
// keeps the booking's id.
func (e *Env) book(w int) error {
	e.unbook(w)
	start, end := e.slot()
	var out struct {
		ID string `json:"id"`
	}
	err := e.Call("POST", "/api/v1/rooms/"+e.ScratchRoom+"/bookings", e.Workers[w].Token, map[string]string{"start": start, "end": end, "purpose": "压测"}, 201, &out)
	e.Workers[w].Booking = out.ID
	return err
}

// unbook cancels client w's booking, if there is one, and the one its last
// measured request made, whose id only the server knows: found by its
// slot. Otherwise each person's bookings pile up to the station's limit.
func (e *Env) unbook(w int) {
	if id := e.Workers[w].Booking; id != "" {
		e.Call("DELETE", "/api/v1/bookings/"+id, e.Workers[w].Token, nil, 204, nil)
		e.Workers[w].Booking = ""
	}
	if slot := e.Workers[w].Slot; slot != "" {
		e.Workers[w].Slot = ""
		var held struct {
			Items []struct {
				ID      string  `json:"id"`
				Purpose *string `json:"purpose"` // shown to the booker only
			} `json:"items"`
		}
		start, _ := time.Parse(time.RFC3339, slot)
		q := url.Values{"from": {slot}, "to": {start.Add(time.Minute).Format(time.RFC3339)}}
		if e.Call("GET", "/api/v1/rooms/"+e.ScratchRoom+"/bookings?"+q.Encode(), e.Workers[w].Token, nil, 200, &held) == nil {
			for _, b := range held.Items {
				if b.Purpose != nil {
					e.Call("DELETE", "/api/v1/bookings/"+b.ID, e.Workers[w].Token, nil, 204, nil)
				}
			}
		}
	}
}

// signUp and signOff put client w's resident on or off the mix's activity,
// whatever they were.
func (e *Env) signUp(w int) {
	e.Call("POST", "/api/v1/activities/"+e.Activity+"/registrations", e.Workers[w].Token, nil, 201, nil)
}

func (e *Env) signOff(w int) {
	e.Call("DELETE", "/api/v1/activities/"+e.Activity+"/registrations/me", e.Workers[w].Token, nil, 204, nil)
}

// signUps has the first client's resident sign up for the mix's activity
// and give it up again, perSecond times a second in all.
func signUps(perSecond int) func(e *Env, stop <-chan struct{}) {
	return func(e *Env, stop <-chan struct{}) {
		tick := time.NewTicker(time.Second / time.Duration(perSecond))
		defer tick.Stop()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			case <-tick.C:
				if i%2 == 0 {
					e.signUp(0)
				} else {
					e.signOff(0)
				}
			}
		}
	}
}

// scratchActivity makes an activity at the scratch station.
func (e *Env) scratchActivity() (string, error) {
	start := time.Now().AddDate(0, 0, 40).Truncate(time.Hour)
	var made struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	err := e.Call("POST", "/api/v1/activities", e.Admin, map[string]any{"station_id": e.Scratch, "title": "压测活动", "category": "event",
		"start": start.Format(time.RFC3339), "end": start.Add(time.Hour).Format(time.RFC3339)}, 201, &made)
	if err != nil {
		return "", err
	}
	return made.Items[0].ID, nil
}

// spareSession signs client w's spare resident in afresh.
func (e *Env) spareSession(w int) (string, error) {
	return e.login(e.Spares[w].Phone, e.Spares[w].Pass)
}

// resetCode has staff make a reset code for client w's spare resident.
func (e *Env) resetCode(w int) (string, error) {
	var out struct {
		Code string `json:"code"`
	}
	err := e.Call("POST", "/api/v1/users/"+e.Spares[w].ID+"/password-reset", e.Staff, nil, 201, &out)
	return out.Code, err
}

// newPass gives client w's spare resident a password they have not had.
func (e *Env) newPass(w int) string {
	return fmt.Sprintf("压测新密码-%d-%d", w, e.seq())
}

// unask withdraws client w's resident's requests that are still open or
// taken, the measured requests' too, whose ids only the server knows:
// otherwise the station's list of open requests grows with every run.
func (e *Env) unask(w int) error {
	var mine struct {
		Items []struct {
			ID     string `json:"id"`
			Status string `json:"status"`
		} `json:"items"`
	}
	if err := e.Call("GET", "/api/v1/help-requests?mine=true&limit=200", e.Workers[w].Token, nil, 200, &mine); err != nil {
		return err
	}
	for _, h := range mine.Items {
		if h.Status == "open" || h.Status == "claimed" {
			if err := e.Call("POST", "/api/v1/help-requests/"+h.ID+"/cancel", e.Workers[w].Token, nil, 200, nil); err != nil {
				return err
			}
		}
	}
	return nil
}

// askForHelp has client w's resident ask for help and the talent, a
// volunteer, take the request through steps (claim, done); it returns
// the request's id. What the resident asked before and is still open is
// withdrawn first.
func (e *Env) askForHelp(w int, steps ...string) (string, error) {
	if err := e.unask(w); err != nil {
		return "", err
	}
	var out struct {
		ID string `json:"id"`
	}
	if err := e.Call("POST", "/api/v1/help-requests", e.Workers[w].Token, map[string]string{"title": "压测：帮忙修灯", "category": "repair"}, 201, &out); err != nil {
		return "", err
	}
	for _, step := range steps {
		if err := e.Call("POST", "/api/v1/help-requests/"+out.ID+"/"+step, e.Talent, map[string]int{"minutes": 30}, 200, nil); err != nil {
			return "", err
		}
	}
	return out.ID, nil
}

// helpStep is a row that acts as token on a request of client w's made
// ready by steps.
func helpStep(action string, token func(e *Env, w int) string, body any, steps ...string) func(e *Env, w, i int) (*http.Request, error) {
	return func(e *Env, w, i int) (*http.Request, error) {
		id, err := e.askForHelp(w, steps...)
		if err != nil {
			return nil, err
		}
		return e.request("POST", "/api/v1/help-requests/"+id+"/"+action, token(e, w), body)
	}
}

// scratchCouncil has the admin set a council up at the scratch station.
func (e *Env) scratchCouncil() (string, error) {
	var out struct {
		ID string `json:"id"`
	}
	err := e.Call("POST", "/api/v1/councils", e.Admin, map[string]string{"station_id": e.Scratch, "name": "压测议事会", "kind": "residents"}, 201, &out)
	return out.ID, err
}

// scratchCouncilWith is a scratch council with client w's neighbour as a
// member.
func (e *Env) scratchCouncilWith(w int) (string, error) {
	council, err := e.scratchCouncil()
	if err == nil {
		err = e.Call("POST", "/api/v1/councils/"+council+"/members", e.Admin, map[string]string{"user_id": e.Workers[w].Neighbour}, 201, nil)
	}
	return council, err
}

// scratchPost has the admin put a notice on the scratch station's board.
func (e *Env) scratchPost() (string, error) {
	var out struct {
		ID string `json:"id"`
	}
	err := e.Call("POST", "/api/v1/posts", e.Admin, map[string]string{"station_id": e.Scratch, "kind": "notice", "title": "压测：通知", "body": "内容"}, 201, &out)
	return out.ID, err
}

// newTeam is a team the admin starts on the station, untimed.
func (e *Env) newTeam() (string, error) {
	var out struct {
		ID string `json:"id"`
	}
	err := e.Call("POST", "/api/v1/teams", e.Admin, map[string]string{"station_id": e.Station, "name": "压测队", "kind": "volunteer_team"}, 201, &out)
	return out.ID, err
}

// onTeam is a row that acts on a fresh team of the station.
func onTeam(act func(e *Env, w int, team string) (*http.Request, error)) func(e *Env, w, i int) (*http.Request, error) {
	return func(e *Env, w, i int) (*http.Request, error) {
		team, err := e.newTeam()
		if err != nil {
			return nil, err
		}
		return act(e, w, team)
	}
}

// onNomination is a row that decides, as staff, a fresh nomination of
// the worker the admin files just before, untimed, for a skill of its own
// (one person is nominated once a skill).
func onNomination(prefix, action string, body any) func(e *Env, w, i int) (*http.Request, error) {
	return func(e *Env, w, i int) (*http.Request, error) {
		var out struct {
			ID string `json:"id"`
		}
		if err := e.Call("POST", "/api/v1/nominations", e.Admin, map[string]string{"area_id": e.Area, "user_id": e.Workers[w].ID,
			"skill": fmt.Sprintf("交谊舞%d", e.seq()), "reason": "压测"}, 201, &out); err != nil {
			return nil, err
		}
		return e.request("POST", prefix+out.ID+action, e.Staff, body)
	}
}

// postStep is a row that acts as token on a fresh post of the scratch
// station, after the admin took the steps on it, untimed.
func postStep(action string, token func(e *Env, w int) string, body any, steps ...string) func(e *Env, w, i int) (*http.Request, error) {
	return onPost("/api/v1/posts/", action, token, body, steps...)
}

// pagePostStep is postStep on the pages: a form posted to the post's
// page as token.
func pagePostStep(action string, token func(e *Env, w int) string, form string, steps ...string) func(e *Env, w, i int) (*http.Request, error) {
	return onPost("/notices/", action, token, form, steps...)
}

func onPost(prefix, action string, token func(e *Env, w int) string, body any, steps ...string) func(e *Env, w, i int) (*http.Request, error) {
	return func(e *Env, w, i int) (*http.Request, error) {
		id, err := e.scratchPost()
		if err != nil {
			return nil, err
		}
		for _, step := range steps {
			if err := e.Call("POST", "/api/v1/posts/"+id+"/"+step, e.Admin, nil, 200, nil); err != nil {
				return nil, err
			}
		}
		return e.request("POST", prefix+id+"/"+action, token(e, w), body)
	}
}

// helpPageStep is helpStep on the pages: a form posted to the request's
// page.
func helpPageStep(action string, token func(e *Env, w int) string, form string, steps ...string) func(e *Env, w, i int) (*http.Request, error) {
	return func(e *Env, w, i int) (*http.Request, error) {
		id, err := e.askForHelp(w, steps...)
		if err != nil {
			return nil, err
		}
		return e.request("POST", "/help/"+id+"/"+action, token(e, w), form)
	}
}

// setupPolls sets up the councils of the poll rows, with every worker a
// member, and the poll the reads look at.
func (e *Env) setupPolls() error {
	for _, council := range []*string{&e.PollCouncil, &e.VoteCouncil} {
		var out struct {
			ID string `json:"id"`
		}
		if err := e.Call("POST", "/api/v1/councils", e.Admin, map[string]string{"station_id": e.Station, "name": "压测议事会", "kind": "residents"}, 201, &out); err != nil {
			return err
		}
		*council = out.ID
		for _, p := range e.Workers {
			if err := e.Call("POST", "/api/v1/councils/"+out.ID+"/members", e.Admin, map[string]string{"user_id": p.ID}, 201, nil); err != nil {
				return err
			}
		}
	}
	var err error
	e.Poll, _, err = e.openPoll(e.PollCouncil)
	return err
}

// openPoll has the admin open a poll of two options in a council, for a
// week; it returns the poll and its first option.
func (e *Env) openPoll(council string) (id, option string, err error) {
	var out struct {
		ID      string `json:"id"`
		Options []struct {
			ID string `json:"id"`
		} `json:"options"`
	}
	err = e.Call("POST", "/api/v1/councils/"+council+"/polls", e.Admin, map[string]any{"question": "压测：活动改到周几", "options": []string{"周三", "周六"},
		"closes_at": time.Now().AddDate(0, 0, 7).Format(time.RFC3339)}, 201, &out)
	if err == nil && len(out.Options) == 0 {
		err = fmt.Errorf("a poll without options")
	}
	if err != nil {
		return "", "", err
	}
	return out.ID, out.Options[0].ID, nil
}

// onPoll is a row that acts as token on a fresh poll of the vote council,
// opened just before, untimed; body is given the poll's first option.
func onPoll(prefix, action string, token func(e *Env, w int) string, body func(option string) any) func(e *Env, w, i int) (*http.Request, error) {
	return func(e *Env, w, i int) (*http.Request, error) {
		id, option, err := e.openPoll(e.VoteCouncil)
		if err != nil {
			return nil, err
		}
		return e.request("POST", prefix+id+"/"+action, token(e, w), body(option))
	}
}

// credit has staff credit client w's resident minutes of volunteering.
func (e *Env) credit(w, minutes int) error {
	return e.Call("POST", "/api/v1/timebank/credits", e.Staff, map[string]any{"user_id": e.Workers[w].ID, "minutes": minutes, "memo": "压测"}, 201, nil)
}

// Streams are the routes left out of the mix: a stream (GET /events, the
// live count of open pages) holds its connection open for as long as the
// page is, so it has no latency to measure as a request's. What it costs
// is a connection and a goroutine held, and one count read for each
// notice; the store's tests bound the streams a process keeps.
var Streams = []string{"GET /events"}

// Mix is every route of Guli but the Streams, as the people who use each
// would.
var Mix = append(append(append(append(append(append(append(baseMix, meetingRows...), importRows...), dataRightsRows...), reportRows...), printRows...), callRows...), familyRows...)

var baseMix = []Row{
	// Operations.
	{"healthz", "GET /healthz", 200, get(at("/healthz"), anonymous), nil},
	{"readyz", "GET /readyz", 200, get(at("/readyz"), anonymous), nil},
	{"metrics (admin)", "GET /metrics", 200, get(at("/metrics"), admin), nil},

	// Public reads a resident's phone makes most.
	{"home, anonymous", "GET /{$}", 200, get(at("/"), anonymous), nil},
	{"home, signed in", "GET /{$}", 200, get(at("/"), resident), nil},
	{"timetable, anonymous", "GET /activities", 200, get(at("/activities"), anonymous), nil},
	{"timetable, signed in", "GET /activities", 200, get(at("/activities"), resident), nil},
	// The rows above read while nothing changes, so kept answers stay
	// kept; these read while someone signs up or gives up a place a
	// hundred times a second, each time letting go of all that was kept:
	// a busy day.
	{Name: "home, signed in, among sign-ups", Pattern: "GET /{$}", Want: 200, Request: get(at("/"), resident), Meanwhile: signUps(100)},
	{Name: "timetable, signed in, among sign-ups", Pattern: "GET /activities", Want: 200, Request: get(at("/activities"), resident),
		Meanwhile: signUps(100)},
	{"activity page", "GET /activities/{id}", 200, get(func(e *Env) string { return "/activities/" + e.Activity }, resident), nil},
	{"month list (JSON)", "GET /api/v1/activities", 200, get(func(e *Env) string {
		from := time.Now().Format("2006-01-02")
		return "/api/v1/activities?limit=200&station_id=" + e.Station + "&from=" + from + "&to=" + time.Now().AddDate(0, 1, 0).Format("2006-01-02")
	}, anonymous), nil},
	{"activity (JSON)", "GET /api/v1/activities/{id}", 200, get(func(e *Env) string { return "/api/v1/activities/" + e.Activity }, resident), nil},
	{"my activities (JSON)", "GET /api/v1/me/activities", 200, get(at("/api/v1/me/activities"), resident), nil},
	{"my activities page", "GET /my/activities", 200, get(at("/my/activities"), resident), nil},
	{"stations", "GET /api/v1/stations", 200, get(at("/api/v1/stations"), anonymous), nil},
	{"station", "GET /api/v1/stations/{id}", 200, get(stationPath(""), anonymous), nil},
	{"areas", "GET /api/v1/areas", 200, get(at("/api/v1/areas"), anonymous), nil},
	{"closures", "GET /api/v1/stations/{id}/closures", 200, get(stationPath("/closures"), anonymous), nil},
	{"station calendar", "GET /api/v1/calendar.ics", 200, get(func(e *Env) string { return "/api/v1/calendar.ics?station_id=" + e.Station }, anonymous), nil},
	{"station calendar, first address", "GET /calendar.ics", 200, get(func(e *Env) string { return "/calendar.ics?station_id=" + e.Station }, anonymous), nil},
	{"personal calendar", "GET /calendar/{file}", 200, get(func(e *Env) string { return e.Feed }, anonymous), nil},
	{"room bookings", "GET /api/v1/rooms/{id}/bookings", 200, get(func(e *Env) string { return "/api/v1/rooms/" + e.Room + "/bookings" }, anonymous), nil},
	{"room page", "GET /rooms/{id}", 200, get(func(e *Env) string { return "/rooms/" + e.Room }, resident), nil},
	{"stations page", "GET /stations", 200, get(at("/stations"), anonymous), nil},
	{"login page", "GET /login", 200, get(at("/login"), anonymous), nil},
	{"register page", "GET /register", 200, get(at("/register"), anonymous), nil},
	{"reset page", "GET /reset", 200, get(at("/reset"), anonymous), nil},
	{"me", "GET /api/v1/me", 200, get(at("/api/v1/me"), resident), nil},
	{"me page", "GET /me", 200, get(at("/me"), resident), nil},
	{"password page", "GET /me/password", 200, get(at("/me/password"), resident), nil},
	{"health page", "GET /health", 200, get(at("/health"), resident), nil},
	{"notifications (JSON)", "GET /api/v1/me/notifications", 200, get(at("/api/v1/me/notifications"), resident), nil},
	{"notifications page", "GET /notifications", 200, get(at("/notifications"), resident), nil},
	{"calendar address", "GET /api/v1/me/calendar", 200, get(at("/api/v1/me/calendar"), resident), nil},
	{"check-in page", "GET /checkin", 200, get(func(e *Env) string { return "/checkin?station=" + e.Station }, resident), nil},
	{"mutual aid, anonymous", "GET /help", 200, get(at("/help"), anonymous), nil},
	{"mutual aid, a volunteer", "GET /help", 200, get(at("/help"), talent), nil},
	{"ask-for-help page", "GET /help/new", 200, get(at("/help/new"), resident), nil},
	{"a help request's page", "GET /help/{id}", 200, get(func(e *Env) string { return "/help/" + e.HelpRequest }, resident), nil},
	{"my services page", "GET /my/services", 200, get(at("/my/services"), talent), nil},
	{"time bank page", "GET /timebank", 200, get(at("/timebank"), talent), nil},
	{"the councils, anonymous", "GET /councils", 200, get(at("/councils"), anonymous), nil},
	// The figures: the impact page is public and kept; the desk's and the
	// district's are counted for each reader at the data version.
	{"figures page, anonymous", "GET /stats", 200, get(at("/stats"), anonymous), nil},
	{"impact page, anonymous", "GET /stations/{id}/impact", 200, get(func(e *Env) string { return "/stations/" + e.Station + "/impact" }, anonymous), nil},
	{"impact page, signed in", "GET /stations/{id}/impact", 200, get(func(e *Env) string { return "/stations/" + e.Station + "/impact" }, resident), nil},
	{"figures (JSON)", "GET /api/v1/stats", 200, get(func(e *Env) string { return "/api/v1/stats?station_id=" + e.Station }, anonymous), nil},
	{"the district's figures (JSON)", "GET /api/v1/stats", 200, get(at("/api/v1/stats"), anonymous), nil},
	{Name: "figures (JSON), among sign-ups", Pattern: "GET /api/v1/stats", Want: 200,
		Request: get(func(e *Env) string { return "/api/v1/stats?station_id=" + e.Station }, anonymous), Meanwhile: signUps(100)},
	{"desk's figures page", "GET /desk/stats", 200, get(at("/desk/stats"), staff), nil},
	{"the district's page (admin)", "GET /admin/district", 200, get(at("/admin/district"), admin), nil},
	{"the district's workbook (admin)", "GET /admin/district.xlsx", 200, get(at("/admin/district.xlsx"), admin), nil},
	{"style sheet", "GET /static/", 200, get(at("/static/style.css"), anonymous), nil},
	{"favicon", "GET /favicon.ico", 200, get(at("/favicon.ico"), anonymous), nil},
	// A photo no post shows yet, as the station's staff see it.
	{"a photo", "GET /photos/{file}", 200, get(func(e *Env) string { return "/photos/" + e.Photo + ".jpg" }, staff), nil},
	{"a photo's thumbnail", "GET /photos/{id}/thumb.jpg", 200, get(func(e *Env) string { return "/photos/" + e.Photo + "/thumb.jpg" }, staff), nil},

	// The desk.
	{"desk", "GET /desk", 200, get(at("/desk"), staff), nil},
	{"door", "GET /desk/door", 200, get(at("/desk/door"), staff), nil},
	{"desk health", "GET /desk/health", 200, get(func(e *Env) string { return "/desk/health?user_id=" + e.ResidentID }, staff), nil},
	{"new activity page", "GET /desk/activities/new", 200, get(at("/desk/activities/new"), staff), nil},
	{"volunteer profile page", "GET /me/volunteer", 200, get(at("/me/volunteer"), talent), nil},
	{"save the volunteer profile (page)", "POST /me/volunteer", 303, send("POST", atW("/me/volunteer"), talent, jsonBody("skill=errand&skill=tech&free=sat-morning")), nil},
	{"roster page", "GET /desk/activities/{id}", 200, get(func(e *Env) string { return "/desk/activities/" + e.Activity }, staff), nil},
	{"residents page", "GET /desk/residents", 200, get(at("/desk/residents?q="+url.QueryEscape("李")), staff), nil},
	{"booking rules page", "GET /desk/booking-rules", 200, get(at("/desk/booking-rules"), staff), nil},
	{"the group robot", "GET /api/v1/stations/{id}/wecom-webhook", 200, get(stationPath("/wecom-webhook"), staff), nil},
	{"the delivery log", "GET /api/v1/stations/{id}/deliveries", 200, get(stationPath("/deliveries"), staff), nil},
	{"delivery page", "GET /desk/deliveries", 200, get(at("/desk/deliveries"), staff), nil},
	{"desk's mutual aid page", "GET /desk/help", 200, get(at("/desk/help"), staff), nil},
	{"roster (JSON)", "GET /api/v1/activities/{id}/registrations", 200, get(func(e *Env) string { return "/api/v1/activities/" + e.Activity + "/registrations" }, staff), nil},
	{"find residents", "GET /api/v1/users", 200, get(at("/api/v1/users?q="+url.QueryEscape("李")), staff), nil},
	{"a resident", "GET /api/v1/users/{id}", 200, get(func(e *Env) string { return "/api/v1/users/" + e.ResidentID }, staff), nil},
	{"health checks", "GET /api/v1/users/{id}/health-measurements", 200, get(func(e *Env) string {
		return "/api/v1/users/" + e.ResidentID + "/health-measurements"
	}, staff), nil},
	{"check-in code", "GET /api/v1/stations/{id}/checkin-code", 200, get(stationPath("/checkin-code"), staff), nil},
	{"check-in QR code", "GET /api/v1/stations/{id}/checkin-code.png", 200, get(stationPath("/checkin-code.png"), staff), nil},
	{"audit log (admin)", "GET /api/v1/audit", 200, get(at("/api/v1/audit"), admin), nil},

	// Sign-ups and their undoing, each client as its own resident.
	{"sign up (JSON)", "POST /api/v1/activities/{id}/registrations", 201, func(e *Env, w, i int) (*http.Request, error) {
		e.signOff(w)
		return e.request("POST", "/api/v1/activities/"+e.Activity+"/registrations", e.Workers[w].Token, nil)
	}, nil},
	{"cancel a place (JSON)", "DELETE /api/v1/activities/{id}/registrations/{user}", 204, func(e *Env, w, i int) (*http.Request, error) {
		e.signUp(w)
		return e.request("DELETE", "/api/v1/activities/"+e.Activity+"/registrations/me", e.Workers[w].Token, nil)
	}, nil},
	{"sign up (page)", "POST /activities/{id}/register", 303, func(e *Env, w, i int) (*http.Request, error) {
		e.signOff(w)
		return e.request("POST", "/activities/"+e.Activity+"/register", e.Workers[w].Token, "next=/activities")
	}, nil},
	{"cancel a place (page)", "POST /activities/{id}/cancel", 303, func(e *Env, w, i int) (*http.Request, error) {
		e.signUp(w)
		return e.request("POST", "/activities/"+e.Activity+"/cancel", e.Workers[w].Token, "next=/activities")
	}, nil},
	{"register someone at the desk", "POST /desk/activities/{id}/register", 303, func(e *Env, w, i int) (*http.Request, error) {
		e.signOff(w)
		return e.request("POST", "/desk/activities/"+e.Activity+"/register", e.Staff, "user_id="+e.Workers[w].ID)
	}, nil},
	{"attendance (JSON)", "POST /api/v1/activities/{id}/attendance", 201, send("POST", func(e *Env, _ int) string { return "/api/v1/activities/" + e.Activity + "/attendance" },
		staff, func(e *Env, _ int) any { return map[string]string{"user_id": e.ResidentID} }), nil},
	{"attendance (desk)", "POST /desk/activities/{id}/attendance", 303, send("POST", func(e *Env, _ int) string { return "/desk/activities/" + e.Activity + "/attendance" },
		staff, func(e *Env, _ int) any { return "user_id=" + e.ResidentID }), nil},
	{"credit helpers (desk)", "POST /desk/activities/{id}/credits", 303, send("POST", func(e *Env, _ int) string { return "/desk/activities/" + e.Helped + "/credits" },
		staff, func(e *Env, _ int) any { return "user_id=" + e.TalentID + "&hours=1&memo=压测" }), nil},

	// Rooms.
	{"book a room (JSON)", "POST /api/v1/rooms/{id}/bookings", 201, func(e *Env, w, i int) (*http.Request, error) {
		e.unbook(w)
		start, end := e.slot()
		e.Workers[w].Slot = start
		return e.request("POST", "/api/v1/rooms/"+e.ScratchRoom+"/bookings", e.Workers[w].Token, map[string]string{"start": start, "end": end, "purpose": "压测"})
	}, nil},
	{"cancel a booking (JSON)", "DELETE /api/v1/bookings/{id}", 204, func(e *Env, w, i int) (*http.Request, error) {
		if err := e.book(w); err != nil {
			return nil, err
		}
		id := e.Workers[w].Booking
		e.Workers[w].Booking = ""
		return e.request("DELETE", "/api/v1/bookings/"+id, e.Workers[w].Token, nil)
	}, nil},
	{"book a room (page)", "POST /rooms/{id}/book", 303, func(e *Env, w, i int) (*http.Request, error) {
		e.unbook(w)
		start, _ := e.slot()
		e.Workers[w].Slot = start
		t, _ := time.Parse(time.RFC3339, start)
		t = t.In(time.FixedZone("CST", 8*3600))
		f := url.Values{"date": {t.Format("2006-01-02")}, "from": {t.Format("15:04")}, "to": {t.Add(time.Minute).Format("15:04")}, "purpose": {"压测"}}
		return e.request("POST", "/rooms/"+e.ScratchRoom+"/book", e.Workers[w].Token, f.Encode())
	}, nil},
	{"cancel a booking (page)", "POST /bookings/{id}/cancel", 303, func(e *Env, w, i int) (*http.Request, error) {
		if err := e.book(w); err != nil {
			return nil, err
		}
		id := e.Workers[w].Booking
		e.Workers[w].Booking = ""
		return e.request("POST", "/bookings/"+id+"/cancel", e.Workers[w].Token, "next=/")
	}, nil},

	// The desk's writes.
	{"+1 visitor (JSON)", "POST /api/v1/stations/{id}/visits", 201, send("POST", stationPathW("/visits"), staff, jsonBody(map[string]any{"count": 1, "purpose": "other"})), nil},
	{"+1 visitor (desk)", "POST /desk/visits", 303, send("POST", atW("/desk/visits"), staff, form("purpose=other&count=1")), nil},
	// Each client checks in as its own resident: one person checking in
	// 32 times at once is held up by the throttle, as it should be.
	{"check in at the door (JSON)", "POST /api/v1/stations/{id}/checkin", 201, send("POST", stationPathW("/checkin"), worker, func(e *Env, _ int) any {
		return map[string]string{"code": e.CheckinCode}
	}), nil},
	{"check in at the door (page)", "POST /checkin", 303, send("POST", atW("/checkin"), worker, func(e *Env, _ int) any {
		return "station=" + e.Station + "&code=" + e.CheckinCode
	}), nil},
	{"record a health check (JSON)", "POST /api/v1/health-measurements", 201, send("POST", atW("/api/v1/health-measurements"), staff, func(e *Env, _ int) any {
		return map[string]any{"user_id": e.ResidentID, "kind": "blood_pressure", "systolic": 128, "diastolic": 82, "pulse": 70}
	}), nil},
	{"record a health check (desk)", "POST /desk/health", 303, send("POST", atW("/desk/health"), staff, func(e *Env, _ int) any {
		return "user_id=" + e.ResidentID + "&kind=temperature&celsius=36.6"
	}), nil},
	{"create an activity (JSON)", "POST /api/v1/activities", 201, send("POST", atW("/api/v1/activities"), admin, func(e *Env, _ int) any {
		start := time.Now().AddDate(0, 0, 50).Truncate(time.Hour)
		return map[string]any{"station_id": e.Scratch, "title": "压测课程", "category": "class", "start": start.Format(time.RFC3339), "end": start.Add(time.Hour).Format(time.RFC3339)}
	}), nil},
	{"create an activity (desk)", "POST /desk/activities/new", 303, func(e *Env, w, i int) (*http.Request, error) {
		req, err := e.request("POST", "/desk/activities/new", e.Admin, "title=压测课程&category=class&date="+time.Now().AddDate(0, 0, 50).Format("2006-01-02")+"&from=10:00&to=11:00&capacity=10&weeks=1")
		if err == nil {
			req.AddCookie(&http.Cookie{Name: "guli_station", Value: e.Scratch})
		}
		return req, err
	}, nil},
	{"cancel an activity (JSON)", "DELETE /api/v1/activities/{id}", 204, func(e *Env, w, i int) (*http.Request, error) {
		id, err := e.scratchActivity()
		if err != nil {
			return nil, err
		}
		return e.request("DELETE", "/api/v1/activities/"+id, e.Admin, nil)
	}, nil},
	{"cancel an activity (desk)", "POST /desk/activities/{id}/cancel", 303, func(e *Env, w, i int) (*http.Request, error) {
		id, err := e.scratchActivity()
		if err != nil {
			return nil, err
		}
		return e.request("POST", "/desk/activities/"+id+"/cancel", e.Admin, "")
	}, nil},
	{"add a room", "POST /api/v1/stations/{id}/rooms", 201, send("POST", func(e *Env, _ int) string { return "/api/v1/stations/" + e.Scratch + "/rooms" }, admin, jsonBody(map[string]any{"name": "压测房间", "capacity": 4})), nil},
	{"add an area", "POST /api/v1/stations/{id}/areas", 201, send("POST", func(e *Env, _ int) string { return "/api/v1/stations/" + e.Scratch + "/areas" }, admin, jsonBody(map[string]string{"name": "压测小区", "committee": "压测居委会"})), nil},
	{"close a day", "POST /api/v1/stations/{id}/closures", 201, send("POST", func(e *Env, _ int) string { return "/api/v1/stations/" + e.Scratch + "/closures" }, admin, func(e *Env, _ int) any {
		return map[string]string{"date": time.Now().AddDate(0, 0, 2+e.seq()%3000).Format("2006-01-02"), "reason": "压测"}
	}), nil},
	{"open a closed day", "DELETE /api/v1/stations/{id}/closures/{date}", 204, func(e *Env, w, i int) (*http.Request, error) {
		day := time.Now().AddDate(0, 0, 4000+e.seq()).Format("2006-01-02")
		if err := e.Call("POST", "/api/v1/stations/"+e.Scratch+"/closures", e.Admin, map[string]string{"date": day}, 201, nil); err != nil {
			return nil, err
		}
		return e.request("DELETE", "/api/v1/stations/"+e.Scratch+"/closures/"+day, e.Admin, nil)
	}, nil},
	{"opening hours", "PUT /api/v1/stations/{id}/opening-hours", 200, send("PUT", stationPathW("/opening-hours"), staff, jsonBody(map[string]any{"opening_hours": map[string][]string{
		"wed": {"09:00-17:00"}, "thu": {"09:00-17:00"}, "fri": {"09:00-17:00"}, "sat": {"09:00-17:00"}, "sun": {"09:00-17:00"}}})), nil},
	{"booking rules (JSON)", "PUT /api/v1/stations/{id}/booking-rules", 200, send("PUT", stationPathW("/booking-rules"), staff, jsonBody(map[string]int{"max_days_ahead": 366, "max_minutes": 1440, "max_future_bookings": 100})), nil},
	// The robot turned off: a load run must not post to anyone's group.
	{"group robot (JSON)", "PUT /api/v1/stations/{id}/wecom-webhook", 200, send("PUT", func(e *Env, _ int) string { return "/api/v1/stations/" + e.Scratch + "/wecom-webhook" }, admin, jsonBody(map[string]string{"url": ""})), nil},
	{"group robot (desk)", "POST /desk/wecom-webhook", 303, send("POST", atW("/desk/wecom-webhook"), staff, form("url=")), nil},
	{"booking rules (desk)", "POST /desk/booking-rules", 303, send("POST", atW("/desk/booking-rules"), staff, form("max_days_ahead=366&max_hours=24&max_future_bookings=100")), nil},
	{"create a station (admin)", "POST /api/v1/stations", 201, send("POST", atW("/api/v1/stations"), admin, jsonBody(map[string]any{"name": "压测分站", "opening_hours": map[string][]string{"sat": {"09:00-12:00"}}})), nil},
	{"keep an account for a resident", "POST /api/v1/users", 201, send("POST", atW("/api/v1/users"), staff, func(e *Env, _ int) any {
		return map[string]any{"name": "代管账号", "area_id": e.Area, "birth_year": 1945}
	}), nil},
	{"set a resident's roles", "PUT /api/v1/users/{id}/roles", 200, send("PUT", func(e *Env, _ int) string { return "/api/v1/users/" + e.ResidentID + "/roles" }, staff, jsonBody(map[string]any{"roles": []string{"resident"}})), nil},
	{"a reset code (JSON)", "POST /api/v1/users/{id}/password-reset", 201, send("POST", func(e *Env, w int) string { return "/api/v1/users/" + e.Workers[w].ID + "/password-reset" }, staff, noBody), nil},
	{"a reset code (desk)", "POST /desk/residents/{id}/password-reset", 201, send("POST", func(e *Env, w int) string { return "/desk/residents/" + e.Workers[w].ID + "/password-reset" }, staff, form("")), nil},

	// A resident's own writes.
	{"update me", "PATCH /api/v1/me", 200, send("PATCH", atW("/api/v1/me"), resident, jsonBody(map[string]any{"emergency_contact": map[string]string{"name": "李芳", "phone": "13900000008"}})), nil},
	{"emergency contact page", "POST /me", 303, send("POST", atW("/me"), resident, form("ec_name=李芳&ec_phone=13900000008")), nil},
	{"volunteer profile", "PUT /api/v1/me/volunteer-profile", 200, send("PUT", atW("/api/v1/me/volunteer-profile"), talent, jsonBody(map[string]any{"skills": []string{"tech"}})), nil},
	{"mark notifications read (JSON)", "POST /api/v1/me/notifications/read", 204, send("POST", atW("/api/v1/me/notifications/read"), resident, jsonBody(map[string]any{"ids": []string{}})), nil},
	{"mark notifications read (page)", "POST /notifications/read", 303, send("POST", atW("/notifications/read"), resident, form("")), nil},
	{"new calendar address", "POST /api/v1/me/calendar", 200, send("POST", atW("/api/v1/me/calendar"), worker, noBody), nil},
	{"elder mode", "POST /prefs/elder", 303, send("POST", atW("/prefs/elder"), anonymous, form("elder=1&next=/")), nil},
	{"language", "POST /prefs/lang", 303, send("POST", atW("/prefs/lang"), anonymous, form("lang=en&next=/")), nil},
	// A 1280 × 960 photo, each client as its own resident: past twenty an
	// hour a person, the throttle answers 429, as it should; the first
	// twenty measure the decode.
	{"upload a photo", "POST /api/v1/photos", 201, func(e *Env, w, i int) (*http.Request, error) {
		return e.photoRequest(e.Workers[w].Token)
	}, nil},
	{"choose a station", "POST /stations", 303, send("POST", atW("/stations"), anonymous, func(e *Env, _ int) any { return "station_id=" + e.Station }), nil},

	// Mutual aid and the time bank: each client acts on requests of its
	// own resident's, asked for (and claimed, done) untimed just before.
	{"help requests", "GET /api/v1/help-requests", 200, get(at("/api/v1/help-requests?status=open"), resident), nil},
	{"a help request", "GET /api/v1/help-requests/{id}", 200, get(func(e *Env) string { return "/api/v1/help-requests/" + e.HelpRequest }, resident), nil},
	{"who could help", "GET /api/v1/help-requests/{id}/candidates", 200, get(func(e *Env) string { return "/api/v1/help-requests/" + e.HelpRequest + "/candidates" }, resident), nil},
	{"credit an activity's helpers", "POST /api/v1/activities/{id}/credits", 201, send("POST", func(e *Env, _ int) string { return "/api/v1/activities/" + e.Helped + "/credits" },
		staff, jsonBody(map[string]any{"minutes": 60, "memo": "压测：讲座志愿"})), nil},
	{"ask for help", "POST /api/v1/help-requests", 201, func(e *Env, w, i int) (*http.Request, error) {
		if err := e.unask(w); err != nil {
			return nil, err
		}
		return e.request("POST", "/api/v1/help-requests", e.Workers[w].Token, map[string]string{"title": "压测：陪同散步", "category": "companion"})
	}, nil},
	{"ask for help (page)", "POST /help/new", 303, func(e *Env, w, i int) (*http.Request, error) {
		if err := e.unask(w); err != nil {
			return nil, err
		}
		return e.request("POST", "/help/new", e.Workers[w].Token, "category=companion&title=压测：陪同散步&description=")
	}, nil},
	{"claim a help request (page)", "POST /help/{id}/claim", 303, helpPageStep("claim", talent, ""), nil},
	{"give a help request back (page)", "POST /help/{id}/release", 303, helpPageStep("release", talent, "", "claim"), nil},
	{"say a service is done (page)", "POST /help/{id}/done", 303, helpPageStep("done", talent, "minutes=30", "claim"), nil},
	{"confirm a service (page)", "POST /help/{id}/confirm", 303, helpPageStep("confirm", worker, "rating=5&comment=谢谢", "claim", "done"), nil},
	{"withdraw a help request (page)", "POST /help/{id}/cancel", 303, helpPageStep("cancel", worker, ""), nil},
	{"claim a help request", "POST /api/v1/help-requests/{id}/claim", 200, helpStep("claim", talent, nil), nil},
	{"give a help request back", "POST /api/v1/help-requests/{id}/release", 200, helpStep("release", talent, nil, "claim"), nil},
	{"say a service is done", "POST /api/v1/help-requests/{id}/done", 200, helpStep("done", talent, map[string]int{"minutes": 30}, "claim"), nil},
	{"confirm a service", "POST /api/v1/help-requests/{id}/confirm", 200, helpStep("confirm", worker, map[string]any{"rating": 5, "comment": "谢谢"}, "claim", "done"), nil},
	{"withdraw a help request", "POST /api/v1/help-requests/{id}/cancel", 200, helpStep("cancel", worker, nil), nil},
	{"my time bank", "GET /api/v1/me/timebank", 200, get(at("/api/v1/me/timebank"), talent), nil},
	{"credit hours (staff)", "POST /api/v1/timebank/credits", 201, send("POST", atW("/api/v1/timebank/credits"), staff, func(e *Env, w int) any {
		return map[string]any{"user_id": e.Workers[w].ID, "minutes": 60, "memo": "压测"}
	}), nil},
	{"give minutes", "POST /api/v1/timebank/transfers", 201, func(e *Env, w, i int) (*http.Request, error) {
		if err := e.credit(w, 1); err != nil {
			return nil, err
		}
		req, err := e.request("POST", "/api/v1/timebank/transfers", e.Workers[w].Token, map[string]any{"to_user_id": e.ResidentID, "minutes": 1, "memo": "压测"})
		if err == nil {
			req.Header.Set("Idempotency-Key", fmt.Sprintf("load-%d-%d", e.run, e.seq()))
		}
		return req, err
	}, nil},
	{"give minutes by phone (page)", "POST /timebank/transfer", 303, func(e *Env, w, i int) (*http.Request, error) {
		if err := e.credit(w, 1); err != nil {
			return nil, err
		}
		return e.request("POST", "/timebank/transfer", e.Workers[w].Token, url.Values{"to_phone": {e.Phone}, "minutes": {"1"}, "memo": {"压测"},
			"key": {fmt.Sprintf("load-page-%d-%d", e.run, e.seq())}}.Encode())
	}, nil},

	// The notice board: reads of the demo station's; writes on posts the
	// admin puts on the scratch station's board just before, untimed.
	{"the board (JSON)", "GET /api/v1/posts", 200, get(func(e *Env) string { return "/api/v1/posts?station_id=" + e.Station }, anonymous), nil},
	{"a post (JSON)", "GET /api/v1/posts/{id}", 200, get(func(e *Env) string { return "/api/v1/posts/" + e.Post }, resident), nil},
	{"a post's comments (JSON)", "GET /api/v1/posts/{id}/comments", 200, get(func(e *Env) string { return "/api/v1/posts/" + e.Post + "/comments" }, anonymous), nil},
	{"moderation queue (JSON)", "GET /api/v1/stations/{id}/moderation", 200, get(stationPath("/moderation"), staff), nil},
	{"post a notice", "POST /api/v1/posts", 201, send("POST", atW("/api/v1/posts"), admin, func(e *Env, _ int) any {
		return map[string]string{"station_id": e.Scratch, "kind": "notice", "title": "压测：停水通知", "body": "周三上午**停水**。"}
	}), nil},
	{"comment on a post", "POST /api/v1/posts/{id}/comments", 201, postStep("comments", admin, map[string]string{"body": "收到，谢谢"}), nil},
	{"report a post", "POST /api/v1/posts/{id}/reports", 201, postStep("reports", worker, map[string]string{"reason": "压测"}), nil},
	{"hide a post", "POST /api/v1/posts/{id}/hide", 200, postStep("hide", admin, nil), nil},
	{"restore a post", "POST /api/v1/posts/{id}/restore", 200, postStep("restore", admin, nil, "hide"), nil},
	{"the board", "GET /notices", 200, get(at("/notices"), anonymous), nil},
	{"the board, signed in", "GET /notices", 200, get(at("/notices"), resident), nil},
	{"the week on the board", "GET /notices/week", 200, get(at("/notices/week"), anonymous), nil},
	{"a post's page", "GET /notices/{id}", 200, get(func(e *Env) string { return "/notices/" + e.Post }, resident), nil},
	{"write-a-post page", "GET /notices/new", 200, get(at("/notices/new"), resident), nil},
	{"moderation queue", "GET /desk/moderation", 200, get(at("/desk/moderation"), staff), nil},
	{"post a notice (page)", "POST /notices/new", 303, func(e *Env, w, i int) (*http.Request, error) {
		req, err := e.request("POST", "/notices/new", e.Admin, "kind=notice&title=压测：停电通知&body=周四下午停电")
		if err == nil {
			req.AddCookie(&http.Cookie{Name: "guli_station", Value: e.Scratch})
		}
		return req, err
	}, nil},
	{"comment on a post (page)", "POST /notices/{id}/comments", 303, pagePostStep("comments", admin, "body=收到"), nil},
	{"report a post (page)", "POST /notices/{id}/reports", 303, pagePostStep("reports", worker, "reason=压测"), nil},
	{"take a post down (page)", "POST /notices/{id}/delete", 303, pagePostStep("delete", admin, ""), nil},
	{"hide a post (page)", "POST /notices/{id}/hide", 303, pagePostStep("hide", admin, ""), nil},
	{"restore a post (page)", "POST /notices/{id}/restore", 303, pagePostStep("restore", admin, "", "hide"), nil},
	{"take a post down", "DELETE /api/v1/posts/{id}", 204, func(e *Env, w, i int) (*http.Request, error) {
		id, err := e.scratchPost()
		if err != nil {
			return nil, err
		}
		return e.request("DELETE", "/api/v1/posts/"+id, e.Admin, nil)
	}, nil},

	// Councils: reads of the scratch station's council (setupCouncil);
	// councils and members added there by the admin, each to a person of
	// its own.
	{"councils (JSON)", "GET /api/v1/councils", 200, get(func(e *Env) string { return "/api/v1/councils?station_id=" + e.Station }, anonymous), nil},
	{"a council (JSON)", "GET /api/v1/councils/{id}", 200, get(func(e *Env) string { return "/api/v1/councils/" + e.Council }, anonymous), nil},
	{"a council's members (JSON)", "GET /api/v1/councils/{id}/members", 200, get(func(e *Env) string { return "/api/v1/councils/" + e.Council + "/members" }, admin), nil},
	{"the councils", "GET /councils", 200, get(at("/councils"), resident), nil},
	{"a council's page", "GET /councils/{id}", 200, get(func(e *Env) string { return "/councils/" + e.Council }, staff), nil},
	{"set up a council", "POST /api/v1/councils", 201, send("POST", atW("/api/v1/councils"), admin, func(e *Env, _ int) any {
		return map[string]string{"station_id": e.Scratch, "name": "压测议事会", "kind": "residents"}
	}), nil},
	{"set up a council (page)", "POST /councils/new", 303, func(e *Env, w, i int) (*http.Request, error) {
		req, err := e.request("POST", "/councils/new", e.Admin, "name=压测议事会&kind=parents")
		if err == nil {
			req.AddCookie(&http.Cookie{Name: "guli_station", Value: e.Scratch})
		}
		return req, err
	}, nil},
	{"add a council member", "POST /api/v1/councils/{id}/members", 201, func(e *Env, w, i int) (*http.Request, error) {
		council, err := e.scratchCouncil()
		if err != nil {
			return nil, err
		}
		return e.request("POST", "/api/v1/councils/"+council+"/members", e.Admin, map[string]string{"user_id": e.Workers[w].Neighbour})
	}, nil},
	{"add a council member (page)", "POST /councils/{id}/members", 303, func(e *Env, w, i int) (*http.Request, error) {
		council, err := e.scratchCouncil()
		if err != nil {
			return nil, err
		}
		return e.request("POST", "/councils/"+council+"/members", e.Admin, "phone="+e.Workers[w].NeighbourPhone)
	}, nil},
	{"take a council member off", "DELETE /api/v1/councils/{id}/members/{user}", 204, func(e *Env, w, i int) (*http.Request, error) {
		council, err := e.scratchCouncilWith(w)
		if err != nil {
			return nil, err
		}
		return e.request("DELETE", "/api/v1/councils/"+council+"/members/"+e.Workers[w].Neighbour, e.Admin, nil)
	}, nil},
	{"take a council member off (page)", "POST /councils/{id}/members/remove", 303, func(e *Env, w, i int) (*http.Request, error) {
		council, err := e.scratchCouncilWith(w)
		if err != nil {
			return nil, err
		}
		return e.request("POST", "/councils/"+council+"/members/remove", e.Admin, "user_id="+e.Workers[w].Neighbour)
	}, nil},
	// Teams and studios: reads of a team of the station; writes on teams
	// and nominations the admin makes just before, untimed.
	{"teams (JSON)", "GET /api/v1/teams", 200, get(func(e *Env) string { return "/api/v1/teams?station_id=" + e.Station }, anonymous), nil},
	{"a team (JSON)", "GET /api/v1/teams/{id}", 200, get(func(e *Env) string { return "/api/v1/teams/" + e.Team }, anonymous), nil},
	// The team's photo set, the same each time: the cost is the locks and
	// the checks, the upload's decode being measured by its own row.
	{"set a team's photo", "PATCH /api/v1/teams/{id}", 200, send("PATCH", func(e *Env, _ int) string { return "/api/v1/teams/" + e.Team }, admin,
		func(e *Env, _ int) any { return map[string]string{"photo_id": e.TeamPhoto} }), nil},
	{"start a team", "POST /api/v1/teams", 201, send("POST", atW("/api/v1/teams"), admin, func(e *Env, _ int) any {
		return map[string]string{"station_id": e.Station, "name": "压测合唱队", "kind": "interest_group"}
	}), nil},
	{"add a team member", "POST /api/v1/teams/{id}/members", 201, onTeam(func(e *Env, w int, team string) (*http.Request, error) {
		return e.request("POST", "/api/v1/teams/"+team+"/members", e.Admin, map[string]string{"user_id": e.Workers[w].ID})
	}), nil},
	{"take a team member out", "DELETE /api/v1/teams/{id}/members/{user_id}", 204, onTeam(func(e *Env, w int, team string) (*http.Request, error) {
		if err := e.Call("POST", "/api/v1/teams/"+team+"/members", e.Admin, map[string]string{"user_id": e.Workers[w].ID}, 201, nil); err != nil {
			return nil, err
		}
		return e.request("DELETE", "/api/v1/teams/"+team+"/members/"+e.Workers[w].ID, e.Admin, nil)
	}), nil},
	{"nominate a talent", "POST /api/v1/nominations", 201, send("POST", atW("/api/v1/nominations"), admin, func(e *Env, w int) any {
		// A skill of its own each time: one person is nominated once a skill.
		return map[string]string{"area_id": e.Area, "user_id": e.Workers[w].ID, "skill": fmt.Sprintf("书法%d", e.seq()), "reason": "压测"}
	}), nil},
	{"nominations (JSON)", "GET /api/v1/stations/{id}/nominations", 200, get(stationPath("/nominations?status=pending"), staff), nil},
	{"approve a nomination", "POST /api/v1/nominations/{id}/approve", 200, onNomination("/api/v1/nominations/", "/approve", nil), nil},
	{"decline a nomination", "POST /api/v1/nominations/{id}/decline", 200, onNomination("/api/v1/nominations/", "/decline", nil), nil},
	{"the teams", "GET /teams", 200, get(at("/teams"), anonymous), nil},
	{"a team's page", "GET /teams/{id}", 200, get(func(e *Env) string { return "/teams/" + e.Team }, resident), nil},
	{"add a team member (page)", "POST /teams/{id}/members", 303, onTeam(func(e *Env, w int, team string) (*http.Request, error) {
		return e.request("POST", "/teams/"+team+"/members", e.Admin, "phone="+e.Workers[w].Phone)
	}), nil},
	// The page's form takes the photo down: an upload through it would be
	// the photo row's decode again, and past twenty an hour the throttle's.
	{"take a team's photo down (page)", "POST /teams/{id}/photo", 303, send("POST", func(e *Env, _ int) string { return "/teams/" + e.Team + "/photo" }, admin, form("remove=1")), nil},
	{"take a team member out (page)", "POST /teams/{id}/members/{user_id}/remove", 303, onTeam(func(e *Env, w int, team string) (*http.Request, error) {
		if err := e.Call("POST", "/api/v1/teams/"+team+"/members", e.Admin, map[string]string{"user_id": e.Workers[w].ID}, 201, nil); err != nil {
			return nil, err
		}
		return e.request("POST", "/teams/"+team+"/members/"+e.Workers[w].ID+"/remove", e.Admin, "")
	}), nil},
	{"nominate page", "GET /nominations/new", 200, get(at("/nominations/new"), staff), nil},
	{"nominate (page)", "POST /nominations/new", 303, send("POST", atW("/nominations/new"), staff, func(e *Env, w int) any {
		return "area_id=" + e.Area + "&phone=" + e.Workers[w].Phone + "&skill=" + fmt.Sprintf("结艺%d", e.seq()) + "&reason=压测"
	}), nil},
	{"teams desk", "GET /desk/teams", 200, get(at("/desk/teams"), staff), nil},
	{"start a team (page)", "POST /desk/teams", 303, send("POST", atW("/desk/teams"), staff, form("name=压测志愿队&kind=volunteer_team")), nil},
	{"approve a nomination (page)", "POST /desk/nominations/{id}/approve", 303, onNomination("/desk/nominations/", "/approve", ""), nil},
	{"decline a nomination (page)", "POST /desk/nominations/{id}/decline", 303, onNomination("/desk/nominations/", "/decline", ""), nil},
	// Polls: reads of a poll the workers may vote in; each vote, paper
	// ballot and closing on a poll opened for it just before, untimed.
	{"a council's polls (JSON)", "GET /api/v1/councils/{id}/polls", 200, get(func(e *Env) string { return "/api/v1/councils/" + e.PollCouncil + "/polls" }, anonymous), nil},
	{"a poll (JSON)", "GET /api/v1/polls/{id}", 200, get(func(e *Env) string { return "/api/v1/polls/" + e.Poll }, resident), nil},
	{"open a poll", "POST /api/v1/councils/{id}/polls", 201, send("POST", func(e *Env, _ int) string { return "/api/v1/councils/" + e.VoteCouncil + "/polls" }, admin, func(e *Env, _ int) any {
		return map[string]any{"question": "压测：推选楼组长", "options": []string{"王芳", "李强", "赵敏"}, "seats": 1, "secret": true,
			"closes_at": time.Now().AddDate(0, 0, 7).Format(time.RFC3339)}
	}), nil},
	{"vote", "POST /api/v1/polls/{id}/votes", 201, onPoll("/api/v1/polls/", "votes", worker, func(o string) any { return map[string]any{"option_ids": []string{o}} }), nil},
	{"enter a paper ballot", "POST /api/v1/polls/{id}/votes", 201, func(e *Env, w, i int) (*http.Request, error) {
		id, option, err := e.openPoll(e.VoteCouncil)
		if err != nil {
			return nil, err
		}
		return e.request("POST", "/api/v1/polls/"+id+"/votes", e.Admin, map[string]any{"option_ids": []string{option}, "user_id": e.Workers[w].ID})
	}, nil},
	{"close a poll", "POST /api/v1/polls/{id}/close", 200, onPoll("/api/v1/polls/", "close", admin, func(string) any { return nil }), nil},
	{"a council's polls", "GET /councils/{id}/polls", 200, get(func(e *Env) string { return "/councils/" + e.PollCouncil + "/polls" }, anonymous), nil},
	{"a poll's page", "GET /polls/{id}", 200, get(func(e *Env) string { return "/polls/" + e.Poll }, resident), nil},
	{"a poll's page, as a member", "GET /polls/{id}", 200, func(e *Env, w, i int) (*http.Request, error) {
		return e.request("GET", "/polls/"+e.Poll, e.Workers[w].Token, nil)
	}, nil},
	{"open a poll (page)", "POST /councils/{id}/polls", 303, send("POST", func(e *Env, _ int) string { return "/councils/" + e.VoteCouncil + "/polls" }, admin, func(e *Env, _ int) any {
		return url.Values{"question": {"压测：活动时间"}, "options": {"上午\n下午"}, "max_choices": {"1"},
			"date": {time.Now().AddDate(0, 0, 3).Format("2006-01-02")}, "time": {"17:00"}}.Encode()
	}), nil},
	{"vote (page)", "POST /polls/{id}/vote", 303, onPoll("/polls/", "vote", worker, func(o string) any { return "option_id=" + o }), nil},
	{"close a poll (page)", "POST /polls/{id}/close", 303, onPoll("/polls/", "close", admin, func(string) any { return "" }), nil},

	// Signing in and out, and passwords: argon2id, a few at a time by design.
	{"sign in (JSON)", "POST /api/v1/auth/login", 200, send("POST", atW("/api/v1/auth/login"), anonymous, func(e *Env, w int) any {
		return map[string]string{"phone": e.Workers[w].Phone, "password": e.Workers[w].Pass}
	}), nil},
	{"sign in (page)", "POST /login", 303, send("POST", atW("/login"), anonymous, func(e *Env, w int) any {
		return url.Values{"phone": {e.Workers[w].Phone}, "password": {e.Workers[w].Pass}, "next": {"/"}}.Encode()
	}), nil},
	{"register (JSON)", "POST /api/v1/auth/register", 201, func(e *Env, w, i int) (*http.Request, error) {
		phone := fmt.Sprintf("18%09d", e.run*1000+int64(e.seq())%1000)
		return e.request("POST", "/api/v1/auth/register", "", map[string]any{"name": "新居民", "phone": phone, "password": "压测用的密码-" + phone, "area_id": e.ScratchArea})
	}, nil},
	{"register (page)", "POST /register", 303, func(e *Env, w, i int) (*http.Request, error) {
		phone := fmt.Sprintf("17%09d", e.run*1000+int64(e.seq())%1000)
		return e.request("POST", "/register", "", url.Values{"name": {"新居民"}, "phone": {phone}, "password": {"压测用的密码-" + phone}, "area_id": {e.ScratchArea}}.Encode())
	}, nil},
	{"texted code (none configured)", "POST /api/v1/auth/sms-code", 404, send("POST", atW("/api/v1/auth/sms-code"), anonymous, jsonBody(map[string]string{"phone": "13912345678"})), nil},
	{"texted code page (none configured)", "POST /register/sms-code", 404, send("POST", atW("/register/sms-code"), anonymous, form("phone=13912345678")), nil},
	{"sign out (JSON)", "POST /api/v1/auth/logout", 204, func(e *Env, w, i int) (*http.Request, error) {
		tok, err := e.spareSession(w)
		if err != nil {
			return nil, err
		}
		return e.request("POST", "/api/v1/auth/logout", tok, nil)
	}, nil},
	{"sign out (page)", "POST /logout", 303, func(e *Env, w, i int) (*http.Request, error) {
		tok, err := e.spareSession(w)
		if err != nil {
			return nil, err
		}
		return e.request("POST", "/logout", tok, "")
	}, nil},
	{"sign out everywhere (JSON)", "POST /api/v1/auth/logout-all", 204, func(e *Env, w, i int) (*http.Request, error) {
		tok, err := e.spareSession(w)
		if err != nil {
			return nil, err
		}
		return e.request("POST", "/api/v1/auth/logout-all", tok, nil)
	}, nil},
	{"sign out everywhere (page)", "POST /logout-all", 303, func(e *Env, w, i int) (*http.Request, error) {
		tok, err := e.spareSession(w)
		if err != nil {
			return nil, err
		}
		return e.request("POST", "/logout-all", tok, "")
	}, nil},
	{"change password (JSON)", "PUT /api/v1/me/password", 204, func(e *Env, w, i int) (*http.Request, error) {
		tok, err := e.spareSession(w)
		if err != nil {
			return nil, err
		}
		next := e.newPass(w)
		req, err := e.request("PUT", "/api/v1/me/password", tok, map[string]string{"current_password": e.Spares[w].Pass, "new_password": next})
		e.Spares[w].Pass = next // the row expects success; a failure shows as its status
		return req, err
	}, nil},
	{"change password (page)", "POST /me/password", 303, func(e *Env, w, i int) (*http.Request, error) {
		tok, err := e.spareSession(w)
		if err != nil {
			return nil, err
		}
		next := e.newPass(w)
		req, err := e.request("POST", "/me/password", tok, url.Values{"current_password": {e.Spares[w].Pass}, "new_password": {next}}.Encode())
		e.Spares[w].Pass = next
		return req, err
	}, nil},
	{"reset a password (JSON)", "POST /api/v1/auth/reset", 204, func(e *Env, w, i int) (*http.Request, error) {
		code, err := e.resetCode(w)
		if err != nil {
			return nil, err
		}
		next := e.newPass(w)
		req, err := e.request("POST", "/api/v1/auth/reset", "", map[string]string{"phone": e.Spares[w].Phone, "code": code, "new_password": next})
		e.Spares[w].Pass = next
		return req, err
	}, nil},
	{"reset a password (page)", "POST /reset", 303, func(e *Env, w, i int) (*http.Request, error) {
		code, err := e.resetCode(w)
		if err != nil {
			return nil, err
		}
		next := e.newPass(w)
		req, err := e.request("POST", "/reset", "", url.Values{"phone": {e.Spares[w].Phone}, "code": {code}, "new_password": {next}}.Encode())
		e.Spares[w].Pass = next
		return req, err
	}, nil},
}
