-- What customers filter devices on beyond the hardware: country and supplier type (set by the
-- owner), security and connectivity tiers 1..4 (set by the network's operator after checking).
ALTER TABLE device ADD COLUMN country VARCHAR(2) DEFAULT '' NOT NULL;
ALTER TABLE device ADD COLUMN supplier_type VARCHAR(16) DEFAULT 'INDIVIDUAL' NOT NULL;
ALTER TABLE device ADD COLUMN security_tier INT DEFAULT 1 NOT NULL;
ALTER TABLE device ADD COLUMN connectivity_tier INT DEFAULT 1 NOT NULL;

-- A device's standing: good and bad evidence, each decayed to the instant standing_at (ms).
ALTER TABLE device ADD COLUMN standing_good DOUBLE PRECISION DEFAULT 0 NOT NULL;
ALTER TABLE device ADD COLUMN standing_bad DOUBLE PRECISION DEFAULT 0 NOT NULL;
ALTER TABLE device ADD COLUMN standing_at BIGINT DEFAULT 0 NOT NULL;
