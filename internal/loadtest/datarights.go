package loadtest

import (
	"net/http"
	"net/url"
)

// closable makes a resident, untimed, whose account a closing row closes.
func (e *Env) closable() (Person, error) { return e.newResident("要注销的居民") }

// dataRightsRows are the audit log's search and a person's data: reading
// it, downloading it, closing the account, and staff closing one at the
// desk. Every closing row closes a resident made for it.
var dataRightsRows = []Row{
	{"my data page", "GET /me/data", 200, get(at("/me/data"), resident), nil},
	{"my data page, one kind", "GET /me/data", 200, get(at("/me/data?section=registrations"), resident), nil},
	// Each client downloads its own resident's: past ten a day a person,
	// the throttle answers 429, as it should.
	{"my data download", "GET /api/v1/me/export", 200, get(at("/api/v1/me/export"), worker), nil},
	{"my data download (page)", "GET /me/data/export", 200, get(at("/me/data/export"), worker), nil},
	{"audit log page", "GET /desk/audit", 200, get(at("/desk/audit?action=health."), staff), nil},
	{"close an account, asked (desk)", "GET /desk/residents/{id}/close", 200,
		get(func(e *Env) string { return "/desk/residents/" + e.ResidentID + "/close" }, staff), nil},
	{"close my account (JSON)", "POST /api/v1/me/close", 200, func(e *Env, w, i int) (*http.Request, error) {
		p, err := e.closable()
		if err != nil {
			return nil, err
		}
		return e.request("POST", "/api/v1/me/close", p.Token, map[string]string{"password": p.Pass})
	}, nil},
	{"close my account (page)", "POST /me/close", 200, func(e *Env, w, i int) (*http.Request, error) {
		p, err := e.closable()
		if err != nil {
			return nil, err
		}
		return e.request("POST", "/me/close", p.Token, url.Values{"password": {p.Pass}, "confirm": {"1"}}.Encode())
	}, nil},
	{"close a resident's account (JSON)", "POST /api/v1/users/{id}/close", 200, func(e *Env, w, i int) (*http.Request, error) {
		p, err := e.closable()
		if err != nil {
			return nil, err
		}
		return e.request("POST", "/api/v1/users/"+p.ID+"/close", e.Staff, nil)
	}, nil},
	{"close a resident's account (desk)", "POST /desk/residents/{id}/close", 303, func(e *Env, w, i int) (*http.Request, error) {
		p, err := e.closable()
		if err != nil {
			return nil, err
		}
		return e.request("POST", "/desk/residents/"+p.ID+"/close", e.Staff, "confirm=1")
	}, nil},
}
