-- Availability challenges sent to devices, and their outcomes.
CREATE TABLE challenge (
    id           VARCHAR(32) PRIMARY KEY,
    device_id    VARCHAR(32) NOT NULL REFERENCES device (id),
    seed         BIGINT      NOT NULL,
    size         INT         NOT NULL,
    issued_at    BIGINT      NOT NULL,
    deadline_at  BIGINT      NOT NULL,
    root         VARCHAR(64),
    rows_asked   VARCHAR(64),
    outcome      VARCHAR(16) NOT NULL,
    finished_at  BIGINT
);
CREATE INDEX challenge_device ON challenge (device_id, issued_at);
CREATE INDEX challenge_outcome ON challenge (outcome, deadline_at);

-- When the device is next due a challenge (drawn at random so it cannot be predicted).
ALTER TABLE device ADD COLUMN next_challenge_at BIGINT;
