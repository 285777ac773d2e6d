-- The device's last measured bandwidth to the coordinator, which sets its connectivity tier.
ALTER TABLE device ADD COLUMN bandwidth_down_mbps BIGINT;
ALTER TABLE device ADD COLUMN bandwidth_up_mbps BIGINT;
ALTER TABLE device ADD COLUMN bandwidth_at BIGINT;
