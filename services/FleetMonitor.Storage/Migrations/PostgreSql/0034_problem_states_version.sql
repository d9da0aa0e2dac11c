-- A number that moves, in the writing transaction, whenever a state that may not be ok (the predicate of the
-- partial index endpoint_state_problems, 0031) is written, added or removed, or a state becomes or stops being one.
-- The fleet view keeps its classified problem states while the number it read before them is unchanged: one row is
-- read instead of every problem state's version. A state rewritten as ok without findings does not move it. The
-- count row is locked from the bump to the commit, so writers of problem states commit one after the other, and a
-- reader who sees the number unchanged has seen every committed write: no late commit can be missed.
CREATE TABLE problem_states_version (
    id      integer PRIMARY KEY CHECK (id = 1),
    version bigint NOT NULL
);

INSERT INTO problem_states_version (id, version) VALUES (1, 0);

CREATE FUNCTION problem_states_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE problem_states_version SET version = version + 1 WHERE id = 1;
    RETURN NULL;
END $$;

CREATE FUNCTION problem_states_bump_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM new_states WHERE outcome <> 'ok' OR findings <> '[]'::jsonb) THEN
        UPDATE problem_states_version SET version = version + 1 WHERE id = 1;
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION problem_states_bump_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM old_states WHERE outcome <> 'ok' OR findings <> '[]'::jsonb) THEN
        UPDATE problem_states_version SET version = version + 1 WHERE id = 1;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER endpoint_state_problems_insert AFTER INSERT ON endpoint_state
    REFERENCING NEW TABLE AS new_states FOR EACH STATEMENT EXECUTE FUNCTION problem_states_bump_inserted();

CREATE TRIGGER endpoint_state_problems_delete AFTER DELETE ON endpoint_state
    REFERENCING OLD TABLE AS old_states FOR EACH STATEMENT EXECUTE FUNCTION problem_states_bump_deleted();

-- Row by row with a WHEN, so that the many rewrites of ok states cost no function call.
CREATE TRIGGER endpoint_state_problems_update AFTER UPDATE ON endpoint_state
    FOR EACH ROW WHEN ((OLD.outcome <> 'ok' OR OLD.findings <> '[]'::jsonb OR NEW.outcome <> 'ok' OR NEW.findings <> '[]'::jsonb) AND OLD IS DISTINCT FROM NEW)
    EXECUTE FUNCTION problem_states_bump();
