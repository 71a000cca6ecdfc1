-- Letters: a notice that goes by post (the request has no email address,
-- or the subject asked for a postal reply), printed from the console. The
-- day the DPO marks it posted is the proof that the subject was told.
-- The subject's postal address is not copied here: the letter's page reads
-- it from the request, so retention blanks it in one place; the text is
-- emptied by retention like an email's.
CREATE TABLE letters (
    id TEXT PRIMARY KEY,
    request_id TEXT NOT NULL REFERENCES requests (id),
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    text TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    posted_on TEXT,
    posted_by TEXT
);

CREATE INDEX letters_request ON letters (request_id, created_at);
-- The queue's "letters to post".
CREATE INDEX letters_to_post ON letters (created_at, request_id) WHERE posted_on IS NULL;
