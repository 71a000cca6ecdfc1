-- Linked requests (SPEC §3): one letter asking for several rights becomes
-- one request per right, linked by the DPO and shown together. Requests
-- of one group share `linked_group` (the id of the first one linked).
ALTER TABLE requests ADD COLUMN linked_group TEXT;

CREATE INDEX requests_linked ON requests (linked_group) WHERE linked_group IS NOT NULL;
