package guli

import (
	"context"
	"time"
)

// AuditEntry records a staff action on a person's data: who did what to
// whose data, and when. Entries are never changed or removed.
type AuditEntry struct {
	ID        ID
	ActorID   ID // 0 for the command line and demo data
	ActorName string
	Action    string // e.g. user.view, user.roles, user.create
	SubjectID ID
	Detail    string
	CreatedAt time.Time
}

// AuditService reads the audit log, newest first. Admins read anyone's;
// a person reads who touched their own data.
type AuditService interface {
	AuditLog(ctx context.Context, subjectID ID, opts ListOptions) (Page[*AuditEntry], error)
}
