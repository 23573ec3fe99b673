package web_test

import (
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"guli/internal/dbtest"
	"guli/internal/testserver"
)

// pageHas fails the test for each of want that the page lacks.
func pageHas(t *testing.T, what string, r *testserver.Response, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(string(r.Body), w) {
			t.Errorf("%s lacks %q", what, w)
		}
	}
}

// pageLacks fails the test for each of unwanted that the page shows.
func pageLacks(t *testing.T, what string, r *testserver.Response, unwanted ...string) {
	t.Helper()
	for _, u := range unwanted {
		if strings.Contains(string(r.Body), u) {
			t.Errorf("%s shows %q", what, u)
		}
	}
}

// follow asks for the page a form redirected to, and checks the form
// redirected to want (path and query) first.
func follow(t *testing.T, srv *testserver.Server, token string, r *testserver.Response, want string) *testserver.Response {
	t.Helper()
	if r.Status != 303 || r.Header.Get("Location") != want {
		t.Fatalf("the form answered %d to %q, want 303 to %q: %.300s", r.Status, r.Header.Get("Location"), want, r.Body)
	}
	return asPage(t, srv, token, "GET", want, "")
}

var helpID = regexp.MustCompile(`^/help/(\d+)\?notice=help_asked$`)

// TestMutualAidPages walks a request through the pages, from asked to
// confirmed, as the resident and the volunteer see it, and the minutes on
// into the volunteer's time bank and on to a family member by phone.
func TestMutualAidPages(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		srv := testserver.New(t, e)
		resident := srv.Login(t, testserver.ResidentPhone, testserver.Password) // 李建华, no volunteer
		volunteer := srv.Login(t, testserver.TalentPhone, testserver.Password)  // 程秀英
		other := srv.Login(t, "13800000007", testserver.Password)               // 周晨, another volunteer

		// Visitors learn what it is, and nobody's requests.
		r := srv.Do(t, "GET", "/help", "", nil)
		pageHas(t, "/help to a visitor", r, "邻里互助：", `href="/login?next=/help"`)
		pageLacks(t, "/help to a visitor", r, "帮忙买菜", `href="/help/new"`)

		// A resident who is no volunteer sees the button to ask and their
		// own requests, not who else needs help when: that is for the
		// volunteers staff made, and staff.
		r = asPage(t, srv, resident, "GET", "/help", "")
		pageHas(t, "/help to a resident", r, `href="/help/new"`, "请到小站找社工登记成为志愿者")
		pageLacks(t, "/help to a resident", r, "/claim", "帮忙买菜", "厨房水管漏水")
		// A volunteer sees the station's open requests, by kind.
		r = asPage(t, srv, other, "GET", "/help", "")
		pageHas(t, "/help to a volunteer", r, "帮忙买菜", "厨房水管漏水", "/claim")
		pageLacks(t, "/help to a volunteer", r, "陪同去医院复查") // taken already
		r = asPage(t, srv, other, "GET", "/help?category=repair", "")
		pageHas(t, "/help of repairs", r, "厨房水管漏水")
		pageLacks(t, "/help of repairs", r, "帮忙买菜")
		r = asPage(t, srv, other, "GET", "/help?category=magic&area=99999", "")
		pageHas(t, "/help with choices that are none", r, "帮忙买菜", "厨房水管漏水")

		// Asking: what is missing or wrong is said next to its field, and
		// what was typed stays.
		r = asPage(t, srv, resident, "POST", "/help/new", url.Values{"title": {"  "}, "description": {"3号楼2楼"}, "needed_date": {"明天"}}.Encode())
		if r.Status != 422 {
			t.Fatalf("an empty request: %d", r.Status)
		}
		pageHas(t, "the form with errors", r, `id="f-category-error">这一项必须填写`, `id="f-title-error">这一项必须填写`,
			`id="f-needed_date-error">日期格式不对`, "3号楼2楼")
		r = asPage(t, srv, resident, "POST", "/help/new", url.Values{"category": {"repair"}, "title": {"修"}, "needed_date": {"2001-01-01"}}.Encode())
		pageHas(t, "a request needed long ago", r, `id="f-needed_date-error">数值不在允许的范围内`)
		r = asPage(t, srv, resident, "POST", "/help/new", url.Values{"category": {"repair"}, "title": {"阳台的晾衣架坏了"},
			"description": {"3号楼2楼，下午在家"}, "needed_date": {time.Now().AddDate(0, 0, 3).Format("2006-01-02")}}.Encode())
		m := helpID.FindStringSubmatch(r.Header.Get("Location"))
		if r.Status != 303 || m == nil {
			t.Fatalf("asking: %d to %q", r.Status, r.Header.Get("Location"))
		}
		page := "/help/" + m[1]
		r = follow(t, srv, resident, r, page+"?notice=help_asked")
		pageHas(t, "the request to its requester", r, "求助已发出", "阳台的晾衣架坏了", "3号楼2楼，下午在家", "等待帮忙", "18:00",
			`href="tel:`+testserver.ResidentPhone+`"`, `action="`+page+`/cancel"`)
		pageLacks(t, "the request to its requester", r, `action="`+page+`/claim"`)

		// A volunteer finds it with a button to take it, but not the phone
		// until they take it.
		r = asPage(t, srv, volunteer, "GET", "/help", "")
		pageHas(t, "/help to a volunteer", r, `action="`+page+`/claim"`)
		r = asPage(t, srv, volunteer, "GET", page, "")
		pageLacks(t, "the request to a volunteer who has not taken it", r, `href="tel:`, `action="`+page+`/cancel"`)
		r = follow(t, srv, volunteer, asPage(t, srv, volunteer, "POST", page+"/claim", ""), page+"?notice=help_claimed")
		pageHas(t, "the request taken", r, "请尽快打电话联系对方", `href="tel:`+testserver.ResidentPhone+`"`, `action="`+page+`/done"`, `action="`+page+`/release"`, "程秀英接下了")
		// Someone else, a step behind, is told in plain words.
		r = asPage(t, srv, other, "POST", page+"/claim", "")
		if r.Status != 409 {
			t.Fatalf("a second claim: %d", r.Status)
		}
		pageHas(t, "a second claim", r, "这个求助已经有人接了")
		pageLacks(t, "a second claim", r, `href="tel:`, `action="`+page+`/done"`)

		// Done, with minutes that must be minutes.
		for _, bad := range []string{"半小时", "0", "-5", "99999999999999999999", "1441"} {
			r = asPage(t, srv, volunteer, "POST", page+"/done", "minutes="+url.QueryEscape(bad))
			if r.Status != 422 || !strings.Contains(string(r.Body), `id="f-minutes-error"`) {
				t.Errorf("done in %q minutes: %d", bad, r.Status)
			}
		}
		r = follow(t, srv, volunteer, asPage(t, srv, volunteer, "POST", page+"/done", "minutes=45"), page+"?notice=help_done")
		pageHas(t, "the request done", r, "程秀英帮完了，用了45分钟", "已帮完，待确认")
		pageLacks(t, "the request done, to the volunteer", r, `action="`+page+`/confirm"`)

		// The resident confirms, with a rating from one to five.
		r = asPage(t, srv, resident, "GET", page, "")
		pageHas(t, "the request to confirm", r, `action="`+page+`/confirm"`, "程秀英说帮完了，用了45分钟")
		if r = asPage(t, srv, resident, "POST", page+"/confirm", "rating=9"); r.Status != 422 {
			t.Fatalf("a rating of 9: %d", r.Status)
		}
		r = follow(t, srv, resident, asPage(t, srv, resident, "POST", page+"/confirm", url.Values{"rating": {"5"}, "comment": {"晾衣架修好了，谢谢"}}.Encode()),
			page+"?notice=help_confirmed")
		pageHas(t, "the request confirmed", r, "李建华确认完成", "满意度5星", "晾衣架修好了，谢谢", "已完成")
		pageLacks(t, "the request confirmed", r, `action="`+page+`/`)

		// The minutes are in the volunteer's time bank, and on their list.
		r = asPage(t, srv, volunteer, "GET", "/timebank", "")
		pageHas(t, "the volunteer's time bank", r, `<p class="big-balance">45分钟</p>`, "做志愿服务共存入45分钟", "志愿服务", "阳台的晾衣架坏了")
		r = asPage(t, srv, volunteer, "GET", "/my/services", "")
		pageHas(t, "the volunteer's services", r, "我接的求助", `href="`+page+`"`)
		r = asPage(t, srv, resident, "GET", "/my/services", "")
		pageHas(t, "the resident's services", r, "我的求助", `href="`+page+`"`)
		pageLacks(t, "the resident's services", r, "我接的求助")

		// Giving minutes to family by phone: the form's key applies it
		// once, however often it is sent.
		key := regexp.MustCompile(`name="key" value="([^"]+)"`).FindStringSubmatch(string(asPage(t, srv, volunteer, "GET", "/timebank", "").Body))
		if key == nil || len(key[1]) < 20 {
			t.Fatalf("the transfer form's key: %v", key)
		}
		give := url.Values{"to_phone": {"138 0000 0008"}, "minutes": {"20"}, "memo": {"给李伯伯"}, "key": {key[1]}}.Encode()
		for range 3 {
			r = follow(t, srv, volunteer, asPage(t, srv, volunteer, "POST", "/timebank/transfer", give), "/timebank?notice=transferred")
			pageHas(t, "the time bank after giving", r, "转出成功", `<p class="big-balance">25分钟</p>`, "转给别人", "给李伯伯")
		}
		if again := regexp.MustCompile(`name="key" value="([^"]+)"`).FindStringSubmatch(string(r.Body)); again == nil || again[1] == key[1] {
			t.Errorf("the form after a transfer has the same key")
		}
		// Gone back to the sent form and sent with other minutes, the
		// form is refused, says so, and offers a new key to send it with.
		back := url.Values{"to_phone": {"138 0000 0008"}, "minutes": {"10"}, "memo": {"给李伯伯"}, "key": {key[1]}}.Encode()
		r = asPage(t, srv, volunteer, "POST", "/timebank/transfer", back)
		if r.Status != 422 || !strings.Contains(string(r.Body), `role="alert">这张表已经提交过`) {
			t.Errorf("the sent form sent back with other minutes: %d %s", r.Status, r.Body)
		}
		if fresh := regexp.MustCompile(`name="key" value="([^"]+)"`).FindStringSubmatch(string(r.Body)); fresh == nil || fresh[1] == key[1] {
			t.Errorf("the refused form keeps the sent form's key")
		}
		r = asPage(t, srv, resident, "GET", "/timebank", "")
		pageHas(t, "the family member's time bank", r, `<p class="big-balance">20分钟</p>`, "别人转来")
		for _, bad := range []struct {
			form url.Values
			want string
		}{
			{url.Values{"to_phone": {"13912349999"}, "minutes": {"5"}}, `id="f-to_phone-error">没有用这个手机号注册的账号`},
			{url.Values{"to_phone": {"12345"}, "minutes": {"5"}}, `id="f-to_phone-error">请填写11位手机号`},
			{url.Values{"to_phone": {""}, "minutes": {"5"}}, `id="f-to_phone-error">这一项必须填写`},
			{url.Values{"to_phone": {testserver.TalentPhone}, "minutes": {"5"}}, `id="f-to_phone-error">这是您自己的手机号`},
			{url.Values{"to_phone": {testserver.ResidentPhone}, "minutes": {"一小时"}}, `id="f-minutes-error"`},
			{url.Values{"to_phone": {testserver.ResidentPhone}, "minutes": {"26"}}, `role="alert">时间银行余额不够`},
			{url.Values{"to_phone": {testserver.ResidentPhone}, "minutes": {"5"}, "key": {strings.Repeat("k", 201)}}, `role="alert">有些内容填得不对`},
		} {
			if r = asPage(t, srv, volunteer, "POST", "/timebank/transfer", bad.form.Encode()); r.Status != 422 || !strings.Contains(string(r.Body), bad.want) {
				t.Errorf("giving %v: %d, want 422 with %q", bad.form, r.Status, bad.want)
			}
		}
		if r = asPage(t, srv, volunteer, "GET", "/timebank", ""); !strings.Contains(string(r.Body), `<p class="big-balance">25分钟</p>`) {
			t.Error("a refused transfer moved minutes")
		}

		// In English.
		r = asPage(t, srv, resident, "GET", "/help", "", "Accept-Language", "en")
		pageHas(t, "/help in English", r, "Ask for help", "Waiting for help")
		r = asPage(t, srv, resident, "GET", page, "", "Accept-Language", "en")
		pageHas(t, "a request in English", r, "rated 5 of 5 stars", "45 min")
		if r = asPage(t, srv, resident, "GET", "/help/999999", ""); r.Status != 404 {
			t.Errorf("a request that is none: %d", r.Status)
		}
	})
}

// personID finds the id of the one person of that name, as staff search.
func personID(t *testing.T, srv *testserver.Server, token, name string) string {
	t.Helper()
	found := items(t, srv.Do(t, "GET", "/api/v1/users?q="+url.QueryEscape(name), token, nil))
	if len(found) != 1 {
		t.Fatalf("%d people named %s", len(found), name)
	}
	return found[0]["id"].(string)
}

// clock is a time a test moves by hand, for the services of a server.
type clock struct{ offset atomic.Int64 }

func (c *clock) Now() time.Time              { return time.Now().Add(time.Duration(c.offset.Load())) }
func (c *clock) Set(behind time.Duration)    { c.offset.Store(int64(-behind)) }
func (c *clock) Options() testserver.Options { return testserver.Options{Now: c.Now} }

// TestDeskHelpPage: staff see their station's requests, those waiting
// for more than two days first, filter them by status, ask for a resident
// without a phone, and confirm and withdraw for residents; each act for a
// resident is in the audit log.
func TestDeskHelpPage(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		var c clock
		srv := testserver.New(t, e, c.Options())
		staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
		admin := srv.Login(t, testserver.AdminPhone, testserver.Password)
		resident := srv.Login(t, testserver.ResidentPhone, testserver.Password)

		// A request asked three days ago that nobody took.
		c.Set(72 * time.Hour)
		old := srv.Do(t, "POST", "/api/v1/help-requests", resident, map[string]any{"title": "帮忙换煤气罐", "category": "errand"}).JSON(t)["id"].(string)
		c.Set(0)

		r := asPage(t, srv, staff, "GET", "/desk/help", "")
		body := string(r.Body)
		overdue, list := strings.Index(body, `href="/help/`+old+`"`), strings.Index(body, `id="list-title"`)
		if r.Status != 200 || overdue < 0 || list < 0 || overdue > list || strings.Count(body, `href="/help/`+old+`"`) != 1 {
			t.Fatalf("/desk/help: %d; the overdue request at %d, the list at %d", r.Status, overdue, list)
		}
		pageHas(t, "/desk/help", r, "等了两天多还没人接（1个）", "帮忙买菜", "陪同去医院复查", "教用智能手机挂号")
		// The list holds no phone; staff read it on the request, audited.
		pageLacks(t, "/desk/help", r, `href="tel:`)
		r = asPage(t, srv, staff, "GET", "/desk/help?status=done", "")
		pageHas(t, "/desk/help?status=done", r, "教用智能手机挂号", "替陆建平确认完成")
		pageLacks(t, "/desk/help?status=done", r, "帮忙买菜")
		pageHas(t, "/desk/help?status=lost", asPage(t, srv, staff, "GET", "/desk/help?status=lost", ""), "帮忙买菜", "教用智能手机挂号")

		// Confirm for 陆建平, from the list, back to the list.
		m := regexp.MustCompile(`action="/help/(\d+)/confirm">\s*<input type="hidden" name="next" value="/desk/help\?status=done">`).FindStringSubmatch(string(r.Body))
		if m == nil {
			t.Fatal("no form to confirm for the requester on the desk")
		}
		confirmed := m[1]
		r = follow(t, srv, staff, asPage(t, srv, staff, "POST", "/help/"+confirmed+"/confirm", "next="+url.QueryEscape("/desk/help?status=done")),
			"/desk/help?status=done&notice=help_confirmed")
		pageHas(t, "the desk after confirming", r, "已确认完成")
		pageLacks(t, "the desk after confirming", r, "教用智能手机挂号")
		// Withdraw the old one for the resident.
		follow(t, srv, staff, asPage(t, srv, staff, "POST", "/help/"+old+"/cancel", "next=/desk/help"), "/desk/help?notice=help_cancelled")
		pageLacks(t, "the desk after withdrawing", asPage(t, srv, staff, "GET", "/desk/help", ""), "等了两天多还没人接")

		// 张阿婆 has no phone: staff find her and ask for her.
		r = asPage(t, srv, staff, "GET", "/desk/help?q="+url.QueryEscape("张阿婆"), "")
		m = regexp.MustCompile(`href="/help/new\?for=(\d+)"`).FindStringSubmatch(string(r.Body))
		if m == nil {
			t.Fatal("the desk does not find 张阿婆 to ask for her")
		}
		zhang := m[1]
		pageHas(t, "the form to ask for 张阿婆", asPage(t, srv, staff, "GET", "/help/new?for="+zhang, ""), "为张阿婆求助", `name="on_behalf_of" value="`+zhang+`"`)
		if r = asPage(t, srv, resident, "GET", "/help/new?for="+zhang, ""); r.Status != 404 || strings.Contains(string(r.Body), "为张阿婆求助") {
			t.Errorf("a resident gets the form to ask for someone else: %d", r.Status)
		}
		if r = asPage(t, srv, resident, "POST", "/help/new", "category=errand&title=x&on_behalf_of="+zhang); r.Status != 404 {
			t.Errorf("a resident asking for someone else: %d", r.Status)
		}
		r = asPage(t, srv, staff, "POST", "/help/new", url.Values{"on_behalf_of": {zhang}, "category": {"companion"}, "title": {"陪同去社区医院配药"}}.Encode())
		if loc := r.Header.Get("Location"); r.Status != 303 || !strings.HasSuffix(loc, "?notice=help_filed") {
			t.Fatalf("asking for 张阿婆: %d %q", r.Status, loc)
		}
		filed := strings.TrimSuffix(strings.TrimPrefix(r.Header.Get("Location"), "/help/"), "?notice=help_filed")
		r = asPage(t, srv, staff, "GET", r.Header.Get("Location"), "")
		pageHas(t, "the request asked for 张阿婆", r, "已替居民发出求助", "社工为张阿婆发出求助", "陪同去社区医院配药", "社工专用")

		// Every act for a resident is audited, naming the request.
		for _, a := range []struct{ who, action, request string }{
			{zhang, "help.file_on_behalf", filed},
			{myID(t, srv, resident), "help.cancel_on_behalf", old},
			{personID(t, srv, admin, "陆建平"), "help.confirm_on_behalf", confirmed},
		} {
			audit := srv.Do(t, "GET", "/api/v1/audit?user_id="+a.who, admin, nil)
			if !strings.Contains(string(audit.Body), `"action":"`+a.action+`","subject_id":"`+a.who+`","detail":"`+a.request+`"`) {
				t.Errorf("%s of request %s is not audited: %s", a.action, a.request, audit.Body)
			}
		}

		// Not for residents.
		if r = asPage(t, srv, resident, "GET", "/desk/help", ""); r.Status != 403 {
			t.Errorf("a resident at the desk: %d", r.Status)
		}
	})
}

// The request's page names the volunteers who could help, for the
// requester and staff; a requester with minutes may pay from them.
func TestHelpPageCandidatesAndPayingFromOnesMinutes(t *testing.T) {
	srv := testserver.New(t, dbtest.Engines(t)[0])
	resident := srv.Login(t, testserver.ResidentPhone, testserver.Password)
	talent := srv.Login(t, testserver.TalentPhone, testserver.Password)
	staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
	if r := srv.Do(t, "PUT", "/api/v1/me/volunteer-profile", talent, map[string]any{"skills": []string{"repair"}}); r.Status != 200 {
		t.Fatalf("profile: %d %s", r.Status, r.Body)
	}
	name := srv.Do(t, "GET", "/api/v1/me", talent, nil).JSON(t)["name"].(string)
	r := srv.Do(t, "POST", "/api/v1/help-requests", resident, map[string]any{"title": "修水龙头", "category": "repair"})
	if r.Status != 201 {
		t.Fatalf("ask: %d %s", r.Status, r.Body)
	}
	id := r.JSON(t)["id"].(string)
	page := "/help/" + id
	pageHas(t, "the requester's page", asPage(t, srv, resident, "GET", page, ""), "谁可能来帮忙", name, "会做这类事")
	pageHas(t, "staff's page", asPage(t, srv, staff, "GET", page, ""), "谁可能来帮忙", "可以打电话请他们帮忙")
	pageLacks(t, "a volunteer's page", asPage(t, srv, talent, "GET", page, ""), "谁可能来帮忙")

	residentID := myID(t, srv, resident)
	if r := srv.Do(t, "POST", "/api/v1/timebank/credits", staff, map[string]any{"user_id": residentID, "minutes": 100, "memo": "重阳节活动"}); r.Status != 201 {
		t.Fatalf("credit: %d %s", r.Status, r.Body)
	}
	for _, step := range []string{"claim", "done"} {
		if r := srv.Do(t, "POST", "/api/v1/help-requests/"+id+"/"+step, talent, map[string]any{"minutes": 40}); r.Status != 200 {
			t.Fatalf("%s: %d %s", step, r.Status, r.Body)
		}
	}
	pageHas(t, "the confirm form", asPage(t, srv, resident, "GET", page, ""), `name="pay" value="1"`)
	pageLacks(t, "staff's confirm form", asPage(t, srv, staff, "GET", page, ""), `name="pay"`)
	if r := asPage(t, srv, resident, "POST", page+"/confirm", "rating=5&pay=1"); r.Status != 303 {
		t.Fatalf("confirm: %d %.300s", r.Status, r.Body)
	}
	if b := srv.Do(t, "GET", "/api/v1/me/timebank", resident, nil).JSON(t)["balance_minutes"]; b != float64(60) {
		t.Errorf("the resident holds %v minutes after paying 40 of 100", b)
	}
}

// A button pressed twice (a double tap, a form sent again) is told it went
// through, not refused with words that say something else happened ("someone
// has taken it", "not finished yet"); nothing is done twice.
func TestHelpButtonsPressedTwice(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		srv := testserver.New(t, e)
		resident := srv.Login(t, testserver.ResidentPhone, testserver.Password)
		volunteer := srv.Login(t, "13800000007", testserver.Password) // 周晨
		ask := func(title string) string {
			t.Helper()
			return srv.Do(t, "POST", "/api/v1/help-requests", resident, map[string]any{"title": title, "category": "errand"}).JSON(t)["id"].(string)
		}
		twice := func(who, page, action, form, notice string) {
			t.Helper()
			for i := range 2 {
				r := asPage(t, srv, who, "POST", page+"/"+action, form)
				if r.Status != 303 || r.Header.Get("Location") != page+"?notice="+notice {
					t.Errorf("%s, press %d: %d to %q: %s", action, i+1, r.Status, r.Header.Get("Location"), alertOf(r))
				}
			}
		}
		page := "/help/" + ask("帮忙取快递")
		twice(volunteer, page, "claim", "", "help_claimed")
		twice(volunteer, page, "release", "", "help_released")
		twice(volunteer, page, "claim", "", "help_claimed")
		twice(volunteer, page, "done", "minutes=40", "help_done")
		twice(resident, page, "confirm", "rating=5", "help_confirmed")
		st := srv.Do(t, "GET", "/api/v1/me/timebank", volunteer, nil).JSON(t)
		if st["earned_minutes"] != 40.0 {
			t.Errorf("the volunteer earned %v, want 40 once", st["earned_minutes"])
		}
		twice(resident, "/help/"+ask("帮忙买药"), "cancel", "", "help_cancelled")

		// A refusal that is not a second press still says why.
		other := "/help/" + ask("帮忙修门")
		if r := asPage(t, srv, resident, "POST", other+"/confirm", "rating=5"); r.Status != 409 {
			t.Errorf("confirming what nobody did: %d", r.Status)
		}
	})
}

// alertOf is the alert a page shows, for messages of failed tests.
func alertOf(r *testserver.Response) string {
	if m := regexp.MustCompile(`role="alert">([^<]*)`).FindSubmatch(r.Body); m != nil {
		return string(m[1])
	}
	return ""
}
