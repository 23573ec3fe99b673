package web

import (
	"guli/web/core"
	"net/http"
	"time"

	"guli"
)

// notificationView is a notification in the reader's language.
type notificationView struct {
	ID        guli.ID   `json:"id"`
	Kind      string    `json:"kind"`
	Title     string    `json:"title"`
	Body      string    `json:"body"`
	CreatedAt time.Time `json:"created_at"`
	Read      bool      `json:"read"`
}

// viewNotification fills the catalogue's message for the notification's kind.
func (s *Server) viewNotification(lang string, n *guli.Notification) notificationView {
	when := ""
	if !n.Params.Start.IsZero() {
		when = s.Catalog.T(lang, "format.datetime", int(n.Params.Start.Month()), n.Params.Start.Day(),
			n.Params.Start.Hour(), n.Params.Start.Minute())
	}
	return notificationView{ID: n.ID, Kind: n.Kind, CreatedAt: n.CreatedAt, Read: n.Read,
		Title: s.Catalog.T(lang, "notify."+n.Kind+".title", n.Params.ActivityTitle),
		Body:  s.Catalog.T(lang, "notify."+n.Kind+".body", n.Params.ActivityTitle, when)}
}

func (s *Server) apiNotifications(w http.ResponseWriter, r *http.Request) (int, any, error) {
	opts, err := listOptions(r)
	if err != nil {
		return 0, nil, err
	}
	page, err := s.Notifications.Notifications(r.Context(), opts)
	lang := core.Info(r).Lang
	return listOf(page, err, func(n *guli.Notification) notificationView { return s.viewNotification(lang, n) })
}

func (s *Server) apiMarkRead(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var body struct {
		IDs []guli.ID `json:"ids"`
	}
	if err := decode(r, &body); err != nil {
		return 0, nil, err
	}
	if err := s.Notifications.MarkRead(r.Context(), body.IDs); err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, nil
}
