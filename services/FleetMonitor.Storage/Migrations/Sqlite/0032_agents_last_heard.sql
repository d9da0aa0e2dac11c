-- Agents not heard from since a moment (see the PostgreSQL script).
CREATE INDEX agents_last_heard ON agents (COALESCE(last_heartbeat_at, last_seen_at));
