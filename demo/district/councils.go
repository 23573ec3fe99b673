package district

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"guli"
	"guli/demo"
)

// council is one of a station's two councils: the residents' and the
// parents'.
type council struct {
	id       int64
	kind     string
	created  time.Time
	members  []*person
	meetings []meeting
}

type meeting struct {
	id    int64
	start time.Time
}

var agendaItems = []string{
	"通报上次决议的落实情况", "楼道和电梯的适老化改造", "小区停车和电动自行车充电", "绿化认养和环境整治", "垃圾分类投放点调整",
	"老年助餐点的选址", "暑期少儿公益课程", "小站活动的安全保障", "社区能人开课的安排", "楼组长的推选", "居民反映的噪音问题",
	"防范电信诈骗宣传", "志愿者服务时间的兑换", "节日活动的筹备",
}

var resolutionTexts = []string{
	"楼道加装扶手，由居委会协调物业施工", "成立绿化认养小组，每栋楼一位楼组长牵头", "电动自行车集中充电点增设二十个车位",
	"垃圾箱房增加除臭设备", "小站增设老年助餐点，先试行三个月", "暑假开设少儿书法和结艺班", "每月组织一次防诈骗讲座",
	"活动时提醒老人结伴参加、量力而行", "重阳节组织敬老文艺演出", "在小站设置便民理发服务，每月一次", "楼组长每季度走访独居老人",
}

var proposalTopics = []struct{ title, body string }{
	{"楼道加装扶手", "楼道台阶高，老人上下楼不便，雨天更滑。"},
	{"小区增设休息座椅", "小区里走一圈没地方坐，希望在花园边加几张长椅。"},
	{"菜场门口增加爱心座椅", "排队买菜的老人站不住，门口放几把椅子就好。"},
	{"开设老年人智能手机课", "很多老人不会用手机挂号、付款，希望小站常开课。"},
	{"周末增加亲子活动", "双职工家庭只有周末有空，希望周末有亲子手工课。"},
	{"垃圾箱房除臭", "夏天垃圾箱房味道很大，希望加装除臭设备。"},
	{"增设电动车充电桩", "楼道里充电不安全，小区需要集中充电点。"},
	{"开办暑期托管班", "孩子放暑假没人看，希望小站办托管班。"},
	{"小站延长开放时间", "上班族下班后小站已经关门，希望周五晚上开放。"},
	{"建立独居老人结对帮扶", "独居老人越来越多，希望志愿者和他们结对。"},
}

var answers = []string{"已列入议事会议程，物业同意下月施工。", "已与街道沟通，列入明年计划。", "经议事会讨论暂不采纳，原因已在会上说明。",
	"已落实，欢迎居民监督。", "小站已安排，下月开始。"}

var pollQuestions = []struct {
	question string
	options  []string
}{
	{"下一次议事会先讨论哪个议题？", []string{"老年助餐点", "电动自行车充电", "垃圾分类投放点", "停车难"}},
	{"重阳节活动办什么？", []string{"文艺演出", "包饺子", "健康义诊", "集体生日会"}},
	{"暑期少儿课程开什么？", []string{"书法", "结艺", "合唱", "绘画", "科学小实验"}},
	{"小站周末开放时间怎么安排？", []string{"9:00-17:00不变", "延长到19:00", "周日下午休息"}},
}

// councils writes the station's two councils (顾里小站 has the demo's),
// their members, the year's meetings (the residents' council monthly, the
// parents' each quarter) with agendas, attendance and resolutions
// followed up, the residents' proposals with supports and answers, and
// polls and elections with their ballots. A new station's residents'
// council made the rule that from 70 one leaves an emergency contact to
// join activities, before the year began.
func (g *gen) councils(st *station) {
	r := g.rng(st.idx, partCouncils)
	year := g.now.Year()
	if !st.existing {
		for _, kind := range []string{guli.CouncilResidents, guli.CouncilParents} {
			name := st.name + "居民议事会"
			if kind == guli.CouncilParents {
				name = st.name + "家长议事会"
			}
			c := &council{id: next(&g.ids.council), kind: kind, created: st.opened.AddDate(0, 0, 20)}
			g.t.councils.Add(c.id, st.id, name, kind, ms(c.created))
			st.councils = append(st.councils, c)
		}
	}
	for _, c := range st.councils {
		n := 15 + r.IntN(11)
		if c.kind == guli.CouncilParents {
			n = 9 + r.IntN(7)
		}
		g.stamp++
		for tries := 0; len(c.members) < n && tries < 50*n; tries++ {
			p := st.pool[r.IntN(len(st.pool))]
			age := p.age(year)
			if p.mark == g.stamp || c.kind == guli.CouncilResidents && age < 50 || c.kind == guli.CouncilParents && (age < 28 || age > 50) {
				continue
			}
			p.mark = g.stamp
			c.members = append(c.members, p)
			added := between(r, later(c.created, p.joined), st.from)
			if !added.Before(st.from) {
				added = later(c.created, p.joined)
			}
			desk := pick(r, st.staff)
			g.t.members.Add(c.id, p.id, desk.id, ms(added))
			g.audit(desk.id, "council.add_member", p.id, strconv.FormatInt(c.id, 10), added)
		}
		if len(c.members) < 3 { // a station too small or too young for a council of its own
			for len(c.members) < 3 && len(c.members) < len(st.pool) {
				p := st.pool[len(c.members)]
				if p.mark == g.stamp {
					break
				}
				p.mark = g.stamp
				c.members = append(c.members, p)
				g.t.members.Add(c.id, p.id, st.staff[0].id, ms(later(c.created, p.joined)))
			}
		}
	}
	if !st.existing {
		c := st.councils[0]
		at := c.created.AddDate(0, 0, 14).Truncate(time.Hour).Add(time.Hour)
		m := g.meeting(r, st, c, "居民议事会成立会议", at, []string{"议事会章程", "推选议事会召集人", "讨论小站活动的安全保障"})
		st.ageRule = next(&g.ids.resolution)
		desk := pick(r, st.staff)
		g.t.resolutions.Add(st.ageRule, m.id, c.id, st.id, 1, demo.RuleResolution, guli.RuleEmergencyContactFromAge,
			guli.CouncilEmergencyContactAge, guli.ResolutionDone, "已写入小站活动报名规则：70岁以上报名时先留紧急联系人。",
			ms(at.Add(2*time.Hour)), ms(at.Add(2*time.Hour)))
		g.audit(desk.id, "station.age_rule", st.ageRule, strconv.Itoa(guli.CouncilEmergencyContactAge), at.Add(2*time.Hour))
	}
	for _, c := range st.councils {
		g.meetings(r, st, c)
		g.proposals(r, st, c)
		g.polls(r, st, c)
	}
}

// meetings writes the council's year of meetings with their resolutions.
func (g *gen) meetings(r *rand.Rand, st *station, c *council) {
	every := 1
	if c.kind == guli.CouncilParents {
		every = 3
	}
	name := "居民议事会"
	if c.kind == guli.CouncilParents {
		name = "家长议事会"
	}
	first := time.Date(st.from.Year(), st.from.Month(), 1, 0, 0, 0, 0, g.loc).AddDate(0, 1, 0)
	for month := first; month.Before(g.now); month = month.AddDate(0, every, 0) {
		day := month.AddDate(0, 0, r.IntN(10))
		for len(st.hours.On(day.Weekday())) == 0 || st.closed[guli.DateOf(day)] {
			day = day.AddDate(0, 0, 1)
		}
		span := st.hours.On(day.Weekday())[0]
		at := day.Add(time.Duration(span.From+30) * time.Minute)
		if !at.Add(3 * time.Hour).Before(g.now) {
			break
		}
		title := fmt.Sprintf("%d年%d月%s", at.Year(), at.Month(), name)
		agenda := []string{"通报上次决议的落实情况"}
		for len(agenda) < 3+r.IntN(3) {
			if a := pick(r, agendaItems); !slices.Contains(agenda, a) {
				agenda = append(agenda, a)
			}
		}
		m := g.meeting(r, st, c, title, at, agenda)
		var texts []string
		for len(texts) < 1+r.IntN(3) {
			if t := pick(r, resolutionTexts); !slices.Contains(texts, t) {
				texts = append(texts, t)
			}
		}
		for i, text := range texts {
			age := g.now.Sub(at)
			status, note := guli.ResolutionOpen, ""
			switch k := r.IntN(100); {
			case age > 90*24*time.Hour && k < 75 || age > 30*24*time.Hour && k < 40:
				status, note = guli.ResolutionDone, pick(r, []string{"已落实。", "已完成，名单张贴在小站。", "已落实，居民反映良好。"})
			case age > 30*24*time.Hour && k < 85 || k < 40:
				status, note = guli.ResolutionInProgress, pick(r, []string{"正在推进。", "已与物业沟通，下月施工。", "方案已定，等街道批复。"})
			}
			rid := next(&g.ids.resolution)
			created := at.Add(2 * time.Hour)
			updated := created
			if status != guli.ResolutionOpen {
				updated = between(r, created, g.now)
				g.audit(pick(r, st.staff).id, "resolution."+status, rid, strconv.FormatInt(c.id, 10), updated)
			}
			g.t.resolutions.Add(rid, m.id, c.id, st.id, i+1, text, "", 0, status, note, ms(created), ms(updated))
		}
	}
}

// meeting writes a meeting of the council: its agenda, its minutes and
// who of the members came.
func (g *gen) meeting(r *rand.Rand, st *station, c *council, title string, at time.Time, agenda []string) meeting {
	m := meeting{id: next(&g.ids.meeting), start: at}
	desk := pick(r, st.staff)
	created := at.AddDate(0, 0, -7-r.IntN(7))
	var came []*person
	for _, p := range c.members {
		if r.IntN(100) < 75 {
			came = append(came, p)
		}
	}
	minutes := fmt.Sprintf("议事会成员%d人到会，居民%d人旁听。会议讨论了%s等事项，形成决议如下。", len(came), r.IntN(12), strings.Join(agenda[1:], "、"))
	g.t.meetings.Add(m.id, c.id, st.id, title, ms(at), minutes, desk.id, ms(created), ms(at.Add(2*time.Hour)))
	for i, a := range agenda {
		g.t.agenda.Add(m.id, i+1, a)
	}
	for _, p := range came {
		g.t.meetingAttendance.Add(m.id, p.id)
	}
	g.audit(desk.id, "meeting.create", m.id, strconv.FormatInt(c.id, 10), created)
	g.audit(desk.id, "meeting.record", m.id, "0", at.Add(2*time.Hour))
	g.audit(desk.id, "meeting.attendance", m.id, strconv.Itoa(len(came)), at.Add(2*time.Hour))
	c.meetings = append(c.meetings, m)
	g.sum.Meetings++
	return m
}

// proposals writes the residents' proposals to the council, their
// supports, and the answers of those put on a meeting.
func (g *gen) proposals(r *rand.Rand, st *station, c *council) {
	days := g.now.Sub(st.from).Hours() / 24
	per := 6 + float64(len(st.people))*0.002
	if c.kind == guli.CouncilParents {
		per = 3 + float64(len(st.people))*0.0008
	}
	n := round(r, per*days/365)
	type proposal struct {
		at time.Time
		by *person
	}
	var ps []proposal
	for range n {
		p := proposal{at: daytime(r, between(r, st.from, g.now.Add(-time.Hour)), g.loc), by: st.pool[r.IntN(len(st.pool))]}
		if p.at.Before(g.now) && p.by.joined.Before(p.at) {
			ps = append(ps, p)
		}
	}
	slices.SortStableFunc(ps, func(a, b proposal) int { return a.at.Compare(b.at) })
	for _, p := range ps {
		id := next(&g.ids.proposal)
		topic := pick(r, proposalTopics)
		g.stamp++
		p.by.mark = g.stamp
		var supporters []*person
		for range r.IntN(25) + r.IntN(16) {
			q := st.pool[r.IntN(len(st.pool))]
			if q.mark != g.stamp {
				q.mark = g.stamp
				supporters = append(supporters, q)
			}
		}
		var on meeting
		outcome, answer := "", ""
		var answered time.Time
		if k := slices.IndexFunc(c.meetings, func(m meeting) bool { return m.start.After(p.at) }); k >= 0 && r.IntN(10) < 6 {
			on = c.meetings[k]
			answered = on.start.Add(3 * time.Hour)
			outcome = pick(r, []string{guli.ProposalAccepted, guli.ProposalAccepted, guli.ProposalDone, guli.ProposalDeclined})
			answer = pick(r, answers)
			if outcome == guli.ProposalDeclined {
				answer = answers[2]
			}
			if !answered.Before(g.now) {
				on, outcome, answer, answered = meeting{}, "", "", time.Time{}
			}
		}
		g.t.proposals.Add(id, c.id, st.id, p.by.id, topic.title, topic.body, len(supporters), nullable(on.id), outcome, answer,
			ms(p.at), nullTime(answered))
		for _, q := range supporters {
			g.t.supports.Add(id, q.id, ms(earlier(between(r, p.at, p.at.Add(20*24*time.Hour)), g.now.Add(-time.Minute))))
		}
		if outcome != "" {
			g.audit(pick(r, st.staff).id, "proposal.answer", id, outcome, answered)
		}
		g.sum.Proposals++
	}
}

// polls writes the council's polls and elections: staff open them, the
// members vote (a few on paper, which staff enter), and they close when
// their time comes or staff close them early. A secret poll keeps who
// voted and the counts, never who chose what.
func (g *gen) polls(r *rand.Rand, st *station, c *council) {
	days := g.now.Sub(st.from).Hours() / 24
	per := 3.0
	if c.kind == guli.CouncilParents {
		per = 2
	}
	n := max(1, round(r, per*days/365))
	for range n {
		created := daytime(r, between(r, st.from, g.now.Add(-24*time.Hour)), g.loc)
		if !created.Before(g.now) {
			continue
		}
		desk := pick(r, st.staff)
		id := next(&g.ids.poll)
		var question string
		var labels []string
		seats, secret, maxChoices := 0, false, 1
		if r.IntN(5) < 2 && len(c.members) >= 5 {
			seats = min(3, len(c.members)-2)
			question = fmt.Sprintf("推选%s召集人（%d名）", map[string]string{guli.CouncilResidents: "议事会", guli.CouncilParents: "家委会"}[c.kind], seats)
			secret, maxChoices = true, seats
			g.stamp++
			for len(labels) < seats+2 {
				p := pick(r, c.members)
				if p.mark != g.stamp {
					p.mark = g.stamp
					labels = append(labels, p.name)
				}
			}
		} else {
			q := pick(r, pollQuestions)
			question, labels = q.question, q.options
			secret = r.IntN(2) == 0
		}
		closes := created.AddDate(0, 0, 7+r.IntN(8))
		var closedAt time.Time
		var closedBy int64
		if early := created.AddDate(0, 0, 3+r.IntN(3)); r.IntN(10) < 3 && early.Before(g.now) {
			closedAt, closedBy = early, desk.id
		}
		end := earlier(closes, g.now)
		if !closedAt.IsZero() {
			end = closedAt
		}
		secretFlag := 0
		if secret {
			secretFlag = 1
		}
		g.t.polls.Add(id, c.id, question, maxChoices, secretFlag, seats, ms(closes), nullTime(closedAt), nullable(closedBy), desk.id, ms(created))
		options := make([]int64, len(labels))
		votes := make([]int, len(labels))
		type ballot struct {
			p      *person
			chose  []int
			byDesk int64
		}
		var ballots []ballot
		for _, p := range c.members {
			if r.IntN(100) >= 75 && len(ballots) >= 3 {
				continue
			}
			b := ballot{p: p}
			for len(b.chose) < 1+r.IntN(maxChoices) {
				// Earlier options are chosen more often: results that are not flat.
				k := min(r.IntN(len(labels)), r.IntN(len(labels)))
				if !slices.Contains(b.chose, k) {
					b.chose = append(b.chose, k)
				}
			}
			if p.phone == "" || r.IntN(10) == 0 {
				b.byDesk = pick(r, st.staff).id
			}
			for _, k := range b.chose {
				votes[k]++
			}
			ballots = append(ballots, b)
		}
		for i, label := range labels {
			options[i] = next(&g.ids.option)
			g.t.options.Add(options[i], id, i+1, label, votes[i])
		}
		for _, b := range ballots {
			g.t.voters.Add(id, b.p.id, nullable(b.byDesk))
			if b.byDesk != 0 {
				g.audit(b.byDesk, "poll.paper_ballot", b.p.id, strconv.FormatInt(id, 10), between(r, created, end))
			}
			if !secret {
				for _, k := range b.chose {
					g.t.votes.Add(id, b.p.id, options[k])
				}
			}
		}
		if closedBy != 0 {
			g.audit(closedBy, "poll.close", 0, strconv.FormatInt(id, 10), closedAt)
		}
		g.sum.Polls++
		g.sum.Ballots += len(ballots)
	}
}
