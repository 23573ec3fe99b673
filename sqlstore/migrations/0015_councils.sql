-- Councils (议事会) of a station and their members (see council.go at the
-- root). Meetings, proposals and polls refer to councils.
CREATE TABLE councils (
    id         {{id}},
    station_id BIGINT NOT NULL REFERENCES stations (id),
    name       TEXT   NOT NULL,
    kind       TEXT   NOT NULL, -- residents | parents
    created_at BIGINT NOT NULL
);
CREATE INDEX councils_station ON councils (station_id, id);

-- One row a member: the key refuses a second.
CREATE TABLE council_members (
    council_id BIGINT NOT NULL REFERENCES councils (id),
    user_id    BIGINT NOT NULL REFERENCES users (id),
    added_by   BIGINT REFERENCES users (id),
    added_at   BIGINT NOT NULL,
    PRIMARY KEY (council_id, user_id)
);
CREATE INDEX council_members_user ON council_members (user_id);
