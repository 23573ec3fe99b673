-- A roster uploaded on the import page waits here between its dry run and
-- its import (the confirm button sends its token, not the file again):
-- one per staff member, for half an hour, then swept.
CREATE TABLE kept_rosters (
    token_hash TEXT   PRIMARY KEY, -- SHA-256 of the token, hex
    station_id BIGINT NOT NULL REFERENCES stations (id),
    user_id    BIGINT NOT NULL REFERENCES users (id),
    data       {{blob}} NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX kept_rosters_user ON kept_rosters (user_id);
CREATE INDEX kept_rosters_created ON kept_rosters (created_at);
