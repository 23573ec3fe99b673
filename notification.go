package guli

import (
	"context"
	"time"
)

// Kinds of in-app notification. Each has a title and body in the message
// catalogues ("notify.<kind>.title", "notify.<kind>.body") filled with Params.
const (
	NotifyPromoted          = "waitlist_promoted"
	NotifyActivityCancelled = "activity_cancelled"
	NotifyRegisteredByStaff = "registered_by_staff"
)

// Notification tells a person something happened. Params fill the
// catalogue's message in the reader's language.
type Notification struct {
	ID        ID
	UserID    ID
	Kind      string
	Params    NotificationParams
	CreatedAt time.Time
	Read      bool
}

// NotificationParams are the facts a notification's message names.
type NotificationParams struct {
	ActivityID    ID
	ActivityTitle string
	Start         time.Time
	Timezone      string
}

// NotificationService lists and marks the acting user's notifications.
type NotificationService interface {
	Notifications(ctx context.Context, opts ListOptions) (Page[*Notification], error)
	// MarkRead marks the acting user's notifications read; ids of anyone
	// else's are ignored.
	MarkRead(ctx context.Context, ids []ID) error
	UnreadCount(ctx context.Context) (int, error)
}
