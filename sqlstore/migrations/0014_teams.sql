-- The incubator: teams of a station (volunteer teams, talents' studios,
-- committees, interest groups), their members, and the residents'
-- committees' nominations of talents (see team.go at the root).
CREATE TABLE teams (
    id          {{id}},
    station_id  BIGINT  NOT NULL REFERENCES stations (id),
    name        TEXT    NOT NULL,
    kind        TEXT    NOT NULL, -- volunteer_team | studio | committee | interest_group
    description TEXT    NOT NULL DEFAULT '',
    members     INTEGER NOT NULL DEFAULT 0, -- how many are in it, leaders too
    created_at  BIGINT  NOT NULL
);
CREATE INDEX teams_station ON teams (station_id, kind, id);

-- One membership a person a team: the primary key refuses a second, even
-- if two adds ever raced past the team's row lock.
CREATE TABLE team_members (
    team_id    BIGINT NOT NULL REFERENCES teams (id),
    user_id    BIGINT NOT NULL REFERENCES users (id),
    role       TEXT   NOT NULL, -- member | leader
    joined_at  BIGINT NOT NULL,
    PRIMARY KEY (team_id, user_id)
);
CREATE INDEX team_members_user ON team_members (user_id);

CREATE TABLE nominations (
    id          {{id}},
    station_id  BIGINT  NOT NULL REFERENCES stations (id),
    area_id     BIGINT  NOT NULL REFERENCES areas (id), -- whose committee proposes
    nominee_id  BIGINT  NOT NULL REFERENCES users (id),
    skill       TEXT    NOT NULL,
    reason      TEXT    NOT NULL,
    status      TEXT    NOT NULL DEFAULT 'pending', -- pending | approved | declined
    filed_by    BIGINT  REFERENCES users (id), -- NULL: the command line or demo data
    decided_by  BIGINT  REFERENCES users (id),
    decided_at  BIGINT,
    studio_id   BIGINT  REFERENCES teams (id), -- the studio approval opened
    created_at  BIGINT  NOT NULL
);
CREATE INDEX nominations_station ON nominations (station_id, status, id);
