-- State changes written in the same transaction as the results that caused them; see the PostgreSQL script.
CREATE TABLE state_change_outbox (
    sequence    INTEGER PRIMARY KEY AUTOINCREMENT,
    agent_id    TEXT NOT NULL,
    probe_id    TEXT NOT NULL,
    message     TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    sent_at     TEXT NULL
);
CREATE INDEX state_change_outbox_unsent ON state_change_outbox (sequence) WHERE sent_at IS NULL;
CREATE INDEX state_change_outbox_sent ON state_change_outbox (sent_at) WHERE sent_at IS NOT NULL;
