package web

import (
	"net/http"

	"guli"
	"guli/web/core"
)

// pageNotifications lists the reader's notifications, unread ones marked.
func (s *Server) pageNotifications(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requireLogin(w, r); !ok {
		return
	}
	v := s.NewView(r, "notifications.title", "me")
	page, err := s.Notifications.Notifications(r.Context(), guli.ListOptions{Limit: 100})
	if err != nil {
		s.RenderError(w, r, core.StatusOf(guli.ErrorCode(err)))
		return
	}
	items := make([]core.NotificationView, len(page.Items))
	for i, n := range page.Items {
		items[i] = s.ViewNotification(v.Lang, n)
	}
	v.Data = items
	s.Render(w, r, http.StatusOK, "notifications", v)
}

// pageNotificationsRead marks every notification read.
func (s *Server) pageNotificationsRead(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.requireLogin(w, r); !ok {
		return
	}
	if !s.parseForm(w, r) {
		return
	}
	ids := make([]guli.ID, 0, len(r.PostForm["id"]))
	for _, id := range r.PostForm["id"] {
		ids = append(ids, guli.ParseID(id))
	}
	if err := s.Notifications.MarkRead(r.Context(), ids); err != nil {
		s.RenderError(w, r, core.StatusOf(guli.ErrorCode(err)))
		return
	}
	back(w, r, "/notifications", "")
}
