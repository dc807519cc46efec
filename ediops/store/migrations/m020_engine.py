"""Engine schema: commands name their subject (the licence of an urgent forward), and
relays to the ministry are recorded like forwards, key first, before the request is sent."""

STATEMENTS = [
    "ALTER TABLE commands ADD COLUMN subject TEXT",
    "CREATE INDEX commands_pending ON commands(done_at, id)",
    "CREATE INDEX window_runs_started ON window_runs(window, started_at)",
    """CREATE TABLE relays (
        idempotency_key TEXT PRIMARY KEY, created_at TEXT NOT NULL,
        record_count INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
        status TEXT NOT NULL DEFAULT 'pending',     -- pending, delivered, failed
        last_attempt_at TEXT, delivered_at TEXT, last_error TEXT)""",
    "CREATE INDEX writeoffs_relay_key ON writeoffs(relay_key)",
    "CREATE INDEX forwards_status ON forwards(status)",
]


def apply(db) -> None:
    for statement in STATEMENTS:
        db.execute(statement)
