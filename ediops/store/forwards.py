"""What the centre sends under an `Idempotency-Key` stored before each POST (docs/wire.md):
`forwards` and `forward_items` (licences to customs) and `relays` (write-offs to the
ministry). A licence joins a forward only while it has none, so it is never sent under two
keys; a forward or relay is retried with its own key until answered.

Every key is derived from what is sent (`derived_key`), never drawn at random, and the way
work is cut into POSTs depends only on what was received, not on when the cut is made: a
standby restored from a replica that lags the lost site makes the same POSTs under the same
keys (docs/two-sites.md)."""

from __future__ import annotations

import hashlib
import json
from itertools import groupby
from typing import TYPE_CHECKING, Any, Sequence

from ediops.store import rows_in

if TYPE_CHECKING:
    from ediops.store import Database, Queryable

# -- forwards to customs -----------------------------------------------------------------------

KEY_KINDS = ("ack", "forward", "resend", "relay")  # what a key's prefix says it was made for


def derived_key(kind: str, *parts: Any) -> str:
    """The Idempotency-Key of a sending: its kind and a digest of its content and of what makes
    it a distinct sending (a batch version, a resend's id). JSON makes the parts unambiguous."""
    if kind not in KEY_KINDS:
        raise ValueError(f"unknown key kind {kind!r}")
    text = json.dumps([kind, *parts], ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return f"{kind}-{hashlib.sha256(text.encode()).hexdigest()[:40]}"


ANSWERED = "answered"
_SELECTIONS = {  # which licences a new forward takes: never one already in a forward
    "urgent": ("urgent = 1 AND state = 'received' AND forward_key IS NULL", 0),
    "waiting": ("state = 'received' AND forward_key IS NULL", 0),
    "licence": ("licence_no = ? AND (state = 'received' AND forward_key IS NULL OR state = 'rejected')", 1),
}


def to_forward(db: Queryable, selection: str, args: Sequence[Any] = (), *, size: int) -> list[tuple[str, list[str]]]:
    """The forwards of `selection` (urgent, waiting, licence), urgent first, each (key, licence
    numbers). Licences are cut by what received them: one forward per ingest of a batch
    (batch, time of receipt, urgency), in chunks of `size` by licence number. The same
    licences are cut the same way whenever the cut is made, on whichever site."""
    where, arity = _SELECTIONS[selection]
    if len(args) != arity:
        raise ValueError(f"forward selection {selection!r} takes {arity} arguments")
    rows = db.execute(
        f"SELECT urgent, batch_id, received_at, licence_no, content_hash FROM licences WHERE ({where}) "
        "ORDER BY urgent DESC, received_at, batch_id, licence_no",
        list(args),
    ).fetchall()
    forwards = []
    for _, group in groupby(rows, key=lambda r: (r[0], r[1], r[2])):
        items = list(group)
        for start in range(0, len(items), size):
            chunk = items[start : start + size]
            sent = [(r[3], r[4], _sendings(db, r[3]) if selection == "licence" else 0) for r in chunk]
            forwards.append((derived_key("forward", sent), [r[3] for r in chunk]))
    return forwards


def _sendings(db: Queryable, licence_no: str) -> int:
    """How many forwards carried the licence before: an operator's new forward of a licence
    customs refused is a distinct sending, so it gets its own key."""
    return db.execute("SELECT count(*) FROM forward_items WHERE licence_no = ?", [licence_no]).fetchone()[0]


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


def waiting_among(db: Queryable, licence_nos: Sequence[str]) -> set[str]:
    """Those of `licence_nos` sent, or queued, under a key customs has not answered."""
    return {
        r[0]
        for r in rows_in(
            db,
            "SELECT l.licence_no FROM licences l JOIN forwards f ON f.idempotency_key = l.forward_key "
            "WHERE f.status IN ('pending', 'failed') AND l.state IN ('received', 'forwarded') "
            "AND l.licence_no IN ({})",
            list(licence_nos),
        )
    }


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


# -- relays to the ministry (docs/wire.md) ------------------------------------------------------


def queue_relays(db: Database, *, at: str) -> None:
    """Every write-off not yet in a relay gets its own, keyed by its content: a page of
    customs' write-offs is not closed (a standby pulling again may find more on it), so only
    one record per relay makes the same relays whenever they are cut."""
    rows = db.execute("SELECT id, content_hash FROM writeoffs WHERE relay_key IS NULL ORDER BY id").fetchall()
    keyed = [(derived_key("relay", content_hash), i) for i, content_hash in rows]
    db.conn.executemany(
        "INSERT INTO relays (idempotency_key, created_at, record_count) VALUES (?, ?, 1)", [(k, at) for k, _ in keyed]
    )
    db.conn.executemany("UPDATE writeoffs SET relay_key = ? WHERE id = ?", keyed)


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
            "SELECT idempotency_key FROM relays WHERE status IN ('pending', 'failed') ORDER BY created_at, rowid"
        )
    ]
