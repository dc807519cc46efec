"""The licences family of tables: `licences`, their lifecycle `licence_events`, `releases`
(what the write-offs stand for) and `writeoffs`. State literals of a licence live here and
in `ediops.vocabulary`; the domain never writes them in SQL."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Iterable

from ediops.store import dicts, rows
from ediops.text import dumps

if TYPE_CHECKING:
    from ediops.store import Database, Queryable

EVENTS = (
    "received",
    "phoned",
    "escalated",
    "forward_requested",
    "forwarded",
    "customs_accepted",
    "customs_rejected",
    "resend_requested",
    "resent",
    "released",
    "amended",
    "cancelled",
)


def get(db: Queryable, licence_no: str) -> dict[str, Any] | None:
    """The stored licence row as is (agents and record as JSON text), or None."""
    found = dicts(db.execute("SELECT * FROM licences WHERE licence_no = ?", [licence_no]))
    return found[0] if found else None


def for_rules(db: Queryable, licence_no: str) -> dict[str, Any] | None:
    """The accepted licence as the rules read it (agents as a list), or None."""
    licence = get(db, licence_no)
    if licence is not None:
        licence["agents"] = json.loads(licence["agents"] or "[]")
    return licence


def add_events(db: Database, event: str, items: Iterable[tuple[str, object]], *, at: str, actor: str | None) -> None:
    """Lifecycle events for many (licence_no, detail) pairs in one executemany: plain sqlite3,
    a measured hot path (ingest, customs' answers: bench/NOTES.md)."""
    if event not in EVENTS:
        raise ValueError(f"unknown licence event {event!r}")
    texts: dict[int, str | None] = {}  # a detail object shared by many items is dumped once

    def text(detail: object) -> str | None:
        if id(detail) not in texts:
            texts[id(detail)] = None if detail is None else dumps(detail)
        return texts[id(detail)]

    db.conn.executemany(
        "INSERT INTO licence_events (licence_no, at, event, actor, detail) VALUES (?, ?, ?, ?, ?)",
        [(licence_no, at, event, actor, text(detail)) for licence_no, detail in items],
    )


def events_of(db: Queryable, licence_no: str) -> list[dict[str, Any]]:
    return rows(
        db, "SELECT at, event, actor, detail FROM licence_events WHERE licence_no = ? ORDER BY id", [licence_no]
    )


def releases_of(db: Queryable, licence_no: str) -> list[dict[str, Any]]:
    return rows(
        db,
        "SELECT declaration_no, customs_code, quantity, unit, released_on, operating_unit_code, "
        "status, slot FROM releases WHERE licence_no = ? ORDER BY slot",
        [licence_no],
    )
