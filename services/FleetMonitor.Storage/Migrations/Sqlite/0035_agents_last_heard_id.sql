-- The quiet agents are read in pages ordered by when they were last heard and then by id (see the PostgreSQL script).
DROP INDEX agents_last_heard;
CREATE INDEX agents_last_heard ON agents (COALESCE(last_heartbeat_at, last_seen_at), id);
