package demo

import (
	"context"
	"fmt"

	"guli"
)

// The board as the station's chat group used it (居民活动分享): activity
// previews and highlights, everyday tips, and a safety warning, with
// neighbours' comments.

type demoPost struct {
	who, kind, title, body string
	comments               [][2]string // who, what
	at                     string      // when it was posted in the seed's history (--like-seed), "2006-01-02 15:04"
}

var posts = []demoPost{
	{who: "顾小里", kind: guli.PostNotice, title: "小站开放时间", at: "2023-02-10 10:00",
		body: "顾里小站每周**三至周日 9:00–17:00** 开放，周一、周二闭馆。\n欢迎邻居们来坐坐、看看书、喝杯茶。"},
	{who: "程秀英", kind: guli.PostHighlight, title: "合唱队排练花絮", at: "2023-03-22 16:00",
		body:     "今天社区合唱队排练了《我和我的祖国》，新来的三位阿姨唱得特别好！\n每周三下午两点，欢迎爱唱歌的邻居一起来。",
		comments: [][2]string{{"陈美娣", "听着就开心，下周我也去！"}, {"顾小里", "谢谢程老师，小站给大家准备了热水。"}}},
	{who: "陈美娣", kind: guli.PostTip, title: "雨天路滑，上下楼扶好扶手", at: "2023-06-20 08:30",
		body:     "这几天一直下雨，楼道和小区路面都滑。\n- 出门穿防滑的鞋\n- 上下楼梯扶好扶手\n- 晚上不要一个人去河边散步",
		comments: [][2]string{{"李建华", "说得对，前天我差点滑一跤。"}}},
	{who: "孙巧云", kind: guli.PostHighlight, title: "生活结艺课的中国结", at: "2023-04-14 16:30",
		body: "周五结艺课大家编了平安结，挂在门口很好看。下次教编小挂件，材料小站都有。"},
	{who: "顾小里", kind: guli.PostSafetyAlert, title: "防范电信诈骗", at: "2023-09-12 10:00",
		body: "最近有人冒充**医保局**打电话，说医保卡要“升级”，让老人转账。\n医保局不会打电话让您转账。接到这样的电话请挂掉，有疑问来小站问社工，或拨打 **110**。"},
}

// seedMarks has the desk mark 张阿婆, who lives alone and keeps no phone,
// before the board's safety alert: its call list names her first.
func seedMarks(ctx context.Context, svc guli.Services, st *guli.Station, users map[string]*guli.User) error {
	desk := guli.NewContextWithUser(ctx, users["顾小里"])
	for _, kind := range []string{guli.MarkLivesAlone, guli.MarkNoSmartphone} {
		if err := svc.Marks.SetMark(desk, guli.MarkInput{StationID: st.ID, UserID: users["张阿婆"].ID, Kind: kind, On: true}); err != nil {
			return fmt.Errorf("demo mark: %w", err)
		}
	}
	return nil
}

// seedPosts writes the board's posts, oldest first, as their authors
// would, and the comments on them.
func seedPosts(ctx context.Context, svc guli.Services, st *guli.Station, users map[string]*guli.User) error {
	for _, p := range posts {
		made, err := writePost(ctx, svc, st, users, p)
		if err != nil {
			return err
		}
		for _, c := range p.comments {
			if err := writeComment(ctx, svc, users, p, made, c); err != nil {
				return err
			}
		}
	}
	return nil
}

// writePost writes a post as its author would.
func writePost(ctx context.Context, svc guli.Services, st *guli.Station, users map[string]*guli.User, p demoPost) (*guli.Post, error) {
	made, err := svc.Posts.CreatePost(guli.NewContextWithUser(ctx, users[p.who]), guli.PostInput{StationID: st.ID, Kind: p.kind, Title: p.title, Body: p.body})
	if err != nil {
		return nil, fmt.Errorf("demo post %s: %w", p.title, err)
	}
	return made, nil
}

// writeComment writes a neighbour's comment c (who, what) on p, made.
func writeComment(ctx context.Context, svc guli.Services, users map[string]*guli.User, p demoPost, made *guli.Post, c [2]string) error {
	if _, err := svc.Posts.AddComment(guli.NewContextWithUser(ctx, users[c[0]]), made.ID, guli.CommentInput{Body: c[1]}); err != nil {
		return fmt.Errorf("demo comment on %s: %w", p.title, err)
	}
	return nil
}
