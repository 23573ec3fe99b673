package api

import (
	"net/http"
	"time"

	"guli"
	"guli/web/core"
)

// auditEntryView is a line of the audit log; its time is in China's zone.
type auditEntryView struct {
	ID        core.WireID `json:"id"`
	ActorID   core.WireID `json:"actor_id"`
	ActorName string      `json:"actor_name"`
	Action    string      `json:"action"`
	SubjectID core.WireID `json:"subject_id"`
	Detail    string      `json:"detail"`
	CreatedAt time.Time   `json:"created_at"`
}

func viewAuditEntry(e *guli.AuditEntry) auditEntryView {
	return auditEntryView{ID: core.WireID(e.ID), ActorID: core.WireID(e.ActorID), ActorName: e.ActorName, Action: e.Action,
		SubjectID: core.WireID(e.SubjectID), Detail: e.Detail, CreatedAt: e.CreatedAt.In(core.DefaultZone)}
}

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
	return listOf(page, err, viewAuditEntry)
}
