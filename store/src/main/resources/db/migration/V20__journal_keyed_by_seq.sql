-- A transfer's place in the journal (seq, already unique and set on every transfer: a store
-- holding one without it is refused) becomes its key; the surrogate id, an identity sequence
-- and an index written for every transfer and read by nothing, goes.
ALTER TABLE ledger_transfer DROP COLUMN id;
ALTER TABLE ledger_transfer ALTER COLUMN seq SET NOT NULL;
ALTER TABLE ledger_transfer ADD PRIMARY KEY (seq);
DROP INDEX ledger_transfer_seq;
