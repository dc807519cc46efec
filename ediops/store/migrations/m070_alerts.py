"""Alerts and escalation (docs/alerts.md): one alert per rule and cause while the cause holds;
each due step's notification is recorded per channel before it is sent (the intent), and each
attempt after (its outcome), so a crash may repeat a notification but never drop one."""

STATEMENTS = [
    """CREATE TABLE alerts (
        id INTEGER PRIMARY KEY, rule TEXT NOT NULL, code TEXT NOT NULL, subject TEXT NOT NULL,
        licence_no TEXT, issuer TEXT, batch_id TEXT, finding_id INTEGER, detail TEXT,
        since TEXT NOT NULL,                           -- when its cause began
        status TEXT NOT NULL,                          -- open, acknowledged, closed
        opened_at TEXT NOT NULL, closed_at TEXT,
        acknowledged_by TEXT, acknowledged_at TEXT, ack_note TEXT,
        escalated_by TEXT, escalated_at TEXT, escalated_reason TEXT,
        next_step INTEGER NOT NULL DEFAULT 0,          -- 0-based; = number of steps: repeats of the last
        next_round INTEGER NOT NULL DEFAULT 0,         -- repeats of the last step sent so far
        next_due_at TEXT,                              -- NULL: nothing more to send
        steps_sent INTEGER NOT NULL DEFAULT 0)""",
    # One live alert per (rule, cause); a closed one stays as history.
    "CREATE UNIQUE INDEX alerts_live ON alerts(rule, code, subject) WHERE status != 'closed'",
    "CREATE INDEX alerts_status ON alerts(status, next_due_at)",
    "CREATE INDEX alerts_licence ON alerts(licence_no)",
    "CREATE INDEX alerts_opened ON alerts(opened_at)",
    # The intent: one row per alert, step (1-based), round (0 first; n: nth repeat) and channel.
    """CREATE TABLE alert_notifications (
        id INTEGER PRIMARY KEY, alert_id INTEGER NOT NULL REFERENCES alerts(id),
        step INTEGER NOT NULL, round INTEGER NOT NULL, channel TEXT NOT NULL,
        due_at TEXT NOT NULL, created_at TEXT NOT NULL,
        status TEXT NOT NULL,                          -- pending, sent, cancelled
        attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at TEXT NOT NULL,
        sent_at TEXT, error TEXT, UNIQUE (alert_id, step, round, channel))""",
    "CREATE INDEX alert_notifications_pending ON alert_notifications(status, next_attempt_at)",
    # Every attempt, with its outcome (sent, failed) and the reason of a failure.
    """CREATE TABLE alert_attempts (
        id INTEGER PRIMARY KEY, notification_id INTEGER NOT NULL REFERENCES alert_notifications(id),
        at TEXT NOT NULL, outcome TEXT NOT NULL, error TEXT)""",
    "CREATE INDEX alert_attempts_notification ON alert_attempts(notification_id)",
    # What the leader knows of each channel (set or not, last outcome): the desk shows it, since
    # a desk over SSH does not have the daemon's environment. Never the URL.
    """CREATE TABLE alert_channels (
        name TEXT PRIMARY KEY, configured INTEGER NOT NULL, problem TEXT, checked_at TEXT NOT NULL,
        last_sent_at TEXT, last_error_at TEXT, last_error TEXT)""",
]


def apply(db) -> None:
    for statement in STATEMENTS:
        db.execute(statement)
