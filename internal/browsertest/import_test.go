package browsertest_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"guli/i18n"
	"guli/internal/dbtest"
	"guli/internal/testserver"
)

// TestImportPageInTheBrowser: staff upload a committee's roster with the
// page's form (no script needed), read its problems in a table, upload
// the fixed roster and import it with the one confirm button. Every step
// passes axe at a phone's width, in normal and elder mode, and none is
// wider than the phone.
func TestImportPageInTheBrowser(t *testing.T) {
	cat := i18n.MustLoad()
	desk := tab(t)
	srv := testserver.New(t, dbtest.Engines(t)[0])
	area := srv.Station.Areas[0].Name
	dir := t.TempDir()
	write := func(name string, lines ...string) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("\uFEFF"+strings.Join(lines, "\r\n")+"\r\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	bad := write("花名册.csv", "姓名,手机号,出生年份,小区,备注",
		"钱秀英,13944440001,1948,"+area+",独居老人，需要每周探访一次，家住三号楼二单元",
		"孙桂兰,1394444,2999,火星小区,", "周玉兰,13944440001,,"+area+",")
	good := write("花名册-改好.csv", "姓名,手机号,出生年份,小区", "钱秀英,13944440001,1948,"+area, "孙桂兰,13944440002,1950,"+area)

	login(t, desk, srv, testserver.StaffPhone)
	open(t, desk, srv, "/desk/import")
	checkOnPhone(t, desk, "/desk/import")

	do(t, desk, "choose the roster with problems", chromedp.SetUploadFiles(chromedp.CSS(`#f-file`), []string{bad}))
	if path, code := submit(t, desk, `form[action="/desk/import"] button[type="submit"]`); path != "/desk/import" || code != 422 {
		t.Fatalf("checking the roster: landed on %s with %d", path, code)
	}
	if n := eval[int](t, desk, `document.querySelectorAll('table.problems tbody tr').length`); n != 4 {
		t.Errorf("the problems table has %d rows, want 4", n)
	}
	if got := text(t, desk, `.alert`); got != cat.T(i18n.Chinese, "import.fix_first") {
		t.Errorf("the report says %q", got)
	}
	if eval[int](t, desk, `document.querySelectorAll('form[action="/desk/import/confirm"]').length`) != 0 {
		t.Error("a roster with problems offers to import it")
	}
	checkOnPhone(t, desk, "/desk/import with problems")

	do(t, desk, "choose the fixed roster", chromedp.SetUploadFiles(chromedp.CSS(`#f-file`), []string{good}))
	if path, code := submit(t, desk, `form[action="/desk/import"] button[type="submit"]`); path != "/desk/import" || code != 200 {
		t.Fatalf("checking the fixed roster: landed on %s with %d", path, code)
	}
	checkOnPhone(t, desk, "/desk/import, ready")
	if got := text(t, desk, `form[action="/desk/import/confirm"] button`); got != cat.T(i18n.Chinese, "import.confirm", 2) {
		t.Errorf("the confirm button says %q", got)
	}
	if path, code := submit(t, desk, `form[action="/desk/import/confirm"] button`); path != "/desk/import/confirm" || code != 200 {
		t.Fatalf("importing: landed on %s with %d", path, code)
	}
	if got := text(t, desk, `#report .notice`); got != cat.T(i18n.Chinese, "import.done") {
		t.Errorf("after the import the page says %q", got)
	}
	checkOnPhone(t, desk, "/desk/import/confirm")
	personID(t, srv, "孙桂兰")

	inElderMode(t, desk, srv, []string{"/desk/import"})
}
