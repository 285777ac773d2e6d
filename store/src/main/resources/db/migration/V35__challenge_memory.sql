-- A GPU's challenge has a memory part: a table filling most of the claimed card's memory, and
-- walks over it (dev.corral.proofs.MemoryWalk). Its size, the device's commitment to its walks
-- and the rows of walkers it was asked to open. NULL for a challenge without one.
ALTER TABLE challenge ADD COLUMN memory_items BIGINT;
ALTER TABLE challenge ADD COLUMN memory_rounds INT;
ALTER TABLE challenge ADD COLUMN memory_walkers INT;
ALTER TABLE challenge ADD COLUMN memory_steps INT;
ALTER TABLE challenge ADD COLUMN walk_root VARCHAR(64);
ALTER TABLE challenge ADD COLUMN walk_rows_asked VARCHAR(64);
