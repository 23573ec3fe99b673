package loadtest

import "net/http"

// reportRows are the monthly reports and the volunteers' certificates:
// last month's report of the demo station as a workbook and as CSV, over
// the API and from the desk, each read of every section and audited; the
// desk's page; the talent's certificate as staff open it (audited) and as
// the talent does.
var reportRows = []Row{
	{"monthly report (Excel)", "GET /api/v1/stations/{id}/reports/monthly", 200, get(stationPath("/reports/monthly"), staff), nil},
	{"monthly report (CSV)", "GET /api/v1/stations/{id}/reports/monthly", 200, get(stationPath("/reports/monthly?format=csv"), staff), nil},
	{"reports page", "GET /desk/reports", 200, get(at("/desk/reports"), staff), nil},
	{"monthly report (desk)", "GET /desk/reports/monthly", 200, get(at("/desk/reports/monthly?format=xlsx"), staff), nil},
	{"a volunteer's certificate (desk)", "GET /desk/volunteers/{id}/certificate", 200, func(e *Env, w, i int) (*http.Request, error) {
		return e.request("GET", "/desk/volunteers/"+e.TalentID+"/certificate", e.Staff, nil)
	}, nil},
	{"my certificate", "GET /me/certificate", 200, get(at("/me/certificate"), talent), nil},
}
