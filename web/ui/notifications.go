package ui

import (
	"net/http"

	"guli"
	"guli/web/core"
)

// ListNotifications lists the reader's notifications, unread ones marked.
func (h *Handlers) ListNotifications(w http.ResponseWriter, r *http.Request) error {
	if _, ok := h.requireLogin(w, r); !ok {
		return nil
	}
	v := h.NewView(r, "notifications.title", "me")
	page, err := h.Notifications.Notifications(r.Context(), guli.ListOptions{Limit: 100})
	if err != nil {
		return err
	}
	items := make([]core.NotificationView, len(page.Items))
	for i, n := range page.Items {
		items[i] = h.ViewNotification(v.Lang, n)
	}
	v.Data = items
	h.Render(w, r, http.StatusOK, "notifications", v)
	return nil
}

// NotificationsRead marks every notification read.
func (h *Handlers) NotificationsRead(w http.ResponseWriter, r *http.Request) error {
	if _, ok := h.requireLogin(w, r); !ok {
		return nil
	}
	if !h.parseForm(w, r) {
		return nil
	}
	ids := make([]guli.ID, 0, len(r.PostForm["id"]))
	for _, id := range r.PostForm["id"] {
		ids = append(ids, guli.ParseID(id))
	}
	if err := h.Notifications.MarkRead(r.Context(), ids); err != nil {
		return err
	}
	back(w, r, "/notifications", "")
	return nil
}
