package district

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"guli"
	"guli/demo"
)

// A station of 10,000 residents is asked for help some 1,500 times a year.
const helpPerResident = 0.15

// request is a request for help as it went.
type request struct {
	id                              int64
	by                              *person
	asking                          demo.Asking
	asked, claimed, done, confirmed time.Time
	needed                          time.Time
	volunteer                       *person
	minutes, rating                 int
	comment                         string
	status                          string
	withdrawn                       time.Time
	filedBy, confirmedBy            int64 // staff, for someone without a phone
}

// help writes the station's year of mutual aid: residents asking, some
// much more than others, the elderly for anything but homework, parents
// for homework and errands; a volunteer with the skill (from the
// requester's area first, but for help over the phone) claims it within
// hours, does it and the requester confirms with a rating, and the time
// bank credits the volunteer from the station's fund. Some requests are
// withdrawn, a few never found anyone, and those of the last days are
// still under way. Then the ledger is played in order of time.
func (g *gen) help(st *station) error {
	r := g.rng(st.idx, partHelp)
	year := g.now.Year()
	if len(st.vols) == 0 {
		return nil
	}
	// Who asks: a fifth of the residents, some often.
	var askers []*person
	var aw []int
	for _, p := range st.people {
		if r.IntN(5) == 0 {
			askers = append(askers, p)
			w := 1 + r.IntN(4)
			if p.elderly(year) {
				w += 2
			}
			aw = append(aw, w)
		}
	}
	if len(askers) == 0 {
		return nil
	}
	days := g.now.Sub(st.from).Hours() / 24
	n := round(r, float64(len(st.people))*helpPerResident*days/365)
	var reqs []*request
	for range n {
		q := &request{by: askers[demo.Weighted(r, aw)]}
		q.asking = g.askingFor(r, q.by, year)
		lo := st.from
		if j := q.by.joined.Add(time.Hour); j.After(lo) {
			lo = j
		}
		if !lo.Before(g.now.Add(-time.Hour)) {
			continue
		}
		q.asked = daytime(r, between(r, lo, g.now.Add(-time.Hour)), g.loc)
		if !q.asked.Before(g.now) {
			continue
		}
		g.planRequest(r, st, q)
		reqs = append(reqs, q)
	}
	slices.SortStableFunc(reqs, func(a, b *request) int { return a.asked.Compare(b.asked) })
	for _, q := range reqs {
		q.id = next(&g.ids.help)
		v := int64(0)
		if q.volunteer != nil {
			v = q.volunteer.id
		}
		minutes := 0
		if !q.done.IsZero() {
			minutes = q.minutes
		}
		g.t.help.Add(q.id, st.id, q.by.id, q.asking.Title, q.asking.Desc, q.asking.Category, nullTime(q.needed), q.status,
			nullable(v), minutes, q.rating, q.comment, nullable(q.filedBy), ms(q.asked), nullTime(q.claimed), nullTime(q.done), nullTime(q.confirmed))
		id := strconv.FormatInt(q.id, 10)
		if q.filedBy != 0 {
			g.audit(q.filedBy, "help.file_on_behalf", q.by.id, id, q.asked)
		}
		if q.confirmedBy != 0 {
			action, at := "help.confirm_on_behalf", q.confirmed
			if q.status == guli.HelpCancelled {
				action, at = "help.cancel_on_behalf", q.withdrawn
			}
			g.audit(q.confirmedBy, action, q.by.id, id, at)
		}
		g.sum.HelpRequests++
	}
	return g.ledger(st, reqs)
}

// askingFor draws what a resident asks for: the elderly anything but
// homework, the younger homework, errands, repairs and the rest.
func (g *gen) askingFor(r *rand.Rand, p *person, year int) demo.Asking {
	for {
		a := pick(r, g.askings)
		young := slices.Contains([]string{"tutoring", "errand", "repair", "other"}, a.Category)
		if p.elderly(year) && a.Category != "tutoring" || !p.elderly(year) && young {
			return a
		}
	}
}

// daytime moves a moment of the night (21:00 to 7:00) to the next
// morning, when people ask and help.
func daytime(r *rand.Rand, t time.Time, loc *time.Location) time.Time {
	t = t.In(loc)
	if h := t.Hour(); h >= 7 && h < 21 {
		return t
	}
	d := guli.DateOf(t.Add(-7 * time.Hour)).AddDays(1).In(loc)
	return between(r, d.Add(7*time.Hour+30*time.Minute), d.Add(8*time.Hour+30*time.Minute))
}

// plan draws how far a request went by now: withdrawn (one in thirteen),
// left with nobody (one in fifty), or claimed, done and confirmed as far
// as there was time for.
func (g *gen) planRequest(r *rand.Rand, st *station, q *request) {
	q.status = guli.HelpOpen
	if q.asking.Needed {
		day := guli.DateOf(q.asked).AddDays(1 + r.IntN(3))
		q.needed = day.In(g.loc).Add(time.Duration(pick(r, []int{9, 10, 14})) * time.Hour)
	}
	desk := func() int64 { return pick(r, st.staff).id }
	if q.by.phone == "" || r.IntN(100) < 4 {
		q.filedBy = desk()
	}
	cancel := r.IntN(13) == 0
	if r.IntN(50) == 0 && !cancel {
		return // nobody came
	}
	claimed := daytime(r, q.asked.Add(time.Duration(5+r.IntN(30))*time.Minute+time.Duration(r.IntN(4)/3*r.IntN(300))*time.Minute), g.loc)
	if cancel {
		// Withdrawn within a day, some after a volunteer had taken it.
		at := daytime(r, q.asked.Add(time.Duration(60+r.IntN(1140))*time.Minute), g.loc)
		if !at.Before(g.now) {
			return
		}
		if r.IntN(10) < 4 && claimed.Before(at) {
			if q.volunteer = g.volunteerFor(r, st, q, claimed); q.volunteer != nil {
				q.claimed = claimed
			}
		}
		q.status = guli.HelpCancelled
		q.withdrawn = at
		if q.by.phone == "" {
			q.confirmedBy = desk()
		}
		return
	}
	if !claimed.Before(g.now) {
		return
	}
	if q.volunteer = g.volunteerFor(r, st, q, claimed); q.volunteer == nil {
		return
	}
	q.claimed, q.status = claimed, guli.HelpClaimed
	q.minutes = (q.asking.Minutes[0] + r.IntN(q.asking.Minutes[1]-q.asking.Minutes[0]+1)) / 5 * 5
	var done time.Time
	if !q.needed.IsZero() && q.needed.After(claimed) {
		done = q.needed.Add(time.Duration(q.minutes) * time.Minute)
	} else {
		done = daytime(r, claimed.Add(time.Duration(q.minutes+r.IntN(24*60))*time.Minute), g.loc)
	}
	if !done.Before(g.now) || !done.After(claimed) {
		q.minutes = 0
		return
	}
	q.done, q.status = done, guli.HelpDone
	confirmed := daytime(r, done.Add(time.Duration(10+r.IntN(600))*time.Minute), g.loc)
	if !confirmed.Before(g.now) {
		return
	}
	q.confirmed, q.status = confirmed, guli.HelpConfirmed
	switch n := r.IntN(20); {
	case n < 15:
		q.rating = 5
	case n < 19:
		q.rating = 4
	default:
		q.rating = 3
	}
	if r.IntN(10) < 4 {
		q.comment = pick(r, g.thanks)
	}
	if q.by.phone == "" {
		q.confirmedBy = desk()
	}
}

// volunteerFor draws who claims a request at t: a volunteer of the
// station by then, not its requester, with the skill if any has it, from
// the requester's area more often where the area matters, the keener
// more often.
func (g *gen) volunteerFor(r *rand.Rand, st *station, q *request, t time.Time) *person {
	skill := guli.Skills(q.asking.Category)
	local := q.asking.Category != "tech"
	for _, needSkill := range []bool{true, false} {
		weights := make([]int, len(st.vols))
		any := false
		for i, v := range st.vols {
			if v == q.by || !v.volFrom.Before(t) || needSkill && v.skills&skill == 0 {
				continue
			}
			weights[i] = v.weight
			if local && v.area == q.by.area {
				weights[i] *= 4
			}
			any = true
		}
		if any {
			return st.vols[demo.Weighted(r, weights)]
		}
	}
	return nil
}

// movement is minutes moving at a moment: a service confirmed, paid from
// the station's fund or the requester's own minutes, or minutes given to
// one's family.
type movement struct {
	at      time.Time
	q       *request // the service it pays for; nil for a gift
	from    *person  // nil: the station's fund
	to      *person
	minutes int64
}

// ledger plays the station's movements of minutes in order of time:
// services credited from the station's fund, a few paid by requesters who
// hold enough minutes by then, and volunteers giving minutes to their
// family. Nobody's balance goes below zero; the fund's may. Accounts are
// written with their balances at the end, then the entries, two to a
// movement, the first's id the movement's.
func (g *gen) ledger(st *station, reqs []*request) error {
	r := g.rng(st.idx, partLedger)
	var moves []movement
	for _, q := range reqs {
		if q.status == guli.HelpConfirmed {
			moves = append(moves, movement{at: q.confirmed, q: q, to: q.volunteer, minutes: int64(q.minutes)})
		}
	}
	// One volunteer in twenty gives minutes to a relative, once.
	for _, v := range st.vols {
		if r.IntN(20) != 0 {
			continue
		}
		to := st.people[r.IntN(len(st.people))]
		at := between(r, v.volFrom, g.now.Add(-time.Hour))
		if to == v || !to.joined.Before(at) {
			continue
		}
		moves = append(moves, movement{at: daytime(r, at, g.loc), from: v, to: to, minutes: int64(30 + 10*r.IntN(10))})
	}
	slices.SortStableFunc(moves, func(a, b movement) int { return a.at.Compare(b.at) })
	fund := &person{account: st.fund} // the station's fund, as an account holder
	var touched []*person
	var played []movement
	for _, m := range moves {
		switch {
		case m.q == nil && m.from.balance < m.minutes:
			continue // not enough minutes yet: no gift
		case m.q != nil && m.q.by.vol && m.q.by.balance >= m.minutes && r.IntN(4) == 0:
			m.from = m.q.by // paid from the requester's own minutes
		}
		payer := fund
		if m.from != nil {
			payer = m.from
		}
		for _, p := range []*person{payer, m.to} {
			if p.account == 0 && p != fund {
				p.account = -1
				touched = append(touched, p)
			}
		}
		payer.balance -= m.minutes
		m.to.balance += m.minutes
		if m.q != nil {
			m.to.earned += m.minutes
		}
		played = append(played, m)
	}
	if len(played) == 0 {
		return nil
	}
	if fund.account != 0 {
		g.funds = append(g.funds, [2]int64{fund.account, fund.balance})
	} else {
		fund.account = next(&g.ids.account)
		g.t.accounts.Add(fund.account, nil, st.id, fund.balance, 0)
	}
	for _, p := range touched {
		p.account = next(&g.ids.account)
		g.t.accounts.Add(p.account, p.id, nil, p.balance, p.earned)
	}
	for _, m := range played {
		out := next(&g.ids.entry)
		in := next(&g.ids.entry)
		if m.q != nil {
			from, kind := fund.account, guli.EntryIssued
			if m.from != nil {
				from, kind = m.from.account, guli.EntryTransferOut
			}
			g.t.entries.Add(out, out, from, -m.minutes, kind, m.q.asking.Title, nil, ms(m.at))
			g.t.entries.Add(in, out, m.to.account, m.minutes, guli.EntryEarned, m.q.asking.Title, m.q.id, ms(m.at))
			g.confirmed[st.id]++
			g.sum.Services++
			continue
		}
		memo := pick(r, []string{"给家人的时间", "送给老伴", "给妈妈存的时间", "给爸爸"})
		g.t.entries.Add(out, out, m.from.account, -m.minutes, guli.EntryTransferOut, memo, nil, ms(m.at))
		g.t.entries.Add(in, out, m.to.account, m.minutes, guli.EntryTransferIn, memo, nil, ms(m.at))
	}
	return nil
}
