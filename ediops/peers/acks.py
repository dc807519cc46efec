"""Acknowledgements to issuers (contract §4): each is POSTed as soon as its batch is ingested,
under the key `ingest_batch` stored with it, and retried (same key) until the issuer takes it.
ACK_UNDELIVERED is judged by reconcile from `acks.delivered_at`."""

from __future__ import annotations

import asyncio
import json

from ediops.peers.runtime import Engine, log
from ediops.peers.client import PeerError
from ediops.store import feeds as feeds_db, write

FEED = "feed "  # batches.source of a polled batch: "feed AA"


def destination(engine: Engine, code: str | None, source: str | None):
    """The issuer an ack goes to: the feed its batch came from, whatever the batch claims."""
    if source and source.startswith(FEED):
        code = source[len(FEED) :]
    return engine.config.issuer(code) if code else None


async def deliver(engine: Engine, batch_id: str) -> bool:
    """POSTs one undelivered ack. True when the issuer took it (now or before)."""
    db = engine.db
    row = feeds_db.undelivered_ack(db, batch_id)
    if row is None:
        return True
    code, body, key, source = row
    issuer = destination(engine, code, source)
    at = engine.at()
    with write(db, durable=True):  # the POST below follows it (contract §14)
        feeds_db.ack_tried(
            db, key, at=at, error=None if issuer else f"issuer {code!r} is not configured: nowhere to send"
        )
    if issuer is None:
        return False
    try:
        await engine.client.post(issuer, "/acks", json.loads(body), key=key)
    except PeerError as exc:
        log.warning("ack %s not delivered: %s", batch_id, exc)
        with write(db):
            feeds_db.ack_failed(db, key, str(exc))
        return False
    with write(db):
        feeds_db.ack_delivered(db, key, at=engine.at())
    return True


async def send_acks(engine: Engine) -> tuple[str, str]:
    """The `send-acks` window: every ack not yet taken, again, with its own key."""
    pending = [batch_id for batch_id, _, _ in feeds_db.undelivered_acks(engine.db)]
    limit = asyncio.Semaphore(int(engine.setting("peer_concurrency")))

    async def one(batch_id: str) -> bool:
        async with limit:
            return await deliver(engine, batch_id)

    results = await asyncio.gather(*(one(b) for b in pending))
    failed = results.count(False)
    return ("partial" if failed else "ok"), f"{len(pending) - failed} of {len(pending)} acknowledgements delivered"
