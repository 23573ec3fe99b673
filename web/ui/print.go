package ui

import (
	"fmt"
	"html"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"sync"

	qrcode "github.com/skip2/go-qrcode"

	"guli"
	"guli/report"
	"guli/web/core"
)

// The paper a station runs on: the week's poster for its door, an
// activity's sign-in sheet (签到表), its record (活动记录) and the month's
// ledger (台账) of records. Each is a page that prints on A4 (see the
// print rules of style.css): on the screen with its form and links, on
// paper the document alone.

// posterItem is one activity on the week's poster.
type posterItem struct {
	Link, Title, Day, Time, Room, Places string
	QR                                   template.HTML
}

// posterData is the week's poster: the week, its activities and the
// neighbouring weeks.
type posterData struct {
	Label        string // the week's dates, as people say them
	Prev, Next   string // the neighbouring weeks, 2026-W47
	Station      *guli.Station
	Items        []posterItem
	Dense        bool   // more than posterRoomy: smaller codes, three columns
	Site         string // the site's address, for those who type it
	StationQuery string // "&station=ID" when the poster is of a station chosen by address
	HasPoster    bool   // a week was read: the poster, not only its form
}

// posterRoomy is how many activities the poster lays out in two columns
// of large codes on one A4 page; more take three columns of smaller ones.
const posterRoomy = 20

// WeekPoster is the week's timetable as a poster for the station's door:
// ?week=YYYY-Www (this week when none), of the station the visitor chose
// or ?station=. Each activity carries a QR code of its sign-up page.
func (h *Handlers) WeekPoster(w http.ResponseWriter, r *http.Request) error {
	v := h.NewView(r, "poster.title", "activities")
	q := r.URL.Query()
	d := &posterData{}
	if s := q.Get("station"); s != "" {
		st, err := h.Stations.Station(r.Context(), guli.ParseID(s))
		if err != nil {
			return err
		}
		v.Station, d.StationQuery = st, "&station="+st.ID.String()
	}
	v.Data = d
	if v.Station == nil {
		h.Render(w, r, http.StatusOK, "print_week", v)
		return nil
	}
	d.Station, d.Site = v.Station, h.SiteURL(r)
	loc := v.Station.Location()
	week, err := guli.ReadWeek(q.Get("week"), loc, h.TimeNow())
	v.Form["week"] = q.Get("week")
	if err != nil {
		h.Render(w, r, h.FormError(v, err), "print_week", v)
		return nil
	}
	v.Form["week"] = week.String()
	start, end := week.Bounds(loc)
	d.HasPoster = true
	d.Label = v.T("poster.week", week.Year, week.Week, v.T("date.md", start.Month(), start.Day()),
		v.T("date.md", end.AddDate(0, 0, -1).Month(), end.AddDate(0, 0, -1).Day()))
	if prev := week.Prev(); prev.Year >= 1970 {
		d.Prev = prev.String()
	}
	if next := week.Next(); next.Year <= 2999 {
		d.Next = next.String()
	}
	page, err := h.Activities.Activities(r.Context(), guli.ActivityFilter{StationID: v.Station.ID, From: start, To: end},
		guli.ListOptions{Limit: guli.MaxLimit})
	if err != nil {
		return err
	}
	for _, a := range page.Items {
		if a.Status == guli.ActivityCancelled {
			continue // the door shows what is on
		}
		link := d.Site + "/activities/" + a.ID.String()
		qr, err := qrSVG(link, v.T("poster.qr", a.Title))
		if err != nil {
			return err
		}
		item := posterItem{Link: "/activities/" + a.ID.String(), Title: a.Title, Day: v.Day(a.Start),
			Time: v.Clock(a.Start) + "–" + v.Clock(a.End), Room: a.RoomName, QR: qr}
		switch {
		case a.Capacity == 0:
			item.Places = v.T("poster.unlimited")
		case a.PlacesLeft() > 0:
			item.Places = v.T("poster.places", a.Capacity, a.PlacesLeft())
		default:
			item.Places = v.T("poster.full", a.Capacity)
		}
		d.Items = append(d.Items, item)
	}
	d.Dense = len(d.Items) > posterRoomy
	h.Render(w, r, http.StatusOK, "print_week", v)
	return nil
}

// qrKept holds the QR codes drawn, by what they say: an activity's code
// never changes, and drawing one is most of a poster's work.
var qrKept = struct {
	sync.Mutex
	m     map[string]template.HTML
	bytes int // of keys and codes kept
}{}

// qrKeptBytes bounds the codes kept, in bytes, whatever addresses the
// requests name (without --base-url each Host draws its own, a few
// kilobytes a code); past it they are drawn afresh.
const qrKeptBytes = 8 << 20

// qrSVG draws a QR code of content as an SVG image named label: one path
// of its dark modules, with a quiet zone of four, sharp at any size.
func qrSVG(content, label string) (template.HTML, error) {
	key := content + "\x1f" + label
	qrKept.Lock()
	svg, ok := qrKept.m[key]
	qrKept.Unlock()
	if ok {
		return svg, nil
	}
	code, err := qrcode.New(content, qrcode.Medium)
	if err != nil {
		return "", err
	}
	code.DisableBorder = true
	bits := code.Bitmap()
	n := len(bits)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="qr-code" xmlns="http://www.w3.org/2000/svg" viewBox="-4 -4 %d %d" role="img" aria-label="%s" shape-rendering="crispEdges">`+
		`<rect x="-4" y="-4" width="%d" height="%d" fill="#fff"/><path fill="#000" d="`, n+8, n+8, html.EscapeString(label), n+8, n+8)
	for y, row := range bits {
		for x := 0; x < n; {
			if !row[x] {
				x++
				continue
			}
			from := x
			for x < n && row[x] {
				x++
			}
			fmt.Fprintf(&b, "M%d %dh%dv1h-%dz", from, y, x-from, x-from)
		}
	}
	b.WriteString(`"/></svg>`)
	svg = template.HTML(b.String())
	qrKept.Lock()
	if _, ok := qrKept.m[key]; !ok {
		if qrKept.m == nil || qrKept.bytes+len(key)+len(svg) > qrKeptBytes {
			qrKept.m, qrKept.bytes = map[string]template.HTML{}, 0
		}
		qrKept.m[key] = svg
		qrKept.bytes += len(key) + len(svg)
	}
	qrKept.Unlock()
	return svg, nil
}

// sheetData is an activity's sign-in sheet.
type sheetData struct {
	Sheet      *guli.SignInSheet
	Station    *guli.Station // the activity's
	When       string
	Confirmed  []sheetRow
	Waitlisted []sheetRow
	Blanks     []int // the numbers of the empty rows
}

// sheetRow is a person's row, numbered down the sheet.
type sheetRow struct {
	guli.SignInRow
	Number int
}

// SignInSheet is an activity's sign-in sheet (签到表) to print: who
// holds a place, a box each to sign, the waitlist after them and empty
// rows for those who come without one; for its station's staff.
func (h *Handlers) SignInSheet(w http.ResponseWriter, r *http.Request) error {
	if _, ok := h.requireStaff(w, r); !ok {
		return nil
	}
	sheet, err := h.Records.SignInSheet(r.Context(), core.PathID(r, "id"))
	if err != nil {
		return err
	}
	st, err := h.Stations.Station(r.Context(), sheet.Activity.StationID)
	if err != nil {
		return err
	}
	v := h.NewView(r, "signin.title", "desk")
	d := &sheetData{Sheet: sheet, Station: st, When: when(v, sheet.Activity)}
	for i, row := range sheet.Rows {
		if row.Status == guli.RegWaitlisted {
			d.Waitlisted = append(d.Waitlisted, sheetRow{row, i + 1})
		} else {
			d.Confirmed = append(d.Confirmed, sheetRow{row, i + 1})
		}
	}
	for i := range sheet.Blanks {
		d.Blanks = append(d.Blanks, len(sheet.Rows)+i+1)
	}
	v.Data = d
	h.Render(w, r, http.StatusOK, "signin_sheet", v)
	return nil
}

// when says an activity's day and time: 11月25日 星期三 09:30–11:00.
func when(v *core.View, a *guli.Activity) string {
	return v.Day(a.Start) + " " + v.Clock(a.Start) + "–" + v.Clock(a.End)
}

// recordDoc is one activity record as it prints, in a page of its own or
// in the ledger.
type recordDoc struct {
	Record  *guli.ActivityRecord
	Station *guli.Station
	Number  int // its place in the ledger; 0 alone
	When    string
	Saved   string // when it was last saved, as people write it
}

func newRecordDoc(v *core.View, rec *guli.ActivityRecord, st *guli.Station, number int) recordDoc {
	d := recordDoc{Record: rec, Station: st, Number: number, When: when(v, rec.Activity)}
	if rec.Written() {
		d.Saved = rec.UpdatedAt.Format("2006-01-02 15:04")
	}
	return d
}

// recordData is an activity record's page: the form that saves it and
// the record as it prints.
type recordData struct {
	Doc recordDoc
	// Refused says why the record cannot be written (not begun,
	// cancelled); "" when it can.
	Refused string
	// Theirs is what someone else saved while the reader was editing,
	// shown beside the reader's own words, which the form keeps.
	Theirs string
}

// ActivityRecord is an activity's record (活动记录): what, when, where,
// who led it, who came, the summary staff write, and the photos of its
// highlights; for its station's staff.
func (h *Handlers) ActivityRecord(w http.ResponseWriter, r *http.Request) error {
	if _, ok := h.requireStaff(w, r); !ok {
		return nil
	}
	return h.renderRecord(w, r, http.StatusOK, nil, "")
}

// ActivityRecordPost saves the record's summary from the version the form
// was opened with. One saved by someone else meanwhile is not overwritten:
// the page comes back with both texts and the newer version, to save again
// on purpose.
func (h *Handlers) ActivityRecordPost(w http.ResponseWriter, r *http.Request) error {
	if _, ok := h.requireStaff(w, r); !ok || !h.parseForm(w, r) {
		return nil
	}
	id := core.PathID(r, "id")
	summary := r.PostForm.Get("summary")
	_, err := h.Records.SaveActivityRecord(r.Context(), id, guli.RecordInput{Summary: summary, Version: formInt(r.PostForm.Get("version"))})
	switch code := guli.ErrorCode(err); {
	case err == nil:
		back(w, r, "/desk/activities/"+id.String()+"/record", "record_saved")
		return nil
	case code == guli.ECNotFound || code == guli.ECForbidden || code == guli.ECInternal || code == guli.ECUnavailable:
		return err
	}
	return h.renderRecord(w, r, 0, err, summary)
}

// renderRecord shows the record's page; after a refused save, with what
// went wrong and the words the reader sent.
func (h *Handlers) renderRecord(w http.ResponseWriter, r *http.Request, status int, failure error, sent string) error {
	rec, err := h.Records.ActivityRecord(r.Context(), core.PathID(r, "id"))
	if err != nil {
		return err
	}
	st, err := h.Stations.Station(r.Context(), rec.Activity.StationID)
	if err != nil {
		return err
	}
	v := h.NewView(r, "record.title", "desk")
	d := &recordData{Doc: newRecordDoc(v, rec, st, 0)}
	v.Data = d
	v.Form["summary"], v.Form["version"] = rec.Summary, strconv.Itoa(rec.Version)
	if err := guli.MayWriteRecord(v.User, rec.Activity, h.TimeNow()); err != nil {
		d.Refused = v.Message(err)
	}
	if failure != nil {
		status = h.FormError(v, failure)
		v.Form["summary"] = sent
		if msg := v.Errors["version"]; msg != "" && v.Alert == "" {
			v.Alert = msg
		}
		if guli.ErrorCode(failure) == guli.ECStaleEdit {
			d.Theirs = rec.Summary
		}
	}
	h.Render(w, r, status, "activity_record", v)
	return nil
}

// ledgerData is the month's ledger page: the month's form and the ledger.
type ledgerData struct {
	Earliest, Latest string
	Ledger           *guli.Ledger
	Month            string // as people say it
	Made             string // when it was made, in the station's zone
	Docs             []recordDoc
	Unrecorded       []*guli.Activity
}

// ledgerView starts the ledger's page of the desk's station, for its
// staff; it answers the request itself when it cannot.
func (h *Handlers) ledgerView(w http.ResponseWriter, r *http.Request) (*core.View, *ledgerData, bool) {
	if _, ok := h.requireStaff(w, r); !ok {
		return nil, nil, false
	}
	v := h.NewView(r, "ledger.title", "desk")
	if v.Station == nil {
		h.RenderError(w, r, http.StatusNotFound)
		return nil, nil, false
	}
	earliest, latest := guli.ReportMonths(v.Station, h.TimeNow())
	d := &ledgerData{Earliest: earliest.String(), Latest: latest.String()}
	v.Data = d
	v.Form["month"] = r.URL.Query().Get("month")
	return v, d, true
}

// Ledger is the month's ledger (台账) of the desk's station: a contents
// page, then every activity record of the month, each on its own page;
// ?month=YYYY-MM (this month when none). Audited.
func (h *Handlers) Ledger(w http.ResponseWriter, r *http.Request) error {
	v, d, ok := h.ledgerView(w, r)
	if !ok {
		return nil
	}
	led, err := h.Records.Ledger(r.Context(), guli.LedgerQuery{StationID: v.Station.ID, Month: v.Form["month"], Format: guli.LedgerPage})
	if err != nil {
		return h.refusedOn(w, r, v, "ledger", err)
	}
	v.Form["month"] = led.Month.String()
	d.Ledger, d.Unrecorded = led, led.Unrecorded
	d.Month = v.T("report.month", led.Month.Year, int(led.Month.Month), led.Month.Month.String())
	d.Made = v.DateTime(led.MadeAt.In(led.Station.Location()))
	for i, rec := range led.Records {
		d.Docs = append(d.Docs, newRecordDoc(v, rec, led.Station, i+1))
	}
	h.Render(w, r, http.StatusOK, "ledger", v)
	return nil
}

// LedgerWorkbook is the month's ledger as a workbook (.xlsx): its
// contents, and the records a row each. Audited.
func (h *Handlers) LedgerWorkbook(w http.ResponseWriter, r *http.Request) error {
	v, _, ok := h.ledgerView(w, r)
	if !ok {
		return nil
	}
	led, err := h.Records.Ledger(r.Context(), guli.LedgerQuery{StationID: v.Station.ID, Month: v.Form["month"], Format: guli.LedgerXLSX})
	if err != nil {
		return h.refusedOn(w, r, v, "ledger", err)
	}
	lang := core.Info(r).Lang
	data, err := report.Ledger(h.Catalog, lang, led).XLSX()
	if err != nil {
		return err
	}
	hd := w.Header()
	hd.Set("Content-Type", report.ContentType(guli.FormatXLSX))
	hd.Set("Content-Disposition", report.Disposition(report.LedgerFileName(h.Catalog, lang, led)))
	hd.Set("Cache-Control", "no-store") // it names staff and hosts
	hd.Set("X-Content-Type-Options", "nosniff")
	w.Write(data)
	return nil
}
