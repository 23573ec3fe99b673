-- The figures (stats.go at the root, sqlstore/stats.go), read from indexes
-- alone: a station's visits by day with their counts; its residents by
-- area with when they registered and their roles; its help requests by
-- when they were asked and when they were confirmed, with what the
-- figures read of them. A district's year is then read without touching
-- the tables' rows (SQLite), or in index-only scans (PostgreSQL).
CREATE INDEX visits_station_day_count ON visits (station_id, day, count);
DROP INDEX visits_station_day; -- the new one serves its queries
CREATE INDEX users_area_created ON users (area_id, created_at, roles);
CREATE INDEX help_requests_station_created ON help_requests (station_id, created_at, status, requester_id);
CREATE INDEX help_requests_station_confirmed ON help_requests (station_id, confirmed_at, status, minutes);
