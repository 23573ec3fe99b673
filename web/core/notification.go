package core

import (
	"time"

	"guli"
)

// NotificationView is a notification in the reader's language.
type NotificationView struct {
	ID        WireID    `json:"id"`
	Kind      string    `json:"kind"`
	Title     string    `json:"title"`
	Body      string    `json:"body"`
	CreatedAt time.Time `json:"created_at"`
	Read      bool      `json:"read"`
}

// ViewNotification fills the catalogue's message for the notification's
// kind, alike for the API and the notifications page.
func (s *Core) ViewNotification(lang string, n *guli.Notification) NotificationView {
	when := ""
	if !n.Params.Start.IsZero() {
		when = s.Catalog.T(lang, "format.datetime", int(n.Params.Start.Month()), n.Params.Start.Day(),
			n.Params.Start.Hour(), n.Params.Start.Minute())
	}
	return NotificationView{ID: WireID(n.ID), Kind: n.Kind, CreatedAt: n.CreatedAt, Read: n.Read,
		Title: s.Catalog.T(lang, "notify."+n.Kind+".title", n.Params.ActivityTitle),
		Body:  s.Catalog.T(lang, "notify."+n.Kind+".body", n.Params.ActivityTitle, when)}
}
