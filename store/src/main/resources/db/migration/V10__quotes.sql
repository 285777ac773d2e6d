-- Prices quoted to customers, honoured at deploy until they expire.
CREATE TABLE quote (
    id            VARCHAR(32)   PRIMARY KEY,
    owner_id      VARCHAR(32)   NOT NULL REFERENCES account (id),
    request       VARCHAR(2000) NOT NULL,
    price_micros  BIGINT        NOT NULL,
    created_at    BIGINT        NOT NULL,
    expires_at    BIGINT        NOT NULL
);
CREATE INDEX quote_expiry ON quote (expires_at);
