package api

import (
	"net/http"

	"guli"
	"guli/web/core"
)

// ListAudit lists who touched a person's data: admins for anyone
// (?user_id= narrows it), everyone else for themself.
func (h *Handlers) ListAudit(w http.ResponseWriter, r *http.Request) (int, any, error) {
	opts, err := listOptions(r)
	if err != nil {
		return 0, nil, err
	}
	var subject guli.ID
	if v := r.URL.Query().Get("user_id"); v != "" {
		subject = guli.ParseID(v)
	}
	page, err := h.Audit.AuditLog(r.Context(), subject, opts)
	return listOf(page, err, func(e *guli.AuditEntry) *guli.AuditEntry {
		e.CreatedAt = e.CreatedAt.In(core.DefaultZone)
		return e
	})
}
