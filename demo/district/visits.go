package district

import (
	"math/rand/v2"
	"time"

	"guli"
)

// Each open day's visitors, relatively: weekends are the busiest.
var weekdayVisits = [7]float64{time.Sunday: 1.5, time.Monday: 0.8, time.Tuesday: 0.75, time.Wednesday: 0.8,
	time.Thursday: 0.75, time.Friday: 0.9, time.Saturday: 1.6}

// visits writes each open day's visitors up to yesterday: the desk's
// count of the day by purpose (those who came to classes among them, as
// the desk counts them), and the residents who checked in at the door
// with their phones, each once a day. A station of 10,000 residents sees
// some 30 visitors a day, more as the year goes on.
func (g *gen) visits(st *station) {
	r := g.rng(st.idx, partVisits)
	today := guli.DateOf(g.now)
	first := guli.DateOf(st.from)
	days := max(1, int(g.now.Sub(st.from).Hours()/24))
	scale := float64(len(st.people)) / 10_000
	purposes := []string{"activity", "health_check", "consultation", "smartphone_help", "other"}
	for k, d := 0, first; d < today; k, d = k+1, d.AddDays(1) {
		wd := d.Weekday()
		if len(st.hours.On(wd)) == 0 || st.closed[d] {
			continue
		}
		busy := weekdayVisits[wd] * (0.75 + 0.5*float64(k)/float64(days)) * scale
		shares := []float64{8, 4, 1.5, 2, 6}
		if wd == time.Saturday {
			shares[3] *= 3
		}
		desk := pick(r, st.staff)
		for j, purpose := range purposes {
			n := round(r, busy*shares[j])
			if purpose == "activity" {
				n += st.attended[d]
			}
			if n == 0 {
				continue
			}
			at := d.In(g.loc).Add(16*time.Hour + 45*time.Minute + time.Duration(j)*time.Minute)
			g.t.visits.Add(next(&g.ids.visit), st.id, nil, n, purpose, string(d), guli.VisitAtDesk, desk.id, ms(at))
			g.sum.Visits++
		}
		g.stamp++
		span := st.hours.On(wd)[0]
		open := d.In(g.loc).Add(time.Duration(span.From) * time.Minute)
		shut := d.In(g.loc).Add(time.Duration(st.hours.On(wd)[len(st.hours.On(wd))-1].To) * time.Minute)
		for range round(r, busy*5) {
			p := st.pool[r.IntN(len(st.pool))]
			if p.mark == g.stamp || p.phone == "" {
				continue
			}
			p.mark = g.stamp
			g.t.visits.Add(next(&g.ids.visit), st.id, p.id, 1, "other", string(d), guli.VisitCheckin, nil, ms(between(r, open, shut)))
			g.sum.Visits++
		}
	}
}

// round rounds x up or down at random, by its fraction: many small
// counts add up to their expected total.
func round(r *rand.Rand, x float64) int {
	n := int(x)
	if r.Float64() < x-float64(n) {
		n++
	}
	return n
}
