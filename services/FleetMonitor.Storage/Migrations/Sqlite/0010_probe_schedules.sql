-- Probe definitions edited through the Api and sent to the agents of their site.
-- schedule holds the Quartz cron expression, '' when interval_seconds is set instead.
ALTER TABLE probe_definitions ADD COLUMN interval_seconds INTEGER NULL;
ALTER TABLE probe_definitions ADD COLUMN timeout_seconds INTEGER NOT NULL DEFAULT 10;
-- A deleted definition keeps its row (and version) so that one made again later under the same id gets a higher version.
ALTER TABLE probe_definitions ADD COLUMN deleted_at TEXT NULL;

-- The version of each site's whole schedule: it grows with every change of one of the site's definitions.
CREATE TABLE site_schedules (
    site_id     TEXT PRIMARY KEY,
    version     INTEGER NOT NULL,
    changed_at  TEXT NOT NULL
);

-- What each agent last said about its schedule in a heartbeat.
CREATE TABLE agent_schedule_status (
    agent_id        TEXT PRIMARY KEY,
    site_id         TEXT NOT NULL,
    applied_version INTEGER NULL,
    schedule_error  TEXT NULL,
    reported_at     TEXT NOT NULL
);
