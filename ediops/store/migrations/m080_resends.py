"""Resends (docs/resend.md): an operator's deliberate replay of licences to customs, or of an
acknowledgement to its issuer, under a new key stored here before anything is sent.

A licence resend is also a row of `forwards` under its own key (so customs' answer is
recorded like any other, and an unanswered resend is retried with that key); `resends`
says who asked, when, why and for which ticket. An index on the trader's code lets the
desk's find box open an enterprise's licences without a scan."""

STATEMENTS = [
    """CREATE TABLE resends (
        id INTEGER PRIMARY KEY, kind TEXT NOT NULL,          -- licences, ack
        idempotency_key TEXT NOT NULL UNIQUE, batch_id TEXT,
        requested_by TEXT NOT NULL, requested_at TEXT NOT NULL, reason TEXT NOT NULL,
        ticket_id TEXT, command_id INTEGER,
        status TEXT NOT NULL DEFAULT 'pending',              -- ack: pending, delivered, failed
        attempts INTEGER NOT NULL DEFAULT 0, last_attempt_at TEXT, done_at TEXT, last_error TEXT)""",
    """CREATE TABLE resend_items (
        resend_id INTEGER NOT NULL REFERENCES resends(id), licence_no TEXT NOT NULL,
        PRIMARY KEY (resend_id, licence_no))""",
    "CREATE INDEX resend_items_licence ON resend_items(licence_no)",
    "CREATE INDEX licences_trader_code ON licences(trader_code)",
]


def apply(db) -> None:
    for statement in STATEMENTS:
        db.execute(statement)
