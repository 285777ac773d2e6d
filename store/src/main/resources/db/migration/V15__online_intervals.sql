-- Closed stretches of a device's time online (from coming online to its last heartbeat before
-- it was marked offline), for per-epoch uptime; the current stretch is device.online_since.
CREATE TABLE device_online (
    device_id  VARCHAR(32) NOT NULL REFERENCES device (id),
    from_ms    BIGINT      NOT NULL,
    to_ms      BIGINT      NOT NULL
);
CREATE INDEX device_online_to ON device_online (to_ms);
