package loadtest

import (
	"net/http"
	"time"
)

// reportRows are the monthly reports and the volunteers' certificates:
// this month's report of the demo station (the month its demo happens
// in) as a workbook and as CSV, over the API and from the desk, each read
// of every section and audited; the desk's page; the talent's certificate
// as staff open it (audited) and as the talent does. Staff make two
// hundred reports and certificates a day (guli.ThrottleReport); past that
// these rows answer 429, as they should, and measure the refusal.
var reportRows = []Row{
	{"monthly report (Excel)", "GET /api/v1/stations/{id}/reports/monthly", 200, get(thisMonth("/api/v1/stations/", "/reports/monthly?format=xlsx"), staff), nil},
	{"monthly report (CSV)", "GET /api/v1/stations/{id}/reports/monthly", 200, get(thisMonth("/api/v1/stations/", "/reports/monthly?format=csv"), staff), nil},
	{"reports page", "GET /desk/reports", 200, get(at("/desk/reports"), staff), nil},
	{"monthly report (desk)", "GET /desk/reports/monthly", 200, get(thisMonth("/desk/reports/monthly", "?format=xlsx"), staff), nil},
	{"a volunteer's certificate (desk)", "GET /desk/volunteers/{id}/certificate", 200, func(e *Env, w, i int) (*http.Request, error) {
		return e.request("GET", "/desk/volunteers/"+e.TalentID+"/certificate", e.Staff, nil)
	}, nil},
	{"my certificate", "GET /me/certificate", 200, get(at("/me/certificate"), talent), nil},
}

// thisMonth is a report's address with this month in Shanghai: the
// station's id between head and tail when head ends with a slash.
func thisMonth(head, tail string) func(e *Env) string {
	return func(e *Env) string {
		path := head
		if head[len(head)-1] == '/' {
			path += e.Station
		}
		return path + tail + "&month=" + time.Now().In(time.FixedZone("CST", 8*3600)).Format("2006-01")
	}
}
