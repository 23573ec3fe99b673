-- Mutual aid and the time bank: help requests, and a double-entry ledger of
-- minutes of service, with one account a person and a fund a station.

CREATE TABLE help_requests (
    id           {{id}},
    station_id   BIGINT  NOT NULL REFERENCES stations (id), -- the requester's home station
    requester_id BIGINT  NOT NULL REFERENCES users (id),
    title        TEXT    NOT NULL,
    description  TEXT    NOT NULL DEFAULT '',
    category     TEXT    NOT NULL,
    needed_by    BIGINT,           -- NULL: whenever someone can
    status       TEXT    NOT NULL, -- open | claimed | done | confirmed | cancelled
    volunteer_id BIGINT  REFERENCES users (id),
    minutes      INTEGER NOT NULL DEFAULT 0,
    rating       INTEGER NOT NULL DEFAULT 0,
    comment      TEXT    NOT NULL DEFAULT '',
    filed_by     BIGINT  REFERENCES users (id), -- staff who filed it on the requester's behalf
    created_at   BIGINT  NOT NULL,
    claimed_at   BIGINT,
    done_at      BIGINT,
    confirmed_at BIGINT
);
CREATE INDEX help_requests_station ON help_requests (station_id, status, id);
CREATE INDEX help_requests_status ON help_requests (status, id);
CREATE INDEX help_requests_requester ON help_requests (requester_id, id);
CREATE INDEX help_requests_volunteer ON help_requests (volunteer_id, id);

-- An account holds minutes: a person's (user_id) or a station's fund
-- (station_id). The balance is kept in the row, always the sum of the
-- account's entries; earned counts what was earned by service.
CREATE TABLE timebank_accounts (
    id         {{id}},
    user_id    BIGINT  UNIQUE REFERENCES users (id),
    station_id BIGINT  UNIQUE REFERENCES stations (id),
    balance    INTEGER NOT NULL DEFAULT 0,
    earned     INTEGER NOT NULL DEFAULT 0
);

-- Each movement writes entries that sum to zero, under one movement id.
CREATE TABLE timebank_entries (
    id          {{id}},
    movement    BIGINT  NOT NULL,
    account_id  BIGINT  NOT NULL REFERENCES timebank_accounts (id),
    minutes     INTEGER NOT NULL, -- + into the account, - out of it
    kind        TEXT    NOT NULL, -- earned | transfer_in | transfer_out | adjustment | issued
    memo        TEXT    NOT NULL DEFAULT '',
    help_id     BIGINT  UNIQUE REFERENCES help_requests (id), -- the service it pays for: credited once
    created_at  BIGINT  NOT NULL
);
CREATE INDEX timebank_entries_account ON timebank_entries (account_id, id);
CREATE INDEX timebank_entries_movement ON timebank_entries (movement);

-- A transfer asked with an Idempotency-Key: the same key from the same
-- person again gets the same answer, and moves nothing.
CREATE TABLE timebank_transfers (
    user_id    BIGINT  NOT NULL REFERENCES users (id),
    key        TEXT    NOT NULL,
    movement   BIGINT  NOT NULL,
    balance    INTEGER NOT NULL, -- the sender's balance after it
    created_at BIGINT  NOT NULL,
    PRIMARY KEY (user_id, key)
);
