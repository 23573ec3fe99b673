-- Delivery outside the app (delivery.go at the root): a station's WeCom
-- group robot, people's e-mail, and the log of every attempt.

-- The robot's address is a secret: answers show it masked.
ALTER TABLE stations ADD COLUMN wecom_webhook TEXT NOT NULL DEFAULT '';

-- An optional address; email_off is the person's "no e-mail, thanks", so
-- that giving an address turns e-mail on.
ALTER TABLE users ADD COLUMN email TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN email_off INTEGER NOT NULL DEFAULT 0;

CREATE TABLE deliveries (
    id              {{id}},
    job_id          BIGINT  NOT NULL,
    station_id      BIGINT,           -- whose staff read it; NULL: nobody's
    channel         TEXT    NOT NULL, -- wecom | email
    target          TEXT    NOT NULL, -- masked
    notification_id BIGINT,           -- e-mail: the notification sent
    status          TEXT    NOT NULL, -- sent | failed
    error           TEXT    NOT NULL DEFAULT '',
    attempt         INTEGER NOT NULL,
    final           INTEGER NOT NULL, -- 1: no retry follows
    created_at      BIGINT  NOT NULL
);
CREATE INDEX deliveries_station ON deliveries (station_id, id);
CREATE INDEX deliveries_job ON deliveries (job_id, notification_id);
