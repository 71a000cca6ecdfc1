-- The browser that asked for the current code holds it: its cookie carries
-- a secret whose SHA-256 is kept here. Another browser that asks for the
-- same address is sent to the code page like anyone, but nothing is sent
-- and the code is not replaced; it may type the code (the owner on a second
-- device) with tries of its own, so it cannot spend the holder's.
ALTER TABLE verifications ADD COLUMN holder_hash TEXT;
ALTER TABLE verifications ADD COLUMN other_attempts BIGINT NOT NULL DEFAULT 0;
