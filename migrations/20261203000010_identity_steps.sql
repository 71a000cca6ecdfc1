-- Identity in steps (SPEC §3). The step of the last question on identity
-- (a fact SOFACTO can check, then only on a remaining doubt a document);
-- how identity was established and on which day (the register shows
-- both); and which of a subject's files are copies of an identity
-- document, deleted once identity is confirmed or the request closes.
ALTER TABLE requests ADD COLUMN identity_step TEXT;
ALTER TABLE requests ADD COLUMN identity_method TEXT;
ALTER TABLE requests ADD COLUMN identity_on TEXT;
ALTER TABLE request_files ADD COLUMN purpose TEXT;
