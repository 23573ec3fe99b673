package demo

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"guli"
)

// topic is a kind of activity a station like 顾里小站 runs: the talents'
// classes, the convenience services and the station's events and meetings.
type topic struct {
	titles   []string
	desc     string
	category string
	minutes  int
	ageRule  bool // the residents' council's rule: an emergency contact from 70
}

var topics = []topic{
	{[]string{"墨迹书香·书法课", "书法入门", "少儿书法班", "硬笔书法练习"}, "笔墨纸砚小站提供，零基础也可以来。", "class", 90, false},
	{[]string{"社区合唱队排练", "合唱发声练习"}, "社区合唱队的排练，欢迎爱唱歌的邻居加入。", "class", 90, false},
	{[]string{"生活结艺", "中国结编织"}, "学编中国结和生活小挂件，材料小站提供。", "class", 90, false},
	{[]string{"交谊舞", "交谊舞进阶"}, "交谊舞，零基础也欢迎，请穿软底鞋。", "class", 120, true},
	{[]string{"强身健体操", "中老年健身操"}, "适合中老年人的健身操，量力而行。", "class", 60, true},
	{[]string{"国画兴趣班", "水彩画体验"}, "画花鸟、画家乡，画具小站提供。", "class", 90, false},
	{[]string{"免费测量血压"}, "测量血压和体温，社工帮您记录。", "service", 120, false},
	{[]string{"法律咨询"}, "律师志愿者解答邻里纠纷、继承、租房等问题。", "service", 120, false},
	{[]string{"中医义诊"}, "中医师义诊，号脉、问诊、养生建议。", "service", 120, false},
	{[]string{"智能手机一对一", "手机挂号教学"}, "大学生志愿者一对一教您用智能手机：微信、挂号、扫码。", "service", 120, false},
	{[]string{"防范电信诈骗讲座", "垃圾分类宣传"}, "社区民警和志愿者讲解，附问答。", "event", 60, false},
	{[]string{"银龄读书会", "社区观影会"}, "邻居们一起读书、看电影、聊一聊。", "event", 120, false},
	{[]string{"居民议事会", "家长议事会"}, "议题由居民提出，欢迎旁听、发言。", "meeting", 90, false},
}

// window is one open span of one day at the station.
type window struct {
	day  time.Time // midnight in the station's zone
	span guli.Span
}

// Activities adds n synthetic activities to the station, spread over the 30
// days from from, inside its opening hours, with titles, categories and
// capacities (10 to 60) like 顾里小站's, and returns their ids. They take no
// room, so rooms don't limit how many there can be.
func Activities(ctx context.Context, svc guli.Services, stationID guli.ID, from time.Time, n int, seed uint64) ([]guli.ID, error) {
	ctx = guli.NewContextWithUser(ctx, guli.SystemUser)
	st, err := svc.Stations.Station(ctx, stationID)
	if err != nil {
		return nil, err
	}
	loc := st.Location()
	from = from.In(loc)
	to := from.AddDate(0, 0, 30)
	var windows []window
	for d := time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, loc); d.Before(to); d = d.AddDate(0, 0, 1) {
		for _, sp := range st.OpeningHours.On(d.Weekday()) {
			windows = append(windows, window{d, sp})
		}
	}
	if len(windows) == 0 && n > 0 {
		return nil, fmt.Errorf("station %s is not open in the 30 days from %s", stationID, from.Format(time.DateOnly))
	}
	r := rand.New(rand.NewPCG(seed, 2024))
	ids := make([]guli.ID, 0, max(n, 0))
	for len(ids) < n {
		tp := topics[r.IntN(len(topics))]
		start, end, ok := place(r, windows, tp.minutes, from, to)
		if !ok {
			return ids, fmt.Errorf("station %s has no opening between %s and %s that fits an activity",
				stationID, from.Format(time.DateTime), to.Format(time.DateTime))
		}
		in := guli.ActivityInput{StationID: stationID, Title: tp.titles[r.IntN(len(tp.titles))], Description: tp.desc,
			Category: tp.category, Start: start, End: end, Capacity: 10 + r.IntN(51), AgeRuleSet: true}
		if tp.ageRule { // of the station's resolution, when it has one of this age
			in.AgeRule = &guli.AgeRule{EmergencyContactFromAge: guli.CouncilEmergencyContactAge}
		}
		items, err := svc.Activities.CreateActivities(ctx, in)
		if err != nil {
			return ids, fmt.Errorf("demo activity %s: %w", in.Title, err)
		}
		ids = append(ids, items[0].ID)
	}
	return ids, nil
}

// place picks a start on the half hour inside a random window, starting in
// [from, to), for an activity of the given length, shortened to the window
// when the window is shorter.
func place(r *rand.Rand, windows []window, minutes int, from, to time.Time) (start, end time.Time, ok bool) {
	for range 100 {
		w := windows[r.IntN(len(windows))]
		length := min(minutes, w.span.To-w.span.From)
		slots := (w.span.To-w.span.From-length)/30 + 1
		m := w.span.From + 30*r.IntN(slots)
		start = time.Date(w.day.Year(), w.day.Month(), w.day.Day(), m/60, m%60, 0, 0, w.day.Location())
		if start.Before(from) || !start.Before(to) {
			continue
		}
		return start, start.Add(time.Duration(length) * time.Minute), true
	}
	return time.Time{}, time.Time{}, false
}

// Registrations registers n random (activity, person) pairs through the
// activity service, staff acting on each person's behalf as at the desk,
// and returns how many it made: past capacity people join the waitlist.
// Pairs already registered and people the council's age rule turns away
// (70 or older without an emergency contact) are skipped and drawn again.
func Registrations(ctx context.Context, svc guli.Services, activityIDs, userIDs []guli.ID, n int, seed uint64) (int, error) {
	ctx = guli.NewContextWithUser(ctx, guli.SystemUser)
	if n > 0 && (len(activityIDs) == 0 || len(userIDs) == 0) {
		return 0, errors.New("demo registrations need activities and residents")
	}
	r := rand.New(rand.NewPCG(seed, 2025))
	made, skipped := 0, 0
	for made < n {
		a, u := activityIDs[r.IntN(len(activityIDs))], userIDs[r.IntN(len(userIDs))]
		_, err := svc.Activities.Register(ctx, a, u)
		switch code := guli.ErrorCode(err); {
		case err == nil:
			made++
		case code == guli.ECAlreadyRegistered || code == guli.ECEmergencyContactRequired:
			// Too few pairs left for the number asked: stop rather than draw forever.
			if skipped++; skipped > 10*n+1000 {
				return made, fmt.Errorf("demo registrations: %d of %d made, %d pairs skipped: too few activities or residents", made, n, skipped)
			}
		default:
			return made, fmt.Errorf("demo registration: %w", err)
		}
	}
	return made, nil
}
