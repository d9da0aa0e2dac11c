-- Silences and maintenance windows: alerts matching every set field (site, agent, probe, class, cause) notify nobody
-- while the silence is active: between starts_at and ends_at, or, with a Quartz cron, for duration_seconds after each
-- time the cron fires (UTC) inside those bounds. expired_at ends a silence early.
CREATE TABLE alert_silences (
    id               uuid PRIMARY KEY,
    site_id          text NULL,
    agent_id         text NULL,
    probe_id         text NULL,
    class            text NULL,
    cause            text NULL,
    starts_at        timestamptz NOT NULL,
    ends_at          timestamptz NULL,
    cron             text NULL,
    duration_seconds integer NULL,
    comment          text NOT NULL,
    created_by       text NOT NULL,
    created_at       timestamptz NOT NULL,
    expired_at       timestamptz NULL
);
CREATE INDEX alert_silences_live ON alert_silences (ends_at) WHERE expired_at IS NULL;

-- The silence that held back an alert's notifications; cleared (and the alert notified) when it no longer applies.
ALTER TABLE alerts ADD COLUMN silenced_by uuid NULL;
