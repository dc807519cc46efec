"""Acknowledgements to issuers (docs/wire.md): each is POSTed as soon as its batch is ingested,
under the key `ingest_batch` stored with it, and retried (same key) until the issuer takes it.
ACK_UNDELIVERED is judged by reconcile from `acks.delivered_at`."""

from __future__ import annotations

import asyncio
import json

from ediops.peers.runtime import Engine, log
from ediops.peers.client import PeerError
from ediops.secrets import redact
from ediops.store import feeds as feeds_db, write

FEED = "feed "  # batches.source of a polled batch: "feed AA"


def destination(engine: Engine, code: str | None, source: str | None):
    """The issuer an ack goes to: the feed its batch came from, whatever the batch claims."""
    if source and source.startswith(FEED):
        code = source[len(FEED) :]
    return engine.config.issuer(code) if code else None


async def deliver(engine: Engine, key: str) -> bool:
    """POSTs one undelivered ack (one batch version, by its key). True when the issuer took it
    (now or before)."""
    db = engine.db
    row = feeds_db.ack_to_send(db, key)
    if row is None:
        return True
    code, body, source, batch_id = row
    issuer = destination(engine, code, source)
    with write(db, durable=True):  # the POST below follows it (docs/operations.md)
        feeds_db.ack_tried(
            db, key, at=engine.at(), error=None if issuer else f"issuer {code!r} is not configured: nowhere to send"
        )
    if issuer is None or engine.is_resting(issuer.name):
        return False
    try:
        await engine.client.post(issuer, "/acks", json.loads(body), key=key)
    except PeerError as exc:
        log.warning("ack %s not delivered: %s", batch_id, exc, extra={"batch_id": batch_id, "issuer": code})
        engine.rest(issuer.name, exc)
        with write(db):
            feeds_db.ack_failed(db, key, redact(str(exc))[:500])
        return False
    with write(db):
        feeds_db.ack_delivered(db, key, at=engine.at())
    return True


async def send_acks(engine: Engine) -> tuple[str, str]:
    """The `send-acks` window: every ack not yet taken, again, with its own key."""
    pending = feeds_db.acks_to_deliver(engine.db)
    limit = asyncio.Semaphore(int(engine.setting("peer_concurrency")))

    async def one(keys: list[str]) -> int:
        async with limit:
            return await deliver_in_order(engine, keys)

    delivered = sum(await asyncio.gather(*(one(keys) for keys in pending.values())))
    total = sum(map(len, pending.values()))
    return ("partial" if delivered < total else "ok"), f"{delivered} of {total} acknowledgements delivered"


async def deliver_in_order(engine: Engine, keys: list[str]) -> int:
    """One batch's versions, oldest first; stops at the first the issuer did not take, so a
    later version never overtakes an earlier one. Returns how many were taken."""
    taken = 0
    for key in keys:
        if not await deliver(engine, key):
            break
        taken += 1
    return taken
