-- Linked requests answered in one email (SPEC §3): when the DPO chooses it,
-- a decision's answer is held here, with what it says, until the last
-- linked request still open is answered (or, at the latest, the day before
-- its own due date); then one email carries them all. Once sent, `body` is
-- emptied and `outbox_id` names that email: the day it leaves is the day
-- each request was answered (`figures::answer_sent`).
CREATE TABLE held_answers (
    id TEXT PRIMARY KEY,
    request_id TEXT NOT NULL REFERENCES requests (id),
    linked_group TEXT NOT NULL,
    recipient TEXT NOT NULL,
    reference TEXT NOT NULL,
    -- The answer as it would have gone alone: its kind, language, subject
    -- and content (`email::templates::Body` as JSON).
    kind TEXT NOT NULL,
    lang TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT,
    created_at BIGINT NOT NULL,
    outbox_id TEXT
);

CREATE INDEX held_answers_waiting ON held_answers (linked_group, recipient) WHERE outbox_id IS NULL;
CREATE INDEX held_answers_sent ON held_answers (outbox_id) WHERE outbox_id IS NOT NULL;
