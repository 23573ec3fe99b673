package demo

import (
	"context"
	"fmt"
	"slices"
	"time"

	"guli"
)

// The station's two councils as the article tells of them: the residents'
// council (居民议事会) and the parents' council (家长议事会), their four
// meetings with agendas, minutes and resolutions, and residents' proposals.
// The residents' council's resolution that people over 70 leave an
// emergency contact is the station's rule that the demo activities follow.
// The parents' council elected its committee (推选家委会成员) by secret
// ballot, closed with its results; the residents' council is choosing the
// subject of its next meeting in a poll still open.

type demoMeeting struct {
	title       string
	weeksAgo    int
	agenda      []string
	minutes     string
	attended    []string
	resolutions []demoResolution
}

type demoResolution struct {
	text    string
	ruleAge int    // the age of the station's emergency-contact rule; 0 for none
	status  string // how far the follow-up got
	note    string
}

type demoCouncil struct {
	name, kind string
	members    []string
	proposals  []demoProposal
	meetings   []demoMeeting
	polls      []demoPoll
}

// demoPoll is a poll or election staff open, members vote in, each on
// their own phone, and staff close when all who would have voted.
type demoPoll struct {
	question   string
	options    []string
	maxChoices int
	seats      int // 0: a poll
	secret     bool
	days       int // how long it is open
	ballots    []demoBallot
	closed     bool // closed early, its results shown
}

type demoBallot struct {
	who    string
	choose []string // options' labels
}

// Election is the parents' council's election of its committee, and
// elected whom it elected, most votes first.
const Election = "推选社区家委会成员（3名）"

var elected = []string{"汪雅琴", "周晨", "孙巧云"}

type demoProposal struct {
	who, title, body string
	supporters       []string
	outcome, answer  string // "" while the council has not answered
	meeting          string // the title of the meeting it was put on
}

// RuleResolution is the residents' council's resolution that made the
// station's age rule; demo activities that ask for an emergency contact
// rest on it.
const RuleResolution = "70岁以上老人参加小站活动，须留紧急联系人"

var councils = []demoCouncil{
	{name: "居民议事会", kind: guli.CouncilResidents, members: []string{"程秀英", "谢墨林", "陆建平", "李建华", "陈美娣"},
		proposals: []demoProposal{
			{who: "陈美娣", title: "三号楼楼道加装扶手", body: "楼道台阶高，老人上下楼不便，雨天更滑。",
				supporters: []string{"李建华", "程秀英", "孙巧云"}, outcome: guli.ProposalAccepted,
				answer: "已列入议事会议程，物业同意下月施工。", meeting: "共同参与与助力美好家园建设"},
			{who: "李建华", title: "小站增设老年助餐点", body: "附近没有老年食堂，希望小站能联系助餐配送。",
				supporters: []string{"陈美娣", "陆建平"}},
		},
		meetings: []demoMeeting{
			{title: "共同参与与助力美好家园建设", weeksAgo: 8,
				agenda:   []string{"通报小区环境和设施情况", "征集居民对美好家园建设的意见", "商议楼道扶手和绿化认养"},
				minutes:  "议事会成员5人到会，居民7人旁听。大家就楼道设施、绿化和垃圾分类发言踊跃，一致同意成立绿化认养小组，楼道扶手由居委会与物业协调。",
				attended: []string{"程秀英", "谢墨林", "陆建平", "李建华", "陈美娣"},
				resolutions: []demoResolution{
					{text: "成立绿化认养小组，每栋楼一位楼组长牵头", status: guli.ResolutionDone, note: "八个楼组均已认养，名单张贴在小站。"},
					{text: "三号楼楼道加装扶手，由居委会协调物业施工", status: guli.ResolutionInProgress, note: "物业已测量，下月施工。"},
				}},
			{title: "协商探讨社区70岁以上老人参与活动的安全保障", weeksAgo: 3,
				agenda:   []string{"通报小站活动中老人的安全情况", "讨论紧急联系人制度", "结伴参加和健康提醒"},
				minutes:  "议事会成员4人到会，居民6人旁听，社工顾小里列席。大家认为高龄老人参加活动，家人要能联系得上；一致同意70岁以上老人报名小站活动须先留紧急联系人，由小站在报名时提醒。",
				attended: []string{"程秀英", "陆建平", "李建华", "陈美娣"},
				resolutions: []demoResolution{
					{text: RuleResolution, ruleAge: guli.CouncilEmergencyContactAge, status: guli.ResolutionDone,
						note: "已写入小站活动报名规则：70岁以上报名时先留紧急联系人。"},
					{text: "活动时提醒老人结伴参加、量力而行", status: guli.ResolutionOpen},
				}},
		},
		polls: []demoPoll{
			{question: "下一次居民议事会先讨论哪个议题？", options: []string{"小站增设老年助餐点", "小区电动自行车集中充电", "垃圾分类投放点调整"},
				maxChoices: 1, days: 7,
				ballots: []demoBallot{
					{"李建华", []string{"小站增设老年助餐点"}},
					{"陈美娣", []string{"小站增设老年助餐点"}},
					{"程秀英", []string{"小区电动自行车集中充电"}},
				}},
		}},
	{name: "家长议事会", kind: guli.CouncilParents, members: []string{"汪雅琴", "孙巧云", "谢墨林", "周晨", "陈美娣", "陆建平"},
		proposals: []demoProposal{
			{who: "汪雅琴", title: "暑假开设少儿书法和结艺班", body: "孩子放假在家，希望小站请社区能人开课。",
				supporters: []string{"孙巧云", "谢墨林"}, outcome: guli.ProposalAccepted,
				answer: "谢墨林老师的少儿书法班已开课，结艺班暑假开。", meeting: "探讨社区能人如何助力社区儿童的成长与发展"},
		},
		meetings: []demoMeeting{
			{title: "成立“社区家委会”，推选家委会成员", weeksAgo: 6,
				agenda:   []string{"介绍社区家委会的职责", "推选家委会成员", "商定家委会例会时间"},
				minutes:  "议事会成员3人到会，另有家长6人参加。大家商定成立社区家委会，设委员3名，由议事会成员在顾里小站上无记名投票推选，得票最多的3人当选，再由当选委员互推主任；家委会每月第一个周六上午开例会。",
				attended: []string{"汪雅琴", "孙巧云", "周晨"},
				resolutions: []demoResolution{
					{text: "成立社区家委会，委员3名由议事会成员无记名投票推选", status: guli.ResolutionDone,
						note: "投票已结束：汪雅琴、周晨、孙巧云当选，委员互推汪雅琴任家委会主任。名单已在小站公示。"},
					{text: "家委会每月第一个周六上午在小站开例会", status: guli.ResolutionDone},
				}},
			{title: "探讨社区能人如何助力社区儿童的成长与发展", weeksAgo: 1,
				agenda:   []string{"社区能人介绍各自特长", "商议少儿公益课程", "安排课程的场地和时间"},
				minutes:  "议事会成员4人到会，另有家长和社区能人7人参加。谢墨林老师开设少儿书法班，孙巧云老师暑假开少儿结艺班，上海大学社区学院的同学协助看护。",
				attended: []string{"汪雅琴", "孙巧云", "谢墨林", "周晨"},
				resolutions: []demoResolution{
					{text: "谢墨林老师每周六上午开少儿书法班", status: guli.ResolutionDone, note: "已开课，每周六9:30。"},
					{text: "孙巧云老师暑假开少儿结艺班", status: guli.ResolutionOpen},
				}},
		},
		polls: []demoPoll{
			{question: Election, options: []string{"汪雅琴", "孙巧云", "周晨", "陈美娣", "陆建平"}, maxChoices: 3, seats: 3, secret: true, days: 14,
				ballots: []demoBallot{
					{"汪雅琴", []string{"孙巧云", "周晨", "陈美娣"}},
					{"孙巧云", []string{"汪雅琴", "周晨", "陈美娣"}},
					{"谢墨林", []string{"汪雅琴", "孙巧云", "周晨"}},
					{"周晨", []string{"汪雅琴", "孙巧云", "陆建平"}},
					{"陈美娣", []string{"汪雅琴", "孙巧云", "周晨"}},
					{"陆建平", []string{"汪雅琴", "周晨"}},
				},
				closed: true},
		}},
}

// seedCouncils sets up the councils, their members, meetings, resolutions
// followed up and proposals with supports, as the station's social worker
// and residents would; the residents' council's rule becomes the station's.
func seedCouncils(ctx context.Context, svc guli.Services, st *guli.Station, users map[string]*guli.User, now time.Time) error {
	as := func(name string) context.Context { return guli.NewContextWithUser(ctx, users[name]) }
	staff := as("顾小里")
	loc := st.Location()
	for _, dc := range councils {
		c, err := svc.Councils.CreateCouncil(staff, guli.CouncilInput{StationID: st.ID, Name: dc.name, Kind: dc.kind})
		if err != nil {
			return fmt.Errorf("demo council %s: %w", dc.name, err)
		}
		for _, m := range dc.members {
			if err := svc.Councils.AddMember(staff, c.ID, users[m].ID); err != nil {
				return fmt.Errorf("demo member %s of %s: %w", m, dc.name, err)
			}
		}
		proposals := map[string]*guli.Proposal{}
		for _, dp := range dc.proposals {
			p, err := svc.Meetings.CreateProposal(as(dp.who), guli.ProposalInput{CouncilID: c.ID, Title: dp.title, Body: dp.body})
			if err != nil {
				return fmt.Errorf("demo proposal %s: %w", dp.title, err)
			}
			for _, s := range dp.supporters {
				if _, err := svc.Meetings.Support(as(s), p.ID); err != nil {
					return fmt.Errorf("demo support of %s: %w", dp.title, err)
				}
			}
			proposals[dp.title] = p
		}
		meetings := map[string]guli.ID{}
		for _, dm := range dc.meetings {
			// Tuesday afternoons, when the station is closed to visitors.
			day := now.In(loc).AddDate(0, 0, -7*dm.weeksAgo)
			day = day.AddDate(0, 0, -((int(day.Weekday()) - int(time.Tuesday) + 7) % 7))
			start := time.Date(day.Year(), day.Month(), day.Day(), 14, 0, 0, 0, loc)
			m, err := svc.Meetings.CreateMeeting(staff, guli.MeetingInput{CouncilID: c.ID, Title: dm.title, Start: start, Agenda: dm.agenda})
			if err != nil {
				return fmt.Errorf("demo meeting %s: %w", dm.title, err)
			}
			meetings[dm.title] = m.ID
			rec := guli.MeetingRecord{Minutes: &dm.minutes}
			for _, r := range dm.resolutions {
				in := guli.ResolutionInput{Text: r.text}
				if r.ruleAge > 0 {
					in.Rule = &guli.ResolutionRule{Kind: guli.RuleEmergencyContactFromAge, Age: r.ruleAge}
				}
				rec.Resolutions = append(rec.Resolutions, in)
			}
			if m, err = svc.Meetings.RecordMeeting(staff, m.ID, rec); err != nil {
				return fmt.Errorf("demo minutes of %s: %w", dm.title, err)
			}
			var came []guli.ID
			for _, a := range dm.attended {
				came = append(came, users[a].ID)
			}
			if _, err := svc.Meetings.SetAttendance(staff, m.ID, came); err != nil {
				return fmt.Errorf("demo attendance of %s: %w", dm.title, err)
			}
			for i, r := range dm.resolutions {
				if r.status == guli.ResolutionOpen {
					continue
				}
				if _, err := svc.Meetings.UpdateResolution(staff, m.Resolutions[i].ID, guli.ResolutionChange{Status: r.status, Note: r.note}); err != nil {
					return fmt.Errorf("demo follow-up of %s: %w", r.text, err)
				}
			}
		}
		for _, dp := range dc.proposals {
			if dp.outcome == "" {
				continue
			}
			if _, err := svc.Meetings.AnswerProposal(staff, proposals[dp.title].ID,
				guli.ProposalAnswer{MeetingID: meetings[dp.meeting], Outcome: dp.outcome, Answer: dp.answer}); err != nil {
				return fmt.Errorf("demo answer to %s: %w", dp.title, err)
			}
		}
		for _, dp := range dc.polls {
			if err := seedPoll(ctx, svc, c.ID, dp, as, now); err != nil {
				return fmt.Errorf("demo poll %s: %w", dp.question, err)
			}
		}
	}
	return nil
}

// seedPoll opens a poll as the station's social worker, casts each
// member's ballot from their own account, through the same service a
// phone's vote takes (one a member, the counts kept by it), and closes it
// early when it is done.
func seedPoll(ctx context.Context, svc guli.Services, council guli.ID, dp demoPoll, as func(string) context.Context, now time.Time) error {
	staff := as("顾小里")
	p, err := svc.Polls.CreatePoll(staff, guli.PollInput{CouncilID: council, Question: dp.question, Options: slices.Clone(dp.options),
		MaxChoices: dp.maxChoices, Secret: dp.secret, Seats: dp.seats, ClosesAt: now.AddDate(0, 0, dp.days)})
	if err != nil {
		return err
	}
	option := map[string]guli.ID{}
	for _, o := range p.Options {
		option[o.Label] = o.ID
	}
	for _, b := range dp.ballots {
		var ids []guli.ID
		for _, label := range b.choose {
			id, ok := option[label]
			if !ok {
				return fmt.Errorf("%s chose %q, which is not an option", b.who, label)
			}
			ids = append(ids, id)
		}
		if err := svc.Polls.Vote(as(b.who), guli.Ballot{PollID: p.ID, OptionIDs: ids}); err != nil {
			return fmt.Errorf("%s's ballot: %w", b.who, err)
		}
	}
	if dp.closed {
		_, err = svc.Polls.ClosePoll(staff, p.ID)
	}
	return err
}
