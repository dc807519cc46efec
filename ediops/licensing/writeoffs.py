"""Write-off (核销/放行) records from customs (contract §6): stored once each, folded into the
releases they stand for, and checked against the notice's rules (`ediops.rules`).

A licence's releases and write-off findings are recomputed from all its write-off rows each
time one arrives (indexed by licence), so amends, cancels and late arrivals are always right."""

from __future__ import annotations

import json
from datetime import datetime

from ediops import store
from ediops.licensing import contract, findings, rules
from ediops.clock import iso
from ediops.licensing.licence import add_event
from ediops.store import feeds as feeds_db, findings as findings_db


def apply_writeoffs(db, config, records: list[dict], *, now: datetime, source: str) -> dict:
    """Stores each record (deduplicated by content hash), updates `releases` and the findings.
    Invalid records are kept in `rejections` and flagged, never applied. Returns counts."""
    at = iso(now)
    counts = {"received": len(records), "stored": 0, "duplicates": 0, "invalid": 0}
    touched: set[str] = set()
    with store.write(db):
        for record in records:
            verdict = contract.validate_writeoff(record, units=config.units)
            if not verdict:
                counts["invalid"] += 1
                _reject(db, record, verdict, at=at)
                continue
            if not _store(db, record, at=at, source=source):
                counts["duplicates"] += 1
                continue
            counts["stored"] += 1
            touched.add(record["licence_no"])
        for licence_no in sorted(touched):
            reevaluate(db, config, licence_no, at=at)
    return counts


def _store(db, record: dict, *, at: str, source: str) -> bool:
    """Inserts one write-off row and its lifecycle event; False if it was here already."""
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
            store.dumps(record),
            contract.content_hash(record),
            at,
            source,
        ],
    )
    if cursor.rowcount == 0:
        return False
    event = {"release": "released", "amend": "amended", "cancel": "cancelled"}[record["action"]]
    detail = {k: record.get(k) for k in ("declaration_no", "customs_code", "quantity", "unit", "released_on")}
    add_event(db, record["licence_no"], event, at=at, actor=f"customs {record['customs_code']}", detail=detail)
    return True


def _reject(db, record, verdict: contract.Verdict, *, at: str) -> None:
    """An unusable write-off: kept as received and flagged once (subject: its content)."""
    digest = contract.content_hash(record)
    subject = f"writeoff:{digest[:16]}"
    if findings_db.has(db, rules.RECORD_REJECTED, subject):
        return
    shown = record if isinstance(record, dict) else {}
    licence_no = contract.licence_no_of(record)
    declaration = shown.get("declaration_no") if isinstance(shown.get("declaration_no"), str) else None
    feeds_db.add_rejection(
        db,
        batch_id=None,
        position=None,
        licence_no=licence_no,
        reasons=verdict.reasons,
        record=store.dumps(record),
        received_at=at,
    )
    findings.raise_cause(
        db,
        findings.Cause(
            rules.RECORD_REJECTED,
            subject,
            {"writeoff": True, "reasons": verdict.reasons, "problems": verdict.problems},
            licence_no=licence_no,
            declaration_no=declaration,
        ),
        at=at,
    )


def licence_row(db, licence_no: str) -> dict | None:
    """The accepted licence as the rules read it (agents as a list), or None."""
    cursor = db.execute("SELECT * FROM licences WHERE licence_no = ?", [licence_no])
    row = cursor.fetchone()
    if row is None:
        return None
    licence = dict(zip([c[0] for c in cursor.description], row))
    licence["agents"] = json.loads(licence["agents"] or "[]")
    return licence


def reevaluate(db, config, licence_no: str, *, at: str) -> rules.Tally | None:
    """Recomputes a licence's releases and write-off findings from all its write-off rows."""
    records = [
        json.loads(r[0])
        for r in db.execute("SELECT record FROM writeoffs WHERE licence_no = ? ORDER BY id", [licence_no]).fetchall()
    ]
    releases, tally, causes = rules.writeoff_causes(
        licence_no,
        licence_row(db, licence_no),
        records,
        max_releases=int(config.settings.get("max_releases", rules.MAX_RELEASES)),
    )
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
    for code in rules.WRITEOFF_CODES:
        findings.sync(db, code, [c for c in causes if c.code == code], at=at, scope={"licence_no": licence_no})
    return tally


def with_writeoffs(db, numbers: list[str]) -> list[str]:
    """Those of `numbers` (in their order) that have write-off records: one query for a batch."""
    found = {
        r[0] for r in store.rows_in(db, "SELECT DISTINCT licence_no FROM writeoffs WHERE licence_no IN ({})", numbers)
    }
    return [n for n in numbers if n in found]
