-- Clusters that heal. What a cluster was deployed for (a framework whose variables its ranks get), what a lost
-- device does to it (clusters made before this keep the failure they were deployed with), and how often a rank's
-- failed program may be started again; how many of its ranks are lost and wait for another device.
ALTER TABLE cluster ADD COLUMN framework VARCHAR(16);
ALTER TABLE cluster ADD COLUMN on_device_loss VARCHAR(16) DEFAULT 'fail' NOT NULL;
ALTER TABLE cluster ADD COLUMN restart_max INT DEFAULT 0 NOT NULL;
ALTER TABLE cluster ADD COLUMN ranks_lost INT DEFAULT 0 NOT NULL;
-- Why a cluster ended, and why a rank ended or last failed, as a type (EndReason); the text stays in reason.
ALTER TABLE cluster ADD COLUMN reason_code VARCHAR(24);
ALTER TABLE cluster_rank ADD COLUMN reason_code VARCHAR(24);
-- A rank's restarts on its device, why it last failed, and the first log sequence number its device writes (a
-- replacement goes on after the lost device's lines).
ALTER TABLE cluster_rank ADD COLUMN restarts INT DEFAULT 0 NOT NULL;
ALTER TABLE cluster_rank ADD COLUMN last_failure VARCHAR(600);
ALTER TABLE cluster_rank ADD COLUMN log_seq_from BIGINT DEFAULT 0 NOT NULL;
-- How many devices the rank was lost on before the one it has now.
ALTER TABLE cluster_rank ADD COLUMN placement INT DEFAULT 0 NOT NULL;
-- The devices a rank was lost on, each with the stretch it served (paid at the cluster's close) and the device
-- that took the rank over.
CREATE TABLE rank_stint (
    cluster_id   VARCHAR(32) NOT NULL REFERENCES cluster (id),
    rank_no      INT         NOT NULL,
    seq          INT         NOT NULL,
    device_id    VARCHAR(32) NOT NULL REFERENCES device (id),
    supplier_id  VARCHAR(32) NOT NULL REFERENCES account (id),
    started_at   BIGINT,
    ended_at     BIGINT      NOT NULL,
    replaced_by  VARCHAR(32) NOT NULL,
    PRIMARY KEY (cluster_id, rank_no, seq)
);
