package ui

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"guli"
	"guli/web/core"
)

// Pages of mutual aid (邻里互助): the open requests of the station, asking
// for help, a request's page with what the reader may do about it, and a
// volunteer's services. What may be done is what the domain says
// (HelpRequest.CheckClaim and the rest), the same rules the API answers by.

// helpCard is one request in a list, with its words made here rather
// than in the template: a long list is kept card by card (View.Part)
// under Key, all the card shows beside the request's row.
type helpCard struct {
	*guli.HelpRequest
	Area     string // the requester's area, "" when unknown
	Overdue  bool
	CanClaim bool
	Ago      string // how long ago it was asked
	Needed   string // by when it is needed, "" for whenever
	Key      string
}

// areaNames maps a station's areas to their names.
func areaNames(st *guli.Station) map[guli.ID]string {
	names := map[guli.ID]string{}
	if st != nil {
		for _, a := range st.Areas {
			names[a.ID] = a.Name
		}
	}
	return names
}

// helpCards makes the cards of a list, all from the one query's rows.
func (h *Handlers) helpCards(v *core.View, items []*guli.HelpRequest, names map[guli.ID]string) []helpCard {
	return h.helpCardsAt(v, items, names, h.TimeNow())
}

// helpCardsAt is helpCards saying what is overdue at now.
func (h *Handlers) helpCardsAt(v *core.View, items []*guli.HelpRequest, names map[guli.ID]string, now time.Time) []helpCard {
	cards := make([]helpCard, len(items))
	for i, req := range items {
		c := helpCard{HelpRequest: req, Area: names[req.AreaID], Overdue: req.Overdue(now), CanClaim: req.CheckClaim(v.User) == nil,
			Ago: v.T("help.asked_ago", v.Ago(req.CreatedAt))}
		if !req.NeededBy.IsZero() {
			c.Needed = v.T("help.needed_by", v.DateTime(req.NeededBy))
		}
		c.Key = strings.Join([]string{req.ID.String(), c.Area, strconv.FormatBool(c.Overdue), strconv.FormatBool(c.CanClaim), c.Ago}, "\x1f")
		cards[i] = c
	}
	return cards
}

type helpHomeData struct {
	Cards      []helpCard
	Chips      []chip // the categories
	Areas      []*guli.Area
	Category   string
	Area       guli.ID
	Volunteer  bool
	Categories []string
}

// helpHomeMost is how many open requests the list shows.
const helpHomeMost = guli.MaxLimit

// HelpHome is mutual aid's home: for the signed-in, the button to ask for help
// and the station's open requests, by category and area (unknown choices
// are ignored); for visitors, what it is and a way to sign in.
func (h *Handlers) HelpHome(w http.ResponseWriter, r *http.Request) error {
	v := h.NewView(r, "part.help", "help")
	d := helpHomeData{Categories: guli.HelpCategories, Volunteer: v.User.Has(guli.RoleVolunteer)}
	v.Data = &d
	if v.User == nil || v.Station == nil {
		h.Render(w, r, http.StatusOK, "help", v)
		return nil
	}
	q := r.URL.Query()
	if c := q.Get("category"); slices.Contains(guli.HelpCategories, c) {
		d.Category = c
	}
	d.Areas = v.Station.Areas
	names := areaNames(v.Station)
	if id := guli.ParseID(q.Get("area")); names[id] != "" {
		d.Area = id
	}
	link := func(category string) string {
		u := url.Values{}
		if category != "" {
			u.Set("category", category)
		}
		if d.Area != 0 {
			u.Set("area", d.Area.String())
		}
		if len(u) == 0 {
			return "/help"
		}
		return "/help?" + u.Encode()
	}
	d.Chips = append(d.Chips, chip{Href: link(""), Label: v.T("category.all"), Current: d.Category == ""})
	for _, c := range guli.HelpCategories {
		d.Chips = append(d.Chips, chip{Href: link(c), Label: v.T("helpcat." + c), Current: c == d.Category})
	}
	page, err := h.Help.HelpRequests(r.Context(), guli.HelpFilter{StationID: v.Station.ID, Status: guli.HelpOpen, Category: d.Category, AreaID: d.Area},
		guli.ListOptions{Limit: helpHomeMost})
	if err != nil {
		h.FormError(v, err)
	}
	d.Cards = h.helpCards(v, page.Items, names)
	h.Render(w, r, http.StatusOK, "help", v)
	return nil
}

type newHelpData struct {
	Categories []string
	For        *guli.User // the resident staff ask for; nil: for oneself
	// People are the choice of whom to ask for, the reader and the
	// people they act for (我的家人); none when there is nobody else.
	People []personChip
}

// NewHelp is the form to ask for help: a category, a title, and if one
// likes a description and when by. A reader who acts for family chooses
// whom it is for, ?for= one of them chosen at first. Staff reach it from
// the desk with ?for= a resident of their stations, to ask on their
// behalf; anyone else's ?for= is not found.
func (h *Handlers) NewHelp(w http.ResponseWriter, r *http.Request) error {
	if _, ok := h.requireLogin(w, r); !ok {
		return nil
	}
	v := h.NewView(r, "help.new_title", "help")
	d := &newHelpData{Categories: guli.HelpCategories}
	v.Data = d
	if !h.askingFor(w, r, v, d, r.URL.Query().Get("for")) {
		return nil
	}
	h.Render(w, r, http.StatusOK, "help_new", v)
	return nil
}

// askingFor sets whom the form asks for, raw naming them by id ("" for
// the reader): one of the people the reader acts for, or for staff a
// resident of their stations (behalfOf). Anyone else is not found and
// answered so; ok is false when the page has been answered.
func (h *Handlers) askingFor(w http.ResponseWriter, r *http.Request, v *core.View, d *newHelpData, raw string) (ok bool) {
	acting, err := h.chooseActingFor(r, v, raw, func(id string) string { return "/help/new?for=" + id })
	if guli.ErrorCode(err) == guli.ECNotFound && v.User.IsStaff() {
		person, ok := h.behalfOf(w, r, guli.ParseID(raw))
		if !ok {
			return false
		}
		d.For = person
		v.Form["on_behalf_of"] = person.ID.String()
		return true
	}
	if err != nil {
		h.RenderError(w, r, core.StatusOf(guli.ErrorCode(err)))
		return false
	}
	d.People = acting.People
	v.Form["on_behalf_of"] = ""
	if acting.For != nil {
		v.Form["on_behalf_of"] = acting.For.ID.String()
	}
	return true
}

// behalfOf is the resident staff act for, when theirs to act for; others
// answer as if there were nobody (404).
func (h *Handlers) behalfOf(w http.ResponseWriter, r *http.Request, id guli.ID) (*guli.User, bool) {
	person, err := h.Accounts.User(r.Context(), id)
	if err == nil && !guli.UserFromContext(r.Context()).SeesPrivateDataOf(person) {
		err = guli.Errorf(guli.ECNotFound)
	}
	if err != nil {
		h.RenderError(w, r, core.StatusOf(guli.ErrorCode(err)))
		return nil, false
	}
	return person, true
}

// NewHelpPost asks for help, and goes to the request's page.
func (h *Handlers) NewHelpPost(w http.ResponseWriter, r *http.Request) error {
	if _, ok := h.requireLogin(w, r); !ok {
		return nil
	}
	if !h.parseForm(w, r) {
		return nil
	}
	v := h.NewView(r, "help.new_title", "help")
	d := &newHelpData{Categories: guli.HelpCategories}
	v.Data = d
	for _, f := range []string{"category", "title", "description", "needed_date", "needed_time", "on_behalf_of"} {
		v.Form[f] = r.PostForm.Get(f)
	}
	in := guli.HelpRequestInput{Title: v.Form["title"], Description: v.Form["description"], Category: v.Form["category"]}
	if !slices.Contains(guli.HelpCategories, in.Category) {
		v.Form["category"] = "" // none of the choices to mark, nor to keep the choices by
	}
	// Whom it is for: the reader, one of the people they act for, or for
	// staff a resident of theirs; a number is needed to tell.
	p := guli.Problems{}
	if raw := v.Form["on_behalf_of"]; raw != "" && guli.ParseID(raw) == guli.NoID {
		p.Add("on_behalf_of", guli.FRInvalid)
		if !h.askingFor(w, r, v, d, "") {
			return nil
		}
		v.Form["on_behalf_of"] = raw
	} else if !h.askingFor(w, r, v, d, raw) {
		return nil
	}
	if d.For != nil {
		in.OnBehalfOf = d.For.ID
	} else if v.ActingFor != nil {
		in.OnBehalfOf = v.ActingFor.ID
	}
	// The date and time of the form are one time to the service; a date
	// without a time means by the evening.
	date, clock := strings.TrimSpace(v.Form["needed_date"]), strings.TrimSpace(v.Form["needed_time"])
	loc := core.DefaultZone
	if v.Station != nil {
		loc = v.Station.Location()
	}
	switch {
	case date == "" && clock != "":
		p.Add("needed_date", guli.FRRequired)
	case date != "":
		if clock == "" {
			clock = helpEvening
		}
		if _, ok := guli.ParseDate(date); !ok {
			p.Add("needed_date", guli.FRDate)
		} else if in.NeededBy = formTime(date, clock, loc); in.NeededBy.IsZero() {
			p.Add("needed_time", guli.FRInvalid)
		}
	}
	var req *guli.HelpRequest
	err := p.Err()
	if err != nil {
		// Say what else is wrong at the same time.
		for field, reason := range guli.AsError(in.Validate(h.TimeNow())).Fields {
			p.Add(field, reason)
		}
		err = p.Err()
	} else {
		req, err = h.Help.AskForHelp(r.Context(), in)
	}
	if err != nil {
		status := h.FormError(v, err)
		v.RenameErrors(map[string]string{"needed_by": "needed_date"})
		if msg := v.Errors["on_behalf_of"]; msg != "" && v.Alert == "" {
			v.Alert = msg
			if d.For == nil {
				v.Alert = v.T("acting.bad_person")
			}
		}
		h.Render(w, r, status, "help_new", v)
		return nil
	}
	switch {
	case v.ActingFor != nil:
		back(w, r, "/help/"+req.ID.String(), "help_asked_family")
		return nil
	case in.OnBehalfOf != 0:
		back(w, r, "/help/"+req.ID.String(), "help_filed")
		return nil
	}
	back(w, r, "/help/"+req.ID.String(), "help_asked")
	return nil
}

// helpEvening is the time of a needed-by date given without one.
const helpEvening = "18:00"

// helpActions are the buttons the reader gets on a request's page: those
// the domain allows them.
type helpActions struct {
	Claim, Release, Done, Confirm, Cancel bool
}

func actionsOn(req *guli.HelpRequest, u *guli.User) helpActions {
	return helpActions{
		Claim:   req.CheckClaim(u) == nil,
		Release: req.CheckRelease(u) == nil,
		Done:    req.CheckDone(u, guli.MinServiceMinutes) == nil,
		Confirm: req.CheckConfirm(u, guli.ConfirmInput{}) == nil,
		Cancel:  req.CheckCancel(u) == nil,
	}
}

// Any reports whether the reader may do anything at all.
func (a helpActions) Any() bool { return a.Claim || a.Release || a.Done || a.Confirm || a.Cancel }

type helpPageData struct {
	Request *guli.HelpRequest
	Area    string
	Phone   string // the requester's phone, for those who may call them
	// FamilyPhone is the phone of the guardian who asked for them, for the
	// same readers.
	FamilyPhone string
	Actions     helpActions
	Overdue     bool
	// Staff is whether the reader looks after the request's station: the
	// staff part of the page.
	Staff   bool
	Ratings []int
	// Candidates are the volunteers who could help an open request, for
	// its requester and staff of its station.
	Candidates []core.CandidateView
	// Balance is the requester's own minutes when they could pay the
	// service from them; 0 when they cannot.
	Balance int
}

// HelpRequestPage is a request's page: what is asked, its story so far, the
// requester's phone for those who may call, and the buttons the reader
// may press.
func (h *Handlers) HelpRequestPage(w http.ResponseWriter, r *http.Request) error {
	if _, ok := h.requireLogin(w, r); !ok {
		return nil
	}
	h.renderHelpRequest(w, r, http.StatusOK, nil)
	return nil
}

// renderHelpRequest shows the request's page as it now is, with the error
// of a failed action above it or next to its field.
func (h *Handlers) renderHelpRequest(w http.ResponseWriter, r *http.Request, status int, failure error) {
	req, err := h.Help.HelpRequest(r.Context(), core.PathID(r, "id"))
	if err != nil {
		h.RenderError(w, r, core.StatusOf(guli.ErrorCode(err)))
		return
	}
	v := h.NewView(r, "help.request_title", "help")
	d := helpPageData{Request: req, Actions: actionsOn(req, v.User), Overdue: req.Overdue(h.TimeNow()),
		Staff: v.User.WorksAt(req.StationID), Ratings: []int{5, 4, 3, 2, 1}}
	if req.SeesRequesterContact(v.User) {
		d.Phone, d.FamilyPhone = req.RequesterPhone, req.FamilyPhone
	}
	if st, err := h.Stations.Station(r.Context(), req.StationID); err == nil {
		d.Area = areaNames(st)[req.AreaID]
	}
	if req.Status == guli.HelpOpen && req.CheckSeeCandidates(v.User) == nil {
		if cs, err := h.Help.Candidates(r.Context(), req.ID); err == nil {
			for _, c := range cs {
				d.Candidates = append(d.Candidates, h.ViewCandidate(v.Lang, c))
			}
		}
	}
	if req.CheckConfirm(v.User, guli.ConfirmInput{PayFromBalance: true}) == nil {
		if st, err := h.TimeBank.MyTimeBank(r.Context()); err == nil && st.BalanceMinutes >= req.Minutes {
			d.Balance = st.BalanceMinutes
		}
	}
	for _, f := range []string{"minutes", "rating", "comment", "pay"} {
		v.Form[f] = r.PostFormValue(f)
	}
	if failure != nil {
		status = h.FormError(v, failure)
	}
	v.Data = d
	h.Render(w, r, status, "help_request", v)
}

// helpAction does one thing (action) to the request of the path for the
// reader, and reports whether it went well; if not, it has answered with
// the request's page and what went wrong. Refused because it was done
// already, by the reader's press a moment ago (a double tap, the form sent
// again), it went well.
func (h *Handlers) helpAction(w http.ResponseWriter, r *http.Request, action string, do func(ctx context.Context, id guli.ID) error) bool {
	u, ok := h.requireLogin(w, r)
	if !ok {
		return false
	}
	if !h.parseForm(w, r) {
		return false
	}
	id := core.PathID(r, "id")
	err := do(r.Context(), id)
	if err == nil {
		return true
	}
	switch guli.ErrorCode(err) {
	case guli.ECNotOpen, guli.ECNotDone, guli.ECNotCancellable, guli.ECForbidden:
		if req, rerr := h.Help.HelpRequest(r.Context(), id); rerr == nil && req.Already(action, u) {
			return true
		}
	}
	h.renderHelpRequest(w, r, 0, err)
	return false
}

// helpNext is where an action on a request goes back to: the page the
// form names (the desk's list), else the request's page.
func helpNext(r *http.Request) string {
	if next := r.PostForm.Get("next"); next != "" {
		return localPath(next)
	}
	return "/help/" + core.PathID(r, "id").String()
}

func (h *Handlers) ClaimHelp(w http.ResponseWriter, r *http.Request) error {
	if h.helpAction(w, r, "claim", func(ctx context.Context, id guli.ID) error { _, err := h.Help.Claim(ctx, id); return err }) {
		back(w, r, helpNext(r), "help_claimed")
	}
	return nil
}

func (h *Handlers) ReleaseHelp(w http.ResponseWriter, r *http.Request) error {
	if h.helpAction(w, r, "release", func(ctx context.Context, id guli.ID) error { _, err := h.Help.Release(ctx, id); return err }) {
		back(w, r, helpNext(r), "help_released")
	}
	return nil
}

// HelpDone records the service done and how many minutes it took.
func (h *Handlers) HelpDone(w http.ResponseWriter, r *http.Request) error {
	done := func(ctx context.Context, id guli.ID) error {
		_, err := h.Help.Done(ctx, id, formInt(r.PostForm.Get("minutes")))
		return err
	}
	if h.helpAction(w, r, "done", done) {
		back(w, r, helpNext(r), "help_done")
	}
	return nil
}

// ConfirmHelp closes a done request, with a rating if one was chosen.
func (h *Handlers) ConfirmHelp(w http.ResponseWriter, r *http.Request) error {
	confirm := func(ctx context.Context, id guli.ID) error {
		rating := 0
		if s := strings.TrimSpace(r.PostForm.Get("rating")); s != "" {
			rating = formInt(s)
		}
		_, err := h.Help.Confirm(ctx, id, guli.ConfirmInput{Rating: rating, Comment: r.PostForm.Get("comment"),
			PayFromBalance: r.PostForm.Get("pay") == "1"})
		return err
	}
	if h.helpAction(w, r, "confirm", confirm) {
		back(w, r, helpNext(r), "help_confirmed")
	}
	return nil
}

func (h *Handlers) CancelHelp(w http.ResponseWriter, r *http.Request) error {
	if h.helpAction(w, r, "cancel", func(ctx context.Context, id guli.ID) error { _, err := h.Help.CancelHelp(ctx, id); return err }) {
		back(w, r, helpNext(r), "help_cancelled")
	}
	return nil
}

type myServicesData struct {
	Served []helpCard // requests the reader claimed as a volunteer
	Asked  []helpCard // requests the reader asked
	// Volunteer is whether the reader volunteers: only they have services.
	Volunteer bool
	More      bool // there are older ones than the page shows
	Shown     int
}

// myServicesMost is how many of their newest requests a person's page
// lists, those they took and those they asked together.
const myServicesMost = 50

// MyServices is a person's part in mutual aid, from one list: the
// requests they took on as a volunteer, and those they asked.
func (h *Handlers) MyServices(w http.ResponseWriter, r *http.Request) error {
	u, ok := h.requireLogin(w, r)
	if !ok {
		return nil
	}
	v := h.NewView(r, "services.title", "me")
	page, err := h.Help.HelpRequests(r.Context(), guli.HelpFilter{Mine: true}, guli.ListOptions{Limit: myServicesMost})
	if err != nil {
		return err
	}
	d := myServicesData{Volunteer: u.Has(guli.RoleVolunteer), More: page.NextCursor != "", Shown: myServicesMost}
	for _, c := range h.helpCards(v, page.Items, areaNames(v.Station)) {
		if c.VolunteerID == u.ID {
			d.Served = append(d.Served, c)
		} else {
			d.Asked = append(d.Asked, c)
		}
	}
	v.Data = d
	h.Render(w, r, http.StatusOK, "my_services", v)
	return nil
}
