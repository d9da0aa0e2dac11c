-- Probe definitions edited through the Api and sent to the agents of their site.
-- schedule holds the Quartz cron expression, '' when interval_seconds is set instead.
ALTER TABLE probe_definitions ADD COLUMN interval_seconds integer NULL;
ALTER TABLE probe_definitions ADD COLUMN timeout_seconds integer NOT NULL DEFAULT 10;
-- A deleted definition keeps its row (and version) so that one made again later under the same id gets a higher version.
ALTER TABLE probe_definitions ADD COLUMN deleted_at timestamptz NULL;

-- The version of each site's whole schedule: it grows with every change of one of the site's definitions.
CREATE TABLE site_schedules (
    site_id     text PRIMARY KEY,
    version     bigint NOT NULL,
    changed_at  timestamptz NOT NULL
);

-- What each agent last said about its schedule in a heartbeat.
CREATE TABLE agent_schedule_status (
    agent_id        text PRIMARY KEY,
    site_id         text NOT NULL,
    applied_version bigint NULL,
    schedule_error  text NULL,
    reported_at     timestamptz NOT NULL
);
