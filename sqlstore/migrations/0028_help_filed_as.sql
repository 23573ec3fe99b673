-- A request filed for someone else says in what capacity (sqlstore/help.go):
-- 'staff' at the desk, or 'family' by a guardian, whose name and phone the
-- volunteer then reads as the family's contact. '' for one's own request.
ALTER TABLE help_requests ADD COLUMN filed_as TEXT NOT NULL DEFAULT '';
UPDATE help_requests SET filed_as = CASE
	WHEN EXISTS (SELECT 1 FROM family_links l WHERE l.guardian_id = help_requests.filed_by AND l.dependent_id = help_requests.requester_id)
	THEN 'family' ELSE 'staff' END
WHERE filed_by IS NOT NULL;
