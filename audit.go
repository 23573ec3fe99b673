package guli

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// AuditEntry records a staff action on a person's data: who did what to
// whose data, and when. Entries are never changed or removed.
type AuditEntry struct {
	ID        ID
	ActorID   ID // 0 for the command line and demo data
	ActorName string
	Action    string // e.g. user.view, user.roles, user.create
	SubjectID ID
	// SubjectName is the name of the person the entry is about; empty
	// when its subject is a thing (a meeting, a station).
	SubjectName string
	Detail      string
	CreatedAt   time.Time
}

// AuditFilter narrows a search of the audit log; its zero value finds
// every entry the searcher may read.
type AuditFilter struct {
	// Person matches the name or phone number of the person an entry is
	// about: a part of the name, or of the number.
	Person    string
	SubjectID ID
	// Action is an action ("health.view") or a family of them ending in
	// a dot ("health.").
	Action  string
	ActorID ID
	// From and To bound the entries' time, From inclusive, To exclusive;
	// zero leaves that end open.
	From, To time.Time
}

const (
	maxAuditPerson = 50
	maxAuditAction = 64
)

// Validate refuses a filter no entry could match for its shape alone.
func (f *AuditFilter) Validate() error {
	f.Person = strings.TrimSpace(f.Person)
	f.Action = strings.TrimSpace(f.Action)
	p := Problems{}
	if utf8.RuneCountInString(f.Person) > maxAuditPerson {
		p.Add("q", FRTooLong)
	}
	if len(f.Action) > maxAuditAction {
		p.Add("action", FRTooLong)
	} else if strings.Trim(f.Action, "abcdefghijklmnopqrstuvwxyz_.") != "" {
		p.Add("action", FRInvalid)
	}
	if f.SubjectID < 0 {
		p.Add("user_id", FRInvalid)
	}
	if f.ActorID < 0 {
		p.Add("actor_id", FRInvalid)
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		p.Add("to", FRBeforeFrom)
	}
	return p.Err()
}

// thingActions are the families of actions whose subject is a thing and
// not a person: their subject_id names a meeting, a resolution, a station,
// a proposal, a poll, an activity, or the post or activity of a call list
// looked at, and may equal some person's id.
var thingActions = []string{"meeting.", "resolution.", "station.", "proposal.", "poll.close", "activity.", "calls.view"}

// AuditAboutPerson reports whether an entry of action with subject is
// about a person: shown to that person, and to the staff of their stations.
func AuditAboutPerson(action string, subject ID) bool {
	if subject <= 0 {
		return false
	}
	for _, prefix := range thingActions {
		if strings.HasPrefix(action, prefix) {
			return false
		}
	}
	return true
}

// AuditService reads the audit log, newest first. Admins read anyone's;
// a person reads who touched their own data.
type AuditService interface {
	AuditLog(ctx context.Context, subjectID ID, opts ListOptions) (Page[*AuditEntry], error)
	// SearchAudit searches the log for staff, newest first: an admin
	// everything; staff the entries about the people of their stations
	// and their own actions; anyone else is forbidden.
	SearchAudit(ctx context.Context, f AuditFilter, opts ListOptions) (Page[*AuditEntry], error)
}

// AuditRange reads the dates or times a search of the log is bounded by,
// both ends inclusive as people say them: "2023-10-01" to "2023-10-31" is
// October whole. A date is a day in loc; an RFC 3339 time is that moment.
// Empty leaves that end open.
func AuditRange(from, to string, loc *time.Location) (start, end time.Time, err error) {
	p := Problems{}
	read := func(field, s string, next bool) time.Time {
		s = strings.TrimSpace(s)
		if s == "" {
			return time.Time{}
		}
		if d, ok := ParseDate(s); ok {
			t, _ := time.ParseInLocation(time.DateOnly, string(d), loc)
			if next {
				t = t.AddDate(0, 0, 1)
			}
			return t
		}
		t, err := time.Parse(time.RFC3339, s)
		if err != nil || t.Year() < 2000 || t.Year() > 9999 {
			p.Add(field, FRDate)
			return time.Time{}
		}
		if next {
			t = t.Add(time.Millisecond)
		}
		return t
	}
	start, end = read("from", from, false), read("to", to, true)
	return start, end, p.Err()
}
