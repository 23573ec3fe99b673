package loadtest

import (
	"guli"
	"net/http"
	"net/url"
	"time"
)

// setupFamilies gives each client's resident a child they keep, whom the
// family rows sign up for the mix's activity.
func (e *Env) setupFamilies() error {
	for w := range e.Workers {
		var out struct {
			ID string `json:"id"`
		}
		if err := e.Call("POST", "/api/v1/me/dependents", e.Workers[w].Token, map[string]any{"name": "压测：小明",
			"birth_year": time.Now().Year() - 8, "relation": "child"}, 201, &out); err != nil {
			return err
		}
		e.Workers[w].Child = out.ID
	}
	return nil
}

// unlink ends every link that lets someone act for client w's resident:
// what a request to link them again, or accept, needs first.
func (e *Env) unlink(w int) error {
	return e.endLinks(e.Workers[w].Token, "/api/v1/me/guardians", "")
}

// endLinks ends, as the person of token, each link the list at path
// answers, but the one to keep (a person's id; "" for none).
func (e *Env) endLinks(token, path, keep string) error {
	var out struct {
		Items []struct {
			ID     string `json:"id"`
			LinkID string `json:"link_id"`
		} `json:"items"`
	}
	if err := e.Call("GET", path, token, nil, 200, &out); err != nil {
		return err
	}
	for _, l := range out.Items {
		if keep != "" && l.ID == keep {
			continue
		}
		if err := e.Call("DELETE", "/api/v1/links/"+l.LinkID, token, nil, 204, nil); err != nil {
			return err
		}
	}
	return nil
}

// asker is who asks to act for client w's resident: the next client's,
// so that each holds one ask at a time and no family outgrows
// guli.MaxFamily; the demo resident when there is one client.
func (e *Env) asker(w int) string {
	if len(e.Workers) < 2 {
		return e.Resident
	}
	return e.Workers[(w+1)%len(e.Workers)].Token
}

// askLink has the next client's resident (asker) ask to act for client w's resident,
// untimed, and answers the link's id.
func (e *Env) askLink(w int) (string, error) {
	if err := e.unlink(w); err != nil {
		return "", err
	}
	var out struct {
		ID string `json:"id"`
	}
	err := e.Call("POST", "/api/v1/me/dependents/link", e.asker(w), map[string]string{"phone": e.Workers[w].Phone}, 201, &out)
	return out.ID, err
}

// makeRoom keeps client w's family under guli.MaxFamily for the rows
// that add to it: now and then, untimed, it removes those added, keeping
// the child the rows sign up.
func (e *Env) makeRoom(w int) error {
	p := &e.Workers[w]
	if p.Added++; p.Added < guli.MaxFamily-4 {
		return nil
	}
	p.Added = 0
	return e.endLinks(p.Token, "/api/v1/me/dependents", p.Child)
}

// familyRows are families acting for one another: client w's resident
// keeps a child, signs them up and reads their places, and is asked by
// the next client's resident to let them act for them, which they accept or end.
var familyRows = []Row{
	{"my dependents (JSON)", "GET /api/v1/me/dependents", 200, get(at("/api/v1/me/dependents"), resident), nil},
	{"who acts for me (JSON)", "GET /api/v1/me/guardians", 200, send("GET", atW("/api/v1/me/guardians"), worker, noBody), nil},
	{"add a dependent", "POST /api/v1/me/dependents", 201, func(e *Env, w, i int) (*http.Request, error) {
		if err := e.makeRoom(w); err != nil {
			return nil, err
		}
		return e.request("POST", "/api/v1/me/dependents", e.Workers[w].Token, map[string]any{"name": "压测：小红", "birth_year": 2015, "relation": "child"})
	}, nil},
	{"a dependent's activities (JSON)", "GET /api/v1/me/activities", 200, func(e *Env, w, i int) (*http.Request, error) {
		return e.request("GET", "/api/v1/me/activities?user_id="+e.Workers[w].Child, e.Workers[w].Token, nil)
	}, nil},
	{"sign a dependent up", "POST /api/v1/activities/{id}/registrations", 201, func(e *Env, w, i int) (*http.Request, error) {
		e.Call("DELETE", "/api/v1/activities/"+e.Activity+"/registrations/"+e.Workers[w].Child, e.Workers[w].Token, nil, 204, nil)
		return e.request("POST", "/api/v1/activities/"+e.Activity+"/registrations", e.Workers[w].Token, map[string]string{"user_id": e.Workers[w].Child})
	}, nil},
	{"ask to act for a parent", "POST /api/v1/me/dependents/link", 201, func(e *Env, w, i int) (*http.Request, error) {
		if err := e.unlink(w); err != nil {
			return nil, err
		}
		return e.request("POST", "/api/v1/me/dependents/link", e.asker(w), map[string]string{"phone": e.Workers[w].Phone})
	}, nil},
	{"accept a link", "POST /api/v1/links/{id}/accept", 200, func(e *Env, w, i int) (*http.Request, error) {
		link, err := e.askLink(w)
		if err != nil {
			return nil, err
		}
		return e.request("POST", "/api/v1/links/"+link+"/accept", e.Workers[w].Token, nil)
	}, nil},
	{"end a link", "DELETE /api/v1/links/{id}", 204, func(e *Env, w, i int) (*http.Request, error) {
		link, err := e.askLink(w)
		if err != nil {
			return nil, err
		}
		return e.request("DELETE", "/api/v1/links/"+link, e.Workers[w].Token, nil)
	}, nil},
	// The same on 我的家人, and the pages that act for the child.
	{"my family (page)", "GET /me/family", 200, send("GET", atW("/me/family"), worker, noBody), nil},
	{"timetable, for a dependent", "GET /activities", 200, func(e *Env, w, i int) (*http.Request, error) {
		return e.request("GET", "/activities?for="+e.Workers[w].Child, e.Workers[w].Token, nil)
	}, nil},
	{"a dependent's activities (page)", "GET /my/activities", 200, func(e *Env, w, i int) (*http.Request, error) {
		return e.request("GET", "/my/activities?for="+e.Workers[w].Child, e.Workers[w].Token, nil)
	}, nil},
	{"help form for a dependent", "GET /help/new", 200, func(e *Env, w, i int) (*http.Request, error) {
		return e.request("GET", "/help/new?for="+e.Workers[w].Child, e.Workers[w].Token, nil)
	}, nil},
	{"add a dependent (page)", "POST /me/family/dependents", 303, func(e *Env, w, i int) (*http.Request, error) {
		if err := e.makeRoom(w); err != nil {
			return nil, err
		}
		return e.request("POST", "/me/family/dependents", e.Workers[w].Token, url.Values{"name": {"压测：小红"}, "birth_year": {"2015"}, "relation": {"child"}}.Encode())
	}, nil},
	{"ask to act for a parent (page)", "POST /me/family/link", 303, func(e *Env, w, i int) (*http.Request, error) {
		if err := e.unlink(w); err != nil {
			return nil, err
		}
		return e.request("POST", "/me/family/link", e.asker(w), "phone="+e.Workers[w].Phone)
	}, nil},
	{"accept a link (page)", "POST /me/family/links/{id}/accept", 303, func(e *Env, w, i int) (*http.Request, error) {
		link, err := e.askLink(w)
		if err != nil {
			return nil, err
		}
		return e.request("POST", "/me/family/links/"+link+"/accept", e.Workers[w].Token, "")
	}, nil},
	{"end a link (page)", "POST /me/family/links/{id}/end", 303, func(e *Env, w, i int) (*http.Request, error) {
		link, err := e.askLink(w)
		if err != nil {
			return nil, err
		}
		return e.request("POST", "/me/family/links/"+link+"/end", e.Workers[w].Token, "")
	}, nil},
	// And at the desk: staff confirm the request for client w's resident,
	// who came in person, or end it.
	{"confirm a link at the desk", "POST /desk/links/{id}/accept", 303, func(e *Env, w, i int) (*http.Request, error) {
		link, err := e.askLink(w)
		if err != nil {
			return nil, err
		}
		return e.request("POST", "/desk/links/"+link+"/accept", e.Staff, "q=&resident="+e.Workers[w].ID)
	}, nil},
	{"end a link at the desk", "POST /desk/links/{id}/end", 303, func(e *Env, w, i int) (*http.Request, error) {
		link, err := e.askLink(w)
		if err != nil {
			return nil, err
		}
		return e.request("POST", "/desk/links/"+link+"/end", e.Staff, "q=&resident="+e.Workers[w].ID)
	}, nil},
}
