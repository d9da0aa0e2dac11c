-- A number that moves, in the writing transaction, whenever a state that may not be ok (the predicate of the
-- partial index endpoint_state_problems, 0031) is written, added or removed, or a state becomes or stops being one.
-- The fleet view keeps its classified problem states while the number it read before them is unchanged: one row is
-- read instead of every problem state's version. A state rewritten as ok without findings does not move it. The
-- count row is locked from the bump to the commit, so writers of problem states commit one after the other, and a
-- reader who sees the number unchanged has seen every committed write: no late commit can be missed. Every bump runs
-- once per statement, after the statement has locked all its state rows: a writer takes the count row last, so two
-- writers whose batches share states (taken in one global order) cannot deadlock on it.
CREATE TABLE problem_states_version (
    id      integer PRIMARY KEY CHECK (id = 1),
    version bigint NOT NULL
);

INSERT INTO problem_states_version (id, version) VALUES (1, 0);

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

CREATE FUNCTION problem_states_bump_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM old_states WHERE outcome <> 'ok' OR findings <> '[]'::jsonb)
       OR EXISTS (SELECT 1 FROM new_states WHERE outcome <> 'ok' OR findings <> '[]'::jsonb) THEN
        UPDATE problem_states_version SET version = version + 1 WHERE id = 1;
    END IF;
    RETURN NULL;
END $$;

-- Also fired by INSERT … ON CONFLICT DO UPDATE, with the rows it updated.
CREATE TRIGGER endpoint_state_problems_update AFTER UPDATE ON endpoint_state
    REFERENCING OLD TABLE AS old_states NEW TABLE AS new_states FOR EACH STATEMENT EXECUTE FUNCTION problem_states_bump_updated();
