package ui

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"guli"
)

// deskHelpCard is a request as the desk sees it, with what staff may do
// for the requester from the list. Lists carry no phone: staff open the
// request to call, and that read is audited.
type deskHelpCard struct {
	helpCard
	Confirm, Cancel bool
	Took            string // how long the service took, once done
	Next            string // where its forms come back to
}

type deskHelpData struct {
	Overdue []deskHelpCard // open for too long, whatever the filter: first
	Cards   []deskHelpCard
	Chips   []chip // the statuses
	Status  string
	Query   string
	Found   []*guli.User
	More    bool // there are older ones than the list shows
	Shown   int
}

// deskHelpMost is how many requests the desk lists under a filter: a
// screenful or two on a tablet; the status chips narrow it.
const deskHelpMost = 20

// helpStatuses are a request's states, in the order of its life.
var helpStatuses = []string{guli.HelpOpen, guli.HelpClaimed, guli.HelpDone, guli.HelpConfirmed, guli.HelpCancelled}

// DeskHelp is the staff's view of their station's requests: those waiting
// too long for a volunteer first, then all of them or those of a status;
// confirming or withdrawing for a requester, and asking for help for a
// resident found by name or phone.
func (h *Handlers) DeskHelp(w http.ResponseWriter, r *http.Request) error {
	if _, ok := h.requireStaff(w, r); !ok {
		return nil
	}
	v := h.NewView(r, "deskhelp.title", "desk")
	if v.Station == nil {
		h.RenderError(w, r, http.StatusNotFound)
		return nil
	}
	q := r.URL.Query()
	d := deskHelpData{Query: strings.TrimSpace(q.Get("q")), Shown: deskHelpMost}
	if s := q.Get("status"); slices.Contains(helpStatuses, s) {
		d.Status = s
	}
	v.Form["q"] = d.Query
	d.Chips = append(d.Chips, chip{Href: "/desk/help", Label: v.T("category.all"), Current: d.Status == ""})
	for _, s := range helpStatuses {
		d.Chips = append(d.Chips, chip{Href: "/desk/help?status=" + s, Label: v.T("helpstatus." + s), Current: s == d.Status})
	}
	// Overdue by the minute, so that readers in the same minute ask the
	// same (kept) question; the list and the cards say it by the same now.
	names, now := areaNames(v.Station), h.TimeNow().Truncate(time.Minute)
	cards := func(items []*guli.HelpRequest) []deskHelpCard {
		out := make([]deskHelpCard, 0, len(items))
		for _, c := range h.helpCardsAt(v, items, names, now) {
			dc := deskHelpCard{helpCard: c, Confirm: c.CheckConfirm(v.User, guli.ConfirmInput{}) == nil, Cancel: c.CheckCancel(v.User) == nil, Next: v.Here}
			if c.Minutes > 0 {
				dc.Took = v.Duration(c.Minutes)
			}
			dc.Key = strings.Join([]string{c.Key, strconv.FormatBool(dc.Confirm), strconv.FormatBool(dc.Cancel), dc.Next}, "\x1f")
			out = append(out, dc)
		}
		return out
	}
	overdue, err := h.Help.HelpRequests(r.Context(), guli.HelpFilter{StationID: v.Station.ID, Status: guli.HelpOpen,
		CreatedBefore: guli.OverdueSince(now)}, guli.ListOptions{Limit: deskHelpMost})
	if err != nil {
		return err
	}
	d.Overdue = cards(overdue.Items)
	page, err := h.Help.HelpRequests(r.Context(), guli.HelpFilter{StationID: v.Station.ID, Status: d.Status}, guli.ListOptions{Limit: deskHelpMost})
	if err != nil {
		return err
	}
	d.More = page.NextCursor != ""
	// The overdue ones are shown once, at the top. (The list is the
	// store's kept answer: filtered into a copy.)
	var rest []*guli.HelpRequest
	for _, req := range page.Items {
		if !req.Overdue(now) {
			rest = append(rest, req)
		}
	}
	d.Cards = cards(rest)
	d.Found = h.findResidents(r, v, d.Query)
	v.Data = d
	h.Render(w, r, http.StatusOK, "desk_help", v)
	return nil
}
