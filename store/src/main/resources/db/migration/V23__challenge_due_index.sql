-- Which devices are due an availability challenge, as an index the sweeper's query can range
-- over each second, instead of a scan of every device: online, unhired, and due by now. "Never
-- challenged" is 0 (due at once) rather than NULL, so "due" is one range.
UPDATE device SET next_challenge_at = 0 WHERE next_challenge_at IS NULL;
ALTER TABLE device ALTER COLUMN next_challenge_at SET DEFAULT 0;
ALTER TABLE device ALTER COLUMN next_challenge_at SET NOT NULL;
CREATE INDEX device_challenge_due ON device (online, cluster_id, next_challenge_at);
