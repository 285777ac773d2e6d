-- What each block's close saw of the devices it considered (nominated): per owner, as the
-- rewards are kept, each device's time online in the epoch, whether it proved itself, and its
-- weight in the availability reward in thousandths, 0 if not eligible
-- ("dev_a=3600000:1:10000,dev_b=120000:0:0"); and the block's counts, for the Explorer's list.
CREATE TABLE epoch_owner_device (
    epoch     BIGINT           NOT NULL,
    owner_id  VARCHAR(32)      NOT NULL,
    devices   VARCHAR(1000000) NOT NULL,
    PRIMARY KEY (owner_id, epoch)
);
CREATE INDEX epoch_owner_device_epoch ON epoch_owner_device (epoch);
CREATE INDEX epoch_owner_reward_epoch ON epoch_owner_reward (epoch);
CREATE TABLE epoch_summary (
    epoch      BIGINT PRIMARY KEY,
    nominated  INT    NOT NULL,
    proven     INT    NOT NULL,
    rewarded   INT    NOT NULL
);
-- A block's page counts each device's challenges that finished in the epoch.
CREATE INDEX challenge_finished ON challenge (finished_at);
