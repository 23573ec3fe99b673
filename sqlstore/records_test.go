package sqlstore_test

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"guli"
	"guli/internal/dbtest"
	"guli/sqlstore"
)

// TestActivityRecords: an activity's sign-in sheet lists who holds a
// place, with their area, the waitlist after; its record counts the
// places, the check-ins and the walk-ins (checked in without a live
// place), shows the photos of the visible highlights that name it, and
// keeps the summary staff save, from the version the edit began with,
// audited. Only the station's staff read and write them; the month's
// ledger holds the written records and names the activities that still
// need one.
func TestActivityRecords(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		clk := newClock()
		f := newFixtureWith(t, e, sqlstore.Options{Now: clk.Now})
		acts, recs, posts, photos := sqlstore.NewActivities(f.db), sqlstore.NewRecords(f.db), sqlstore.NewPosts(f.db), sqlstore.NewPhotos(f.db)
		staff := f.staff(t, "社工小顾", "13700006001")
		other, otherStaff := f.otherStation(t, "13700006002")
		host := f.user(t, "谢墨林", "13700006003", guli.RoleResident, guli.RoleTalent)
		var people []*guli.User
		for i := range 5 {
			people = append(people, f.register(t, fmt.Sprintf("居民%d", i), fmt.Sprintf("1370000610%d", i)))
		}
		loc := f.station.Location()
		day := time.Now().In(loc).AddDate(0, 0, 2)
		start := time.Date(day.Year(), day.Month(), day.Day(), 9, 30, 0, 0, loc)
		create := func(st guli.ID, title string, at time.Time, capacity int) *guli.Activity {
			t.Helper()
			made, err := acts.CreateActivities(system(), guli.ActivityInput{StationID: st, Title: title, Category: "class",
				Start: at, End: at.Add(90 * time.Minute), Capacity: capacity, HostID: host.ID})
			if err != nil {
				t.Fatal(err)
			}
			return made[0]
		}
		class := create(f.station.ID, "书法班", start, 2)
		unwritten := create(f.station.ID, "太极拳", start.Add(-24*time.Hour), 0)
		cancelled := create(f.station.ID, "手机课", start.Add(-48*time.Hour), 0)
		elsewhere := create(other.ID, "合唱团", start, 0)
		for _, p := range people[:4] { // two confirmed, one waiting, one who gives up
			if _, err := acts.Register(as(p), class.ID, 0); err != nil {
				t.Fatal(err)
			}
		}
		if err := acts.CancelRegistration(as(people[3]), class.ID, 0); err != nil {
			t.Fatal(err)
		}
		if err := acts.CancelActivity(as(staff), cancelled.ID); err != nil {
			t.Fatal(err)
		}

		// The sign-in sheet, as staff print it before the class.
		sheet, err := recs.SignInSheet(as(staff), class.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(sheet.Rows) != 3 || sheet.Blanks != 5 || sheet.Activity.Title != "书法班" {
			t.Fatalf("the sheet: %+v", sheet)
		}
		for i, want := range []guli.SignInRow{
			{UserID: people[0].ID, Name: "居民0", Area: "馨清佳苑", Status: guli.RegConfirmed},
			{UserID: people[1].ID, Name: "居民1", Area: "馨清佳苑", Status: guli.RegConfirmed},
			{UserID: people[2].ID, Name: "居民2", Area: "馨清佳苑", Status: guli.RegWaitlisted, Position: 1},
		} {
			if sheet.Rows[i] != want {
				t.Errorf("row %d: %+v, want %+v", i, sheet.Rows[i], want)
			}
		}
		for _, tt := range []struct {
			name  string
			actor *guli.User
			id    guli.ID
			want  string
		}{
			{"another station's staff", otherStaff, class.ID, guli.ECNotFound},
			{"its host", host, class.ID, guli.ECForbidden},
			{"a resident", people[0], class.ID, guli.ECForbidden},
			{"no such activity", staff, 99_999_999, guli.ECNotFound},
			{"another station's activity", staff, elsewhere.ID, guli.ECNotFound},
		} {
			if _, err := recs.SignInSheet(as(tt.actor), tt.id); code(err) != tt.want {
				t.Errorf("%s's sheet: %v, want %s", tt.name, err, tt.want)
			}
			if _, err := recs.ActivityRecord(as(tt.actor), tt.id); code(err) != tt.want {
				t.Errorf("%s's record: %v, want %s", tt.name, err, tt.want)
			}
			if _, err := recs.SaveActivityRecord(as(tt.actor), tt.id, guli.RecordInput{Summary: "好"}); code(err) != tt.want {
				t.Errorf("%s saving the record: %v, want %s", tt.name, err, tt.want)
			}
		}
		if _, err := recs.SignInSheet(system(), class.ID); err != nil {
			t.Errorf("the system's sheet: %v", err)
		}

		// Before it begins there is nothing to record.
		rec, err := recs.ActivityRecord(as(staff), class.ID)
		if err != nil || rec.Written() || rec.Registered != 2 || rec.Waitlisted != 1 || rec.Attended != 0 {
			t.Fatalf("the record before the class: %+v %v", rec, err)
		}
		if _, err := recs.SaveActivityRecord(as(staff), class.ID, guli.RecordInput{Summary: "好"}); code(err) != guli.ECNotStarted {
			t.Errorf("a record before the class: %v", err)
		}
		if _, err := recs.SaveActivityRecord(as(staff), cancelled.ID, guli.RecordInput{Summary: "好"}); code(err) != guli.ECActivityCancelled {
			t.Errorf("a record of a cancelled class: %v", err)
		}

		// The class: the first confirmed, the one waiting, the one who gave
		// up her place and one who never had one come.
		clk.Set(start.Add(10 * time.Minute))
		for _, p := range []*guli.User{people[0], people[2], people[3], people[4]} {
			if err := acts.CheckIn(as(staff), class.ID, p.ID); err != nil {
				t.Fatal(err)
			}
		}
		// Neighbours post highlights: one of the class with a photo, one
		// hidden since, and a tip, which names no activity.
		photo := func(by *guli.User) guli.ID {
			t.Helper()
			p, err := photos.Upload(as(by), f.station.ID, bytes.NewReader(smallPNG(t, 40, 30)))
			if err != nil {
				t.Fatal(err)
			}
			return p.ID
		}
		shown, hiddenPhoto := photo(people[0]), photo(people[1])
		highlight, err := posts.CreatePost(as(people[0]), guli.PostInput{StationID: f.station.ID, Kind: guli.PostHighlight, Title: "书法班的作品",
			PhotoIDs: []guli.ID{shown}, ActivityID: class.ID})
		if err != nil {
			t.Fatal(err)
		}
		if highlight.ActivityID != class.ID || highlight.ActivityTitle != "书法班" {
			t.Errorf("the highlight names %d %q", highlight.ActivityID, highlight.ActivityTitle)
		}
		if back, err := posts.Post(as(people[1]), highlight.ID); err != nil || back.ActivityID != class.ID {
			t.Errorf("the highlight read back: %+v %v", back, err)
		}
		hidden, err := posts.CreatePost(as(people[1]), guli.PostInput{StationID: f.station.ID, Kind: guli.PostHighlight, Title: "我写的字",
			PhotoIDs: []guli.ID{hiddenPhoto}, ActivityID: class.ID})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := posts.Hide(as(staff), hidden.ID); err != nil {
			t.Fatal(err)
		}
		for _, tt := range []struct {
			name string
			in   guli.PostInput
			want string
		}{
			{"a tip naming the class", guli.PostInput{StationID: f.station.ID, Kind: guli.PostTip, Title: "下雨", Body: "带伞", ActivityID: class.ID}, guli.FRInvalid},
			{"another station's class", guli.PostInput{StationID: f.station.ID, Kind: guli.PostHighlight, Title: "合唱", Body: "好听", ActivityID: elsewhere.ID}, guli.FRUnknownActivity},
			{"a class that never was", guli.PostInput{StationID: f.station.ID, Kind: guli.PostHighlight, Title: "合唱", Body: "好听", ActivityID: 99_999_999}, guli.FRUnknownActivity},
		} {
			if _, err := posts.CreatePost(as(people[4]), tt.in); guli.AsError(err).Fields["activity_id"] != tt.want {
				t.Errorf("%s: %v, want activity_id %s", tt.name, err, tt.want)
			}
		}

		rec, err = recs.ActivityRecord(as(staff), class.ID)
		if err != nil || rec.Written() || rec.Registered != 2 || rec.Waitlisted != 1 || rec.Attended != 4 || rec.WalkIns != 2 {
			t.Fatalf("the record after the class: %+v %v", rec, err)
		}
		if len(rec.Photos) != 1 || rec.Photos[0] != (guli.RecordPhoto{ID: shown, PostID: highlight.ID}) {
			t.Errorf("the record's photos: %+v", rec.Photos)
		}

		// Staff write it, and the record keeps who and when.
		saved, err := recs.SaveActivityRecord(as(staff), class.ID, guli.RecordInput{Summary: " 谢老师讲解楷书基本笔画。\n居民练习。 "})
		if err != nil {
			t.Fatal(err)
		}
		if saved.Version != 1 || saved.Summary != "谢老师讲解楷书基本笔画。\n居民练习。" || saved.UpdatedBy != staff.ID || saved.UpdatedByName != "社工小顾" ||
			!saved.UpdatedAt.Equal(clk.Now().Truncate(time.Millisecond)) || saved.Attended != 4 || len(saved.Photos) != 1 {
			t.Errorf("saved: %+v", saved)
		}
		// An edit begun before that save is refused; one begun after it
		// is saved.
		if _, err := recs.SaveActivityRecord(as(staff), class.ID, guli.RecordInput{Summary: "别的话"}); code(err) != guli.ECStaleEdit {
			t.Errorf("a save from nothing over version 1: %v", err)
		}
		if _, err := recs.SaveActivityRecord(as(staff), class.ID, guli.RecordInput{Summary: "别的话", Version: 2}); code(err) != guli.ECStaleEdit {
			t.Errorf("a save from a version to come: %v", err)
		}
		admin := &guli.User{ID: f.user(t, "管理员", "13700006009", guli.RoleAdmin).ID, Name: "管理员", Roles: []guli.Role{guli.RoleAdmin}}
		if saved, err = recs.SaveActivityRecord(as(admin), class.ID, guli.RecordInput{Summary: "补充：共四人到场。", Version: 1}); err != nil || saved.Version != 2 || saved.UpdatedByName != "管理员" {
			t.Errorf("the second save: %+v %v", saved, err)
		}
		if _, err := recs.SaveActivityRecord(as(staff), class.ID, guli.RecordInput{Summary: "\x00", Version: 2}); guli.AsError(err).Fields["summary"] != guli.FRInvalidText {
			t.Errorf("a summary of control characters: %v", err)
		}
		entries, err := sqlstore.QueryInt(system(), f.db, "SELECT COUNT(*) FROM audit_log WHERE action = 'activity.record' AND subject_id = ? AND subject_kind = 'thing'", class.ID)
		if err != nil || entries != 2 {
			t.Errorf("%d audited saves, want 2 (%v)", entries, err)
		}

		// The month's ledger: the written record, and the begun class
		// that has none; not the cancelled one, nor another station's.
		month := guli.MonthOf(start).String()
		led, err := recs.Ledger(as(staff), guli.LedgerQuery{StationID: f.station.ID, Month: month})
		if err != nil {
			t.Fatal(err)
		}
		if len(led.Records) != 1 || led.Records[0].Activity.ID != class.ID || led.Records[0].Summary != "补充：共四人到场。" || led.Records[0].WalkIns != 2 ||
			len(led.Records[0].Photos) != 1 || led.Month.String() != month || led.Station.ID != f.station.ID {
			t.Errorf("the ledger: %+v", led)
		}
		// The tai chi class is in the ledger's month unless it began the
		// day before the month did.
		if wantUnwritten := guli.MonthOf(unwritten.Start) == guli.MonthOf(start); wantUnwritten != (len(led.Unrecorded) == 1 && led.Unrecorded[0].ID == unwritten.ID) {
			t.Errorf("unrecorded: %+v", led.Unrecorded)
		}
		for _, tt := range []struct {
			name  string
			actor *guli.User
			q     guli.LedgerQuery
			want  string
		}{
			{"another station's staff", otherStaff, guli.LedgerQuery{StationID: f.station.ID}, guli.ECNotFound},
			{"a resident", people[0], guli.LedgerQuery{StationID: f.station.ID}, guli.ECForbidden},
			{"its host", host, guli.LedgerQuery{StationID: f.station.ID}, guli.ECForbidden},
			{"no station", staff, guli.LedgerQuery{StationID: 99_999_999}, guli.ECNotFound},
			{"a month that is not", staff, guli.LedgerQuery{StationID: f.station.ID, Month: "0000-13"}, guli.ECValidation},
			{"a month out of range", staff, guli.LedgerQuery{StationID: f.station.ID, Month: "2000-01"}, guli.ECValidation},
			{"a format there is not", staff, guli.LedgerQuery{StationID: f.station.ID, Format: "pdf"}, guli.ECValidation},
		} {
			if _, err := recs.Ledger(as(tt.actor), tt.q); code(err) != tt.want {
				t.Errorf("%s's ledger: %v, want %s", tt.name, err, tt.want)
			}
		}
		if led, err := recs.Ledger(as(otherStaff), guli.LedgerQuery{StationID: other.ID, Format: guli.LedgerXLSX}); err != nil || len(led.Records) != 0 {
			t.Errorf("the other station's own ledger: %+v %v", led, err)
		}
		looks, err := sqlstore.QueryInt(system(), f.db, "SELECT COUNT(*) FROM audit_log WHERE action = 'station.ledger' AND subject_kind = 'thing'")
		if err != nil || looks != 2 {
			t.Errorf("%d audited ledgers, want 2 (%v)", looks, err)
		}
	})
}

// TestRecordSavesAtOnce: staff saving one record at once, each from the
// version they opened, are served one at a time; one save wins each round
// and the others are told someone saved meanwhile, never silently undone.
func TestRecordSavesAtOnce(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, e dbtest.Engine) {
		clk := newClock()
		f := newFixtureWith(t, e, sqlstore.Options{Now: clk.Now})
		acts, recs := sqlstore.NewActivities(f.db), sqlstore.NewRecords(f.db)
		const n = 8
		var staff []*guli.User
		for i := range n {
			staff = append(staff, f.staff(t, fmt.Sprintf("社工%d", i), fmt.Sprintf("1370000620%d", i)))
		}
		start := clk.Now().Add(-2 * time.Hour)
		made, err := acts.CreateActivities(system(), guli.ActivityInput{StationID: f.station.ID, Title: "重阳节敬老活动", Category: "event",
			Start: start, End: start.Add(time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		id := made[0].ID
		for round, from := range []int{0, 1} {
			won := make([]bool, n)
			counts := outcomes(n, func(i int) error {
				_, err := recs.SaveActivityRecord(as(staff[i]), id, guli.RecordInput{Summary: fmt.Sprintf("第%d轮，社工%d写的小结", round, i), Version: from})
				won[i] = err == nil
				return err
			})
			if counts[""] != 1 || counts[guli.ECStaleEdit] != n-1 {
				t.Fatalf("round %d: %v, want one save and %d refused", round, counts, n-1)
			}
			rec, err := recs.ActivityRecord(as(staff[0]), id)
			if err != nil {
				t.Fatal(err)
			}
			for i, w := range won {
				if w && (rec.Version != from+1 || rec.Summary != fmt.Sprintf("第%d轮，社工%d写的小结", round, i) || rec.UpdatedBy != staff[i].ID) {
					t.Errorf("round %d: kept %+v, but 社工%d won", round, rec, i)
				}
			}
		}
		entries, err := sqlstore.QueryInt(system(), f.db, "SELECT COUNT(*) FROM audit_log WHERE action = 'activity.record'")
		if err != nil || entries != 2 {
			t.Errorf("%d audited saves, want 2 (%v)", entries, err)
		}
	})
}
