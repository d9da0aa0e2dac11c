-- Site enrolment tokens: only a SHA-256 of the token is kept.
CREATE TABLE enrolment_tokens (
    id          TEXT PRIMARY KEY,
    site_id     TEXT NOT NULL,
    token_hash  TEXT NOT NULL UNIQUE,
    expires_at  TEXT NOT NULL,
    max_uses    INTEGER NOT NULL,
    uses        INTEGER NOT NULL DEFAULT 0,
    revoked_at  TEXT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX enrolment_tokens_site ON enrolment_tokens (site_id);

-- Enrolled agents: their site, broker user (the AMQP user_id of their messages) and Reflector credential.
-- The Reflector needs the password itself (it is the STUN short-term key), so it is stored as it is.
CREATE TABLE agent_identities (
    agent_id            TEXT PRIMARY KEY,
    site_id             TEXT NOT NULL,
    broker_user         TEXT NOT NULL UNIQUE,
    reflector_username  TEXT NOT NULL UNIQUE,
    reflector_password  TEXT NOT NULL,
    token_id            TEXT NOT NULL,
    hostname            TEXT NULL,
    enrolled_at         TEXT NOT NULL,
    revoked_at          TEXT NULL
);
CREATE INDEX agent_identities_site ON agent_identities (site_id);
