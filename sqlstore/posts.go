package sqlstore

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"time"

	"guli"
	"guli/markdown"
)

// Posts implements guli.PostService. Every change of a post locks its row
// first, so reports made at once are each counted and the one that reaches
// guli.HoldAfterReports holds the post, once. Markdown is rendered and
// sanitised when a post is written, so reading the board renders nothing.
//
// The board is read far more than it is written: pages of it and single
// posts are kept while the data version holds (memo.go). Nothing kept is
// personal; what differs per reader is decided on a copy.
type Posts struct {
	db       *DB
	md       *markdown.Renderer
	boards   memo[listKey, guli.Page[*guli.Post]]
	posts    memo[guli.ID, *guli.Post]
	comments memo[listKey, guli.Page[*guli.Comment]]
}

// NewPosts returns the notice board of db.
func NewPosts(db *DB) *Posts {
	return &Posts{db: db, md: markdown.New(), boards: memo[listKey, guli.Page[*guli.Post]]{max: 1000},
		posts: memo[guli.ID, *guli.Post]{max: 10000}, comments: memo[listKey, guli.Page[*guli.Comment]]{max: 1000}}
}

var _ guli.PostService = (*Posts)(nil)

const postColumns = `p.id, p.station_id, p.author_id, u.name, p.author_staff, p.kind, p.urgent, p.title, p.body, p.body_html, p.status,
	p.reports, p.unreviewed, p.comments, p.created_at, COALESCE(p.moderated_by, 0), p.moderated_at, s.timezone,
	COALESCE(p.activity_id, 0), COALESCE(pa.title, '')`

const postFrom = `
	FROM posts p
	JOIN users u ON u.id = p.author_id
	JOIN stations s ON s.id = p.station_id
	LEFT JOIN activities pa ON pa.id = p.activity_id`

func scanPost(row interface{ Scan(...any) error }) (*guli.Post, error) {
	var p guli.Post
	var id, station, author, moderator, created, activity int64
	var staff, urgent int
	var moderated sql.NullInt64
	var tz string
	if err := row.Scan(&id, &station, &author, &p.Author, &staff, &p.Kind, &urgent, &p.Title, &p.Body, &p.BodyHTML, &p.Status,
		&p.Reports, &p.Unreviewed, &p.Comments, &created, &moderator, &moderated, &tz, &activity, &p.ActivityTitle); err != nil {
		return nil, err
	}
	loc := guli.Zone(tz)
	p.ID, p.StationID, p.AuthorID, p.AuthorStaff, p.Urgent = guli.ID(id), guli.ID(station), guli.ID(author), staff == 1, urgent == 1
	p.ActivityID = guli.ID(activity)
	p.CreatedAt, p.ModeratedBy = fromMS(created).In(loc), guli.ID(moderator)
	if moderated.Valid {
		p.ModeratedAt = fromMS(moderated.Int64).In(loc)
	}
	return &p, nil
}

func (s *Posts) load(ctx context.Context, q runner, id guli.ID) (*guli.Post, error) {
	p, err := scanPost(q.row(ctx, "SELECT "+postColumns+postFrom+" WHERE p.id = ?", id))
	if err != nil {
		return nil, s.db.mapErr(notFound(err))
	}
	return p, s.db.mapErr(withPhotos(ctx, q, p))
}

// withPhotos fills in the photos of posts, with one query for them all.
func withPhotos(ctx context.Context, q runner, posts ...*guli.Post) error {
	if len(posts) == 0 {
		return nil
	}
	byID := make(map[guli.ID]*guli.Post, len(posts))
	args := make([]any, len(posts))
	for i, p := range posts {
		byID[p.ID], args[i] = p, p.ID
	}
	rows, err := q.query(ctx, "SELECT id, post_id FROM photos WHERE post_id IN ("+placeholders(len(posts))+") ORDER BY id", args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var photo, post int64
		if err := rows.Scan(&photo, &post); err != nil {
			return err
		}
		if p := byID[guli.ID(post)]; p != nil {
			p.PhotoIDs = append(p.PhotoIDs, guli.ID(photo))
		}
	}
	return rows.Err()
}

// posting is the throttle of one person's posts; commenting of their
// comments. Each counts, not only refusals: a flood is what they stop.
func posting(user guli.ID) limited    { return limited{guli.ThrottlePosts, user.String()} }
func commenting(user guli.ID) limited { return limited{guli.ThrottleComments, user.String()} }

// charge counts one more of l against its key under a lock, or answers
// rate_limited when l must still wait.
func charge(ctx context.Context, q runner, l limited, now time.Time) error {
	if err := q.lock(ctx, l.lockKey()); err != nil {
		return err
	}
	if err := waitFor(ctx, q, l, now); err != nil {
		return err
	}
	_, err := fail(ctx, q, l, now)
	return err
}

// CreatePost posts to a station's board. Residents' posts are
// rate-limited; the station's own are not, since an alert must go out. A
// safety alert, or a notice staff mark urgent, is told to every resident
// of the station with one statement, in the transaction that posts it.
func (s *Posts) CreatePost(ctx context.Context, in guli.PostInput) (*guli.Post, error) {
	actor, err := guli.RequireUser(ctx)
	if err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if err := guli.CheckPost(actor, in.StationID, in.Kind); err != nil {
		return nil, err
	}
	html := s.md.HTML(in.Body)
	var out *guli.Post
	err = s.db.tx(ctx, func(q runner) error {
		var stationName string
		if err := q.row(ctx, "SELECT name FROM stations WHERE id = ?", in.StationID).Scan(&stationName); err != nil {
			if isNotFound(err) {
				return guli.Invalid("station_id", guli.FRUnknownStation)
			}
			return err
		}
		if in.ActivityID != 0 {
			// A highlight names one of its station's activities.
			var a *guli.Activity
			var station int64
			switch err := q.row(ctx, "SELECT station_id FROM activities WHERE id = ?", in.ActivityID).Scan(&station); {
			case err == nil:
				a = &guli.Activity{ID: in.ActivityID, StationID: guli.ID(station)}
			case !isNotFound(err):
				return err
			}
			if err := guli.CheckPostActivity(in, a); err != nil {
				return err
			}
		}
		now := s.db.now()
		staff := actor.WorksAt(in.StationID)
		if !staff {
			if err := charge(ctx, q, posting(actor.ID), now); err != nil {
				return err
			}
		}
		id, err := q.insert(ctx, `INSERT INTO posts (station_id, author_id, author_staff, kind, urgent, title, body, body_html, activity_id, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, in.StationID, actor.ID, boolInt(staff), in.Kind, boolInt(in.Urgent), in.Title, in.Body, html, nullID(in.ActivityID), ms(now))
		if err != nil {
			return err
		}
		if len(in.PhotoIDs) > 0 {
			if err := AttachPhotos(ctx, q, id, in.StationID, actor.ID, in.PhotoIDs); err != nil {
				return err
			}
		}
		if in.ToldEveryone() {
			kind := guli.NotifySafetyAlert
			if in.Kind == guli.PostNotice {
				kind = guli.NotifyUrgentNotice
			}
			if err := alertResidents(ctx, q, now, kind, in.StationID, id, in.Title); err != nil {
				return err
			}
		}
		if guli.StaffOnlyPost(in.Kind) {
			// The station's group robot hears of its notices and alerts.
			if err := enqueueWeComMessage(ctx, q, now, in.StationID, "wecom."+in.Kind+"_posted", in.Title, guli.Excerpt(in.Body, wecomExcerpt), stationName); err != nil {
				return err
			}
		}
		out, err = s.load(ctx, q, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// wecomExcerpt is how much of a post's words its robot message carries:
// the group reads the rest on the board.
const wecomExcerpt = 600

// alertResidents tells every resident of a station of a safety alert or an
// urgent notice (kind): one INSERT … SELECT, however many they are, each
// row naming the post for its call list; closed accounts, whose row stays
// in its area, are nobody to tell or to call. Those of them who take e-mail
// are e-mailed it too, by the job the transaction's notifications make.
func alertResidents(ctx context.Context, q runner, now time.Time, kind string, station, post guli.ID, title string) error {
	params, err := storeParams(guli.NotificationParams{PostID: post, PostTitle: title})
	if err != nil {
		return err
	}
	if _, err = q.exec(ctx, `INSERT INTO notifications (user_id, kind, params, created_at, post_id)
		SELECT u.id, ?, ?, ?, ? FROM users u JOIN areas a ON a.id = u.area_id WHERE a.station_id = ? AND u.closed_at IS NULL`,
		kind, params, ms(now), post, station); err != nil {
		return err
	}
	q.notifiedStation(station) // open pages of them all hear of it at once
	if q.st == nil {
		return nil
	}
	mailed, err := ids(ctx, q, `SELECT n.id FROM notifications n JOIN users u ON u.id = n.user_id
		WHERE n.post_id = ? AND u.email <> '' AND u.email_off = 0`, post)
	q.st.notified = append(q.st.notified, mailed...)
	return err
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// orInvalid is err, or, when there was no error but nothing was found, a
// validation error of field.
func orInvalid(err error, field, reason string) error {
	if err != nil {
		return err
	}
	return guli.Invalid(field, reason)
}

// Posts lists a board's visible posts, newest first.
func (s *Posts) Posts(ctx context.Context, f guli.PostFilter) (guli.Page[*guli.Post], error) {
	var page guli.Page[*guli.Post]
	if f.Kind != "" && !slices.Contains(guli.PostKinds, f.Kind) {
		return page, guli.Invalid("kind", guli.FRInvalid)
	}
	before, err := newestFirst(f.Cursor)
	if err != nil {
		return page, err
	}
	limit := f.PageSize()
	key := listKey{of: f.StationID, which: f.Kind, cursor: f.Cursor, limit: limit}
	return s.boards.get(ctx, s.db, key, func(ctx context.Context) (guli.Page[*guli.Post], error) {
		where, args := []string{"p.status = ?", "p.id < ?"}, []any{guli.PostVisible, before}
		if f.StationID != 0 {
			where, args = append(where, "p.station_id = ?"), append(args, f.StationID)
		}
		if f.Kind != "" {
			where, args = append(where, "p.kind = ?"), append(args, f.Kind)
		}
		var page guli.Page[*guli.Post]
		var err error
		page.Items, err = list(ctx, s.db.read(), scanPost,
			"SELECT "+postColumns+postFrom+" WHERE "+strings.Join(where, " AND ")+" ORDER BY p.id DESC LIMIT ?", append(args, limit+1)...)
		if err == nil {
			err = withPhotos(ctx, s.db.read(), page.Items...)
		}
		if err != nil {
			return page, s.db.mapErr(err)
		}
		return trim(page, limit, func(p *guli.Post) []string { return []string{p.ID.String()} }), nil
	})
}

// Post returns one post to those it is visible to; to anyone else it does
// not exist. A signed-in reader learns whether they reported it.
func (s *Posts) Post(ctx context.Context, id guli.ID) (*guli.Post, error) {
	p, err := s.posts.get(ctx, s.db, id, func(ctx context.Context) (*guli.Post, error) { return s.load(ctx, s.db.read(), id) })
	if err != nil {
		return nil, err
	}
	viewer := guli.UserFromContext(ctx)
	if !p.VisibleTo(viewer) {
		return nil, hidden()
	}
	if viewer == nil || !p.Open() || viewer.ID == p.AuthorID {
		return p, nil
	}
	reported, err := s.db.read().exists(ctx, "SELECT 1 FROM post_reports WHERE post_id = ? AND user_id = ?", id, viewer.ID)
	if err != nil || !reported {
		return p, s.db.mapErr(err)
	}
	mine := *p
	mine.ReportedByMe = true
	return &mine, nil
}

// change locks a post, lets decide check it against the actor and write
// the change, and returns the post as it then is.
func (s *Posts) change(ctx context.Context, id guli.ID, decide func(q runner, p *guli.Post, actor *guli.User, now time.Time) error) (*guli.Post, error) {
	return lockedChange(ctx, s.db, "posts", id, s.load, decide)
}

// DeletePost takes a post down, by its author or staff of its station;
// staff taking down someone else's post are audited.
func (s *Posts) DeletePost(ctx context.Context, id guli.ID) error {
	_, err := s.change(ctx, id, func(q runner, p *guli.Post, actor *guli.User, now time.Time) error {
		if err := p.CheckDelete(actor); err != nil {
			return err
		}
		if _, err := q.exec(ctx, "UPDATE posts SET status = ? WHERE id = ?", guli.PostDeleted, id); err != nil {
			return err
		}
		if actor.ID != p.AuthorID {
			return audit(ctx, q, now, actor, "post.delete", p.AuthorID, p.ID.String())
		}
		return nil
	})
	return err
}

// AddComment comments on an open post; residents' comments are
// rate-limited.
func (s *Posts) AddComment(ctx context.Context, postID guli.ID, in guli.CommentInput) (*guli.Comment, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var out *guli.Comment
	_, err := s.change(ctx, postID, func(q runner, p *guli.Post, actor *guli.User, now time.Time) error {
		if err := p.CheckComment(actor); err != nil {
			return err
		}
		if !p.Moderates(actor) {
			if err := charge(ctx, q, commenting(actor.ID), now); err != nil {
				return err
			}
		}
		id, err := q.insert(ctx, "INSERT INTO post_comments (post_id, author_id, body, created_at) VALUES (?, ?, ?, ?)", postID, actor.ID, in.Body, ms(now))
		if err != nil {
			return err
		}
		if _, err := q.exec(ctx, "UPDATE posts SET comments = comments + 1 WHERE id = ?", postID); err != nil {
			return err
		}
		out = &guli.Comment{ID: id, PostID: postID, AuthorID: actor.ID, Author: actor.Name, Body: in.Body, CreatedAt: now.In(p.CreatedAt.Location())}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Comments lists a post's comments, oldest first, as a conversation reads.
func (s *Posts) Comments(ctx context.Context, postID guli.ID, opts guli.ListOptions) (guli.Page[*guli.Comment], error) {
	var page guli.Page[*guli.Comment]
	if _, err := s.Post(ctx, postID); err != nil {
		return page, err
	}
	after, err := guli.IDCursor(opts.Cursor)
	if err != nil {
		return page, err
	}
	limit := opts.PageSize()
	return s.comments.get(ctx, s.db, listKey{of: postID, cursor: opts.Cursor, limit: limit}, func(ctx context.Context) (guli.Page[*guli.Comment], error) {
		var page guli.Page[*guli.Comment]
		var err error
		page.Items, err = list(ctx, s.db.read(), func(row interface{ Scan(...any) error }) (*guli.Comment, error) {
			var c guli.Comment
			var id, post, author, created int64
			var tz string
			if err := row.Scan(&id, &post, &author, &c.Author, &c.Body, &created, &tz); err != nil {
				return nil, err
			}
			c.ID, c.PostID, c.AuthorID, c.CreatedAt = guli.ID(id), guli.ID(post), guli.ID(author), fromMS(created).In(guli.Zone(tz))
			return &c, nil
		}, `SELECT c.id, c.post_id, c.author_id, u.name, c.body, c.created_at, s.timezone
			FROM post_comments c JOIN users u ON u.id = c.author_id JOIN posts p ON p.id = c.post_id JOIN stations s ON s.id = p.station_id
			WHERE c.post_id = ? AND c.id > ? ORDER BY c.id LIMIT ?`, postID, after, limit+1)
		if err != nil {
			return page, s.db.mapErr(err)
		}
		return trim(page, limit, func(c *guli.Comment) []string { return []string{c.ID.String()} }), nil
	})
}

// Report records one person's report of a post; the report that brings
// the reports since staff last decided to guli.HoldAfterReports holds the
// post back until staff decide.
func (s *Posts) Report(ctx context.Context, postID guli.ID, in guli.ReportInput) error {
	if err := in.Validate(); err != nil {
		return err
	}
	_, err := s.change(ctx, postID, func(q runner, p *guli.Post, actor *guli.User, now time.Time) error {
		already, err := q.exists(ctx, "SELECT 1 FROM post_reports WHERE post_id = ? AND user_id = ?", postID, actor.ID)
		if err != nil {
			return err
		}
		if err := p.CheckReport(actor, already); err != nil {
			return err
		}
		if _, err := q.exec(ctx, "INSERT INTO post_reports (post_id, user_id, reason, created_at) VALUES (?, ?, ?, ?)", postID, actor.ID, in.Reason, ms(now)); err != nil {
			return err
		}
		status := p.Status
		if p.HoldsAfterReport(p.Unreviewed + 1) {
			status = guli.PostHeld
		}
		_, err = q.exec(ctx, "UPDATE posts SET reports = reports + 1, unreviewed = unreviewed + 1, status = ? WHERE id = ?", status, postID)
		return err
	})
	return err
}

// Moderation lists a station's posts waiting for staff, and those hidden.
func (s *Posts) Moderation(ctx context.Context, stationID guli.ID, opts guli.ListOptions) (guli.Page[*guli.Post], error) {
	var page guli.Page[*guli.Post]
	actor, err := guli.RequireUser(ctx)
	if err != nil {
		return page, err
	}
	if err := actor.ActsAt(stationID); err != nil {
		return page, err
	}
	before, err := newestFirst(opts.Cursor)
	if err != nil {
		return page, err
	}
	limit := opts.PageSize()
	page.Items, err = list(ctx, s.db.read(), scanPost, "SELECT "+postColumns+postFrom+
		` WHERE p.station_id = ? AND p.id < ? AND (p.status IN (?, ?) OR (p.status = ? AND p.unreviewed > 0))
		ORDER BY p.id DESC LIMIT ?`, stationID, before, guli.PostHeld, guli.PostHidden, guli.PostVisible, limit+1)
	if err == nil {
		err = withPhotos(ctx, s.db.read(), page.Items...)
	}
	if err != nil {
		return page, s.db.mapErr(err)
	}
	return trim(page, limit, func(p *guli.Post) []string { return []string{p.ID.String()} }), nil
}

// Reports lists who reported a post and why, for its station's staff.
func (s *Posts) Reports(ctx context.Context, postID guli.ID) ([]*guli.PostReport, error) {
	actor, err := guli.RequireUser(ctx)
	if err != nil {
		return nil, err
	}
	p, err := s.load(ctx, s.db.read(), postID)
	if err != nil {
		return nil, err
	}
	if err := p.CheckModerate(actor); err != nil {
		return nil, err
	}
	loc := p.CreatedAt.Location()
	out, err := list(ctx, s.db.read(), func(row interface{ Scan(...any) error }) (*guli.PostReport, error) {
		var r guli.PostReport
		var at int64
		err := row.Scan(&r.Reporter, &r.Reason, &at)
		r.CreatedAt = fromMS(at).In(loc)
		return &r, err
	}, `SELECT u.name, r.reason, r.created_at FROM post_reports r JOIN users u ON u.id = r.user_id
		WHERE r.post_id = ? ORDER BY r.created_at, r.user_id LIMIT 500`, postID)
	return out, s.db.mapErr(err)
}

// Hide takes a post off the board by staff's decision (audited).
func (s *Posts) Hide(ctx context.Context, postID guli.ID) (*guli.Post, error) {
	return s.moderate(ctx, postID, guli.PostHidden, "post.hide")
}

// Restore puts a held or hidden post back (audited); the reports so far
// are settled, so only new ones can hold it again.
func (s *Posts) Restore(ctx context.Context, postID guli.ID) (*guli.Post, error) {
	return s.moderate(ctx, postID, guli.PostVisible, "post.restore")
}

func (s *Posts) moderate(ctx context.Context, postID guli.ID, status, action string) (*guli.Post, error) {
	return s.change(ctx, postID, func(q runner, p *guli.Post, actor *guli.User, now time.Time) error {
		if err := p.CheckModerate(actor); err != nil {
			return err
		}
		if _, err := q.exec(ctx, "UPDATE posts SET status = ?, unreviewed = 0, moderated_by = ?, moderated_at = ? WHERE id = ?",
			status, actor.ID, ms(now), postID); err != nil {
			return err
		}
		return audit(ctx, q, now, actor, action, p.AuthorID, p.ID.String())
	})
}
