package guli_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"guli"
)

func TestWhoMarksAndWhoSeesMarks(t *testing.T) {
	resident := &guli.User{ID: 8, Roles: []guli.Role{guli.RoleResident}, Stations: []guli.ID{1}}
	volunteer := &guli.User{ID: 9, Roles: []guli.Role{guli.RoleResident, guli.RoleVolunteer}, Stations: []guli.ID{1}}
	staff := &guli.User{ID: 1, Roles: []guli.Role{guli.RoleStaff}, StaffStations: []guli.ID{1}}
	elsewhere := &guli.User{ID: 2, Roles: []guli.Role{guli.RoleStaff}, StaffStations: []guli.ID{2}}
	admin := &guli.User{ID: 3, Roles: []guli.Role{guli.RoleAdmin}}
	stranger := &guli.User{ID: 10, Roles: []guli.Role{guli.RoleResident}, Stations: []guli.ID{2}}
	tests := []struct {
		name    string
		actor   *guli.User
		station guli.ID
		person  *guli.User
		want    string
	}{
		{"staff mark a resident of their station", staff, 1, resident, ""},
		{"an admin marks anyone", admin, 1, resident, ""},
		{"an admin marks at the station the person is of, only", admin, 1, stranger, guli.ECNotFound},
		{"staff mark someone of another station", staff, 1, stranger, guli.ECNotFound},
		{"staff of another station", elsewhere, 1, resident, guli.ECNotFound},
		{"staff mark at a station they do not work at", staff, 2, stranger, guli.ECNotFound},
		{"a resident marks a neighbour", resident, 1, volunteer, guli.ECForbidden},
		{"a volunteer marks a resident", volunteer, 1, resident, guli.ECForbidden},
		{"nobody signed in", nil, 1, resident, guli.ECUnauthenticated},
		{"nobody to mark", staff, 1, nil, guli.ECNotFound},
	}
	for _, tt := range tests {
		if got := codeOf(guli.CheckMark(tt.actor, tt.station, tt.person)); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
	for _, tt := range []struct {
		viewer *guli.User
		want   bool
	}{{nil, false}, {resident, false}, {volunteer, false}, {staff, true}, {elsewhere, false}, {admin, true}} {
		if got := guli.SeesMarks(tt.viewer, 1); got != tt.want {
			t.Errorf("SeesMarks(%v): %v, want %v", tt.viewer, got, tt.want)
		}
	}
}

func TestMarkInput(t *testing.T) {
	tests := []struct {
		in   guli.MarkInput
		want map[string]string
	}{
		{guli.MarkInput{StationID: 1, UserID: 2, Kind: guli.MarkLivesAlone, On: true}, nil},
		{guli.MarkInput{StationID: 1, UserID: 2, Kind: guli.MarkNeedsVisits}, nil},
		{guli.MarkInput{StationID: 1, UserID: 2}, map[string]string{"kind": guli.FRRequired}},
		{guli.MarkInput{StationID: 1, UserID: 2, Kind: "lonely"}, map[string]string{"kind": guli.FRInvalid}},
		{guli.MarkInput{StationID: -1, UserID: 0, Kind: guli.MarkNoSmartphone},
			map[string]string{"station_id": guli.FRInvalid, "user_id": guli.FRInvalid}},
	}
	for _, tt := range tests {
		if got := guli.AsError(tt.in.Validate()).Fields; !sameFields(got, tt.want) {
			t.Errorf("%+v: %v, want %v", tt.in, got, tt.want)
		}
	}
}

func sameFields(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestWhoReadsACallList(t *testing.T) {
	resident := &guli.User{ID: 8, Roles: []guli.Role{guli.RoleResident}, Stations: []guli.ID{1}}
	talent := &guli.User{ID: 9, Roles: []guli.Role{guli.RoleResident, guli.RoleTalent}, Stations: []guli.ID{1}}
	staff := &guli.User{ID: 1, Roles: []guli.Role{guli.RoleStaff}, StaffStations: []guli.ID{1}}
	elsewhere := &guli.User{ID: 2, Roles: []guli.Role{guli.RoleStaff}, StaffStations: []guli.ID{2}}
	admin := &guli.User{ID: 3, Roles: []guli.Role{guli.RoleAdmin}}
	tests := []struct {
		name  string
		actor *guli.User
		want  string
	}{
		{"staff of the station", staff, ""},
		{"an admin", admin, ""},
		// The list is phone numbers: to anyone else there is none.
		{"staff of another station", elsewhere, guli.ECNotFound},
		{"a resident", resident, guli.ECNotFound},
		{"a talent who hosted the activity", talent, guli.ECNotFound},
		{"nobody signed in", nil, guli.ECUnauthenticated},
	}
	for _, tt := range tests {
		if got := codeOf(guli.CheckCallList(tt.actor, 1)); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestWhichPostsAreFollowedByTelephone(t *testing.T) {
	tests := []struct {
		kind   string
		urgent bool
		status string
		want   bool
	}{
		{guli.PostSafetyAlert, false, guli.PostVisible, true},
		{guli.PostSafetyAlert, false, guli.PostHidden, true}, // hidden from the board, told already
		{guli.PostSafetyAlert, false, guli.PostDeleted, false},
		{guli.PostNotice, true, guli.PostVisible, true},
		{guli.PostNotice, false, guli.PostVisible, false},
		{guli.PostTip, false, guli.PostVisible, false},
		{guli.PostHighlight, false, guli.PostVisible, false},
	}
	for _, tt := range tests {
		p := &guli.Post{Kind: tt.kind, Urgent: tt.urgent, Status: tt.status}
		if got := p.NeedsCalls(); got != tt.want {
			t.Errorf("%s urgent=%v %s: %v, want %v", tt.kind, tt.urgent, tt.status, got, tt.want)
		}
		in := &guli.PostInput{Kind: tt.kind, Urgent: tt.urgent}
		if got := in.ToldEveryone(); got != (tt.kind == guli.PostSafetyAlert || tt.kind == guli.PostNotice && tt.urgent) {
			t.Errorf("told everyone, %s urgent=%v: %v", tt.kind, tt.urgent, got)
		}
	}
}

func TestOnlyANoticeIsUrgent(t *testing.T) {
	for _, tt := range []struct {
		kind string
		want string // the reason given for urgent
	}{{guli.PostNotice, ""}, {guli.PostSafetyAlert, guli.FRInvalid}, {guli.PostTip, guli.FRInvalid}, {guli.PostHighlight, guli.FRInvalid}} {
		in := guli.PostInput{StationID: 1, Kind: tt.kind, Urgent: true, Title: "停水", Body: "周三停水"}
		if got := guli.AsError(in.Validate()).Fields["urgent"]; got != tt.want {
			t.Errorf("urgent %s: %q, want %q", tt.kind, got, tt.want)
		}
	}
}

func TestTheCallListsOrder(t *testing.T) {
	entry := func(id guli.ID, name, area string, marks ...string) *guli.CallEntry {
		return &guli.CallEntry{UserID: id, Name: name, Area: area, Marks: marks}
	}
	// Given in no order; wanted: those nobody else will tell first, then
	// those who need visits, then the rest, each by area and name.
	entries := []*guli.CallEntry{
		entry(1, "王建国", "馨佳园"),
		entry(2, "程秀英", "顾村新苑", guli.MarkNeedsVisits),
		entry(3, "李桂兰", "馨佳园", guli.MarkLivesAlone),
		entry(4, "张阿婆", "顾村新苑", guli.MarkNoSmartphone, guli.MarkNeedsVisits),
		entry(5, "陈伯伯", "顾村新苑"),
		entry(6, "王建国", "馨佳园"), // the same name: by id
		entry(7, "孙巧云", "", guli.MarkNeedsVisits),
		entry(8, "赵大爷", "顾村新苑", guli.MarkLivesAlone, guli.MarkNoSmartphone),
	}
	guli.SortCalls(entries)
	var got []guli.ID
	for _, e := range entries {
		got = append(got, e.UserID)
	}
	// Within a rank by area ("" first, then as the strings compare), then name.
	want := []guli.ID{4, 8, 3, 7, 2, 5, 1, 6}
	if !slices.Equal(got, want) {
		t.Errorf("order %v, want %v", got, want)
	}

	for _, tt := range []struct {
		marks []string
		want  int
	}{
		{nil, 2}, {[]string{guli.MarkNeedsVisits}, 1}, {[]string{guli.MarkLivesAlone}, 0},
		{[]string{guli.MarkNoSmartphone}, 0}, {[]string{guli.MarkNeedsVisits, guli.MarkLivesAlone}, 0},
	} {
		if got := guli.CallRank(tt.marks); got != tt.want {
			t.Errorf("CallRank(%v) = %d, want %d", tt.marks, got, tt.want)
		}
	}
}

func TestACallListsCounts(t *testing.T) {
	l := &guli.CallList{Since: time.Date(2023, 10, 15, 9, 0, 0, 0, time.UTC), Delay: 2 * time.Hour, Told: 40, Opened: 35}
	for i, outcome := range []string{"", guli.CallCalled, guli.CallNotReached, guli.CallVisited, ""} {
		l.Entries = append(l.Entries, &guli.CallEntry{UserID: guli.ID(i + 1), Name: "居民", Outcome: outcome})
	}
	l.Count()
	if l.Listed != 5 || l.Reached != 2 || l.Ticked != 3 {
		t.Errorf("listed %d, reached %d, ticked %d; want 5, 2, 3", l.Listed, l.Reached, l.Ticked)
	}
	if due := l.Due(); !due.Equal(time.Date(2023, 10, 15, 11, 0, 0, 0, time.UTC)) {
		t.Errorf("due %v", due)
	}
	if !l.Early(l.Due().Add(-time.Minute)) || l.Early(l.Due()) {
		t.Error("early: before the wait ends, and not from its end on")
	}

	long := &guli.CallList{}
	for i := range 2*guli.CallPageSize + 20 {
		long.Entries = append(long.Entries, &guli.CallEntry{UserID: guli.ID(i + 1), Outcome: guli.CallCalled})
	}
	long.Count()
	if long.Listed != 2*guli.CallPageSize+20 || long.Reached != long.Listed || long.Pages() != 3 {
		t.Errorf("a long list: listed %d, reached %d, %d pages", long.Listed, long.Reached, long.Pages())
	}
	for _, tt := range []struct{ ask, page, n int }{{1, 1, 100}, {0, 1, 100}, {-5, 1, 100}, {2, 2, 100}, {3, 3, 20}, {4, 3, 20}, {1 << 40, 3, 20}} {
		entries, page := long.Page(tt.ask)
		if page != tt.page || len(entries) != tt.n || entries[0].UserID != guli.ID((page-1)*guli.CallPageSize+1) {
			t.Errorf("page %d: page %d of %d entries, want page %d of %d", tt.ask, page, len(entries), tt.page, tt.n)
		}
	}
	empty := &guli.CallList{}
	if entries, page := empty.Page(2); len(entries) != 0 || page != 1 || empty.Pages() != 1 {
		t.Errorf("an empty list: page %d, %d entries", page, len(entries))
	}
}

func TestCallInputsAndDelays(t *testing.T) {
	for _, tt := range []struct {
		in   guli.CallInput
		want map[string]string
	}{
		{guli.CallInput{Outcome: guli.CallCalled}, nil},
		{guli.CallInput{Outcome: guli.CallVisited, Note: "  女儿会转告  "}, nil},
		{guli.CallInput{Outcome: guli.CallNotReached, Note: strings.Repeat("话", guli.MaxCallNote)}, nil},
		{guli.CallInput{}, map[string]string{"outcome": guli.FRRequired}},
		{guli.CallInput{Outcome: "texted"}, map[string]string{"outcome": guli.FRInvalid}},
		{guli.CallInput{Outcome: guli.CallCalled, Note: strings.Repeat("话", guli.MaxCallNote+1)}, map[string]string{"note": guli.FRTooLong}},
	} {
		in := tt.in
		if got := guli.AsError(in.Validate()).Fields; !sameFields(got, tt.want) {
			t.Errorf("%+v: %v, want %v", tt.in, got, tt.want)
		}
	}

	for _, tt := range []struct {
		s    string
		want time.Duration
		ok   bool
	}{
		{"", guli.DefaultCallDelay, true}, {"30m", 30 * time.Minute, true}, {"2h", 2 * time.Hour, true}, {"6h", 6 * time.Hour, true},
		{"1h", 0, false}, {"2h0m0s", 0, false}, {"-2h", 0, false}, {"120", 0, false}, {"30m\x00", 0, false},
	} {
		got, err := guli.ParseCallDelay("after", tt.s)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseCallDelay(%q) = %v, %v", tt.s, got, err)
		}
		if err != nil && guli.AsError(err).Fields["after"] != guli.FRInvalid {
			t.Errorf("ParseCallDelay(%q) names %v", tt.s, guli.AsError(err).Fields)
		}
	}
	for _, d := range guli.CallDelays {
		if back, err := guli.ParseCallDelay("after", guli.CallDelayName(d)); err != nil || back != d {
			t.Errorf("%v written %q reads back as %v, %v", d, guli.CallDelayName(d), back, err)
		}
	}
	if !guli.Reached(guli.CallCalled) || !guli.Reached(guli.CallVisited) || guli.Reached(guli.CallNotReached) || guli.Reached("") {
		t.Error("reached: called and visited, nothing else")
	}
}
