-- Staff work at stations: the stations each works at, and the station where
-- each health check was taken. Staff of a deployment before this step keep
-- working everywhere (every station), until an admin says where they work.

CREATE TABLE staff_stations (
    user_id    BIGINT NOT NULL REFERENCES users (id),
    station_id BIGINT NOT NULL REFERENCES stations (id),
    PRIMARY KEY (user_id, station_id)
);
CREATE INDEX staff_stations_station ON staff_stations (station_id);
INSERT INTO staff_stations (user_id, station_id)
    SELECT u.id, s.id FROM users u CROSS JOIN stations s WHERE ',' || u.roles || ',' LIKE '%,staff,%';

ALTER TABLE health_measurements ADD COLUMN station_id BIGINT REFERENCES stations (id);
UPDATE health_measurements SET station_id = COALESCE(
    (SELECT a.station_id FROM users u JOIN areas a ON a.id = u.area_id WHERE u.id = health_measurements.user_id),
    (SELECT MIN(id) FROM stations));
CREATE INDEX health_measurements_station ON health_measurements (station_id, user_id);

-- Whose registrations are at which station: who belongs to a station.
CREATE INDEX registrations_user_activity ON registrations (user_id, activity_id);
