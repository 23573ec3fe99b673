package api

import (
	"net/http"
	"time"

	"guli"
	"guli/web/core"
)

// pollView is a poll in the API. Counts (results) and an election's
// outcome appear once it is closed; who chose what never does.
type pollView struct {
	ID            core.WireID      `json:"id"`
	CouncilID     core.WireID      `json:"council_id"`
	Question      string           `json:"question"`
	Options       []pollOptionView `json:"options"`
	MaxChoices    int              `json:"max_choices"`
	Secret        bool             `json:"secret"`
	Seats         int              `json:"seats"`
	ClosesAt      time.Time        `json:"closes_at"`
	ClosedAt      *time.Time       `json:"closed_at"`
	Status        string           `json:"status"`
	VotersCount   int              `json:"voters_count"`
	EligibleCount int              `json:"eligible_count"`
	Voted         bool             `json:"voted"` // the signed-in person voted
	Results       []pollResultView `json:"results,omitempty"`
	// ResultsWithheld says a closed secret poll keeps its counts back:
	// one or two voted, and the count would tell how.
	ResultsWithheld bool          `json:"results_withheld,omitempty"`
	Elected         []core.WireID `json:"elected,omitempty"`
	Tied            []core.WireID `json:"tied,omitempty"`
	CreatedAt       time.Time     `json:"created_at"`
}

type pollOptionView struct {
	ID    core.WireID `json:"id"`
	Label string      `json:"label"`
}

type pollResultView struct {
	OptionID core.WireID `json:"option_id"`
	Votes    int         `json:"votes"`
}

func viewPoll(p *guli.Poll, voted bool, now time.Time) pollView {
	v := pollView{ID: core.WireID(p.ID), CouncilID: core.WireID(p.CouncilID), Question: p.Question, Options: []pollOptionView{},
		MaxChoices: p.MaxChoices, Secret: p.Secret, Seats: p.Seats, ClosesAt: p.ClosesAt, Status: p.Status(now),
		VotersCount: p.Voters, EligibleCount: p.Eligible, Voted: voted, ResultsWithheld: p.ResultsWithheld(now), CreatedAt: p.CreatedAt}
	if !p.ClosedAt.IsZero() {
		v.ClosedAt = &p.ClosedAt
	}
	for _, o := range p.Options {
		v.Options = append(v.Options, pollOptionView{ID: core.WireID(o.ID), Label: o.Label})
	}
	if p.ResultsShown(now) {
		v.Results = []pollResultView{}
		for _, o := range p.Options {
			v.Results = append(v.Results, pollResultView{OptionID: core.WireID(o.ID), Votes: o.Votes})
		}
	}
	if out, ok := p.Outcome(now); ok {
		v.Elected, v.Tied = core.WireIDs(out.Elected), core.WireIDs(out.Tied)
		if v.Elected == nil {
			v.Elected = []core.WireID{}
		}
	}
	return v
}

func (h *Handlers) CreatePoll(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var body struct {
		Question   string   `json:"question"`
		Options    []string `json:"options"`
		MaxChoices *int     `json:"max_choices"`
		Secret     bool     `json:"secret"`
		ClosesAt   string   `json:"closes_at"`
		Seats      int      `json:"seats"`
	}
	if err := decode(r, &body); err != nil {
		return 0, nil, err
	}
	p := guli.Problems{}
	in := guli.PollInput{CouncilID: core.PathID(r, "id"), Question: body.Question, Options: body.Options, MaxChoices: 1,
		Secret: body.Secret, ClosesAt: wireTime(p, "closes_at", body.ClosesAt), Seats: body.Seats}
	if body.MaxChoices != nil {
		in.MaxChoices = *body.MaxChoices
	}
	if len(p) > 0 {
		return 0, nil, withWireProblems(p, in.Validate(h.TimeNow()))
	}
	poll, err := h.Polls.CreatePoll(r.Context(), in)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, viewPoll(poll, false, h.TimeNow()), nil
}

func (h *Handlers) CouncilPolls(w http.ResponseWriter, r *http.Request) (int, any, error) {
	opts, err := listOptions(r)
	if err != nil {
		return 0, nil, err
	}
	page, err := h.Polls.Polls(r.Context(), guli.PollFilter{CouncilID: core.PathID(r, "id"), ListOptions: opts})
	now := h.TimeNow()
	return listOf(page, err, func(p *guli.Poll) pollView { return viewPoll(p, false, now) })
}

func (h *Handlers) Poll(w http.ResponseWriter, r *http.Request) (int, any, error) {
	p, err := h.Polls.Poll(r.Context(), core.PathID(r, "id"))
	if err != nil {
		return 0, nil, err
	}
	voted, err := h.Polls.Voted(r.Context(), p.ID)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, viewPoll(p, voted, h.TimeNow()), nil
}

func (h *Handlers) Vote(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var body struct {
		OptionIDs []core.WireID `json:"option_ids"`
		UserID    core.WireID   `json:"user_id"`
	}
	if err := decode(r, &body); err != nil {
		return 0, nil, err
	}
	if len(body.OptionIDs) > guli.MaxPollOptions {
		return 0, nil, guli.Invalid("option_ids", guli.FRTooManyChoices)
	}
	id := core.PathID(r, "id")
	if err := h.Polls.Vote(r.Context(), guli.Ballot{PollID: id, Voter: guli.ID(body.UserID), OptionIDs: core.DomainIDs(body.OptionIDs)}); err != nil {
		return 0, nil, err
	}
	voter := body.UserID
	if voter == 0 {
		voter = core.WireID(guli.UserFromContext(r.Context()).ID)
	}
	return http.StatusCreated, struct {
		PollID core.WireID `json:"poll_id"`
		UserID core.WireID `json:"user_id"`
	}{core.WireID(id), voter}, nil
}

func (h *Handlers) ClosePoll(w http.ResponseWriter, r *http.Request) (int, any, error) {
	p, err := h.Polls.ClosePoll(r.Context(), core.PathID(r, "id"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, viewPoll(p, false, h.TimeNow()), nil
}
