package browsertest_test

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"guli"
	"guli/internal/browsertest"
	"guli/internal/dbtest"
	"guli/internal/testserver"
)

// TestPaperInTheBrowser: the paper a station runs on, printed by
// Chromium to PDF as its print button does. The week's poster of twenty
// activities, each with its QR code, is one A4 page; a sign-in sheet of
// 45 people (40 places, 5 waiting) and the empty rows for walk-ins runs
// over pages with every row whole, its number, name and box on one page,
// and the heads of the columns on each; an activity's record, saved
// through its form with a neighbour's photo, is one page; the month's
// ledger is its contents and then a page a record. The Chinese words are
// read out of each PDF through its fonts' maps, so a page printed without
// Chinese fonts fails. Each page passes axe on a phone, in elder mode too,
// and is drawn as printed into the README's pictures.
func TestPaperInTheBrowser(t *testing.T) {
	if browser == nil {
		t.Skip(skipReason)
	}
	// Chinese is read out of the PDFs through the fonts Chromium embeds:
	// without a CJK font there is none to read.
	if out, err := exec.Command("fc-list", ":lang=zh", "family").Output(); err == nil && len(bytes.TrimSpace(out)) == 0 {
		t.Fatal("no Chinese font for Chromium to print with: install one (Debian: fonts-noto-cjk)")
	}
	// The server's clock runs ahead of the real one once the classes are
	// over, so their records can be written.
	var ahead atomic.Int64
	srv := testserver.New(t, dbtest.Engines(t)[0], testserver.Options{Now: func() time.Time { return time.Now().Add(time.Duration(ahead.Load())) }})
	staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
	st := srv.Station.ID.String()
	loc := srv.Station.Location()

	// A week a fortnight on, cleared of the demo's classes, then twenty
	// of the station's: four a day, Wednesday to Sunday, when it opens.
	week := guli.WeekOf(time.Now().In(loc).AddDate(0, 0, 14))
	monday, sunday := week.Bounds(loc)
	r := srv.Do(t, "GET", "/api/v1/activities?limit=200&station_id="+st+"&from="+url.QueryEscape(monday.Format(time.RFC3339))+
		"&to="+url.QueryEscape(sunday.Format(time.RFC3339)), "", nil)
	for _, item := range r.JSON(t)["items"].([]any) {
		if r := srv.Do(t, "DELETE", "/api/v1/activities/"+item.(map[string]any)["id"].(string), staff, nil); r.Status != 204 {
			t.Fatalf("clearing the week: %d %s", r.Status, r.Body)
		}
	}
	titles := []string{"重阳节敬老活动", "书法班：楷书入门", "智能手机课：微信视频通话", "太极拳", "中医义诊", "法律咨询", "合唱团排练", "剪纸：福字与窗花",
		"健康讲座：高血压的饮食", "亲子绘本共读", "量血压、测体温", "墨迹书香：行书", "编织小组", "防诈骗讲座", "社区议事会", "老年食堂试吃",
		"手机课：网上挂号", "广场舞", "国画：兰花", "电影放映：《我和我的祖国》"}
	hours := []string{"09:00", "10:30", "13:30", "15:00"}
	var ids []string
	for i, title := range titles {
		day := monday.AddDate(0, 0, 2+i/4)
		start, _ := time.ParseInLocation("2006-01-02 15:04", day.Format("2006-01-02")+" "+hours[i%4], loc)
		body := map[string]any{"station_id": st, "title": title, "category": "class", "start": start.Format(time.RFC3339),
			"end": start.Add(80 * time.Minute).Format(time.RFC3339), "capacity": []int{40, 20, 15, 0}[i%4], "age_rule": nil}
		if i%4 != 3 {
			body["room_id"] = srv.Station.Rooms[i%len(srv.Station.Rooms)].ID.String()
		}
		r := srv.Do(t, "POST", "/api/v1/activities", staff, body)
		if r.Status != 201 {
			t.Fatalf("activity %q: %d %s", title, r.Status, r.Body)
		}
		ids = append(ids, r.JSON(t)["items"].([]any)[0].(map[string]any)["id"].(string))
	}

	// The sign-in sheet's class: 45 residents without phones, registered
	// at the desk: 40 places, 5 waiting.
	class := ids[0]
	var people []string
	for i := range 45 {
		r := srv.Do(t, "POST", "/api/v1/users", staff, map[string]any{"name": fmt.Sprintf("居民%02d", i+1), "area_id": srv.Station.Areas[i%len(srv.Station.Areas)].ID.String()})
		if r.Status != 201 {
			t.Fatalf("resident %d: %d %s", i, r.Status, r.Body)
		}
		people = append(people, r.JSON(t)["id"].(string))
		if r := srv.Do(t, "POST", "/api/v1/activities/"+class+"/registrations", staff, map[string]any{"user_id": people[i]}); r.Status != 201 {
			t.Fatalf("registering resident %d: %d %s", i, r.Status, r.Body)
		}
	}

	t.Run("poster", func(t *testing.T) {
		poster := tab(t)
		path := "/print/week?week=" + week.String()
		open(t, poster, srv, path)
		checkOnPhone(t, poster, path)
		if n := eval[int](t, poster, `document.querySelectorAll('.poster-item svg.qr-code[role="img"]').length`); n != 20 {
			t.Errorf("%d activities with a QR code on the poster, want 20", n)
		}
		pdf := printPDF(t, poster, path)
		pages := pdfText(t, pdf, path)
		if len(pages) != 1 {
			t.Errorf("the poster of twenty prints on %d pages, want 1", len(pages))
		}
		for _, want := range []string{"顾里小站", "本周活动", "重阳节敬老活动", "电影放映：《我和我的祖国》", "不限名额"} {
			if !strings.Contains(pages[0], want) {
				t.Errorf("the printed poster does not say %q:\n%s", want, pages[0])
			}
		}
		printedAs(t, poster, "print-week")
		inElderMode(t, poster, srv, []string{path})
		if n := len(pdfText(t, printPDF(t, poster, path), path)); n != 1 {
			t.Errorf("in elder mode the poster prints on %d pages, want 1", n)
		}
		// The timetable offers it.
		open(t, poster, srv, "/activities?from="+monday.Format("2006-01-02"))
		if path, code := submit(t, poster, `a[href="/print/week?week=`+week.String()+`"]`); path != "/print/week?week="+week.String() || code != 200 {
			t.Errorf("the timetable's link to the poster: %s %d", path, code)
		}
	})

	t.Run("sign-in sheet", func(t *testing.T) {
		desk := tab(t)
		login(t, desk, srv, testserver.StaffPhone)
		open(t, desk, srv, "/desk/activities/"+class)
		sheet := "/desk/activities/" + class + "/sign-in-sheet"
		if path, code := submit(t, desk, `a[href="`+sheet+`"]`); path != sheet || code != 200 {
			t.Fatalf("the roster's link to the sheet: %s %d", path, code)
		}
		checkOnPhone(t, desk, sheet)
		if n := eval[int](t, desk, `document.querySelectorAll('.sheet-table tbody tr:not(.part)').length`); n != 50 {
			t.Errorf("%d rows on the sheet, want 45 people and 5 empty", n)
		}
		printMedia(t, desk, true)
		if got := eval[string](t, desk, `getComputedStyle(document.querySelector('.sheet-table tbody tr')).breakInside`); got != "avoid" {
			t.Errorf("printed, a row breaks %q", got)
		}
		printMedia(t, desk, false)
		pages := pdfText(t, printPDF(t, desk, sheet), sheet)
		if len(pages) < 2 {
			t.Fatalf("45 people print on %d page", len(pages))
		}
		// Every row is on one page whole: its number and its name on the
		// same page, the numbers running on from page to page, and the
		// heads of the columns on each.
		onPage := map[int]int{}
		last := 0
		for p, text := range pages {
			lines := strings.Split(text, "\n")
			if !strings.Contains(text, "签名") || !strings.Contains(text, "姓名") {
				t.Errorf("page %d has no heads of the columns", p+1)
			}
			for i, line := range lines {
				n, err := strconv.Atoi(strings.TrimSpace(line))
				if err != nil || n < 1 || n > 50 || i+1 >= len(lines) {
					continue
				}
				if _, dup := onPage[n]; dup {
					continue // a number in the title or the facts, counted once
				}
				if n != last+1 {
					continue
				}
				onPage[n], last = p, n
				if name := fmt.Sprintf("居民%02d", n); n <= 45 && !strings.HasPrefix(strings.TrimSpace(lines[i+1]), name) {
					t.Errorf("row %d on page %d: %q follows its number, want %s", n, p+1, lines[i+1], name)
				}
			}
		}
		if last != 50 {
			t.Errorf("the rows run to %d, want 50, on %d pages", last, len(pages))
		}
		if !strings.Contains(pages[0], "重阳节敬老活动 签到表") || !strings.Contains(strings.Join(pages, ""), "候补名单") {
			t.Errorf("the sheet's title or its waitlist is not in the PDF:\n%s", pages[0])
		}
		printedAs(t, desk, "print-sign-in-sheet")
		inElderMode(t, desk, srv, []string{sheet})
	})

	// The class took place: 30 of its people came, and three who had not
	// signed up; a neighbour posted a highlight of it with a photo.
	ahead.Store(int64(sunday.Sub(time.Now()) + time.Hour))
	for _, who := range people[:30] {
		if r := srv.Do(t, "POST", "/api/v1/activities/"+class+"/attendance", staff, map[string]any{"user_id": who}); r.Status != 201 {
			t.Fatalf("check-in: %d %s", r.Status, r.Body)
		}
	}
	for i := range 3 {
		r := srv.Do(t, "POST", "/api/v1/users", staff, map[string]any{"name": fmt.Sprintf("临时来的%d", i+1), "area_id": srv.Station.Areas[0].ID.String()})
		if r := srv.Do(t, "POST", "/api/v1/activities/"+class+"/attendance", staff, map[string]any{"user_id": r.JSON(t)["id"].(string)}); r.Status != 201 {
			t.Fatalf("a walk-in's check-in: %d %s", r.Status, r.Body)
		}
	}
	resident := srv.Login(t, testserver.ResidentPhone, testserver.Password)
	up := srv.Send(t, testserver.Request{Method: "POST", Path: "/api/v1/photos?station_id=" + st, Token: resident, Body: pngOf(t, 320, 240),
		Header: map[string]string{"Content-Type": "image/png"}})
	if up.Status != 201 {
		t.Fatalf("upload: %d %s", up.Status, up.Body)
	}
	if r := srv.Do(t, "POST", "/api/v1/posts", resident, map[string]any{"station_id": st, "kind": "highlight", "title": "敬老活动的合影",
		"body": "", "photo_ids": []string{up.JSON(t)["id"].(string)}, "activity_id": class}); r.Status != 201 {
		t.Fatalf("the highlight: %d %s", r.Status, r.Body)
	}
	record := "/desk/activities/" + class + "/record"

	t.Run("record", func(t *testing.T) {
		desk := tab(t)
		login(t, desk, srv, testserver.StaffPhone)
		open(t, desk, srv, "/desk/activities/"+class)
		if path, code := submit(t, desk, `a[href="`+record+`"]`); path != record || code != 200 {
			t.Fatalf("the roster's link to the record: %s %d", path, code)
		}
		checkOnPhone(t, desk, record)
		if got := text(t, desk, `.record-table tr:nth-child(6) td`); got != "报名 40 人（另有候补 5 人），到场签到 33 人，其中临时参加 3 人" {
			t.Errorf("the record counts %q", got)
		}
		summary := "一、活动内容：重阳节当天，社工和志愿者为社区老人准备了茶点和节目。\n二、活动效果：老人们很开心，希望每年都办。"
		fill(t, desk, [][2]string{{"#f-summary", summary}})
		if path, code := submit(t, desk, `form[action="`+record+`"] button[type="submit"]`); path != record+"?notice=record_saved" || code != 200 {
			t.Fatalf("saving the record: %s %d", path, code)
		}
		if got := text(t, desk, `.record .summary-text`); got != summary {
			t.Errorf("the saved summary reads %q", got)
		}
		if !photoShown(t, desk, `.record-photos img`, "重阳节敬老活动 的活动照片 1") {
			t.Error("the neighbour's photo is not on the record")
		}
		pages := pdfText(t, printPDF(t, desk, record), record)
		if len(pages) != 1 {
			t.Errorf("the record prints on %d pages, want 1", len(pages))
		}
		for _, want := range []string{"活动记录", "重阳节敬老活动", "一、活动内容：重阳节当天", "活动照片", "记录人："} {
			if !strings.Contains(pages[0], want) {
				t.Errorf("the printed record does not say %q:\n%s", want, pages[0])
			}
		}
		printedAs(t, desk, "print-record")
		inElderMode(t, desk, srv, []string{record})
		if n := len(pdfText(t, printPDF(t, desk, record), record)); n != 1 {
			t.Errorf("in elder mode the record prints on %d pages, want 1", n)
		}
	})

	t.Run("ledger", func(t *testing.T) {
		desk := tab(t)
		login(t, desk, srv, testserver.StaffPhone)
		// A second record, of the calligraphy class, through its form.
		second := "/desk/activities/" + ids[1] + "/record"
		open(t, desk, srv, second)
		fill(t, desk, [][2]string{{"#f-summary", "谢老师讲解楷书的基本笔画，居民逐字练习。"}})
		if path, _ := submit(t, desk, `form[action="`+second+`"] button[type="submit"]`); path != second+"?notice=record_saved" {
			t.Fatalf("saving the second record: %s", path)
		}
		open(t, desk, srv, "/desk")
		if path, code := submit(t, desk, `a[href="/desk/ledger"]`); path != "/desk/ledger" || code != 200 {
			t.Fatalf("the desk's link to the ledger: %s %d", path, code)
		}
		ledger := "/desk/ledger?month=" + guli.MonthOf(monday.AddDate(0, 0, 2)).String()
		open(t, desk, srv, ledger)
		checkOnPhone(t, desk, ledger)
		if n := eval[int](t, desk, `document.querySelectorAll('.ledger-contents tbody tr').length`); n != 2 {
			t.Errorf("%d records in the contents, want 2", n)
		}
		pages := pdfText(t, printPDF(t, desk, ledger), ledger)
		if len(pages) != 3 {
			t.Errorf("the ledger of two records prints on %d pages, want its contents and a page each", len(pages))
		}
		if len(pages) == 3 {
			for i, want := range []string{"活动台账", "重阳节敬老活动", "书法班：楷书入门"} {
				if !strings.Contains(pages[i], want) {
					t.Errorf("page %d of the ledger does not say %q:\n%s", i+1, want, pages[i])
				}
			}
		}
		printedAs(t, desk, "print-ledger")
		inElderMode(t, desk, srv, []string{ledger})
	})
}

// pdfText reads the text of each page of a printed PDF, A4 pages only.
func pdfText(t *testing.T, pdf []byte, what string) []string {
	t.Helper()
	pages, err := browsertest.PDFPages(pdf)
	if err != nil {
		t.Fatalf("reading the PDF of %s: %v", what, err)
	}
	sizes, err := browsertest.PDFPageSizes(pdf)
	if err != nil {
		t.Fatalf("reading the PDF of %s: %v", what, err)
	}
	for i, s := range sizes {
		if s[0] < 594 || s[0] > 597 || s[1] < 841 || s[1] > 843 {
			t.Errorf("%s: page %d is %.0f × %.0f pt, not A4", what, i+1, s[0], s[1])
		}
	}
	if os.Getenv("GULI_PDFS") != "" {
		os.WriteFile(filepath.Join(os.Getenv("GULI_PDFS"), regexp.MustCompile(`[^a-z0-9]+`).ReplaceAllString(what, "-")+".pdf"), pdf, 0o644)
	}
	return pages
}

// printedAs draws the page in the tab as it prints, on a screen as wide
// as A4 (794 px at 96 dpi), for the README (see screenshot).
func printedAs(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("GULI_SCREENSHOTS")
	if dir == "" {
		return
	}
	printMedia(t, ctx, true)
	// The page's margins, 10 mm, which the screen has not.
	do(t, ctx, "an A4 screen", chromedp.EmulateViewport(794, 1123), chromedp.Evaluate[chromedp.Void](`document.body.style.padding = '38px'`))
	png := get(t, ctx, "screenshot "+name, chromedp.CaptureScreenshot())
	do(t, ctx, "the phone's screen again", chromedp.Evaluate[chromedp.Void](`document.body.style.padding = ''`),
		chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulatePortrait))
	printMedia(t, ctx, false)
	if !bytes.HasPrefix(png, []byte("\x89PNG")) {
		t.Fatalf("screenshot %s is no PNG", name)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}
