-- Photos for the notice board: kept in the database, so that every process
-- on one PostgreSQL serves them (see photo.go at the root). The bytes are
-- the re-encoded JPEG and its thumbnail, never what was uploaded. post_id
-- is set when a post shows the photo; until then only its uploader and
-- the station's staff see it.
CREATE TABLE photos (
    id           {{id}},
    station_id   BIGINT  NOT NULL REFERENCES stations (id),
    uploader_id  BIGINT  REFERENCES users (id), -- NULL: the command line or demo data
    post_id      BIGINT,                        -- the post showing it; NULL while none does
    content_type TEXT    NOT NULL,
    width        INTEGER NOT NULL,
    height       INTEGER NOT NULL,
    thumb_width  INTEGER NOT NULL,
    thumb_height INTEGER NOT NULL,
    bytes        {{blob}} NOT NULL,
    thumb        {{blob}} NOT NULL,
    created_at   BIGINT  NOT NULL
);
CREATE INDEX photos_uploader ON photos (uploader_id, created_at);
CREATE INDEX photos_post ON photos (post_id);
