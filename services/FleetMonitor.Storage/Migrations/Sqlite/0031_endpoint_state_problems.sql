-- The fleet view reads only the states that may not be ok (see the PostgreSQL script).
CREATE INDEX endpoint_state_problems ON endpoint_state (agent_id) WHERE outcome <> 'ok' OR findings <> '[]';
