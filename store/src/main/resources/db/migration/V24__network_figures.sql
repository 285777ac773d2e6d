-- The public network figures are read on every request, so they must not read every row of a
-- growing table: devices online, idle and by model come from an index of just what they need,
-- and each currency's transfer count is kept as the journal grows instead of counted each time.
CREATE INDEX device_status ON device (online, gpu_model, cluster_id, verified, blocked_reason);
CREATE TABLE ledger_transfer_count (
    currency   VARCHAR(8) PRIMARY KEY,
    transfers  BIGINT     NOT NULL
);
INSERT INTO ledger_transfer_count (currency, transfers)
    SELECT currency, COUNT(*) FROM ledger_transfer GROUP BY currency;
