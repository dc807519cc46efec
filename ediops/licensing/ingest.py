"""Ingesting what issuers send (docs/wire.md): licence batches, acknowledged record by
record, and daily summaries. The same functions serve the poller and `ediops ingest`.

A batch resent identically changes nothing and returns the ack already made. A licence
already accepted is never overwritten: identical content is accepted again, different
content is rejected DUPLICATE_CONFLICT."""

from __future__ import annotations

from typing import TYPE_CHECKING

import json
from datetime import datetime

from ediops import store
from ediops.licensing import contract, findings, rules
from ediops.clock import iso
from ediops.licensing import reconcile, writeoffs
from ediops.licensing.licence import add_events
from ediops.store import feeds as feeds_db, forwards as forwards_db, licences as licences_db

if TYPE_CHECKING:
    from ediops.config import Config
    from ediops.store import Database


def ingest_batch(db: Database, config: Config, batch: dict, *, now: datetime, source: str) -> dict:
    """Validates and stores one batch; creates its ack row (key derived from it) and returns
    the docs/wire.md ack. Raises InputError only for a batch that cannot be acknowledged at all."""
    batch_id = contract.batch_identity(batch)
    texts = [store.dumps(record) for record in batch["records"]]
    at, raw = iso(now), _batch_text(batch, texts)
    with store.write(db):
        known = feeds_db.stored_batch(db, batch_id)
        ack_body = feeds_db.ack_body(db, batch_id)
        if known is not None and known["raw"] == raw and ack_body is not None:
            feeds_db.count_resend(db, batch_id)
            return json.loads(ack_body)
        ack = _ingest_records(db, config, batch, batch_id, texts, at=at, source=source)
        _store_batch(db, batch, ack, raw=raw, at=at, source=source, resend=known is not None)
        _store_ack(db, ack, at=at)
    return ack


def _batch_text(batch: dict, texts: list[str]) -> str:
    """`store.dumps(batch)`, built around the records' texts already made for their rows
    (keys are sorted, so the records sit between the keys before and after "records")."""
    before = store.dumps({k: v for k, v in batch.items() if k < "records"})[1:-1]
    after = store.dumps({k: v for k, v in batch.items() if k > "records"})[1:-1]
    parts = [before, f'"records":[{",".join(texts)}]', after]
    return "{" + ",".join(p for p in parts if p) + "}"


def _ingest_records(
    db: Database, config: Config, batch: dict, batch_id: str, texts: list[str], *, at: str, source: str
) -> dict:
    header = contract.validate_batch_header(batch)
    issuer = batch["issuer"] if header else None
    business_date = batch["business_date"] if header else None
    urgent_batch = batch.get("kind") == "urgent"
    accepted: dict[str, None] = {}  # ordered and unique: a licence sent twice is listed once
    rejected: list[dict] = []
    flagged: dict[str | None, list[dict]] = {}
    hashes = _stored_hashes(db, batch["records"])
    max_text = int(config.settings.get("max_text_chars", contract.MAX_TEXT_CHARS))
    fresh: list[contract.Licence] = []
    for position, (record, text) in enumerate(zip(batch["records"], texts), 1):
        verdict, licence = contract.validate_licence(
            record, issuer=issuer, units=config.units, text=text, max_text=max_text
        )
        reasons = (
            sorted(set(header.reasons + verdict.reasons), key=contract.REASONS.index)
            if header.reasons or verdict.reasons
            else []
        )
        number = contract.licence_no_of(record)
        if not reasons:
            reasons = _accept(licence, hashes, fresh)
        if not reasons:
            accepted[number] = None
            continue
        problems = header.problems + verdict.problems or ["already accepted with different content"]
        rejected.append({"licence_no": number, "reasons": reasons})
        flagged.setdefault(number, []).append({"position": position, "reasons": reasons, "problems": problems})
        feeds_db.add_rejection(
            db, batch_id=batch_id, position=position, licence_no=number, reasons=reasons, record=text, received_at=at
        )
    new = _store_licences(
        db, fresh, batch_id=batch_id, business_date=business_date, urgent=urgent_batch, at=at, source=source
    )
    shown_issuer = batch.get("issuer") if isinstance(batch.get("issuer"), str) else None
    for number, records in flagged.items():
        findings.raise_cause(
            db,
            rules.record_rejected(batch_id=batch_id, issuer=shown_issuer, licence_no=number, rejected=records),
            at=at,
        )
        if number is not None:
            findings.clear_cause(db, rules.MISSING_FROM_FEED, rules.licence_subject(number), at=at)
    if new:
        reconcile.check_summary(db, issuer, business_date, at=at)
    for number in writeoffs.with_writeoffs(db, new):
        writeoffs.reevaluate(db, config, number, at=at)
    return {
        "batch_id": batch_id,
        "issuer": shown_issuer,
        "received_at": at,
        "declared_count": contract.declared_count(batch),
        "received_count": len(batch["records"]),
        "accepted": list(accepted),
        "rejected": rejected,
    }


def _stored_hashes(db: Database, records: list) -> dict[str, str]:
    """licence_no -> content_hash of the batch's licences the store already holds."""
    numbers = list({n for n in map(contract.licence_no_of, records) if n is not None})
    return licences_db.stored_hashes(db, numbers)


def _accept(licence: contract.Licence, hashes: dict[str, str], fresh: list[contract.Licence]) -> list[str]:
    """A valid licence is stored unless already accepted (by the store or earlier in this
    batch): identical content is accepted again. Returns [] or [DUPLICATE_CONFLICT]."""
    number = licence.row["licence_no"]
    known = hashes.get(number)
    if known is not None:
        return [] if known == licence.content_hash else [contract.DUPLICATE_CONFLICT]
    hashes[number] = licence.content_hash
    fresh.append(licence)
    return []


def _store_licences(
    db: Database,
    fresh: list[contract.Licence],
    *,
    batch_id: str,
    business_date: str,
    urgent: bool,
    at: str,
    source: str,
) -> list[str]:
    """Inserts the batch's new licences with their `received` events, and closes the
    RECORD_REJECTED and MISSING_FROM_FEED findings they answer. Returns their numbers.
    One executemany each: per-row statements were a fifth of ingest (bench/NOTES.md)."""
    if not fresh:
        return []
    rows = [
        {
            **licence.row,
            "batch_id": batch_id,
            "business_date": business_date,
            "received_at": at,
            "content_hash": licence.content_hash,
            "urgent": int(urgent or licence.row["urgent"]),
        }
        for licence in fresh
    ]
    licences_db.insert_many(db, rows)
    numbers = [row["licence_no"] for row in rows]
    details = {flag: {"batch_id": batch_id, "urgent": flag} for flag in (False, True)}
    add_events(db, "received", [(row["licence_no"], details[bool(row["urgent"])]) for row in rows], at=at, actor=source)
    findings.clear_causes(
        db, (rules.RECORD_REJECTED, rules.MISSING_FROM_FEED), [rules.licence_subject(n) for n in numbers], at=at
    )
    return numbers


def _store_batch(db: Database, batch: dict, ack: dict, *, raw: str, at: str, source: str, resend: bool) -> None:
    """One row per batch_id: first receipt's issuer, date, kind and time; the latest content."""
    counts = [ack["declared_count"], ack["received_count"], len(ack["accepted"]), len(ack["rejected"])]
    if resend:
        feeds_db.update_batch(db, ack["batch_id"], counts, raw=raw)
    else:
        text = lambda name: batch.get(name) if isinstance(batch.get(name), str) else None  # noqa: E731
        feeds_db.insert_batch(
            db,
            ack["batch_id"],
            issuer=text("issuer"),
            business_date=text("business_date"),
            kind=text("kind"),
            counts=counts,
            sent_at=contract.instant_text(batch.get("sent_at")),
            received_at=at,
            source=source,
            raw=raw,
        )
    issuer, business_date = ack["issuer"], batch.get("business_date")
    findings.sync(
        db,
        rules.BATCH_COUNT_MISMATCH,
        rules.batch_count_mismatch(
            batch_id=ack["batch_id"], issuer=issuer, declared=ack["declared_count"], received=ack["received_count"]
        ),
        at=at,
        scope={"batch_id": ack["batch_id"]},
    )
    if batch.get("kind") == "daily" and isinstance(issuer, str) and isinstance(business_date, str):
        findings.clear_cause(db, rules.FEED_LATE, rules.issuer_subject(issuer, business_date), at=at)


def _store_ack(db: Database, ack: dict, *, at: str) -> None:
    """The ack to send, one per batch version under its own key: a changed resend gets its
    own beside the original's, which is still delivered if it has not been yet (docs/safeguards.md).
    The key is the batch, its version's number and what the ack says (the time of receipt
    aside: a standby that receives the batch again acknowledges it under the same key)."""
    version = feeds_db.ack_versions(db, ack["batch_id"])
    said = {k: v for k, v in ack.items() if k != "received_at"}
    key = forwards_db.derived_key("ack", ack["batch_id"], version, said)
    feeds_db.put_ack(db, ack["batch_id"], ack["issuer"], store.dumps(ack), at=at, key=key)


def ingest_summary(db: Database, config: Config, summary: dict, *, now: datetime, source: str) -> list[dict]:
    """Stores an issuer's daily summary (a resend replaces it) and reconciles that date. An
    entry that is not a licence number of the issuer is flagged RECORD_REJECTED (the summary
    named) and left out; the rest is reconciled. Returns those bad entries."""
    issuer, business_date, numbers, bad = contract.validate_summary(summary)
    at = iso(now)
    with store.write(db):
        feeds_db.put_summary(db, issuer, business_date, store.dumps(numbers), at=at)
        reconcile.check_summary(db, issuer, business_date, at=at)
        findings.sync(
            db,
            rules.RECORD_REJECTED,
            rules.summary_entry_rejected(issuer=issuer, business_date=business_date, entries=bad),
            at=at,
            scope={"issuer": issuer, "period": business_date},
        )
    return bad
