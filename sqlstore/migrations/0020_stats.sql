-- The figures (stats.go at the root, sqlstore/stats.go): help requests
-- counted by when they were asked and when they were confirmed, per
-- station, without reading every request the station ever had.
CREATE INDEX help_requests_station_created ON help_requests (station_id, created_at);
CREATE INDEX help_requests_station_confirmed ON help_requests (station_id, confirmed_at);
