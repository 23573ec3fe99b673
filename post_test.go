package guli_test

import (
	"strings"
	"testing"

	"guli"
)

func TestPostRules(t *testing.T) {
	author := &guli.User{ID: 8, Roles: []guli.Role{guli.RoleResident}}
	neighbour := &guli.User{ID: 9, Roles: []guli.Role{guli.RoleResident}}
	staff := &guli.User{ID: 1, Roles: []guli.Role{guli.RoleStaff}, StaffStations: []guli.ID{1}}
	elsewhere := &guli.User{ID: 2, Roles: []guli.Role{guli.RoleStaff}, StaffStations: []guli.ID{2}}
	admin := &guli.User{ID: 3, Roles: []guli.Role{guli.RoleAdmin}}
	post := func(status string) *guli.Post {
		return &guli.Post{ID: 5, StationID: 1, AuthorID: 8, Kind: guli.PostTip, Status: status}
	}
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"a resident shares a tip", guli.CheckPost(author, 1, guli.PostTip), ""},
		{"a resident shares a highlight", guli.CheckPost(author, 1, guli.PostHighlight), ""},
		{"a resident posts a notice", guli.CheckPost(author, 1, guli.PostNotice), guli.ECForbidden},
		{"a resident posts a safety alert", guli.CheckPost(author, 1, guli.PostSafetyAlert), guli.ECForbidden},
		{"staff post a safety alert", guli.CheckPost(staff, 1, guli.PostSafetyAlert), ""},
		{"staff post a notice elsewhere", guli.CheckPost(elsewhere, 1, guli.PostNotice), guli.ECForbidden},
		{"an admin posts a notice anywhere", guli.CheckPost(admin, 7, guli.PostNotice), ""},
		{"nobody signed in", guli.CheckPost(nil, 1, guli.PostTip), guli.ECUnauthenticated},

		{"the author takes their post down", post(guli.PostVisible).CheckDelete(author), ""},
		{"staff take it down", post(guli.PostVisible).CheckDelete(staff), ""},
		{"a neighbour takes it down", post(guli.PostVisible).CheckDelete(neighbour), guli.ECForbidden},
		{"staff of another station", post(guli.PostVisible).CheckDelete(elsewhere), guli.ECNotFound},
		{"taken down twice", post(guli.PostDeleted).CheckDelete(author), guli.ECNotFound},
		{"a neighbour takes down a held post", post(guli.PostHeld).CheckDelete(neighbour), guli.ECNotFound},
		{"the author takes down their held post", post(guli.PostHeld).CheckDelete(author), ""},

		{"staff hide a post", post(guli.PostVisible).CheckModerate(staff), ""},
		{"staff restore a held post", post(guli.PostHeld).CheckModerate(staff), ""},
		{"staff of another station hide it", post(guli.PostVisible).CheckModerate(elsewhere), guli.ECNotFound},
		{"the author restores their held post", post(guli.PostHeld).CheckModerate(author), guli.ECForbidden},
		{"a neighbour hides a post", post(guli.PostVisible).CheckModerate(neighbour), guli.ECForbidden},
		{"a neighbour restores a hidden post", post(guli.PostHidden).CheckModerate(neighbour), guli.ECNotFound},
		{"staff restore a deleted post", post(guli.PostDeleted).CheckModerate(staff), guli.ECNotFound},

		{"a neighbour comments", post(guli.PostVisible).CheckComment(neighbour), ""},
		{"a comment on a held post by its author", post(guli.PostHeld).CheckComment(author), guli.ECForbidden},
		{"a comment on a hidden post", post(guli.PostHidden).CheckComment(neighbour), guli.ECNotFound},
		{"a comment by nobody", post(guli.PostVisible).CheckComment(nil), guli.ECUnauthenticated},

		{"a neighbour reports", post(guli.PostVisible).CheckReport(neighbour, false), ""},
		{"a neighbour reports twice", post(guli.PostVisible).CheckReport(neighbour, true), guli.ECAlreadyReported},
		{"the author reports their own", post(guli.PostVisible).CheckReport(author, false), guli.ECForbidden},
		{"a report of a held post", post(guli.PostHeld).CheckReport(staff, false), guli.ECForbidden},
		{"a report of a deleted post", post(guli.PostDeleted).CheckReport(neighbour, false), guli.ECNotFound},
	}
	for _, tt := range tests {
		if got := codeOf(tt.err); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestWhoReadsAPost(t *testing.T) {
	author := &guli.User{ID: 8, Roles: []guli.Role{guli.RoleResident}}
	neighbour := &guli.User{ID: 9, Roles: []guli.Role{guli.RoleResident}}
	staff := &guli.User{ID: 1, Roles: []guli.Role{guli.RoleStaff}, StaffStations: []guli.ID{1}}
	elsewhere := &guli.User{ID: 2, Roles: []guli.Role{guli.RoleStaff}, StaffStations: []guli.ID{2}}
	readers := []*guli.User{nil, author, neighbour, staff, elsewhere}
	tests := []struct {
		status string
		want   []bool // by readers
	}{
		{guli.PostVisible, []bool{true, true, true, true, true}},
		{guli.PostHeld, []bool{false, true, false, true, false}},
		{guli.PostHidden, []bool{false, true, false, true, false}},
		{guli.PostDeleted, []bool{false, false, false, false, false}},
	}
	for _, tt := range tests {
		p := &guli.Post{StationID: 1, AuthorID: 8, Status: tt.status}
		for i, r := range readers {
			if got := p.VisibleTo(r); got != tt.want[i] {
				t.Errorf("a %s post, reader %d: visible %v, want %v", tt.status, i, got, tt.want[i])
			}
		}
	}
}

func TestReportsHoldAPost(t *testing.T) {
	resident := &guli.Post{Status: guli.PostVisible}
	station := &guli.Post{Status: guli.PostVisible, AuthorStaff: true}
	held := &guli.Post{Status: guli.PostHeld}
	tests := []struct {
		name       string
		p          *guli.Post
		unreviewed int
		want       bool
	}{
		{"one report", resident, 1, false},
		{"one short", resident, guli.HoldAfterReports - 1, false},
		{"enough", resident, guli.HoldAfterReports, true},
		{"more", resident, guli.HoldAfterReports + 4, true},
		{"the station's notice", station, guli.HoldAfterReports + 4, false},
		{"held already", held, guli.HoldAfterReports, false},
	}
	for _, tt := range tests {
		if got := tt.p.HoldsAfterReport(tt.unreviewed); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestPostInput(t *testing.T) {
	ok := guli.PostInput{StationID: 1, Kind: guli.PostTip, Title: "雨天路滑", Body: "出门慢行"}
	with := func(change func(*guli.PostInput)) guli.PostInput { in := ok; change(&in); return in }
	tests := []struct {
		name  string
		in    guli.PostInput
		field string // "" when valid
	}{
		{"a tip", ok, ""},
		{"no station", with(func(in *guli.PostInput) { in.StationID = 0 }), "station_id"},
		{"no kind", with(func(in *guli.PostInput) { in.Kind = "" }), "kind"},
		{"a kind nobody has", with(func(in *guli.PostInput) { in.Kind = "rumour" }), "kind"},
		{"a title of spaces", with(func(in *guli.PostInput) { in.Title = "   " }), "title"},
		{"a long title", with(func(in *guli.PostInput) { in.Title = strings.Repeat("长", guli.MaxPostTitle+1) }), "title"},
		{"the longest title", with(func(in *guli.PostInput) { in.Title = strings.Repeat("长", guli.MaxPostTitle) }), ""},
		{"no body", with(func(in *guli.PostInput) { in.Body = "" }), "body"},
		{"a long body", with(func(in *guli.PostInput) { in.Body = strings.Repeat("长", guli.MaxPostBody+1) }), "body"},
		{"a highlight of photos only", with(func(in *guli.PostInput) {
			in.Kind, in.Body, in.PhotoIDs = guli.PostHighlight, "", []guli.ID{4}
		}), ""},
		{"too many photos", with(func(in *guli.PostInput) {
			in.Kind, in.PhotoIDs = guli.PostHighlight, make([]guli.ID, guli.MaxPhotosPerPost+1)
		}), "photo_ids"},
		{"photos on a notice", with(func(in *guli.PostInput) { in.Kind, in.PhotoIDs = guli.PostNotice, []guli.ID{4} }), "photo_ids"},
	}
	for _, tt := range tests {
		err := tt.in.Validate()
		if tt.field == "" {
			if err != nil {
				t.Errorf("%s: %v", tt.name, err)
			}
			continue
		}
		if e := guli.AsError(err); e.Code != guli.ECValidation || e.Fields[tt.field] == "" {
			t.Errorf("%s: %v, want a problem with %s", tt.name, err, tt.field)
		}
	}
	for _, in := range []guli.CommentInput{{Body: " "}, {Body: strings.Repeat("评", guli.MaxCommentBody+1)}} {
		if in.Validate() == nil {
			t.Errorf("comment %q taken", in.Body[:min(len(in.Body), 9)])
		}
	}
	for _, in := range []guli.ReportInput{{Reason: ""}, {Reason: strings.Repeat("因", guli.MaxReportText+1)}} {
		if in.Validate() == nil {
			t.Errorf("report %q taken", in.Reason[:min(len(in.Reason), 9)])
		}
	}
}

func TestAuthorShown(t *testing.T) {
	resident := &guli.Post{Author: "程秀英"}
	station := &guli.Post{Author: "王社工", AuthorStaff: true}
	reader := &guli.User{ID: 9}
	tests := []struct {
		p      *guli.Post
		viewer *guli.User
		want   string
	}{
		{resident, reader, "程秀英"},
		{resident, nil, "程**"},
		{station, nil, "王社工"},
		{&guli.Post{Author: "李"}, nil, "李*"},
		{&guli.Post{Author: ""}, nil, ""},
	}
	for _, tt := range tests {
		if got := tt.p.AuthorShownTo(tt.viewer); got != tt.want {
			t.Errorf("%q to %v: %q, want %q", tt.p.Author, tt.viewer, got, tt.want)
		}
	}
}
