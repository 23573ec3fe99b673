-- What a transfer with an Idempotency-Key asked (guli.TransferInput.Request):
-- the same key again with another transfer is refused rather than answered
-- as the first. Keys kept before this step ('') answer as before.
ALTER TABLE timebank_transfers ADD COLUMN request TEXT NOT NULL DEFAULT '';
