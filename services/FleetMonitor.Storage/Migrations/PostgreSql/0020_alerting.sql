-- Alerting: site policies (versioned), evaluation windows, alerts with history, notification outbox.

CREATE TABLE alert_policies (
    site_id     text NOT NULL,
    version     integer NOT NULL,
    document    text NOT NULL,
    created_at  timestamptz NOT NULL,
    created_by  text NULL,
    PRIMARY KEY (site_id, version)
);

-- One row per agent and probe: the last results' rule verdicts (JSON) and the recent outcome transitions.
CREATE TABLE alert_windows (
    agent_id        text NOT NULL,
    probe_id        text NOT NULL,
    site_id         text NOT NULL,
    kind            text NOT NULL,
    target          text NOT NULL,
    entries         text NOT NULL,
    ever_passed     text NOT NULL,
    transitions     text NOT NULL,
    last_change_started_at timestamptz NULL,
    updated_at      timestamptz NOT NULL,
    PRIMARY KEY (agent_id, probe_id)
);

CREATE TABLE alerts (
    id              uuid PRIMARY KEY,
    fingerprint     text NOT NULL,
    alertname       text NOT NULL,
    site_id         text NOT NULL,
    agent_id        text NOT NULL,
    probe_id        text NOT NULL,
    rule_id         text NOT NULL,
    cause           text NOT NULL,
    class           text NOT NULL,
    severity        text NOT NULL,
    state           text NOT NULL,
    summary         text NOT NULL,
    description     text NOT NULL,
    started_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    resolved_at     timestamptz NULL,
    acknowledged_by text NULL,
    acknowledged_at timestamptz NULL,
    ack_comment     text NULL,
    last_notified_at timestamptz NOT NULL,
    notifications   integer NOT NULL DEFAULT 0
);
-- At most one open alert per fingerprint: two Alerting replicas racing on the same regression make one alert.
CREATE UNIQUE INDEX alerts_open ON alerts (fingerprint) WHERE state <> 'resolved';
CREATE INDEX alerts_site_state ON alerts (site_id, state, started_at DESC);

CREATE TABLE alert_history (
    id          bigserial PRIMARY KEY,
    alert_id    uuid NOT NULL REFERENCES alerts (id),
    at          timestamptz NOT NULL,
    event       text NOT NULL,
    actor       text NULL,
    detail      text NULL
);
CREATE INDEX alert_history_alert ON alert_history (alert_id, id);

-- The notification outbox: written in the transaction that changes the alert, delivered (with retries) after.
CREATE TABLE alert_notifications (
    id              bigserial PRIMARY KEY,
    alert_id        uuid NOT NULL REFERENCES alerts (id),
    channel         text NOT NULL,
    action          text NOT NULL,
    status          text NOT NULL,
    attempts        integer NOT NULL DEFAULT 0,
    created_at      timestamptz NOT NULL,
    next_attempt_at timestamptz NOT NULL,
    claimed_until   timestamptz NULL,
    delivered_at    timestamptz NULL,
    last_error      text NULL
);
CREATE INDEX alert_notifications_due ON alert_notifications (next_attempt_at) WHERE status = 'pending';
CREATE INDEX alert_notifications_alert ON alert_notifications (alert_id, id);
