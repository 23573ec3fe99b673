package guli

import (
	"context"
	"time"
)

// Reminders. The evening before an activity, at ReminderHour in the
// station's zone, those confirmed for it are reminded; and the staff of a
// station are told of an open help request still unclaimed when it is
// needed within HelpNearingWindow. Each is sent once.
const (
	ReminderHour = 19
	// HelpNearingWindow is how long before a request is needed that its
	// station's staff hear it is still waiting.
	HelpNearingWindow = 24 * time.Hour
	// ReminderLookahead bounds the activities a run of reminders looks at:
	// the evening before is never more than this before the start (a
	// start at 23:59 is 29 hours after 19:00 the day before; an hour more
	// for a change of summer time).
	ReminderLookahead = 30 * time.Hour
)

// ActivityReminderAt is when an activity starting at start is reminded
// of: ReminderHour on the day before, in the zone of start (the station's).
func ActivityReminderAt(start time.Time) time.Time {
	y, m, d := start.Date()
	return time.Date(y, m, d-1, ReminderHour, 0, 0, 0, start.Location())
}

// ActivityReminderDue reports whether an activity, scheduled and not yet
// reminded of, is to be reminded of now. An activity put on the timetable
// after its evening before is never reminded of: whoever signs up for it
// has just chosen it, and a reminder at once would only repeat what they
// saw. Nor is one that has started (a server that was down all evening).
func ActivityReminderDue(start, createdAt, now time.Time) bool {
	at := ActivityReminderAt(start)
	return !now.Before(at) && now.Before(start) && createdAt.Before(at)
}

// HelpNearingBy bounds the requests whose staff are told now: those
// needed after now and no later than the returned time.
func HelpNearingBy(now time.Time) time.Time { return now.Add(HelpNearingWindow) }

// HelpNearing reports whether staff are to be told now that a request is
// still waiting: it is open, needed by a time within HelpNearingWindow
// that has not passed (an overdue request shows on the desk anyway), and
// they were not told before.
func HelpNearing(status string, neededBy time.Time, told bool, now time.Time) bool {
	return status == HelpOpen && !told && !neededBy.IsZero() && neededBy.After(now) && !neededBy.After(HelpNearingBy(now))
}

// Reminded counts what a run of reminders sent.
type Reminded struct {
	Activities    int // activities reminded of
	Registrants   int // notifications sent for them
	HelpRequests  int // requests their staff were told of
	StaffNotified int // notifications sent for them
}

// ReminderService sends the reminders that are due. It is safe to run
// from several processes at once: each reminder goes out once.
type ReminderService interface {
	SendDueReminders(ctx context.Context) (Reminded, error)
}
