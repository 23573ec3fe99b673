package browsertest_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"guli"
	"guli/internal/dbtest"
	"guli/internal/testserver"
	"guli/sqlstore"
)

// TestTheSeedsHistoryInTheBrowser: a server on the seed's history (guli
// demo --like-seed) shows eight months of it on the pages people use most
// at a phone's width, in normal and elder mode, with no serious axe
// finding: 汪雅琴's time bank with the newest of her services, dated 2023;
// the desk's requests, one still open on the last day, and the roster of
// the choir's last rehearsal; 李建华's blood pressure readings.
func TestTheSeedsHistoryInTheBrowser(t *testing.T) {
	volunteer, desk, resident := tab(t), tab(t), tab(t)
	// On PostgreSQL when there is one: SQLite's engine is Go, and under
	// the race detector its fill of the history takes minutes, not seconds.
	engines := dbtest.Engines(t)
	srv := testserver.NewOnDSN(t, testserver.HistoryDSN(t, engines[len(engines)-1]))
	svc := sqlstore.NewServices(srv.DB)
	ctx := guli.NewContextWithUser(context.Background(), guli.SystemUser)

	login(t, volunteer, srv, "13800000004")
	open(t, volunteer, srv, "/timebank")
	if n := eval[int](t, volunteer, `document.querySelectorAll('ul.entries li').length`); n != 20 {
		t.Errorf("汪雅琴's time bank lists %d entries, want the newest 20", n)
	}
	she, err := svc.Accounts.User(ctx, guli.ParseID(personID(t, srv, "汪雅琴")))
	if err != nil {
		t.Fatal(err)
	}
	bank, err := svc.TimeBank.MyTimeBank(guli.NewContextWithUser(ctx, she))
	if err != nil || len(bank.Entries) == 0 || bank.Entries[0].CreatedAt.Year() != 2023 {
		t.Fatalf("汪雅琴's time bank: %+v, %v", bank, err)
	}
	newest := bank.Entries[0].CreatedAt.In(srv.Station.Location())
	if first := text(t, volunteer, `ul.entries li .meta`); !strings.Contains(first, fmt.Sprintf("%d月%d日", newest.Month(), newest.Day())) {
		t.Errorf("汪雅琴's newest entry is dated %q on the page, %s in her statement", first, newest)
	}
	checkOnPhone(t, volunteer, "/timebank")
	open(t, volunteer, srv, "/my/services")
	checkOnPhone(t, volunteer, "/my/services")
	inElderMode(t, volunteer, srv, []string{"/timebank", "/my/services"})

	waiting, choir := openRequest(t, svc, ctx), lastRehearsal(t, svc, ctx, srv.Station.ID)
	login(t, desk, srv, testserver.StaffPhone)
	for _, page := range []string{"/desk/help", "/help/" + waiting.String(), "/desk/activities/" + choir.ID.String()} {
		open(t, desk, srv, page)
		checkOnPhone(t, desk, page)
	}
	if n := eval[int](t, desk, `document.querySelectorAll('main li, main tr').length`); n < choir.ConfirmedCount {
		t.Errorf("the roster of %s lists %d rows for %d signed up", choir.Title, n, choir.ConfirmedCount)
	}
	inElderMode(t, desk, srv, []string{"/desk/help", "/desk/activities/" + choir.ID.String()})

	login(t, resident, srv, testserver.ResidentPhone)
	open(t, resident, srv, "/health")
	checkOnPhone(t, resident, "/health")
	inElderMode(t, resident, srv, []string{"/health"})
}

// openRequest is a request of the history nobody had claimed by its end.
func openRequest(t *testing.T, svc guli.Services, ctx context.Context) guli.ID {
	t.Helper()
	page, err := svc.Help.HelpRequests(ctx, guli.HelpFilter{Status: guli.HelpOpen}, guli.ListOptions{Limit: 10})
	if err != nil || len(page.Items) == 0 {
		t.Fatalf("open requests of the history: %d, %v", len(page.Items), err)
	}
	return page.Items[0].ID
}

// lastRehearsal is the choir's rehearsal on the history's last Wednesday.
func lastRehearsal(t *testing.T, svc guli.Services, ctx context.Context, station guli.ID) *guli.Activity {
	t.Helper()
	page, err := svc.Activities.Activities(ctx, guli.ActivityFilter{StationID: station, Query: "合唱",
		From: guli.Date("2023-10-11").In(guli.Zone(guli.DefaultTimezone)), To: guli.Date("2023-10-12").In(guli.Zone(guli.DefaultTimezone))},
		guli.ListOptions{Limit: 10})
	if err != nil || len(page.Items) != 1 || page.Items[0].ConfirmedCount == 0 {
		t.Fatalf("the choir's last rehearsal: %+v, %v", page.Items, err)
	}
	return page.Items[0]
}
