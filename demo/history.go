package demo

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"guli"
)

// The article's history (guli demo --like-seed): 顾里小站 from its opening
// on 2023-02-10 to 2023-10-15, the day the article counts to. Its figures,
// counted from these records by GET /api/v1/stats over those days, read
// as the article does: 178 days open (Wednesday to Sunday, "已服务近180
// 天"), 8,963 visits ("累计服务居民近9000人次"), 236 residents who asked
// for help ("共有236位居民通过平台发起求助") and 948 services completed
// ("累计完成948次社区服务"). Everything is written through the services,
// on a clock moved to each moment: residents registering, the desk's
// counts of each open day, the week's classes with the people checked in,
// requests asked, taken, done and confirmed.

var shanghai = guli.Zone("Asia/Shanghai")

// historyStart is when the station's people are there, before the opening;
// historyEnd is the last day the article counts.
var (
	historyStart = time.Date(2023, 2, 1, 9, 0, 0, 0, shanghai)
	historyEnd   = time.Date(2023, 10, 15, 0, 0, 0, 0, shanghai)
)

// The article's figures, and how many people make them.
const (
	historyVisits     = 8963
	historyRequesters = 236
	historyServices   = 948
	historyOpen       = 12   // asked in the last days, nobody on them yet
	historyWithdrawn  = 9    // asked and withdrawn: counted nowhere
	historyResidents  = 1200 // registered besides the demo's people, most before the opening
	historyVolunteers = 48   // of them
	historyNamed      = 3    // visitors a day the desk counts by name
)

// Clock is the time a history is written at: the real time, or the
// moment it was set to (the zero time sets it back to the real one). Its
// Now is the store's clock (sqlstore.Options.Now), its Set LikeSeed's.
type Clock struct {
	mu sync.Mutex
	at time.Time
}

func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.at.IsZero() {
		return time.Now()
	}
	return c.at
}

func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.at = t
}

// moment is one thing that happened, at its time.
type moment struct {
	at time.Time
	do func() error
}

// resident is one of the history's residents and when they registered.
type resident struct {
	user *guli.User
	at   time.Time
}

func history(ctx context.Context, svc guli.Services, st *guli.Station, users map[string]*guli.User, set func(time.Time)) error {
	rng := rand.New(rand.NewPCG(2023, 1015))
	loc := st.Location()
	opening, err := time.ParseInLocation(time.DateOnly, string(st.OpenedOn), loc)
	if err != nil {
		return err
	}
	var days []time.Time // the days it was open, at midnight
	for d := opening; !d.After(historyEnd); d = d.AddDate(0, 0, 1) {
		if len(st.OpeningHours.On(d.Weekday())) > 0 {
			days = append(days, d)
		}
	}
	at := func(day time.Time, hour, minute int) time.Time {
		return time.Date(day.Year(), day.Month(), day.Day(), hour, minute, 0, 0, loc)
	}

	// Residents of the eight areas: most registered in the week before the
	// opening, the rest as the months went; some of them volunteer.
	var people, volunteers []resident
	for i := range historyResidents {
		when := historyStart.Add(time.Duration(rng.IntN(8*24*60)) * time.Minute)
		if i >= historyResidents*6/10 {
			when = opening.Add(time.Duration(rng.IntN(int(historyEnd.Sub(opening)/time.Minute))) * time.Minute)
		}
		people = append(people, resident{at: when})
	}
	slices.SortFunc(people, func(a, b resident) int { return a.at.Compare(b.at) })
	for i := range people {
		set(people[i].at)
		in := guli.NewUserInput{Name: Name(rng), Phone: fmt.Sprintf("137%08d", i), AreaID: st.Areas[rng.IntN(len(st.Areas))].ID,
			BirthYear: 1935 + rng.IntN(70)}
		if i%(historyResidents/historyVolunteers) == 0 {
			in.Roles = []guli.Role{guli.RoleResident, guli.RoleVolunteer}
		}
		u, err := svc.Accounts.CreateUser(ctx, in)
		if err != nil {
			return fmt.Errorf("resident %d: %w", i, err)
		}
		people[i].user = u
		if u.Has(guli.RoleVolunteer) {
			volunteers = append(volunteers, people[i])
		}
	}
	for _, name := range []string{helpVolunteer, "谢墨林"} {
		volunteers = append(volunteers, resident{user: users[name], at: historyStart})
	}
	// Those there from the opening who do not volunteer: who ask for help,
	// and most of those who come to classes.
	var early []*guli.User
	for _, p := range people {
		if p.at.Before(opening) && !p.user.Has(guli.RoleVolunteer) {
			early = append(early, p.user)
		}
	}
	as := func(u *guli.User) context.Context { return guli.NewContextWithUser(ctx, u) }

	var moments []moment
	add := func(t time.Time, do func() error) { moments = append(moments, moment{t, do}) }

	// The desk's counts: more each month as the station became known, more
	// at weekends; a few visitors named, the rest counted by purpose
	// (smartphone help from June, when the students came).
	weights := make([]float64, len(days))
	var sum float64
	for i, d := range days {
		w := (0.6 + 0.8*float64(i)/float64(len(days))) * (0.9 + 0.2*rng.Float64())
		if d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
			w *= 1.25
		}
		weights[i], sum = w, sum+w
	}
	var before, counted float64 // the weight of the days before, and their visits
	for i, d := range days {
		// Each day's share, rounded so that the days add up to the total.
		n := int(math.Round(float64(historyVisits)*(before+weights[i])/sum) - counted)
		before, counted = before+weights[i], counted+float64(n)
		purposes := []string{"activity", "health_check", "consultation", "other"}
		shares := []int{45, 30, 10, 15}
		if d.Month() >= time.June {
			purposes, shares = append(purposes, "smartphone_help"), []int{40, 25, 10, 10, 15}
		}
		for k := range historyNamed {
			who := early[rng.IntN(len(early))]
			add(at(d, 9+k*2, 17), func() error {
				one := 1
				_, err := svc.Visits.RecordVisit(ctx, st.ID, guli.VisitInput{Count: &one, UserID: who.ID, Purpose: "health_check"})
				return err
			})
		}
		split := historyNamed
		for k, purpose := range purposes {
			count := (n - historyNamed) * shares[k] / 100
			if k == len(purposes)-1 {
				count = n - split
			}
			split += count
			if count > 0 {
				add(at(d, 16, 30+k), func() error {
					_, err := svc.Visits.RecordVisit(ctx, st.ID, guli.VisitInput{Count: &count, Purpose: purpose})
					return err
				})
			}
		}
	}

	// The week's classes and services, each week from the opening (the
	// students' smartphone help from June), with the people checked in.
	set(opening.Add(-time.Hour))
	rooms := map[string]guli.ID{}
	for _, r := range st.Rooms {
		rooms[r.Name] = r.ID
	}
	for _, w := range week {
		from := opening
		if w.category == "service" && w.host == "周晨" {
			from = time.Date(2023, 6, 1, 0, 0, 0, 0, loc)
		}
		for from.Weekday() != w.day {
			from = from.AddDate(0, 0, 1)
		}
		weeks := int(historyEnd.Sub(from)/(7*24*time.Hour)) + 1
		start := from.Add(clockOf(w.from))
		in := guli.ActivityInput{StationID: st.ID, Title: w.title, Description: w.desc, Category: w.category, Start: start,
			End: from.Add(clockOf(w.to)), Capacity: w.capacity, RoomID: rooms[w.room], AgeRuleSet: true, Repeat: &guli.Repeat{WeeklyCount: weeks}}
		if host := users[w.host]; host != nil {
			in.HostID = host.ID
		}
		items, err := svc.Activities.CreateActivities(ctx, in)
		if err != nil {
			return fmt.Errorf("the history's %s: %w", w.title, err)
		}
		for _, a := range items {
			n := 4 + rng.IntN(9)
			if a.Capacity > 0 {
				n = min(n, a.Capacity)
			}
			for _, k := range rng.Perm(len(early))[:n] {
				who := early[k]
				add(a.Start.Add(10*time.Minute), func() error { return svc.Activities.CheckIn(ctx, a.ID, who.ID) })
			}
		}
	}

	// Help: 236 residents ask, each once or more; 948 requests are taken,
	// done the next day the station is open and confirmed; the last days'
	// are still open; a few are withdrawn.
	askers := make([]*guli.User, historyRequesters)
	for i, k := range rng.Perm(len(early))[:historyRequesters] {
		askers[i] = early[k]
	}
	titles := []struct{ title, category string }{{"帮忙取药", "errand"}, {"帮忙买菜", "errand"}, {"换灯泡", "repair"}, {"水管漏水", "repair"},
		{"陪同去医院", "companion"}, {"陪老人聊聊天", "companion"}, {"教用智能手机", "tech"}, {"手机挂号", "tech"}}
	ask := func(u *guli.User, t time.Time, i int) *guli.HelpRequest {
		h := &guli.HelpRequest{}
		add(t, func() error {
			c := titles[i%len(titles)]
			asked, err := svc.Help.AskForHelp(as(u), guli.HelpRequestInput{Title: c.title, Category: c.category})
			*h = *asked
			return err
		})
		return h
	}
	for i := range historyServices + historyOpen + historyWithdrawn {
		who := askers[i%historyRequesters]
		if i >= historyRequesters {
			who = askers[rng.IntN(rng.IntN(historyRequesters)+1)] // some ask often
		}
		switch {
		case i >= historyServices+historyOpen: // withdrawn the same day
			d := days[rng.IntN(len(days))]
			asked := at(d, 9+rng.IntN(6), rng.IntN(60))
			h := ask(who, asked, i)
			add(asked.Add(2*time.Hour), func() error {
				_, err := svc.Help.CancelHelp(as(who), h.ID)
				return err
			})
		case i >= historyServices: // the last days', open still
			ask(who, at(days[len(days)-1-rng.IntN(4)], 9+rng.IntN(8), rng.IntN(60)), i)
		default:
			k := rng.IntN(len(days) - 1)
			asked := at(days[k], 9+rng.IntN(7), rng.IntN(60))
			h := ask(who, asked, i)
			helper := volunteers[rng.IntN(len(volunteers))].user
			done := at(days[k+1], 10+rng.IntN(6), rng.IntN(60))
			minutes := 20 + 5*rng.IntN(21)
			add(asked.Add(time.Duration(30+rng.IntN(150))*time.Minute), func() error {
				_, err := svc.Help.Claim(as(helper), h.ID)
				return err
			})
			add(done, func() error {
				_, err := svc.Help.Done(as(helper), h.ID, minutes)
				return err
			})
			add(done.Add(time.Duration(30+rng.IntN(120))*time.Minute), func() error {
				_, err := svc.Help.Confirm(as(who), h.ID, guli.ConfirmInput{Rating: 4 + rng.IntN(2)})
				return err
			})
		}
	}

	slices.SortStableFunc(moments, func(a, b moment) int { return cmp.Compare(a.at.UnixNano(), b.at.UnixNano()) })
	for _, m := range moments {
		set(m.at)
		if err := m.do(); err != nil {
			return fmt.Errorf("at %s: %w", m.at.Format(time.DateTime), err)
		}
	}
	return nil
}
