-- What a device's latest heartbeat measured that contradicts its claimed hardware ('' if nothing).
ALTER TABLE device ADD COLUMN claim_flags VARCHAR(2000) DEFAULT '' NOT NULL;
