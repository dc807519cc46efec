"""One licence as an operator sees it: every field, its lifecycle timeline, its releases and
tally, its findings and tickets. Used by `ediops licence`, the desk and the hotline; it also
owns the timeline's writes (`add_event`), so every lifecycle event has one shape."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal

from ediops.licensing import rules
from ediops.store import dumps

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


def add_event(db, licence_no: str, event: str, *, at: str, actor: str | None = None, detail=None) -> None:
    """Appends one lifecycle event (see EVENTS); call inside the write it belongs to."""
    add_events(db, event, [(licence_no, detail)], at=at, actor=actor)


def add_events(db, event: str, items: list[tuple[str, object]], *, at: str, actor: str | None = None) -> None:
    """`add_event` for many (licence_no, detail) pairs in one executemany (the engine's batch paths)."""
    if event not in EVENTS:
        raise ValueError(f"unknown licence event {event!r}")
    texts: dict[int, str | None] = {}  # a detail object shared by many items is dumped once

    def text(detail) -> str | None:
        if id(detail) not in texts:
            texts[id(detail)] = None if detail is None else dumps(detail)
        return texts[id(detail)]

    db.conn.executemany(
        "INSERT INTO licence_events (licence_no, at, event, actor, detail) VALUES (?, ?, ?, ?, ?)",
        [(licence_no, at, event, actor, text(detail)) for licence_no, detail in items],
    )


def _rows(db, sql: str, args) -> list[dict]:
    cursor = db.execute(sql, args)
    names = [c[0] for c in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def _json(text):
    return None if text is None else json.loads(text)


def licence_view(db, licence_no: str, *, now: datetime) -> dict | None:
    """Everything about one licence, or None if the centre never accepted it. `now` is the
    moment the view is for (findings and tickets are as stored at that moment)."""
    found = _rows(db, "SELECT * FROM licences WHERE licence_no = ?", [licence_no])
    if not found:
        return None
    licence = found[0]
    record = _json(licence.pop("record"))
    licence["agents"] = _json(licence["agents"]) or []
    licence["one_batch"] = bool(licence["one_batch"])
    licence["urgent"] = bool(licence["urgent"])
    events = [
        {**e, "detail": _json(e["detail"])}
        for e in _rows(
            db, "SELECT at, event, actor, detail FROM licence_events WHERE licence_no = ? ORDER BY id", [licence_no]
        )
    ]
    releases = _rows(
        db,
        "SELECT declaration_no, customs_code, quantity, unit, released_on, operating_unit_code, "
        "status, slot FROM releases WHERE licence_no = ? ORDER BY slot",
        [licence_no],
    )
    found_rows = _rows(
        db,
        "SELECT id, code, subject, status, declaration_no, detail, opened_at, closed_at, "
        "closed_by, note FROM findings WHERE licence_no = ? ORDER BY id",
        [licence_no],
    )
    tickets = (
        []
        if "tickets" not in db.table_names()
        else _rows(
            db,
            "SELECT id, status, category, priority, caller, org, opened_at FROM tickets "
            "WHERE licence_no = ? ORDER BY opened_at",
            [licence_no],
        )
    )
    from ediops.licensing.resend import licence_resends  # it writes lifecycle events with add_event

    return {
        "licence": licence,
        "record": record,
        "events": events,
        "resends": licence_resends(db, licence_no),
        "releases": releases,
        "tally": tally(licence, releases),
        "findings": [{**f, "detail": _json(f["detail"])} for f in found_rows],
        "tickets": tickets,
        "as_of": now.isoformat(),
    }


def tally(licence: dict, releases: list[dict]) -> dict:
    """Used and remaining in the licence's unit (active releases, matching unit), and the
    endorsement slots used out of 12 (cancelled releases keep theirs: notice clause 8(5))."""
    used = sum(
        (
            Decimal(r["quantity"])
            for r in releases
            if r["status"] == "active" and r["unit"] == licence["unit"] and r["quantity"]
        ),
        Decimal(0),
    )
    licensed = Decimal(licence["quantity"])
    return rules.Tally(
        licensed=licensed, used=used, unit=licence["unit"], uses=len(releases), max_uses=rules.MAX_RELEASES
    ).as_dict()
