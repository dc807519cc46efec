"""The licences family of tables: `licences`, their lifecycle `licence_events`, `releases`
(what the write-offs stand for) and `writeoffs`. State literals of a licence live here and
in `ediops.vocabulary`; the domain never writes them in SQL."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from ediops import store
from ediops.store import dicts, rows, rows_in
from ediops.text import dumps
from ediops.vocabulary import FINDING_OPEN, TICKET_ACTIVE

if TYPE_CHECKING:
    from ediops.store import Database, Queryable

EVENTS = (
    "received",
    "phoned",
    "escalated",
    "forward_requested",
    "forward_retry",
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


def stored_hashes(db: Queryable, numbers: list[str]) -> dict[str, str]:
    """licence_no -> content_hash of those of `numbers` the store holds (one query per chunk)."""
    return dict(rows_in(db, "SELECT licence_no, content_hash FROM licences WHERE licence_no IN ({})", numbers))


def insert_many(db: Database, rows_: list[dict[str, Any]]) -> None:
    """New licence rows, all with the same columns, in one executemany: plain sqlite3, a
    measured hot path (sqlite-utils' insert re-read the schema per row: bench/NOTES.md)."""
    columns = list(rows_[0])
    db.conn.executemany(
        f"INSERT INTO licences ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
        [[row[c] for c in columns] for row in rows_],
    )


def of_issuer_date(db: Queryable, issuer: str, business_date: str) -> set[str]:
    return {
        r[0]
        for r in db.execute(
            "SELECT licence_no FROM licences WHERE issuer = ? AND business_date = ?", [issuer, business_date]
        )
    }


def received_of(db: Queryable, numbers_json: str) -> set[str]:
    """Those of the numbers (a JSON list) that reached the centre, accepted or rejected."""
    return {
        r[0]
        for r in db.execute(
            "SELECT value FROM json_each(?) WHERE value IN (SELECT licence_no FROM licences) "
            "OR value IN (SELECT licence_no FROM rejections WHERE licence_no IS NOT NULL)",
            [numbers_json],
        ).fetchall()
    }


def state(db: Queryable, licence_no: str) -> str | None:
    row = db.execute("SELECT state FROM licences WHERE licence_no = ?", [licence_no]).fetchone()
    return row[0] if row else None


MARKS = ("phoned", "escalated")  # an operator's mark on a licence: <mark>_at, <mark>_by


def mark_of(db: Queryable, licence_no: str, mark: str) -> tuple[str, str | None, str | None] | None:
    """(state, <mark>_at, <mark>_by) of the licence, or None when the store does not hold it."""
    if mark not in MARKS:
        raise ValueError(f"unknown licence mark {mark!r}")
    row = db.execute(f"SELECT state, {mark}_at, {mark}_by FROM licences WHERE licence_no = ?", [licence_no]).fetchone()
    return None if row is None else (row[0], row[1], row[2])


def set_mark(db: Database, licence_no: str, mark: str, *, at: str, actor: str) -> None:
    if mark not in MARKS:
        raise ValueError(f"unknown licence mark {mark!r}")
    db.execute(f"UPDATE licences SET {mark}_at = ?, {mark}_by = ? WHERE licence_no = ?", [at, actor, licence_no])


def accept_many(db: Database, numbers: list[str], *, at: str) -> None:
    """Customs took these licences: one executemany (plain sqlite3, a measured hot path:
    per-licence statements made recording a 500-licence answer the forward's bottleneck)."""
    db.conn.executemany(
        "UPDATE licences SET state = 'accepted', customs_answer = 'accepted', customs_reason = NULL, "
        "customs_answered_at = ? WHERE licence_no = ?",
        [(at, n) for n in numbers],
    )


def urgent_received_at(db: Queryable, numbers: list[str]) -> list[str]:
    """When each urgent licence among `numbers` not yet accepted by customs was received
    (ediops_urgent_latency_seconds, docs/monitoring.md)."""
    sql = "SELECT received_at FROM licences WHERE urgent = 1 AND state != 'accepted' AND licence_no IN ({})"
    return [r[0] for r in rows_in(db, sql, numbers)]


def reject(db: Database, licence_no: str, reason: str | None, *, at: str) -> None:
    db.execute(
        "UPDATE licences SET state = 'rejected', customs_answer = 'rejected', customs_reason = ?, "
        "customs_answered_at = ? WHERE licence_no = ?",
        [reason, at, licence_no],
    )


def urgent_unaccepted(db: Queryable) -> list[tuple[str, str, str, str]]:
    """(licence_no, issuer, state, received_at) of every urgent licence customs has not accepted."""
    return db.execute(
        "SELECT licence_no, issuer, state, received_at FROM licences WHERE urgent = 1 AND state != 'accepted'"
    ).fetchall()


def forwarded(db: Queryable) -> list[tuple[str, str, str | None]]:
    """(licence_no, issuer, forwarded_at) of every licence sent to customs and not yet answered."""
    return db.execute("SELECT licence_no, issuer, forwarded_at FROM licences WHERE state = 'forwarded'").fetchall()


# -- write-offs and releases -------------------------------------------------------------------


def insert_writeoff(db: Database, record: dict[str, Any], *, content_hash: str, at: str, source: str) -> bool:
    """Stores one write-off record; False when the same content is stored already."""
    unit = record.get("operating_unit") or {}
    cursor = db.execute(
        "INSERT INTO writeoffs (licence_no, customs_code, declaration_no, action, quantity, unit, "
        "released_on, operating_unit_code, operating_unit_name, record, content_hash, received_at, source) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(content_hash) DO NOTHING",
        [
            record["licence_no"],
            record["customs_code"],
            record["declaration_no"],
            record["action"],
            record.get("quantity"),
            record.get("unit"),
            record.get("released_on"),
            unit.get("code"),
            unit.get("name"),
            dumps(record),
            content_hash,
            at,
            source,
        ],
    )
    return cursor.rowcount > 0


def writeoff_records(db: Queryable, licence_no: str) -> list[dict[str, Any]]:
    """A licence's write-off records as received, in arrival order."""
    return [
        json.loads(r[0])
        for r in db.execute("SELECT record FROM writeoffs WHERE licence_no = ? ORDER BY id", [licence_no]).fetchall()
    ]


def with_writeoffs(db: Queryable, numbers: list[str]) -> set[str]:
    """Those of `numbers` that have write-off records: one query per chunk."""
    return {r[0] for r in rows_in(db, "SELECT DISTINCT licence_no FROM writeoffs WHERE licence_no IN ({})", numbers)}


def replace_releases(db: Database, licence_no: str, releases: Iterable[Any], *, at: str) -> None:
    """The licence's releases become exactly `releases` (objects with the releases' columns)."""
    db.execute("DELETE FROM releases WHERE licence_no = ?", [licence_no])
    for r in releases:
        db.execute(
            "INSERT OR REPLACE INTO releases (declaration_no, licence_no, customs_code, quantity, unit, "
            "released_on, operating_unit_code, status, slot, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                r.declaration_no,
                r.licence_no,
                r.customs_code,
                r.quantity,
                r.unit,
                r.released_on,
                r.operating_unit_code,
                r.status,
                r.slot,
                at,
            ],
        )


def writeoff_corrections(db: Queryable, licence_no: str) -> list[dict[str, Any]]:
    """The licence's amendments and cancellations (退关) as customs sent them, in arrival order."""
    return rows(
        db,
        "SELECT action, declaration_no, customs_code, quantity, unit, released_on, received_at FROM writeoffs "
        "WHERE licence_no = ? AND action IN ('amend', 'cancel') ORDER BY id",
        [licence_no],
    )


# -- legal holds (docs/retention.md) -----------------------------------------------------------


def hold_of(db: Queryable, licence_no: str) -> dict[str, Any] | None:
    """The licence's legal hold (held_at, held_by, reason), or None."""
    found = rows(db, "SELECT held_at, held_by, reason FROM legal_holds WHERE licence_no = ?", [licence_no])
    return found[0] if found else None


def set_hold(db: Database, licence_no: str, *, at: str, actor: str, reason: str) -> None:
    db.execute(
        "INSERT INTO legal_holds (licence_no, held_at, held_by, reason) VALUES (?, ?, ?, ?)",
        [licence_no, at, actor, reason],
    )


def release_hold(db: Database, licence_no: str) -> None:
    db.execute("DELETE FROM legal_holds WHERE licence_no = ?", [licence_no])


# -- archived licences, read from the archive files (docs/retention.md) ----------------------


def archived_in(store_path: Path, licence_no: str) -> Path | None:
    """The archive file holding `licence_no`, or None. The year its number names (YY-XX-NNNNNN)
    is tried first: a licence is mostly issued in the year of its number."""
    files = store.archive_files(store_path)
    for path in sorted(files, key=lambda p: p.name[10:12] != licence_no[:2]):
        conn = store.archive_reader(path)
        try:
            if conn.execute("SELECT 1 FROM licences WHERE licence_no = ?", [licence_no]).fetchone():
                return path
        finally:
            conn.close()
    return None


def archived_from(store_path: Path, start: str, limit: int) -> list[tuple[str, str]]:
    """(licence_no, trader_name) of archived licences whose number starts with `start`."""
    found: list[tuple[str, str]] = []
    for path in store.archive_files(store_path):
        conn = store.archive_reader(path)
        try:
            found += conn.execute(
                "SELECT licence_no, trader_name FROM licences WHERE licence_no >= ? AND licence_no < ? "
                "ORDER BY licence_no LIMIT ?",
                [start, start + "\uffff", limit],
            ).fetchall()
        finally:
            conn.close()
    return sorted(found)[:limit]


# -- retention (docs/retention.md): which licences may move to the archive files -------------

IN_NUMBERS = "(SELECT value FROM json_each(:numbers))"  # `IN` the JSON list of licence numbers
# Past retention: the later of valid_to and the last write-off (its release date or its
# arrival, whichever is later) is on or before :cutoff.
_DUE = (
    "l.valid_to <= :cutoff AND coalesce((SELECT max(max(coalesce(w.released_on, '')), "
    "substr(max(w.received_at), 1, 10)) FROM writeoffs w WHERE w.licence_no = l.licence_no), '') <= :cutoff"
)
# Why a licence past retention stays in the store.
KEPT = {
    "held": "EXISTS (SELECT 1 FROM legal_holds h WHERE h.licence_no = l.licence_no)",
    "open_finding": f"EXISTS (SELECT 1 FROM findings f WHERE f.licence_no = l.licence_no AND f.status = '{FINDING_OPEN}')",
    "open_ticket": "EXISTS (SELECT 1 FROM tickets t WHERE t.licence_no = l.licence_no AND t.status IN "
    f"({', '.join(repr(s) for s in TICKET_ACTIVE)}))",
    "unanswered_forward": "EXISTS (SELECT 1 FROM forward_items i JOIN forwards f ON f.idempotency_key = "
    "i.idempotency_key WHERE i.licence_no = l.licence_no AND f.status = 'pending')",
}
_MOVABLE = f"{_DUE} AND NOT ({' OR '.join(KEPT.values())})"


def retention_overview(db: Queryable, cutoff: str) -> list[dict]:
    """Per year of issue, the licences past retention: how many would move and why the rest stay."""
    kept = ", ".join(f"sum({sql}) AS {name}" for name, sql in KEPT.items())
    cursor = db.execute(
        f"SELECT substr(l.issued_on, 1, 4) AS year, count(*) AS due, sum(NOT ({' OR '.join(KEPT.values())})) "
        f"AS movable, {kept} FROM licences l WHERE {_DUE} GROUP BY year ORDER BY year",
        {"cutoff": cutoff},
    )
    return dicts(cursor)


def movable_after(db: Queryable, cutoff: str, after: str, limit: int) -> list[tuple[str, str]]:
    """(licence_no, year of issue) of the next `limit` licences after `after` that may move."""
    return db.execute(
        f"SELECT l.licence_no, substr(l.issued_on, 1, 4) FROM licences l WHERE l.licence_no > :after AND "
        f"{_MOVABLE} ORDER BY l.licence_no LIMIT :limit",
        {"cutoff": cutoff, "after": after, "limit": limit},
    ).fetchall()


def movable_of(db: Queryable, numbers: list[str], cutoff: str) -> list[str]:
    """Those of `numbers` in the store that may move now."""
    return [
        r[0]
        for r in db.execute(
            f"SELECT l.licence_no FROM licences l WHERE l.licence_no IN {IN_NUMBERS} AND {_MOVABLE}",
            {"numbers": json.dumps(numbers), "cutoff": cutoff},
        )
    ]


def in_store_too(db: Database | sqlite3.Connection, path: Path) -> list[str]:
    """Licences the archive holds that the store holds as well (a run stopped before it deleted)."""
    found: list[str] = []
    conn = store.archive_reader(path)
    try:
        cursor = conn.execute("SELECT licence_no FROM licences")
        while numbers := [r[0] for r in cursor.fetchmany(store.IN_CHUNK)]:  # a year's file: a million
            found += [
                r[0] for r in store.rows_in(db, "SELECT licence_no FROM licences WHERE licence_no IN ({})", numbers)
            ]
    finally:
        conn.close()
    return found


def generation(path: Path) -> int:
    """How many times the archive was written (0: never); a backup copies it only when this changed."""
    conn = store.archive_reader(path)
    try:
        row = conn.execute("SELECT value FROM archive_info WHERE key = 'generation'").fetchone()
    except sqlite3.OperationalError:
        return 0
    finally:
        conn.close()
    return int(row[0]) if row else 0
