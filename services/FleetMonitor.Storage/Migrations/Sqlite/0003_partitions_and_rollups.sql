-- Hourly roll-ups per site and probe (SQLite has no partitions: retention deletes old rows instead).
CREATE TABLE probe_rollups_hourly (
    site_id     TEXT NOT NULL,
    probe_id    TEXT NOT NULL,
    hour        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    results     INTEGER NOT NULL,
    ok          INTEGER NOT NULL,
    degraded    INTEGER NOT NULL,
    failed      INTEGER NOT NULL,
    error       INTEGER NOT NULL,
    PRIMARY KEY (site_id, probe_id, hour)
);
CREATE INDEX probe_rollups_hourly_hour ON probe_rollups_hourly (hour);

CREATE TABLE probe_measurement_rollups_hourly (
    site_id     TEXT NOT NULL,
    probe_id    TEXT NOT NULL,
    hour        TEXT NOT NULL,
    measurement TEXT NOT NULL,
    samples     INTEGER NOT NULL,
    min         REAL NOT NULL,
    avg         REAL NOT NULL,
    max         REAL NOT NULL,
    p95         REAL NULL,
    PRIMARY KEY (site_id, probe_id, hour, measurement)
);
CREATE INDEX probe_measurement_rollups_hourly_hour ON probe_measurement_rollups_hourly (hour);
