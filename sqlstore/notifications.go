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

// Notifications lists the acting user's notifications, newest first.
func (s *Notifications) Notifications(ctx context.Context, opts guli.ListOptions) (guli.Page[*guli.Notification], error) {
	var page guli.Page[*guli.Notification]
	me, err := guli.RequireUser(ctx)
	if err != nil {
		return page, err
	}
	before, err := newestFirst(opts.Cursor)
	if err != nil {
		return page, err
	}
	loc := guli.Zone(guli.DefaultTimezone)
	limit := opts.PageSize()
	page.Items, err = list(ctx, s.db.read(), func(row interface{ Scan(...any) error }) (*guli.Notification, error) {
		var n guli.Notification
		var id, created int64
		var params string
		var read bool
		if err := row.Scan(&id, &n.Kind, &params, &created, &read); err != nil {
			return nil, err
		}
		n.ID, n.UserID, n.CreatedAt, n.Read = guli.ID(id), me.ID, fromMS(created).In(loc), read
		p, err := parseParams(params)
		if err != nil {
			return nil, err
		}
		n.Params = p
		if n.Params.Timezone != "" && !n.Params.Start.IsZero() {
			n.Params.Start = n.Params.Start.In(guli.Zone(n.Params.Timezone))
		}
		return &n, nil
	}, `SELECT id, kind, params, created_at, read_at IS NOT NULL FROM notifications
		WHERE user_id = ? AND id < ? ORDER BY id DESC LIMIT ?`, me.ID, before, limit+1)
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
	args := []any{ms(s.db.now()), me.ID}
	for _, id := range ids {
		args = append(args, id)
	}
	return s.db.tx(ctx, func(q runner) error {
		res, err := q.exec(ctx, `UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL AND id IN (?`+
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
		err := s.db.read().row(ctx, "SELECT COUNT(*) FROM notifications WHERE user_id = ? AND read_at IS NULL", me.ID).Scan(&n)
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
