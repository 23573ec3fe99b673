package demo

import (
	"context"
	"fmt"
	"time"

	"guli"
)

// Mutual aid as the article tells it (236 residents asked, 948 services
// done): requests in each state, from groceries and a leaking pipe to
// going to the hospital and learning a smartphone, and 汪雅琴, a volunteer
// with her profile and the minutes her services earned her.

// helpVolunteer is the demo's volunteer of mutual aid; the others of the
// demo (程秀英, 周晨) are left for trying it out afresh.
const helpVolunteer = "汪雅琴"

// demoRequest is a request of the demo and how far it went: asked by who
// (filed by staff when they have no phone), claimed and done by volunteer
// in minutes, confirmed with a rating and comment, or cancelled.
type demoRequest struct {
	who, title, desc, category string
	neededIn                   int    // days from today; 0: whenever
	neededAt                   string // the time of that day, "HH:MM"
	volunteer                  string
	minutes                    int
	confirm                    bool
	rating                     int
	comment                    string
	cancel                     bool
}

var requests = []demoRequest{
	{who: "孙巧云", title: "帮忙取药", desc: "社区医院配的降压药，腿脚不方便走过去。", category: "errand",
		volunteer: helpVolunteer, minutes: 40, confirm: true, rating: 5, comment: "小汪跑得快，谢谢！"},
	{who: "陈美娣", title: "卫生间换灯泡", desc: "灯泡坏了，够不着。", category: "repair",
		volunteer: helpVolunteer, minutes: 30, confirm: true, rating: 5, comment: "手脚麻利，还帮我擦了灯罩。"},
	{who: "陆建平", title: "搬旧柜子下楼", category: "errand", cancel: true},
	{who: "陆建平", title: "教用智能手机挂号", desc: "想学会用手机预约挂号、看化验报告。", category: "tech",
		volunteer: "谢墨林", minutes: 45},
	{who: "张阿婆", title: "陪同去医院复查", desc: "下周二上午去华山医院北院复查，需要有人陪着去。", category: "companion",
		neededIn: 5, neededAt: "09:00", volunteer: helpVolunteer},
	{who: "孙巧云", title: "厨房水管漏水", desc: "水槽下面的水管一直在滴水，地上都湿了。", category: "repair"},
	{who: "陈美娣", title: "帮忙买菜", desc: "想买点青菜和豆腐，这几天下雨不方便下楼。", category: "errand",
		neededIn: 1, neededAt: "10:00"},
}

// seedHelp asks the demo's requests and takes each as far as it went, as
// the people involved would, through the services; staff file 张阿婆's,
// who has no phone, and confirm it for her.
func seedHelp(ctx context.Context, svc guli.Services, st *guli.Station, users map[string]*guli.User, now time.Time) error {
	loc := st.Location()
	as := func(name string) context.Context { return guli.NewContextWithUser(ctx, users[name]) }
	if err := helpVolunteerProfile(ctx, svc, users[helpVolunteer]); err != nil {
		return err
	}
	for _, d := range requests {
		in := guli.HelpRequestInput{Title: d.title, Description: d.desc, Category: d.category}
		if d.neededIn > 0 {
			day := now.In(loc).AddDate(0, 0, d.neededIn)
			in.NeededBy = time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, loc).Add(clockOf(d.neededAt))
		}
		asker := as(d.who)
		if users[d.who].Phone == "" {
			asker, in.OnBehalfOf = as("顾小里"), users[d.who].ID
		}
		h, err := svc.Help.AskForHelp(asker, in)
		if err != nil {
			return fmt.Errorf("demo help request %s: %w", d.title, err)
		}
		steps := []func() error{}
		if d.volunteer != "" {
			steps = append(steps, func() error { _, err := svc.Help.Claim(as(d.volunteer), h.ID); return err })
		}
		if d.minutes > 0 {
			steps = append(steps, func() error { _, err := svc.Help.Done(as(d.volunteer), h.ID, d.minutes); return err })
		}
		if d.confirm {
			steps = append(steps, func() error {
				_, err := svc.Help.Confirm(asker, h.ID, guli.ConfirmInput{Rating: d.rating, Comment: d.comment})
				return err
			})
		}
		if d.cancel {
			steps = append(steps, func() error { _, err := svc.Help.CancelHelp(asker, h.ID); return err })
		}
		for _, step := range steps {
			if err := step(); err != nil {
				return fmt.Errorf("demo help request %s: %w", d.title, err)
			}
		}
	}
	return nil
}

// helpVolunteerProfile says what 汪雅琴 does for her neighbours, where
// and when, as she would on her phone.
func helpVolunteerProfile(ctx context.Context, svc guli.Services, vol *guli.User) error {
	if _, err := svc.Accounts.SetVolunteerProfile(guli.NewContextWithUser(ctx, vol), guli.VolunteerProfileInput{
		Skills:       []string{"errand", "repair", "companion"},
		AreaIDs:      []guli.ID{vol.AreaID},
		Availability: map[string][]string{"wed": {"13:00-17:00"}, "sat": {"09:00-12:00"}, "sun": {"09:00-12:00"}},
	}); err != nil {
		return fmt.Errorf("demo volunteer profile: %w", err)
	}
	return nil
}
