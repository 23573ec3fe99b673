package sqlstore

import (
	"context"
	"database/sql"
	"strings"
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
	kind := "thing"
	if guli.AuditAboutPerson(action, subject) {
		kind = "person"
	}
	_, err := q.exec(ctx, `INSERT INTO audit_log (actor_id, action, subject_id, subject_kind, detail, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		nullID(actor.ID), action, nullID(subject), kind, detail, ms(now))
	return err
}

// AuditLog lists entries about subjectID (0: all, admins only), newest first.
func (s *Audit) AuditLog(ctx context.Context, subjectID guli.ID, opts guli.ListOptions) (guli.Page[*guli.AuditEntry], error) {
	actor, err := guli.RequireUser(ctx)
	if err != nil {
		return guli.Page[*guli.AuditEntry]{}, err
	}
	if !actor.IsAdmin() && (subjectID == 0 || subjectID != actor.ID) {
		return guli.Page[*guli.AuditEntry]{}, guli.Errorf(guli.ECForbidden)
	}
	return s.search(ctx, actor, guli.AuditFilter{SubjectID: subjectID}, opts)
}

// SearchAudit searches the log for staff: an admin everything, staff the
// entries about the people of their stations (as guli.User.SeesPrivateDataOf
// decides) and their own actions.
func (s *Audit) SearchAudit(ctx context.Context, f guli.AuditFilter, opts guli.ListOptions) (guli.Page[*guli.AuditEntry], error) {
	actor, err := guli.RequireStaff(ctx)
	if err != nil {
		return guli.Page[*guli.AuditEntry]{}, err
	}
	if err := f.Validate(); err != nil {
		return guli.Page[*guli.AuditEntry]{}, err
	}
	return s.search(ctx, actor, f, opts)
}

func (s *Audit) search(ctx context.Context, actor *guli.User, f guli.AuditFilter, opts guli.ListOptions) (guli.Page[*guli.AuditEntry], error) {
	var page guli.Page[*guli.AuditEntry]
	before, err := newestFirst(opts.Cursor)
	if err != nil {
		return page, err
	}
	limit := opts.PageSize()
	where, args := []string{"a.id < ?"}, []any{before}
	if f.SubjectID != 0 {
		where, args = append(where, "a.subject_id = ? AND a.subject_kind = 'person'"), append(args, f.SubjectID)
	}
	if f.Person != "" {
		person := guli.FoldWidth(f.Person)
		where = append(where, `a.subject_kind = 'person' AND (p.name LIKE ? ESCAPE '\' OR p.phone LIKE ? ESCAPE '\')`)
		args = append(args, "%"+escapeLike(person)+"%", "%"+escapeLike(guli.NormalizePhone(person))+"%")
	}
	switch {
	case strings.HasSuffix(f.Action, "."):
		where, args = append(where, `a.action LIKE ? ESCAPE '\'`), append(args, escapeLike(f.Action)+"%")
	case f.Action != "":
		where, args = append(where, "a.action = ?"), append(args, f.Action)
	}
	if f.ActorID != 0 {
		where, args = append(where, "a.actor_id = ?"), append(args, f.ActorID)
	}
	if !f.From.IsZero() {
		where, args = append(where, "a.created_at >= ?"), append(args, ms(f.From))
	}
	if !f.To.IsZero() {
		where, args = append(where, "a.created_at < ?"), append(args, ms(f.To))
	}
	if !actor.IsAdmin() && actor.ID != f.SubjectID {
		// Staff: their own actions, and entries about people of their
		// stations.
		mine := "a.actor_id = ?"
		args = append(args, actor.ID)
		if len(actor.StaffStations) > 0 {
			mine += " OR (a.subject_kind = 'person' AND " + belongsSQL("a.subject_id", len(actor.StaffStations)) + ")"
			args = append(args, belongsArgs(actor.StaffStations)...)
		}
		where = append(where, "("+mine+")")
	}
	page.Items, err = list(ctx, s.db.read(), scanAudit, `SELECT a.id, a.actor_id, COALESCE(u.name, ''), a.action,
			a.subject_id, CASE WHEN a.subject_kind = 'person' THEN COALESCE(p.name, '') ELSE '' END, a.detail, a.created_at
		FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id LEFT JOIN users p ON p.id = a.subject_id
		WHERE `+strings.Join(where, " AND ")+`
		ORDER BY a.id DESC LIMIT ?`, append(args, limit+1)...)
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
	err := row.Scan(&id, &actor, &e.ActorName, &e.Action, &subject, &e.SubjectName, &e.Detail, &created)
	e.ID, e.ActorID, e.SubjectID, e.CreatedAt = guli.ID(id), guli.ID(actor.Int64), guli.ID(subject.Int64), fromMS(created)
	return &e, err
}
