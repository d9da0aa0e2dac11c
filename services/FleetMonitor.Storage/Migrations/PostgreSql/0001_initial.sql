CREATE TABLE sites (
    id          text PRIMARY KEY,
    name        text NOT NULL,
    time_zone   text NOT NULL DEFAULT 'UTC',
    created_at  timestamptz NOT NULL
);

CREATE TABLE agents (
    id              text PRIMARY KEY,
    site_id         text NOT NULL,
    hostname        text NULL,
    agent_version   text NULL,
    first_seen_at   timestamptz NOT NULL,
    last_seen_at    timestamptz NOT NULL,
    last_heartbeat_at timestamptz NULL,
    outbox_backlog  bigint NOT NULL DEFAULT 0
);
CREATE INDEX agents_site ON agents (site_id);

CREATE TABLE probe_definitions (
    id          text NOT NULL,
    site_id     text NOT NULL,
    version     integer NOT NULL,
    kind        text NOT NULL,
    target      text NOT NULL,
    schedule    text NOT NULL,
    time_zone   text NOT NULL DEFAULT 'UTC',
    parameters  jsonb NOT NULL DEFAULT '{}',
    enabled     boolean NOT NULL DEFAULT true,
    updated_at  timestamptz NOT NULL,
    PRIMARY KEY (site_id, id)
);

-- One partition per UTC day, made ahead of the rows by the store; retention drops partitions.
CREATE TABLE probe_results (
    id              uuid NOT NULL,
    agent_id        text NOT NULL,
    site_id         text NOT NULL,
    probe_id        text NOT NULL,
    probe_version   integer NOT NULL,
    kind            text NOT NULL,
    target          text NOT NULL,
    started_at      timestamptz NOT NULL,
    duration_ms     double precision NOT NULL,
    outcome         text NOT NULL,
    measurements    jsonb NOT NULL,
    facts           jsonb NOT NULL,
    findings        jsonb NOT NULL,
    error           text NULL,
    received_at     timestamptz NOT NULL,
    PRIMARY KEY (id, started_at)
) PARTITION BY RANGE (started_at);
CREATE INDEX probe_results_history ON probe_results (agent_id, probe_id, id DESC);

CREATE TABLE endpoint_state (
    agent_id        text NOT NULL,
    probe_id        text NOT NULL,
    site_id         text NOT NULL,
    kind            text NOT NULL,
    target          text NOT NULL,
    outcome         text NOT NULL,
    findings        jsonb NOT NULL,
    measurements    jsonb NOT NULL,
    error           text NULL,
    last_result_id  uuid NOT NULL,
    last_started_at timestamptz NOT NULL,
    changed_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    PRIMARY KEY (agent_id, probe_id)
);
CREATE INDEX endpoint_state_site ON endpoint_state (site_id, outcome);
