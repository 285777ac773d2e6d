-- Availability rewards are read per owner, so they are kept per owner and epoch: one row
-- holding each of the owner's devices and its reward ("dev_a=12,dev_b=7"), five or more
-- times fewer rows to write when an epoch with many devices closes. The per-device rows of
-- earlier epochs are moved over.
CREATE TABLE epoch_owner_reward (
    epoch     BIGINT       NOT NULL,
    owner_id  VARCHAR(32)  NOT NULL,
    devices   VARCHAR(1000000) NOT NULL,
    PRIMARY KEY (owner_id, epoch)
);
INSERT INTO epoch_owner_reward (epoch, owner_id, devices)
SELECT epoch, owner_id, STRING_AGG(device_id || '=' || CAST(amount AS VARCHAR(20)), ',')
FROM epoch_reward GROUP BY epoch, owner_id;
DROP TABLE epoch_reward;
