"""Indexes for the issuer-feeds pane's two time queries on `batches` (today's batches by
hour, each issuer's last batch). Batches keep their raw JSON, so a year's table is large
and scanning it cost the home screen 120 ms a refresh at 10^6 licences; with these, 3 ms
(bench/NOTES.md)."""

STATEMENTS = [
    "CREATE INDEX IF NOT EXISTS batches_received ON batches(received_at)",
    "CREATE INDEX IF NOT EXISTS batches_issuer_received ON batches(issuer, received_at)",
]


def apply(db) -> None:
    for statement in STATEMENTS:
        db.execute(statement)
