-- Matching volunteers to help requests keeps what it knows of volunteers in
-- memory while their profiles and records stay the same: counters, moved in
-- the transaction of each change, say when they no longer do. "volunteers"
-- moves with any profile or role; "confirmed:<station id>" with each service
-- confirmed at a station.
CREATE TABLE counters (
    name TEXT   PRIMARY KEY,
    n    BIGINT NOT NULL
);

-- Who was asked lately at a station: claims in the last weeks.
CREATE INDEX help_requests_station_claimed ON help_requests (station_id, claimed_at, volunteer_id);
