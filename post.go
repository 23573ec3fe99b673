package guli

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// The notice board (居民活动分享) replaces the station's chat group:
// residents share tips and highlights of activities, staff post notices and
// safety alerts. A post others report often enough is held back until staff
// look at it; staff hide and restore posts from a moderation queue.

// Kinds of post.
const (
	PostTip         = "tip"          // a resident's tip
	PostHighlight   = "highlight"    // a resident's photos and words of an activity
	PostNotice      = "notice"       // the station's notice
	PostSafetyAlert = "safety_alert" // the station's warning, told to every resident
)

// PostKinds lists the kinds, in the order the board offers them.
var PostKinds = []string{PostNotice, PostSafetyAlert, PostHighlight, PostTip}

// StaffOnlyPost reports whether only staff of the station may post kind.
func StaffOnlyPost(kind string) bool { return kind == PostNotice || kind == PostSafetyAlert }

// The states of a post.
const (
	PostVisible = "visible"
	PostHeld    = "held"    // hidden by reports until staff decide
	PostHidden  = "hidden"  // hidden by staff
	PostDeleted = "deleted" // taken down by its author or staff; kept for the record
)

// Error codes of the notice board.
const ECAlreadyReported = "already_reported"

// HoldAfterReports is how many people must report a post, since staff last
// looked at it, for it to be held back until staff decide: one neighbour's
// grudge hides nothing, a few agreeing do.
const HoldAfterReports = 3

// Lengths of what the board takes, in characters.
const (
	MaxPostTitle   = 100
	MaxPostBody    = 5000
	MaxCommentBody = 1000
	MaxReportText  = 500
)

// Post is one post on a station's board.
type Post struct {
	ID          ID
	StationID   ID
	AuthorID    ID
	Author      string // the author's name
	AuthorStaff bool   // written by staff of the station: the station speaking
	Kind        string
	Urgent      bool // a notice told to every resident, and followed up by telephone
	Title       string
	Body        string // Markdown, as written
	BodyHTML    string // Body rendered and sanitised
	Status      string
	Reports     int // reports ever made
	Unreviewed  int // reports since staff last decided
	Comments    int
	PhotoIDs    []ID
	// ActivityID is the activity a highlight is of (0: none named), and
	// ActivityTitle its title: its record shows the highlight's photos.
	ActivityID    ID
	ActivityTitle string
	CreatedAt     time.Time
	ModeratedBy   ID
	ModeratedAt   time.Time
	ReportedByMe  bool // the reader has reported it; only in a reader's own answers
}

// PostInput is a new post.
type PostInput struct {
	StationID ID
	Kind      string
	Urgent    bool // only a notice may be urgent
	Title     string
	Body      string
	PhotoIDs  []ID
	// ActivityID names the activity a highlight is of; 0: none.
	ActivityID ID
}

// MaxFormPhotos is how many photos the board's write form takes at once,
// all in one request (MaxPhotosPerPost bounds a post).
const MaxFormPhotos = 4

// Validate checks what needs no database.
func (in *PostInput) Validate() error {
	p := Problems{}
	in.Title = strings.TrimSpace(in.Title)
	in.Body = strings.TrimSpace(in.Body)
	switch {
	case in.StationID == 0:
		p.Add("station_id", FRRequired)
	case in.StationID < 0:
		p.Add("station_id", FRInvalid)
	}
	switch {
	case in.Kind == "":
		p.Add("kind", FRRequired)
	case !slices.Contains(PostKinds, in.Kind):
		p.Add("kind", FRInvalid)
	}
	if in.Urgent && in.Kind != PostNotice {
		p.Add("urgent", FRInvalid) // an alert is urgent already; a neighbour's tip is not the station's
	}
	checkText(p, "title", in.Title, MaxPostTitle, true)
	checkText(p, "body", in.Body, MaxPostBody, in.Kind != PostHighlight || len(in.PhotoIDs) == 0)
	if len(in.PhotoIDs) > MaxPhotosPerPost {
		p.Add("photo_ids", FRTooLong)
	}
	if len(in.PhotoIDs) > 0 && in.Kind != PostHighlight && in.Kind != PostTip {
		p.Add("photo_ids", FRInvalid)
	}
	if in.ActivityID < 0 || in.ActivityID > 0 && in.Kind != PostHighlight {
		p.Add("activity_id", FRInvalid) // only a highlight is of an activity
	}
	return p.Err()
}

// CheckPostActivity says whether a post may name activity a (nil: there is
// none of its id): one of the post's own station.
func CheckPostActivity(in PostInput, a *Activity) error {
	if a == nil || a.StationID != in.StationID {
		return Invalid("activity_id", FRUnknownActivity)
	}
	return nil
}

// checkText records a missing or too long piece of text.
func checkText(p Problems, field, s string, max int, required bool) {
	switch {
	case s == "" && required:
		p.Add(field, FRRequired)
	case utf8.RuneCountInString(s) > max:
		p.Add(field, FRTooLong)
	}
}

// CheckPost says whether actor may post kind at a station: anyone signed
// in may share a tip or a highlight; notices and safety alerts are the
// station's, so only its staff (and admins) post them. Staff of another
// station are refused like residents: the station exists for everyone.
func CheckPost(actor *User, station ID, kind string) error {
	switch {
	case actor == nil:
		return Errorf(ECUnauthenticated)
	case StaffOnlyPost(kind) && !actor.WorksAt(station):
		return Errorf(ECForbidden)
	}
	return nil
}

// AuthorShownTo is the author's name as viewer is shown it: in full to
// anyone signed in, and for the station's own posts; to a passer-by a
// resident is their family name only (程**), as the board is public.
func (p *Post) AuthorShownTo(viewer *User) string {
	if viewer != nil || p.AuthorStaff {
		return p.Author
	}
	return MaskName(p.Author)
}

// MaskName keeps the first character of a name and hides the rest.
func MaskName(name string) string {
	r, size := utf8.DecodeRuneInString(name)
	if size == 0 {
		return ""
	}
	n := utf8.RuneCountInString(name) - 1
	return string(r) + strings.Repeat("*", max(n, 1))
}

// Moderates reports whether viewer looks after the post: staff of its
// station and admins.
func (p *Post) Moderates(viewer *User) bool { return viewer.WorksAt(p.StationID) }

// VisibleTo reports whether viewer may read the post: everyone while it is
// visible; its author and its station's staff while it is held or hidden;
// nobody once deleted.
func (p *Post) VisibleTo(viewer *User) bool {
	switch p.Status {
	case PostVisible:
		return true
	case PostDeleted:
		return false
	}
	return viewer != nil && (viewer.ID == p.AuthorID || p.Moderates(viewer))
}

// Open reports whether the post takes comments and reports: only while
// everyone can read it.
func (p *Post) Open() bool { return p.Status == PostVisible }

// CheckDelete says whether actor may take the post down: its author or
// staff of its station. Anyone else who can read it is forbidden; staff
// of another station are answered as if it did not exist.
func (p *Post) CheckDelete(actor *User) error {
	switch {
	case actor == nil:
		return Errorf(ECUnauthenticated)
	case !p.VisibleTo(actor):
		return Errorf(ECNotFound)
	case actor.ID == p.AuthorID || p.Moderates(actor):
		return nil
	case actor.IsStaff():
		return Errorf(ECNotFound)
	}
	return Errorf(ECForbidden)
}

// CheckModerate says whether actor may hide or restore the post.
func (p *Post) CheckModerate(actor *User) error {
	switch {
	case actor == nil:
		return Errorf(ECUnauthenticated)
	case p.Status == PostDeleted:
		return Errorf(ECNotFound)
	case p.Moderates(actor):
		return nil
	case actor.IsStaff() || !p.VisibleTo(actor):
		return Errorf(ECNotFound)
	}
	return Errorf(ECForbidden)
}

// CheckComment says whether actor may comment on the post.
func (p *Post) CheckComment(actor *User) error {
	switch {
	case actor == nil:
		return Errorf(ECUnauthenticated)
	case !p.VisibleTo(actor):
		return Errorf(ECNotFound)
	case !p.Open():
		return Errorf(ECForbidden)
	}
	return nil
}

// CheckReport says whether actor may report the post: anyone who reads it
// while it is open, but not its author, and once each.
func (p *Post) CheckReport(actor *User, already bool) error {
	switch {
	case actor == nil:
		return Errorf(ECUnauthenticated)
	case !p.VisibleTo(actor):
		return Errorf(ECNotFound)
	case !p.Open() || actor.ID == p.AuthorID:
		return Errorf(ECForbidden)
	case already:
		return Errorf(ECAlreadyReported)
	}
	return nil
}

// HoldsAfterReport reports whether a post with unreviewed reports, this
// one included, is held back until staff decide. Posts of the station's
// staff are not: a notice must not vanish because a few disagree with it.
func (p *Post) HoldsAfterReport(unreviewed int) bool {
	return p.Status == PostVisible && !p.AuthorStaff && unreviewed >= HoldAfterReports
}

// CommentInput is a comment on a post.
type CommentInput struct{ Body string }

// Validate checks the comment's text.
func (in *CommentInput) Validate() error {
	p := Problems{}
	in.Body = strings.TrimSpace(in.Body)
	checkText(p, "body", in.Body, MaxCommentBody, true)
	return p.Err()
}

// ReportInput says why a post should not be on the board.
type ReportInput struct{ Reason string }

// Validate checks the reason.
func (in *ReportInput) Validate() error {
	p := Problems{}
	in.Reason = strings.TrimSpace(in.Reason)
	checkText(p, "reason", in.Reason, MaxReportText, true)
	return p.Err()
}

// Comment is one comment on a post.
type Comment struct {
	ID        ID
	PostID    ID
	AuthorID  ID
	Author    string
	Body      string
	CreatedAt time.Time
}

// PostReport is one report of a post, for staff.
type PostReport struct {
	Reporter  string
	Reason    string
	CreatedAt time.Time
}

// PostFilter narrows the board.
type PostFilter struct {
	StationID ID // 0: every station
	Kind      string
	ListOptions
}

// Posting floods nobody's board: residents post a few times an hour and
// comment more often; each post and comment counts, not only refusals.
var (
	ThrottlePosts    = ThrottleRule{Scope: "posts", Free: 5, First: 10 * time.Minute, Max: time.Hour, Window: time.Hour}
	ThrottleComments = ThrottleRule{Scope: "comments", Free: 30, First: time.Minute, Max: time.Hour, Window: time.Hour}
)

// PostService is the notice board.
type PostService interface {
	// CreatePost posts to a station's board; a safety alert is told to
	// every resident of the station in the same transaction.
	CreatePost(ctx context.Context, in PostInput) (*Post, error)
	// Posts lists visible posts, newest first.
	Posts(ctx context.Context, f PostFilter) (Page[*Post], error)
	// Post returns one post the reader may see.
	Post(ctx context.Context, id ID) (*Post, error)
	DeletePost(ctx context.Context, id ID) error
	Comments(ctx context.Context, postID ID, opts ListOptions) (Page[*Comment], error)
	AddComment(ctx context.Context, postID ID, in CommentInput) (*Comment, error)
	Report(ctx context.Context, postID ID, in ReportInput) error
	// Moderation lists, for staff, the station's posts that wait for a
	// decision (held, or reported since the last one) and those hidden,
	// newest first.
	Moderation(ctx context.Context, stationID ID, opts ListOptions) (Page[*Post], error)
	Reports(ctx context.Context, postID ID) ([]*PostReport, error)
	// Hide and Restore are staff's decisions; either clears the reports
	// made so far.
	Hide(ctx context.Context, postID ID) (*Post, error)
	Restore(ctx context.Context, postID ID) (*Post, error)
}
