-- Reminders (see reminder.go at the root): when the evening-before
-- reminder of an activity went out, and when a station's staff were told
-- that an open help request is needed soon. Set in the transaction that
-- sends them, under a condition that they are still unset, so each goes
-- out once however many processes send reminders.
ALTER TABLE activities ADD COLUMN reminded_at BIGINT;
ALTER TABLE help_requests ADD COLUMN nearing_told_at BIGINT;
CREATE INDEX help_requests_needed_by ON help_requests (status, needed_by);
