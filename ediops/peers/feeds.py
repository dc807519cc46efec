"""Polling issuers' feeds (contract §3, §10): `GET /batches?after=CURSOR`, each page ingested
by the foundation's `ingest_batch` in one transaction with the cursor move, then every new
acknowledgement POSTed at once. Daily summaries are fetched for reconciliation."""

from __future__ import annotations

import asyncio
import hashlib
from datetime import timedelta

from ediops.licensing import findings, rules
from ediops.licensing.contract import BAD_VALUE
from ediops.config import Issuer
from ediops.peers import acks
from ediops.licensing.ingest import ingest_batch, ingest_summary
from ediops.peers.runtime import Engine, follow, log, peer_failed, peer_ok, set_cursor
from ediops.errors import InputError
from ediops.peers.client import PeerError
from ediops.store import dumps, feeds as feeds_db, write


def _ingest_page(engine: Engine, issuer: Issuer, batches: list, next_cursor: str) -> list[str]:
    """Ingests a page and moves the cursor past it, atomically. Returns the batch ids to ack."""
    ids = []
    with write(engine.db):
        for position, batch in enumerate(batches, 1):
            try:
                ack = ingest_batch(
                    engine.db, engine.config, batch, now=engine.clock.now(), source=f"{acks.FEED}{issuer.code}"
                )
            except InputError as exc:
                _unreadable(engine, issuer, position, batch, exc)
                continue
            ids.append(ack["batch_id"])
        set_cursor(engine, issuer.name, next_cursor)
    return ids


def _unreadable(engine: Engine, issuer: Issuer, position: int, batch, exc: InputError) -> None:
    """A batch that cannot be acknowledged at all: kept as received in `rejections` and
    flagged RECORD_REJECTED on the batch, so the desk can phone the issuer."""
    log.warning("issuer %s: batch %d of the page cannot be acknowledged: %s", issuer.code, position, exc)
    raw = dumps(batch)
    shown = batch.get("batch_id") if isinstance(batch, dict) else None
    batch_id = (
        shown
        if isinstance(shown, str) and shown.strip()
        else f"unreadable:{issuer.code}:{hashlib.sha256(raw.encode()).hexdigest()[:12]}"
    )
    problem = {"position": position, "reasons": [BAD_VALUE], "problems": [str(exc)]}
    feeds_db.add_rejection(
        engine.db,
        batch_id=batch_id,
        position=position,
        licence_no=None,
        reasons=[BAD_VALUE],
        record=raw,
        received_at=engine.at(),
    )
    findings.raise_cause(
        engine.db,
        rules.record_rejected(batch_id=batch_id, issuer=issuer.code, licence_no=None, rejected=[problem]),
        at=engine.at(),
    )


async def poll_issuer(engine: Engine, issuer: Issuer) -> dict:
    """Everything new from one issuer. Never raises: a failing feed is logged and recorded."""
    counts = {"batches": 0, "acked": 0, "ok": True}

    async def store(batches: list, next_cursor: str) -> None:
        counts["batches"] += len(batches)
        for batch_id in _ingest_page(engine, issuer, batches, next_cursor):
            counts["acked"] += await acks.deliver(engine, batch_id)

    async with engine.locks[issuer.name]:
        try:
            await follow(engine, issuer, "/batches", "batches", issuer.name, store)
        except PeerError as exc:
            peer_failed(engine, issuer.name, exc)
            counts["ok"] = False
            return counts
    peer_ok(engine, issuer.name)
    return counts


async def _each_issuer(engine: Engine, work) -> list:
    limit = asyncio.Semaphore(int(engine.setting("peer_concurrency")))

    async def one(issuer):
        async with limit:
            return await work(engine, issuer)

    return await asyncio.gather(*(one(i) for i in engine.config.issuers))


async def poll_all(engine: Engine) -> tuple[str, str]:
    results = await _each_issuer(engine, poll_issuer)
    failed = [i.code for i, r in zip(engine.config.issuers, results) if not r["ok"]]
    batches = sum(r["batches"] for r in results)
    detail = f"{batches} batches from {len(results)} issuers"
    if failed:
        detail += f"; unreachable or bad answer: {', '.join(failed[:10])}{'...' if len(failed) > 10 else ''}"
    return ("partial" if failed else "ok"), detail


async def fetch_summary(engine: Engine, issuer: Issuer, business_date: str) -> bool | None:
    """GET one daily summary (404: not yet published). True when it was stored; None when the
    issuer could not be asked at all (logged once here)."""
    try:
        answer = await engine.client.get(issuer, f"/summaries/{business_date}", missing_ok=True)
    except PeerError as exc:
        log.warning("issuer %s: summary %s: %s", issuer.code, business_date, exc)
        return None
    if answer is None:
        return False
    try:
        ingest_summary(engine.db, engine.config, answer, now=engine.clock.now(), source=f"feed {issuer.code}")
    except InputError as exc:
        log.warning("issuer %s: summary %s rejected: %s", issuer.code, business_date, exc)
        return False
    return True


async def fetch_summaries(engine: Engine) -> int:
    """Summaries of today and yesterday not yet stored, from every issuer."""
    today = engine.clock.now().date()
    days = [(today - timedelta(days=n)).isoformat() for n in (1, 0)]

    async def missing(engine, issuer):
        stored = 0
        for day in days:
            if feeds_db.summary_numbers(engine.db, issuer.code, day) is None:
                result = await fetch_summary(engine, issuer, day)
                if result is None:
                    break  # unreachable or misconfigured: one line per issuer, not one per day
                stored += result
        return stored

    return sum(await _each_issuer(engine, missing))
