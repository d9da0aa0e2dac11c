-- The quiet agents are read in pages ordered by when they were last heard and then by id; this index gives that
-- order, so each page is a short index range whatever the statistics say about the heartbeat column, which only
-- grows (with the 0032 index alone, stale statistics put every agent below the cut-off and the planner read them all).
DROP INDEX agents_last_heard;
CREATE INDEX agents_last_heard ON agents ((COALESCE(last_heartbeat_at, last_seen_at)), id);
