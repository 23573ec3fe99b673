-- Reports and certificates (report.go at the root, sqlstore/reports.go):
-- a station's help requests by when they were asked and by when they were
-- confirmed, so a month's are read as one range of an index however many
-- years the station has kept; and a volunteer's services at a station by
-- when they were confirmed, for the certificate of a range of days (and
-- whether they ever served there).
CREATE INDEX help_requests_station_asked ON help_requests (station_id, created_at);
CREATE INDEX help_requests_station_served ON help_requests (station_id, confirmed_at);
CREATE INDEX help_requests_volunteer_served ON help_requests (volunteer_id, station_id, confirmed_at);
