-- Batched evaluation reads the open alerts of many agent/probe windows at once (see the PostgreSQL script).
CREATE INDEX alerts_window_open ON alerts (agent_id, probe_id) WHERE state <> 'resolved';
