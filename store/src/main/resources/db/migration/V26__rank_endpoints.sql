-- Where a container rank's declared ports are published, as JSON [{port, address}], once it started.
ALTER TABLE cluster_rank ADD COLUMN endpoints VARCHAR(8000);
