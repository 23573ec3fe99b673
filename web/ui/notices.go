package ui

import (
	"context"
	"errors"
	"html/template"
	"io"
	"mime"
	"net/http"
	"slices"
	"strings"
	"time"

	"guli"
	"guli/web/core"
)

// Pages of the notice board (公告栏): the station's board by kind, a
// post with its comments and what the reader may do about it, the form to
// write one, and the staff's moderation queue. What may be done is what
// the domain says (CheckPost, Post.CheckComment and the rest), the rules
// the API answers by.

// noticeCard is one post as a page shows it. A board's cards are kept
// (View.Part) under Key: the post's row at the data version, and what
// else the card shows, the author's name as the reader sees it and how
// long ago it was posted.
type noticeCard struct {
	*guli.Post
	Author string // as the reader is shown it
	Ago    string
	Key    string
}

// Body is the post's text, rendered and sanitised when it was written.
func (c noticeCard) Body() template.HTML { return template.HTML(c.BodyHTML) }

func noticeCards(v *core.View, posts []*guli.Post) []noticeCard {
	cards := make([]noticeCard, len(posts))
	for i, p := range posts {
		c := noticeCard{Post: p, Author: p.AuthorShownTo(v.User), Ago: v.Ago(p.CreatedAt)}
		c.Key = strings.Join([]string{p.ID.String(), c.Author, c.Ago}, "\x1f")
		cards[i] = c
	}
	return cards
}

type boardData struct {
	Cards   []noticeCard
	Chips   []chip // the kinds
	Kind    string
	CanPost bool
	Staff   bool   // the reader moderates the station's board
	Older   string // the link to older posts, "" on the last page
}

// boardMost is how many posts a page of the board shows.
const boardMost = 20

// Board is the station's notice board, newest first, of one kind or all.
func (h *Handlers) Board(w http.ResponseWriter, r *http.Request) error {
	v := h.NewView(r, "part.notices", "notices")
	d := &boardData{}
	v.Data = d
	if v.Station == nil {
		h.Render(w, r, http.StatusOK, "notices", v)
		return nil
	}
	q := r.URL.Query()
	if k := q.Get("kind"); slices.Contains(guli.PostKinds, k) {
		d.Kind = k
	}
	link := func(kind string) string {
		if kind == "" {
			return "/notices"
		}
		return "/notices?kind=" + kind
	}
	d.Chips = append(d.Chips, chip{Href: link(""), Label: v.T("category.all"), Current: d.Kind == ""})
	for _, k := range guli.PostKinds {
		d.Chips = append(d.Chips, chip{Href: link(k), Label: v.T("postkind." + k), Current: k == d.Kind})
	}
	d.CanPost, d.Staff = v.User != nil, v.User.WorksAt(v.Station.ID)
	page, err := h.Posts.Posts(r.Context(), guli.PostFilter{StationID: v.Station.ID, Kind: d.Kind,
		ListOptions: guli.ListOptions{Limit: boardMost, Cursor: q.Get("cursor")}})
	if err != nil {
		h.FormError(v, err)
	}
	d.Cards = noticeCards(v, page.Items)
	if page.NextCursor != "" {
		d.Older = link(d.Kind)
		if strings.Contains(d.Older, "?") {
			d.Older += "&cursor=" + page.NextCursor
		} else {
			d.Older += "?cursor=" + page.NextCursor
		}
	}
	h.Render(w, r, http.StatusOK, "notices", v)
	return nil
}

// postActions are what the reader may do on a post's page.
type postActions struct {
	Comment, Report, Delete, Moderate bool
}

type noticePageData struct {
	Card     noticeCard
	Comments []*guli.Comment
	More     bool // more comments than the page shows
	Actions  postActions
	Reports  []*guli.PostReport // for staff
	Held     bool               // held or hidden: the author and staff are told why they still see it
	// Calls links staff to the call list of an alert or an urgent notice.
	Calls bool
}

// noticeComments is how many comments a post's page shows.
const noticeComments = guli.MaxLimit

// Notice is one post with its comments and the reader's buttons.
func (h *Handlers) Notice(w http.ResponseWriter, r *http.Request) error {
	h.renderNotice(w, r, http.StatusOK, nil)
	return nil
}

// renderNotice shows a post's page as it now is, with the error of a
// failed action above it or next to its field.
func (h *Handlers) renderNotice(w http.ResponseWriter, r *http.Request, status int, failure error) {
	p, err := h.Posts.Post(r.Context(), core.PathID(r, "id"))
	if err != nil {
		h.RenderError(w, r, core.StatusOf(guli.ErrorCode(err)))
		return
	}
	if p.NeedsCalls() && guli.UserFromContext(r.Context()) != nil {
		// Opened in the app: the call list no longer names the reader,
		// and the page's count of unread notices, read next, says so.
		if err := h.Notifications.MarkOpened(r.Context(), guli.CallTarget{Kind: guli.CallsOfPost, ID: p.ID}); err != nil {
			h.RenderError(w, r, core.StatusOf(guli.ErrorCode(err)))
			return
		}
	}
	v := h.NewView(r, "board.post_title", "notices")
	d := &noticePageData{Card: noticeCards(v, []*guli.Post{p})[0], Held: p.Status != guli.PostVisible,
		Calls: p.NeedsCalls() && guli.CheckCallList(v.User, p.StationID) == nil,
		Actions: postActions{
			Comment:  p.CheckComment(v.User) == nil,
			Report:   p.CheckReport(v.User, p.ReportedByMe) == nil,
			Delete:   p.CheckDelete(v.User) == nil,
			Moderate: p.CheckModerate(v.User) == nil,
		}}
	if comments, err := h.Posts.Comments(r.Context(), p.ID, guli.ListOptions{Limit: noticeComments}); err == nil {
		d.Comments, d.More = comments.Items, comments.NextCursor != ""
	}
	if d.Actions.Moderate && p.Reports > 0 {
		d.Reports, _ = h.Posts.Reports(r.Context(), p.ID)
	}
	for _, f := range []string{"body", "reason"} {
		v.Form[f] = r.PostFormValue(f)
	}
	if failure != nil {
		status = h.FormError(v, failure)
	}
	v.Data = d
	h.Render(w, r, status, "notice", v)
}

// noticeAction does one thing to the post of the path for the signed-in
// reader and reports whether it went well; if not, it has answered with
// the post's page and what went wrong.
func (h *Handlers) noticeAction(w http.ResponseWriter, r *http.Request, do func(ctx context.Context, id guli.ID) error) bool {
	if _, ok := h.requireLogin(w, r); !ok {
		return false
	}
	if !h.parseForm(w, r) {
		return false
	}
	if err := do(r.Context(), core.PathID(r, "id")); err != nil {
		h.renderNotice(w, r, 0, err)
		return false
	}
	return true
}

// noticeNext is where an action on a post goes back to: the page the form
// names (the moderation queue), else the post's page.
func noticeNext(r *http.Request) string {
	if next := r.PostForm.Get("next"); next != "" {
		return localPath(next)
	}
	return "/notices/" + core.PathID(r, "id").String()
}

func (h *Handlers) CommentNotice(w http.ResponseWriter, r *http.Request) error {
	comment := func(ctx context.Context, id guli.ID) error {
		_, err := h.Posts.AddComment(ctx, id, guli.CommentInput{Body: r.PostForm.Get("body")})
		return err
	}
	if h.noticeAction(w, r, comment) {
		back(w, r, noticeNext(r)+"#comments", "")
	}
	return nil
}

func (h *Handlers) ReportNotice(w http.ResponseWriter, r *http.Request) error {
	report := func(ctx context.Context, id guli.ID) error {
		err := h.Posts.Report(ctx, id, guli.ReportInput{Reason: r.PostForm.Get("reason")})
		if guli.ErrorCode(err) == guli.ECAlreadyReported {
			return nil // a second press of the same button
		}
		return err
	}
	if h.noticeAction(w, r, report) {
		// The report may have held the post: the board is where to go on.
		back(w, r, "/notices", "post_reported")
	}
	return nil
}

func (h *Handlers) DeleteNotice(w http.ResponseWriter, r *http.Request) error {
	if h.noticeAction(w, r, h.Posts.DeletePost) {
		next := "/notices"
		if n := r.PostForm.Get("next"); n != "" {
			next = localPath(n)
		}
		back(w, r, next, "post_deleted")
	}
	return nil
}

func (h *Handlers) HideNotice(w http.ResponseWriter, r *http.Request) error {
	hide := func(ctx context.Context, id guli.ID) error { _, err := h.Posts.Hide(ctx, id); return err }
	if h.noticeAction(w, r, hide) {
		back(w, r, noticeNext(r), "post_hidden")
	}
	return nil
}

func (h *Handlers) RestoreNotice(w http.ResponseWriter, r *http.Request) error {
	restore := func(ctx context.Context, id guli.ID) error { _, err := h.Posts.Restore(ctx, id); return err }
	if h.noticeAction(w, r, restore) {
		back(w, r, noticeNext(r), "post_restored")
	}
	return nil
}

type newNoticeData struct {
	Kinds []string // those the reader may post here
	// Activities are the station's of the last weeks, newest first, that
	// a highlight may be of.
	Activities []*guli.Activity
	// Urgent offers to tell a notice to every resident: to those who may
	// post notices.
	Urgent bool
	// Photos were uploaded with a form that was refused: the form keeps
	// them, so nobody chooses them again.
	Photos []guli.ID
}

// newNoticeView is the write form's view for the signed-in reader,
// offering the kinds they may post at the station; ok is false when it
// has answered (to sign in, or that there is no station).
func (h *Handlers) newNoticeView(w http.ResponseWriter, r *http.Request) (v *core.View, d *newNoticeData, ok bool) {
	if _, ok := h.requireLogin(w, r); !ok {
		return nil, nil, false
	}
	v = h.NewView(r, "board.new_title", "notices")
	if v.Station == nil {
		h.RenderError(w, r, http.StatusNotFound)
		return nil, nil, false
	}
	d = &newNoticeData{}
	for _, k := range guli.PostKinds {
		if guli.CheckPost(v.User, v.Station.ID, k) == nil {
			d.Kinds = append(d.Kinds, k)
		}
	}
	now := h.TimeNow()
	if page, err := h.Activities.Activities(r.Context(), guli.ActivityFilter{StationID: v.Station.ID, From: now.AddDate(0, 0, -highlightDays), To: now},
		guli.ListOptions{Limit: guli.MaxLimit}); err == nil {
		for i := len(page.Items) - 1; i >= 0 && len(d.Activities) < highlightChoices; i-- {
			if a := page.Items[i]; a.Status != guli.ActivityCancelled {
				d.Activities = append(d.Activities, a)
			}
		}
	}
	d.Urgent = slices.Contains(d.Kinds, guli.PostNotice)
	v.Data = d
	return v, d, true
}

// A highlight may be of one of the station's activities of the last
// highlightDays, the highlightChoices newest.
const (
	highlightDays    = 30
	highlightChoices = 40
)

// NewNotice is the form to write a post; ?kind= chooses the kind.
func (h *Handlers) NewNotice(w http.ResponseWriter, r *http.Request) error {
	v, d, ok := h.newNoticeView(w, r)
	if !ok {
		return nil
	}
	v.Form["kind"] = guli.PostTip
	if k := r.URL.Query().Get("kind"); slices.Contains(d.Kinds, k) {
		v.Form["kind"] = k
	}
	h.Render(w, r, http.StatusOK, "notice_new", v)
	return nil
}

// NewNoticePost posts the write form: URL-encoded, or, with photos, a
// multipart form whose photos are uploaded as they arrive.
func (h *Handlers) NewNoticePost(w http.ResponseWriter, r *http.Request) error {
	v, d, ok := h.newNoticeView(w, r)
	if !ok {
		return nil
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" {
		field, err := h.readNoticeForm(r, v, d)
		if field != "" {
			h.RefuseText(w, r, field)
			return nil
		}
		if err != nil {
			h.renderNoticeForm(w, r, v, err)
			return nil
		}
	} else {
		if !h.parseForm(w, r) {
			return nil
		}
		for _, f := range []string{"kind", "urgent", "title", "body", "activity_id"} {
			v.Form[f] = r.PostForm.Get(f)
		}
		for _, id := range r.PostForm["photo_id"] {
			d.keepPhoto(id)
		}
	}
	in := guli.PostInput{StationID: v.Station.ID, Kind: v.Form["kind"], Urgent: v.Form["urgent"] != "", Title: v.Form["title"], Body: v.Form["body"], PhotoIDs: d.Photos}
	if in.Kind == guli.PostHighlight && v.Form["activity_id"] != "" {
		// Only a highlight is of an activity; the form offers the
		// choice whatever the kind, and other kinds leave it.
		in.ActivityID = guli.ParseID(v.Form["activity_id"])
	}
	p, err := h.Posts.CreatePost(r.Context(), in)
	if err != nil {
		if guli.AsError(err).Fields["photo_ids"] != "" {
			d.Photos = nil // not the reader's to post: offered no more
		}
		h.renderNoticeForm(w, r, v, err)
		return nil
	}
	back(w, r, "/notices/"+p.ID.String(), "post_created")
	return nil
}

// keepPhoto takes a photo the form kept from a refused try, once; ids
// that are not ids are left out (whose they are, the post decides).
func (d *newNoticeData) keepPhoto(s string) {
	if id := guli.ParseID(s); id > 0 && !slices.Contains(d.Photos, id) && len(d.Photos) < guli.MaxPhotosPerPost {
		d.Photos = append(d.Photos, id)
	}
}

// renderNoticeForm shows the write form again with what went wrong; the
// API's photo_ids is the form's photo field.
func (h *Handlers) renderNoticeForm(w http.ResponseWriter, r *http.Request, v *core.View, err error) {
	status := h.FormError(v, err)
	v.RenameErrors(map[string]string{"photo_ids": "photo"})
	if msg := v.Errors["urgent"]; msg != "" && !v.Data.(*newNoticeData).Urgent {
		v.Alert = msg // a form without the box: said above it
	}
	h.Render(w, r, status, "notice_new", v)
}

// noticeFormParts bounds the parts of the write form read: its four
// fields, the photos kept from a refused try, the new ones, and a few a
// browser may add.
const noticeFormParts = 4 + guli.MaxPhotosPerPost + guli.MaxFormPhotos + 4

// readNoticeForm reads the multipart write form into v.Form and d,
// uploading each photo chosen as it comes. A field of text that is not
// text is named by field; a photo refused, or a form that cannot be read,
// is err (naming "photo"); the photos uploaded before it are kept in d.
func (h *Handlers) readNoticeForm(r *http.Request, v *core.View, d *newNoticeData) (field string, err error) {
	form, err := r.MultipartReader()
	if err != nil {
		return "", guli.Invalid("photo", guli.FRInvalid)
	}
	added := 0
	for range noticeFormParts {
		part, err := form.NextPart()
		if errors.Is(err, io.EOF) {
			return "", nil
		}
		if err != nil {
			return "", formReadError(err)
		}
		switch name := part.FormName(); name {
		case "kind", "urgent", "title", "body", "photo_id", "activity_id":
			b, err := io.ReadAll(io.LimitReader(part, noticeFieldBytes))
			if err != nil {
				return "", formReadError(err)
			}
			if !guli.ValidText(string(b)) {
				return name, nil
			}
			if name == "photo_id" {
				d.keepPhoto(string(b))
				continue
			}
			v.Form[name] = string(b)
		case "photo":
			if part.FileName() == "" {
				continue // the field left empty
			}
			if added == 0 {
				// The words come before the photos: a post that cannot be
				// made with them is refused before a photo is uploaded,
				// so a form sent again and again, a title missing, does
				// not spend the uploader's photos of the hour.
				if err := checkBeforePhotos(v); err != nil {
					return "", err
				}
			}
			if added == guli.MaxFormPhotos || len(d.Photos) == guli.MaxPhotosPerPost {
				return "", guli.Invalid("photo", guli.FRTooLong)
			}
			p, err := h.Photos.Upload(r.Context(), v.Station.ID, part)
			if err != nil {
				return "", photoFieldError(err)
			}
			d.Photos, added = append(d.Photos, p.ID), added+1
		}
	}
	return "", guli.Invalid("photo", guli.FRTooLong)
}

// photoFieldError says an upload refused for what was sent (not a picture,
// too many pixels, too many bytes) next to the form's photo field; other
// errors (the throttle, a busy server) stay as they are.
func photoFieldError(err error) error {
	if e := guli.AsError(err); e.Code == guli.ECUnsupportedImage || e.Code == guli.ECImageTooLarge || e.Code == guli.ECBodyTooLarge {
		return &guli.Error{Code: guli.ECValidation, Fields: map[string]string{"photo": e.Code}, Err: err}
	}
	return err
}

// checkBeforePhotos refuses, before a photo is uploaded, a form that no
// typing could make a post of: a kind the reader may not post, or one
// that takes no photos. A missing title or body is said afterwards, with
// the photos uploaded and kept in the form, so they are not sent again.
func checkBeforePhotos(v *core.View) error {
	in := guli.PostInput{StationID: v.Station.ID, Kind: v.Form["kind"], Urgent: v.Form["urgent"] != "", Title: v.Form["title"], Body: v.Form["body"], PhotoIDs: []guli.ID{0}}
	if e := guli.AsError(in.Validate()); e.Code == guli.ECValidation {
		p := guli.Problems{}
		for field, reason := range e.Fields {
			if field != "title" && field != "body" {
				p.Add(field, reason)
			}
		}
		if err := p.Err(); err != nil {
			return err
		}
	}
	return guli.CheckPost(v.User, in.StationID, in.Kind)
}

// noticeFieldBytes bounds a field of the write form: the body's 5,000
// characters, at up to four bytes each.
const noticeFieldBytes = 4*guli.MaxPostBody + 1

// formReadError tells a form that could not be read whole: too large, or
// not a form.
func formReadError(err error) error {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return &guli.Error{Code: guli.ECBodyTooLarge, Note: guli.NotePhoto, Err: err}
	}
	return guli.Invalid("photo", guli.FRInvalid)
}

type moderationCard struct {
	noticeCard
	Reports []*guli.PostReport
}

// DeskModeration is the staff's queue: their station's posts held by
// reports, reported since they last decided, or hidden, each with who
// reported it and why, and the buttons to hide or restore it.
func (h *Handlers) DeskModeration(w http.ResponseWriter, r *http.Request) error {
	if _, ok := h.requireStaff(w, r); !ok {
		return nil
	}
	v := h.NewView(r, "board.moderation_title", "desk")
	if v.Station == nil {
		h.RenderError(w, r, http.StatusNotFound)
		return nil
	}
	page, err := h.Posts.Moderation(r.Context(), v.Station.ID, guli.ListOptions{Limit: guli.MaxLimit})
	if err != nil {
		return err
	}
	cards := make([]moderationCard, len(page.Items))
	for i, c := range noticeCards(v, page.Items) {
		cards[i] = moderationCard{noticeCard: c}
		if c.Reports > 0 {
			if cards[i].Reports, err = h.Posts.Reports(r.Context(), c.ID); err != nil {
				return err
			}
		}
	}
	v.Data = cards
	h.Render(w, r, http.StatusOK, "desk_moderation", v)
	return nil
}

type weekData struct {
	From, To   time.Time
	Activities []*guli.Activity
	Posts      []noticeCard // the station's notices and residents' highlights of the last week
}

// Week is the board's "what's on" summary: the coming week's activities
// and the last week's notices and highlights, one page to read or print.
func (h *Handlers) Week(w http.ResponseWriter, r *http.Request) error {
	v := h.NewView(r, "board.week_title", "notices")
	if v.Station == nil {
		h.Render(w, r, http.StatusOK, "notices", v)
		return nil
	}
	now := h.TimeNow()
	d := &weekData{From: core.StartOfDay(now, v.Station.Location())}
	d.To = d.From.AddDate(0, 0, 7)
	v.Data = d
	acts, err := h.Activities.Activities(r.Context(), guli.ActivityFilter{StationID: v.Station.ID, From: d.From, To: d.To}, guli.ListOptions{Limit: guli.MaxLimit})
	if err != nil {
		h.FormError(v, err)
	}
	d.Activities = acts.Items
	posts, err := h.Posts.Posts(r.Context(), guli.PostFilter{StationID: v.Station.ID, ListOptions: guli.ListOptions{Limit: weekPosts}})
	if err != nil {
		h.FormError(v, err)
	}
	since := now.AddDate(0, 0, -7)
	var recent []*guli.Post
	for _, p := range posts.Items {
		if p.CreatedAt.After(since) && p.Kind != guli.PostTip {
			recent = append(recent, p)
		}
	}
	d.Posts = noticeCards(v, recent)
	h.Render(w, r, http.StatusOK, "notices_week", v)
	return nil
}

// weekPosts is how many of the newest posts the week's page looks through.
const weekPosts = 50
