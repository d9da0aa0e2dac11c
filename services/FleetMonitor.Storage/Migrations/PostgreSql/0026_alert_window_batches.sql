-- Batched evaluation reads the open alerts of many agent/probe windows at once.
CREATE INDEX alerts_window_open ON alerts (agent_id, probe_id) WHERE state <> 'resolved';
