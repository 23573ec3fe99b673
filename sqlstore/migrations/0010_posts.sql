-- The notice board: posts, their comments and reports (see post.go at the
-- root). A post is never removed: taking it down marks it deleted, so the
-- record of what a station said stays.
CREATE TABLE posts (
    id          {{id}},
    station_id  BIGINT  NOT NULL REFERENCES stations (id),
    author_id   BIGINT  NOT NULL REFERENCES users (id),
    author_staff INTEGER NOT NULL DEFAULT 0, -- 1: written by staff of the station
    kind        TEXT    NOT NULL, -- tip | highlight | notice | safety_alert
    title       TEXT    NOT NULL,
    body        TEXT    NOT NULL,
    body_html   TEXT    NOT NULL, -- rendered and sanitised when written
    status      TEXT    NOT NULL DEFAULT 'visible', -- visible | held | hidden | deleted
    reports     INTEGER NOT NULL DEFAULT 0,
    unreviewed  INTEGER NOT NULL DEFAULT 0, -- reports since staff last decided
    comments    INTEGER NOT NULL DEFAULT 0,
    created_at  BIGINT  NOT NULL,
    moderated_by BIGINT REFERENCES users (id),
    moderated_at BIGINT
);
-- The board: a station's visible posts, newest first, of one kind or all;
-- and every station's for the district.
CREATE INDEX posts_board ON posts (station_id, status, id);
CREATE INDEX posts_board_kind ON posts (station_id, kind, status, id);
CREATE INDEX posts_status ON posts (status, id);
CREATE INDEX posts_author ON posts (author_id, id);

CREATE TABLE post_comments (
    id         {{id}},
    post_id    BIGINT NOT NULL REFERENCES posts (id),
    author_id  BIGINT NOT NULL REFERENCES users (id),
    body       TEXT   NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX post_comments_post ON post_comments (post_id, id);

-- One report a person a post: the primary key refuses a second.
CREATE TABLE post_reports (
    post_id    BIGINT NOT NULL REFERENCES posts (id),
    user_id    BIGINT NOT NULL REFERENCES users (id),
    reason     TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (post_id, user_id)
);
