package district

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"guli"
)

// Studios' names by the talent's skill.
var studioWords = map[string][]string{
	"书法": {"墨香", "翰墨", "墨韵", "砚田"}, "合唱": {"乐龄", "和声", "金曲", "晚晴"}, "结艺": {"巧手", "结缘", "同心"},
	"交谊舞": {"舞韵", "翩翩", "舞之缘"}, "健身操": {"活力", "康乐", "乐活"}, "国画": {"丹青", "水墨", "花鸟"},
}

var interestGroups = []struct{ name, desc string }{
	{"社区合唱队", "每周排练，逢年过节给邻居们演出。"}, {"太极拳队", "清晨在小区花园打太极，欢迎加入。"},
	{"编织小组", "毛线、钩针，一起织围巾、织帽子。"}, {"银龄读书会", "每月读一本书，聊一聊。"},
	{"广场舞队", "傍晚在小区广场跳舞，强身健体。"}, {"象棋社", "楚河汉界，以棋会友。"},
}

// teams writes the station's incubator: each talent's studio, opened on
// the residents' committee's nomination that staff approved (which made
// them a talent), with the regulars of their class as its members; the
// station's volunteer team, interest groups and parents' committee (顾里
// 小站 has the demo's); and a nomination still waiting at the desk.
func (g *gen) teams(st *station) {
	r := g.rng(st.idx, partTeams)
	for _, t := range st.talents {
		s := &series{day: -1}
		if k := slices.IndexFunc(st.series, func(s *series) bool { return s.host == t }); k >= 0 {
			s = st.series[k]
		}
		skill := talentSkills[int(t.id)%len(talentSkills)].skill
		decided := between(r, t.joined.Add(7*24*time.Hour), st.from)
		if !decided.Before(st.from) || !decided.After(t.joined) {
			decided = t.joined.Add(time.Hour)
		}
		filed := decided.Add(-time.Duration(2+r.IntN(10)) * 24 * time.Hour)
		if filed.Before(t.joined) {
			filed = t.joined
		}
		studio := next(&g.ids.team)
		name := fmt.Sprintf("%s%s工作室", pick(r, studioWords[skill]), skill)
		intro := fmt.Sprintf("%s老师的%s工作室，零基础也欢迎。", string([]rune(t.name)[:1]), skill)
		if s.day >= 0 {
			intro = fmt.Sprintf("%s老师的%s工作室，每周%s开课，零基础也欢迎。", string([]rune(t.name)[:1]), skill, weekdayNames[s.day])
		}
		members := []*person{t}
		for _, p := range s.regulars {
			if len(members) < 16 && p != t {
				members = append(members, p)
			}
		}
		g.team(r, st, studio, name, guli.TeamStudio, intro, members, decided)
		id := next(&g.ids.nomination)
		filer, decider := pick(r, st.staff), pick(r, st.staff)
		g.t.nominations.Add(id, st.id, st.areas[t.area].id, t.id, skill, fmt.Sprintf("%s擅长%s，热心为邻居们开课。", t.name, skill),
			guli.NominationApproved, filer.id, decider.id, ms(decided), studio, ms(filed))
		g.audit(decider.id, "nomination.approve", t.id, fmt.Sprintf("nomination %d, studio %d", id, studio), decided)
		before := "resident"
		if t.vol && t.volFrom.Before(decided) {
			before = "resident,volunteer"
		}
		g.audit(decider.id, "user.roles", t.id, before+" -> "+before+",talent", decided)
		g.sample("talent", t, st)
	}
	if st.existing {
		return
	}
	created := st.opened.AddDate(0, 1, 0)
	if len(st.vols) > 0 {
		var members []*person
		for _, v := range st.vols {
			if len(members) < 40 && r.IntN(2) == 0 {
				members = append(members, v)
			}
		}
		if len(members) > 0 {
			g.team(r, st, next(&g.ids.team), st.name+"志愿服务队", guli.TeamVolunteer, "小站的志愿者，助老、助学、助困。", members, created)
		}
	}
	groups := slices.Clone(interestGroups)
	r.Shuffle(len(groups), func(i, j int) { groups[i], groups[j] = groups[j], groups[i] })
	for _, ig := range groups[:2+r.IntN(2)] {
		g.stamp++
		var members []*person
		for range 8 + r.IntN(23) {
			p := st.pool[r.IntN(len(st.pool))]
			if p.mark != g.stamp {
				p.mark = g.stamp
				members = append(members, p)
			}
		}
		g.team(r, st, next(&g.ids.team), ig.name, guli.TeamInterestGroup, ig.desc, members, created)
	}
	if len(st.councils) > 1 && len(st.councils[1].members) >= 3 {
		g.team(r, st, next(&g.ids.team), "社区家委会", guli.TeamCommittee, "家长议事会推选的社区家委会。", st.councils[1].members[:3], created)
	}
	// A nomination waiting for staff.
	for range 10 {
		p := st.pool[r.IntN(len(st.pool))]
		if p.talent || p.phone == "" {
			continue
		}
		at := between(r, later(st.from, p.joined), g.now.Add(-time.Hour))
		g.t.nominations.Add(next(&g.ids.nomination), st.id, st.areas[p.area].id, p.id, "象棋", "棋艺好，愿意教小区的孩子下棋。",
			guli.NominationPending, pick(r, st.staff).id, nil, nil, nil, ms(at))
		break
	}
}

// team writes a team with its members, the first its leader, each added
// by staff.
func (g *gen) team(r *rand.Rand, st *station, id int64, name, kind, desc string, members []*person, at time.Time) {
	g.t.teams.Add(id, st.id, name, kind, desc, len(members), ms(at))
	for i, p := range members {
		role, joined := guli.TeamMemberRole, at
		if i == 0 {
			role = guli.TeamLeaderRole
		} else {
			joined = between(r, at, at.Add(30*24*time.Hour))
		}
		joined = later(joined, p.joined)
		desk := pick(r, st.staff)
		g.t.teamMembers.Add(id, p.id, role, ms(joined))
		g.audit(desk.id, "team.member.add", p.id, fmt.Sprintf("team %d as %s", id, role), joined)
	}
	g.sum.Teams++
}
