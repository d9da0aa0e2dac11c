-- Each site's agent count, kept by triggers on agents (see the PostgreSQL script).
CREATE TABLE site_agent_counts (
    site_id TEXT PRIMARY KEY,
    agents  INTEGER NOT NULL
);

INSERT INTO site_agent_counts (site_id, agents) SELECT site_id, COUNT(*) FROM agents GROUP BY site_id;

CREATE TRIGGER agents_counted_insert AFTER INSERT ON agents
BEGIN
    INSERT INTO site_agent_counts (site_id, agents) VALUES (NEW.site_id, 1)
    ON CONFLICT (site_id) DO UPDATE SET agents = agents + 1;
END;

CREATE TRIGGER agents_counted_delete AFTER DELETE ON agents
BEGIN
    UPDATE site_agent_counts SET agents = agents - 1 WHERE site_id = OLD.site_id;
END;

CREATE TRIGGER agents_counted_move AFTER UPDATE OF site_id ON agents
    WHEN OLD.site_id IS NOT NEW.site_id
BEGIN
    UPDATE site_agent_counts SET agents = agents - 1 WHERE site_id = OLD.site_id;
    INSERT INTO site_agent_counts (site_id, agents) VALUES (NEW.site_id, 1)
    ON CONFLICT (site_id) DO UPDATE SET agents = agents + 1;
END;
