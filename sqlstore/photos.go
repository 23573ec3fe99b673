package sqlstore

import (
	"context"
	"io"
	"time"

	"guli"
	"guli/photo"
)

// Photos implements guli.PhotoService. The bytes live in the database, so
// every process on one PostgreSQL serves every photo; a photo is a few
// hundred kilobytes once re-encoded, and is read by id only.
//
// An upload is checked (who, where, the throttle) before its body is read,
// and processed outside any transaction: no connection waits on a decode.
type Photos struct {
	db   *DB
	proc *photo.Processor
}

// Photos decoded at once, and how long an upload waits for a turn.
const (
	photoDecodes   = 2
	photoTurnWait  = 2 * time.Second
	photoUnclaimed = 7 * 24 * time.Hour // how long a photo on no post and no team is kept
)

// NewPhotos returns the photo service of db.
func NewPhotos(db *DB) *Photos {
	return &Photos{db: db, proc: photo.NewProcessor(photoDecodes, photoTurnWait)}
}

var _ guli.PhotoService = (*Photos)(nil)

// photoLimit is the upload throttle of a person; none for the system.
func photoLimit(user guli.ID) limited {
	if user == 0 {
		return limited{rule: guli.ThrottlePhotoUpload}
	}
	return limited{rule: guli.ThrottlePhotoUpload, key: user.String()}
}

// Upload processes r and keeps the photo, for the acting user to attach.
func (s *Photos) Upload(ctx context.Context, stationID guli.ID, r io.Reader) (*guli.Photo, error) {
	actor, err := guli.RequireUser(ctx)
	if err != nil {
		return nil, err
	}
	person := actor
	if actor.ID != 0 {
		if person, err = personIn(ctx, s.db.read(), actor.ID); err != nil {
			return nil, s.db.mapErr(err)
		}
	}
	station, err := guli.PhotoStation(person, stationID)
	if err != nil {
		return nil, err
	}
	if ok, err := s.db.read().exists(ctx, "SELECT 1 FROM stations WHERE id = ?", station); err != nil || !ok {
		if err != nil {
			return nil, s.db.mapErr(err)
		}
		return nil, hidden()
	}
	if err := guli.MayUploadPhoto(person, station); err != nil {
		return nil, err
	}
	// Every upload that gets as far as a decode counts, refused or not,
	// charged under a lock so that uploads sent at once cannot pass the
	// limit together; one turned away because the server was busy is
	// given back.
	limit := photoLimit(actor.ID)
	charged, err := s.db.reserve(ctx, []limited{limit}, limit)
	if err != nil {
		return nil, err
	}
	res, err := s.proc.Process(ctx, r)
	if err != nil {
		if e := guli.AsError(err); e.Code == guli.ECRateLimited && e.Note == guli.NoteBusy {
			if err := s.db.forgiveNow(ctx, charged); err != nil {
				return nil, err
			}
		}
		return nil, err
	}
	p := &guli.Photo{StationID: station, UploaderID: actor.ID, ContentType: guli.PhotoContentType,
		Width: res.Width, Height: res.Height, ThumbWidth: res.ThumbWidth, ThumbHeight: res.ThumbHeight, Size: len(res.JPEG)}
	err = s.db.tx(ctx, func(q runner) error {
		q.moved = nil    // an unattached photo is in nothing readers see
		var uploader any // NULL for the system
		if actor.ID != 0 {
			uploader = actor.ID
		}
		p.CreatedAt = s.db.now()
		var err error
		p.ID, err = q.insert(ctx, `INSERT INTO photos (station_id, uploader_id, content_type, width, height, thumb_width, thumb_height, bytes, thumb, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			station, uploader, p.ContentType, p.Width, p.Height, p.ThumbWidth, p.ThumbHeight, res.JPEG, res.Thumb, ms(p.CreatedAt))
		return err
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

const photoColumns = `id, station_id, COALESCE(uploader_id, 0), COALESCE(post_id, 0), COALESCE(team_id, 0), content_type, width, height, thumb_width, thumb_height, created_at`

func scanPhoto(row interface{ Scan(...any) error }, more ...any) (*guli.Photo, error) {
	var p guli.Photo
	var id, station, uploader, post, team, created int64
	err := row.Scan(append([]any{&id, &station, &uploader, &post, &team, &p.ContentType, &p.Width, &p.Height, &p.ThumbWidth, &p.ThumbHeight, &created}, more...)...)
	p.ID, p.StationID, p.UploaderID, p.PostID, p.TeamID, p.CreatedAt = guli.ID(id), guli.ID(station), guli.ID(uploader), guli.ID(post), guli.ID(team), fromMS(created)
	return &p, notFound(err)
}

// Photo returns a photo's bytes, or its thumbnail's, to one who may see it.
func (s *Photos) Photo(ctx context.Context, id guli.ID, thumb bool) ([]byte, string, error) {
	column := "bytes"
	if thumb {
		column = "thumb"
	}
	var data []byte
	var status string
	p, err := scanPhoto(s.db.read().row(ctx, "SELECT "+photoColumns+", "+column+
		", COALESCE((SELECT status FROM posts WHERE posts.id = photos.post_id), '') FROM photos WHERE id = ?", id), &data, &status)
	if err != nil {
		return nil, "", s.db.mapErr(err)
	}
	if status != guli.PostVisible {
		// A post held, hidden or taken down shows its photos to nobody
		// but those who may still read it: as if attached to none. A
		// team's photo is public while the team exists, which its
		// foreign key keeps true.
		p.PostID = 0
	}
	if !guli.MaySeePhoto(guli.UserFromContext(ctx), p) {
		return nil, "", hidden()
	}
	return data, p.ContentType, nil
}

// lockPhoto reads photo id and locks its row, in q, for attaching it to
// something; a photo there is none of is invalid in the request's field.
func lockPhoto(ctx context.Context, q runner, id guli.ID, field string) (*guli.Photo, error) {
	p, err := scanPhoto(q.row(ctx, "SELECT "+photoColumns+" FROM photos WHERE id = ?"+q.d.forUpdate(), id))
	if isNotFound(err) {
		return nil, guli.Invalid(field, guli.FRInvalid)
	}
	return p, err
}

// AttachPhotos shows photos on a post, in the post's transaction q: each
// must be uploaderID's own, of stationID, attached to no post yet
// (guli.MayAttachPhoto); otherwise nothing is attached and the answer is
// validation_failed naming photo_ids. A photo is public while its post is
// visible (Photos.Photo).
func AttachPhotos(ctx context.Context, q runner, postID, stationID, uploaderID guli.ID, ids []guli.ID) error {
	if err := guli.CheckPhotoIDs(ids); err != nil {
		return err
	}
	for _, id := range ids {
		p, err := lockPhoto(ctx, q, id, "photo_ids")
		if err != nil {
			return err
		}
		if err := guli.MayAttachPhoto(p, uploaderID, stationID); err != nil {
			return err
		}
		if _, err := q.exec(ctx, "UPDATE photos SET post_id = ? WHERE id = ?", postID, id); err != nil {
			return err
		}
	}
	return nil
}

// setTeamPhoto makes photoID the picture of team t, in q, which holds the
// team's row locked: the photo must be setter's own, of the team's
// station, on no post and no other team (guli.MaySetTeamPhoto), else
// validation_failed naming photo_id. The photo it had, if another, is its
// uploader's own again, swept in time as any unattached photo; photoID 0
// only takes the photo away. The photo's row is locked, so a post cannot
// take it up at the same time (AttachPhotos reads team_id under the same
// lock).
func setTeamPhoto(ctx context.Context, q runner, t *guli.Team, setter, photoID guli.ID) error {
	if photoID < 0 {
		return guli.Invalid("photo_id", guli.FRInvalid)
	}
	if photoID != 0 {
		p, err := lockPhoto(ctx, q, photoID, "photo_id")
		if err != nil {
			return err
		}
		if err := guli.MaySetTeamPhoto(p, setter, t); err != nil {
			return err
		}
	}
	if _, err := q.exec(ctx, "UPDATE photos SET team_id = NULL WHERE team_id = ? AND id <> ?", t.ID, photoID); err != nil {
		return err
	}
	if photoID == 0 {
		return nil
	}
	_, err := q.exec(ctx, "UPDATE photos SET team_id = ? WHERE id = ?", t.ID, photoID)
	return err
}

// PostPhotos lists the photos a post shows, in the order they were
// uploaded, for a post's view.
func PostPhotos(ctx context.Context, q runner, postID guli.ID) ([]*guli.Photo, error) {
	return list(ctx, q, func(row interface{ Scan(...any) error }) (*guli.Photo, error) { return scanPhoto(row) },
		"SELECT "+photoColumns+" FROM photos WHERE post_id = ? ORDER BY id", postID)
}
