package api

import (
	"net/http"

	"guli"
	"guli/web/core"
)

func (h *Handlers) ListNotifications(w http.ResponseWriter, r *http.Request) (int, any, error) {
	opts, err := listOptions(r)
	if err != nil {
		return 0, nil, err
	}
	var page guli.Page[*guli.Notification]
	if v := r.URL.Query().Get("user_id"); v != "" {
		// A guardian reads a dependent's.
		page, err = h.Notifications.NotificationsOf(r.Context(), guli.ParseID(v), opts)
	} else {
		page, err = h.Notifications.Notifications(r.Context(), opts)
	}
	lang := core.Info(r).Lang
	return listOf(page, err, func(n *guli.Notification) core.NotificationView { return h.ViewNotification(lang, n) })
}

func (h *Handlers) MarkRead(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var body struct {
		IDs []core.WireID `json:"ids"`
	}
	if err := decode(r, &body); err != nil {
		return 0, nil, err
	}
	if err := h.Notifications.MarkRead(r.Context(), core.DomainIDs(body.IDs)); err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, nil
}
