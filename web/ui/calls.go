package ui

import (
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"guli"
	"guli/web/core"
)

// Residents staff watch over, and the call list. The rules (who marks,
// who reads a list, its order, the outcomes and the waits) are the
// domain's (calls.go); these pages ask them, as the services do.

// residentRow is one person found on /desk/residents, with the station's
// marks of them and a button to set or take off each.
type residentRow struct {
	*guli.User
	Marks   []string
	Toggles []markToggle
	Family  []familyRow // their family links, with the desk's buttons
}

type markToggle struct {
	Kind string
	On   bool // set now: the button takes it off
}

// residentRows puts the desk station's marks, and the family links, beside
// the people found.
func (h *Handlers) residentRows(r *http.Request, v *core.View, found []*guli.User) []residentRow {
	rows := make([]residentRow, len(found))
	var marks map[guli.ID][]string
	if v.Station != nil && len(found) > 0 {
		ids := make([]guli.ID, len(found))
		for i, u := range found {
			ids[i] = u.ID
		}
		var err error
		if marks, err = h.Marks.Marks(r.Context(), v.Station.ID, ids); err != nil {
			h.FormError(v, err)
		}
	}
	family := h.familyRows(r, v, found)
	for i, u := range found {
		rows[i] = residentRow{User: u, Marks: marks[u.ID], Family: family[u.ID]}
		if v.Station == nil {
			continue
		}
		for _, k := range guli.MarkKinds {
			rows[i].Toggles = append(rows[i].Toggles, markToggle{Kind: k, On: slices.Contains(rows[i].Marks, k)})
		}
	}
	return rows
}

// DeskMark sets or takes off one mark of a resident at the desk's
// station, with one tap, and goes back to the resident's row.
func (h *Handlers) DeskMark(w http.ResponseWriter, r *http.Request) error {
	if _, ok := h.requireStaff(w, r); !ok || !h.parseForm(w, r) {
		return nil
	}
	v := h.NewView(r, "residents.title", "desk")
	if v.Station == nil {
		h.RenderError(w, r, http.StatusNotFound)
		return nil
	}
	id, query := core.PathID(r, "id"), r.PostForm.Get("q")
	if id <= 0 {
		h.RenderError(w, r, http.StatusNotFound) // no person has that id
		return nil
	}
	// The buttons send on=1 or on=0; anything else (on=true) is refused,
	// not read as taking the mark off.
	var err error
	on := r.PostForm.Get("on") == "1"
	if !on && r.PostForm.Get("on") != "0" {
		err = guli.Invalid("on", guli.FRInvalid)
	} else {
		err = h.Marks.SetMark(r.Context(), guli.MarkInput{StationID: v.Station.ID, UserID: id, Kind: r.PostForm.Get("kind"), On: on})
	}
	if err != nil {
		if guli.ErrorCode(err) != guli.ECValidation {
			h.RenderErrorOf(w, r, err)
			return nil
		}
		status := h.FormError(v, err)
		if v.Alert == "" {
			v.Alert = v.T("marks.refused")
		}
		v.Form["q"] = query
		v.Data = residentsData{Query: query, Rows: h.residentRows(r, v, h.findResidents(r, v, query))}
		h.Render(w, r, status, "residents", v)
		return nil
	}
	notice := "mark_unset"
	if on {
		notice = "mark_set"
	}
	back(w, r, "/desk/residents?q="+url.QueryEscape(query)+"#resident-"+id.String(), notice)
	return nil
}

// callsData is a page of a call list as it is shown. Words said on every
// card are looked up once, here, not for each card in the template.
type callsData struct {
	*guli.CallList
	Path    string // the list's own address, where its forms post
	Back    string // the post or the roster
	Delays  []chip // the waits to choose from
	After   string // the wait chosen, as the address writes it
	Early   bool   // before the wait is over
	Buttons []tickButton
	Rows    []callRow // this page's people
	Page    int
	Prev    string // the links to the pages before and after, "" at either end
	Next    string
}

type tickButton struct{ Outcome, Label string }

// SharedKey is all the cards' shared form shows beside the language: the
// wait and the page it comes back to.
func (d *callsData) SharedKey() string { return d.After + "\x1f" + strconv.Itoa(d.Page) }

// callRow is one person on the page, all its template reads as fields of
// its own (a field of an embedded struct costs the template a search),
// with the number to ring and the latest outcome in words.
type callRow struct {
	ID         guli.ID
	Name, Area string
	Phone      string
	Tel        template.URL // "" without a number to ring
	Marks      []string
	Opened     bool
	Outcome    string
	Said       string // the outcome in words, its time, who ticked it and their note
	Ticks      int
}

// PostCalls is the call list of a safety alert or an urgent notice.
func (h *Handlers) PostCalls(w http.ResponseWriter, r *http.Request) error {
	return h.callList(w, r, guli.CallsOfPost, http.StatusOK, nil)
}

// ActivityCalls is the call list of a cancelled activity.
func (h *Handlers) ActivityCalls(w http.ResponseWriter, r *http.Request) error {
	return h.callList(w, r, guli.CallsOfActivity, http.StatusOK, nil)
}

// callPaths are a list's own address and the page it follows.
func callPaths(t guli.CallTarget) (path, back string) {
	if t.Kind == guli.CallsOfActivity {
		return "/desk/activities/" + t.ID.String() + "/calls", "/desk/activities/" + t.ID.String()
	}
	return "/desk/calls/" + t.ID.String(), "/notices/" + t.ID.String()
}

// callList shows a call list after the wait the address chooses (?after=),
// with failure (a tick refused) above it.
func (h *Handlers) callList(w http.ResponseWriter, r *http.Request, kind string, status int, failure error) error {
	if _, ok := h.requireLogin(w, r); !ok {
		return nil
	}
	t := guli.CallTarget{Kind: kind, ID: core.PathID(r, "id")}
	form := r.URL.Query()
	if r.Method == http.MethodPost {
		form = r.PostForm
	}
	delay, page, ok := callListPlace(form)
	if !ok {
		h.RenderError(w, r, http.StatusBadRequest) // no page makes that address
		return nil
	}
	l, err := h.Calls.CallList(r.Context(), t, delay)
	if err != nil {
		h.RenderErrorOf(w, r, err)
		return nil
	}
	v := h.NewView(r, "calls.title", "desk")
	path, backTo := callPaths(t)
	d := &callsData{CallList: l, Path: path, Back: backTo, After: guli.CallDelayName(delay), Early: l.Early(h.TimeNow())}
	for _, dl := range guli.CallDelays {
		name := guli.CallDelayName(dl)
		label := "calls.after." + name // each wait's, a test checks
		d.Delays = append(d.Delays, chip{Href: path + "?after=" + name, Label: v.T(label), Current: dl == delay})
	}
	said := map[string]string{}
	for _, o := range guli.CallOutcomes {
		do, done := "calls.do."+o, "calls.outcome."+o // each outcome's, a test checks
		d.Buttons, said[o] = append(d.Buttons, tickButton{Outcome: o, Label: v.T(do)}), v.T(done)
	}
	var entries []*guli.CallEntry
	entries, d.Page = l.Page(page)
	d.Rows = make([]callRow, len(entries))
	for i, e := range entries {
		row := callRow{ID: e.UserID, Name: e.Name, Area: e.Area, Phone: e.Phone, Marks: e.Marks, Opened: e.Opened, Outcome: e.Outcome, Ticks: e.Ticks}
		if guli.ValidPhone(e.Phone) {
			row.Tel = template.URL("tel:" + e.Phone)
		}
		if e.Outcome != "" {
			row.Said = said[e.Outcome] + " · " + v.Clock(e.TickedAt) + " · " + e.TickedBy
			if e.Note != "" {
				row.Said += "：" + e.Note
			}
		}
		d.Rows[i] = row
	}
	at := path + "?after=" + d.After + "&page="
	if d.Page > 1 {
		d.Prev = at + strconv.Itoa(d.Page-1)
	}
	if d.Page < l.Pages() {
		d.Next = at + strconv.Itoa(d.Page+1)
	}
	if failure != nil {
		status = h.FormError(v, failure)
		if v.Alert == "" {
			v.Alert = v.T("calls.refused")
		}
	}
	v.Data = d
	h.Render(w, r, status, "calls", v)
	return nil
}

// callListPlace reads where in a call list an address or a form is: the
// wait (?after=) and the page (?page=, from 1). Anything no page writes
// is not ok.
func callListPlace(form url.Values) (delay time.Duration, page int, ok bool) {
	delay, err := guli.ParseCallDelay("after", form.Get("after"))
	if err != nil {
		return 0, 0, false
	}
	page = 1
	if p := form.Get("page"); p != "" {
		if page, err = strconv.Atoi(p); err != nil || page < 1 {
			return 0, 0, false
		}
	}
	return delay, page, true
}

// PostCallTick and ActivityCallTick record one outcome for one person and
// go back to their place on the list.
func (h *Handlers) PostCallTick(w http.ResponseWriter, r *http.Request) error {
	return h.callTick(w, r, guli.CallsOfPost)
}

func (h *Handlers) ActivityCallTick(w http.ResponseWriter, r *http.Request) error {
	return h.callTick(w, r, guli.CallsOfActivity)
}

func (h *Handlers) callTick(w http.ResponseWriter, r *http.Request, kind string) error {
	if _, ok := h.requireLogin(w, r); !ok || !h.parseForm(w, r) {
		return nil
	}
	t := guli.CallTarget{Kind: kind, ID: core.PathID(r, "id")}
	person := guli.ParseID(r.PostForm.Get("user_id"))
	if _, _, ok := callListPlace(r.PostForm); !ok {
		h.RenderError(w, r, http.StatusBadRequest) // no page makes that address
		return nil
	}
	_, err := h.Calls.Tick(r.Context(), t, person, guli.CallInput{Outcome: r.PostForm.Get("outcome"), Note: r.PostForm.Get("note")})
	if err != nil {
		if guli.ErrorCode(err) != guli.ECValidation {
			h.RenderErrorOf(w, r, err)
			return nil
		}
		return h.callList(w, r, kind, 0, err)
	}
	path, _ := callPaths(t)
	place := url.Values{} // back to the wait and the page the form was on
	for _, k := range []string{"after", "page"} {
		if v := r.PostForm.Get(k); v != "" {
			place.Set(k, v)
		}
	}
	if len(place) > 0 {
		path += "?" + place.Encode()
	}
	back(w, r, path+"#person-"+person.String(), "call_recorded")
	return nil
}
