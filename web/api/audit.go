package api

import (
	"net/http"
	"time"

	"guli"
	"guli/web/core"
)

// auditEntryView is a line of the audit log; its time is in China's zone.
type auditEntryView struct {
	ID          core.WireID `json:"id"`
	ActorID     core.WireID `json:"actor_id"`
	ActorName   string      `json:"actor_name"`
	Action      string      `json:"action"`
	SubjectID   core.WireID `json:"subject_id"`
	Detail      string      `json:"detail"`
	CreatedAt   time.Time   `json:"created_at"`
	SubjectName string      `json:"subject_name"`
}

func viewAuditEntry(e *guli.AuditEntry) auditEntryView {
	return auditEntryView{ID: core.WireID(e.ID), ActorID: core.WireID(e.ActorID), ActorName: e.ActorName, Action: e.Action,
		SubjectID: core.WireID(e.SubjectID), SubjectName: e.SubjectName, Detail: e.Detail, CreatedAt: e.CreatedAt.In(core.DefaultZone)}
}

// ListAudit lists who touched a person's data. Staff search the log
// (guli.AuditService.SearchAudit: the admin everything, staff their
// stations' people and their own actions) by ?user_id=, ?q= (name or
// phone), ?action=, ?actor_id=, ?from= and ?to=; everyone else reads
// the entries about themself (?user_id= their own id).
func (h *Handlers) ListAudit(w http.ResponseWriter, r *http.Request) (int, any, error) {
	u, err := guli.RequireUser(r.Context())
	if err != nil {
		return 0, nil, err
	}
	opts, err := listOptions(r)
	if err != nil {
		return 0, nil, err
	}
	q := r.URL.Query()
	var subject guli.ID
	if v := q.Get("user_id"); v != "" {
		subject = guli.ParseID(v)
	}
	if !u.IsStaff() {
		page, err := h.Audit.AuditLog(r.Context(), subject, opts)
		return listOf(page, err, viewAuditEntry)
	}
	f := guli.AuditFilter{SubjectID: subject, Person: q.Get("q"), Action: q.Get("action")}
	if v := q.Get("actor_id"); v != "" {
		f.ActorID = guli.ParseID(v)
	}
	if f.From, f.To, err = guli.AuditRange(q.Get("from"), q.Get("to"), core.DefaultZone); err != nil {
		return 0, nil, err
	}
	page, err := h.Audit.SearchAudit(r.Context(), f, opts)
	return listOf(page, err, viewAuditEntry)
}
