"""Polling issuers' feeds (docs/wire.md, docs/peers.md): `GET /batches?after=CURSOR`, each page ingested
by the foundation's `ingest_batch` in one transaction with the cursor move, then every new
acknowledgement POSTed at once. Daily summaries are fetched for reconciliation."""

from __future__ import annotations

import asyncio
import hashlib
from datetime import timedelta

from ediops.licensing import findings, rules
from ediops.licensing.contract import BAD_VALUE, MAX_ID_CHARS
from ediops.strict_json import fault
from ediops.config import Issuer
from ediops.peers import acks
from ediops.licensing.ingest import ingest_batch, ingest_summary
from ediops.peers.runtime import Engine, follow, log, peer_failed, peer_ok, set_cursor
from ediops.errors import InputError
from ediops.monitoring import events, logs
from ediops.peers.client import PeerError
from ediops.store import dumps, feeds as feeds_db, savepoint, write
from ediops.store.health import unwritable


def _ingest_page(engine: Engine, issuer: Issuer, batches: list, next_cursor: str) -> dict[str, list[str]]:
    """Ingests a page and moves the cursor past it, atomically. Returns the acks to send, by batch.
    A batch that cannot be used is recorded and flagged, and the rest of the page goes on;
    each batch is its own savepoint, so whatever one breaks leaves the others as they are."""
    batch_ids = []
    with write(engine.db):
        for position, batch in enumerate(batches, 1):
            try:
                with savepoint(engine.db):
                    ack = ingest_batch(
                        engine.db, engine.config, batch, now=engine.clock.now(), source=f"{acks.FEED}{issuer.code}"
                    )
            except InputError as exc:
                _unreadable(engine, issuer, position, batch, str(exc))
                continue
            except Exception as exc:  # a fault no check foresaw must cost one batch, not the feed
                if unwritable(exc) or not engine.db.conn.in_transaction:
                    raise  # but a store that cannot write (its transaction gone) costs the page: nothing is kept
                log.exception("issuer %s: batch %d of the page could not be stored", issuer.code, position)
                _unreadable(engine, issuer, position, batch, f"could not be stored: {type(exc).__name__}")
                continue
            batch_ids.append(ack["batch_id"])
        set_cursor(engine, issuer.name, next_cursor)
    return feeds_db.acks_to_deliver(engine.db, batch_ids)


def _unreadable(engine: Engine, issuer: Issuer, position: int | None, batch, problem: str) -> None:
    """A batch (or a whole page: position None) that cannot be acknowledged at all: kept as
    received in `rejections` and flagged RECORD_REJECTED, so the desk can phone the issuer."""
    log.warning(
        "issuer %s: %s cannot be acknowledged: %s",
        issuer.code,
        f"batch {position} of the page" if position else "a page",
        problem,
    )
    raw = dumps(batch)
    shown = batch.get("batch_id") if isinstance(batch, dict) and position else None
    batch_id = (
        shown
        if isinstance(shown, str) and shown.strip() and len(shown) <= MAX_ID_CHARS and not fault(shown)
        else f"unreadable:{issuer.code}:{hashlib.sha256(raw.encode()).hexdigest()[:12]}"
    )
    detail = {"position": position, "reasons": [BAD_VALUE], "problems": [problem]}
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
        rules.record_rejected(batch_id=batch_id, issuer=issuer.code, licence_no=None, rejected=[detail]),
        at=engine.at(),
    )


def _skip_page(engine: Engine, issuer: Issuer, problem: str, answer: dict, next_cursor: str) -> None:
    """A page that cannot be used but says where the feed goes next: recorded, flagged, passed."""
    with write(engine.db):
        _unreadable(engine, issuer, None, answer, f"page after cursor {next_cursor!r}: {problem}")
        set_cursor(engine, issuer.name, next_cursor)


async def poll_issuer(engine: Engine, issuer: Issuer, *, on_page=None, wait: float = 0.0) -> dict:
    """Everything new from one issuer. Never raises: a failing feed is logged and recorded.
    A poll of the same issuer in flight is waited for at most `wait` seconds (the pollers wait
    not at all: the one in flight covers it), so no issuer holds up anything for long.
    `on_page()` is called as soon as a page is stored (the urgent path goes before the acks)."""
    with logs.context(issuer=issuer.code, peer=issuer.name):  # its lines, httpx's included, name it
        return await _poll_issuer(engine, issuer, on_page=on_page, wait=wait)


async def _poll_issuer(engine: Engine, issuer: Issuer, *, on_page, wait: float) -> dict:
    counts = {"batches": 0, "acked": 0, "ok": True}
    lock = engine.locks[issuer.name]
    if engine.is_resting(issuer.name):
        return counts | {"ok": False, "resting": True}

    async def store(batches: list, next_cursor: str) -> None:
        counts["batches"] += len(batches)
        pending = _ingest_page(engine, issuer, batches, next_cursor)
        if on_page is not None and batches:
            on_page()
        for keys in pending.values():
            counts["acked"] += await acks.deliver_in_order(engine, keys)

    try:
        async with asyncio.timeout(wait if lock.locked() else None):
            await lock.acquire()
    except TimeoutError:
        return counts | {"busy": True}
    try:
        try:
            await follow(
                engine,
                issuer,
                "/batches",
                "batches",
                issuer.name,
                store,
                skip=lambda problem, answer, nxt: _skip_page(engine, issuer, problem, answer, nxt),
            )
        except PeerError as exc:
            events.feed_failure(issuer.code)
            peer_failed(engine, issuer.name, exc)
            counts["ok"] = False
            return counts
    finally:
        lock.release()
    if peer_ok(engine, issuer.name):  # back after failing: its acks waiting go now, not at the window
        for keys in feeds_db.acks_to_deliver(engine.db, feeds_db.undelivered_batches(engine.db, issuer.code)).values():
            counts["acked"] += await acks.deliver_in_order(engine, keys)
    return counts


async def _each_issuer(engine: Engine, work) -> list:
    limit = asyncio.Semaphore(int(engine.setting("peer_concurrency")))

    async def one(issuer):
        async with limit:
            return await work(engine, issuer)

    return await asyncio.gather(*(one(i) for i in engine.config.issuers))


async def poll_all(engine: Engine) -> tuple[str, str]:
    """The poll-feeds window: every issuer, `peer_concurrency` at a time, each bounded by its
    deadline (a poll of it in flight is waited for that long at most)."""
    wait = float(engine.setting("peer_deadline_seconds"))
    results = await _each_issuer(engine, lambda engine, issuer: poll_issuer(engine, issuer, wait=wait))
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
    except InputError as exc:  # the summary is bad input: said once, the feed goes on
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
