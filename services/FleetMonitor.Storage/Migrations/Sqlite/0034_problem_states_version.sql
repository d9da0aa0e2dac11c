-- A number that moves whenever a state that may not be ok is written, added or removed (see the PostgreSQL script).
-- SQLite has one writer at a time, so a reader who sees it unchanged has seen every committed write.
CREATE TABLE problem_states_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);

INSERT INTO problem_states_version (id, version) VALUES (1, 0);

CREATE TRIGGER endpoint_state_problems_insert AFTER INSERT ON endpoint_state
    WHEN NEW.outcome <> 'ok' OR NEW.findings <> '[]'
BEGIN
    UPDATE problem_states_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER endpoint_state_problems_delete AFTER DELETE ON endpoint_state
    WHEN OLD.outcome <> 'ok' OR OLD.findings <> '[]'
BEGIN
    UPDATE problem_states_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER endpoint_state_problems_update AFTER UPDATE ON endpoint_state
    WHEN OLD.outcome <> 'ok' OR OLD.findings <> '[]' OR NEW.outcome <> 'ok' OR NEW.findings <> '[]'
BEGIN
    UPDATE problem_states_version SET version = version + 1 WHERE id = 1;
END;
