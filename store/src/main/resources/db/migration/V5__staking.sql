-- IO staked by one account on another (or on itself). The IO sits in the ledger account
-- stake:<id>:IO from staking until it is released after the cool-down.
CREATE TABLE stake (
    id           VARCHAR(32) PRIMARY KEY,
    staker_id    VARCHAR(32) NOT NULL REFERENCES account (id),
    target_id    VARCHAR(32) NOT NULL REFERENCES account (id),
    amount       BIGINT      NOT NULL,
    state        VARCHAR(16) NOT NULL,
    created_at   BIGINT      NOT NULL,
    release_at   BIGINT,
    CONSTRAINT stake_positive CHECK (amount > 0)
);
CREATE INDEX stake_staker ON stake (staker_id);
CREATE INDEX stake_target ON stake (target_id, state);

-- The share of its rewards an account gives the IO staked on it, in basis points (1% to 3%).
ALTER TABLE account ADD COLUMN staker_share_bps INT NOT NULL DEFAULT 100;
