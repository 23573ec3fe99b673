package loadtest

import (
	"net/http"
	"time"
)

// printRows are the paper a station runs on: the week's poster, public
// and kept, as a visitor and as staff read it; an activity's sign-in
// sheet and record at the desk; a record saved (of a class that took
// place, which the admin makes on the scratch station just before,
// untimed); the month's ledger as a page and as a workbook. A ledger is
// audited and counted as a report (guli.ThrottleReport): past two hundred
// a day these rows answer 429, as they should, and measure the refusal.
var printRows = []Row{
	{"week poster, anonymous (kept)", "GET /print/week", 200, get(at("/print/week"), anonymous), nil},
	{"week poster, staff", "GET /print/week", 200, get(at("/print/week"), staff), nil},
	{"sign-in sheet", "GET /desk/activities/{id}/sign-in-sheet", 200, get(func(e *Env) string { return "/desk/activities/" + e.Activity + "/sign-in-sheet" }, staff), nil},
	{"activity record page", "GET /desk/activities/{id}/record", 200, get(func(e *Env) string { return "/desk/activities/" + e.Helped + "/record" }, staff), nil},
	{"save an activity record", "POST /desk/activities/{id}/record", 303, func(e *Env, w, i int) (*http.Request, error) {
		past := time.Now().AddDate(0, 0, -1).Truncate(time.Hour)
		var made struct {
			Items []struct {
				ID string `json:"id"`
			} `json:"items"`
		}
		if err := e.Call("POST", "/api/v1/activities", e.Admin, map[string]any{"station_id": e.Scratch, "title": "压测：昨天的课",
			"category": "class", "start": past.Format(time.RFC3339), "end": past.Add(time.Hour).Format(time.RFC3339)}, 201, &made); err != nil {
			return nil, err
		}
		return e.request("POST", "/desk/activities/"+made.Items[0].ID+"/record", e.Admin, "version=0&summary=压测：课程小结，居民反馈良好。")
	}, nil},
	{"the month's ledger", "GET /desk/ledger", 200, get(at("/desk/ledger"), staff), nil},
	{"the month's ledger (Excel)", "GET /desk/ledger.xlsx", 200, get(at("/desk/ledger.xlsx"), staff), nil},
}
