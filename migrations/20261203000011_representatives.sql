-- Someone filing for the person concerned (SPEC §3): an agent with a
-- mandate, a parent or guardian, an heir or the person a deceased subject
-- designated. `acting` says who filed ('self' for the person concerned);
-- `representative` holds, as JSON, the representative's names, the end of
-- an agent's mandate, whom the answers go to and the person concerned's
-- address when known: personal data, emptied by retention.
ALTER TABLE requests ADD COLUMN acting TEXT NOT NULL DEFAULT 'self';
ALTER TABLE requests ADD COLUMN representative TEXT;
