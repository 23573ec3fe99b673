package ui

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"guli"
	"guli/web/core"
)

// Pages of a council's polls and elections: the council's polls with the
// staff's form to open one, and a poll's page where a member votes, staff
// enter a member's paper ballot or close it early, and anyone reads the
// results once it is closed. What may be done is what the domain says
// (CheckOpenPoll, Poll.CheckVote, Poll.CheckClose).

type pollsData struct {
	Council *guli.Council
	Cards   []pollCard
	Staff   bool   // the reader runs the council: the form to open a poll
	Cursor  string // this page's; "" on the first
	Next    string // the cursor of older polls
	// FormKey keeps the form to open a poll (View.Keep) while it shows
	// only what it starts with; "" renders it afresh.
	FormKey string
}

// pollCard is one poll of a council's list; cards are kept (View.Part)
// under Key: the poll's row and whether it is still open.
type pollCard struct {
	*guli.Poll
	Status string
	Closed bool
	Ends   string // when voting ended, or will
	Key    string
}

// PartKey keeps the card (core.Keyed).
func (c pollCard) PartKey() string { return c.Key }

// CouncilPolls lists a council's polls, open ones first, a page at a
// time.
func (h *Handlers) CouncilPolls(w http.ResponseWriter, r *http.Request) error {
	h.renderPolls(w, r, http.StatusOK, nil)
	return nil
}

func (h *Handlers) renderPolls(w http.ResponseWriter, r *http.Request, status int, failure error) {
	c, err := h.Councils.Council(r.Context(), core.PathID(r, "id"))
	if err != nil {
		h.RenderError(w, r, core.StatusOf(guli.ErrorCode(err)))
		return
	}
	page, cursor, ok, err := listRead(w, r, h, func(cursor string) (guli.Page[*guli.Poll], error) {
		return h.Polls.Polls(r.Context(), guli.PollFilter{CouncilID: c.ID, ListOptions: guli.ListOptions{Limit: listPage, Cursor: cursor}})
	})
	if !ok {
		return
	}
	v := h.NewView(r, "poll.list_title", "councils")
	d := &pollsData{Council: c, Staff: c.Runs(v.User), Cursor: cursor, Next: page.NextCursor}
	if err != nil {
		v.ReadFailed()
		h.FormError(v, err)
	}
	now := h.TimeNow()
	for _, p := range page.Items {
		card := pollCard{Poll: p, Status: p.Status(now), Closed: p.Closed(now), Ends: v.DateTime(p.ClosesAt)}
		if card.Closed {
			card.Ends = v.DateTime(p.EndedAt())
		}
		card.Key = p.ID.String() + "\x1f" + card.Status
		d.Cards = append(d.Cards, card)
	}
	if r.Method == http.MethodGet {
		v.Form["max_choices"], v.Form["seats"] = "1", "0"
		v.Form["date"] = now.In(c.CreatedAt.Location()).AddDate(0, 0, 7).Format("2006-01-02")
		v.Form["time"] = "17:00"
		d.FormKey = c.ID.String() + "\x1f" + v.Form["date"]
	} else {
		for _, f := range []string{"question", "options", "max_choices", "seats", "secret", "date", "time"} {
			v.Form[f] = r.PostFormValue(f)
		}
	}
	if failure != nil {
		status = h.FormError(v, failure)
		v.RenameErrors(map[string]string{"closes_at": "date"})
		d.FormKey = ""
	}
	v.Data = d
	h.Render(w, r, status, "polls", v)
}

// formNumber reads a whole number of a form; -1 when it is not one, which
// the domain refuses as out of range.
func formNumber(s string) int {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 0 || n > 1000 {
		return -1
	}
	return n
}

// NewPoll opens a poll from the council's polls page.
func (h *Handlers) NewPoll(w http.ResponseWriter, r *http.Request) error {
	if _, ok := h.requireStaff(w, r); !ok {
		return nil
	}
	if !h.parseForm(w, r) {
		return nil
	}
	c, err := h.Councils.Council(r.Context(), core.PathID(r, "id"))
	if err != nil {
		h.RenderError(w, r, core.StatusOf(guli.ErrorCode(err)))
		return nil
	}
	var options []string
	for _, line := range strings.Split(r.PostForm.Get("options"), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			options = append(options, line)
		}
	}
	seats := 0
	if s := strings.TrimSpace(r.PostForm.Get("seats")); s != "" {
		seats = formNumber(s)
	}
	in := guli.PollInput{CouncilID: c.ID, Question: r.PostForm.Get("question"), Options: options,
		MaxChoices: formNumber(r.PostForm.Get("max_choices")), Secret: r.PostForm.Get("secret") == "1", Seats: seats,
		ClosesAt: formTime(r.PostForm.Get("date"), r.PostForm.Get("time"), c.CreatedAt.Location())}
	p, err := h.Polls.CreatePoll(r.Context(), in)
	if err != nil {
		h.renderPolls(w, r, 0, err)
		return nil
	}
	back(w, r, "/polls/"+p.ID.String(), "poll_opened")
	return nil
}

// pollBar is one option's line of the results.
type pollBar struct {
	guli.PollOption
	Percent int // of the most votes any option has: the bar's length
	Elected bool
	Tied    bool
}

type pollPageData struct {
	Poll     *guli.Poll
	Council  *guli.Council
	Status   string
	Closed   bool
	Multiple bool // checkboxes, not radio buttons
	Member   bool
	Voted    bool
	CanVote  bool
	Staff    bool                  // the reader runs the council: close early, enter paper ballots
	Pending  []*guli.CouncilMember // members who have not voted, for a paper ballot
	Results  []pollBar
	Withheld bool // a secret poll too few voted in: no count is shown
	Outcome  *guli.Outcome
	Chosen   map[string]bool // the options ticked in a refused form
	// Key keeps the page's body (View.Keep) by all it shows of the
	// reader and the clock, while it shows nothing typed and no error.
	Key string
}

// PollPage is one poll: the ballot for a member, the staff's tools, the
// results once closed.
func (h *Handlers) PollPage(w http.ResponseWriter, r *http.Request) error {
	h.renderPoll(w, r, http.StatusOK, nil)
	return nil
}

func (h *Handlers) renderPoll(w http.ResponseWriter, r *http.Request, status int, failure error) {
	ctx := r.Context()
	p, err := h.Polls.Poll(ctx, core.PathID(r, "id"))
	if err != nil {
		h.RenderError(w, r, core.StatusOf(guli.ErrorCode(err)))
		return
	}
	c, err := h.Councils.Council(ctx, p.CouncilID)
	if err != nil {
		h.RenderError(w, r, core.StatusOf(guli.ErrorCode(err)))
		return
	}
	v := h.NewView(r, "poll.title", "councils")
	now := h.TimeNow()
	d := &pollPageData{Poll: p, Council: c, Status: p.Status(now), Closed: p.Closed(now), Multiple: p.MaxChoices > 1,
		Staff: c.Runs(v.User), Withheld: p.ResultsWithheld(now), Chosen: map[string]bool{}}
	if v.User != nil {
		d.Member, _ = h.Councils.IsMember(ctx, c.ID)
		d.Voted, _ = h.Polls.Voted(ctx, p.ID)
	}
	d.CanVote = d.Member && !d.Voted && !d.Closed
	if d.Staff && !d.Closed {
		members, _ := h.Councils.Members(ctx, c.ID)
		voters, _ := h.Polls.Voters(ctx, p.ID)
		for _, m := range members {
			if !slices.Contains(voters, m.UserID) {
				d.Pending = append(d.Pending, m)
			}
		}
	}
	if p.ResultsShown(now) {
		most := 0 // the longest bar
		for _, o := range p.Options {
			most = max(most, o.Votes)
		}
		out, election := p.Outcome(now)
		if election {
			d.Outcome = &out
		}
		for _, o := range p.Options {
			b := pollBar{PollOption: o}
			if most > 0 {
				b.Percent = o.Votes * 100 / most
			}
			b.Elected, b.Tied = slices.Contains(out.Elected, o.ID), slices.Contains(out.Tied, o.ID)
			d.Results = append(d.Results, b)
		}
	}
	if r.Method == http.MethodPost {
		for _, id := range r.PostForm["option_id"] {
			d.Chosen[id] = true
		}
		v.Form["user_id"] = r.PostForm.Get("user_id")
	} else {
		d.Key = strings.Join([]string{p.ID.String(), d.Status, strconv.FormatBool(v.User != nil), strconv.FormatBool(d.Member),
			strconv.FormatBool(d.Voted), strconv.FormatBool(d.Staff)}, "\x1f")
	}
	if failure != nil {
		status = h.FormError(v, failure)
		v.RenameErrors(map[string]string{"option_ids": "option_id"})
		d.Key = ""
	}
	v.Data = d
	h.Render(w, r, status, "poll", v)
}

// Vote casts the signed-in member's ballot, or the paper ballot staff
// enter for the member chosen in the form.
func (h *Handlers) Vote(w http.ResponseWriter, r *http.Request) error {
	if _, ok := h.requireLogin(w, r); !ok {
		return nil
	}
	if !h.parseForm(w, r) {
		return nil
	}
	id := core.PathID(r, "id")
	b := guli.Ballot{PollID: id}
	for _, s := range r.PostForm["option_id"] {
		b.OptionIDs = append(b.OptionIDs, guli.ParseID(s))
	}
	notice := "voted"
	if s := strings.TrimSpace(r.PostForm.Get("user_id")); s != "" {
		b.Voter, notice = guli.ParseID(s), "ballot_entered"
	}
	if len(b.OptionIDs) > guli.MaxPollOptions {
		h.renderPoll(w, r, 0, guli.Invalid("option_ids", guli.FRTooManyChoices))
		return nil
	}
	if err := h.Polls.Vote(r.Context(), b); err != nil {
		h.renderPoll(w, r, 0, err)
		return nil
	}
	back(w, r, "/polls/"+id.String(), notice)
	return nil
}

// ClosePoll ends voting early, from the poll's page.
func (h *Handlers) ClosePoll(w http.ResponseWriter, r *http.Request) error {
	if _, ok := h.requireLogin(w, r); !ok {
		return nil
	}
	if !h.parseForm(w, r) {
		return nil
	}
	id := core.PathID(r, "id")
	if _, err := h.Polls.ClosePoll(r.Context(), id); err != nil {
		h.renderPoll(w, r, 0, err)
		return nil
	}
	back(w, r, "/polls/"+id.String(), "poll_closed")
	return nil
}
