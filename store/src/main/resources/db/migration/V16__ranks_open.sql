-- Ranks of a cluster that have not exited cleanly yet: the last clean exit completes it,
-- without reading every rank of a large cluster on each exit.
ALTER TABLE cluster ADD COLUMN ranks_open INT DEFAULT 0 NOT NULL;
UPDATE cluster SET ranks_open = (SELECT COUNT(*) FROM cluster_rank r WHERE r.cluster_id = cluster.id
    AND NOT (r.state = 'EXITED' AND r.exit_code = 0));
