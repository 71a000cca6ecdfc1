-- Accountability (GDPR Art. 5(2)): the hash-chained audit log, the jobs that
-- run once a day, and retention.

-- Append-only: each entry holds the SHA-256 of the one before it with its
-- own content. No personal data: references, ids, kinds and hashes.
CREATE TABLE audit_log (
    seq BIGINT PRIMARY KEY,
    at BIGINT NOT NULL,
    action TEXT NOT NULL,
    -- 'subject', 'dpo' (with the account in actor_id), 'system', 'operator'.
    actor TEXT NOT NULL,
    actor_id TEXT,
    -- The account acted upon (a sign-in, the command line).
    account_id TEXT,
    reference TEXT,
    object_id TEXT,
    facts TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_log_reference ON audit_log (reference, seq);
CREATE INDEX audit_log_account ON audit_log (account_id, action, at);
CREATE INDEX audit_log_action ON audit_log (action, object_id);

-- The chain's head, one row: every append moves it in its transaction,
-- which makes appends from every task and instance queue behind each other.
CREATE TABLE audit_head (
    id BIGINT PRIMARY KEY,
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- A daily job (the digest, the retention purge) runs once per Paris day,
-- whichever instance inserts the row first.
CREATE TABLE daily_runs (
    job TEXT NOT NULL,
    day TEXT NOT NULL,
    ran_at BIGINT NOT NULL,
    PRIMARY KEY (job, day)
);

-- Closed requests are anonymised after the retention period (SPEC §6);
-- the register keeps their reference, right, dates and outcome.
ALTER TABLE requests ADD COLUMN anonymised_at BIGINT;
CREATE INDEX requests_retention ON requests (anonymised_at, closed_at);
-- The dashboard counts closings per month.
CREATE INDEX requests_closed_at ON requests (closed_at);

-- Secrets the server makes for itself on first start when none is
-- configured (the key of the rate-limit counters' HMACs).
CREATE TABLE server_secrets (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
