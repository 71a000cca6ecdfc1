-- Wrong passwords, counted per account and per source (issue 19): a source
-- is the client network, or a browser that signed in to this account
-- before (its device cookie), both as keyed hashes. Failures slow that
-- source down; they never lock the account, so that strangers cannot keep
-- the DPO out. An unknown address is counted the same way (under a keyed
-- hash of it), so that both answers cost the same writes.
CREATE TABLE sign_in_failures (
    account_key TEXT NOT NULL,
    source TEXT NOT NULL,
    failures BIGINT NOT NULL,
    next_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (account_key, source)
);
CREATE INDEX sign_in_failures_updated ON sign_in_failures (updated_at);
