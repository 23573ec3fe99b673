-- The shared space: activities, registrations and waitlists, attendance,
-- room bookings, closure days, visits and the door check-in, health checks,
-- in-app notifications, personal calendar feeds.

ALTER TABLE stations ADD COLUMN checkin_secret TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN calendar_token TEXT;
CREATE UNIQUE INDEX users_calendar_token ON users (calendar_token);

CREATE TABLE activities (
    id              {{id}},
    station_id      BIGINT  NOT NULL REFERENCES stations (id),
    series_id       BIGINT,            -- the first occurrence of a weekly series
    title           TEXT    NOT NULL,
    description     TEXT    NOT NULL DEFAULT '',
    category        TEXT    NOT NULL,  -- class | event | service | meeting
    start_at        BIGINT  NOT NULL,
    end_at          BIGINT  NOT NULL,
    capacity        INTEGER NOT NULL DEFAULT 0, -- 0: unlimited
    room_id         BIGINT  REFERENCES rooms (id),
    host_id         BIGINT  REFERENCES users (id),
    age_from        INTEGER NOT NULL DEFAULT 0, -- emergency contact needed from this age; 0: no rule
    status          TEXT    NOT NULL DEFAULT 'scheduled', -- scheduled | cancelled
    -- Kept in step with registrations in the same transaction, under the
    -- activity's row lock: lists of a month need no counting.
    confirmed_count INTEGER NOT NULL DEFAULT 0,
    waitlist_count  INTEGER NOT NULL DEFAULT 0,
    created_by      BIGINT,
    created_at      BIGINT  NOT NULL
);
CREATE INDEX activities_station_start ON activities (station_id, start_at, id);
CREATE INDEX activities_start ON activities (start_at, id);
CREATE INDEX activities_room ON activities (room_id, start_at);

-- Search terms: every Chinese character and pair of characters, and words.
CREATE TABLE activity_terms (
    term        TEXT   NOT NULL,
    activity_id BIGINT NOT NULL REFERENCES activities (id),
    PRIMARY KEY (term, activity_id)
);

CREATE TABLE registrations (
    id            {{id}}, -- its order is the order of the waitlist
    activity_id   BIGINT  NOT NULL REFERENCES activities (id),
    user_id       BIGINT  NOT NULL REFERENCES users (id),
    status        TEXT    NOT NULL, -- confirmed | waitlisted | cancelled
    registered_by BIGINT,           -- staff who registered on the person's behalf
    created_at    BIGINT  NOT NULL,
    updated_at    BIGINT  NOT NULL
);
CREATE UNIQUE INDEX registrations_live ON registrations (activity_id, user_id) WHERE status <> 'cancelled';
CREATE INDEX registrations_activity ON registrations (activity_id, status, id);
CREATE INDEX registrations_user ON registrations (user_id, status);

CREATE TABLE attendances (
    activity_id   BIGINT NOT NULL REFERENCES activities (id),
    user_id       BIGINT NOT NULL REFERENCES users (id),
    recorded_by   BIGINT,
    checked_in_at BIGINT NOT NULL,
    PRIMARY KEY (activity_id, user_id)
);

CREATE TABLE bookings (
    id           {{id}},
    room_id      BIGINT  NOT NULL REFERENCES rooms (id),
    user_id      BIGINT  NOT NULL REFERENCES users (id),
    start_at     BIGINT  NOT NULL,
    end_at       BIGINT  NOT NULL,
    purpose      TEXT    NOT NULL,
    created_at   BIGINT  NOT NULL,
    cancelled_at BIGINT
);
CREATE INDEX bookings_room ON bookings (room_id, start_at);

CREATE TABLE closures (
    station_id BIGINT NOT NULL REFERENCES stations (id),
    day        TEXT   NOT NULL,
    reason     TEXT   NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    PRIMARY KEY (station_id, day)
);

CREATE TABLE visits (
    id          {{id}},
    station_id  BIGINT  NOT NULL REFERENCES stations (id),
    user_id     BIGINT  REFERENCES users (id),
    count       INTEGER NOT NULL,
    purpose     TEXT    NOT NULL,
    day         TEXT    NOT NULL, -- the station's local date
    source      TEXT    NOT NULL, -- desk | checkin
    recorded_by BIGINT,
    created_at  BIGINT  NOT NULL
);
CREATE INDEX visits_station_day ON visits (station_id, day);
CREATE UNIQUE INDEX visits_checkin_once ON visits (station_id, user_id, day) WHERE source = 'checkin';

CREATE TABLE health_measurements (
    id             {{id}},
    user_id        BIGINT  NOT NULL REFERENCES users (id),
    kind           TEXT    NOT NULL,
    systolic       INTEGER,
    diastolic      INTEGER,
    pulse          INTEGER,
    celsius_tenths INTEGER,
    recorded_by    BIGINT,
    created_at     BIGINT  NOT NULL
);
CREATE INDEX health_measurements_user ON health_measurements (user_id, created_at, id);

CREATE TABLE notifications (
    id         {{id}},
    user_id    BIGINT  NOT NULL REFERENCES users (id),
    kind       TEXT    NOT NULL,
    params     TEXT    NOT NULL, -- JSON
    created_at BIGINT  NOT NULL,
    read_at    BIGINT
);
CREATE INDEX notifications_user ON notifications (user_id, id);

-- Failures that throttle guessing, such as wrong check-in codes.
CREATE TABLE throttle_failures (
    id    {{id}},
    scope TEXT   NOT NULL,
    key   TEXT   NOT NULL,
    at    BIGINT NOT NULL
);
CREATE INDEX throttle_failures_key ON throttle_failures (scope, key, at);
