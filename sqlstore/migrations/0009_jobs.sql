-- Jobs: work done after the transaction that asked for it, by a worker,
-- with retries (see jobs.go at the root). A job is due when run_at has
-- come and no worker holds a lease on it.
CREATE TABLE jobs (
    id           {{id}},
    kind         TEXT    NOT NULL,
    payload      TEXT    NOT NULL DEFAULT '',
    run_at       BIGINT  NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    leased_until BIGINT,           -- a worker holds it until then
    state        TEXT    NOT NULL DEFAULT 'waiting', -- waiting | done | failed
    last_error   TEXT    NOT NULL DEFAULT '',
    created_at   BIGINT  NOT NULL,
    finished_at  BIGINT
);
CREATE INDEX jobs_due ON jobs (state, run_at);
