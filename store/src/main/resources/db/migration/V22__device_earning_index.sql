-- What an epoch's close reads of every device, as an index it can scan without the rows: a
-- device row carries its hardware description and telemetry (kilobytes), and reading a million
-- of them was most of the close's uptime query. A heartbeat writes these columns back with the
-- values they had, which leaves the index alone on both stores.
CREATE INDEX device_earning ON device (owner_id, id, gpu_model, gpu_count, online, online_since, runtimes);
