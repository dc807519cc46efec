"""Write-off (核销/放行) records from customs (docs/wire.md): stored once each, folded into the
releases they stand for, and checked against the notice's rules (`ediops.rules`).

A licence's releases and write-off findings are recomputed from all its write-off rows each
time one arrives (indexed by licence), so amends, cancels and late arrivals are always right."""

from __future__ import annotations

from typing import TYPE_CHECKING

from datetime import datetime

from ediops import store
from ediops.licensing import contract, findings, rules
from ediops.clock import iso
from ediops.licensing.licence import add_event
from ediops.store import feeds as feeds_db, findings as findings_db, licences as licences_db

if TYPE_CHECKING:
    from ediops.config import Config
    from ediops.store import Database


def apply_writeoffs(db: Database, config: Config, records: list[dict], *, now: datetime, source: str) -> dict:
    """Stores each record (deduplicated by content hash), updates `releases` and the findings.
    Invalid records are kept in `rejections` and flagged, never applied. Returns counts."""
    at = iso(now)
    counts = {"received": len(records), "stored": 0, "duplicates": 0, "invalid": 0}
    touched: set[str] = set()
    with store.write(db):
        for record in records:
            verdict = contract.validate_writeoff(
                record, units=config.units, max_text=int(config.settings.get("max_text_chars", contract.MAX_TEXT_CHARS))
            )
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


def _store(db: Database, record: dict, *, at: str, source: str) -> bool:
    """Inserts one write-off row and its lifecycle event; False if it was here already."""
    if not licences_db.insert_writeoff(db, record, content_hash=contract.content_hash(record), at=at, source=source):
        return False
    event = {"release": "released", "amend": "amended", "cancel": "cancelled"}[record["action"]]
    detail = {k: record.get(k) for k in ("declaration_no", "customs_code", "quantity", "unit", "released_on")}
    add_event(db, record["licence_no"], event, at=at, actor=f"customs {record['customs_code']}", detail=detail)
    return True


def _reject(db: Database, record, verdict: contract.Verdict, *, at: str) -> None:
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


def reevaluate(db: Database, config: Config, licence_no: str, *, at: str) -> rules.Tally | None:
    """Recomputes a licence's releases and write-off findings from all its write-off rows."""
    records = licences_db.writeoff_records(db, licence_no)
    releases, tally, causes = rules.writeoff_causes(
        licence_no,
        licences_db.for_rules(db, licence_no),
        records,
        max_releases=int(config.settings.get("max_releases", rules.MAX_RELEASES)),
    )
    licences_db.replace_releases(db, licence_no, releases, at=at)
    for code in rules.WRITEOFF_CODES:
        findings.sync(db, code, [c for c in causes if c.code == code], at=at, scope={"licence_no": licence_no})
    return tally


def with_writeoffs(db: Database, numbers: list[str]) -> list[str]:
    """Those of `numbers` (in their order) that have write-off records: one query for a batch."""
    found = licences_db.with_writeoffs(db, numbers)
    return [n for n in numbers if n in found]
