-- Ranks of a cluster that have neither started nor exited: the last start makes it RUNNING.
-- A counter on the cluster row, so a start does not read every rank of a large cluster.
ALTER TABLE cluster ADD COLUMN ranks_waiting INT DEFAULT 0 NOT NULL;
