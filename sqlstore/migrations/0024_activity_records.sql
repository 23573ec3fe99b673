-- The paper a station runs on (record.go at the root, sqlstore/records.go):
-- one record a station keeps of each activity for its month's ledger
-- (台账), the summary staff write and who saved it last. version counts
-- the saves: an edit carries the one it began from, and a save from an
-- older one is refused, so two social workers never silently undo each
-- other. The ledger reads a station's month of activities by their index
-- (station, start) and each one's record by its key.
CREATE TABLE activity_records (
    activity_id BIGINT  PRIMARY KEY REFERENCES activities (id),
    summary     TEXT    NOT NULL,
    version     INTEGER NOT NULL,
    updated_by  BIGINT  REFERENCES users (id),
    updated_at  BIGINT  NOT NULL
);

-- A highlight may name the activity it is of; the activity's record shows
-- its photos.
ALTER TABLE posts ADD COLUMN activity_id BIGINT REFERENCES activities (id);
CREATE INDEX posts_activity ON posts (activity_id, status);
