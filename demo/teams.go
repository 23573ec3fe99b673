package demo

import (
	"bytes"
	"context"
	"fmt"

	"guli"
)

// The incubator as the article tells it: the choir 程秀英 leads, the
// station's volunteer team, the parents' committee of the children's
// classes, and the talents' studios (挂牌工作室) — 谢墨林's calligraphy,
// with its photo (picture.go), and 孙巧云's knotting — whose classes are
// already in the week. A residents'
// committee has proposed one more talent, waiting for the desk.

type demoTeam struct {
	name, kind, desc string
	leader           string
	members          []string
	photo            func() []byte // the picture its leader puts on its page; nil for none
}

var teams = []demoTeam{
	{name: "墨迹书香", kind: guli.TeamStudio, leader: "谢墨林",
		desc:    "谢墨林老师的书法工作室。谢老师练字五十多年，退休后在小站开成人书法课和少儿公益书法班。\n笔墨纸砚小站都有，零基础也可以来，从握笔、坐姿开始教。",
		members: []string{"陈美娣"}, photo: studioPhoto},
	{name: "生活结艺", kind: guli.TeamStudio, leader: "孙巧云",
		desc:    "孙巧云老师的结艺工作室：中国结、平安结和生活小挂件。\n材料小站准备，编好的可以带回家，也送给行动不便的邻居。",
		members: []string{"汪雅琴"}},
	{name: "社区合唱队", kind: guli.TeamInterestGroup, leader: "程秀英",
		desc:    "程秀英老师带领的社区合唱队，每周三下午在多功能活动室排练，唱老歌也学新歌。\n不会识谱没关系，爱唱歌就来。",
		members: []string{"陈美娣", "李建华", "汪雅琴"}},
	{name: "顾里小站志愿服务队", kind: guli.TeamVolunteer, leader: "汪雅琴",
		desc:    "小站的志愿者：帮邻居取药、买菜、修修补补，陪老人看病，教用智能手机。服务时长记入时间银行。",
		members: []string{"周晨", "程秀英", "谢墨林"}},
	// The committee the parents' council elected (councils.go): its
	// chair leads it.
	{name: "家委会", kind: guli.TeamCommittee, leader: elected[0],
		desc:    "家长议事会无记名投票推选的社区家委会，由少儿书法班和暑托班孩子的家长、祖辈组成，和小站一起商量孩子们的课程和安全，也为小站推荐社区能人。",
		members: elected[1:]},
}

// The pending nomination: 馨清佳苑居委会 proposes 李建华, its resident;
// 周晨, who lives there too and sits on 家委会, files it for them.
var nomination = struct {
	filer, nominee, skill, reason string
	area                          int
}{filer: "周晨", nominee: "李建华", area: 0, skill: "象棋",
	reason: "李师傅下了五十多年象棋，小区里的老邻居和放学的孩子都爱找他下棋，愿意在小站教大家。"}

// seedTeams starts the demo's teams as the desk would, puts their members
// in, has a studio's leader put its photo on its page, and files the
// committee's nomination.
func seedTeams(ctx context.Context, svc guli.Services, st *guli.Station, users map[string]*guli.User) error {
	desk := guli.NewContextWithUser(ctx, users["顾小里"])
	for _, d := range teams {
		t, err := svc.Teams.CreateTeam(desk, guli.TeamInput{StationID: st.ID, Name: d.name, Kind: d.kind, Description: d.desc, LeaderID: users[d.leader].ID})
		if err != nil {
			return fmt.Errorf("demo team %s: %w", d.name, err)
		}
		for _, m := range d.members {
			if _, err := svc.Teams.AddMember(desk, t.ID, guli.MemberInput{UserID: users[m].ID}); err != nil {
				return fmt.Errorf("demo member %s of %s: %w", m, d.name, err)
			}
		}
		if d.photo != nil {
			leader := guli.NewContextWithUser(ctx, users[d.leader])
			p, err := svc.Photos.Upload(leader, st.ID, bytes.NewReader(d.photo()))
			if err != nil {
				return fmt.Errorf("demo photo of %s: %w", d.name, err)
			}
			if _, err := svc.Teams.SetTeamPhoto(leader, t.ID, p.ID); err != nil {
				return fmt.Errorf("demo photo of %s: %w", d.name, err)
			}
		}
	}
	n := nomination
	if _, err := svc.Teams.Nominate(guli.NewContextWithUser(ctx, users[n.filer]), guli.NominationInput{
		AreaID: st.Areas[n.area].ID, UserID: users[n.nominee].ID, Skill: n.skill, Reason: n.reason}); err != nil {
		return fmt.Errorf("demo nomination: %w", err)
	}
	return nil
}
