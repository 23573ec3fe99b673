package guli

import (
	"context"
	"slices"
	"strings"
	"time"
)

// Meetings, proposals and resolutions of a council: staff of its station
// schedule a meeting with an ordered agenda, record its minutes, who
// attended and what it resolved; each resolution is followed up (open →
// in_progress → done) until it is carried out. Residents of the station
// put proposals to the council and support them, and staff answer each.
// A resolution may carry a station rule that Guli then enforces: the
// residents' council's "over 70, leave an emergency contact" becomes the
// age rule new activities of the station get by default.

// Error codes of meetings and proposals.
const (
	ECAlreadySupported = "already_supported"
	ECResolutionDone   = "resolution_done"
)

// Follow-up statuses of a resolution.
const (
	ResolutionOpen       = "open"
	ResolutionInProgress = "in_progress"
	ResolutionDone       = "done"
)

// ResolutionStatuses lists the statuses in the order a resolution moves.
var ResolutionStatuses = []string{ResolutionOpen, ResolutionInProgress, ResolutionDone}

// Outcomes of a proposal; none ("") while the council has not answered.
const (
	ProposalAccepted = "accepted"
	ProposalDeclined = "declined"
	ProposalDone     = "done"
)

// ProposalOutcomes lists the answers a council gives a proposal.
var ProposalOutcomes = []string{ProposalAccepted, ProposalDeclined, ProposalDone}

// RuleEmergencyContactFromAge is the one kind of station rule a resolution
// carries today: from that age, an emergency contact to join activities.
const RuleEmergencyContactFromAge = "emergency_contact_from_age"

// Bounds of what a meeting records.
const (
	MaxAgendaItems  = 30
	MaxResolutions  = 30
	MaxAttendees    = 500
	MaxMinutesRunes = 20000
	// MaxMeetingsPage bounds a page of a council's meetings: each comes
	// whole (agenda, minutes, resolutions), up to some 100 KB, and the
	// list is public.
	MaxMeetingsPage   = 20
	maxLineRunes      = 200
	maxResolutionRune = 500
)

// Meeting is one meeting of a council, in its station's zone.
type Meeting struct {
	ID          ID
	CouncilID   ID
	StationID   ID
	CouncilName string
	Title       string
	Start       time.Time
	Agenda      []string
	Minutes     string
	Resolutions []*Resolution
	// Attended counts who came; Attendees names them, for staff of the
	// station and members of the council only.
	Attended  int
	Attendees []*CouncilMember
	// Proposals are those staff put on its agenda.
	Proposals []*Proposal
	CreatedAt time.Time
}

// Resolution is one thing a meeting resolved, followed up until done.
type Resolution struct {
	ID           ID
	MeetingID    ID
	CouncilID    ID
	StationID    ID
	MeetingTitle string
	CouncilName  string
	Text         string
	Rule         *ResolutionRule
	Status       string
	Note         string
	UpdatedAt    time.Time
}

// ResolutionRule is a station rule a resolution makes.
type ResolutionRule struct {
	Kind string
	Age  int
}

// MeetingInput schedules a meeting.
type MeetingInput struct {
	CouncilID ID
	Title     string
	Start     time.Time
	Agenda    []string
}

// Validate checks what needs no database; blank agenda lines are dropped.
func (in *MeetingInput) Validate() error {
	p := Problems{}
	in.Title = strings.TrimSpace(in.Title)
	checkText(p, "title", in.Title, 100, true)
	switch {
	case in.Start.IsZero():
		p.Add("start", FRRequired)
	case !PlausibleTime(in.Start):
		p.Add("start", FRTime)
	}
	in.Agenda = lines(in.Agenda)
	if len(in.Agenda) > MaxAgendaItems {
		p.Add("agenda", FROutOfRange)
	}
	for _, item := range in.Agenda {
		checkText(p, "agenda", item, maxLineRunes, false)
	}
	return p.Err()
}

// lines trims each line and drops the blank ones.
func lines(in []string) []string {
	out := []string{}
	for _, l := range in {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// ResolutionInput is one resolution as a meeting records it.
type ResolutionInput struct {
	Text string
	Rule *ResolutionRule
}

// MeetingRecord is what staff record of a meeting; nil fields stay.
type MeetingRecord struct {
	Minutes     *string
	Resolutions []ResolutionInput
}

// Validate checks what needs no database; blank resolutions are dropped.
func (in *MeetingRecord) Validate() error {
	p := Problems{}
	if in.Minutes != nil {
		m := strings.TrimSpace(*in.Minutes)
		in.Minutes = &m
		checkText(p, "minutes", m, MaxMinutesRunes, false)
	}
	kept := []ResolutionInput{}
	for _, r := range in.Resolutions {
		r.Text = strings.TrimSpace(r.Text)
		if r.Text == "" {
			if r.Rule != nil {
				p.Add("resolutions", FRRequired) // a rule says what resolution made it
			}
			continue
		}
		checkText(p, "resolutions", r.Text, maxResolutionRune, false)
		if r.Rule != nil {
			if err := r.Rule.Validate(); err != nil {
				p.Add("resolutions", FRInvalid)
			}
		}
		kept = append(kept, r)
	}
	if in.Resolutions != nil {
		in.Resolutions = kept
	}
	if len(in.Resolutions) > MaxResolutions {
		p.Add("resolutions", FROutOfRange)
	}
	return p.Err()
}

// Validate checks a rule is one Guli enforces, with a plausible age.
func (r *ResolutionRule) Validate() error {
	switch {
	case r.Kind != RuleEmergencyContactFromAge:
		return Invalid("rule", FRInvalid)
	case r.Age < 1 || r.Age > 150:
		return Invalid("rule", FROutOfRange)
	}
	return nil
}

// FRResolutionRecorded refuses a rule on a resolution the meeting already
// recorded with another rule, or none: a rule is changed by a new
// resolution, which the record keeps.
const FRResolutionRecorded = "resolution_recorded"

// NewResolutions is what a record adds to the resolutions a meeting has:
// those whose text it does not have yet, in the order given. Recording
// the same list again (a retry, a page sent twice) adds nothing, and the
// follow-up of the ones kept goes on. A rule is never dropped unsaid: a
// text given twice keeps the rule one of them carries, and a rule on a
// text the meeting has with another rule, or none, is refused.
func NewResolutions(have []*Resolution, given []ResolutionInput) ([]ResolutionInput, error) {
	recorded := map[string]*ResolutionRule{}
	for _, r := range have {
		recorded[r.Text] = r.Rule
	}
	out := []ResolutionInput{}
	at := map[string]int{} // where a text given is in out
	for _, r := range given {
		if rule, ok := recorded[r.Text]; ok {
			if r.Rule != nil && (rule == nil || *rule != *r.Rule) {
				return nil, Invalid("resolutions", FRResolutionRecorded)
			}
			continue
		}
		i, ok := at[r.Text]
		switch {
		case !ok:
			at[r.Text] = len(out)
			out = append(out, r)
		case r.Rule == nil:
		case out[i].Rule == nil:
			out[i].Rule = r.Rule
		case *out[i].Rule != *r.Rule:
			return nil, Invalid("resolutions", FRInvalid) // one text, two rules
		}
	}
	return out, nil
}

// ResolutionChange moves a resolution's follow-up on.
type ResolutionChange struct {
	Status string
	Note   string
	// KeepNote leaves the note as it is: a change that says nothing of
	// the note (a PATCH without one) must not wipe what staff wrote.
	KeepNote bool
}

// CheckChange says whether the follow-up may move to ch: forward only
// (open → in_progress → done, or straight to done), a note may change
// without a move, and a done resolution stays done.
func (r *Resolution) CheckChange(ch *ResolutionChange) error {
	if ch.KeepNote {
		ch.Note = r.Note
	}
	ch.Note = strings.TrimSpace(ch.Note)
	p := Problems{}
	to := slices.Index(ResolutionStatuses, ch.Status)
	if ch.Status == "" {
		p.Add("status", FRRequired)
	} else if to < 0 {
		p.Add("status", FRInvalid)
	}
	checkText(p, "note", ch.Note, 1000, false)
	if err := p.Err(); err != nil {
		return err
	}
	switch from := slices.Index(ResolutionStatuses, r.Status); {
	case r.Status == ResolutionDone:
		return Errorf(ECResolutionDone)
	case to < from:
		return Invalid("status", FRInvalid)
	}
	return nil
}

// AgeRule is the activity rule the resolution's rule makes, naming it.
func (r *Resolution) AgeRule() *AgeRule {
	if r.Rule == nil || r.Rule.Kind != RuleEmergencyContactFromAge {
		return nil
	}
	return &AgeRule{EmergencyContactFromAge: r.Rule.Age, ResolutionID: r.ID, Resolution: r.Text, CouncilName: r.CouncilName,
		MeetingID: r.MeetingID}
}

// ActivityAgeRule decides a new activity's age rule: the one staff chose,
// none when they chose none (set with a nil rule), else the station's
// default. A chosen rule of the default's age still rests on the
// resolution that made it.
func ActivityAgeRule(chosen *AgeRule, set bool, stationDefault *AgeRule) *AgeRule {
	if chosen == nil && !set {
		chosen = stationDefault
	}
	if chosen == nil {
		return nil
	}
	out := AgeRule{EmergencyContactFromAge: chosen.EmergencyContactFromAge}
	if d := stationDefault; d != nil && d.EmergencyContactFromAge == out.EmergencyContactFromAge {
		out.ResolutionID, out.Resolution, out.CouncilName, out.MeetingID = d.ResolutionID, d.Resolution, d.CouncilName, d.MeetingID
	}
	return &out
}

// StationRules are the rules a station's councils resolved and Guli keeps.
type StationRules struct {
	// AgeRule is the default of new activities; nil when no resolution
	// made one.
	AgeRule *AgeRule
}

// Proposal is what a resident puts to a council; staff put it on a
// meeting's agenda and answer it.
type Proposal struct {
	ID           ID
	CouncilID    ID
	StationID    ID
	AuthorID     ID
	Author       string
	Title        string
	Body         string
	SupportCount int
	// Supported says whether the signed-in reader supports it.
	Supported    bool
	MeetingID    ID
	MeetingTitle string
	Outcome      string // "" until answered
	Answer       string
	CreatedAt    time.Time
}

// AuthorShownTo is the author's name as viewer is shown it: to the
// author and the station's staff; proposals are public, and who put one
// forward is not everyone's business.
func (p *Proposal) AuthorShownTo(viewer *User) string {
	if viewer != nil && (viewer.ID == p.AuthorID || viewer.WorksAt(p.StationID)) {
		return p.Author
	}
	return ""
}

// ProposalsFrom is the cursor of the page of a council's proposals
// (newest first) that begins with proposal id: where a link to one
// proposal goes, however many newer ones have come since.
func ProposalsFrom(id ID) string { return EncodeCursor((id + 1).String()) }

// PageCursor is the cursor of the page of its council's proposals that
// begins with p (ProposalsFrom).
func (p *Proposal) PageCursor() string { return ProposalsFrom(p.ID) }

// ThrottleProposals keeps a resident from flooding a council's public
// list: every proposal counts, as a post does; staff are not limited.
var ThrottleProposals = ThrottleRule{Scope: "proposals", Free: 5, First: 10 * time.Minute, Max: time.Hour, Window: time.Hour}

// ProposalInput is a new proposal.
type ProposalInput struct {
	CouncilID ID
	Title     string
	Body      string
}

// Validate checks what needs no database.
func (in *ProposalInput) Validate() error {
	p := Problems{}
	in.Title, in.Body = strings.TrimSpace(in.Title), strings.TrimSpace(in.Body)
	checkText(p, "title", in.Title, 100, true)
	checkText(p, "body", in.Body, 2000, false)
	return p.Err()
}

// ProposalAnswer is what staff record of a proposal: the meeting whose
// agenda it is on (0 keeps it), and the council's outcome and answer.
type ProposalAnswer struct {
	MeetingID ID
	Outcome   string
	Answer    string
}

// Validate checks what needs no database.
func (in *ProposalAnswer) Validate() error {
	p := Problems{}
	in.Answer = strings.TrimSpace(in.Answer)
	if in.Outcome != "" && !slices.Contains(ProposalOutcomes, in.Outcome) {
		p.Add("outcome", FRInvalid)
	}
	if in.MeetingID < 0 {
		p.Add("meeting_id", FRInvalid)
	}
	checkText(p, "answer", in.Answer, 2000, false)
	return p.Err()
}

// TellsAuthor says whether an answer is news to the proposal's author:
// an outcome given or changed, or a new answer with one, by someone else.
func (p *Proposal) TellsAuthor(in ProposalAnswer, actor *User) bool {
	return in.Outcome != "" && (in.Outcome != p.Outcome || in.Answer != p.Answer) && (actor == nil || actor.ID != p.AuthorID)
}

// BelongsTo reports whether person is of the council's station: its staff,
// or someone who lives in its areas or joined its activities
// (person.Stations must be loaded).
func (c *Council) BelongsTo(person *User) bool {
	return person != nil && (c.Runs(person) || slices.Contains(person.Stations, c.StationID))
}

// CheckPropose says whether actor may put a proposal to the council: any
// resident of its station, and its staff. Staff of another station are
// answered as if the council were not there; anyone else is forbidden.
func (c *Council) CheckPropose(actor *User) error {
	switch {
	case actor == nil:
		return Errorf(ECUnauthenticated)
	case c.BelongsTo(actor):
		return nil
	case actor.IsStaff():
		return Errorf(ECNotFound)
	}
	return Errorf(ECForbidden)
}

// CheckSupport says whether actor may support a proposal of the council:
// whoever may propose, once.
func (c *Council) CheckSupport(actor *User, already bool) error {
	if err := c.CheckPropose(actor); err != nil {
		return err
	}
	if already {
		return Errorf(ECAlreadySupported)
	}
	return nil
}

// MeetingService keeps a council's meetings, resolutions and proposals.
type MeetingService interface {
	// CreateMeeting schedules a meeting, by staff of the station.
	CreateMeeting(ctx context.Context, in MeetingInput) (*Meeting, error)
	Meeting(ctx context.Context, id ID) (*Meeting, error)
	// Meetings lists a council's meetings, the latest first.
	Meetings(ctx context.Context, councilID ID, opts ListOptions) (Page[*Meeting], error)
	// RecordMeeting records minutes and adds resolutions; a resolution
	// with a rule makes it the station's.
	RecordMeeting(ctx context.Context, id ID, rec MeetingRecord) (*Meeting, error)
	// SetAttendance says which members attended.
	SetAttendance(ctx context.Context, id ID, userIDs []ID) (*Meeting, error)
	Resolution(ctx context.Context, id ID) (*Resolution, error)
	// Resolutions lists a council's resolutions to follow up: those not
	// done first, oldest first.
	Resolutions(ctx context.Context, councilID ID) ([]*Resolution, error)
	UpdateResolution(ctx context.Context, id ID, ch ResolutionChange) (*Resolution, error)
	// StationRules are the rules councils' resolutions made the station's.
	StationRules(ctx context.Context, stationID ID) (*StationRules, error)

	CreateProposal(ctx context.Context, in ProposalInput) (*Proposal, error)
	Proposal(ctx context.Context, id ID) (*Proposal, error)
	// Proposals lists a council's proposals, the newest first.
	Proposals(ctx context.Context, councilID ID, opts ListOptions) (Page[*Proposal], error)
	// Support adds the signed-in person's support; a second time answers
	// already_supported.
	Support(ctx context.Context, proposalID ID) (*Proposal, error)
	AnswerProposal(ctx context.Context, id ID, in ProposalAnswer) (*Proposal, error)
}
