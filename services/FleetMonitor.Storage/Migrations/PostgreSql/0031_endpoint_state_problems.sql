-- The fleet view reads only the states that may not be ok: an ok outcome without findings is ok whatever else it
-- says, and at 100,000 agents × 9 probes these are nearly all rows. This partial index keeps the rest at hand.
CREATE INDEX endpoint_state_problems ON endpoint_state (agent_id) WHERE outcome <> 'ok' OR findings <> '[]'::jsonb;
