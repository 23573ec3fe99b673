package sqlstore

import (
	"context"
	"strings"

	"guli"
)

// Notifications implements guli.NotificationService.
//
// Every page shows the reader's count of unread notices: counts are kept
// while the data version holds (memo.go).
type Notifications struct {
	db     *DB
	unread memo[guli.ID, int]
}

// NewNotifications returns the notification service of db.
func NewNotifications(db *DB) *Notifications {
	return &Notifications{db: db, unread: memo[guli.ID, int]{max: 10000}}
}

var _ guli.NotificationService = (*Notifications)(nil)

// Notifications lists the acting user's notifications, newest first, and
// those of their active dependents that are the dependent's alone.
func (s *Notifications) Notifications(ctx context.Context, opts guli.ListOptions) (guli.Page[*guli.Notification], error) {
	me, err := guli.RequireUser(ctx)
	if err != nil {
		return guli.Page[*guli.Notification]{}, err
	}
	deps, err := activeDependentIDs(ctx, s.db.read(), me.ID)
	if err != nil {
		return guli.Page[*guli.Notification]{}, s.db.mapErr(err)
	}
	if len(deps) == 0 {
		return s.list(ctx, me.ID, nil, "user_id = ?", []any{me.ID}, opts)
	}
	names, deps, err := activeDependents(ctx, s.db.read(), me.ID)
	if err != nil {
		return guli.Page[*guli.Notification]{}, s.db.mapErr(err)
	}
	return s.list(ctx, me.ID, names, guardianSees(len(deps)), append(append([]any{me.ID}, deps...), me.ID), opts)
}

// guardianSees is the condition on notifications a guardian reads: their
// own and those of their n active dependents, the reader's id first, then
// the dependents', then the reader's again. A station's alerts name a
// post: the guardian has their own. What a guardian did for a dependent
// (guli.IsFamilyAct) is the dependent's news, not theirs.
func guardianSees(n int) string {
	return "user_id IN " + inList(n+1) + " AND (user_id = ? OR (post_id IS NULL AND kind NOT IN " + familyActKinds + "))"
}

// familyActKinds is guli.FamilyActKinds as an SQL list, of constants.
var familyActKinds = func() string {
	quoted := make([]string, len(guli.FamilyActKinds))
	for i, k := range guli.FamilyActKinds {
		quoted[i] = "'" + k + "'"
	}
	return "(" + strings.Join(quoted, ", ") + ")"
}()

// NotificationsOf lists one person's notifications, for themself or
// their guardian.
func (s *Notifications) NotificationsOf(ctx context.Context, userID guli.ID, opts guli.ListOptions) (guli.Page[*guli.Notification], error) {
	me, err := guli.RequireUser(ctx)
	if err != nil {
		return guli.Page[*guli.Notification]{}, err
	}
	acting, err := readActingFor(ctx, s.db.read(), me, userID)
	if err == nil && acting == guli.ActsAsStaff {
		err = hidden() // staff read no one's inbox
	}
	if err != nil {
		return guli.Page[*guli.Notification]{}, s.db.mapErr(err)
	}
	return s.list(ctx, me.ID, nil, "user_id = ?", []any{userID}, opts)
}

// list reads notifications of whose, newest first; names are those of
// the reader's dependents, to say whom one is for.
func (s *Notifications) list(ctx context.Context, reader guli.ID, names map[guli.ID]string, whose string, args []any, opts guli.ListOptions) (guli.Page[*guli.Notification], error) {
	var page guli.Page[*guli.Notification]
	before, err := newestFirst(opts.Cursor)
	if err != nil {
		return page, err
	}
	loc := guli.Zone(guli.DefaultTimezone)
	limit := opts.PageSize()
	page.Items, err = list(ctx, s.db.read(), func(row interface{ Scan(...any) error }) (*guli.Notification, error) {
		var n guli.Notification
		var id, user, created int64
		var params string
		var read bool
		if err := row.Scan(&id, &user, &n.Kind, &params, &created, &read); err != nil {
			return nil, err
		}
		n.ID, n.UserID, n.CreatedAt, n.Read = guli.ID(id), guli.ID(user), fromMS(created).In(loc), read
		if n.UserID != reader {
			n.ForName = names[n.UserID]
		}
		p, err := parseParams(params)
		if err != nil {
			return nil, err
		}
		n.Params = p
		if n.Params.Timezone != "" && !n.Params.Start.IsZero() {
			n.Params.Start = n.Params.Start.In(guli.Zone(n.Params.Timezone))
		}
		return &n, nil
	}, `SELECT id, user_id, kind, params, created_at, read_at IS NOT NULL FROM notifications
		WHERE `+whose+` AND id < ? ORDER BY id DESC LIMIT ?`, append(args, before, limit+1)...)
	if err != nil {
		return page, s.db.mapErr(err)
	}
	return trim(page, limit, func(n *guli.Notification) []string { return []string{n.ID.String()} }), nil
}

// MarkRead marks the acting user's notifications read.
func (s *Notifications) MarkRead(ctx context.Context, ids []guli.ID) error {
	me, err := guli.RequireUser(ctx)
	if err != nil {
		return err
	}
	if len(ids) > 500 {
		return guli.Invalid("ids", guli.FRTooLong)
	}
	if len(ids) == 0 {
		return nil
	}
	return s.db.tx(ctx, func(q runner) error {
		// A guardian reads their dependents' notifications too.
		deps, err := activeDependentIDs(ctx, q, me.ID)
		if err != nil {
			return err
		}
		args := append(append([]any{ms(s.db.now()), me.ID}, deps...), me.ID)
		for _, id := range ids {
			args = append(args, id)
		}
		res, err := q.exec(ctx, `UPDATE notifications SET read_at = ? WHERE `+guardianSees(len(deps))+` AND read_at IS NULL AND id IN (?`+
			strings.Repeat(", ?", len(ids)-1)+`)`, args...)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n > 0 {
			q.notified(me.ID) // the count on their other pages goes down
		}
		return nil
	})
}

// UnreadCount counts the acting user's unread notifications.
func (s *Notifications) UnreadCount(ctx context.Context) (int, error) {
	me, err := guli.RequireUser(ctx)
	if err != nil {
		return 0, err
	}
	return s.unread.get(ctx, s.db, me.ID, func(ctx context.Context) (int, error) {
		var n int
		q := s.db.read()
		deps, err := activeDependentIDs(ctx, q, me.ID)
		if err != nil {
			return 0, s.db.mapErr(err)
		}
		if len(deps) == 0 {
			err = q.row(ctx, "SELECT COUNT(*) FROM notifications WHERE user_id = ? AND read_at IS NULL", me.ID).Scan(&n)
		} else {
			err = q.row(ctx, "SELECT COUNT(*) FROM notifications WHERE "+guardianSees(len(deps))+" AND read_at IS NULL",
				append(append([]any{me.ID}, deps...), me.ID)...).Scan(&n)
		}
		return n, s.db.mapErr(err)
	})
}

// MarkOpened marks the acting user's notifications of what they opened
// read: an alert's or urgent notice's post, a cancelled activity. Opening
// a page stays a read: the kept count of unread notifications answers
// most readers, then one look by the index; only an unread one is written.
func (s *Notifications) MarkOpened(ctx context.Context, t guli.CallTarget) error {
	me := guli.UserFromContext(ctx)
	if me == nil || me.ID <= 0 {
		return nil
	}
	col, err := targetColumn(t)
	if err != nil {
		return err
	}
	if n, err := s.UnreadCount(ctx); err != nil || n == 0 {
		return err
	}
	unread, err := s.db.read().exists(ctx, "SELECT 1 FROM notifications WHERE "+col+" = ? AND user_id = ? AND read_at IS NULL", t.ID, me.ID)
	if err != nil || !unread {
		return s.db.mapErr(err)
	}
	return s.db.tx(ctx, func(q runner) error {
		res, err := q.exec(ctx, "UPDATE notifications SET read_at = ? WHERE "+col+" = ? AND user_id = ? AND read_at IS NULL",
			ms(s.db.now()), t.ID, me.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n > 0 {
			q.notified(me.ID)
		}
		return nil
	})
}

// targetColumn is the column of notifications and call ticks that names
// what a call list follows.
func targetColumn(t guli.CallTarget) (string, error) {
	switch {
	case t.ID <= 0:
		return "", hidden()
	case t.Kind == guli.CallsOfPost:
		return "post_id", nil
	case t.Kind == guli.CallsOfActivity:
		return "activity_id", nil
	}
	return "", guli.Invalid("kind", guli.FRInvalid)
}
