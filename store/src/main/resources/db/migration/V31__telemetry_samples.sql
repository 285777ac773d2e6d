-- Each online device's telemetry as its last heartbeat reported it, copied every few minutes
-- (DeviceService.TELEMETRY_SAMPLE_INTERVAL) for the Worker dashboard's charts, kept a day.
CREATE TABLE telemetry_sample (
    device_id  VARCHAR(32)   NOT NULL,
    at_ms      BIGINT        NOT NULL,
    telemetry  VARCHAR(8192) NOT NULL,
    PRIMARY KEY (device_id, at_ms)
);
CREATE INDEX telemetry_sample_at ON telemetry_sample (at_ms);
