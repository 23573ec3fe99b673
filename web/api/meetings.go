package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"reflect"
	"time"

	"guli"
	"guli/web/core"
)

// A council's meetings, resolutions and proposals (meeting.go at the root).

type meetingView struct {
	ID          core.WireID         `json:"id"`
	CouncilID   core.WireID         `json:"council_id"`
	StationID   core.WireID         `json:"station_id"`
	Title       string              `json:"title"`
	Start       time.Time           `json:"start"`
	Agenda      []string            `json:"agenda"`
	Minutes     string              `json:"minutes"`
	Resolutions []resolutionView    `json:"resolutions"`
	Attended    int                 `json:"attended_count"`
	Attendees   []councilMemberView `json:"attendees,omitempty"` // staff and members only
	Proposals   []proposalView      `json:"proposals"`
	CreatedAt   time.Time           `json:"created_at"`
}

func viewMeeting(m *guli.Meeting) meetingView {
	v := meetingView{ID: core.WireID(m.ID), CouncilID: core.WireID(m.CouncilID), StationID: core.WireID(m.StationID),
		Title: m.Title, Start: m.Start, Agenda: m.Agenda, Minutes: m.Minutes, Attended: m.Attended, CreatedAt: m.CreatedAt,
		Resolutions: make([]resolutionView, len(m.Resolutions)), Proposals: make([]proposalView, len(m.Proposals))}
	if v.Agenda == nil {
		v.Agenda = []string{}
	}
	for i, r := range m.Resolutions {
		v.Resolutions[i] = viewResolution(r)
	}
	for i, p := range m.Proposals {
		v.Proposals[i] = viewProposal(p)
	}
	for _, a := range m.Attendees {
		v.Attendees = append(v.Attendees, councilMemberView{UserID: core.WireID(a.UserID), Name: a.Name, AddedAt: a.AddedAt})
	}
	return v
}

type ruleView struct {
	Kind string `json:"kind"`
	Age  int    `json:"age"`
}

type resolutionView struct {
	ID        core.WireID `json:"id"`
	MeetingID core.WireID `json:"meeting_id"`
	CouncilID core.WireID `json:"council_id"`
	Text      string      `json:"text"`
	Rule      *ruleView   `json:"rule"`
	Status    string      `json:"status"`
	Note      string      `json:"note"`
	UpdatedAt time.Time   `json:"updated_at"`
}

func viewResolution(r *guli.Resolution) resolutionView {
	v := resolutionView{ID: core.WireID(r.ID), MeetingID: core.WireID(r.MeetingID), CouncilID: core.WireID(r.CouncilID),
		Text: r.Text, Status: r.Status, Note: r.Note, UpdatedAt: r.UpdatedAt}
	if r.Rule != nil {
		v.Rule = &ruleView{Kind: r.Rule.Kind, Age: r.Rule.Age}
	}
	return v
}

type proposalView struct {
	ID           core.WireID  `json:"id"`
	CouncilID    core.WireID  `json:"council_id"`
	Title        string       `json:"title"`
	Body         string       `json:"body"`
	Author       string       `json:"author,omitempty"` // its author and the station's staff only
	SupportCount int          `json:"support_count"`
	Supported    bool         `json:"supported"`
	MeetingID    *core.WireID `json:"meeting_id"`
	Outcome      *string      `json:"outcome"` // null until answered
	Answer       string       `json:"answer"`
	CreatedAt    time.Time    `json:"created_at"`
}

func viewProposal(p *guli.Proposal) proposalView {
	v := proposalView{ID: core.WireID(p.ID), CouncilID: core.WireID(p.CouncilID), Title: p.Title, Body: p.Body, Author: p.Author,
		SupportCount: p.SupportCount, Supported: p.Supported, MeetingID: core.OptionalWireID(p.MeetingID), Answer: p.Answer,
		CreatedAt: p.CreatedAt}
	if p.Outcome != "" {
		v.Outcome = &p.Outcome
	}
	return v
}

func (h *Handlers) CreateMeeting(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var body struct {
		Title  string   `json:"title"`
		Start  string   `json:"start"`
		Agenda []string `json:"agenda"`
	}
	if err := decode(r, &body); err != nil {
		return 0, nil, err
	}
	p := guli.Problems{}
	in := guli.MeetingInput{CouncilID: core.PathID(r, "id"), Title: body.Title, Start: wireTime(p, "start", body.Start), Agenda: body.Agenda}
	if len(p) > 0 {
		return 0, nil, withWireProblems(p, in.Validate())
	}
	m, err := h.Meetings.CreateMeeting(r.Context(), in)
	return created(view(m, err, viewMeeting))
}

func (h *Handlers) ListMeetings(w http.ResponseWriter, r *http.Request) (int, any, error) {
	opts, err := listOptions(r)
	if err != nil {
		return 0, nil, err
	}
	page, err := h.Meetings.Meetings(r.Context(), core.PathID(r, "id"), opts)
	return listOf(page, err, viewMeeting)
}

func (h *Handlers) Meeting(w http.ResponseWriter, r *http.Request) (int, any, error) {
	m, err := h.Meetings.Meeting(r.Context(), core.PathID(r, "id"))
	return ok(view(m, err, viewMeeting))
}

// resolutionItem is a resolution as a record sends it: its text alone, or
// {text, rule} for one that makes a station rule.
type resolutionItem struct {
	Text string    `json:"text"`
	Rule *ruleView `json:"rule"`
}

func (it *resolutionItem) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		return json.Unmarshal(b, &it.Text)
	}
	type plain resolutionItem
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode((*plain)(it)); err != nil || len(b) == 0 || b[0] != '{' {
		return &json.UnmarshalTypeError{Value: string(b[:min(len(b), 1)]), Type: reflect.TypeOf("")}
	}
	return nil
}

func (h *Handlers) RecordMeeting(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var body struct {
		Minutes     *string          `json:"minutes"`
		Resolutions []resolutionItem `json:"resolutions"`
	}
	if err := decode(r, &body); err != nil {
		return 0, nil, err
	}
	rec := guli.MeetingRecord{Minutes: body.Minutes}
	for _, it := range body.Resolutions {
		in := guli.ResolutionInput{Text: it.Text}
		if it.Rule != nil {
			in.Rule = &guli.ResolutionRule{Kind: it.Rule.Kind, Age: it.Rule.Age}
		}
		rec.Resolutions = append(rec.Resolutions, in)
	}
	m, err := h.Meetings.RecordMeeting(r.Context(), core.PathID(r, "id"), rec)
	return ok(view(m, err, viewMeeting))
}

func (h *Handlers) SetAttendance(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var body struct {
		UserIDs []core.WireID `json:"user_ids"`
	}
	if err := decode(r, &body); err != nil {
		return 0, nil, err
	}
	if body.UserIDs == nil {
		return 0, nil, guli.Invalid("user_ids", guli.FRRequired)
	}
	m, err := h.Meetings.SetAttendance(r.Context(), core.PathID(r, "id"), core.DomainIDs(body.UserIDs))
	return ok(view(m, err, viewMeeting))
}

func (h *Handlers) ListResolutions(w http.ResponseWriter, r *http.Request) (int, any, error) {
	rs, err := h.Meetings.Resolutions(r.Context(), core.PathID(r, "id"))
	return listOf(guli.Page[*guli.Resolution]{Items: rs}, err, viewResolution)
}

func (h *Handlers) UpdateResolution(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var body struct {
		Status string  `json:"status"`
		Note   *string `json:"note"` // absent: the note stays
	}
	if err := decode(r, &body); err != nil {
		return 0, nil, err
	}
	ch := guli.ResolutionChange{Status: body.Status, KeepNote: body.Note == nil}
	if body.Note != nil {
		ch.Note = *body.Note
	}
	res, err := h.Meetings.UpdateResolution(r.Context(), core.PathID(r, "id"), ch)
	return ok(view(res, err, viewResolution))
}

func (h *Handlers) CreateProposal(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var body struct {
		Title string `json:"title"`
		Body  string `json:"body"`
	}
	if err := decode(r, &body); err != nil {
		return 0, nil, err
	}
	p, err := h.Meetings.CreateProposal(r.Context(), guli.ProposalInput{CouncilID: core.PathID(r, "id"), Title: body.Title, Body: body.Body})
	return created(view(p, err, viewProposal))
}

func (h *Handlers) ListProposals(w http.ResponseWriter, r *http.Request) (int, any, error) {
	opts, err := listOptions(r)
	if err != nil {
		return 0, nil, err
	}
	page, err := h.Meetings.Proposals(r.Context(), core.PathID(r, "id"), opts)
	return listOf(page, err, viewProposal)
}

func (h *Handlers) Proposal(w http.ResponseWriter, r *http.Request) (int, any, error) {
	p, err := h.Meetings.Proposal(r.Context(), core.PathID(r, "id"))
	return ok(view(p, err, viewProposal))
}

func (h *Handlers) SupportProposal(w http.ResponseWriter, r *http.Request) (int, any, error) {
	p, err := h.Meetings.Support(r.Context(), core.PathID(r, "id"))
	return created(view(p, err, viewProposal))
}

func (h *Handlers) AnswerProposal(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var body struct {
		MeetingID core.WireID `json:"meeting_id"`
		Outcome   string      `json:"outcome"`
		Answer    string      `json:"answer"`
	}
	if err := decode(r, &body); err != nil {
		return 0, nil, err
	}
	p, err := h.Meetings.AnswerProposal(r.Context(), core.PathID(r, "id"),
		guli.ProposalAnswer{MeetingID: guli.ID(body.MeetingID), Outcome: body.Outcome, Answer: body.Answer})
	return ok(view(p, err, viewProposal))
}
