// Package demo fills a database with a living station: 顾里小站 in Gucun,
// Baoshan, Shanghai, with the areas, rooms, people and figures of the article
// it was built from; and, for benchmarks, any number of synthetic residents.
package demo

import (
	"context"
	"fmt"
	"math/rand/v2"

	"guli"
)

// Services are what the demo data is written through: the same services the
// API uses, so demo data obeys every rule real data does.
type Services struct {
	Accounts guli.AccountService
	Stations guli.StationService
}

// Password is every demo account's password. Demo data is for trying Guli
// out, never for a station's real database.
const Password = "guli-demo-2023"

// Account is a demo account someone can sign in with.
type Account struct {
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
	{"储双玲", "13800000002", 1956, 0, []guli.Role{guli.RoleResident, guli.RoleTalent, guli.RoleVolunteer}, nil},
	{"叶苗龙", "13800000003", 1951, 1, []guli.Role{guli.RoleResident, guli.RoleTalent, guli.RoleVolunteer}, nil},
	{"王晓玲", "13800000004", 1958, 0, []guli.Role{guli.RoleResident, guli.RoleTalent, guli.RoleVolunteer}, nil},
	{"吕老师", "13800000005", 1960, 2, []guli.Role{guli.RoleResident, guli.RoleTalent}, nil},
	{"宋老师", "13800000006", 1957, 3, []guli.Role{guli.RoleResident, guli.RoleTalent}, nil},
	{"周晨", "13800000007", 2003, 0, []guli.Role{guli.RoleResident, guli.RoleVolunteer}, nil}, // 上海大学社区学院
	{"李建华", "13800000008", 1950, 0, []guli.Role{guli.RoleResident}, &guli.EmergencyContact{Name: "李芳", Phone: "13900000008"}},
	{"陈美娣", "13800000009", 1948, 4, []guli.Role{guli.RoleResident}, nil},
}

// Seed creates the demo station when the database has none. It is safe to
// call on every start: a database with a station is left alone.
func Seed(ctx context.Context, svc Services) (*Result, error) {
	ctx = guli.NewContextWithUser(ctx, guli.SystemUser)
	existing, err := svc.Stations.Stations(ctx, guli.ListOptions{Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(existing.Items) > 0 {
		return &Result{Station: existing.Items[0]}, nil
	}
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
		return nil, fmt.Errorf("demo station: %w", err)
	}
	var areaIDs []guli.ID
	for _, in := range areas {
		a, err := svc.Stations.CreateArea(ctx, st.ID, in)
		if err != nil {
			return nil, fmt.Errorf("demo area: %w", err)
		}
		areaIDs = append(areaIDs, a.ID)
	}
	for _, in := range rooms {
		if _, err := svc.Stations.CreateRoom(ctx, st.ID, in); err != nil {
			return nil, fmt.Errorf("demo room: %w", err)
		}
	}
	res := &Result{Created: true}
	for _, p := range people {
		u, err := svc.Accounts.CreateUser(ctx, guli.NewUserInput{Name: p.name, Phone: p.phone, Password: Password,
			AreaID: areaIDs[p.area], BirthYear: p.birthYear, Roles: p.roles})
		if err != nil {
			return nil, fmt.Errorf("demo account %s: %w", p.name, err)
		}
		if p.contact != nil {
			if _, err := svc.Accounts.UpdateMe(guli.NewContextWithUser(ctx, u), guli.UpdateMeInput{EmergencyContact: p.contact}); err != nil {
				return nil, err
			}
		}
		res.Accounts = append(res.Accounts, Account{Roles: p.roles, Name: p.name, Phone: p.phone})
	}
	// 张阿婆 has no smartphone: the social workers keep her account.
	if _, err := svc.Accounts.CreateUser(ctx, guli.NewUserInput{Name: "张阿婆", AreaID: areaIDs[0], BirthYear: 1943}); err != nil {
		return nil, err
	}
	if res.Station, err = svc.Stations.Station(ctx, st.ID); err != nil {
		return nil, err
	}
	return res, nil
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
// Gucun's (many over 60) and unique phone numbers from the 139 range. They
// have no passwords: they exist for figures and benchmarks.
func Residents(ctx context.Context, svc Services, stationID guli.ID, n int, seed uint64) (int, error) {
	ctx = guli.NewContextWithUser(ctx, guli.SystemUser)
	st, err := svc.Stations.Station(ctx, stationID)
	if err != nil {
		return 0, err
	}
	if len(st.Areas) == 0 {
		return 0, fmt.Errorf("station %s has no areas", stationID)
	}
	r := rand.New(rand.NewPCG(seed, 2023))
	made := 0
	for i := 0; made < n; i++ {
		in := guli.NewUserInput{
			Name:      Name(r),
			Phone:     fmt.Sprintf("139%08d", r.IntN(100_000_000)),
			AreaID:    st.Areas[r.IntN(len(st.Areas))].ID,
			BirthYear: 1935 + r.IntN(70),
		}
		if r.IntN(10) == 0 {
			in.Phone = "" // about one in ten has no smartphone
		}
		if _, err := svc.Accounts.CreateUser(ctx, in); err != nil {
			if guli.ErrorCode(err) == guli.ECPhoneTaken {
				continue
			}
			return made, err
		}
		made++
	}
	return made, nil
}
