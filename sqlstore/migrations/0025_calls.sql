-- Residents staff watch over, and the call list (calls.go at the root,
-- sqlstore/calls.go).

-- A mark staff set on a person at their station: living alone, without a
-- smartphone, needing visits. One row a mark; taking it off deletes the
-- row (the audit log keeps who set and took off what, and when).
CREATE TABLE resident_marks (
    station_id BIGINT NOT NULL REFERENCES stations (id),
    user_id    BIGINT NOT NULL REFERENCES users (id),
    kind       TEXT   NOT NULL, -- lives_alone | no_smartphone | needs_visits
    set_by     BIGINT REFERENCES users (id),
    set_at     BIGINT NOT NULL,
    PRIMARY KEY (station_id, user_id, kind)
);
-- A person's own marks, for their export and for closing their account.
CREATE INDEX resident_marks_user ON resident_marks (user_id);

-- A notice staff mark urgent is told to every resident, as an alert is.
ALTER TABLE posts ADD COLUMN urgent INTEGER NOT NULL DEFAULT 0;

-- What a notification tells of, where a call list follows it: the post of
-- a safety alert or an urgent notice, the activity of a cancellation. A
-- list is then one range of an index (who was told, who opened it), and
-- opening the post marks one row read. Other notifications leave them
-- empty.
ALTER TABLE notifications ADD COLUMN post_id BIGINT;
ALTER TABLE notifications ADD COLUMN activity_id BIGINT;
CREATE INDEX notifications_post ON notifications (post_id, user_id) WHERE post_id IS NOT NULL;
CREATE INDEX notifications_activity ON notifications (activity_id, user_id) WHERE activity_id IS NOT NULL;

-- Every tick on a call list, kept as the record: two staff ticking the
-- same person at once keep both rows, and the list shows the later.
CREATE TABLE call_ticks (
    id          {{id}},
    station_id  BIGINT NOT NULL REFERENCES stations (id),
    post_id     BIGINT REFERENCES posts (id),
    activity_id BIGINT REFERENCES activities (id),
    user_id     BIGINT NOT NULL REFERENCES users (id),
    outcome     TEXT   NOT NULL, -- called | not_reached | visited
    note        TEXT   NOT NULL DEFAULT '',
    by_id       BIGINT NOT NULL REFERENCES users (id),
    created_at  BIGINT NOT NULL
);
CREATE INDEX call_ticks_post ON call_ticks (post_id, user_id, id) WHERE post_id IS NOT NULL;
CREATE INDEX call_ticks_activity ON call_ticks (activity_id, user_id, id) WHERE activity_id IS NOT NULL;
CREATE INDEX call_ticks_user ON call_ticks (user_id, id);
