-- Correlation (see the PostgreSQL script). Timestamps are ISO 8601 text in UTC, ids are text.
CREATE TABLE alert_agent_networks (
    agent_id    TEXT PRIMARY KEY,
    site_id     TEXT NOT NULL,
    network     TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

ALTER TABLE alerts ADD COLUMN network TEXT NULL;
ALTER TABLE alerts ADD COLUMN group_id TEXT NULL;
CREATE INDEX alerts_network_open ON alerts (network, cause) WHERE state <> 'resolved' AND network IS NOT NULL;
CREATE INDEX alerts_group ON alerts (group_id) WHERE group_id IS NOT NULL;
