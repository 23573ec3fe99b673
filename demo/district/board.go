package district

import (
	"fmt"
	"slices"
	"strconv"
	"time"

	"guli"
)

// The notice board: residents' tips and highlights of the classes, the
// station's notices, neighbours' comments; a few posts reported, some
// held until staff look, one or two hidden. No safety alerts: those tell
// every resident, and the district writes no notifications.

var tips = []struct{ title, body string }{
	{"雨天路滑，上下楼扶好扶手", "这几天一直下雨，楼道和小区路面都滑。\n- 出门穿防滑的鞋\n- 上下楼梯扶好扶手\n- 晚上不要一个人去河边散步"},
	{"夏天防暑小贴士", "天热了，老年人要多喝水，**中午别出门**。\n绿豆汤、西瓜都解暑，空调别开太低。"},
	{"社区医院周六也能配药", "菊泉街上的社区卫生服务中心周六上午也开门，配慢性病的药不用排长队。"},
	{"垃圾分类小窍门", "湿垃圾沥干水再扔，大骨头是干垃圾，**电池**放有害垃圾桶。"},
	{"接到陌生电话要转账，一定先挂掉", "最近有人冒充公检法、医保局打电话。\n记住三不：**不相信、不转账、不透露验证码**。有疑问来小站问社工。"},
	{"冬天泡脚水温别太高", "泡脚水40度左右就好，糖尿病的老人脚上感觉不灵，更要小心烫伤。"},
	{"小区门口新开了一家修鞋铺", "就在南门水果店旁边，师傅手艺好，价钱也公道。"},
	{"随申码怎么调大字体", "打开随申办，点右上角的“长辈版”，字就变大了。不会的周六来小站，大学生志愿者手把手教。"},
	{"晨练别太早", "天没亮就出门容易着凉，也看不清路，太阳出来以后再去公园。"},
	{"家里用电要小心", "电热毯不要整夜开着，插线板别堆在床边。出门前看看煤气关了没有。"},
}

var highlightLines = []string{
	"今天来了不少邻居，大家学得很认真。",
	"老师讲得耐心，一个动作教了好几遍。",
	"新来的几位阿姨进步特别快！",
	"课后大家一起合影，笑得可开心了。",
	"小站给大家准备了热茶，谢谢社工。",
}

var notices = []struct{ title, body string }{
	{"%d月活动安排", "%d月的课程表已经排好，**书法、合唱、健身操**照常，欢迎报名。\n名额有限，先到先得，报满了可以排队候补。"},
	{"志愿者招募", "小站招募**助老志愿者**：陪老人就医、帮忙买菜、教用智能手机。\n有意的邻居请到服务台登记，或在“邻里互助”里开通志愿者。"},
	{"议事会议题征集", "居民议事会下次会议征集议题，大家关心的事都可以提：楼道、绿化、停车、适老化改造……"},
	{"免费测量血压时间调整", "免费测量血压改到每周的上午，请带好医保卡。"},
	{"健康讲座报名", "本月请到社区医院的医生讲**高血压的日常管理**，在多功能活动室，欢迎报名。"},
	{"暑期托管班报名", "暑期托管班面向小学生，上午作业辅导，下午兴趣课，名额30个。"},
}

var comments = []string{
	"说得对，谢谢提醒！", "下周我也去！", "学到了。", "谢谢社工，辛苦了！", "点赞👍", "我家老伴也去了，回来一直夸。",
	"什么时候还有？", "已报名。", "希望多办几次。", "照片拍得真好。", "孩子很喜欢。", "这个有用，转给我妈看看。",
}

var reportReasons = []string{"广告", "内容不实", "和小站无关", "有别人的个人信息"}

// board writes the station's posts of the year: some 270 for a station
// of 10,000 residents.
func (g *gen) board(st *station) {
	r := g.rng(st.idx, partBoard)
	days := g.now.Sub(st.from).Hours() / 24
	n := round(r, (20+float64(len(st.people))*0.025)*days/365)
	type post struct {
		at    time.Time
		kind  string
		title string
		body  string
		by    *person
		staff bool
	}
	var posts []post
	for range n {
		p := post{at: daytime(r, between(r, st.from, g.now.Add(-time.Hour)), g.loc)}
		if !p.at.Before(g.now) {
			continue
		}
		switch k := r.IntN(100); {
		case k < 30:
			p.kind, p.staff, p.by = guli.PostNotice, true, pick(r, st.staff)
			tp := pick(r, notices)
			p.title, p.body = tp.title, tp.body
			if tp.title == "%d月活动安排" {
				m := int(p.at.AddDate(0, 1, 0).Month())
				p.title, p.body = fmt.Sprintf(tp.title, m), fmt.Sprintf(tp.body, m)
			}
		case k < 65 && len(st.series) > 0:
			s := pick(r, st.series)
			p.kind, p.by = guli.PostHighlight, s.host
			if s.host.staff || r.IntN(2) == 0 && len(s.regulars) > 0 {
				p.by = pick(r, s.regulars)
			}
			p.title = s.title + "花絮"
			p.body = pick(r, highlightLines) + pick(r, highlightLines) + "\n每周" + weekdayNames[s.day] + "继续，欢迎一起来！"
		default:
			tp := pick(r, tips)
			p.kind, p.title, p.body = guli.PostTip, tp.title, tp.body
			p.by = st.pool[r.IntN(len(st.pool))]
		}
		if p.by.joined.After(p.at) {
			continue
		}
		posts = append(posts, p)
	}
	slices.SortStableFunc(posts, func(a, b post) int { return a.at.Compare(b.at) })
	for _, p := range posts {
		id := next(&g.ids.post)
		// The comments: most posts a few, some none.
		g.stamp++
		type comment struct {
			by *person
			at time.Time
		}
		var said []comment
		for range r.IntN(4) + r.IntN(3) {
			c := comment{by: st.pool[r.IntN(len(st.pool))], at: p.at.Add(time.Duration(20+r.IntN(3*24*60)) * time.Minute)}
			if r.IntN(5) == 0 {
				c.by = pick(r, st.staff)
			}
			if c.at.Before(g.now) && c.by.joined.Before(c.at) {
				said = append(said, c)
			}
		}
		slices.SortStableFunc(said, func(a, b comment) int { return a.at.Compare(b.at) })
		// Reports: a resident's post now and then; three hold it for
		// staff, who hide a few.
		status, reports, unreviewed := guli.PostVisible, 0, 0
		var modBy int64
		var modAt time.Time
		if !p.staff {
			switch k := r.IntN(1000); {
			case k < 3:
				status, reports, modBy = guli.PostHidden, 3, pick(r, st.staff).id
			case k < 8:
				status, reports, unreviewed = guli.PostHeld, 3, 3
			case k < 30:
				reports = 1 + r.IntN(2)
				unreviewed = reports
			}
		}
		var reporters []*person
		for tries := 0; len(reporters) < reports && tries < 50; tries++ {
			q := st.pool[r.IntN(len(st.pool))]
			if q != p.by && q.mark != g.stamp && q.joined.Before(p.at) {
				q.mark = g.stamp
				reporters = append(reporters, q)
			}
		}
		if len(reporters) < reports { // a station too small to find them
			status, reports, unreviewed, modBy = guli.PostVisible, 0, 0, 0
			reporters = nil
		}
		reportedAt := p.at.Add(time.Duration(30+r.IntN(600)) * time.Minute)
		if modBy != 0 {
			modAt = reportedAt.Add(time.Duration(60+r.IntN(600)) * time.Minute)
			if !modAt.Before(g.now) || !reportedAt.Before(g.now) {
				status, reports, unreviewed, modBy, reporters = guli.PostVisible, 0, 0, 0, nil
			}
		}
		if !reportedAt.Before(g.now) {
			status, reports, unreviewed, reporters = guli.PostVisible, 0, 0, nil
		}
		staff := 0
		if p.by.staff {
			staff = 1
		}
		g.t.posts.Add(id, st.id, p.by.id, staff, p.kind, p.title, p.body, g.md.HTML(p.body), status, reports, unreviewed, len(said),
			ms(p.at), nullable(modBy), nullTime(modAt))
		for _, c := range said {
			g.t.comments.Add(next(&g.ids.comment), id, c.by.id, pick(r, comments), ms(c.at))
		}
		for i, q := range reporters {
			g.t.reports.Add(id, q.id, pick(r, reportReasons), ms(reportedAt.Add(time.Duration(i)*time.Minute)))
		}
		if modBy != 0 {
			g.audit(modBy, "post.hide", p.by.id, strconv.FormatInt(id, 10), modAt)
		}
		g.sum.Posts++
		g.sum.Comments += len(said)
	}
}

var weekdayNames = [7]string{"日", "一", "二", "三", "四", "五", "六"}
