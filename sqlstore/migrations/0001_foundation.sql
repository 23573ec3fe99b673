-- Stations, areas, rooms, accounts, sessions, login throttling, audit log.
-- Times are Unix milliseconds; dates are 'YYYY-MM-DD' text.

CREATE TABLE stations (
    id            {{id}},
    name          TEXT    NOT NULL,
    address       TEXT    NOT NULL DEFAULT '',
    timezone      TEXT    NOT NULL,
    opening_hours TEXT    NOT NULL, -- JSON: {"wed": ["09:00-17:00"], ...}
    opened_on     TEXT    NOT NULL,
    created_at    BIGINT  NOT NULL
);

CREATE TABLE areas (
    id         {{id}},
    station_id BIGINT  NOT NULL REFERENCES stations (id),
    name       TEXT    NOT NULL,
    committee  TEXT    NOT NULL DEFAULT '',
    created_at BIGINT  NOT NULL
);
CREATE INDEX areas_station ON areas (station_id);

CREATE TABLE rooms (
    id         {{id}},
    station_id BIGINT  NOT NULL REFERENCES stations (id),
    name       TEXT    NOT NULL,
    capacity   INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT  NOT NULL
);
CREATE INDEX rooms_station ON rooms (station_id);

CREATE TABLE users (
    id            {{id}},
    name          TEXT    NOT NULL,
    phone         TEXT    UNIQUE, -- NULL for accounts staff keep for residents without a phone
    password_hash TEXT    NOT NULL DEFAULT '',
    roles         TEXT    NOT NULL, -- comma-separated, canonical order
    area_id       BIGINT  REFERENCES areas (id),
    birth_year    INTEGER NOT NULL DEFAULT 0,
    ec_name       TEXT    NOT NULL DEFAULT '',
    ec_phone      TEXT    NOT NULL DEFAULT '',
    created_at    BIGINT  NOT NULL
);
CREATE INDEX users_area ON users (area_id);

CREATE TABLE volunteer_profiles (
    user_id      BIGINT PRIMARY KEY REFERENCES users (id),
    skills       TEXT   NOT NULL, -- JSON list
    area_ids     TEXT   NOT NULL, -- JSON list
    availability TEXT   NOT NULL, -- JSON opening-hours form
    updated_at   BIGINT NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT    PRIMARY KEY, -- SHA-256 of the token, hex
    user_id    BIGINT  NOT NULL REFERENCES users (id),
    kind       TEXT    NOT NULL,    -- api | web
    created_at BIGINT  NOT NULL,
    expires_at BIGINT  NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Every login attempt is written before the password is checked and removed
-- when it succeeds, so what remains are failures, counted across processes.
CREATE TABLE login_attempts (
    id    {{id}},
    phone TEXT   NOT NULL,
    addr  TEXT   NOT NULL,
    at    BIGINT NOT NULL
);
CREATE INDEX login_attempts_phone ON login_attempts (phone, at);
CREATE INDEX login_attempts_addr ON login_attempts (addr, at);

CREATE TABLE audit_log (
    id         {{id}},
    actor_id   BIGINT,           -- NULL for the command line and demo data
    action     TEXT   NOT NULL,
    subject_id BIGINT,           -- the resident whose data was touched
    detail     TEXT   NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
CREATE INDEX audit_log_subject ON audit_log (subject_id, id);
