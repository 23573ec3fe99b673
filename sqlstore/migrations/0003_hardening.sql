-- Hardening: booking rules per station, remembered devices, text-message
-- and password-reset codes; one table of throttled failures for every kind
-- (login_attempts is folded into throttle_failures).

ALTER TABLE stations ADD COLUMN booking_max_days INTEGER NOT NULL DEFAULT 60;
ALTER TABLE stations ADD COLUMN booking_max_minutes INTEGER NOT NULL DEFAULT 240;
ALTER TABLE stations ADD COLUMN booking_max_future INTEGER NOT NULL DEFAULT 4;

CREATE INDEX bookings_user ON bookings (user_id, end_at);

-- A device someone signed in on; its token lives in a cookie (or the app)
-- and is stored hashed. The owner's right password from it is never refused
-- for someone else's wrong guesses.
CREATE TABLE devices (
    id           {{id}},
    token_hash   TEXT   NOT NULL UNIQUE,
    user_id      BIGINT NOT NULL REFERENCES users (id),
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL
);
CREATE INDEX devices_user ON devices (user_id);
CREATE INDEX devices_last_seen ON devices (last_seen_at);

-- The code texted to a number that is signing up; one live code a number.
CREATE TABLE sms_codes (
    phone      TEXT    PRIMARY KEY,
    code_hash  TEXT    NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT  NOT NULL,
    expires_at BIGINT  NOT NULL
);

-- A one-time code staff gave a resident who forgot their password.
CREATE TABLE reset_codes (
    user_id    BIGINT  PRIMARY KEY REFERENCES users (id),
    code_hash  TEXT    NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0,
    issued_by  BIGINT,
    created_at BIGINT  NOT NULL,
    expires_at BIGINT  NOT NULL
);

CREATE INDEX sessions_expires ON sessions (expires_at);
CREATE INDEX throttle_failures_at ON throttle_failures (at);
DROP TABLE login_attempts;
