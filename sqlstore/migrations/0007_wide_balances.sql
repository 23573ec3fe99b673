-- Balances as 64-bit numbers: a station's fund issues every minute it
-- credits, and PostgreSQL's INTEGER stops at 2,147,483,647, which 1,491
-- of the largest credits reach. (SQLite's INTEGER is 64-bit already; the
-- same steps run on both engines: a wide column, the values copied, the
-- narrow one dropped and the wide one given its name.)

ALTER TABLE timebank_accounts ADD COLUMN balance_wide BIGINT NOT NULL DEFAULT 0;
ALTER TABLE timebank_accounts ADD COLUMN earned_wide BIGINT NOT NULL DEFAULT 0;
UPDATE timebank_accounts SET balance_wide = balance, earned_wide = earned;
ALTER TABLE timebank_accounts DROP COLUMN balance;
ALTER TABLE timebank_accounts DROP COLUMN earned;
ALTER TABLE timebank_accounts RENAME COLUMN balance_wide TO balance;
ALTER TABLE timebank_accounts RENAME COLUMN earned_wide TO earned;

-- The sender's balance after a transfer, kept for its Idempotency-Key.
ALTER TABLE timebank_transfers ADD COLUMN balance_wide BIGINT NOT NULL DEFAULT 0;
UPDATE timebank_transfers SET balance_wide = balance;
ALTER TABLE timebank_transfers DROP COLUMN balance;
ALTER TABLE timebank_transfers RENAME COLUMN balance_wide TO balance;
