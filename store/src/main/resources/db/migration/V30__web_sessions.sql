-- Sessions of people signed in to the web faces: the cookie's token is kept only as its hash,
-- with the account, the token a page must send back with every change (CSRF), and when it ends.
CREATE TABLE web_session (
    token_hash  VARCHAR(64) PRIMARY KEY,
    account_id  VARCHAR(32) NOT NULL REFERENCES account (id),
    csrf_token  VARCHAR(64) NOT NULL,
    created_at  BIGINT      NOT NULL,
    expires_at  BIGINT      NOT NULL
);
CREATE INDEX web_session_expiry ON web_session (expires_at);
CREATE INDEX web_session_account ON web_session (account_id, created_at);
