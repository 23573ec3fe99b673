package web_test

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"guli/internal/dbtest"
	"guli/internal/testserver"
)

// rosterForm is a multipart form with a roster as "file" and fields.
func rosterForm(t testing.TB, fields map[string]string, name string, data []byte) (string, map[string]string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	mw.Close()
	return buf.String(), map[string]string{"Content-Type": mw.FormDataContentType()}
}

// rosterCSV is a CSV roster of lines, UTF-8 with the BOM Excel writes.
func rosterCSV(lines ...string) []byte {
	return []byte("\uFEFF" + strings.Join(lines, "\r\n") + "\r\n")
}

// rosterXLSX is a workbook of rows, the first sheet's.
func rosterXLSX(t testing.TB, rows ...[]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// importRoster sends a roster to the station's import, dry or not.
func importRoster(t testing.TB, srv *testserver.Server, token, station string, dry bool, name string, data []byte) *testserver.Response {
	t.Helper()
	body, header := rosterForm(t, map[string]string{"dry_run": fmt.Sprint(dry)}, name, data)
	return srv.Send(t, testserver.Request{Method: "POST", Path: "/api/v1/stations/" + station + "/imports", Token: token, Body: body, Header: header})
}

// wantReport checks a report's counts: rows, new, existing, problems.
func wantReport(t testing.TB, r *testserver.Response, status int, imported bool, counts ...float64) map[string]any {
	t.Helper()
	if r.Status != status {
		t.Fatalf("import: %d, want %d: %.600s", r.Status, status, r.Body)
	}
	rep := r.JSON(t)
	got := []float64{rep["rows"].(float64), rep["new"].(float64), rep["existing"].(float64), rep["problem_count"].(float64)}
	if fmt.Sprint(got) != fmt.Sprint(counts) || rep["imported"] != imported {
		t.Fatalf("report rows/new/existing/problems %v imported %v, want %v %v: %.800s", got, rep["imported"], counts, imported, r.Body)
	}
	return rep
}

func TestARosterWithBadRowsImportsNothingUntilFixed(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		srv := testserver.New(t, e)
		staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
		resident := srv.Login(t, testserver.ResidentPhone, testserver.Password)
		me := srv.Do(t, "GET", "/api/v1/me", resident, nil).JSON(t)
		st := srv.Station.ID.String()
		area := srv.Station.Areas[1]

		// As Chinese Excel saves a CSV: GB18030, a title above the header,
		// the columns in its own order, and a column the import does not read.
		bad := strings.Join([]string{
			"菊泉街道居民花名册",
			"序号,手机号,姓名,出生日期,小区,紧急联系人,紧急联系电话",
			"1,139 0000 0001,钱秀英,1948-03-02," + area.Committee + ",钱伟,13900000091",
			"2,1390000,孙桂兰,1950," + area.Name + ",,",
			"3,13900000003,周玉兰,2999,火星小区,,",
			"4,13900000001,吴建国,1952," + area.Name + ",,",
			"5," + testserver.StaffPhone + ",另一个人,1960," + area.Name + ",,",
			"6," + testserver.ResidentPhone[:3] + "-" + testserver.ResidentPhone[3:] + "," + me["name"].(string) + ",," + area.Name + ",,",
		}, "\r\n")
		gb, err := simplifiedchinese.GB18030.NewEncoder().String(bad)
		if err != nil {
			t.Fatal(err)
		}
		rep := wantReport(t, importRoster(t, srv, staff, st, true, "花名册.csv", []byte(gb)), 200, false, 6, 1, 1, 5)
		wantProblems(t, rep, "4 phone invalid_phone", "5 birth out_of_range", "5 area unknown_area", "6 phone phone_repeated", "7 phone phone_taken")
		if ignored := fmt.Sprint(rep["ignored_columns"]); ignored != "[序号]" {
			t.Errorf("ignored columns: %s", ignored)
		}
		// The real import checks again and writes nothing.
		wantReport(t, importRoster(t, srv, staff, st, false, "花名册.csv", []byte(gb)), 422, false, 6, 1, 1, 5)
		r := srv.Send(t, testserver.Request{Method: "POST", Path: "/api/v1/auth/reset", Body: map[string]any{"phone": "13900000001", "code": "000000", "new_password": "a-new-password"}})
		if r.Status < 400 {
			t.Fatalf("a row of a refused roster has an account: %d %s", r.Status, r.Body)
		}

		// Fixed, as a workbook: the same rows import at once, dates and
		// phone numbers as Excel stores them (numbers), the first time only.
		fixed := rosterXLSX(t,
			[]any{"姓名", "手机号", "出生日期", "小区", "紧急联系人", "紧急联系电话", "备注"},
			[]any{"钱秀英", 13900000001, 17594, area.Committee, "钱伟", "13900000091", "独居"},
			[]any{"孙桂兰", "13900000002", 1950, area.Name},
			[]any{"周玉兰", "13900000003", "1949年5月", area.Name},
			[]any{"吴建国", "13900000004", nil, area.Name},
			[]any{me["name"], testserver.ResidentPhone, nil, area.Name},
		)
		wantReport(t, importRoster(t, srv, staff, st, true, "花名册.xlsx", fixed), 200, false, 5, 4, 1, 0)
		wantReport(t, importRoster(t, srv, staff, st, false, "花名册.xlsx", fixed), 200, true, 5, 4, 1, 0)
		wantReport(t, importRoster(t, srv, staff, st, false, "花名册.xlsx", fixed), 200, true, 5, 0, 5, 0)

		// An imported resident has no password until the desk gives a code.
		if r := srv.Send(t, testserver.Request{Method: "POST", Path: "/api/v1/auth/login", Body: map[string]any{"phone": "13900000001", "password": ""}}); r.Status < 400 {
			t.Fatalf("signing in without a password: %d", r.Status)
		}
		found := items(t, srv.Do(t, "GET", "/api/v1/users?q=钱秀英", staff, nil))
		if len(found) != 1 || found[0]["birth_year"] != 1948.0 {
			t.Fatalf("the imported resident: %v", found)
		}
		code := srv.Do(t, "POST", "/api/v1/users/"+found[0]["id"].(string)+"/password-reset", staff, nil)
		if code.Status != 201 {
			t.Fatalf("reset code: %d %s", code.Status, code.Body)
		}
		r = srv.Do(t, "POST", "/api/v1/auth/reset", "", map[string]any{"phone": "13900000001", "code": code.JSON(t)["code"], "new_password": "秀英的新密码1948"})
		if r.Status != 204 && r.Status != 200 {
			t.Fatalf("reset: %d %s", r.Status, r.Body)
		}
		srv.Login(t, "13900000001", "秀英的新密码1948")

		// One audit entry for each import, by the staff member, with counts.
		admin := srv.Login(t, testserver.AdminPhone, testserver.Password)
		var entries []string
		for _, a := range items(t, srv.Do(t, "GET", "/api/v1/audit?limit=100", admin, nil)) {
			if a["action"] == "user.import" {
				entries = append(entries, fmt.Sprint(a["detail"]))
			}
		}
		if want := fmt.Sprintf("[station %s: 5 rows, 0 created, 5 already there station %s: 5 rows, 4 created, 1 already there]", st, st); fmt.Sprint(entries) != want {
			t.Errorf("audit entries %v, want %s", entries, want)
		}
	})
}

// wantProblems checks a report's problems as "row column reason".
func wantProblems(t testing.TB, rep map[string]any, want ...string) {
	t.Helper()
	var got []string
	for _, p := range rep["problems"].([]any) {
		p := p.(map[string]any)
		got = append(got, fmt.Sprintf("%v %v %v", p["row"], p["column"], p["reason"]))
		if p["message"] == "" {
			t.Errorf("a problem without words: %v", p)
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("problems %q, want %q", got, want)
	}
}

func TestTwoImportsOfOneRosterAtOnceCreateEachPersonOnce(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		srv := testserver.New(t, e)
		staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
		lines := []string{"姓名,手机号,小区"}
		for i := range 300 {
			lines = append(lines, fmt.Sprintf("居民%d,1370000%04d,%s", i, i, srv.Station.Areas[0].Name))
		}
		file := rosterCSV(lines...)
		var wg sync.WaitGroup
		reports := make([]map[string]any, 4)
		for i := range reports {
			wg.Go(func() {
				r := importRoster(t, srv, staff, srv.Station.ID.String(), false, "名单.csv", file)
				if r.Status != 200 {
					t.Errorf("import %d: %d %s", i, r.Status, r.Body)
					return
				}
				reports[i] = r.JSON(t)
			})
		}
		wg.Wait()
		created := 0.0
		for _, rep := range reports {
			if rep == nil {
				t.FailNow()
			}
			if n, seen := rep["new"].(float64), rep["existing"].(float64); n+seen != 300 || n != 0 && n != 300 {
				t.Errorf("one import made %v and found %v: every row should be one or the other, all together", n, seen)
			}
			created += rep["new"].(float64)
		}
		if created != 300 {
			t.Errorf("four imports at once created %v people, want 300", created)
		}
	})
}

func TestHostileRostersAreRefusedOrReadAsText(t *testing.T) {
	srv := testserver.New(t, dbtest.Engines(t)[0])
	staff := srv.Login(t, testserver.StaffPhone, testserver.Password)
	st := srv.Station.ID.String()
	area := srv.Station.Areas[0].Name

	t.Run("cells", func(t *testing.T) {
		tests := []struct {
			name string
			file []byte
			want []string
		}{
			{"a NUL byte", rosterCSV("姓名,手机号,小区", "钱\x00阿姨,13966660001,"+area), []string{"2 name invalid_text"}},
			{"bytes no encoding reads", append(rosterCSV("姓名,手机号,小区"), []byte("\xff\xfe\xff,13966660002,"+area+"\r\n")...), []string{"2 name invalid_text"}},
			{"a formula", rosterCSV("姓名,手机号,小区", "=cmd|' /C calc'!A0,13966660003,"+area, "\"@SUM(1+1)*cmd|' /C calc'!A0\",13966660004,"+area),
				[]string{"2 name not_a_name", "3 name not_a_name"}},
			{"a workbook's formula, never computed", func() []byte {
				f := excelize.NewFile()
				defer f.Close()
				f.SetSheetRow("Sheet1", "A1", &[]any{"姓名", "手机号", "小区"})
				f.SetSheetRow("Sheet1", "A2", &[]any{nil, "13966660005", area})
				f.SetCellFormula("Sheet1", "A2", `WEBSERVICE("http://127.0.0.1:9/x")`)
				var buf bytes.Buffer
				f.Write(&buf)
				return buf.Bytes()
			}(), []string{"2 name required"}},
		}
		for _, tt := range tests {
			r := importRoster(t, srv, staff, st, true, "名单.csv", tt.file)
			if r.Status != 200 {
				t.Errorf("%s: %d %s", tt.name, r.Status, r.Body)
				continue
			}
			wantProblems(t, r.JSON(t), tt.want...)
		}
	})

	t.Run("files", func(t *testing.T) {
		emptyRows := append(rosterCSV("姓名,手机号,小区", "钱阿姨,13966660010,"+area), bytes.Repeat([]byte(",,\r\n"), 1_000_000)...)
		farRow := func() []byte {
			f := excelize.NewFile()
			defer f.Close()
			f.SetSheetRow("Sheet1", "A1", &[]any{"姓名", "手机号", "小区"})
			f.SetSheetRow("Sheet1", "A2", &[]any{"钱阿姨", "13966660011", area})
			f.SetCellStr("Sheet1", "A1048576", "")
			f.SetCellStr("Sheet1", "XFD1048576", " ")
			var buf bytes.Buffer
			f.Write(&buf)
			return buf.Bytes()
		}()
		tooMany := []string{"姓名,手机号,小区"}
		for i := range 200_001 {
			tooMany = append(tooMany, fmt.Sprintf("居民,1%010d,%s", i, area))
		}
		tests := []struct {
			name   string
			file   []byte
			status int
			field  string // the report's rows, or the error's field reason
		}{
			{"a million empty rows", emptyRows, 200, "1"},
			{"a workbook's row a million down", farRow, 200, "1"},
			{"a zip bomb named .xlsx", zipBomb(t), 422, "workbook_too_large"},
			{"a broken workbook", []byte("PK\x03\x04 not really a zip"), 422, "unreadable_file"},
			{"no header", rosterCSV("张三,13966660012", "李四,13966660013"), 422, "missing_columns"},
			{"a header and nothing", rosterCSV("姓名,手机号"), 422, "empty_roster"},
			{"nothing", []byte{}, 422, "empty_roster"},
			{"too many rows", rosterCSV(tooMany...), 422, "too_many_rows"},
		}
		for _, tt := range tests {
			r := importRoster(t, srv, staff, st, true, "名单.xlsx", tt.file)
			switch {
			case r.Status != tt.status:
				t.Errorf("%s: %d, want %d: %.300s", tt.name, r.Status, tt.status, r.Body)
			case tt.status == 200 && fmt.Sprint(r.JSON(t)["rows"]) != tt.field:
				t.Errorf("%s: %s rows, want %s", tt.name, fmt.Sprint(r.JSON(t)["rows"]), tt.field)
			case tt.status != 200 && !strings.Contains(string(r.Body), tt.field) && r.ErrorCode() != "validation_failed":
				t.Errorf("%s: %s", tt.name, r.Body)
			}
		}
	})

	t.Run("requests", func(t *testing.T) {
		good := rosterCSV("姓名,手机号,小区", "钱阿姨,13966660020,"+area)
		noFile, noFileHeader := rosterForm(t, map[string]string{"dry_run": "true"}, "", nil)
		noFile = strings.Replace(noFile, `name="file"; filename=""`, `name="other"`, 1)
		maybe, maybeHeader := rosterForm(t, map[string]string{"dry_run": "maybe"}, "名单.csv", good)
		tests := []struct {
			name, path string
			body       any
			header     map[string]string
			status     int
			code       string
		}{
			{"JSON", "/api/v1/stations/" + st + "/imports", map[string]any{"file": "x"}, nil, 422, "validation_failed"},
			{"a form without a file", "/api/v1/stations/" + st + "/imports", noFile, noFileHeader, 422, "validation_failed"},
			{"dry_run neither true nor false", "/api/v1/stations/" + st + "/imports", maybe, maybeHeader, 422, "validation_failed"},
			{"multipart garbage", "/api/v1/stations/" + st + "/imports", "--x\r\ngarbage\xff\x00", map[string]string{"Content-Type": "multipart/form-data; boundary=x"}, 422, "validation_failed"},
			{"no such station", "/api/v1/stations/999999/imports", maybe, maybeHeader, 404, "not_found"},
			{"a station number too large", "/api/v1/stations/99999999999999999999/imports", maybe, maybeHeader, 404, "not_found"},
			{"a negative station", "/api/v1/stations/-1/imports", maybe, maybeHeader, 404, "not_found"},
			{"%FF for a station", "/api/v1/stations/%FF/imports", maybe, maybeHeader, 400, "bad_request"},
		}
		for _, tt := range tests {
			r := srv.Send(t, testserver.Request{Method: "POST", Path: tt.path, Token: staff, Body: tt.body, Header: tt.header})
			if r.Status != tt.status || r.ErrorCode() != tt.code {
				t.Errorf("%s: %d %q, want %d %q: %.300s", tt.name, r.Status, r.ErrorCode(), tt.status, tt.code, r.Body)
			}
		}
		// 300 MB, said so up front: refused before a byte is read; and
		// a body of no stated length is cut off at the limit.
		for _, length := range []int64{300 << 20, -1} {
			head := "--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"名单.csv\"\r\n\r\n"
			req, _ := http.NewRequest("POST", srv.URL+"/api/v1/stations/"+st+"/imports", io.MultiReader(strings.NewReader(head), &endlessReader{}))
			req.ContentLength = length
			req.Header.Set("Content-Type", "multipart/form-data; boundary=x")
			req.Header.Set("Authorization", "Bearer "+staff)
			resp, err := srv.Client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 413 {
				t.Errorf("a body of %d bytes: %d, want 413", length, resp.StatusCode)
			}
		}
	})
}

// zipBomb is a workbook-looking zip whose one sheet unzips to a gigabyte.
func zipBomb(t testing.TB) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.Create("xl/worksheets/sheet1.xml")
	if err != nil {
		t.Fatal(err)
	}
	zeros := make([]byte, 1<<20)
	for range 1024 {
		w.Write(zeros)
	}
	zw.Close()
	return buf.Bytes()
}
