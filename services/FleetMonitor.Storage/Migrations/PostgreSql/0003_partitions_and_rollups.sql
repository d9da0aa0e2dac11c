-- Rows whose day has no partition yet land here instead of failing; the maintenance job moves them into their
-- day's partition when it makes it. Partitions are made days ahead by that job, no longer by the write path.
CREATE TABLE IF NOT EXISTS probe_results_default PARTITION OF probe_results DEFAULT;

-- Hourly roll-ups per site and probe, kept far longer than raw results (Retention:RollupDays).
CREATE TABLE probe_rollups_hourly (
    site_id     text NOT NULL,
    probe_id    text NOT NULL,
    hour        timestamptz NOT NULL,
    kind        text NOT NULL,
    results     bigint NOT NULL,
    ok          bigint NOT NULL,
    degraded    bigint NOT NULL,
    failed      bigint NOT NULL,
    error       bigint NOT NULL,
    PRIMARY KEY (site_id, probe_id, hour)
);
CREATE INDEX probe_rollups_hourly_hour ON probe_rollups_hourly (hour);

CREATE TABLE probe_measurement_rollups_hourly (
    site_id     text NOT NULL,
    probe_id    text NOT NULL,
    hour        timestamptz NOT NULL,
    measurement text NOT NULL,
    samples     bigint NOT NULL,
    min         double precision NOT NULL,
    avg         double precision NOT NULL,
    max         double precision NOT NULL,
    p95         double precision NULL,
    PRIMARY KEY (site_id, probe_id, hour, measurement)
);
CREATE INDEX probe_measurement_rollups_hourly_hour ON probe_measurement_rollups_hourly (hour);
