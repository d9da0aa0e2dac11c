-- Correlation by router model and target (see the PostgreSQL script). Timestamps are ISO 8601 text in UTC.
CREATE TABLE alert_agent_routers (
    agent_id    TEXT PRIMARY KEY,
    site_id     TEXT NOT NULL,
    router      TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

ALTER TABLE alerts ADD COLUMN router TEXT NULL;
ALTER TABLE alerts ADD COLUMN target TEXT NULL;
CREATE INDEX alerts_router_open ON alerts (router, cause) WHERE state <> 'resolved' AND router IS NOT NULL;
CREATE INDEX alerts_target_open ON alerts (target, cause) WHERE state <> 'resolved' AND target IS NOT NULL;
