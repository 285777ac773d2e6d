-- How far a container rank's image pull has got, and when its agent last said so, while the rank waits to start.
ALTER TABLE cluster_rank ADD COLUMN pull_done BIGINT;
ALTER TABLE cluster_rank ADD COLUMN pull_total BIGINT;
ALTER TABLE cluster_rank ADD COLUMN pull_at BIGINT;
