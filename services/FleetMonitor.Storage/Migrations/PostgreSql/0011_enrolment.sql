-- Site enrolment tokens: only a SHA-256 of the token is kept.
CREATE TABLE enrolment_tokens (
    id          text PRIMARY KEY,
    site_id     text NOT NULL,
    token_hash  text NOT NULL UNIQUE,
    expires_at  timestamptz NOT NULL,
    max_uses    integer NOT NULL,
    uses        integer NOT NULL DEFAULT 0,
    revoked_at  timestamptz NULL,
    created_at  timestamptz NOT NULL
);
CREATE INDEX enrolment_tokens_site ON enrolment_tokens (site_id);

-- Enrolled agents: their site, broker user (the AMQP user_id of their messages) and Reflector credential.
-- The Reflector needs the password itself (it is the STUN short-term key), so it is stored as it is.
CREATE TABLE agent_identities (
    agent_id            text PRIMARY KEY,
    site_id             text NOT NULL,
    broker_user         text NOT NULL UNIQUE,
    reflector_username  text NOT NULL UNIQUE,
    reflector_password  text NOT NULL,
    token_id            text NOT NULL,
    hostname            text NULL,
    enrolled_at         timestamptz NOT NULL,
    revoked_at          timestamptz NULL
);
CREATE INDEX agent_identities_site ON agent_identities (site_id);
