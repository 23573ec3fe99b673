package guli

import (
	"slices"
	"time"
)

// Matching: for a help request, the volunteers most likely to help, best
// first, each with the reasons a resident can read. The score adds up
// plain facts, weighted so that what matters most to the resident comes
// first:
//
//	can do this kind of help (skill)            40
//	lives or helps in the requester's area      25  (not for phone help, tech)
//	free at the time it is needed               15
//	no other request in hand                    10  (one: 5)
//	asked least lately (claims in 30 days)     0–6
//	track record (services confirmed)          0–5
//
// Equal scores go to the one asked less lately, then the lower id, so the
// same facts always give the same order.

// MaxCandidates is the length of a candidate list.
const MaxCandidates = 10

// FairnessWindow is how far back "asked lately" looks.
const FairnessWindow = 30 * 24 * time.Hour

// Weights of the facts a candidate's score adds up.
const (
	weightSkill     = 40
	weightArea      = 25
	weightAvailable = 15
	weightFree      = 10
	weightOneClaim  = 5
	weightRested    = 6 // less 2 for each claim in the window
	maxRecord       = 5 // one for each confirmed service, up to this
)

// Reasons says why a volunteer is suggested, one bit a reason.
type Reasons uint16

// The reasons, in the order they are told.
const (
	ReasonSkill     Reasons = 1 << iota // can do this kind of help
	ReasonArea                          // lives or helps in the requester's area
	ReasonAnywhere                      // phone help: where they live does not matter
	ReasonAvailable                     // free at the time it is needed
	ReasonFree                          // no other request in hand
	ReasonRested                        // not asked in the last 30 days
	ReasonRecord                        // has helped before, services confirmed
	reasonEnd

	// AllReasons holds every reason.
	AllReasons = reasonEnd - 1
)

// reasonCodes name the reasons on the wire and in the catalogues
// ("match.reason.<code>").
var reasonCodes = [...]string{"skill", "area", "anywhere", "available", "free", "rested", "record"}

// Codes lists the reasons' names in order.
func (r Reasons) Codes() []string {
	var out []string
	for i, code := range reasonCodes {
		if r&(1<<i) != 0 {
			out = append(out, code)
		}
	}
	return out
}

// SkillSet is a set of help categories, one bit each in the order of
// HelpCategories: matching tests it for each of many volunteers.
type SkillSet uint16

// Skills returns the set of the named categories; unknown names are left out.
func Skills(names ...string) SkillSet {
	var s SkillSet
	for _, n := range names {
		if i := slices.Index(HelpCategories, n); i >= 0 {
			s |= 1 << i
		}
	}
	return s
}

// Has reports whether the set holds category.
func (s SkillSet) Has(category string) bool {
	return s&Skills(category) != 0
}

// VolunteerFacts is what matching knows of one volunteer.
type VolunteerFacts struct {
	UserID       ID
	HomeAreaID   ID // 0: none
	Skills       SkillSet
	AreaIDs      []ID          // areas they offer to help in
	Availability *OpeningHours // nil: none given

	OpenClaims   int // requests in hand now
	RecentClaims int // requests claimed within FairnessWindow
	Services     int // services confirmed
}

// Candidate is a suggested volunteer.
type Candidate struct {
	UserID   ID
	Name     string
	Score    int
	Reasons  Reasons
	Services int // services confirmed, told with ReasonRecord

	recentClaims int // breaks ties: the one asked less lately first
}

// CheckSeeCandidates says whether actor may see who could help: the
// requester, and staff of the request's station.
func (h *HelpRequest) CheckSeeCandidates(actor *User) error {
	switch {
	case actor == nil:
		return Errorf(ECUnauthenticated)
	case actor.ID != h.RequesterID && !actor.WorksAt(h.StationID):
		return Errorf(ECForbidden)
	}
	return nil
}

// AreaMatters reports whether where a volunteer lives counts for the
// request: not for help given over the phone.
func (h *HelpRequest) AreaMatters() bool { return h.Category != "tech" }

// Match scores one volunteer for the request; loc is the station's zone,
// in which availability is given. A volunteer who neither has the skill
// nor (where it matters) the area does not fit: ok is false.
func (h *HelpRequest) Match(v *VolunteerFacts, loc *time.Location) (c Candidate, ok bool) {
	m := newMatcher(h, loc)
	return m.match(v)
}

// matcher scores volunteers for one request, with what every score needs
// worked out once.
type matcher struct {
	h           *HelpRequest
	skill       SkillSet
	areaMatters bool
	neededBy    time.Time // in the station's zone; zero: whenever
}

func newMatcher(h *HelpRequest, loc *time.Location) matcher {
	m := matcher{h: h, skill: Skills(h.Category), areaMatters: h.AreaMatters()}
	if !h.NeededBy.IsZero() {
		m.neededBy = h.NeededBy.In(loc)
	}
	return m
}

func (m *matcher) match(v *VolunteerFacts) (c Candidate, ok bool) {
	if v.UserID == m.h.RequesterID {
		return c, false
	}
	c = Candidate{UserID: v.UserID, Services: v.Services, recentClaims: v.RecentClaims}
	if v.Skills&m.skill != 0 {
		c.Score += weightSkill
		c.Reasons |= ReasonSkill
	}
	if !m.areaMatters {
		if c.Reasons&ReasonSkill == 0 {
			return c, false
		}
		c.Reasons |= ReasonAnywhere
	} else if a := m.h.AreaID; a != 0 && (v.HomeAreaID == a || slices.Contains(v.AreaIDs, a)) {
		c.Score += weightArea
		c.Reasons |= ReasonArea
	}
	if c.Reasons&(ReasonSkill|ReasonArea) == 0 {
		return c, false
	}
	if !m.neededBy.IsZero() && v.Availability != nil && FreeBefore(*v.Availability, m.neededBy) {
		c.Score += weightAvailable
		c.Reasons |= ReasonAvailable
	}
	switch v.OpenClaims {
	case 0:
		c.Score += weightFree
		c.Reasons |= ReasonFree
	case 1:
		c.Score += weightOneClaim
	}
	if rested := weightRested - 2*v.RecentClaims; rested > 0 {
		c.Score += rested
		if v.RecentClaims == 0 {
			c.Reasons |= ReasonRested
		}
	}
	if v.Services > 0 {
		c.Score += min(v.Services, maxRecord)
		c.Reasons |= ReasonRecord
	}
	return c, true
}

// FreeBefore reports whether availability has time on the day of t, in
// its zone, that starts no later than t: someone free on Saturday
// morning can do what is needed by Saturday at ten.
func FreeBefore(availability OpeningHours, t time.Time) bool {
	minute := t.Hour()*60 + t.Minute()
	for _, s := range availability.On(t.Weekday()) {
		if s.From <= minute {
			return true
		}
	}
	return false
}

// Ranking keeps the best MaxCandidates of the volunteers offered to it,
// in order; feed it with Offer and read Best.
type Ranking struct {
	m    matcher
	best []Candidate
}

// NewRanking starts ranking volunteers for h; loc is the station's zone.
func NewRanking(h *HelpRequest, loc *time.Location) *Ranking {
	return &Ranking{m: newMatcher(h, loc), best: make([]Candidate, 0, MaxCandidates+1)}
}

// Offer scores v and keeps it if it is among the best so far.
func (r *Ranking) Offer(v *VolunteerFacts) {
	c, ok := r.m.match(v)
	if !ok {
		return
	}
	n := len(r.best)
	if n == MaxCandidates && !c.before(r.best[n-1]) {
		return
	}
	i := n
	for i > 0 && c.before(r.best[i-1]) {
		i--
	}
	r.best = slices.Insert(r.best, i, c)
	if len(r.best) > MaxCandidates {
		r.best = r.best[:MaxCandidates]
	}
}

// before reports whether c goes before d: the higher score, then the one
// asked less lately, then the lower id.
func (c Candidate) before(d Candidate) bool {
	if c.Score != d.Score {
		return c.Score > d.Score
	}
	if c.recentClaims != d.recentClaims {
		return c.recentClaims < d.recentClaims
	}
	return c.UserID < d.UserID
}

// Best returns the volunteers kept, best first.
func (r *Ranking) Best() []Candidate { return r.best }

// RankCandidates ranks volunteers for h, best first, at most
// MaxCandidates of them.
func RankCandidates(h *HelpRequest, volunteers []VolunteerFacts, loc *time.Location) []Candidate {
	r := NewRanking(h, loc)
	for i := range volunteers {
		r.Offer(&volunteers[i])
	}
	return r.Best()
}
