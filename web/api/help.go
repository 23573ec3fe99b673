package api

import (
	"context"
	"net/http"
	"time"

	"guli"
	"guli/web/core"
)

// helpView is a help request in the API. The requester's phone is only
// there for those who may call them: the requester, the claimer and staff
// of the request's station.
type helpView struct {
	ID            core.WireID `json:"id"`
	Status        string      `json:"status"`
	Title         string      `json:"title"`
	Description   string      `json:"description"`
	Category      string      `json:"category"`
	NeededBy      *time.Time  `json:"needed_by"`
	RequesterID   core.WireID `json:"requester_id"`
	RequesterName string      `json:"requester_name"`
	// RequesterChild says a child under 14 asked, shown without a name.
	RequesterChild bool    `json:"requester_child,omitempty"`
	RequesterPhone *string `json:"requester_phone,omitempty"`
	// Family is the guardian who asked for their dependent; FamilyPhone
	// their phone, for those who may call the requester.
	Family        string       `json:"family,omitempty"`
	FamilyPhone   *string      `json:"family_phone,omitempty"`
	AreaID        *core.WireID `json:"area_id"`
	VolunteerID   *core.WireID `json:"volunteer_id"`
	VolunteerName string       `json:"volunteer_name"`
	Minutes       int          `json:"minutes"`
	Rating        int          `json:"rating"`
	Comment       string       `json:"comment"`
	CreatedAt     time.Time    `json:"created_at"`
	Overdue       bool         `json:"overdue"`
}

func viewHelp(h *guli.HelpRequest, viewer *guli.User, now time.Time) helpView {
	v := helpView{ID: core.WireID(h.ID), Status: h.Status, Title: h.Title, Description: h.Description, Category: h.Category,
		RequesterID: core.WireID(h.RequesterID), RequesterName: h.Requester, RequesterChild: h.RequesterChild, AreaID: core.OptionalWireID(h.AreaID),
		VolunteerID: core.OptionalWireID(h.VolunteerID), VolunteerName: h.Volunteer, Minutes: h.Minutes, Rating: h.Rating,
		Comment: h.Comment, CreatedAt: h.CreatedAt, Overdue: h.Overdue(now)}
	if !h.NeededBy.IsZero() {
		v.NeededBy = &h.NeededBy
	}
	if h.RequesterPhone != "" && h.SeesRequesterContact(viewer) {
		v.RequesterPhone = &h.RequesterPhone
	}
	v.Family = h.Family
	if h.FamilyPhone != "" && h.SeesRequesterContact(viewer) {
		v.FamilyPhone = &h.FamilyPhone
	}
	return v
}

// helpDetail answers one request.
func (h *Handlers) helpDetail(ctx context.Context, req *guli.HelpRequest, err error) (int, any, error) {
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, viewHelp(req, guli.UserFromContext(ctx), h.TimeNow()), nil
}

// helpBody is a request for help as clients send it.
type helpBody struct {
	Title       string      `json:"title"`
	Description string      `json:"description"`
	Category    string      `json:"category"`
	NeededBy    string      `json:"needed_by"`
	OnBehalfOf  core.WireID `json:"on_behalf_of"`
}

func (b *helpBody) input(now time.Time) (guli.HelpRequestInput, error) {
	p := guli.Problems{}
	in := guli.HelpRequestInput{Title: b.Title, Description: b.Description, Category: b.Category,
		NeededBy: wireTime(p, "needed_by", b.NeededBy), OnBehalfOf: guli.ID(b.OnBehalfOf)}
	if len(p) == 0 {
		return in, nil
	}
	return in, withWireProblems(p, in.Validate(now))
}

func (h *Handlers) AskForHelp(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var body helpBody
	if err := decode(r, &body); err != nil {
		return 0, nil, err
	}
	in, err := body.input(h.TimeNow())
	if err != nil {
		return 0, nil, err
	}
	req, err := h.Help.AskForHelp(r.Context(), in)
	_, v, err := h.helpDetail(r.Context(), req, err)
	return http.StatusCreated, v, err
}

func (h *Handlers) ListHelpRequests(w http.ResponseWriter, r *http.Request) (int, any, error) {
	opts, err := listOptions(r)
	if err != nil {
		return 0, nil, err
	}
	q := r.URL.Query()
	f := guli.HelpFilter{Status: q.Get("status"), Mine: q.Get("mine") == "true"}
	viewer, now := guli.UserFromContext(r.Context()), h.TimeNow()
	page, err := h.Help.HelpRequests(r.Context(), f, opts)
	return listOf(page, err, func(req *guli.HelpRequest) helpView { return viewHelp(req, viewer, now) })
}

func (h *Handlers) HelpRequest(w http.ResponseWriter, r *http.Request) (int, any, error) {
	req, err := h.Help.HelpRequest(r.Context(), core.PathID(r, "id"))
	return h.helpDetail(r.Context(), req, err)
}

func (h *Handlers) ClaimHelp(w http.ResponseWriter, r *http.Request) (int, any, error) {
	req, err := h.Help.Claim(r.Context(), core.PathID(r, "id"))
	return h.helpDetail(r.Context(), req, err)
}

func (h *Handlers) ReleaseHelp(w http.ResponseWriter, r *http.Request) (int, any, error) {
	req, err := h.Help.Release(r.Context(), core.PathID(r, "id"))
	return h.helpDetail(r.Context(), req, err)
}

func (h *Handlers) HelpDone(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var body struct {
		Minutes int `json:"minutes"`
	}
	if err := decode(r, &body); err != nil {
		return 0, nil, err
	}
	req, err := h.Help.Done(r.Context(), core.PathID(r, "id"), body.Minutes)
	return h.helpDetail(r.Context(), req, err)
}

func (h *Handlers) ConfirmHelp(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var body struct {
		Rating         int    `json:"rating"`
		Comment        string `json:"comment"`
		PayFromBalance bool   `json:"pay_from_balance"`
	}
	if err := decode(r, &body); err != nil {
		return 0, nil, err
	}
	req, err := h.Help.Confirm(r.Context(), core.PathID(r, "id"), guli.ConfirmInput{Rating: body.Rating, Comment: body.Comment, PayFromBalance: body.PayFromBalance})
	return h.helpDetail(r.Context(), req, err)
}

func (h *Handlers) CancelHelp(w http.ResponseWriter, r *http.Request) (int, any, error) {
	req, err := h.Help.CancelHelp(r.Context(), core.PathID(r, "id"))
	return h.helpDetail(r.Context(), req, err)
}

func (h *Handlers) HelpCandidates(w http.ResponseWriter, r *http.Request) (int, any, error) {
	cs, err := h.Help.Candidates(r.Context(), core.PathID(r, "id"))
	lang := core.Info(r).Lang
	return listOf(guli.Page[guli.Candidate]{Items: cs}, err, func(c guli.Candidate) core.CandidateView { return h.ViewCandidate(lang, c) })
}
