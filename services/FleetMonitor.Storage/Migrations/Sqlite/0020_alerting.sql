-- Timestamps are ISO 8601 text in UTC, ids are text (see 0001_initial.sql).
-- Alerting: site policies (versioned), evaluation windows, alerts with history, notification outbox.

CREATE TABLE alert_policies (
    site_id     TEXT NOT NULL,
    version     INTEGER NOT NULL,
    document    TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    created_by  TEXT NULL,
    PRIMARY KEY (site_id, version)
);

-- One row per agent and probe: the last results' rule verdicts (JSON) and the recent outcome transitions.
CREATE TABLE alert_windows (
    agent_id        TEXT NOT NULL,
    probe_id        TEXT NOT NULL,
    site_id         TEXT NOT NULL,
    kind            TEXT NOT NULL,
    target          TEXT NOT NULL,
    entries         TEXT NOT NULL,
    ever_passed     TEXT NOT NULL,
    transitions     TEXT NOT NULL,
    last_change_started_at TEXT NULL,
    updated_at      TEXT NOT NULL,
    PRIMARY KEY (agent_id, probe_id)
);

CREATE TABLE alerts (
    id              TEXT PRIMARY KEY,
    fingerprint     TEXT NOT NULL,
    alertname       TEXT NOT NULL,
    site_id         TEXT NOT NULL,
    agent_id        TEXT NOT NULL,
    probe_id        TEXT NOT NULL,
    rule_id         TEXT NOT NULL,
    cause           TEXT NOT NULL,
    class           TEXT NOT NULL,
    severity        TEXT NOT NULL,
    state           TEXT NOT NULL,
    summary         TEXT NOT NULL,
    description     TEXT NOT NULL,
    started_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    resolved_at     TEXT NULL,
    acknowledged_by TEXT NULL,
    acknowledged_at TEXT NULL,
    ack_comment     TEXT NULL,
    last_notified_at TEXT NOT NULL,
    notifications   INTEGER NOT NULL DEFAULT 0
);
-- At most one open alert per fingerprint: two Alerting replicas racing on the same regression make one alert.
CREATE UNIQUE INDEX alerts_open ON alerts (fingerprint) WHERE state <> 'resolved';
CREATE INDEX alerts_site_state ON alerts (site_id, state, started_at DESC);

CREATE TABLE alert_history (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    alert_id    TEXT NOT NULL REFERENCES alerts (id),
    at          TEXT NOT NULL,
    event       TEXT NOT NULL,
    actor       TEXT NULL,
    detail      TEXT NULL
);
CREATE INDEX alert_history_alert ON alert_history (alert_id, id);

-- The notification outbox: written in the transaction that changes the alert, delivered (with retries) after.
CREATE TABLE alert_notifications (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    alert_id        TEXT NOT NULL REFERENCES alerts (id),
    channel         TEXT NOT NULL,
    action          TEXT NOT NULL,
    status          TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL,
    next_attempt_at TEXT NOT NULL,
    claimed_until   TEXT NULL,
    delivered_at    TEXT NULL,
    last_error      TEXT NULL
);
CREATE INDEX alert_notifications_due ON alert_notifications (next_attempt_at) WHERE status = 'pending';
CREATE INDEX alert_notifications_alert ON alert_notifications (alert_id, id);
