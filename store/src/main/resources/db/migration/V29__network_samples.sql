-- The network's figures over time for the Explorer's charts: one row per sample (a minute apart),
-- kept for NetworkService.SAMPLE_RETENTION (a day).
CREATE TABLE network_sample (
    at_ms           BIGINT PRIMARY KEY,
    devices_online  INT    NOT NULL,
    devices_idle    INT    NOT NULL,
    devices_hired   INT    NOT NULL
);
