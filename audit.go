package guli

import (
	"context"
	"time"
)

// AuditEntry records a staff action on a person's data: who did what to
// whose data, and when. Entries are never changed or removed.
type AuditEntry struct {
	ID        ID        `json:"id"`
	ActorID   ID        `json:"actor_id"` // 0 for the command line and demo data
	ActorName string    `json:"actor_name"`
	Action    string    `json:"action"` // e.g. user.view, user.roles, user.create
	SubjectID ID        `json:"subject_id"`
	Detail    string    `json:"detail"`
	CreatedAt time.Time `json:"created_at"`
}

// AuditService reads the audit log, newest first. Admins read anyone's;
// a person reads who touched their own data.
type AuditService interface {
	AuditLog(ctx context.Context, subjectID ID, opts ListOptions) (Page[*AuditEntry], error)
}
