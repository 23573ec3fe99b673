// Package demo fills a database with a living station: 顾里小站 in Gucun,
// Baoshan, Shanghai, with the areas, rooms, people and figures of the article
// it was built from; and, for benchmarks, any number of synthetic residents.
package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"guli"
)

// Password is every demo account's password. Demo data is for trying Guli
// out, never for a station's real database.
const Password = "guli-demo-2023"

// PasswordHash is Password hashed once (argon2id, password.Default's
// costs, a fixed salt): a synthetic district gives it to every account
// with a phone, since hashing a million passwords would take hours, and
// so that the same seed writes the same bytes. Anyone can sign in as any
// of them with Password, which is what a district for load tests needs.
const PasswordHash = "$argon2id$v=19$m=19456,t=2,p=1$Ru3zVRFnH3oPH9IQk1aJuQ$mv+EszN44Wt/6jV4mexISrUQO/E8arwCBK5EddyBZeg"

// Account is a demo account someone can sign in with.
type Account struct {
	ID    guli.ID
	Roles []guli.Role
	Name  string
	Phone string
}

// Result says what Seed did.
type Result struct {
	Created  bool // false when the database already had a station
	Station  *guli.Station
	Accounts []Account
}

var areas = []guli.AreaInput{
	{Name: "馨清佳苑", Committee: "馨清佳苑居委会"},
	{Name: "菊泉新城一村", Committee: "菊泉新城一村居委会"},
	{Name: "菊泉新城二村", Committee: "菊泉新城二村居委会"},
	{Name: "馨佳园", Committee: "馨佳园居委会"},
	{Name: "菊泉苑", Committee: "菊泉苑居委会"},
	{Name: "顾村新苑", Committee: "顾村新苑居委会"},
	{Name: "菊盛苑", Committee: "菊盛苑居委会"},
	{Name: "泉秀苑", Committee: "泉秀苑居委会"},
}

var rooms = []guli.RoomInput{
	{Name: "多功能活动室", Capacity: 30},
	{Name: "书画室", Capacity: 12},
	{Name: "议事厅", Capacity: 20},
	{Name: "健康小屋", Capacity: 4},
}

type person struct {
	name      string
	phone     string
	birthYear int
	area      int
	roles     []guli.Role
	contact   *guli.EmergencyContact
}

var people = []person{
	{"顾小里", "13800000001", 1992, 0, []guli.Role{guli.RoleStaff}, nil},
	{"汇菁管理员", "13800000000", 1985, 0, []guli.Role{guli.RoleAdmin, guli.RoleStaff}, nil},
	{"程秀英", "13800000002", 1956, 0, []guli.Role{guli.RoleResident, guli.RoleTalent, guli.RoleVolunteer}, nil},
	{"谢墨林", "13800000003", 1951, 1, []guli.Role{guli.RoleResident, guli.RoleTalent, guli.RoleVolunteer}, nil},
	{"汪雅琴", "13800000004", 1958, 0, []guli.Role{guli.RoleResident, guli.RoleTalent, guli.RoleVolunteer}, nil},
	{"陆建平", "13800000005", 1960, 2, []guli.Role{guli.RoleResident, guli.RoleTalent}, nil},
	{"孙巧云", "13800000006", 1957, 3, []guli.Role{guli.RoleResident, guli.RoleTalent}, nil},
	{"周晨", "13800000007", 2003, 0, []guli.Role{guli.RoleResident, guli.RoleVolunteer}, nil}, // 上海大学社区学院
	{"李建华", "13800000008", 1950, 0, []guli.Role{guli.RoleResident}, &guli.EmergencyContact{Name: "李芳", Phone: "13900000008"}},
	{"陈美娣", "13800000009", 1948, 4, []guli.Role{guli.RoleResident}, nil},
}

// Seed creates the demo station when the database has none. It is safe to
// call on every start: a database with a station is left alone.
func Seed(ctx context.Context, svc guli.Services) (*Result, error) {
	return SeedAt(ctx, svc, time.Now())
}

// SeedAt is Seed with its week, meetings and requests laid out around now
// rather than the wall clock's time, for a fill whose every byte follows
// from its inputs (a district, package demo/district): the services'
// clock should show now too.
func SeedAt(ctx context.Context, svc guli.Services, now time.Time) (*Result, error) {
	ctx = guli.NewContextWithUser(ctx, guli.SystemUser)
	existing, err := svc.Stations.Stations(ctx, guli.ListOptions{Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(existing.Items) > 0 {
		st, err := svc.Stations.Station(ctx, existing.Items[0].ID) // with its areas and rooms
		if err != nil {
			return nil, err
		}
		return &Result{Station: st}, nil
	}
	res, users, err := createStation(ctx, svc)
	if err != nil {
		return nil, err
	}
	if err := seedFamilyPeople(ctx, svc, res.Station, users, res, now); err != nil {
		return nil, err
	}
	ids := map[string]guli.ID{}
	for name, u := range users {
		ids[name] = u.ID
	}
	// The councils first: their resolution is the rule activities follow.
	if err := seedCouncils(ctx, svc, res.Station, users, now); err != nil {
		return nil, err
	}
	if err := seedShared(ctx, svc, res.Station, ids, now); err != nil {
		return nil, err
	}
	if err := seedFamilyDoings(ctx, svc, res.Station, users, now); err != nil {
		return nil, err
	}
	if err := seedHelp(ctx, svc, res.Station, users, now); err != nil {
		return nil, err
	}
	if err := seedMarks(ctx, svc, res.Station, users); err != nil {
		return nil, err
	}
	if err := seedPosts(ctx, svc, res.Station, users); err != nil {
		return nil, err
	}
	if err := seedTeams(ctx, svc, res.Station, users); err != nil {
		return nil, err
	}
	return res, nil
}

// createStation creates 顾里小站 as it opened: its areas, rooms, staff,
// talents and first residents, each account as the desk makes it; the
// people by name.
func createStation(ctx context.Context, svc guli.Services) (*Result, map[string]*guli.User, error) {
	st, err := svc.Stations.CreateStation(ctx, guli.StationInput{
		Name:     "顾里小站",
		Address:  "上海市宝山区顾村镇馨清佳苑党群服务站",
		Timezone: "Asia/Shanghai",
		OpenedOn: "2023-02-10",
		OpeningHours: map[string][]string{
			"wed": {"09:00-17:00"}, "thu": {"09:00-17:00"}, "fri": {"09:00-17:00"},
			"sat": {"09:00-17:00"}, "sun": {"09:00-17:00"},
		},
	})
	if err != nil {
		return nil, nil, fmt.Errorf("demo station: %w", err)
	}
	var areaIDs []guli.ID
	for _, in := range areas {
		a, err := svc.Stations.CreateArea(ctx, st.ID, in)
		if err != nil {
			return nil, nil, fmt.Errorf("demo area: %w", err)
		}
		areaIDs = append(areaIDs, a.ID)
	}
	for _, in := range rooms {
		if _, err := svc.Stations.CreateRoom(ctx, st.ID, in); err != nil {
			return nil, nil, fmt.Errorf("demo room: %w", err)
		}
	}
	res := &Result{Created: true}
	users := map[string]*guli.User{}
	for _, p := range people {
		u, err := svc.Accounts.CreateUser(ctx, guli.NewUserInput{Name: p.name, Phone: p.phone, Password: Password,
			AreaID: areaIDs[p.area], BirthYear: p.birthYear, Roles: p.roles})
		if err != nil {
			return nil, nil, fmt.Errorf("demo account %s: %w", p.name, err)
		}
		if p.contact != nil {
			if _, err := svc.Accounts.UpdateMe(guli.NewContextWithUser(ctx, u), guli.UpdateMeInput{EmergencyContact: p.contact}); err != nil {
				return nil, nil, err
			}
		}
		res.Accounts = append(res.Accounts, Account{ID: u.ID, Roles: p.roles, Name: p.name, Phone: p.phone})
		users[p.name] = u
	}
	// 张阿婆 has no smartphone: the social workers keep her account.
	zhang, err := svc.Accounts.CreateUser(ctx, guli.NewUserInput{Name: "张阿婆", AreaID: areaIDs[0], BirthYear: 1943})
	if err != nil {
		return nil, nil, err
	}
	users[zhang.Name] = zhang
	if res.Station, err = svc.Stations.Station(ctx, st.ID); err != nil {
		return nil, nil, err
	}
	return res, users, nil
}

// weekly is a demo series: every week on a weekday, in a room.
type weekly struct {
	title, desc, category string
	host                  string
	room                  string
	day                   time.Weekday
	from, to              string // "HH:MM"
	capacity              int
	ageRule               bool // the station's rule by the residents' council's resolution
	weeks                 int
}

// The station's week, after the article: talents' classes (the choir led
// by 程秀英, 谢墨林's calligraphy, 孙巧云's knotting, 陆建平's exercise),
// the convenience services (blood pressure, legal advice, TCM, smartphone
// help by Shanghai University students) and a residents' council meeting
// open to all, on how its resolutions are carried out.
var week = []weekly{
	{"社区合唱队排练", "程秀英老师带领的社区合唱队，欢迎爱唱歌的邻居加入。", "class", "程秀英", "多功能活动室", time.Wednesday, "14:00", "15:30", 30, false, 6},
	{"强身健体操", "陆老师带大家做适合中老年人的健身操。", "class", "陆建平", "多功能活动室", time.Thursday, "09:00", "10:00", 25, true, 6},
	{"墨迹书香·书法课", "谢墨林老师的成人书法课，笔墨纸砚小站提供。", "class", "谢墨林", "书画室", time.Thursday, "09:30", "11:00", 12, false, 6},
	{"生活结艺", "孙老师教中国结和生活小挂件。", "class", "孙巧云", "书画室", time.Friday, "14:00", "15:30", 10, false, 6},
	{"少儿书法班", "谢墨林老师的公益书法班，适合6到12岁的孩子。", "class", "谢墨林", "书画室", time.Saturday, "09:30", "11:00", 12, false, 6},
	{"智能手机一对一", "上海大学社区学院的同学一对一教您用智能手机：微信、挂号、扫码。", "service", "周晨", "多功能活动室", time.Saturday, "14:00", "16:00", 6, false, 6},
	{"交谊舞", "周日下午的交谊舞，零基础也欢迎。", "class", "", "多功能活动室", time.Sunday, "14:00", "16:00", 20, true, 6},
	{"法律咨询", "律师志愿者解答邻里纠纷、继承、租房等问题。", "service", "", "议事厅", time.Saturday, "09:30", "11:30", 6, false, 4},
	{"中医义诊", "中医师义诊，号脉、问诊、养生建议。", "service", "", "健康小屋", time.Sunday, "14:00", "16:00", 8, false, 4},
	{"免费测量血压", "测量血压和体温，社工帮您记录。", "service", "", "健康小屋", time.Wednesday, "09:00", "11:00", 0, false, 4},
	{"免费测量血压", "测量血压和体温，社工帮您记录。", "service", "", "健康小屋", time.Saturday, "09:00", "11:00", 0, false, 4},
}

// childrensAges are the ages the children's classes take.
var childrensAges = map[string][2]int{"少儿书法班": {6, 12}}

// seedShared fills the week's timetable, a council meeting, a few sign-ups,
// the day's visitors and 李建华's blood-pressure readings.
func seedShared(ctx context.Context, svc guli.Services, st *guli.Station, ids map[string]guli.ID, now time.Time) error {
	loc := st.Location()
	rooms := map[string]guli.ID{}
	for _, r := range st.Rooms {
		rooms[r.Name] = r.ID
	}
	today := now.In(loc)
	at := func(day time.Weekday, clock string) time.Time {
		var h, m int
		fmt.Sscanf(clock, "%d:%d", &h, &m)
		d := today.AddDate(0, 0, (int(day)-int(today.Weekday())+7)%7)
		t := time.Date(d.Year(), d.Month(), d.Day(), h, m, 0, 0, loc)
		if t.Before(today) {
			t = t.AddDate(0, 0, 7)
		}
		return t
	}
	var firsts []*guli.Activity
	for _, w := range week {
		start := at(w.day, w.from)
		end := time.Date(start.Year(), start.Month(), start.Day(), 0, 0, 0, 0, loc).Add(clockOf(w.to))
		in := guli.ActivityInput{StationID: st.ID, Title: w.title, Description: w.desc, Category: w.category,
			Start: start, End: end, Capacity: w.capacity,
			RoomID: rooms[w.room], HostID: ids[w.host]}
		if ages, ok := childrensAges[w.title]; ok {
			in.MinAge, in.MaxAge = ages[0], ages[1]
		}
		// The rule comes from the station's default, which the residents'
		// council's resolution made; the other activities choose none.
		in.AgeRuleSet = !w.ageRule
		if w.weeks > 1 {
			in.Repeat = &guli.Repeat{WeeklyCount: w.weeks}
		}
		items, err := svc.Activities.CreateActivities(ctx, in)
		if err != nil {
			return fmt.Errorf("demo activity %s: %w", w.title, err)
		}
		firsts = append(firsts, items[0])
	}
	meeting := at(time.Friday, "09:30")
	if _, err := svc.Activities.CreateActivities(ctx, guli.ActivityInput{StationID: st.ID, Category: "meeting",
		Title:       "居民议事会：决议落实情况通报",
		Description: "通报楼道扶手、绿化认养和70岁以上老人紧急联系人制度的落实情况。欢迎居民旁听、发言。",
		Start:       meeting, End: meeting.Add(90 * time.Minute),
		Capacity: 20, RoomID: rooms["议事厅"], AgeRuleSet: true}); err != nil {
		return fmt.Errorf("demo meeting: %w", err)
	}
	// A few sign-ups, as residents would make them.
	for _, su := range []struct {
		who   string
		class int
	}{{"李建华", 0}, {"李建华", 1}, {"陈美娣", 0}, {"汪雅琴", 3}, {"陈美娣", 5}} {
		if _, err := svc.Activities.Register(ctx, firsts[su.class].ID, ids[su.who]); err != nil {
			return fmt.Errorf("demo sign-up of %s: %w", su.who, err)
		}
	}
	// Visitors at the desk today, if the station is open today.
	if len(st.OpeningHours.On(today.Weekday())) > 0 {
		for _, v := range []struct {
			n       int
			purpose string
		}{{12, "activity"}, {7, "health_check"}, {3, "smartphone_help"}, {2, "consultation"}} {
			n := v.n
			if _, err := svc.Visits.RecordVisit(ctx, st.ID, guli.VisitInput{Count: &n, Purpose: v.purpose}); err != nil {
				return fmt.Errorf("demo visits: %w", err)
			}
		}
	}
	// 李建华's weekly blood pressure from the station's paper log.
	for i, bp := range [][2]int{{148, 92}, {142, 90}, {139, 88}, {144, 91}, {136, 86}, {133, 85}} {
		taken := now.AddDate(0, 0, -7*(6-i)).Add(-time.Hour)
		sys, dia, pulse := bp[0], bp[1], 72+i
		if _, err := svc.Health.RecordMeasurement(ctx, guli.MeasurementInput{UserID: ids["李建华"], Kind: guli.BloodPressure,
			Systolic: &sys, Diastolic: &dia, Pulse: &pulse, TakenAt: taken}); err != nil {
			return fmt.Errorf("demo health: %w", err)
		}
	}
	return nil
}

func clockOf(s string) time.Duration {
	var h, m int
	fmt.Sscanf(s, "%d:%d", &h, &m)
	return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute
}

var (
	surnames = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
	given    = []string{"建国", "秀英", "桂英", "玉兰", "志强", "美娣", "金娣", "国强", "红梅", "丽华", "伟", "芳", "敏", "静", "丽", "强", "磊", "军", "洋", "勇",
		"艳", "杰", "娟", "涛", "明", "超", "秀兰", "霞", "平", "刚", "海燕", "凤英", "建华", "文华", "德明", "根宝", "阿毛", "小妹", "雪芬", "惠珍"}
)

// Name returns a plausible Chinese name.
func Name(r *rand.Rand) string {
	return string(surnames[r.IntN(len(surnames))]) + given[r.IntN(len(given))]
}

// Residents adds n synthetic residents to the station's areas, with ages like
// Gucun's (many over 60) and unique phone numbers from the 139 range, and
// returns their ids. They have no passwords: they exist for figures and
// benchmarks.
func Residents(ctx context.Context, svc guli.Services, stationID guli.ID, n int, seed uint64) ([]guli.ID, error) {
	ctx = guli.NewContextWithUser(ctx, guli.SystemUser)
	st, err := svc.Stations.Station(ctx, stationID)
	if err != nil {
		return nil, err
	}
	if len(st.Areas) == 0 {
		return nil, fmt.Errorf("station %s has no areas", stationID)
	}
	r := rand.New(rand.NewPCG(seed, 2023))
	ids := make([]guli.ID, 0, max(n, 0))
	for len(ids) < n {
		in := guli.NewUserInput{
			Name:      Name(r),
			Phone:     fmt.Sprintf("139%08d", r.IntN(100_000_000)),
			AreaID:    st.Areas[r.IntN(len(st.Areas))].ID,
			BirthYear: 1935 + r.IntN(70),
		}
		if r.IntN(10) == 0 {
			in.Phone = "" // about one in ten has no smartphone
		}
		u, err := svc.Accounts.CreateUser(ctx, in)
		if err != nil {
			if guli.ErrorCode(err) == guli.ECPhoneTaken {
				continue
			}
			return ids, err
		}
		ids = append(ids, u.ID)
	}
	return ids, nil
}
