package sqlstore_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"guli"
	"guli/internal/dbtest"
	"guli/sqlstore"
)

// TestMarksAndCallLists: marks are the station's staff's to set and to
// read; an alert is told to the station's residents, its call list names
// those who have not opened it in the domain's order, opening it writes
// once, and ticks are kept, refused for anyone not told.
func TestMarksAndCallLists(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		f := newFixture(t, e)
		ctx := context.Background()
		marks, calls, posts := sqlstore.NewMarks(f.db), sqlstore.NewCalls(f.db), sqlstore.NewPosts(f.db)
		notes := sqlstore.NewNotifications(f.db)
		staff := f.staff(t, "社工小顾", "13911119000")
		_, elsewhere := f.otherStation(t, "13911119001")
		resident := func(name, phone string, area int) *guli.User {
			t.Helper()
			u, err := f.accounts.CreateUser(as(staff), guli.NewUserInput{Name: name, Phone: phone, AreaID: f.areas[area].ID})
			if err != nil {
				t.Fatal(err)
			}
			return u
		}
		// Given in no order: two areas, marks of each kind.
		people := []*guli.User{
			resident("王建国", "13911119010", 0),
			resident("程秀英", "13911119011", 1),
			resident("李桂兰", "13911119012", 0),
			resident("张阿婆", "", 1),
			resident("陈伯伯", "13911119014", 1),
			resident("孙巧云", "13911119015", 0),
		}
		reader := f.register(t, "看过的居民", "13911119016")
		set := func(actor *guli.User, who *guli.User, kind string, on bool) error {
			return marks.SetMark(as(actor), guli.MarkInput{StationID: f.station.ID, UserID: who.ID, Kind: kind, On: on})
		}
		for _, m := range []struct {
			who  *guli.User
			kind string
		}{{people[2], guli.MarkLivesAlone}, {people[3], guli.MarkNoSmartphone}, {people[3], guli.MarkNeedsVisits}, {people[1], guli.MarkNeedsVisits},
			{people[4], guli.MarkLivesAlone}} {
			if err := set(staff, m.who, m.kind, true); err != nil {
				t.Fatal(err)
			}
		}
		if err := set(staff, people[4], guli.MarkLivesAlone, false); err != nil { // moved in with family
			t.Fatal(err)
		}
		for _, tt := range []struct {
			name  string
			actor *guli.User
			who   *guli.User
			want  string
		}{
			{"a resident", reader, people[0], guli.ECForbidden},
			{"staff of another station", elsewhere, people[0], guli.ECNotFound},
			{"staff, on someone of no station of theirs", staff, &guli.User{ID: elsewhere.ID}, guli.ECNotFound},
		} {
			if err := set(tt.actor, tt.who, guli.MarkLivesAlone, true); code(err) != tt.want {
				t.Errorf("%s marks: %v, want %s", tt.name, err, tt.want)
			}
		}
		ids := []guli.ID{people[1].ID, people[3].ID, people[4].ID}
		got, err := marks.Marks(as(staff), f.station.ID, ids)
		if err != nil || !slices.Equal(got[people[3].ID], []string{guli.MarkNoSmartphone, guli.MarkNeedsVisits}) ||
			!slices.Equal(got[people[1].ID], []string{guli.MarkNeedsVisits}) || got[people[4].ID] != nil {
			t.Errorf("the station's marks: %v %v", got, err)
		}
		for _, who := range []*guli.User{reader, elsewhere} {
			if got, err := marks.Marks(as(who), f.station.ID, ids); err != nil || len(got) != 0 {
				t.Errorf("marks as %s reads them: %v %v", who.Name, got, err)
			}
		}

		alert, err := posts.CreatePost(as(staff), guli.PostInput{StationID: f.station.ID, Kind: guli.PostSafetyAlert, Title: "燃气安全", Body: "关好阀门"})
		if err != nil {
			t.Fatal(err)
		}
		target := guli.CallTarget{Kind: guli.CallsOfPost, ID: alert.ID}

		// Opening it: a read while nothing is unread, one write when it is.
		version := f.db.DataVersion(ctx)
		if err := notes.MarkOpened(as(staff), guli.CallTarget{Kind: guli.CallsOfPost, ID: alert.ID + 1000}); err != nil || f.db.DataVersion(ctx) != version {
			t.Errorf("opening a post one was never told of moved the data version: %v", err)
		}
		if err := notes.MarkOpened(as(reader), target); err != nil || f.db.DataVersion(ctx) == version {
			t.Errorf("opening the alert did not write: %v", err)
		}
		version = f.db.DataVersion(ctx)
		if err := notes.MarkOpened(as(reader), target); err != nil || f.db.DataVersion(ctx) != version {
			t.Errorf("opening it again wrote: %v", err)
		}

		l, err := calls.CallList(as(staff), target, 30*time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		var order []string
		for _, e := range l.Entries {
			order = append(order, e.Name)
		}
		// 张阿婆 and 李桂兰 first (no smartphone, alone), 程秀英 (needs
		// visits), then the rest by area and name; the staff member lives
		// nowhere and the reader opened it.
		want := []string{"张阿婆", "李桂兰", "程秀英"}
		if len(order) < 3 || !slices.Equal(order[:3], want) || slices.Contains(order, "看过的居民") {
			t.Errorf("the list's order: %v, want it to begin %v and leave out the reader", order, want)
		}
		sorted := slices.Clone(l.Entries)
		guli.SortCalls(sorted)
		if !slices.Equal(sorted, l.Entries) {
			t.Errorf("the list is not in the domain's order: %v", order)
		}
		if l.Told != len(l.Entries)+1 || l.Opened != 1 || l.Listed != len(l.Entries) || l.Delay != 30*time.Minute || l.Title != "燃气安全" {
			t.Errorf("the list's counts: told %d, opened %d, listed %d of %d entries", l.Told, l.Opened, l.Listed, len(l.Entries))
		}
		if l.Entries[0].Phone != "" || l.Entries[1].Phone != "13911119012" {
			t.Errorf("phones on the list: %q %q", l.Entries[0].Phone, l.Entries[1].Phone)
		}
		for _, tt := range []struct {
			name  string
			actor *guli.User
			t     guli.CallTarget
			want  string
		}{
			{"a resident", reader, target, guli.ECNotFound},
			{"staff of another station", elsewhere, target, guli.ECNotFound},
			{"no such post", staff, guli.CallTarget{Kind: guli.CallsOfPost, ID: alert.ID + 1000}, guli.ECNotFound},
			{"an activity that is no post", staff, guli.CallTarget{Kind: "meeting", ID: alert.ID}, guli.ECValidation},
		} {
			if _, err := calls.CallList(as(tt.actor), tt.t, guli.DefaultCallDelay); code(err) != tt.want {
				t.Errorf("the list, %s: %v, want %s", tt.name, err, tt.want)
			}
		}

		// Ticks.
		if _, err := calls.Tick(as(staff), target, people[2].ID, guli.CallInput{Outcome: guli.CallNotReached}); err != nil {
			t.Fatal(err)
		}
		if _, err := calls.Tick(as(staff), target, people[2].ID, guli.CallInput{Outcome: guli.CallVisited, Note: " 邻居陪着 "}); err != nil {
			t.Fatal(err)
		}
		for _, tt := range []struct {
			name  string
			actor *guli.User
			who   guli.ID
			in    guli.CallInput
			want  string
		}{
			{"someone never told", staff, elsewhere.ID, guli.CallInput{Outcome: guli.CallCalled}, guli.ECNotFound},
			{"by a resident", reader, people[0].ID, guli.CallInput{Outcome: guli.CallCalled}, guli.ECNotFound},
			{"by staff of another station", elsewhere, people[0].ID, guli.CallInput{Outcome: guli.CallCalled}, guli.ECNotFound},
			{"an outcome of no button", staff, people[0].ID, guli.CallInput{Outcome: "emailed"}, guli.ECValidation},
		} {
			if _, err := calls.Tick(as(tt.actor), target, tt.who, tt.in); code(err) != tt.want {
				t.Errorf("a tick %s: %v, want %s", tt.name, err, tt.want)
			}
		}
		l, err = calls.CallList(as(staff), target, guli.DefaultCallDelay)
		if err != nil {
			t.Fatal(err)
		}
		ticked := l.Entries[1]
		if ticked.UserID != people[2].ID || ticked.Outcome != guli.CallVisited || ticked.Note != "邻居陪着" || ticked.Ticks != 2 || ticked.TickedBy != "社工小顾" ||
			l.Reached != 1 || l.Ticked != 1 {
			t.Errorf("after two ticks: %+v, reached %d, ticked %d", ticked, l.Reached, l.Ticked)
		}

		// Closing an account takes its marks and its ticks' notes.
		if _, err := sqlstore.NewDataRights(f.db).CloseAccount(as(staff), guli.CloseInput{UserID: people[2].ID}); err != nil {
			t.Fatal(err)
		}
		if got, _ := marks.Marks(as(staff), f.station.ID, []guli.ID{people[2].ID}); len(got) != 0 {
			t.Errorf("a closed account's marks: %v", got)
		}
		rows, err := sqlstore.Dump(ctx, f.db, "call_ticks")
		if err != nil || len(rows) != 2 {
			t.Fatalf("ticks after the closure: %v %v", rows, err)
		}
		for _, r := range rows {
			if slices.Contains(r, "邻居陪着") {
				t.Errorf("a closed account's tick keeps its note: %v", r)
			}
		}
		if err := set(staff, people[2], guli.MarkLivesAlone, true); code(err) != guli.ECAccountClosed {
			t.Errorf("a mark on a closed account: %v", err)
		}
	})
}
