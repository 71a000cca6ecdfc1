-- Directives for after death (French law 78-17, art. 85): what a subject
-- wants done with their data once they die, and the person they
-- designate. One set per verified address; recorded, replaced and revoked
-- by the subject (each audited); the DPO finds them when an heir or the
-- designated person files, by the deceased's address or name.
CREATE TABLE directives (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    choice TEXT NOT NULL,
    person_name TEXT,
    person_email TEXT,
    note TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE INDEX directives_name ON directives (LOWER(last_name), LOWER(first_name));
