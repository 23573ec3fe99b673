-- A council's meetings, their agenda, attendance and resolutions, and the
-- proposals residents put to it (see meeting.go at the root).
CREATE TABLE meetings (
    id         {{id}},
    council_id BIGINT NOT NULL REFERENCES councils (id),
    station_id BIGINT NOT NULL REFERENCES stations (id),
    title      TEXT   NOT NULL,
    start_at   BIGINT NOT NULL,
    minutes    TEXT   NOT NULL DEFAULT '',
    created_by BIGINT REFERENCES users (id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX meetings_council ON meetings (council_id, start_at, id);

CREATE TABLE meeting_agenda (
    meeting_id BIGINT  NOT NULL REFERENCES meetings (id),
    position   INTEGER NOT NULL,
    text       TEXT    NOT NULL,
    PRIMARY KEY (meeting_id, position)
);

-- One row a member who came: the key refuses a second.
CREATE TABLE meeting_attendance (
    meeting_id BIGINT NOT NULL REFERENCES meetings (id),
    user_id    BIGINT NOT NULL REFERENCES users (id),
    PRIMARY KEY (meeting_id, user_id)
);

CREATE TABLE resolutions (
    id         {{id}},
    meeting_id BIGINT  NOT NULL REFERENCES meetings (id),
    council_id BIGINT  NOT NULL REFERENCES councils (id),
    station_id BIGINT  NOT NULL REFERENCES stations (id),
    position   INTEGER NOT NULL,
    text       TEXT    NOT NULL,
    rule_kind  TEXT    NOT NULL DEFAULT '', -- '' | emergency_contact_from_age
    rule_age   INTEGER NOT NULL DEFAULT 0,
    status     TEXT    NOT NULL DEFAULT 'open', -- open | in_progress | done
    note       TEXT    NOT NULL DEFAULT '',
    created_at BIGINT  NOT NULL,
    updated_at BIGINT  NOT NULL
);
CREATE INDEX resolutions_meeting ON resolutions (meeting_id, position);
CREATE INDEX resolutions_council ON resolutions (council_id, status, id);

-- The age rule a resolution made the station's default for new
-- activities, and the resolution each activity's rule rests on.
ALTER TABLE stations ADD COLUMN age_rule_from INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stations ADD COLUMN age_rule_resolution_id BIGINT REFERENCES resolutions (id);
ALTER TABLE activities ADD COLUMN age_resolution_id BIGINT REFERENCES resolutions (id);

CREATE TABLE proposals (
    id            {{id}},
    council_id    BIGINT  NOT NULL REFERENCES councils (id),
    station_id    BIGINT  NOT NULL REFERENCES stations (id),
    author_id     BIGINT  NOT NULL REFERENCES users (id),
    title         TEXT    NOT NULL,
    body          TEXT    NOT NULL,
    support_count INTEGER NOT NULL DEFAULT 0,
    meeting_id    BIGINT  REFERENCES meetings (id),
    outcome       TEXT    NOT NULL DEFAULT '', -- '' | accepted | declined | done
    answer        TEXT    NOT NULL DEFAULT '',
    created_at    BIGINT  NOT NULL,
    answered_at   BIGINT
);
CREATE INDEX proposals_council ON proposals (council_id, id);
CREATE INDEX proposals_meeting ON proposals (meeting_id);

-- One support a person a proposal: the key refuses a second.
CREATE TABLE proposal_supports (
    proposal_id BIGINT NOT NULL REFERENCES proposals (id),
    user_id     BIGINT NOT NULL REFERENCES users (id),
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (proposal_id, user_id)
);
