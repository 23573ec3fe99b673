package browsertest_test

import (
	"net/url"
	"strings"
	"testing"

	"guli/internal/dbtest"
	"guli/internal/testserver"
)

// TestTheDeskConfirmsALinkInTheBrowser: 陈美娣 comes to the desk to say
// yes to her son's request (the demo's, waiting); staff find her and
// confirm it with one button, and her row then says the link is active.
// The page passes axe at a phone's width, in normal and elder mode.
func TestTheDeskConfirmsALinkInTheBrowser(t *testing.T) {
	desk := tab(t)
	srv := testserver.New(t, dbtest.Engines(t)[0])
	her := personID(t, srv, "陈美娣")
	login(t, desk, srv, testserver.StaffPhone)
	residents := "/desk/residents?q=" + url.QueryEscape("陈美娣")
	open(t, desk, srv, residents)
	row := `#resident-` + her
	if got := text(t, desk, row+` .desk-family li`); !strings.Contains(got, "陈志强可以代其办事") || !strings.Contains(got, "等待对方同意") {
		t.Errorf("her family reads %q", got)
	}
	checkOnPhone(t, desk, residents)
	path, code := submit(t, desk, row+` form[action$="/accept"] button`)
	if code != 200 || path != residents+"&notice=link_accepted" {
		t.Fatalf("confirming: landed on %s with %d", path, code)
	}
	if got := text(t, desk, row+` .desk-family li`); !strings.Contains(got, "已关联") {
		t.Errorf("her family after confirming reads %q", got)
	}
	checkOnPhone(t, desk, residents+", confirmed")
	inElderMode(t, desk, srv, []string{residents})
}
