-- The data subject's journey: address verification, sessions, requests and
-- their timeline.

-- One verification per address, ever: asking again replaces it, so there is
-- never a second pending one. Codes and link tokens are stored only as
-- SHA-256 hashes. Deleted 24 hours after the last code was sent.
CREATE TABLE verifications (
    email TEXT PRIMARY KEY,
    -- What the browser's cookie names; kept across resends.
    id TEXT NOT NULL UNIQUE,
    right_kind TEXT,
    lang TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    link_hash TEXT NOT NULL UNIQUE,
    attempts BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    sent_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    consumed_at BIGINT
);

-- Codes sent per address and per connection, in fixed windows, for the
-- limits; incremented atomically so parallel requests cannot slip through.
-- Keys are hashes. Deleted two days after their window.
CREATE TABLE send_counters (
    counter TEXT NOT NULL,
    window_start BIGINT NOT NULL,
    sends BIGINT NOT NULL,
    PRIMARY KEY (counter, window_start)
);

-- A verified address: the session cookie holds the token, this table its hash.
CREATE TABLE subject_sessions (
    token_hash TEXT PRIMARY KEY,
    email TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);

CREATE TABLE requests (
    id TEXT PRIMARY KEY,
    reference TEXT NOT NULL UNIQUE,
    -- One per form display: a double click or a retry stores one request.
    submission_key TEXT NOT NULL UNIQUE,
    email TEXT NOT NULL,
    right_kind TEXT NOT NULL,
    status TEXT NOT NULL,
    lang TEXT NOT NULL,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    relation TEXT NOT NULL,
    customer_number TEXT,
    reply_channel TEXT NOT NULL,
    reply_phone TEXT,
    reply_postal_address TEXT,
    -- The right-specific fields, as JSON.
    details TEXT NOT NULL,
    received_at BIGINT NOT NULL,
    received_on TEXT NOT NULL,
    due_on TEXT NOT NULL,
    closed_at BIGINT,
    assignee_id TEXT
);
CREATE INDEX requests_email ON requests (email, received_at);
CREATE INDEX requests_status_due ON requests (status, due_on);

-- The timeline: every step of a request, who took it and when.
CREATE TABLE request_events (
    id TEXT PRIMARY KEY,
    request_id TEXT NOT NULL REFERENCES requests (id),
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    kind TEXT NOT NULL,
    note TEXT,
    visible_to_subject BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX request_events_request ON request_events (request_id, at);
