-- The DPO console: accounts with a second factor, sessions, and what the
-- console records on each request (the GDPR clock, decisions, files).

ALTER TABLE dpo_accounts ADD COLUMN disabled_at BIGINT;
-- No attempt before this instant (a growing wait after each failure).
ALTER TABLE dpo_accounts ADD COLUMN next_login_at BIGINT;
-- The last TOTP time step accepted: a code is never accepted twice.
ALTER TABLE dpo_accounts ADD COLUMN totp_last_step BIGINT;
-- A secret being enrolled, until a first code confirms it.
ALTER TABLE dpo_accounts ADD COLUMN totp_pending_secret TEXT;

-- Ten single-use codes per account, for a lost phone; stored as hashes.
CREATE TABLE dpo_recovery_codes (
    account_id TEXT NOT NULL REFERENCES dpo_accounts (id),
    code_hash TEXT NOT NULL,
    used_at BIGINT,
    PRIMARY KEY (account_id, code_hash)
);

-- A signed-in DPO: the cookie holds the token, this table its hash. In the
-- database, so sessions survive a restart and work on every instance.
CREATE TABLE dpo_sessions (
    token_hash TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES dpo_accounts (id),
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    -- 1 while the password was accepted but the second factor not yet.
    second_factor_pending BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX dpo_sessions_account ON dpo_sessions (account_id);

-- The first legal due date stays as it was received; `due_on` becomes the
-- current one, recomputed by every change and empty while paused.
ALTER TABLE requests RENAME COLUMN due_on TO first_due_on;
ALTER TABLE requests ADD COLUMN due_on TEXT;
UPDATE requests SET due_on = first_due_on;
-- The queue's sort key: `due_on` of an open request, '9999-12-31' while it
-- is paused (sorted after the others), empty once closed.
ALTER TABLE requests ADD COLUMN open_due TEXT;
UPDATE requests SET open_due = CASE WHEN closed_at IS NULL THEN due_on END;
DROP INDEX requests_status_due;

-- How the request reached SOFACTO: the portal, or a letter or an email
-- to the DPO recorded in the console (then `email` may be '').
ALTER TABLE requests ADD COLUMN intake TEXT NOT NULL DEFAULT 'portal';
-- The GDPR clock (Art. 12(3)).
ALTER TABLE requests ADD COLUMN extension_months BIGINT NOT NULL DEFAULT 0;
ALTER TABLE requests ADD COLUMN extended_at BIGINT;
ALTER TABLE requests ADD COLUMN paused_days BIGINT NOT NULL DEFAULT 0;
-- While awaiting the subject: the Paris date the pause began, and the
-- status to go back to.
ALTER TABLE requests ADD COLUMN paused_since TEXT;
ALTER TABLE requests ADD COLUMN resume_status TEXT;
ALTER TABLE requests ADD COLUMN reminded_at BIGINT;
-- The decision: completion or refusal, as JSON (summary, Art. 15 and 19
-- information, reason and explanation).
ALTER TABLE requests ADD COLUMN outcome TEXT;
-- Bumped by every change: the compare-and-set in requests::apply checks it,
-- so two changes that keep the status (a note and an extension, two
-- extensions) cannot overwrite each other.
ALTER TABLE requests ADD COLUMN version BIGINT NOT NULL DEFAULT 0;

CREATE INDEX requests_queue ON requests (open_due, reference);
CREATE INDEX requests_queue_status ON requests (status, open_due, reference);
CREATE INDEX requests_queue_right ON requests (right_kind, open_due, reference);
CREATE INDEX requests_queue_assignee ON requests (assignee_id, open_due, reference);
-- A search by address lists the newest first.
DROP INDEX requests_email;
CREATE INDEX requests_email ON requests (email, received_at, reference);
-- Closed requests are listed newest first.
CREATE INDEX requests_closed ON requests (status, received_at, reference);

-- Who acted (a DPO account), and what the event says: a message, a note,
-- a reason, as text; structured facts as JSON.
ALTER TABLE request_events ADD COLUMN actor_id TEXT;
ALTER TABLE request_events ADD COLUMN detail TEXT;

-- Files: the DPO's reply files and the subject's attachments. Stored in the
-- database so that every instance sees them; named by a random id.
CREATE TABLE request_files (
    id TEXT PRIMARY KEY,
    request_id TEXT NOT NULL REFERENCES requests (id),
    -- 'to_subject' (a reply file) or 'from_subject'.
    direction TEXT NOT NULL,
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    data BYTEA NOT NULL,
    created_at BIGINT NOT NULL,
    -- A reply file: shared with the subject at completion, downloadable
    -- until then + 7 days.
    shared_at BIGINT
);
CREATE INDEX request_files_request ON request_files (request_id, created_at);
