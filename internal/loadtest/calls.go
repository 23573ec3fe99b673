package loadtest

import (
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// setupCalls posts a safety alert to the demo station, told to all its
// residents (the workers among them), and cancels a class every worker
// joined: the call lists the rows read and tick.
func (e *Env) setupCalls() error {
	var out struct {
		ID    string `json:"id"`
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	if err := e.Call("POST", "/api/v1/posts", e.Staff, map[string]string{"station_id": e.Station, "kind": "safety_alert",
		"title": "压测：台风预警", "body": "今晚台风过境，请关好门窗。"}, 201, &out); err != nil {
		return err
	}
	e.Alert = out.ID
	start := time.Now().AddDate(0, 0, 40).Truncate(time.Hour)
	if err := e.Call("POST", "/api/v1/activities", e.Staff, map[string]any{"station_id": e.Station, "title": "压测：取消的讲座",
		"category": "event", "start": start.Format(time.RFC3339), "end": start.Add(time.Hour).Format(time.RFC3339)}, 201, &out); err != nil {
		return err
	}
	e.Cancelled = out.Items[0].ID
	for _, w := range e.Workers {
		if err := e.Call("POST", "/api/v1/activities/"+e.Cancelled+"/registrations", w.Token, nil, 201, nil); err != nil {
			return err
		}
	}
	return e.Call("DELETE", "/api/v1/activities/"+e.Cancelled, e.Staff, nil, 204, nil)
}

// callRows are the residents staff watch over and the call lists: staff
// read the alert's list and the cancelled class's (each look audited, as
// they show phone numbers) and tick client w's resident on them, and set
// or take off a mark of that resident in turn.
var callRows = []Row{
	{"call list (alert)", "GET /desk/calls/{id}", 200, get(func(e *Env) string { return "/desk/calls/" + e.Alert }, staff), nil},
	{"tick a call (alert)", "POST /desk/calls/{id}", 303, send("POST", func(e *Env, _ int) string { return "/desk/calls/" + e.Alert }, staff,
		func(e *Env, w int) any {
			return url.Values{"user_id": {e.Workers[w].ID}, "outcome": {"called"}, "after": {"2h"}}.Encode()
		}), nil},
	{"call list (cancellation)", "GET /desk/activities/{id}/calls", 200,
		get(func(e *Env) string { return "/desk/activities/" + e.Cancelled + "/calls" }, staff), nil},
	{"tick a call (cancellation)", "POST /desk/activities/{id}/calls", 303,
		send("POST", func(e *Env, _ int) string { return "/desk/activities/" + e.Cancelled + "/calls" }, staff,
			func(e *Env, w int) any {
				return url.Values{"user_id": {e.Workers[w].ID}, "outcome": {"visited"}}.Encode()
			}), nil},
	{"mark a resident (desk)", "POST /desk/residents/{id}/marks", 303, func(e *Env, w, i int) (*http.Request, error) {
		return e.request("POST", "/desk/residents/"+e.Workers[w].ID+"/marks", e.Staff,
			url.Values{"kind": {"lives_alone"}, "on": {fmt.Sprint(1 - i%2)}, "q": {"压测"}}.Encode())
	}, nil},
}
