-- The fleet view and the agent-offline check ask which agents have not been heard from since a moment: the last
-- heartbeat, or, for an agent that never sent one, its last result. This index answers that without reading every agent.
CREATE INDEX agents_last_heard ON agents ((COALESCE(last_heartbeat_at, last_seen_at)));
