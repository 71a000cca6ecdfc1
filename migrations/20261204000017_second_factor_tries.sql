-- The second factor (issue 19): each code typed on a pending sign-in is
-- reserved before it is checked, so that parallel tries cannot pass the
-- limit; the pending sign-in ends after 5 wrong codes. `locks` counts the
-- locks in a row since the last sign-in: each lasts twice the one before.
ALTER TABLE dpo_sessions ADD COLUMN code_tries BIGINT NOT NULL DEFAULT 0;
ALTER TABLE dpo_accounts ADD COLUMN locks BIGINT NOT NULL DEFAULT 0;
