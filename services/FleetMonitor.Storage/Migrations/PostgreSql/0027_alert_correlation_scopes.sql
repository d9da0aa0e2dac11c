-- Correlation beyond the public network: each agent's router model (its UPnP gateway's name), and, on the alerts opened
-- for it, that router model and the probe's target (host:port of the PBX or server it reaches), so that alerts of one
-- router model or one target and cause are gathered under one grouped alert like those of one network.
CREATE TABLE alert_agent_routers (
    agent_id    text PRIMARY KEY,
    site_id     text NOT NULL,
    router      text NOT NULL,
    updated_at  timestamptz NOT NULL
);

ALTER TABLE alerts ADD COLUMN router text NULL;
ALTER TABLE alerts ADD COLUMN target text NULL;
CREATE INDEX alerts_router_open ON alerts (router, cause) WHERE state <> 'resolved' AND router IS NOT NULL;
CREATE INDEX alerts_target_open ON alerts (target, cause) WHERE state <> 'resolved' AND target IS NOT NULL;
