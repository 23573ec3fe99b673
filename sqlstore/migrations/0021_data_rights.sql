-- Data rights (see datarights.go at the root) and a searchable audit log.
-- A closed account keeps its row, so that visits, attendances, requests and
-- the time bank's ledger still add up, but not the person: closed_at says
-- when they left, and the row holds no name, number or address of theirs.
ALTER TABLE users ADD COLUMN closed_at BIGINT; -- NULL while the account is open

-- Whether an entry's subject_id is a person, or a thing (a meeting, a
-- station, a resolution...) whose id may equal some person's: only entries
-- about people are shown to those people and searched by name or phone.
ALTER TABLE audit_log ADD COLUMN subject_kind TEXT NOT NULL DEFAULT 'person'; -- person | thing
UPDATE audit_log SET subject_kind = 'thing'
    WHERE subject_id IS NULL OR action LIKE 'meeting.%' OR action LIKE 'resolution.%'
       OR action LIKE 'station.%' OR action LIKE 'proposal.%' OR action LIKE 'poll.close%';
-- The desk's search: by actor, by time, newest first.
CREATE INDEX audit_log_actor ON audit_log (actor_id, id);
CREATE INDEX audit_log_created ON audit_log (created_at, id);
