-- A device is placed only once it has passed a challenge (verified), and never while blocked.
-- Its owner may ask for re-verification of a blocked device; a passed challenge then unblocks it.
ALTER TABLE device ADD COLUMN verified BOOLEAN DEFAULT FALSE NOT NULL;
ALTER TABLE device ADD COLUMN blocked_reason VARCHAR(200);
ALTER TABLE device ADD COLUMN blocked_at BIGINT;
ALTER TABLE device ADD COLUMN reverify_requested BOOLEAN DEFAULT FALSE NOT NULL;
UPDATE device SET verified = TRUE
    WHERE EXISTS (SELECT 1 FROM challenge k WHERE k.device_id = device.id AND k.outcome = 'PASSED');
