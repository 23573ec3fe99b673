package district

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Names as Shanghai's have them: surnames by how common they are (China's
// 2020 census, the ones Shanghai has more of, 陈, 徐, 朱, 沈, 陆, 顾, 钱,
// 施, 俞, 倪, weighted up), given names by the decade of birth and sex.

// surnames in tenths of a percent of people, roughly.
var surnames = []struct {
	name   string
	weight int
}{
	{"王", 71}, {"李", 70}, {"张", 68}, {"刘", 55}, {"陈", 70}, {"杨", 31}, {"黄", 26}, {"赵", 23}, {"吴", 30}, {"周", 28},
	{"徐", 30}, {"孙", 15}, {"马", 15}, {"朱", 24}, {"胡", 13}, {"郭", 12}, {"何", 12}, {"林", 11}, {"高", 11}, {"罗", 11},
	{"郑", 10}, {"梁", 9}, {"谢", 8}, {"宋", 7}, {"唐", 8}, {"许", 8}, {"韩", 7}, {"邓", 6}, {"冯", 6}, {"曹", 7},
	{"彭", 6}, {"曾", 5}, {"肖", 6}, {"田", 5}, {"董", 5}, {"潘", 6}, {"袁", 5}, {"蔡", 6}, {"蒋", 7}, {"余", 5},
	{"于", 5}, {"杜", 5}, {"叶", 6}, {"程", 5}, {"魏", 4}, {"苏", 4}, {"吕", 4}, {"丁", 5}, {"任", 4}, {"卢", 4},
	{"姚", 5}, {"沈", 14}, {"钟", 4}, {"姜", 4}, {"崔", 3}, {"谭", 3}, {"陆", 14}, {"范", 4}, {"汪", 5}, {"廖", 3},
	{"石", 3}, {"金", 5}, {"韦", 2}, {"贾", 3}, {"夏", 4}, {"付", 3}, {"方", 4}, {"邹", 3}, {"熊", 2}, {"白", 2},
	{"孟", 2}, {"秦", 3}, {"邱", 2}, {"侯", 2}, {"江", 3}, {"尹", 2}, {"薛", 3}, {"闫", 2}, {"段", 2}, {"雷", 2},
	{"龙", 2}, {"黎", 2}, {"史", 3}, {"陶", 3}, {"贺", 2}, {"毛", 3}, {"郝", 2}, {"顾", 12}, {"龚", 4}, {"邵", 4},
	{"万", 2}, {"覃", 1}, {"武", 2}, {"钱", 8}, {"戴", 3}, {"严", 4}, {"莫", 1}, {"孔", 2}, {"向", 1}, {"常", 1},
	{"汤", 3}, {"施", 6}, {"倪", 4}, {"俞", 5}, {"殷", 2}, {"瞿", 2}, {"凌", 2}, {"葛", 3}, {"杭", 1}, {"祝", 2},
}

var surnameTotal = func() int {
	n := 0
	for _, s := range surnames {
		n += s.weight
	}
	return n
}()

// Given names by generation: born before 1960, 1960 to 1984, from 1985.
var given = [3][2][]string{
	{ // before 1960
		{"建国", "国强", "根宝", "阿毛", "德明", "文华", "建华", "志明", "福根", "金宝", "伯良", "国华", "永康", "振华", "荣发", "长根", "兴发", "卫东", "卫国", "宝根", "和平", "解放", "忠良", "祥林", "海根"},
		{"秀英", "桂英", "玉兰", "凤英", "美娣", "金娣", "秀珍", "惠珍", "雪芬", "月娥", "彩娣", "招娣", "阿妹", "小妹", "莲英", "菊芳", "琴芳", "素珍", "根娣", "杏娣", "佩华", "丽娟", "爱华", "桂珍", "玉芳"},
	},
	{ // 1960 to 1984
		{"志强", "伟", "军", "勇", "强", "刚", "磊", "明", "杰", "涛", "斌", "峰", "华", "平", "辉", "建军", "海峰", "晓东", "卫民", "国庆", "建平", "立新", "春雷", "文斌", "俊"},
		{"丽华", "红梅", "海燕", "秀兰", "丽萍", "晓红", "卫红", "敏", "静", "芳", "艳", "娟", "霞", "琳", "燕", "慧", "雯", "婷", "颖", "洁", "晓燕", "美玲", "春燕", "丽君", "红霞"},
	},
	{ // from 1985
		{"浩然", "子轩", "宇轩", "俊杰", "浩宇", "博文", "晨", "昊天", "思远", "一鸣", "天佑", "睿", "嘉诚", "梓豪", "明轩", "宇航", "文博", "鹏", "皓", "奕辰", "晨阳", "家豪", "逸飞", "子墨", "泽宇"},
		{"欣怡", "诗涵", "梓涵", "雨桐", "佳怡", "思琪", "雅婷", "一诺", "可馨", "子萱", "静怡", "梦瑶", "晓雯", "佳琪", "诗雨", "雨欣", "婉婷", "若曦", "语嫣", "欣妍", "紫涵", "心怡", "晨曦", "梦琪", "艺涵"},
	},
}

// surname draws a surname by how common it is.
func surname(r *rand.Rand) string {
	n := r.IntN(surnameTotal)
	for _, s := range surnames {
		if n < s.weight {
			return s.name
		}
		n -= s.weight
	}
	return surnames[0].name
}

// personName draws a name for someone born in year.
func personName(r *rand.Rand, born int) string {
	gen := 0
	switch {
	case born >= 1985:
		gen = 2
	case born >= 1960:
		gen = 1
	}
	names := given[gen][r.IntN(2)]
	return surname(r) + names[r.IntN(len(names))]
}

// birthYear draws a year of birth skewed old, as the residents who come
// to a station are: most born between 1940 and 1965, some before, the
// parents and the young fewer.
func birthYear(r *rand.Rand) int {
	switch n := r.IntN(100); {
	case n < 8:
		return 1928 + r.IntN(12) // 1928-1939
	case n < 62:
		// 1940-1965, more around the mid-fifties
		return 1940 + (r.IntN(26)+r.IntN(26))/2
	case n < 80:
		return 1966 + r.IntN(20) // 1966-1985: the children of the old, the parents
	default:
		return 1986 + r.IntN(20) // 1986-2005
	}
}

// Places of Baoshan for the names of stations and residential areas.
var places = []string{
	"淞南", "高境", "庙行", "大场", "杨行", "月浦", "罗店", "罗泾", "友谊", "吴淞", "张庙", "通河", "泗塘", "共康",
	"菊泉", "馨佳", "美兰湖", "祁连", "泰和", "新顾城", "刘行", "盛桥", "宝林", "海滨", "长江", "呼玛", "乾溪", "场中",
	"葑村", "宝杨", "双城", "牡丹江", "塘后", "永清", "行知", "陈行", "潘泾", "罗南", "新川沙", "美罗家园", "上大",
	"场北", "大华", "环镇", "聚丰", "庙彭", "淞宝", "淞滨", "宝钢", "逸仙", "长逸", "虎林", "爱辉", "水产", "同济",
	"锦秋", "新沪", "华灵", "真华", "康宁", "纪念", "沪太", "丰翔", "锦乐", "高逸", "殷高", "江杨", "三门",
}

var areaSuffixes = []string{"新村", "一村", "二村", "三村", "苑", "花园", "家园", "新苑", "佳苑", "小区", "公寓", "雅苑", "华庭", "名邸", "景苑", "东苑", "西苑", "南苑", "北苑"}

// placeName is the i-th place name: the places, then the places with a
// number, so that names do not repeat.
func placeName(i int) string {
	p := places[i%len(places)]
	if k := i / len(places); k > 0 {
		return p + chineseNumber(k+1)
	}
	return p
}

// chineseNumber writes 1..99 in Chinese numerals.
func chineseNumber(n int) string {
	digits := []string{"", "一", "二", "三", "四", "五", "六", "七", "八", "九"}
	switch {
	case n < 10:
		return digits[n]
	case n < 20:
		return "十" + digits[n%10]
	case n < 100:
		return digits[n/10] + "十" + digits[n%10]
	}
	return fmt.Sprint(n)
}

var roads = []string{"路", "支路", "大道", "街"}

// address draws a street address in the place.
func address(r *rand.Rand, place string) string {
	return fmt.Sprintf("上海市宝山区%s%s%d号", strings.TrimSuffix(place, "家园"), roads[r.IntN(len(roads))], 10+r.IntN(990))
}

// Phones: unique for every account the district makes, without storing
// them, from the account's number k (0, 1, 2, …): eight digits from an
// affine bijection of k, so the numbers look scattered but never repeat,
// after a prefix of China's mobile ranges that the digits choose. The 138
// range is left to the demo's named people, 177 to emergency contacts.
var phonePrefixes = []string{"139", "158", "135", "136", "137", "150", "159", "186", "189", "133", "152", "187"}

const phoneSpace = 100_000_000

// phoneOf is the number of the district's k-th account (k < 10^8), for a
// seed.
func phoneOf(k int64, seed uint64) string {
	// 7,919,447 is coprime with 10^8, so k ↦ a·k + c is a bijection of
	// 0..10^8-1.
	c := int64((seed%phoneSpace*2_654_435_761 + 20_231_015) % phoneSpace)
	d := (k%phoneSpace*7_919_447 + c) % phoneSpace
	return fmt.Sprintf("%s%08d", phonePrefixes[d/7%int64(len(phonePrefixes))], d)
}

// contactPhone is the number of a relative named as an emergency
// contact: from the 177 range, which no account of the district has.
func contactPhone(r *rand.Rand) string {
	return fmt.Sprintf("177%08d", r.IntN(phoneSpace))
}

// pick draws one of a list.
func pick[T any](r *rand.Rand, list []T) T { return list[r.IntN(len(list))] }
