package core

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"text/template/parse"
	"time"

	"guli"
	"guli/i18n"
)

// View is what every page template gets.
type View struct {
	Lang    string
	Title   string // catalogue key of the page title
	Elder   bool
	User    *guli.User
	Station *guli.Station
	Path    string // the current path, where the switches come back to
	Here    string // the current path and query (less any notice), where forms come back to
	Nav     string // the navigation item to mark as current
	Form    map[string]string
	Errors  map[string]string // field → translated reason
	Alert   string            // translated message above the form
	Notice  string            // translated good news
	Data    any
	Unread  int // unread notifications of the signed-in user
	Refresh int // seconds after which the page reloads itself; 0: never
	// DeskStations are the stations the staff member works at, for the
	// desk's switcher; set on the desk's pages when there are several.
	DeskStations []*guli.Station
	// ActingFor is the dependent the page's sign-up buttons act for,
	// chosen at its top (我的家人); nil: the reader themself.
	ActingFor *guli.User
	cat       *i18n.Catalog
	now       time.Time       // the services' clock, when the page was asked for
	ctx       context.Context // the request's: its reads say how long parts are kept
	changes   Versioner
	page      *template.Template
	kept      *fragmentCache // nil: render every part afresh
	req       *RequestInfo
}

// ReadFailed marks the page as made without all it should show: none of
// it is kept, whole or in parts, for other readers.
func (v *View) ReadFailed() {
	v.kept = nil
	if v.req != nil {
		v.req.Incomplete = true
	}
}

// Card renders one activity's card in a list: what it is, when, the
// places left and the reader's sign-up. Cards are kept (see fragmentCache)
// by everything they show: the activity as the page read it, the
// language, the reader's place on it, whether it has started, whether the
// reader is signed in and where its forms come back to.
func (v *View) Card(a *guli.Activity, next string, showDay bool) (template.HTML, error) {
	render := func() (template.HTML, error) {
		return v.execute("activity-card", map[string]any{"V": v, "A": a, "Next": next, "ShowDay": showDay})
	}
	if v.kept == nil || v.page == nil {
		return render()
	}
	mine := ""
	if r := a.MyRegistration; r != nil {
		mine = r.Status + strconv.Itoa(r.Position)
	}
	key := strings.Join([]string{"activity-card", a.ID.String(), v.Lang, mine, strconv.FormatBool(v.Past(a.Start)), strconv.FormatBool(v.User != nil),
		strconv.FormatBool(showDay), next, v.ActingForKey(), strconv.FormatBool(v.OutOfAges(a))}, "\x1f")
	return v.kept.get(v.ctx, v.changes, key, render)
}

// ActingForKey is what a kept part shows of the person its buttons act
// for (their id, and their name on the buttons); "" for the reader
// themself. Whether an activity takes their age is the part's to hold
// (OutOfAges), not their birth year, so readers alike share it.
func (v *View) ActingForKey() string {
	if p := v.ActingFor; p != nil {
		return p.ID.String() + ":" + p.Name
	}
	return ""
}

// OutOfAges reports whether the person the page acts for, or the reader,
// is outside an activity's ages (Activity.AgeRange), to say so in place
// of a button that would be refused.
func (v *View) OutOfAges(a *guli.Activity) bool {
	p := v.ActingFor
	if p == nil {
		p = v.User
	}
	return p != nil && a.AgeRange(p) != nil
}

// Keep renders the part named name, with the view as its data, and keeps
// it (see fragmentCache) under the name, the language, what the page read
// and key. Only parts alike for many readers are worth keeping, and key
// must hold everything else the part shows: what the reader sees of
// themselves never goes in a kept part.
func (v *View) Keep(name string, key ...any) (template.HTML, error) {
	render := func() (template.HTML, error) { return v.execute(name, v) }
	if v.kept == nil || v.page == nil {
		return render()
	}
	parts := []string{name, v.Lang}
	for _, k := range key {
		parts = append(parts, fmt.Sprint(k))
	}
	return v.kept.get(v.ctx, v.changes, strings.Join(parts, "\x1f"), render)
}

// Part renders the part named name with data and keeps it (see
// fragmentCache) under the name, the language, what the page read and key.
// Data must be what a row of the database shows at that version, and key
// all else the part shows: of the reader, and of the clock. Cards in long
// lists are worth it: each costs a template's walk.
func (v *View) Part(name string, data any, key string) (template.HTML, error) {
	render := func() (template.HTML, error) { return v.execute(name, data) }
	if v.kept == nil || v.page == nil {
		return render()
	}
	return v.kept.get(v.ctx, v.changes, name+"\x1f"+v.Lang+"\x1f"+key, render)
}

// execute renders the part named name of the page with data.
func (v *View) execute(name string, data any) (template.HTML, error) {
	var buf bytes.Buffer
	err := v.page.ExecuteTemplate(&buf, name, data)
	return template.HTML(buf.String()), err
}

// Keyed is an item of a list of parts (View.Parts): PartKey is all its
// part shows beside the item's rows as the page read them, as Part's key;
// "" renders the item's part afresh, unkept (a card whose form failed).
type Keyed interface{ PartKey() string }

// Parts renders each item of list, a slice of Keyed, with the part named
// name, kept as Part keeps it. One call for a whole list spares the
// template a walk of its own for each item, which a page of twenty cards
// feels.
func (v *View) Parts(name string, list any) (template.HTML, error) {
	items := reflect.ValueOf(list)
	if items.Kind() != reflect.Slice {
		return "", fmt.Errorf("parts %s: %T is not a list", name, list)
	}
	parts, size := make([]template.HTML, items.Len()), 0
	for i := range parts {
		item, ok := items.Index(i).Interface().(Keyed)
		if !ok {
			return "", fmt.Errorf("parts %s: %T has no PartKey", name, items.Index(i).Interface())
		}
		var err error
		if key := item.PartKey(); key != "" {
			parts[i], err = v.Part(name, item, key)
		} else {
			parts[i], err = v.execute(name, item)
		}
		if err != nil {
			return "", err
		}
		size += len(parts[i])
	}
	var b strings.Builder
	b.Grow(size)
	for _, p := range parts {
		b.WriteString(string(p))
	}
	return template.HTML(b.String()), nil
}

// Chrome renders the header and the menu, kept by all they show: the
// page, its place in the menu, the switches, who is reading (by kind, not
// by name) and their count of unread notices.
func (v *View) Chrome() (template.HTML, error) {
	var station guli.ID
	if v.Station != nil {
		station = v.Station.ID
	}
	return v.Keep("chrome", v.Here, v.Nav, v.Elder, v.User != nil, v.IsStaff(), v.Unread, station)
}

// Clock formats the time of day: 09:30.
func (v *View) Clock(t time.Time) string { return t.Format("15:04") }

// Day names a date the way people say it: 12月2日 星期三.
func (v *View) Day(t time.Time) string {
	return v.T("date.md", t.Month(), t.Day()) + " " + v.T("weekday."+guli.WeekdayKey(t.Weekday()))
}

// DateTime is a day and a time: 12月2日 星期三 09:30.
func (v *View) DateTime(t time.Time) string { return v.Day(t) + " " + v.Clock(t) }

// Ago says how long before the page t was, as people say it: 刚刚,
// 5分钟前, 3小时前, 2天前.
func (v *View) Ago(t time.Time) string {
	d := v.now.Sub(t)
	switch {
	case d < time.Minute:
		return v.T("ago.just_now")
	case d < time.Hour:
		return v.T("ago.minutes", int(d/time.Minute))
	case d < 24*time.Hour:
		return v.T("ago.hours", int(d/time.Hour))
	}
	return v.T("ago.days", int(d/(24*time.Hour)))
}

// Duration says minutes of service in hours and minutes: 1小时30分钟.
func (v *View) Duration(minutes int) string {
	sign := ""
	if minutes < 0 {
		sign, minutes = "-", -minutes
	}
	h, m := minutes/60, minutes%60
	switch {
	case h == 0:
		return sign + v.T("duration.m", m)
	case m == 0:
		return sign + v.T("duration.h", h)
	}
	return sign + v.T("duration.hm", h, m)
}

// Past reports whether t has come: an activity that started takes no
// more sign-ups.
func (v *View) Past(t time.Time) bool { return !v.now.Before(t) }

// Now is the services' clock when the page was asked for.
func (v *View) Now() time.Time { return v.now }

// IsStaff reports whether the reader is staff.
func (v *View) IsStaff() bool { return v.User.IsStaff() }

// IsVolunteer reports whether the reader volunteers.
func (v *View) IsVolunteer() bool { return v.User != nil && v.User.Has(guli.RoleVolunteer) }

// T translates a catalogue key in the page's language.
func (v *View) T(key string, args ...any) string { return v.cat.T(v.Lang, key, args...) }

// OtherLang is the language the switch offers.
func (v *View) OtherLang() string {
	if v.Lang == i18n.English {
		return i18n.Chinese
	}
	return i18n.English
}

// tryAgainIn tells a person turned away by a throttle when to come back:
// in seconds when it is soon, else in minutes.
func (v *View) tryAgainIn(wait time.Duration) string {
	if wait < 90*time.Second {
		return v.T("error.rate_limited_seconds", int((max(wait, time.Second)+time.Second-1)/time.Second))
	}
	return v.T("error.rate_limited_minutes", int((wait+time.Minute-1)/time.Minute))
}

// parsed holds the pages parsed with each catalogue. Parsed pages are
// read-only and hold nothing of a server, so servers of one catalogue
// share them: a test binary starts hundreds of servers, and parsing took
// over half a second each under the race detector.
var parsed sync.Map // *i18n.Catalog → func() (map[string]map[string]*template.Template, error)

func pagesFor(cat *i18n.Catalog) (map[string]map[string]*template.Template, error) {
	parse, _ := parsed.LoadOrStore(cat, sync.OnceValues(func() (map[string]map[string]*template.Template, error) {
		return parsePages(cat)
	}))
	return parse.(func() (map[string]map[string]*template.Template, error))()
}

// parsePages parses each page template together with the layout.
func parsePages(cat *i18n.Catalog) (map[string]map[string]*template.Template, error) {
	files, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		return nil, err
	}
	sets := map[string]map[string]*template.Template{}
	for _, lang := range i18n.Languages {
		funcs := template.FuncMap{"dict": dict, "mask": guli.MaskPhone, "tel": telURL, "inc": func(i int) int { return i + 1 },
			"T": func(key string, args ...any) string { return cat.T(lang, key, args...) }}
		layout, err := template.New("layout").Funcs(funcs).ParseFS(templateFiles, "templates/layout.html", "templates/partials/*.html")
		if err != nil {
			return nil, err
		}
		pages := map[string]*template.Template{}
		for _, f := range files {
			name := strings.TrimSuffix(path.Base(f), ".html")
			if name == "layout" {
				continue
			}
			t, err := template.Must(layout.Clone()).ParseFS(templateFiles, f)
			if err != nil {
				return nil, fmt.Errorf("template %s: %w", name, err)
			}
			for _, part := range t.Templates() {
				if part.Tree != nil {
					translateConstants(part.Tree.Root, func(key string) string { return cat.T(lang, key) })
				}
			}
			pages[name] = t
		}
		sets[lang] = pages
	}
	return sets, nil
}

// translateConstants puts the text in place of every {{T "key"}} whose key
// is written out, once when the templates are read: most of a page's
// words then cost nothing when it is shown. Calls with a computed key or
// with arguments stay calls.
func translateConstants(n parse.Node, t func(key string) string) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n != nil {
			for _, c := range n.Nodes {
				translateConstants(c, t)
			}
		}
	case *parse.ActionNode:
		translateConstants(n.Pipe, t)
	case *parse.IfNode:
		translateBranch(&n.BranchNode, t)
	case *parse.RangeNode:
		translateBranch(&n.BranchNode, t)
	case *parse.WithNode:
		translateBranch(&n.BranchNode, t)
	case *parse.TemplateNode:
		translateConstants(n.Pipe, t)
	case *parse.PipeNode:
		if n != nil {
			for _, c := range n.Cmds {
				translateConstants(c, t)
			}
		}
	case *parse.CommandNode:
		if len(n.Args) == 2 {
			fn, isIdent := n.Args[0].(*parse.IdentifierNode)
			key, isString := n.Args[1].(*parse.StringNode)
			if isIdent && isString && fn.Ident == "T" {
				key.Text = t(key.Text)
				key.Quoted = strconv.Quote(key.Text)
				n.Args = n.Args[1:]
				return
			}
		}
		for _, a := range n.Args {
			translateConstants(a, t)
		}
	}
}

func translateBranch(b *parse.BranchNode, t func(key string) string) {
	translateConstants(b.Pipe, t)
	translateConstants(b.List, t)
	translateConstants(b.ElseList, t)
}

// telURL is a link that calls a mobile number; html/template would
// refuse the tel: scheme, so only a number that is one gets it.
func telURL(phone string) template.URL {
	if !guli.ValidPhone(phone) {
		return ""
	}
	return template.URL("tel:" + phone)
}

// dict builds a map for passing several values to a sub-template.
func dict(kv ...any) (map[string]any, error) {
	if len(kv)%2 != 0 {
		return nil, errors.New("dict: odd number of arguments")
	}
	m := make(map[string]any, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		k, ok := kv[i].(string)
		if !ok {
			return nil, errors.New("dict: keys must be strings")
		}
		m[k] = kv[i+1]
	}
	return m, nil
}

// NewView starts a page's data with what every page shows.
func (s *Core) NewView(r *http.Request, title, nav string) *View {
	ri := Info(r)
	v := &View{Lang: ri.Lang, Title: title, Elder: ri.Elder, User: guli.UserFromContext(r.Context()),
		Path: r.URL.Path, Here: withoutNotice(r.URL), Nav: nav, Form: map[string]string{}, Errors: map[string]string{}, cat: s.Catalog, now: s.TimeNow(), req: ri}
	if s.Changes != nil {
		v.ctx, v.changes, v.kept = r.Context(), s.Changes, &s.kept
	}
	var err error
	if v.Station, err = s.currentStation(r); err != nil && guli.ErrorCode(err) != guli.ECNotFound {
		v.ReadFailed()
	}
	if nav == "desk" && v.User.IsStaff() {
		s.deskStation(r, v)
	}
	if v.User != nil && s.Notifications != nil {
		ctx := r.Context()
		if s.Changes != nil {
			ctx = s.Changes.Untracked(ctx) // the chrome's key holds the count
		}
		v.Unread, _ = s.Notifications.UnreadCount(ctx)
	}
	// Good news after a redirect, named by a catalogue key.
	if n := r.URL.Query().Get("notice"); n != "" && s.Catalog.Has(v.Lang, "notice."+n) {
		v.Notice = v.T("notice." + n)
	}
	return v
}

// withoutNotice is where forms come back to: this address, without the
// good news it may have been reached with.
func withoutNotice(u *url.URL) string {
	q := u.Query()
	if !q.Has("notice") {
		return u.RequestURI()
	}
	q.Del("notice")
	if len(q) == 0 {
		return u.Path
	}
	return u.Path + "?" + q.Encode()
}

// currentStation is the station the pages show: the one chosen on the
// stations page (remembered in a cookie), else a staff member's own, else
// the first one; not found when there is none.
func (s *Core) currentStation(r *http.Request) (*guli.Station, error) {
	if c, err := r.Cookie(StationCookie); err == nil {
		st, err := s.Stations.Station(r.Context(), guli.ParseID(c.Value))
		if err == nil {
			return st, nil
		} else if guli.ErrorCode(err) != guli.ECNotFound {
			return nil, err
		}
	}
	if u := guli.UserFromContext(r.Context()); u.IsStaff() && len(u.StaffStations) > 0 {
		st, err := s.Stations.Station(r.Context(), u.StaffStations[0])
		if err == nil {
			return st, nil
		} else if guli.ErrorCode(err) != guli.ECNotFound {
			return nil, err
		}
	}
	page, err := s.Stations.Stations(r.Context(), guli.ListOptions{Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(page.Items) == 0 {
		return nil, guli.Errorf(guli.ECNotFound)
	}
	return s.Stations.Station(r.Context(), page.Items[0].ID)
}

// deskStation puts the desk's pages on a station the staff member works
// at: the one chosen, if theirs, else their first. With several, it lists
// them for the desk's switcher.
func (s *Core) deskStation(r *http.Request, v *View) {
	var mine []*guli.Station
	if v.User.IsAdmin() {
		page, err := s.Stations.Stations(r.Context(), guli.ListOptions{Limit: guli.MaxLimit})
		if err == nil {
			mine = page.Items
		}
	} else {
		for _, id := range v.User.StaffStations {
			if st, err := s.Stations.Station(r.Context(), id); err == nil {
				mine = append(mine, st)
			}
		}
	}
	if v.Station == nil || !v.User.WorksAt(v.Station.ID) {
		v.Station = nil
		if len(mine) > 0 {
			if st, err := s.Stations.Station(r.Context(), mine[0].ID); err == nil {
				v.Station = st
			}
		}
	}
	if len(mine) > 1 {
		v.DeskStations = mine
	}
}

// page is a page's templates in lang, or in Chinese for a language there
// is none of.
func (s *Core) page(lang, name string) (*template.Template, bool) {
	set, ok := s.pages[lang]
	if !ok {
		set = s.pages[i18n.Chinese]
	}
	t, ok := set[name]
	return t, ok
}

// Render writes a page. Rendering into a buffer first means a template
// failure becomes an error page, not half a page.
func (s *Core) Render(w http.ResponseWriter, r *http.Request, status int, name string, v *View) {
	t, ok := s.page(v.Lang, name)
	if !ok {
		s.Logger.Error("no such page template", "name", name)
		s.RenderError(w, r, http.StatusInternalServerError)
		return
	}
	v.page = t
	buf, _ := s.buffers.Get().(*bytes.Buffer)
	if buf == nil {
		buf = new(bytes.Buffer)
	}
	defer s.putBuffer(buf)
	if err := t.ExecuteTemplate(buf, "layout", v); err != nil {
		s.Logger.Error("render page", "name", name, "err", err)
		if name != "error" {
			s.RenderError(w, r, http.StatusInternalServerError)
		}
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Vary", "Cookie, Accept-Language")
	w.WriteHeader(status)
	w.Write(s.inReadersLanguage(v.Lang, buf.Bytes()))
}

// closedName is how a closed account is named in the records, which keep
// one name for everyone.
var closedName = []byte(guli.ClosedAccountName)

// inReadersLanguage names closed accounts in the page's language. Names
// reach pages through dozens of fields; the finished page is the one place
// they all pass, and looking for a name in it is cheap.
func (s *Core) inReadersLanguage(lang string, page []byte) []byte {
	if lang == i18n.Chinese || !bytes.Contains(page, closedName) {
		return page
	}
	return bytes.ReplaceAll(page, closedName, []byte(s.Catalog.T(lang, "data.closed_name")))
}

// putBuffer keeps a page's buffer for the next page, grown as pages need:
// a page is tens of kilobytes, and growing a fresh buffer to that, page
// after page, was a tenth of a long list's time. A rare huge one is let go.
func (s *Core) putBuffer(buf *bytes.Buffer) {
	if buf.Cap() > 1<<20 {
		return
	}
	buf.Reset()
	s.buffers.Put(buf)
}

// RenderPartial writes one named block of a page, for htmx to swap in.
func (s *Core) RenderPartial(w http.ResponseWriter, r *http.Request, page, block string, v *View) {
	var buf bytes.Buffer
	t, ok := s.page(v.Lang, page)
	if !ok {
		s.Logger.Error("no such page template", "name", page)
		s.RenderError(w, r, http.StatusInternalServerError)
		return
	}
	if err := t.ExecuteTemplate(&buf, block, v); err != nil {
		s.Logger.Error("render partial", "page", page, "block", block, "err", err)
		s.RenderError(w, r, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(s.inReadersLanguage(v.Lang, buf.Bytes()))
}

// RenderError writes a friendly error page for status.
func (s *Core) RenderError(w http.ResponseWriter, r *http.Request, status int) {
	s.renderErrorMessage(w, r, status, "errorpage."+errorPageKey(status)+".body")
}

// RenderErrorOf writes the error page of a service's refusal. One that is
// neither missing nor forbidden (a conflict: closed already, full, taken)
// says what it is, in its own words, rather than only its status's.
func (s *Core) RenderErrorOf(w http.ResponseWriter, r *http.Request, err error) {
	e := guli.AsError(err)
	status := StatusOf(e.Code)
	if status == http.StatusConflict {
		s.renderErrorMessage(w, r, status, messageKey(e), e.Args...)
		return
	}
	s.RenderError(w, r, status)
}

// renderErrorMessage writes an error page for status saying the catalogue
// message body (with args).
func (s *Core) renderErrorMessage(w http.ResponseWriter, r *http.Request, status int, body string, args ...any) {
	v := s.NewView(r, "errorpage."+errorPageKey(status)+".title", "")
	v.Data = map[string]any{"Status": status, "Message": v.T(body, args...)}
	s.Render(w, r, status, "error", v)
}

// errorPageKey names the error page of a status in the catalogues.
func errorPageKey(status int) string {
	switch {
	case status == http.StatusUnauthorized:
		return "unauthorized"
	case status == http.StatusForbidden:
		return "forbidden"
	case status == http.StatusMethodNotAllowed:
		return "method"
	case status == http.StatusRequestEntityTooLarge:
		return "too_large"
	case status == http.StatusTooManyRequests:
		return "rate_limited"
	case status == http.StatusConflict:
		return "conflict"
	case status == http.StatusBadRequest, status == http.StatusUnprocessableEntity:
		return "bad_request"
	case status >= 500:
		return "server"
	}
	return "notfound"
}

// FormError turns a service error into what a form shows: a reason next to
// each field, or one message above the form.
func (s *Core) FormError(v *View, err error) int {
	e := guli.AsError(err)
	if len(e.Fields) > 0 {
		v.Errors = s.fieldMessages(v.Lang, e.Fields)
	}
	if e.Code != guli.ECValidation {
		if e.Code == guli.ECRateLimited && e.Note == "" {
			v.Alert = v.tryAgainIn(e.RetryAfter)
		} else {
			v.Alert = v.T(messageKey(e), e.Args...)
		}
	}
	// A reader who left before the answer needs no error in the log.
	if e.Code == guli.ECInternal || e.Code == guli.ECUnavailable {
		v.ReadFailed()
	}
	if (e.Code == guli.ECInternal || e.Code == guli.ECUnavailable) && !errors.Is(e.Err, context.Canceled) {
		s.Logger.Error("form failed", "code", e.Code, "err", e.Err)
	}
	return StatusOf(e.Code)
}

// Message says a service's refusal in the page's language, as a form's
// alert says it.
func (v *View) Message(err error) string {
	e := guli.AsError(err)
	return v.T(messageKey(e), e.Args...)
}

// RenameErrors shows the API's field errors next to the form's fields of
// other names (a form asks for a date and clock times, not RFC 3339).
func (v *View) RenameErrors(apiToForm map[string]string) {
	for api, form := range apiToForm {
		if msg, ok := v.Errors[api]; ok {
			v.Errors[form] = msg
		}
	}
}

func (s *Core) ClearSessionCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.SecureCookies, SameSite: http.SameSiteLaxMode})
}

// Reading says a measurement the way a nurse would: 133/85 mmHg, pulse 72.
func (v *View) Reading(m *guli.Measurement) string {
	switch {
	case m.Kind == guli.BloodPressure && m.Systolic != nil && m.Diastolic != nil:
		s := v.T("health.bp_value", *m.Systolic, *m.Diastolic)
		if m.Pulse != nil {
			s += v.T("list.sep") + v.T("health.pulse_value", *m.Pulse)
		}
		return s
	case m.Kind == guli.Temperature && m.Celsius != nil:
		return v.T("health.temp_value", *m.Celsius)
	}
	return ""
}
