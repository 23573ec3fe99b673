package loadtest

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"strings"
)

// importRows are the import of committees' rosters: a dry run of a roster
// of fifty rows over the API and on the desk's page (nothing is written),
// the page, its template, and a confirm whose upload is gone (the whole
// path, upload to import, is in the web tests: here the clients share
// one staff member, whose one kept upload each would replace).
var importRows = []Row{
	{"check a roster", "POST /api/v1/stations/{id}/imports", 200, func(e *Env, w, i int) (*http.Request, error) {
		return e.rosterRequest("/api/v1/stations/"+e.Station+"/imports?dry_run=true", e.Staff)
	}, nil},
	{"import page", "GET /desk/import", 200, get(at("/desk/import"), staff), nil},
	{"check a roster (page)", "POST /desk/import", 200, func(e *Env, w, i int) (*http.Request, error) {
		return e.rosterRequest("/desk/import", e.Staff)
	}, nil},
	{"import a roster whose upload is gone (page)", "POST /desk/import/confirm", 404, send("POST", atW("/desk/import/confirm"), staff, form("token=gone")), nil},
	{"the roster template", "GET /desk/import/{file}", 200, get(at("/desk/import/roster-template.xlsx"), staff), nil},
}

// rosterRequest uploads a roster of fifty residents of the resident's
// area, with numbers nobody has.
func (e *Env) rosterRequest(path, token string) (*http.Request, error) {
	var areas struct {
		Items []struct {
			ID   string `json:"id"`
			Name string `json:"name"`
		} `json:"items"`
	}
	if err := e.Call("GET", "/api/v1/areas?station_id="+e.Station, "", nil, 200, &areas); err != nil {
		return nil, err
	}
	area := ""
	for _, a := range areas.Items {
		if a.ID == e.Area {
			area = a.Name
		}
	}
	var csv strings.Builder
	csv.WriteString("\uFEFF姓名,手机号,出生年份,小区\r\n")
	for n := range 50 {
		fmt.Fprintf(&csv, "压测居民%d,1770000%04d,%d,%s\r\n", n, n, 1940+n%40, area)
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("file", "名单.csv")
	if err != nil {
		return nil, err
	}
	fw.Write([]byte(csv.String()))
	mw.Close()
	req, err := http.NewRequest("POST", e.Base+path, &body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	return req, nil
}
