-- A new email address the DPO typed for a subject (who lost their
-- mailbox, or mistyped it): nothing is sent to it until it is confirmed
-- from that mailbox, through a link whose SHA-256 is kept here.
ALTER TABLE requests ADD COLUMN pending_email TEXT;
ALTER TABLE requests ADD COLUMN pending_email_hash TEXT;
ALTER TABLE requests ADD COLUMN pending_email_until BIGINT;

CREATE INDEX requests_pending_email ON requests (pending_email_hash) WHERE pending_email_hash IS NOT NULL;
