package guli

import (
	"context"
	"io"
	"slices"
	"time"
)

// Photos: residents and staff upload pictures for the notice board's
// highlights. What arrives is untrusted bytes; package photo turns them
// into a fresh JPEG (no EXIF, no GPS) and a thumbnail, and the store keeps
// both in the database, so that every process on one PostgreSQL serves
// them. A photo is first the uploader's own; attached to a post, it is
// public while the post is visible; set as a team's photo (a studio's
// picture), it is public while the team exists.

// Error codes of photos.
const (
	ECUnsupportedImage = "unsupported_image" // not a JPEG, PNG, GIF or WebP, or damaged
	ECImageTooLarge    = "image_too_large"   // too many pixels to decode safely
)

// NotePhoto marks a body_too_large answer to an upload, whose limit is the
// photo's, not the API's.
const NotePhoto = "photo"

// The limits of an upload, and what is kept of it.
const (
	MaxPhotoBytes  = 10 << 20   // the file as uploaded
	MaxPhotoPixels = 40_000_000 // a 48-megapixel phone camera shoots 12 by default
	MaxPhotoSide   = 12000
	// MaxPhotoMemory bounds what decoding holds: 40 megapixels of 8-bit
	// colour; a 16-bit PNG of as many pixels would take twice that, and a
	// progressive JPEG holds its coefficients too.
	MaxPhotoMemory = 160 << 20
	PhotoLongSide  = 1600 // the long side of the photo kept
	ThumbLongSide  = 480
	PhotoQuality   = 82 // JPEG quality of what is kept
	// MaxPhotosPerPost is how many photos one post may show.
	MaxPhotosPerPost = 9
)

// PhotoContentType is the one type photos are served as.
const PhotoContentType = "image/jpeg"

// Photo is an uploaded picture, as kept: re-encoded, at most PhotoLongSide
// on its long side.
type Photo struct {
	ID         ID
	StationID  ID
	UploaderID ID // 0 for the command line and demo data
	// PostID is the post showing the photo, 0 while it is attached to none.
	PostID ID
	// TeamID is the team the photo is the picture of, 0 for none. A photo
	// shows on one post or one team at most, never both.
	TeamID                  ID
	ContentType             string
	Width, Height           int
	ThumbWidth, ThumbHeight int
	Size                    int // bytes of the photo, not the thumbnail
	CreatedAt               time.Time
}

// PhotoService keeps and serves photos.
type PhotoService interface {
	// Upload turns r into a photo of the station (0: the acting user's
	// own station), for the acting user to attach to a post.
	Upload(ctx context.Context, stationID ID, r io.Reader) (*Photo, error)
	// Photo returns the bytes of a photo, or of its thumbnail, and their
	// content type; not_found for a photo the acting user may not see.
	Photo(ctx context.Context, id ID, thumb bool) ([]byte, string, error)
}

// ThrottlePhotoUpload counts every upload of one person (not only
// failures: each costs a decode and a megabyte of storage): twenty an hour
// are free, then each waits, a minute, doubling, up to an hour.
var ThrottlePhotoUpload = ThrottleRule{Scope: "photo-upload", Free: 20, First: time.Minute, Max: time.Hour, Window: time.Hour}

// PhotoStation decides where an upload goes: the station asked for, or,
// when none was, the uploader's home station, else the first they work at.
// u.HomeStation must be loaded.
func PhotoStation(u *User, asked ID) (ID, error) {
	switch {
	case asked != 0:
		return asked, nil
	case u.HomeStation != 0:
		return u.HomeStation, nil
	case len(u.StaffStations) > 0:
		return u.StaffStations[0], nil
	}
	return 0, Invalid("station_id", FRRequired)
}

// MayUploadPhoto decides whether u may upload a photo for a station: anyone
// signed in who belongs to it (u.Stations must be loaded) or works there.
// To everyone else the station's board answers as if it did not exist.
func MayUploadPhoto(u *User, station ID) error {
	switch {
	case u == nil:
		return Errorf(ECUnauthenticated)
	case u.WorksAt(station), slices.Contains(u.Stations, station):
		return nil
	}
	return Errorf(ECNotFound)
}

// MaySeePhoto decides whether viewer (nil: anonymous) may see p: anyone once
// it is attached to a post (p.PostID is 0 while its post is not visible)
// or is a team's photo (a team is public while it exists); before that,
// and after, its uploader and the station's staff only.
func MaySeePhoto(viewer *User, p *Photo) bool {
	if p.PostID != 0 || p.TeamID != 0 {
		return true
	}
	if viewer == nil {
		return false
	}
	return viewer.WorksAt(p.StationID) || p.UploaderID != 0 && viewer.ID == p.UploaderID
}

// MayAttachPhoto decides whether a post by uploader at a station may show
// p: only the uploader's own photo of that station, attached to nothing
// yet (neither a post nor a team). A photo of someone else's is as if it
// did not exist.
func MayAttachPhoto(p *Photo, uploader, station ID) error {
	if p.UploaderID != uploader || p.StationID != station || p.PostID != 0 || p.TeamID != 0 {
		return Invalid("photo_ids", FRInvalid)
	}
	return nil
}

// MaySetTeamPhoto decides whether setter (who manages team t: its station's
// staff or a leader, Team.CheckManage) may make p the team's photo: only
// their own upload, of the team's station, on no post (shown there or
// hidden with it) and the picture of no other team. Anything else is as
// if it did not exist: validation_failed naming photo_id.
func MaySetTeamPhoto(p *Photo, setter ID, t *Team) error {
	if p.UploaderID != setter || p.StationID != t.StationID || p.PostID != 0 || p.TeamID != 0 && p.TeamID != t.ID {
		return Invalid("photo_id", FRInvalid)
	}
	return nil
}

// CheckPhotoIDs checks the photos a post asks to show: at most
// MaxPhotosPerPost, each once.
func CheckPhotoIDs(ids []ID) error {
	if len(ids) > MaxPhotosPerPost {
		return Invalid("photo_ids", FRTooLong)
	}
	seen := make(map[ID]bool, len(ids))
	for _, id := range ids {
		if id <= 0 || seen[id] {
			return Invalid("photo_ids", FRInvalid)
		}
		seen[id] = true
	}
	return nil
}

// CheckPhotoSize decides, from an image's header alone, whether decoding it
// is safe: a small file may claim a huge picture (a decompression bomb),
// so the claim is checked before a single pixel is decoded.
// bytesPerPixel is what the decoder holds a pixel in; working is what it
// holds besides the picture while decoding (a progressive JPEG keeps every
// coefficient of the picture, four bytes each, until its last scan, so a
// 200 KB file could otherwise take 800 MB).
func CheckPhotoSize(width, height, bytesPerPixel int, working int64) error {
	if width <= 0 || height <= 0 {
		return Errorf(ECUnsupportedImage)
	}
	if width > MaxPhotoSide || height > MaxPhotoSide {
		return Errorf(ECImageTooLarge)
	}
	pixels := int64(width) * int64(height)
	if pixels > MaxPhotoPixels || working < 0 || working > MaxPhotoMemory ||
		pixels*int64(max(1, bytesPerPixel))+working > MaxPhotoMemory {
		return Errorf(ECImageTooLarge)
	}
	return nil
}

// FitWithin scales width × height down, keeping its shape, so that its long
// side is at most long; a picture that fits already is left as it is.
// Neither side becomes 0.
func FitWithin(width, height, long int) (int, int) {
	if width <= long && height <= long {
		return width, height
	}
	if width >= height {
		return long, max(1, int((int64(height)*int64(long)+int64(width)/2)/int64(width)))
	}
	return max(1, int((int64(width)*int64(long)+int64(height)/2)/int64(height))), long
}
