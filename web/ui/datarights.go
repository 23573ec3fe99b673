package ui

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"guli"
	"guli/web/core"
)

type dataField struct{ Key, Value string }

type dataSection struct {
	Name  string
	Count int
	Rows  [][]dataField
	More  bool // older records left out; the download has them
}

type myDataPage struct {
	// DownloadAlert says why the download was refused (too many today).
	DownloadAlert string
	Sections      []dataSection // every kind of record, with how many there are
	Audit         dataSection   // who touched my data, first on the page
	Open          *dataSection  // the kind asked for (?section=), its newest records
	// KeptAlone names those whom closing the account closes too.
	KeptAlone []string
}

// keptAloneNames names the dependents whom closing the account of the
// guardian of links closes too (guli.KeptAlone); a child the reader may
// not see by name is "a child".
func keptAloneNames(v *core.View, links []*guli.FamilyLink, guardian guli.ID) []string {
	var names []string
	for _, l := range guli.KeptAlone(links) {
		switch {
		case l.GuardianID != guardian:
		case l.Dependent == nil || l.Dependent.Name == "":
			names = append(names, v.T("family.a_child"))
		default:
			names = append(names, l.Dependent.Name)
		}
	}
	return names
}

// readable turns what MyData read into what the page shows: each field
// by its label, times in the reader's zone, ids left out (they mean
// nothing to a reader; the download keeps them).
func readable(v *core.View, x *guli.DataExport, loc *time.Location) []dataSection {
	var out []dataSection
	for _, s := range x.Sections {
		sec := dataSection{Name: s.Name, Count: s.Count, More: s.More}
		for _, row := range s.Rows {
			var fields []dataField
			for _, f := range row {
				if f.Key == "id" || strings.HasSuffix(f.Key, "_id") {
					continue
				}
				fields = append(fields, dataField{Key: f.Key, Value: shown(v, f.Value, loc)})
			}
			sec.Rows = append(sec.Rows, fields)
		}
		out = append(out, sec)
	}
	return out
}

func shown(v *core.View, value any, loc *time.Location) string {
	switch x := value.(type) {
	case nil:
		return "—"
	case time.Time:
		return v.DateTime(x.In(loc))
	case string:
		if x == "" {
			return "—"
		}
		return x
	case float64:
		return fmt.Sprintf("%.1f", x)
	}
	return fmt.Sprint(value)
}

// MyData shows a person everything kept about them, who touched it, the
// download of it all, and how to close the account.
func (h *Handlers) MyData(w http.ResponseWriter, r *http.Request) error {
	if _, ok := h.requireLogin(w, r); !ok {
		return nil
	}
	v := h.NewView(r, "data.title", "me")
	return h.renderMyData(w, r, v, http.StatusOK)
}

func (h *Handlers) renderMyData(w http.ResponseWriter, r *http.Request, v *core.View, status int) error {
	loc := core.DefaultZone
	if v.Station != nil {
		loc = v.Station.Location()
	}
	summary, err := h.DataRights.MyData(r.Context(), "")
	if err != nil {
		return err
	}
	var d myDataPage
	for _, sec := range readable(v, summary, loc) {
		if sec.Name == "audit" {
			d.Audit = sec
			continue
		}
		d.Sections = append(d.Sections, sec)
	}
	if name := r.URL.Query().Get("section"); name != "" {
		one, err := h.DataRights.MyData(r.Context(), name)
		if err != nil {
			return err
		}
		d.Open = &readable(v, one, loc)[0]
	}
	deps, err := h.Families.Dependents(r.Context())
	if err != nil {
		return err
	}
	d.KeptAlone = keptAloneNames(v, deps, v.User.ID)
	if v.Alert != "" && r.URL.Path == "/me/data/export" {
		d.DownloadAlert, v.Alert = v.Alert, "" // next to the button, not the closing form's
	}
	v.Data = d
	h.Render(w, r, status, "my_data", v)
	return nil
}

// MyDataDownload sends the person everything kept about them, as the
// API's download does (audited, throttled); a refusal is the data page
// saying why next to the button, rather than an error in JSON.
func (h *Handlers) MyDataDownload(w http.ResponseWriter, r *http.Request) error {
	if _, ok := h.requireLogin(w, r); !ok {
		return nil
	}
	x, err := h.DataRights.ExportMyData(r.Context())
	var body []byte
	if err == nil {
		body, err = core.ExportView{X: x}.MarshalJSON()
	}
	if err != nil {
		v := h.NewView(r, "data.title", "me")
		status := h.FormError(v, err)
		if status == http.StatusTooManyRequests {
			w.Header().Set("Retry-After", core.RetryAfter(err))
		}
		return h.renderMyData(w, r, v, status)
	}
	hd := w.Header()
	hd.Set("Content-Type", "application/json; charset=utf-8")
	hd.Set("Content-Disposition", `attachment; filename="`+core.ExportFileName(x)+`"`)
	hd.Set("Cache-Control", "no-store")
	hd.Set("X-Content-Type-Options", "nosniff")
	w.Write(body)
	return nil
}

// CloseMine closes the person's own account: the password, and a box
// ticked to say they understand, are the confirmation.
func (h *Handlers) CloseMine(w http.ResponseWriter, r *http.Request) error {
	if _, ok := h.requireLogin(w, r); !ok {
		return nil
	}
	if !h.parseForm(w, r) {
		return nil
	}
	v := h.NewView(r, "data.title", "me")
	if r.PostForm.Get("confirm") != "1" {
		h.FormError(v, guli.Invalid("confirm", guli.FRRequired))
		return h.renderMyData(w, r, v, http.StatusUnprocessableEntity)
	}
	_, err := h.DataRights.CloseAccount(r.Context(), guli.CloseInput{Password: r.PostForm.Get("password"), ClientAddr: h.ClientAddr(r)})
	if err != nil {
		status := h.FormError(v, err)
		return h.renderMyData(w, r, v, status)
	}
	h.ClearSessionCookie(w)
	v.User = nil
	h.Render(w, r, http.StatusOK, "account_closed", v)
	return nil
}

type deskCloseData struct {
	Person *guli.User
	// KeptAlone names those whom closing the account closes too.
	KeptAlone []string
}

// deskClosePerson loads the person staff are about to close the account
// of; another station's answers as if there were none.
func (h *Handlers) deskClosePerson(w http.ResponseWriter, r *http.Request) (*guli.User, *core.View, bool) {
	actor, ok := h.requireStaff(w, r)
	if !ok {
		return nil, nil, false
	}
	person, err := h.Accounts.User(r.Context(), core.PathID(r, "id"))
	if err == nil {
		err = guli.MayOfferClosing(actor, person)
	}
	if err != nil {
		h.Fail(w, r, core.StatusOf(guli.ErrorCode(err)), err)
		return nil, nil, false
	}
	v := h.NewView(r, "data.desk_close_title", "desk")
	links, err := h.Families.LinksOf(r.Context(), []guli.ID{person.ID})
	if err != nil {
		h.Fail(w, r, core.StatusOf(guli.ErrorCode(err)), err)
		return nil, nil, false
	}
	v.Data = deskCloseData{Person: person, KeptAlone: keptAloneNames(v, links, person.ID)}
	return person, v, true
}

// DeskClose asks staff to confirm closing a resident's account.
func (h *Handlers) DeskClose(w http.ResponseWriter, r *http.Request) error {
	_, v, ok := h.deskClosePerson(w, r)
	if !ok {
		return nil
	}
	h.Render(w, r, http.StatusOK, "desk_close", v)
	return nil
}

// DeskClosePost closes a resident's account at the desk, once confirmed.
func (h *Handlers) DeskClosePost(w http.ResponseWriter, r *http.Request) error {
	if _, ok := h.requireStaff(w, r); !ok {
		return nil
	}
	if !h.parseForm(w, r) {
		return nil
	}
	person, v, ok := h.deskClosePerson(w, r)
	if !ok {
		return nil
	}
	if r.PostForm.Get("confirm") != "1" {
		status := h.FormError(v, guli.Invalid("confirm", guli.FRRequired))
		h.Render(w, r, status, "desk_close", v)
		return nil
	}
	if _, err := h.DataRights.CloseAccount(r.Context(), guli.CloseInput{UserID: person.ID, ClientAddr: h.ClientAddr(r)}); err != nil {
		status := h.FormError(v, err)
		h.Render(w, r, status, "desk_close", v)
		return nil
	}
	back(w, r, "/desk/audit?user_id="+person.ID.String(), "account_closed")
	return nil
}

// auditFamilies are the kinds of action the desk's search offers.
var auditFamilies = []string{"user.", "health.", "registration.", "help.", "poll.", "timebank.", "team.",
	"nomination.", "council.", "post.", "meeting.", "resolution.", "proposal.", "station.", "volunteer.", "mark.", "calls.", "family."}

type deskAuditData struct {
	Entries  []*guli.AuditEntry
	Families []string
	Older    string // the address of the next page, "" on the last
	Subject  string // the person's id the list is narrowed to
	Actor    string
}

// DeskAudit searches the audit log: by person, kind of action, actor and
// dates, newest first, a page at a time.
func (h *Handlers) DeskAudit(w http.ResponseWriter, r *http.Request) error {
	if _, ok := h.requireStaff(w, r); !ok {
		return nil
	}
	v := h.NewView(r, "audit.title", "desk")
	q := r.URL.Query()
	for _, k := range []string{"q", "action", "from", "to"} {
		v.Form[k] = q.Get(k)
	}
	d := deskAuditData{Families: auditFamilies, Subject: q.Get("user_id"), Actor: q.Get("actor_id")}
	loc := core.DefaultZone
	if v.Station != nil {
		loc = v.Station.Location()
	}
	f := guli.AuditFilter{Person: v.Form["q"], Action: v.Form["action"]}
	if d.Subject != "" {
		f.SubjectID = guli.ParseID(d.Subject)
	}
	if d.Actor != "" {
		f.ActorID = guli.ParseID(d.Actor)
	}
	cursor := q.Get("cursor")
	from, to, err := guli.AuditRange(v.Form["from"], v.Form["to"], loc)
	var page guli.Page[*guli.AuditEntry]
	if err == nil {
		f.From, f.To = from, to
		page, err = h.Audit.SearchAudit(r.Context(), f, guli.ListOptions{Limit: 20, Cursor: cursor})
	}
	status := http.StatusOK
	if err != nil {
		status = h.FormError(v, err)
		v.RenameErrors(map[string]string{"cursor": "q", "user_id": "q", "actor_id": "q"})
	}
	for _, e := range page.Items {
		e.CreatedAt = e.CreatedAt.In(loc)
	}
	d.Entries = page.Items
	if page.NextCursor != "" {
		next := url.Values{}
		for k, vals := range q {
			if k != "cursor" && k != "notice" {
				next[k] = vals
			}
		}
		next.Set("cursor", page.NextCursor)
		d.Older = "/desk/audit?" + next.Encode()
	}
	v.Data = d
	h.Render(w, r, status, "desk_audit", v)
	return nil
}
