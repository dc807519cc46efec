"""Acknowledgements per batch version (docs/wire.md, docs/safeguards.md): a changed resend of a batch gets an
ack of its own beside the original's, so an original not yet delivered is still sent, in
order, rather than replaced before it went out. A run whose leader died mid-way is marked
`interrupted_at`, so the next leader's catch-up may run that occurrence again."""

STATEMENTS = [
    """CREATE TABLE acks_by_version (
        id INTEGER PRIMARY KEY, batch_id TEXT NOT NULL, issuer TEXT, body TEXT NOT NULL,
        created_at TEXT NOT NULL, idempotency_key TEXT NOT NULL UNIQUE,
        attempts INTEGER NOT NULL DEFAULT 0, delivered_at TEXT, last_attempt_at TEXT, last_error TEXT)""",
    """INSERT INTO acks_by_version (batch_id, issuer, body, created_at, idempotency_key, attempts, delivered_at,
        last_attempt_at, last_error)
        SELECT batch_id, issuer, body, created_at, idempotency_key, attempts, delivered_at, last_attempt_at,
        last_error FROM acks ORDER BY created_at, batch_id""",
    "DROP TABLE acks",
    "ALTER TABLE acks_by_version RENAME TO acks",
    "CREATE INDEX acks_batch ON acks(batch_id, id)",
    "CREATE INDEX acks_undelivered ON acks(id) WHERE delivered_at IS NULL",
    "ALTER TABLE window_runs ADD COLUMN interrupted_at TEXT",
]


def apply(db) -> None:
    for statement in STATEMENTS:
        db.execute(statement)
