-- A team's photo (a studio's picture; see photo.go at the root): the photo
-- says which team it is the picture of, as post_id says which post shows
-- it, so that whether it may be shown, attached elsewhere or swept is read
-- and locked in its one row. One photo a team: the unique index refuses a
-- second, even if two changes ever raced past the team's row lock.
ALTER TABLE photos ADD COLUMN team_id BIGINT REFERENCES teams (id); -- NULL: the picture of no team
CREATE UNIQUE INDEX photos_team ON photos (team_id) WHERE team_id IS NOT NULL;
