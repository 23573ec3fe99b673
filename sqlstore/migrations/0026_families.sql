-- Families (families.go at the root, sqlstore/families.go): ages on
-- activities, dependents and the links that let one person act for another.

-- The ages an activity takes (a children's class for 6–12); 0 leaves that
-- side open.
ALTER TABLE activities ADD COLUMN min_age INTEGER NOT NULL DEFAULT 0;
ALTER TABLE activities ADD COLUMN max_age INTEGER NOT NULL DEFAULT 0;

-- A link lets guardian act for dependent: a child or another person
-- without a phone they added (active at once, their consent recorded for
-- a child under 14), or a grown-up with an account of their own who
-- accepts it first. Ending a link keeps the row (who ended it, when): the
-- acts done under it keep pointing at who did them.
CREATE TABLE family_links (
    id           {{id}},
    guardian_id  BIGINT NOT NULL REFERENCES users (id),
    dependent_id BIGINT NOT NULL REFERENCES users (id),
    relation     TEXT   NOT NULL, -- child | parent | other
    status       TEXT   NOT NULL, -- pending | active | ended
    kept         INTEGER NOT NULL DEFAULT 0, -- 1: the dependent has no account of their own
    consent_at   BIGINT, -- the guardian's consent for a child under 14
    created_at   BIGINT NOT NULL,
    accepted_at  BIGINT,
    accepted_by  BIGINT REFERENCES users (id),
    ended_at     BIGINT,
    ended_by     BIGINT REFERENCES users (id)
);
-- One live link between two people; a guardian's list and a dependent's.
CREATE UNIQUE INDEX family_links_live ON family_links (guardian_id, dependent_id) WHERE status <> 'ended';
CREATE INDEX family_links_dependent ON family_links (dependent_id, status);
-- A guardian's active dependents, whose notifications reach them too.
CREATE INDEX family_links_guardian ON family_links (guardian_id, status);
