-- Polls and elections of councils (see poll.go at the root). Invariant 5:
-- one member, one vote, per poll; a secret poll never reveals who voted
-- for what. Who voted and what was chosen are kept apart: poll_voters has
-- the person and no choice; the counts sit on the options, with no person,
-- no time and no row per vote, so nothing orders or joins a vote to its
-- voter. Only a poll that is not secret keeps poll_votes.
CREATE TABLE polls (
    id          {{id}},
    council_id  BIGINT  NOT NULL REFERENCES councils (id),
    question    TEXT    NOT NULL,
    max_choices INTEGER NOT NULL,
    secret      INTEGER NOT NULL DEFAULT 0, -- 1: secret ballot
    seats       INTEGER NOT NULL DEFAULT 0, -- 0: a poll; more: an election
    closes_at   BIGINT  NOT NULL,
    closed_at   BIGINT, -- closed early by staff
    closed_by   BIGINT REFERENCES users (id),
    created_by  BIGINT  NOT NULL REFERENCES users (id),
    created_at  BIGINT  NOT NULL
);
CREATE INDEX polls_council ON polls (council_id, id);

-- The options, written with the poll and counted in the voter's
-- transaction: the count is all a secret poll keeps of a choice.
CREATE TABLE poll_options (
    id       {{id}},
    poll_id  BIGINT  NOT NULL REFERENCES polls (id),
    position INTEGER NOT NULL,
    label    TEXT    NOT NULL,
    votes    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX poll_options_poll ON poll_options (poll_id, position);

-- Who voted, and no choice: the key refuses a second vote.
CREATE TABLE poll_voters (
    poll_id    BIGINT NOT NULL REFERENCES polls (id),
    user_id    BIGINT NOT NULL REFERENCES users (id),
    entered_by BIGINT REFERENCES users (id), -- staff who entered a paper ballot
    PRIMARY KEY (poll_id, user_id)
);

-- Who chose what, in polls that are not secret only.
CREATE TABLE poll_votes (
    poll_id   BIGINT NOT NULL REFERENCES polls (id),
    user_id   BIGINT NOT NULL REFERENCES users (id),
    option_id BIGINT NOT NULL REFERENCES poll_options (id),
    PRIMARY KEY (poll_id, user_id, option_id)
);
