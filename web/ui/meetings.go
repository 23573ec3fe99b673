package ui

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"guli"
	"guli/web/core"
)

// Pages of a council's meetings, resolutions and proposals. Staff of the
// station schedule and record meetings and follow resolutions up; residents
// propose and support with one button. What may be done is the domain's
// decision; the pages only offer the forms to whom they concern.

type meetingsData struct {
	Council     *guli.Council
	Staff       bool
	Meetings    []*guli.Meeting
	Next        string             // the cursor of older meetings
	Resolutions []*guli.Resolution // the follow-up list: what is left first
	Statuses    []string
	Failed      guli.ID // never: a failed follow-up comes back on its meeting
}

// CouncilMeetings lists a council's meetings, newest first, with the
// follow-up of their resolutions; staff schedule the next one here.
func (h *Handlers) CouncilMeetings(w http.ResponseWriter, r *http.Request) error {
	h.renderMeetings(w, r, http.StatusOK, nil)
	return nil
}

func (h *Handlers) renderMeetings(w http.ResponseWriter, r *http.Request, status int, failure error) {
	c, err := h.Councils.Council(r.Context(), core.PathID(r, "id"))
	if err != nil {
		h.RenderError(w, r, core.StatusOf(guli.ErrorCode(err)))
		return
	}
	v := h.NewView(r, "meetings.title", "councils")
	d := &meetingsData{Council: c, Staff: c.Runs(v.User), Statuses: guli.ResolutionStatuses}
	page, _, ok, err := listRead(w, r, h, func(cursor string) (guli.Page[*guli.Meeting], error) {
		return h.Meetings.Meetings(r.Context(), c.ID, guli.ListOptions{Limit: guli.MaxMeetingsPage, Cursor: cursor})
	})
	if !ok {
		return
	}
	if err != nil {
		h.FormError(v, err)
	}
	d.Meetings, d.Next = page.Items, page.NextCursor
	if d.Resolutions, err = h.Meetings.Resolutions(r.Context(), c.ID); err != nil {
		h.FormError(v, err)
	}
	v.Form["time"] = "14:00"
	if failure != nil {
		status = h.FormError(v, failure)
		for _, f := range []string{"title", "date", "time", "agenda"} {
			v.Form[f] = r.PostFormValue(f)
		}
	}
	v.Data = d
	h.Render(w, r, status, "meetings", v)
}

// NewMeeting schedules a meeting from the list's form: one agenda item a
// line.
func (h *Handlers) NewMeeting(w http.ResponseWriter, r *http.Request) error {
	if _, ok := h.requireStaff(w, r); !ok {
		return nil
	}
	if !h.parseForm(w, r) {
		return nil
	}
	id := core.PathID(r, "id")
	c, err := h.Councils.Council(r.Context(), id)
	if err != nil {
		h.RenderError(w, r, core.StatusOf(guli.ErrorCode(err)))
		return nil
	}
	start := formTime(r.PostForm.Get("date"), r.PostForm.Get("time"), c.CreatedAt.Location())
	m, err := h.Meetings.CreateMeeting(r.Context(), guli.MeetingInput{CouncilID: id, Title: r.PostForm.Get("title"),
		Start: start, Agenda: strings.Split(r.PostForm.Get("agenda"), "\n")})
	if err != nil {
		if e := guli.AsError(err); e.Fields["start"] != "" {
			e.Fields["date"] = e.Fields["start"]
		}
		h.renderMeetings(w, r, 0, err)
		return nil
	}
	back(w, r, "/meetings/"+m.ID.String(), "meeting_created")
	return nil
}

type meetingData struct {
	Meeting   *guli.Meeting
	Staff     bool
	Members   []*guli.CouncilMember // to tick who attended; staff only
	Attended  map[guli.ID]bool
	Statuses  []string
	RuleAge   int
	Proposals []*guli.Proposal
	Failed    guli.ID // the resolution whose follow-up failed
	// Key keeps the page's body (View.Keep) by all it shows of the
	// reader, while it shows nothing typed and no error.
	Key string
}

// MeetingPage is one meeting: agenda, proposals on it, minutes,
// resolutions and attendance; staff record them here.
func (h *Handlers) MeetingPage(w http.ResponseWriter, r *http.Request) error {
	h.renderMeeting(w, r, http.StatusOK, nil)
	return nil
}

func (h *Handlers) renderMeeting(w http.ResponseWriter, r *http.Request, status int, failure error) {
	h.renderMeetingFailed(w, r, status, failure, 0)
}

// renderMeetingFailed is the meeting's page with the follow-up form of the
// failed resolution showing its errors.
func (h *Handlers) renderMeetingFailed(w http.ResponseWriter, r *http.Request, status int, failure error, failed guli.ID) {
	m, err := h.Meetings.Meeting(r.Context(), core.PathID(r, "id"))
	if err != nil {
		h.RenderError(w, r, core.StatusOf(guli.ErrorCode(err)))
		return
	}
	v := h.NewView(r, "meeting.title", "councils")
	d := &meetingData{Meeting: m, Staff: v.User.WorksAt(m.StationID), Attended: map[guli.ID]bool{}, Statuses: guli.ResolutionStatuses,
		RuleAge: guli.CouncilEmergencyContactAge, Failed: failed}
	for _, a := range m.Attendees {
		d.Attended[a.UserID] = true
	}
	if d.Staff {
		var err error
		if d.Members, err = h.Councils.Members(r.Context(), m.CouncilID); err != nil {
			v.ReadFailed()
		}
	}
	v.Form["minutes"], v.Form["rule_age"] = m.Minutes, strconv.Itoa(d.RuleAge)
	if failure == nil {
		d.Key = strings.Join([]string{m.ID.String(), strconv.FormatBool(d.Staff), strconv.FormatBool(m.Attendees != nil)}, "\x1f")
	} else {
		status = h.FormError(v, failure)
		// What was typed comes back, in the form that was sent only.
		for _, f := range []string{"minutes", "resolutions", "rule_text", "rule_age", "note"} {
			if typed, sent := r.PostForm[f]; sent {
				v.Form[f] = typed[0]
			}
		}
	}
	v.Data = d
	h.Render(w, r, status, "meeting", v)
}

// RecordMeeting records minutes and new resolutions, one a line; a
// resolution typed in the rule's field makes the station's age rule.
func (h *Handlers) RecordMeeting(w http.ResponseWriter, r *http.Request) error {
	if _, ok := h.requireStaff(w, r); !ok {
		return nil
	}
	if !h.parseForm(w, r) {
		return nil
	}
	id := core.PathID(r, "id")
	minutes := r.PostForm.Get("minutes")
	rec := guli.MeetingRecord{Minutes: &minutes, Resolutions: []guli.ResolutionInput{}}
	for _, line := range strings.Split(r.PostForm.Get("resolutions"), "\n") {
		rec.Resolutions = append(rec.Resolutions, guli.ResolutionInput{Text: line})
	}
	if text := strings.TrimSpace(r.PostForm.Get("rule_text")); text != "" {
		rec.Resolutions = append(rec.Resolutions, guli.ResolutionInput{Text: text,
			Rule: &guli.ResolutionRule{Kind: guli.RuleEmergencyContactFromAge, Age: formInt(r.PostForm.Get("rule_age"))}})
	}
	if _, err := h.Meetings.RecordMeeting(r.Context(), id, rec); err != nil {
		if e := guli.AsError(err); e.Fields["resolutions"] != "" && strings.TrimSpace(r.PostForm.Get("rule_text")) != "" {
			e.Fields["rule_age"] = e.Fields["resolutions"]
		}
		h.renderMeeting(w, r, 0, err)
		return nil
	}
	back(w, r, "/meetings/"+id.String(), "meeting_recorded")
	return nil
}

// MeetingAttendance records which members attended, from ticked boxes.
func (h *Handlers) MeetingAttendance(w http.ResponseWriter, r *http.Request) error {
	if _, ok := h.requireStaff(w, r); !ok {
		return nil
	}
	if !h.parseForm(w, r) {
		return nil
	}
	id := core.PathID(r, "id")
	ids := []guli.ID{}
	for _, s := range r.PostForm["user_id"] {
		ids = append(ids, guli.ParseID(strings.TrimSpace(s)))
	}
	if _, err := h.Meetings.SetAttendance(r.Context(), id, ids); err != nil {
		h.renderMeeting(w, r, 0, err)
		return nil
	}
	back(w, r, "/meetings/"+id.String(), "attendance_saved")
	return nil
}

// UpdateResolution moves a resolution's follow-up on and comes back to
// where the form was (the meeting, or the council's list).
func (h *Handlers) UpdateResolution(w http.ResponseWriter, r *http.Request) error {
	if _, ok := h.requireStaff(w, r); !ok {
		return nil
	}
	if !h.parseForm(w, r) {
		return nil
	}
	res, err := h.Meetings.UpdateResolution(r.Context(), core.PathID(r, "id"),
		guli.ResolutionChange{Status: r.PostForm.Get("status"), Note: r.PostForm.Get("note")})
	if err != nil {
		code := guli.ErrorCode(err)
		if code == guli.ECNotFound || code == guli.ECForbidden {
			h.RenderError(w, r, core.StatusOf(code))
			return nil
		}
		found, ferr := h.Meetings.Resolution(r.Context(), core.PathID(r, "id"))
		if ferr != nil {
			h.RenderError(w, r, core.StatusOf(guli.ErrorCode(ferr)))
			return nil
		}
		r.SetPathValue("id", found.MeetingID.String())
		h.renderMeetingFailed(w, r, 0, err, found.ID)
		return nil
	}
	to := "/meetings/" + res.MeetingID.String()
	if r.PostForm.Get("from") == "council" {
		to = "/councils/" + res.CouncilID.String() + "/meetings"
	}
	back(w, r, to+"#resolution-"+res.ID.String(), "resolution_updated")
	return nil
}

type proposalsData struct {
	Council *guli.Council
	Cards   []proposalCard
	Cursor  string // this page's, for the forms to come back to; "" on the newest
	Next    string // the cursor of older proposals
	// FormKey keeps the form to propose (View.Keep) while it shows nothing
	// typed and no error; "" renders it afresh.
	FormKey string
	// ListKey keeps the whole list of cards (View.Keep) for every reader
	// who sees the same of it: the page, whether they run the council,
	// which of its proposals they support and whose authors they are
	// shown; "" while a card's form comes back refused.
	ListKey string
}

// proposalCard is one proposal of a council's list with its support
// button, and the staff's form to answer it. Cards are kept (View.Part)
// by the proposal's row and what the reader sees of it (PartKey); a card
// whose form failed is made afresh.
type proposalCard struct {
	*guli.Proposal
	v        *core.View // for its language, when the card is rendered
	Cursor   string
	Staff    bool
	Meetings []*guli.Meeting // to put the proposal on; staff only
	Outcomes []string
	Failed   bool // its form came back refused: open, with Alert and Errors
	Alert    string
	Errors   map[string]string
}

// PartKey keeps the card (core.Keyed) by what the reader sees of it: its
// author's name, their support, the staff's form and the page its forms
// come back to.
func (c proposalCard) PartKey() string {
	if c.Failed {
		return ""
	}
	return strings.Join([]string{c.ID.String(), c.Author, strconv.FormatBool(c.Supported), strconv.FormatBool(c.Staff), c.Cursor}, "\x1f")
}

// Day is when the proposal was made, said in the card's language: only
// when the card is rendered, not for each reader it is kept for.
func (c proposalCard) Day() string { return c.v.Day(c.CreatedAt) }

// listPage is how many proposals or polls a page of a council's lists
// shows, as its meetings.
const listPage = guli.MaxMeetingsPage

// CouncilProposals lists a council's proposals, newest first, a page at a
// time, with a big support button each; signed-in residents propose here,
// staff answer.
func (h *Handlers) CouncilProposals(w http.ResponseWriter, r *http.Request) error {
	h.renderProposals(w, r, http.StatusOK, nil, 0)
	return nil
}

// pageCursor is the cursor of a list's page asked for: in the address of
// a page, in the form sent from it. ok is false for one no list makes.
func pageCursor(r *http.Request) (cursor string, ok bool) {
	cursor = r.URL.Query().Get("cursor")
	if r.Method == http.MethodPost {
		cursor = r.PostForm.Get("cursor")
	}
	return cursor, len(cursor) <= 512
}

// listRead reads a page of a list at the cursor the request asks for. A
// cursor no list makes is a bad address: the page answers 400 (ok is
// false); in a form sent back it is the first page's.
func listRead[T any](w http.ResponseWriter, r *http.Request, h *Handlers, read func(cursor string) (guli.Page[T], error)) (page guli.Page[T], cursor string, ok bool, err error) {
	cursor, ok = pageCursor(r)
	if ok {
		page, err = read(cursor)
	}
	if cursor != "" && (!ok || guli.ErrorCode(err) == guli.ECValidation) {
		if r.Method != http.MethodPost {
			h.RenderError(w, r, http.StatusBadRequest)
			return page, "", false, nil
		}
		cursor = ""
		page, err = read("")
	}
	return page, cursor, true, err
}

func (h *Handlers) renderProposals(w http.ResponseWriter, r *http.Request, status int, failure error, failed guli.ID) {
	c, err := h.Councils.Council(r.Context(), core.PathID(r, "id"))
	if err != nil {
		h.RenderError(w, r, core.StatusOf(guli.ErrorCode(err)))
		return
	}
	page, cursor, ok, err := listRead(w, r, h, func(cursor string) (guli.Page[*guli.Proposal], error) {
		return h.Meetings.Proposals(r.Context(), c.ID, guli.ListOptions{Limit: listPage, Cursor: cursor})
	})
	if !ok {
		return
	}
	v := h.NewView(r, "proposals.title", "councils")
	if err != nil {
		v.ReadFailed()
		h.FormError(v, err)
	}
	d := &proposalsData{Council: c, Cursor: cursor, Next: page.NextCursor}
	staff := c.Runs(v.User)
	var meetings []*guli.Meeting
	if staff {
		ms, err := h.Meetings.Meetings(r.Context(), c.ID, guli.ListOptions{Limit: guli.MaxMeetingsPage})
		if err != nil {
			v.ReadFailed()
		}
		meetings = ms.Items
	}
	if failure != nil {
		status = h.FormError(v, failure)
		v.Form["title"], v.Form["body"] = r.PostFormValue("title"), r.PostFormValue("body")
	} else {
		d.FormKey = strings.Join([]string{c.ID.String(), strconv.FormatBool(v.User != nil), cursor}, "\x1f")
	}
	seen := []string{c.ID.String(), cursor, strconv.FormatBool(staff)}
	d.Cards = make([]proposalCard, len(page.Items))
	for i, p := range page.Items {
		d.Cards[i] = proposalCard{Proposal: p, v: v, Cursor: cursor, Staff: staff, Meetings: meetings, Outcomes: guli.ProposalOutcomes}
		if failed == p.ID {
			d.Cards[i].Failed, d.Cards[i].Alert, d.Cards[i].Errors = true, v.Alert, v.Errors
			v.Alert = "" // said on the card, next to its form
		}
		if p.Supported {
			seen = append(seen, "s"+p.ID.String())
		}
		if p.Author != "" {
			seen = append(seen, "a"+p.ID.String())
		}
	}
	if failed == 0 {
		d.ListKey = strings.Join(seen, "\x1f")
	}
	v.Data = d
	h.Render(w, r, status, "proposals", v)
}

// proposalsAt is where a form on the list of proposals comes back to:
// the page it was sent from, at the proposal.
func proposalsAt(r *http.Request, p *guli.Proposal) string {
	to := "/councils/" + p.CouncilID.String() + "/proposals"
	if cursor := r.PostForm.Get("cursor"); cursor != "" && len(cursor) <= 512 {
		if _, err := guli.IDCursor(cursor); err == nil {
			to += "?cursor=" + url.QueryEscape(cursor)
		}
	}
	return to + "#proposal-" + p.ID.String()
}

// NewProposal puts a proposal to the council from its page's form.
func (h *Handlers) NewProposal(w http.ResponseWriter, r *http.Request) error {
	if _, ok := h.requireLogin(w, r); !ok {
		return nil
	}
	if !h.parseForm(w, r) {
		return nil
	}
	id := core.PathID(r, "id")
	p, err := h.Meetings.CreateProposal(r.Context(), guli.ProposalInput{CouncilID: id, Title: r.PostForm.Get("title"), Body: r.PostForm.Get("body")})
	if err != nil {
		h.renderProposals(w, r, 0, err, 0)
		return nil
	}
	back(w, r, "/councils/"+id.String()+"/proposals#proposal-"+p.ID.String(), "proposal_created")
	return nil
}

// SupportProposal adds the reader's support; a second press is no harm.
func (h *Handlers) SupportProposal(w http.ResponseWriter, r *http.Request) error {
	if _, ok := h.requireLogin(w, r); !ok {
		return nil
	}
	if !h.parseForm(w, r) {
		return nil
	}
	id := core.PathID(r, "id")
	p, err := h.Meetings.Support(r.Context(), id)
	switch code := guli.ErrorCode(err); {
	case err == nil:
	case code == guli.ECAlreadySupported:
		p, err = h.Meetings.Proposal(r.Context(), id)
		if err != nil {
			h.RenderError(w, r, core.StatusOf(guli.ErrorCode(err)))
			return nil
		}
	default:
		h.RenderError(w, r, core.StatusOf(code))
		return nil
	}
	back(w, r, proposalsAt(r, p), "proposal_supported")
	return nil
}

// AnswerProposal records the council's outcome and answer, and the
// meeting whose agenda the proposal is on.
func (h *Handlers) AnswerProposal(w http.ResponseWriter, r *http.Request) error {
	if _, ok := h.requireStaff(w, r); !ok {
		return nil
	}
	if !h.parseForm(w, r) {
		return nil
	}
	id := core.PathID(r, "id")
	in := guli.ProposalAnswer{Outcome: r.PostForm.Get("outcome"), Answer: r.PostForm.Get("answer")}
	if m := strings.TrimSpace(r.PostForm.Get("meeting_id")); m != "" {
		in.MeetingID = guli.ParseID(m)
	}
	p, err := h.Meetings.AnswerProposal(r.Context(), id, in)
	if err != nil {
		code := guli.ErrorCode(err)
		found, ferr := h.Meetings.Proposal(r.Context(), id)
		if code == guli.ECNotFound || code == guli.ECForbidden || ferr != nil {
			h.RenderError(w, r, core.StatusOf(code))
			return nil
		}
		r.SetPathValue("id", found.CouncilID.String())
		h.renderProposals(w, r, 0, err, id)
		return nil
	}
	back(w, r, proposalsAt(r, p), "proposal_answered")
	return nil
}

// stationAgeRule is the age rule resolutions made the station's, for the
// new-activity form; nil when none.
func (h *Handlers) stationAgeRule(r *http.Request, station guli.ID) *guli.AgeRule {
	rules, err := h.Meetings.StationRules(r.Context(), station)
	if err != nil {
		return nil
	}
	return rules.AgeRule
}
