-- A reader's own supports of a council's proposals, read for the list of
-- them they see (sqlstore/meetings.go, supportsIn): by person first.
CREATE INDEX proposal_supports_user ON proposal_supports (user_id, proposal_id);
