-- The public journal: every transfer takes its place in a hash chain. A store made before
-- this migration has unchained transfers; the coordinator refuses to start on it.
ALTER TABLE ledger_transfer ADD COLUMN seq BIGINT;
ALTER TABLE ledger_transfer ADD COLUMN prev_hash VARCHAR(64);
ALTER TABLE ledger_transfer ADD COLUMN entry_hash VARCHAR(64);
CREATE UNIQUE INDEX ledger_transfer_seq ON ledger_transfer (seq);

CREATE TABLE journal_head (
    id         INT         PRIMARY KEY,
    seq        BIGINT      NOT NULL,
    head_hash  VARCHAR(64) NOT NULL
);
INSERT INTO journal_head (id, seq, head_hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE epoch_record (
    epoch           BIGINT       PRIMARY KEY,
    starts_at       BIGINT       NOT NULL,
    ends_at         BIGINT       NOT NULL,
    journal_seq     BIGINT       NOT NULL,
    journal_head    VARCHAR(64)  NOT NULL,
    block_emission  BIGINT       NOT NULL,
    minted          BIGINT       NOT NULL,
    burned          BIGINT       NOT NULL,
    supply          BIGINT       NOT NULL,
    balance_root    VARCHAR(64)  NOT NULL,
    balances        INT          NOT NULL,
    signature       VARCHAR(200) NOT NULL
);

CREATE TABLE epoch_reward (
    epoch      BIGINT      NOT NULL,
    device_id  VARCHAR(32) NOT NULL,
    owner_id   VARCHAR(32) NOT NULL,
    amount     BIGINT      NOT NULL,
    PRIMARY KEY (epoch, device_id)
);
CREATE INDEX epoch_reward_owner ON epoch_reward (owner_id);

-- A device counts as available for an epoch when it has been online since before the epoch began.
ALTER TABLE device ADD COLUMN online_since BIGINT;
UPDATE device SET online_since = last_seen_at WHERE online;
