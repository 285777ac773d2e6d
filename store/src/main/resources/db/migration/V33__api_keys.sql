-- API keys an account makes besides the one it was made with (that one stays in account.api_key_hash):
-- each labelled, kept as its SHA-256, revocable on its own.
CREATE TABLE api_key (
    key_hash    VARCHAR(64) PRIMARY KEY,
    key_id      VARCHAR(32) NOT NULL UNIQUE,
    account_id  VARCHAR(32) NOT NULL REFERENCES account (id),
    label       VARCHAR(64) NOT NULL,
    created_at  BIGINT      NOT NULL
);
CREATE INDEX api_key_account ON api_key (account_id, created_at);
