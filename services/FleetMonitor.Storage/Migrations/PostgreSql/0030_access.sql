-- Who may use the Api and dashboard, the tokens automation signs in with, and what operators and admins changed.
CREATE TABLE users (
    name            text PRIMARY KEY,
    -- NULL for users who only sign in through OpenID Connect.
    password_hash   text NULL,
    role            text NOT NULL,
    created_at      timestamptz NOT NULL,
    disabled_at     timestamptz NULL
);

-- A token is "fm_<id>_<secret>"; only a SHA-256 hash of the secret is kept.
CREATE TABLE api_tokens (
    id              text PRIMARY KEY,
    name            text NOT NULL,
    secret_hash     text NOT NULL,
    role            text NOT NULL,
    created_by      text NOT NULL,
    created_at      timestamptz NOT NULL,
    revoked_at      timestamptz NULL
);

CREATE TABLE audit_log (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at              timestamptz NOT NULL,
    actor           text NOT NULL,
    action          text NOT NULL,
    target          text NOT NULL,
    before          text NULL,
    after           text NULL
);
CREATE INDEX audit_log_at ON audit_log (at DESC);
