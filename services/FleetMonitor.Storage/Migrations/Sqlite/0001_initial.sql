-- Timestamps are ISO 8601 text in UTC, ids are text; JSON columns are text.
CREATE TABLE sites (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    time_zone   TEXT NOT NULL DEFAULT 'UTC',
    created_at  TEXT NOT NULL
);

CREATE TABLE agents (
    id              TEXT PRIMARY KEY,
    site_id         TEXT NOT NULL,
    hostname        TEXT NULL,
    agent_version   TEXT NULL,
    first_seen_at   TEXT NOT NULL,
    last_seen_at    TEXT NOT NULL,
    last_heartbeat_at TEXT NULL,
    outbox_backlog  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX agents_site ON agents (site_id);

CREATE TABLE probe_definitions (
    id          TEXT NOT NULL,
    site_id     TEXT NOT NULL,
    version     INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    target      TEXT NOT NULL,
    schedule    TEXT NOT NULL,
    time_zone   TEXT NOT NULL DEFAULT 'UTC',
    parameters  TEXT NOT NULL DEFAULT '{}',
    enabled     INTEGER NOT NULL DEFAULT 1,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (site_id, id)
);

CREATE TABLE probe_results (
    id              TEXT NOT NULL PRIMARY KEY,
    agent_id        TEXT NOT NULL,
    site_id         TEXT NOT NULL,
    probe_id        TEXT NOT NULL,
    probe_version   INTEGER NOT NULL,
    kind            TEXT NOT NULL,
    target          TEXT NOT NULL,
    started_at      TEXT NOT NULL,
    duration_ms     REAL NOT NULL,
    outcome         TEXT NOT NULL,
    measurements    TEXT NOT NULL,
    facts           TEXT NOT NULL,
    findings        TEXT NOT NULL,
    error           TEXT NULL,
    received_at     TEXT NOT NULL
);
CREATE INDEX probe_results_history ON probe_results (agent_id, probe_id, id DESC);

CREATE TABLE endpoint_state (
    agent_id        TEXT NOT NULL,
    probe_id        TEXT NOT NULL,
    site_id         TEXT NOT NULL,
    kind            TEXT NOT NULL,
    target          TEXT NOT NULL,
    outcome         TEXT NOT NULL,
    findings        TEXT NOT NULL,
    measurements    TEXT NOT NULL,
    error           TEXT NULL,
    last_result_id  TEXT NOT NULL,
    last_started_at TEXT NOT NULL,
    changed_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    PRIMARY KEY (agent_id, probe_id)
);
CREATE INDEX endpoint_state_site ON endpoint_state (site_id, outcome);
