-- State changes written in the same transaction as the results that caused them; a relay publishes them in
-- sequence order and marks them sent (sent rows are deleted a day later).
CREATE TABLE state_change_outbox (
    sequence    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    agent_id    text NOT NULL,
    probe_id    text NOT NULL,
    message     text NOT NULL,
    created_at  timestamptz NOT NULL,
    sent_at     timestamptz NULL
);
CREATE INDEX state_change_outbox_unsent ON state_change_outbox (sequence) WHERE sent_at IS NULL;
CREATE INDEX state_change_outbox_sent ON state_change_outbox (sent_at) WHERE sent_at IS NOT NULL;
