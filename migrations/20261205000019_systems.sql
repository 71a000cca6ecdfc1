-- SOFACTO's own systems (issue 18): each system that holds personal data
-- (a CRM, billing, a newsletter tool) gets one task per actionable request
-- that concerns it, pushed to its webhook or pulled with its key, and
-- answers with a result.
CREATE TABLE systems (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    -- The rights it handles, as slugs separated by commas.
    rights TEXT NOT NULL,
    -- NULL for a system that only pulls its tasks.
    webhook_url TEXT,
    -- The Standard Webhooks secret (whsec_…), sealed under a key derived
    -- from PORTAL_SECRET_KEY (secure::SecretBox).
    webhook_secret TEXT,
    -- The SHA-256 of its API key (spp_…); the key itself is shown once.
    key_hash TEXT NOT NULL UNIQUE,
    -- The key's first characters, to tell keys apart in a list.
    key_hint TEXT NOT NULL,
    enabled BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    key_rotated_at BIGINT
);

CREATE TABLE system_tasks (
    id TEXT PRIMARY KEY,
    system_id TEXT NOT NULL REFERENCES systems (id),
    request_id TEXT NOT NULL REFERENCES requests (id),
    created_at BIGINT NOT NULL,
    -- 'open' until the system answers: 'done', 'not_found', 'retained' or
    -- 'failed'.
    state TEXT NOT NULL DEFAULT 'open',
    -- The result as JSON: a reason and a legal ground, an error.
    result TEXT,
    -- Further identifiers the system found: personal, so blanked with the
    -- request's personal columns at anonymisation.
    found_identifiers TEXT,
    result_at BIGINT,
    -- An erasure sent again after a system restored a backup names the
    -- task it repeats.
    replay_of TEXT,
    -- The webhook delivery, drained like the email outbox: 'pending' or
    -- 'delivered'; 'pull' for a system without a webhook.
    delivery TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT,
    lease_id TEXT,
    lease_until BIGINT,
    last_error TEXT,
    delivered_at BIGINT
);
CREATE INDEX system_tasks_system ON system_tasks (system_id, state, created_at);
CREATE INDEX system_tasks_request ON system_tasks (request_id);
CREATE INDEX system_tasks_delivery ON system_tasks (delivery, next_attempt_at);

-- Each webhook delivery attempt, as the DPO sees it.
CREATE TABLE task_deliveries (
    id TEXT PRIMARY KEY,
    task_id TEXT NOT NULL REFERENCES system_tasks (id),
    at BIGINT NOT NULL,
    -- The receiver's HTTP status, NULL when none came.
    status_code BIGINT,
    error TEXT
);
CREATE INDEX task_deliveries_task ON task_deliveries (task_id, at);

-- A result's Idempotency-Key: the same key again gets the first answer;
-- with another body, an error.
CREATE TABLE task_results (
    system_id TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    task_id TEXT NOT NULL,
    body_sha256 TEXT NOT NULL,
    status BIGINT NOT NULL,
    answer TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (system_id, idempotency_key)
);

-- A result's file becomes a reply file, not shared until the DPO ticks it.
ALTER TABLE request_files ADD COLUMN task_id TEXT;
