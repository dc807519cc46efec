"""Polling inspection bureaus (docs/inspection.md, docs/peers.md): `GET /reports?after=CURSOR` like an
issuer's batches. Each page is stored by `ediops.inspection.load_reports` in one transaction
with the cursor move; a report that cannot be read is kept as received in
`bureau_report_rejections` and logged, and the rest of the page still counts."""

from __future__ import annotations

import asyncio

from ediops.config import Peer
from ediops.peers.runtime import Engine, follow, log, peer_failed, peer_ok, set_cursor
from ediops.errors import InputError
from ediops.inspection.reports import load_reports, validate_report
from ediops.peers.client import PeerError
from ediops.store import dumps, feeds as feeds_db, write


def _store_page(engine: Engine, peer: Peer, reports: list, next_cursor: str) -> tuple[int, int]:
    """Stores a page and moves the cursor past it, atomically. Returns (loaded, unreadable)."""
    good = []
    with write(engine.db):
        for position, report in enumerate(reports, 1):
            try:
                good.append(validate_report(report, f"{peer.name}: report {position} of the page"))
            except InputError as exc:
                log.warning("%s", exc)
                feeds_db.add_report_rejection(engine.db, peer.name, str(exc), dumps(report), at=engine.at())
        if good:
            load_reports(engine.db, engine.config, good, now=engine.clock.now(), source=peer.name)
        set_cursor(engine, peer.name, next_cursor)
    return len(good), len(reports) - len(good)


async def poll_bureau(engine: Engine, peer: Peer) -> dict:
    """Everything new from one bureau. Never raises: a failing bureau is logged and recorded."""

    async def store(reports: list, next_cursor: str) -> tuple[int, int]:
        return _store_page(engine, peer, reports, next_cursor)

    async with engine.locks[peer.name]:
        try:
            pages = await follow(engine, peer, "/reports", "reports", peer.name, store)
        except PeerError as exc:
            peer_failed(engine, peer.name, exc)
            return {"reports": 0, "rejected": 0, "ok": False}
    peer_ok(engine, peer.name)
    return {"reports": sum(p[0] for p in pages), "rejected": sum(p[1] for p in pages), "ok": True}


async def poll_bureaus(engine: Engine) -> tuple[str, str]:
    """Every configured bureau, a few at a time; (outcome, detail) for the run ledger."""
    limit = asyncio.Semaphore(int(engine.setting("peer_concurrency")))

    async def one(peer):
        async with limit:
            return await poll_bureau(engine, peer)

    results = await asyncio.gather(*(one(p) for p in engine.config.bureaus))
    failed = [p.name for p, r in zip(engine.config.bureaus, results) if not r["ok"]]
    detail = f"{sum(r['reports'] for r in results)} bureau reports from {len(results)} bureaus"
    if any(r["rejected"] for r in results):
        detail += f", {sum(r['rejected'] for r in results)} unreadable"
    if failed:
        detail += f"; unreachable or bad answer: {', '.join(failed[:10])}"
    return ("partial" if failed else "ok"), detail
