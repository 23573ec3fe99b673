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

-- Hours credited to the people who helped at an activity: once a person.
CREATE TABLE activity_credits (
    activity_id BIGINT NOT NULL REFERENCES activities (id),
    user_id     BIGINT NOT NULL REFERENCES users (id),
    movement    BIGINT NOT NULL,
    PRIMARY KEY (activity_id, user_id)
);
