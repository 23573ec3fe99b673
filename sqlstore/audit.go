package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"guli"
)

// Audit implements guli.AuditService.
type Audit struct{ db *DB }

// NewAudit returns the audit log of db.
func NewAudit(db *DB) *Audit { return &Audit{db} }

var _ guli.AuditService = (*Audit)(nil)

// audit records a staff action on a person's data inside the transaction
// that does it, so the action and its record stand or fall together. The
// record alone does not move the data version: nothing kept shows the
// log, and a look at a resident's record would otherwise let go of all
// that was kept.
func audit(ctx context.Context, q runner, now time.Time, actor *guli.User, action string, subject guli.ID, detail string) error {
	q.moved = nil
	_, err := q.exec(ctx, `INSERT INTO audit_log (actor_id, action, subject_id, detail, created_at) VALUES (?, ?, ?, ?, ?)`,
		nullID(actor.ID), action, nullID(subject), detail, ms(now))
	return err
}

// AuditLog lists entries about subjectID (0: all, admins only), newest first.
func (s *Audit) AuditLog(ctx context.Context, subjectID guli.ID, opts guli.ListOptions) (guli.Page[*guli.AuditEntry], error) {
	var page guli.Page[*guli.AuditEntry]
	actor, err := guli.RequireUser(ctx)
	if err != nil {
		return page, err
	}
	if !actor.IsAdmin() && (subjectID == 0 || subjectID != actor.ID) {
		return page, guli.Errorf(guli.ECForbidden)
	}
	before, err := newestFirst(opts.Cursor)
	if err != nil {
		return page, err
	}
	limit := opts.PageSize()
	page.Items, err = list(ctx, s.db.read(), scanAudit, `SELECT a.id, a.actor_id, COALESCE(u.name, ''), a.action,
			a.subject_id, a.detail, a.created_at
		FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id
		WHERE a.id < ? AND (? = 0 OR a.subject_id = ?)
		ORDER BY a.id DESC LIMIT ?`, before, subjectID, subjectID, limit+1)
	if err != nil {
		return page, s.db.mapErr(err)
	}
	return trim(page, limit, func(e *guli.AuditEntry) []string { return []string{e.ID.String()} }), nil
}

func scanAudit(row interface{ Scan(...any) error }) (*guli.AuditEntry, error) {
	var (
		e              guli.AuditEntry
		id, created    int64
		actor, subject sql.NullInt64
	)
	err := row.Scan(&id, &actor, &e.ActorName, &e.Action, &subject, &e.Detail, &created)
	e.ID, e.ActorID, e.SubjectID, e.CreatedAt = guli.ID(id), guli.ID(actor.Int64), guli.ID(subject.Int64), fromMS(created)
	return &e, err
}
