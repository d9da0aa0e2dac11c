-- Silences and maintenance windows (see the PostgreSQL script). Timestamps are ISO 8601 text in UTC, ids are text.
CREATE TABLE alert_silences (
    id               TEXT PRIMARY KEY,
    site_id          TEXT NULL,
    agent_id         TEXT NULL,
    probe_id         TEXT NULL,
    class            TEXT NULL,
    cause            TEXT NULL,
    starts_at        TEXT NOT NULL,
    ends_at          TEXT NULL,
    cron             TEXT NULL,
    duration_seconds INTEGER NULL,
    comment          TEXT NOT NULL,
    created_by       TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    expired_at       TEXT NULL
);
CREATE INDEX alert_silences_live ON alert_silences (ends_at) WHERE expired_at IS NULL;

ALTER TABLE alerts ADD COLUMN silenced_by TEXT NULL;
