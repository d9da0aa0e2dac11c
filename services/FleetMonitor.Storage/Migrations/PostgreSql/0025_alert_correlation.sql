-- Correlation: each agent's public network (the /24 or /48 of the address its NAT probe last observed), copied onto
-- the alerts opened for it; alerts of one network and cause gathered under one grouped alert (group_id).
CREATE TABLE alert_agent_networks (
    agent_id    text PRIMARY KEY,
    site_id     text NOT NULL,
    network     text NOT NULL,
    updated_at  timestamptz NOT NULL
);

ALTER TABLE alerts ADD COLUMN network text NULL;
ALTER TABLE alerts ADD COLUMN group_id uuid NULL;
CREATE INDEX alerts_network_open ON alerts (network, cause) WHERE state <> 'resolved' AND network IS NOT NULL;
CREATE INDEX alerts_group ON alerts (group_id) WHERE group_id IS NOT NULL;
