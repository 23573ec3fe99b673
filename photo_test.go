package guli_test

import (
	"testing"

	"guli"
)

func TestCheckPhotoSize(t *testing.T) {
	tests := []struct {
		name          string
		width, height int
		bpp           int
		working       int64
		want          string
	}{
		{"a phone photo", 4032, 3024, 4, 0, ""},
		{"a 40-megapixel photo", 8000, 5000, 4, 0, ""},
		{"one pixel more", 8000, 5001, 4, 0, guli.ECImageTooLarge},
		{"a side too long", 12001, 10, 4, 0, guli.ECImageTooLarge},
		{"the longest side", 12000, 3000, 4, 0, ""},
		{"a bomb's claim", 100000, 100000, 4, 0, guli.ECImageTooLarge},
		{"claims that overflow 32 bits", 1 << 30, 1 << 30, 4, 0, guli.ECImageTooLarge},
		{"16-bit colour at 40 megapixels", 8000, 5000, 8, 0, guli.ECImageTooLarge},
		{"16-bit colour at 20 megapixels", 5000, 4000, 8, 0, ""},
		{"no width", 0, 10, 4, 0, guli.ECUnsupportedImage},
		{"negative", -1, 10, 4, 0, guli.ECUnsupportedImage},
		// A progressive JPEG: 4 bytes a coefficient, 64 a block of 8 × 8.
		{"a progressive 12-megapixel JPEG, chroma halved", 4000, 3000, 3, 4 * 3 / 2 * 12_000_000, ""},
		{"a progressive 40-megapixel JPEG", 8000, 5000, 3, 4 * 3 * 40_000_000, guli.ECImageTooLarge},
		{"a small picture that needs too much besides", 100, 100, 3, guli.MaxPhotoMemory, guli.ECImageTooLarge},
		{"working memory that overflowed", 100, 100, 3, -1, guli.ECImageTooLarge},
	}
	for _, tt := range tests {
		err := guli.CheckPhotoSize(tt.width, tt.height, tt.bpp, tt.working)
		if got := codeOf(err); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestFitWithin(t *testing.T) {
	tests := []struct{ w, h, long, wantW, wantH int }{
		{4032, 3024, 1600, 1600, 1200},
		{3024, 4032, 1600, 1200, 1600},
		{1600, 1600, 1600, 1600, 1600},
		{800, 600, 1600, 800, 600},
		{12000, 1, 1600, 1600, 1}, // never 0
		{1, 12000, 480, 1, 480},
		{1601, 1, 1600, 1600, 1},
	}
	for _, tt := range tests {
		if w, h := guli.FitWithin(tt.w, tt.h, tt.long); w != tt.wantW || h != tt.wantH {
			t.Errorf("FitWithin(%d, %d, %d) = %d×%d, want %d×%d", tt.w, tt.h, tt.long, w, h, tt.wantW, tt.wantH)
		}
	}
}

func TestWhoMayUploadAndSeePhotos(t *testing.T) {
	const here, there guli.ID = 1, 2
	resident := &guli.User{ID: 10, Roles: []guli.Role{guli.RoleResident}, Stations: []guli.ID{here}, HomeStation: here}
	neighbour := &guli.User{ID: 11, Roles: []guli.Role{guli.RoleResident}, Stations: []guli.ID{here}, HomeStation: here}
	stranger := &guli.User{ID: 12, Roles: []guli.Role{guli.RoleResident}, Stations: []guli.ID{there}, HomeStation: there}
	staff := &guli.User{ID: 20, Roles: []guli.Role{guli.RoleStaff}, StaffStations: []guli.ID{here}}
	otherStaff := &guli.User{ID: 21, Roles: []guli.Role{guli.RoleStaff}, StaffStations: []guli.ID{there}}
	admin := &guli.User{ID: 30, Roles: []guli.Role{guli.RoleAdmin}}

	uploads := []struct {
		name string
		u    *guli.User
		want string
	}{
		{"anonymous", nil, guli.ECUnauthenticated},
		{"a resident of the station", resident, ""},
		{"a resident of another station", stranger, guli.ECNotFound},
		{"the station's staff", staff, ""},
		{"another station's staff", otherStaff, guli.ECNotFound},
		{"an admin", admin, ""},
	}
	for _, tt := range uploads {
		if got := codeOf(guli.MayUploadPhoto(tt.u, here)); got != tt.want {
			t.Errorf("upload as %s: %q, want %q", tt.name, got, tt.want)
		}
	}

	unattached := &guli.Photo{ID: 5, StationID: here, UploaderID: resident.ID}
	attached := &guli.Photo{ID: 6, StationID: here, UploaderID: resident.ID, PostID: 9}
	byTheSystem := &guli.Photo{ID: 7, StationID: here}
	// A studio's photo; the store reads a photo whose post is hidden
	// as attached to none (PostID 0).
	ofATeam := &guli.Photo{ID: 8, StationID: here, UploaderID: resident.ID, TeamID: 4}
	sees := []struct {
		name   string
		viewer *guli.User
		p      *guli.Photo
		want   bool
	}{
		{"anonymous, unattached", nil, unattached, false},
		{"anonymous, attached", nil, attached, true},
		{"the uploader", resident, unattached, true},
		{"a neighbour, unattached", neighbour, unattached, false},
		{"a neighbour, attached", neighbour, attached, true},
		{"the station's staff", staff, unattached, true},
		{"another station's staff", otherStaff, unattached, false},
		{"an admin", admin, unattached, true},
		{"someone with no id, of the system's photo", &guli.User{}, byTheSystem, false},
		{"anonymous, a team's photo", nil, ofATeam, true},
		{"another station's staff, a team's photo", otherStaff, ofATeam, true},
		{"anonymous, the system's photo of a team", nil, &guli.Photo{ID: 9, StationID: here, TeamID: 4}, true},
	}
	for _, tt := range sees {
		if got := guli.MaySeePhoto(tt.viewer, tt.p); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}

	attach := []struct {
		name              string
		p                 *guli.Photo
		uploader, station guli.ID
		want              string
	}{
		{"one's own, unattached", unattached, resident.ID, here, ""},
		{"someone else's", unattached, neighbour.ID, here, guli.ECValidation},
		{"at another station", unattached, resident.ID, there, guli.ECValidation},
		{"attached already", attached, resident.ID, here, guli.ECValidation},
		{"a team's photo", ofATeam, resident.ID, here, guli.ECValidation},
	}
	for _, tt := range attach {
		if got := codeOf(guli.MayAttachPhoto(tt.p, tt.uploader, tt.station)); got != tt.want {
			t.Errorf("attach %s: %q, want %q", tt.name, got, tt.want)
		}
	}

	// A team's photo: the setter's own upload, of the team's station, on
	// no post and no other team.
	studio := &guli.Team{ID: 4, StationID: here}
	other := &guli.Team{ID: 5, StationID: here}
	elsewhere := &guli.Team{ID: 6, StationID: there}
	hiddenPost := &guli.Photo{ID: 10, StationID: here, UploaderID: resident.ID, PostID: 9} // as read: the post's status is the store's
	set := []struct {
		name   string
		p      *guli.Photo
		setter guli.ID
		t      *guli.Team
		want   string
	}{
		{"one's own, unattached", unattached, resident.ID, studio, ""},
		{"the team's own photo again", ofATeam, resident.ID, studio, ""},
		{"the system's, by the system", byTheSystem, 0, studio, ""},
		{"someone else's", unattached, neighbour.ID, studio, guli.ECValidation},
		{"staff, with a resident's photo", unattached, staff.ID, studio, guli.ECValidation},
		{"the system's, by a resident", byTheSystem, resident.ID, studio, guli.ECValidation},
		{"on a post", attached, resident.ID, studio, guli.ECValidation},
		{"on a post, hidden or not", hiddenPost, resident.ID, studio, guli.ECValidation},
		{"another team's photo", ofATeam, resident.ID, other, guli.ECValidation},
		{"a team of another station", unattached, resident.ID, elsewhere, guli.ECValidation},
	}
	for _, tt := range set {
		err := guli.MaySetTeamPhoto(tt.p, tt.setter, tt.t)
		if got := codeOf(err); got != tt.want {
			t.Errorf("set %s: %q, want %q", tt.name, got, tt.want)
		}
		if err != nil && guli.AsError(err).Fields["photo_id"] == "" {
			t.Errorf("set %s: %v does not name photo_id", tt.name, err)
		}
	}
}

func TestPhotoStationAndIDs(t *testing.T) {
	tests := []struct {
		name  string
		u     *guli.User
		asked guli.ID
		want  guli.ID
		code  string
	}{
		{"asked", &guli.User{HomeStation: 3}, 4, 4, ""},
		{"home", &guli.User{HomeStation: 3}, 0, 3, ""},
		{"where they work", &guli.User{StaffStations: []guli.ID{5, 6}}, 0, 5, ""},
		{"nowhere", &guli.User{}, 0, 0, guli.ECValidation},
	}
	for _, tt := range tests {
		got, err := guli.PhotoStation(tt.u, tt.asked)
		if got != tt.want || codeOf(err) != tt.code {
			t.Errorf("%s: %d, %v", tt.name, got, err)
		}
	}
	ids := []struct {
		name string
		ids  []guli.ID
		want string
	}{
		{"none", nil, ""},
		{"nine", []guli.ID{1, 2, 3, 4, 5, 6, 7, 8, 9}, ""},
		{"ten", []guli.ID{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, guli.ECValidation},
		{"twice", []guli.ID{1, 1}, guli.ECValidation},
		{"not an id", []guli.ID{guli.NoID}, guli.ECValidation},
	}
	for _, tt := range ids {
		if got := codeOf(guli.CheckPhotoIDs(tt.ids)); got != tt.want {
			t.Errorf("ids %s: %q, want %q", tt.name, got, tt.want)
		}
	}
}
