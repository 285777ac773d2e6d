-- A GPU's challenge has a memory part: a table filling most of the claimed card's memory, and
-- walks over it (dev.corral.proofs.MemoryWalk). Its size, the time the walks get once the
-- device said its table is filled (the challenge is then FILLED and its deadline moves), the
-- walk seed drawn then, the device's commitment to its walks and the rows of walkers it was
-- asked to open. NULL for a challenge without one.
ALTER TABLE challenge ADD COLUMN memory_items BIGINT;
ALTER TABLE challenge ADD COLUMN memory_rounds INT;
ALTER TABLE challenge ADD COLUMN memory_walkers INT;
ALTER TABLE challenge ADD COLUMN memory_steps INT;
ALTER TABLE challenge ADD COLUMN walk_allowance_ms BIGINT;
ALTER TABLE challenge ADD COLUMN walk_seed BIGINT;
ALTER TABLE challenge ADD COLUMN walk_root VARCHAR(64);
ALTER TABLE challenge ADD COLUMN walk_rows_asked VARCHAR(64);
-- A device on the GPU engine gets one challenge for each GPU it claims, issued together (one
-- issued_at) with one deadline: this is the GPU that computes it.
ALTER TABLE challenge ADD COLUMN gpu INT DEFAULT 0 NOT NULL;
