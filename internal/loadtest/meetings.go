package loadtest

import (
	"net/http"
	"time"
)

// setupCouncil makes a council of the scratch station with a meeting and
// a resolution, for the meetings rows.
func (e *Env) setupCouncil() error {
	var out struct {
		ID          string `json:"id"`
		Resolutions []struct {
			ID string `json:"id"`
		} `json:"resolutions"`
	}
	if err := e.Call("POST", "/api/v1/councils", e.Admin, map[string]string{"station_id": e.Scratch, "name": "压测议事会", "kind": "residents"}, 201, &out); err != nil {
		return err
	}
	e.Council = out.ID
	start := time.Now().AddDate(0, 0, 7).Format(time.RFC3339)
	if err := e.Call("POST", "/api/v1/councils/"+e.Council+"/meetings", e.Admin, map[string]any{"title": "压测例会", "start": start, "agenda": []string{"通报"}}, 201, &out); err != nil {
		return err
	}
	e.Meeting = out.ID
	if err := e.Call("PATCH", "/api/v1/meetings/"+e.Meeting, e.Admin, map[string]any{"resolutions": []string{"压测决议"}}, 200, &out); err != nil {
		return err
	}
	e.Resolution = out.Resolutions[0].ID
	return nil
}

// scratchProposal has the admin put a proposal to the scratch council.
func (e *Env) scratchProposal() (string, error) {
	var out struct {
		ID string `json:"id"`
	}
	err := e.Call("POST", "/api/v1/councils/"+e.Council+"/proposals", e.Admin, map[string]string{"title": "压测提议"}, 201, &out)
	return out.ID, err
}

// onProposal is a row that acts as the admin on a fresh proposal.
func onProposal(method, prefix, suffix string, body any) func(e *Env, w, i int) (*http.Request, error) {
	return func(e *Env, w, i int) (*http.Request, error) {
		id, err := e.scratchProposal()
		if err != nil {
			return nil, err
		}
		return e.request(method, prefix+id+suffix, e.Admin, body)
	}
}

func councilPath(tail string) func(e *Env) string {
	return func(e *Env) string { return "/councils/" + e.Council + tail }
}

func councilPathW(tail string) func(e *Env, w int) string {
	return func(e *Env, _ int) string { return "/api/v1/councils/" + e.Council + tail }
}

// meetingRows are a council's meetings, resolutions and proposals: reads
// of the scratch council's, writes by the admin on it.
var meetingRows = []Row{
	{"a council's meetings (JSON)", "GET /api/v1/councils/{id}/meetings", 200, get(func(e *Env) string { return "/api/v1/councils/" + e.Council + "/meetings" }, anonymous), nil},
	{"a meeting (JSON)", "GET /api/v1/meetings/{id}", 200, get(func(e *Env) string { return "/api/v1/meetings/" + e.Meeting }, staff), nil},
	{"a council's resolutions (JSON)", "GET /api/v1/councils/{id}/resolutions", 200, get(func(e *Env) string { return "/api/v1/councils/" + e.Council + "/resolutions" }, anonymous), nil},
	{"a council's proposals (JSON)", "GET /api/v1/councils/{id}/proposals", 200, get(func(e *Env) string { return "/api/v1/councils/" + e.Council + "/proposals" }, resident), nil},
	{"a proposal (JSON)", "GET /api/v1/proposals/{id}", 200, func(e *Env, w, i int) (*http.Request, error) {
		id, err := e.scratchProposal()
		if err != nil {
			return nil, err
		}
		return e.request("GET", "/api/v1/proposals/"+id, e.Resident, nil)
	}, nil},
	{"schedule a meeting", "POST /api/v1/councils/{id}/meetings", 201, send("POST", councilPathW("/meetings"), admin, func(e *Env, _ int) any {
		return map[string]any{"title": "压测会议", "start": time.Now().AddDate(0, 0, 3).Format(time.RFC3339), "agenda": []string{"一", "二"}}
	}), nil},
	{"record minutes", "PATCH /api/v1/meetings/{id}", 200, send("PATCH", func(e *Env, _ int) string { return "/api/v1/meetings/" + e.Meeting }, admin, jsonBody(map[string]any{"minutes": "压测纪要"})), nil},
	{"record attendance", "PUT /api/v1/meetings/{id}/attendance", 200, send("PUT", func(e *Env, _ int) string { return "/api/v1/meetings/" + e.Meeting + "/attendance" }, admin, jsonBody(map[string]any{"user_ids": []string{}})), nil},
	{"follow a resolution up", "PATCH /api/v1/resolutions/{id}", 200, send("PATCH", func(e *Env, _ int) string { return "/api/v1/resolutions/" + e.Resolution }, admin, jsonBody(map[string]string{"status": "in_progress", "note": "压测"})), nil},
	{"propose", "POST /api/v1/councils/{id}/proposals", 201, send("POST", councilPathW("/proposals"), admin, jsonBody(map[string]string{"title": "压测提议"})), nil},
	{"support a proposal", "POST /api/v1/proposals/{id}/supports", 201, onProposal("POST", "/api/v1/proposals/", "/supports", nil), nil},
	{"answer a proposal", "PATCH /api/v1/proposals/{id}", 200, onProposal("PATCH", "/api/v1/proposals/", "", map[string]string{"outcome": "accepted", "answer": "压测"}), nil},
	{"a council's meetings", "GET /councils/{id}/meetings", 200, get(councilPath("/meetings"), anonymous), nil},
	{"a meeting's page", "GET /meetings/{id}", 200, get(func(e *Env) string { return "/meetings/" + e.Meeting }, staff), nil},
	{"a council's proposals", "GET /councils/{id}/proposals", 200, get(councilPath("/proposals"), resident), nil},
	{"schedule a meeting (page)", "POST /councils/{id}/meetings", 303, send("POST", func(e *Env, _ int) string { return "/councils/" + e.Council + "/meetings" }, admin, func(e *Env, _ int) any {
		return "title=压测会议&date=" + time.Now().AddDate(0, 0, 3).Format("2006-01-02") + "&time=14:00&agenda=一"
	}), nil},
	{"record minutes (page)", "POST /meetings/{id}", 303, send("POST", func(e *Env, _ int) string { return "/meetings/" + e.Meeting }, admin, form("minutes=压测纪要")), nil},
	{"record attendance (page)", "POST /meetings/{id}/attendance", 303, send("POST", func(e *Env, _ int) string { return "/meetings/" + e.Meeting + "/attendance" }, admin, form("")), nil},
	{"follow a resolution up (page)", "POST /resolutions/{id}", 303, send("POST", func(e *Env, _ int) string { return "/resolutions/" + e.Resolution }, admin, form("status=in_progress&note=压测")), nil},
	{"propose (page)", "POST /councils/{id}/proposals", 303, send("POST", func(e *Env, _ int) string { return "/councils/" + e.Council + "/proposals" }, admin, form("title=压测提议")), nil},
	{"support a proposal (page)", "POST /proposals/{id}/supports", 303, onProposal("POST", "/proposals/", "/supports", ""), nil},
	{"answer a proposal (page)", "POST /proposals/{id}", 303, onProposal("POST", "/proposals/", "", "outcome=done&answer=压测"), nil},
}
