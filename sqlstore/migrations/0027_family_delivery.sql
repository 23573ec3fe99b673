-- Families, delivered (sqlstore/delivery.go): a dependent's notification is
-- e-mailed to their guardians too, so one notification may be sent to
-- several people. The delivery log names whom each e-mail went to; NULL,
-- as in every row before, is the notification's own recipient.
ALTER TABLE deliveries ADD COLUMN recipient_id BIGINT;
