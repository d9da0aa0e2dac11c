-- Each site's agent count, kept by triggers on agents, so that the fleet view reads one row per site instead of
-- grouping every agent. An agent that is added, removed or moved to another site changes the counts in the same
-- transaction; heartbeats, which rewrite the agent row without moving it, do not touch them.
CREATE TABLE site_agent_counts (
    site_id text PRIMARY KEY,
    agents  bigint NOT NULL
);

INSERT INTO site_agent_counts (site_id, agents) SELECT site_id, COUNT(*) FROM agents GROUP BY site_id;

-- Adds the signed deltas in site order: concurrent writers then lock the count rows in the same order.
CREATE FUNCTION site_agent_counts_add(deltas jsonb) RETURNS void LANGUAGE sql AS $$
    INSERT INTO site_agent_counts AS c (site_id, agents)
    SELECT d.key, SUM(d.value::bigint) FROM jsonb_each_text(deltas) AS d GROUP BY d.key ORDER BY d.key
    ON CONFLICT (site_id) DO UPDATE SET agents = c.agents + excluded.agents
$$;

CREATE FUNCTION site_agent_counts_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM site_agent_counts_add(COALESCE((SELECT jsonb_object_agg(site_id, n) FROM (SELECT site_id, COUNT(*) AS n FROM new_agents GROUP BY site_id) g), '{}'));
    RETURN NULL;
END $$;

CREATE FUNCTION site_agent_counts_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM site_agent_counts_add(COALESCE((SELECT jsonb_object_agg(site_id, -n) FROM (SELECT site_id, COUNT(*) AS n FROM old_agents GROUP BY site_id) g), '{}'));
    RETURN NULL;
END $$;

CREATE FUNCTION site_agent_counts_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM site_agent_counts_add(jsonb_build_object(OLD.site_id, -1) || jsonb_build_object(NEW.site_id, 1));
    RETURN NULL;
END $$;

CREATE TRIGGER agents_counted_insert AFTER INSERT ON agents
    REFERENCING NEW TABLE AS new_agents FOR EACH STATEMENT EXECUTE FUNCTION site_agent_counts_inserted();

CREATE TRIGGER agents_counted_delete AFTER DELETE ON agents
    REFERENCING OLD TABLE AS old_agents FOR EACH STATEMENT EXECUTE FUNCTION site_agent_counts_deleted();

-- Row by row, and only for a row whose site changed: the WHEN is checked without calling the function.
CREATE TRIGGER agents_counted_move AFTER UPDATE OF site_id ON agents
    FOR EACH ROW WHEN (OLD.site_id IS DISTINCT FROM NEW.site_id) EXECUTE FUNCTION site_agent_counts_moved();
