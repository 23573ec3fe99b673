package api

import (
	"net/http"
	"time"

	"guli"
	"guli/web/core"
)

// postView is a post on the board. Residents' names are for signed-in
// neighbours; a reader who is not signed in sees them masked.
type postView struct {
	ID           core.WireID   `json:"id"`
	StationID    core.WireID   `json:"station_id"`
	Kind         string        `json:"kind"`
	Urgent       bool          `json:"urgent"`
	Title        string        `json:"title"`
	Body         string        `json:"body"`
	BodyHTML     string        `json:"body_html"`
	AuthorID     *core.WireID  `json:"author_id,omitempty"`
	AuthorName   string        `json:"author_name"`
	FromStation  bool          `json:"from_station"`
	Status       string        `json:"status"`
	Comments     int           `json:"comment_count"`
	PhotoIDs     []core.WireID `json:"photo_ids"`
	Photos       []postPhoto   `json:"photos"`
	ActivityID   *core.WireID  `json:"activity_id"` // the activity a highlight is of
	CreatedAt    time.Time     `json:"created_at"`
	ReportedByMe bool          `json:"reported_by_me,omitempty"`
	Reports      *int          `json:"report_count,omitempty"` // for the station's staff
}

// postPhoto is where a post's photo is read.
type postPhoto struct {
	ID       core.WireID `json:"id"`
	URL      string      `json:"url"`
	ThumbURL string      `json:"thumb_url"`
}

func viewPost(p *guli.Post, viewer *guli.User) postView {
	v := postView{ID: core.WireID(p.ID), StationID: core.WireID(p.StationID), Kind: p.Kind, Urgent: p.Urgent, Title: p.Title, Body: p.Body,
		BodyHTML: p.BodyHTML, AuthorName: p.AuthorShownTo(viewer), FromStation: p.AuthorStaff, Status: p.Status,
		Comments: p.Comments, PhotoIDs: append([]core.WireID{}, core.WireIDs(p.PhotoIDs)...), ActivityID: core.OptionalWireID(p.ActivityID),
		CreatedAt: p.CreatedAt, ReportedByMe: p.ReportedByMe}
	v.Photos = make([]postPhoto, len(p.PhotoIDs))
	for i, id := range p.PhotoIDs {
		v.Photos[i] = postPhoto{ID: core.WireID(id), URL: PhotoURL(id), ThumbURL: ThumbURL(id)}
	}
	if viewer != nil {
		v.AuthorID = core.OptionalWireID(p.AuthorID)
	}
	if p.Moderates(viewer) {
		v.Reports = &p.Reports
	}
	return v
}

type commentView struct {
	ID         core.WireID `json:"id"`
	PostID     core.WireID `json:"post_id"`
	AuthorName string      `json:"author_name"`
	Body       string      `json:"body"`
	CreatedAt  time.Time   `json:"created_at"`
}

func viewComment(c *guli.Comment) commentView {
	return commentView{ID: core.WireID(c.ID), PostID: core.WireID(c.PostID), AuthorName: c.Author, Body: c.Body, CreatedAt: c.CreatedAt}
}

func (h *Handlers) CreatePost(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var body struct {
		StationID core.WireID   `json:"station_id"`
		Kind      string        `json:"kind"`
		Urgent    bool          `json:"urgent"`
		Title     string        `json:"title"`
		Body      string        `json:"body"`
		PhotoIDs  []core.WireID `json:"photo_ids"`
		// ActivityID names the activity a highlight is of.
		ActivityID *core.WireID `json:"activity_id"`
	}
	if err := decode(r, &body); err != nil {
		return 0, nil, err
	}
	in := guli.PostInput{StationID: guli.ID(body.StationID), Kind: body.Kind, Urgent: body.Urgent,
		Title: body.Title, Body: body.Body, PhotoIDs: core.DomainIDs(body.PhotoIDs)}
	if body.ActivityID != nil {
		in.ActivityID = guli.ID(*body.ActivityID)
	}
	p, err := h.Posts.CreatePost(r.Context(), in)
	viewer := guli.UserFromContext(r.Context())
	return created(view(p, err, func(p *guli.Post) postView { return viewPost(p, viewer) }))
}

func (h *Handlers) ListPosts(w http.ResponseWriter, r *http.Request) (int, any, error) {
	opts, err := listOptions(r)
	if err != nil {
		return 0, nil, err
	}
	q := r.URL.Query()
	f := guli.PostFilter{Kind: q.Get("kind"), ListOptions: opts}
	if v := q.Get("station_id"); v != "" {
		if f.StationID = guli.ParseID(v); f.StationID == guli.NoID {
			return 0, nil, guli.Invalid("station_id", guli.FRInvalid)
		}
	}
	page, err := h.Posts.Posts(r.Context(), f)
	viewer := guli.UserFromContext(r.Context())
	return listOf(page, err, func(p *guli.Post) postView { return viewPost(p, viewer) })
}

func (h *Handlers) Post(w http.ResponseWriter, r *http.Request) (int, any, error) {
	p, err := h.Posts.Post(r.Context(), core.PathID(r, "id"))
	viewer := guli.UserFromContext(r.Context())
	if err == nil && viewer != nil && p.NeedsCalls() {
		// Read in the app: the call list no longer names the reader.
		if err := h.Notifications.MarkOpened(r.Context(), guli.CallTarget{Kind: guli.CallsOfPost, ID: p.ID}); err != nil {
			return 0, nil, err
		}
	}
	return ok(view(p, err, func(p *guli.Post) postView { return viewPost(p, viewer) }))
}

func (h *Handlers) DeletePost(w http.ResponseWriter, r *http.Request) (int, any, error) {
	if err := h.Posts.DeletePost(r.Context(), core.PathID(r, "id")); err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, nil
}

func (h *Handlers) ListComments(w http.ResponseWriter, r *http.Request) (int, any, error) {
	opts, err := listOptions(r)
	if err != nil {
		return 0, nil, err
	}
	page, err := h.Posts.Comments(r.Context(), core.PathID(r, "id"), opts)
	return listOf(page, err, viewComment)
}

func (h *Handlers) AddComment(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var body struct {
		Body string `json:"body"`
	}
	if err := decode(r, &body); err != nil {
		return 0, nil, err
	}
	c, err := h.Posts.AddComment(r.Context(), core.PathID(r, "id"), guli.CommentInput{Body: body.Body})
	return created(view(c, err, viewComment))
}

func (h *Handlers) ReportPost(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var body struct {
		Reason string `json:"reason"`
	}
	if err := decode(r, &body); err != nil {
		return 0, nil, err
	}
	if err := h.Posts.Report(r.Context(), core.PathID(r, "id"), guli.ReportInput{Reason: body.Reason}); err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, struct {
		Reported bool `json:"reported"`
	}{true}, nil
}

func (h *Handlers) HidePost(w http.ResponseWriter, r *http.Request) (int, any, error) {
	p, err := h.Posts.Hide(r.Context(), core.PathID(r, "id"))
	viewer := guli.UserFromContext(r.Context())
	return ok(view(p, err, func(p *guli.Post) postView { return viewPost(p, viewer) }))
}

func (h *Handlers) RestorePost(w http.ResponseWriter, r *http.Request) (int, any, error) {
	p, err := h.Posts.Restore(r.Context(), core.PathID(r, "id"))
	viewer := guli.UserFromContext(r.Context())
	return ok(view(p, err, func(p *guli.Post) postView { return viewPost(p, viewer) }))
}

// moderationView is a post waiting for staff, with why.
type moderationView struct {
	postView
	Unreviewed int          `json:"unreviewed_reports"`
	Reports    []reportView `json:"reports"`
}

type reportView struct {
	Reporter  string    `json:"reporter_name"`
	Reason    string    `json:"reason"`
	CreatedAt time.Time `json:"created_at"`
}

func (h *Handlers) Moderation(w http.ResponseWriter, r *http.Request) (int, any, error) {
	opts, err := listOptions(r)
	if err != nil {
		return 0, nil, err
	}
	ctx, viewer := r.Context(), guli.UserFromContext(r.Context())
	page, err := h.Posts.Moderation(ctx, core.PathID(r, "id"), opts)
	if err != nil {
		return 0, nil, err
	}
	items := make([]moderationView, len(page.Items))
	for i, p := range page.Items {
		reports, err := h.Posts.Reports(ctx, p.ID)
		if err != nil {
			return 0, nil, err
		}
		items[i] = moderationView{postView: viewPost(p, viewer), Unreviewed: p.Unreviewed, Reports: make([]reportView, len(reports))}
		for j, rep := range reports {
			items[i].Reports[j] = reportView{Reporter: rep.Reporter, Reason: rep.Reason, CreatedAt: rep.CreatedAt}
		}
	}
	return http.StatusOK, listBody[moderationView]{Items: items, NextCursor: page.NextCursor}, nil
}
