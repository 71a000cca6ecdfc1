-- The dashboard's figures in SQL over dates, not row by row (with a
-- million requests it read about 330 k rows a page):
-- * closed_on: the Paris day the request closed;
-- * answered_on: the Paris day the answer left (its email sent, or the
--   closing day when there was no address), NULL while it is queued;
-- * answer_days: calendar days from receipt to answered_on;
-- * refusal_reason: the refusal's ground, for refusals by reason;
-- * is_test: a request the DPO marked as a test, left out of the rates.
-- Rows closed before this migration are filled by `db::migrate`
-- (`requests::figures::backfill`): Paris dates need the time zone rules,
-- which the two databases do not share.
ALTER TABLE requests ADD COLUMN closed_on TEXT;
ALTER TABLE requests ADD COLUMN answered_on TEXT;
ALTER TABLE requests ADD COLUMN answer_days INTEGER;
ALTER TABLE requests ADD COLUMN refusal_reason TEXT;
ALTER TABLE requests ADD COLUMN is_test INTEGER NOT NULL DEFAULT 0;

-- The closings of a window: rates, percentiles, refusals by reason, the
-- chart's closed bars, from the index alone.
CREATE INDEX requests_answers ON requests (closed_on, status, is_test, answer_days, answered_on, due_on, refusal_reason)
    WHERE closed_on IS NOT NULL;
-- Received per month and by channel.
CREATE INDEX requests_received ON requests (received_on, is_test, intake);
-- Extensions granted in a window.
CREATE INDEX requests_extended ON requests (extended_at, is_test) WHERE extended_at IS NOT NULL;
-- What the backfill looks for.
CREATE INDEX requests_unfilled ON requests (closed_at) WHERE closed_at IS NOT NULL AND closed_on IS NULL;
