-- Volunteers' certificates (report.go at the root, sqlstore/reports.go): a
-- volunteer's services at a station by when they were confirmed, so a
-- certificate of a range of days (and whether they ever served there) is
-- one range of an index however long they have volunteered. A month's
-- report reads the indexes of the figures (0020): help requests by station
-- and when they were asked or confirmed.
CREATE INDEX help_requests_volunteer_served ON help_requests (volunteer_id, station_id, confirmed_at);
