-- The queue's search (SPEC §4): by name, customer number, phone number,
-- part of an email address or part of a reference. Each request's values
-- are stored folded (lower case, no accents, letters and digits), from each
-- word on, so that a search is one range scan of this primary key in
-- code-point order: SQLite compares bytes; on PostgreSQL `db::migrate` gives
-- `term` the "C" collation, which SQLite's SQL cannot name (`requests::search`).
CREATE TABLE request_terms (
    term TEXT NOT NULL,
    request_id TEXT NOT NULL REFERENCES requests (id),
    PRIMARY KEY (term, request_id)
);

CREATE INDEX request_terms_request ON request_terms (request_id);

-- The terms' format a request was indexed with; 0: not yet (the server
-- indexes those at start-up, `search::backfill`).
ALTER TABLE requests ADD COLUMN terms_version INTEGER NOT NULL DEFAULT 0;

CREATE INDEX requests_terms_stale ON requests (id) WHERE terms_version = 0;
