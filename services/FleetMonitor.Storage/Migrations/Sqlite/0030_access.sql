-- Who may use the Api and dashboard, the tokens automation signs in with, and what operators and admins changed.
CREATE TABLE users (
    name            TEXT PRIMARY KEY,
    -- NULL for users who only sign in through OpenID Connect.
    password_hash   TEXT NULL,
    role            TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    disabled_at     TEXT NULL
);

-- A token is "fm_<id>_<secret>"; only a SHA-256 hash of the secret is kept.
CREATE TABLE api_tokens (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    secret_hash     TEXT NOT NULL,
    role            TEXT NOT NULL,
    created_by      TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    revoked_at      TEXT NULL
);

CREATE TABLE audit_log (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    at              TEXT NOT NULL,
    actor           TEXT NOT NULL,
    action          TEXT NOT NULL,
    target          TEXT NOT NULL,
    before          TEXT NULL,
    after           TEXT NULL
);
CREATE INDEX audit_log_at ON audit_log (at DESC);
