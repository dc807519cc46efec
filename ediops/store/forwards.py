"""What the centre sends under an `Idempotency-Key` stored before each POST (contract §6):
`forwards` and `forward_items` (licences to customs) and `relays` (write-offs to the
ministry). A licence joins a forward only while it has none, so it is never sent under two
keys; a forward or relay is retried with its own key until answered."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Callable, Sequence

from ediops.store import rows_in

if TYPE_CHECKING:
    from ediops.store import Database, Queryable

# -- forwards to customs -----------------------------------------------------------------------

ANSWERED = "answered"
_SELECTIONS = {  # which licences a new forward takes: never one already in a forward
    "urgent": ("urgent = 1 AND state = 'received' AND forward_key IS NULL", 0),
    "waiting": ("state = 'received' AND forward_key IS NULL", 0),
    "licence": ("licence_no = ? AND (state = 'received' AND forward_key IS NULL OR state = 'rejected')", 1),
}


def to_forward(db: Queryable, selection: str, args: Sequence[Any] = ()) -> list[str]:
    """The licences a forward of `selection` (urgent, waiting, licence) takes, urgent first."""
    where, arity = _SELECTIONS[selection]
    if len(args) != arity:
        raise ValueError(f"forward selection {selection!r} takes {arity} arguments")
    return [
        r[0]
        for r in db.execute(
            f"SELECT licence_no FROM licences WHERE ({where}) ORDER BY urgent DESC, received_at, licence_no", list(args)
        )
    ]


def add_forward(db: Database, key: str, numbers: list[str], *, at: str, urgent: bool) -> None:
    """A forward and its items under `key`, and the licences marked as carried by it."""
    db.execute(
        "INSERT INTO forwards (idempotency_key, created_at, urgent, licence_count) VALUES (?, ?, ?, ?)",
        [key, at, int(urgent), len(numbers)],
    )
    db.conn.executemany(
        "INSERT INTO forward_items (idempotency_key, licence_no) VALUES (?, ?)", [(key, n) for n in numbers]
    )
    db.conn.executemany("UPDATE licences SET forward_key = ? WHERE licence_no = ?", [(key, n) for n in numbers])


def forward_status(db: Queryable, key: str) -> str | None:
    row = db.execute("SELECT status FROM forwards WHERE idempotency_key = ?", [key]).fetchone()
    return row[0] if row else None


def forward_of(db: Queryable, key: str | None) -> dict[str, Any]:
    """The forward's state as `licensing.forward_state` reads it (`forward_*` names), or {}."""
    row = db.execute(
        "SELECT status, attempts, last_attempt_at, last_error, urgent FROM forwards WHERE idempotency_key = ?", [key]
    ).fetchone()
    names = ("forward_status", "forward_attempts", "forward_last_attempt_at", "forward_error", "forward_urgent")
    return dict(zip(names, row)) if row else {}


def waiting_on_customs(db: Queryable) -> int:
    """Licences sent, or queued, under a key customs has not answered."""
    return db.execute(
        "SELECT count(*) FROM licences l JOIN forwards f ON f.idempotency_key = l.forward_key "
        "WHERE f.status IN ('pending', 'failed') AND l.state IN ('received', 'forwarded')"
    ).fetchone()[0]


def forward_items(db: Queryable, key: str) -> set[str]:
    return {r[0] for r in db.execute("SELECT licence_no FROM forward_items WHERE idempotency_key = ?", [key])}


def forward_answered(db: Database, key: str, *, at: str) -> None:
    db.execute(
        f"UPDATE forwards SET status = '{ANSWERED}', answered_at = ?, last_error = NULL WHERE idempotency_key = ?",
        [at, key],
    )


def mark_forwarded(db: Database, key: str, *, at: str) -> list[str]:
    """Before the POST: counts the attempt and marks the forward's licences still to be sent
    (received, or rejected and sent again) forwarded. Returns those licences."""
    db.execute("UPDATE forwards SET attempts = attempts + 1, last_attempt_at = ? WHERE idempotency_key = ?", [at, key])
    fresh = [
        r[0]
        for r in db.execute(
            "SELECT licence_no FROM licences WHERE forward_key = ? AND state IN ('received', 'rejected')", [key]
        )
    ]
    db.conn.executemany(
        "UPDATE licences SET state = 'forwarded', forwarded_at = ? WHERE licence_no = ?", [(at, n) for n in fresh]
    )
    return fresh


def forward_records(db: Queryable, key: str) -> list[str]:
    """The stored JSON text of the forward's licence records, in licence-number order."""
    return [
        r[0]
        for r in db.execute(
            "SELECT l.record FROM forward_items f JOIN licences l USING (licence_no) WHERE f.idempotency_key = ? "
            "ORDER BY l.licence_no",
            [key],
        )
    ]


def forward_failed(db: Database, key: str, error: str, *, permanent: bool) -> None:
    """A refused forward waits for the window (`failed`); a transient failure is retried (`pending`)."""
    db.execute(
        "UPDATE forwards SET last_error = ?, status = ? WHERE idempotency_key = ?",
        [error, "failed" if permanent else "pending", key],
    )


def unanswered_forwards(
    db: Queryable, *, include_failed: bool, urgent_only: bool
) -> list[tuple[str, int, str | None, int]]:
    """(key, attempts, last_attempt_at, urgent) of the forwards customs has not answered, urgent first."""
    statuses = "('pending', 'failed')" if include_failed else "('pending')"
    return db.execute(
        f"SELECT idempotency_key, attempts, last_attempt_at, urgent FROM forwards WHERE status IN {statuses} "
        + ("AND urgent = 1 " if urgent_only else "")
        + "ORDER BY urgent DESC, created_at"
    ).fetchall()


def licences_in(db: Queryable, keys: list[str]) -> int:
    """How many licences the forwards of `keys` carry."""
    return sum(r[0] for r in rows_in(db, "SELECT licence_count FROM forwards WHERE idempotency_key IN ({})", keys))


# -- relays to the ministry (contract §6) ------------------------------------------------------


def queue_relays(db: Database, *, size: int, at: str, new_key: Callable[[], str]) -> None:
    """Every write-off not yet in a relay joins one of `size` records under a new key."""
    ids = [r[0] for r in db.execute("SELECT id FROM writeoffs WHERE relay_key IS NULL ORDER BY id")]
    for start in range(0, len(ids), size):
        chunk, key = ids[start : start + size], new_key()
        db.execute(
            "INSERT INTO relays (idempotency_key, created_at, record_count) VALUES (?, ?, ?)", [key, at, len(chunk)]
        )
        db.conn.executemany("UPDATE writeoffs SET relay_key = ? WHERE id = ?", [(key, i) for i in chunk])


def relay_attempt(db: Database, key: str, *, at: str) -> None:
    db.execute("UPDATE relays SET attempts = attempts + 1, last_attempt_at = ? WHERE idempotency_key = ?", [at, key])


def relay_records(db: Queryable, key: str) -> list[dict[str, Any]]:
    return [json.loads(r[0]) for r in db.execute("SELECT record FROM writeoffs WHERE relay_key = ? ORDER BY id", [key])]


def relay_failed(db: Database, key: str, error: str, *, transient: bool) -> None:
    db.execute(
        "UPDATE relays SET last_error = ?, status = ? WHERE idempotency_key = ?",
        [error, "pending" if transient else "failed", key],
    )


def relay_delivered(db: Database, key: str, *, at: str) -> None:
    db.execute(
        "UPDATE relays SET status = 'delivered', delivered_at = ?, last_error = NULL WHERE idempotency_key = ?",
        [at, key],
    )
    db.execute("UPDATE writeoffs SET relayed_at = ? WHERE relay_key = ?", [at, key])


def relays_to_send(db: Queryable) -> list[str]:
    return [
        r[0]
        for r in db.execute(
            "SELECT idempotency_key FROM relays WHERE status IN ('pending', 'failed') ORDER BY created_at"
        )
    ]
