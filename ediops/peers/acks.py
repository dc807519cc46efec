"""Acknowledgements to issuers (contract §4): each is POSTed as soon as its batch is ingested,
under the key `ingest_batch` stored with it, and retried (same key) until the issuer takes it.
ACK_UNDELIVERED is judged by reconcile from `acks.delivered_at`."""

from __future__ import annotations

import asyncio
import json

from ediops.peers.runtime import Engine, log
from ediops.peers.client import PeerError
from ediops.store import write

FEED = "feed "  # batches.source of a polled batch: "feed AA"


def destination(engine: Engine, code: str | None, source: str | None):
    """The issuer an ack goes to: the feed its batch came from, whatever the batch claims."""
    if source and source.startswith(FEED):
        code = source[len(FEED) :]
    return engine.config.issuer(code) if code else None


async def deliver(engine: Engine, batch_id: str) -> bool:
    """POSTs one undelivered ack. True when the issuer took it (now or before)."""
    db = engine.db
    row = db.execute(
        "SELECT a.issuer, a.body, a.idempotency_key, b.source FROM acks a "
        "LEFT JOIN batches b USING (batch_id) WHERE a.batch_id = ? AND a.delivered_at IS NULL",
        [batch_id],
    ).fetchone()
    if row is None:
        return True
    code, body, key, source = row
    issuer = destination(engine, code, source)
    at = engine.at()
    with write(db, durable=True):  # the POST below follows it (contract §14)
        db.execute(
            "UPDATE acks SET attempts = attempts + 1, last_attempt_at = ?, last_error = ? WHERE idempotency_key = ?",
            [at, None if issuer else f"issuer {code!r} is not configured: nowhere to send", key],
        )
    if issuer is None:
        return False
    try:
        await engine.client.post(issuer, "/acks", json.loads(body), key=key)
    except PeerError as exc:
        log.warning("ack %s not delivered: %s", batch_id, exc)
        with write(db):
            db.execute("UPDATE acks SET last_error = ? WHERE idempotency_key = ?", [str(exc), key])
        return False
    with write(db):
        db.execute("UPDATE acks SET delivered_at = ?, last_error = NULL WHERE idempotency_key = ?", [engine.at(), key])
    return True


async def send_acks(engine: Engine) -> tuple[str, str]:
    """The `send-acks` window: every ack not yet taken, again, with its own key."""
    pending = [
        r[0] for r in engine.db.execute("SELECT batch_id FROM acks WHERE delivered_at IS NULL ORDER BY created_at")
    ]
    limit = asyncio.Semaphore(int(engine.setting("peer_concurrency")))

    async def one(batch_id: str) -> bool:
        async with limit:
            return await deliver(engine, batch_id)

    results = await asyncio.gather(*(one(b) for b in pending))
    failed = results.count(False)
    return ("partial" if failed else "ok"), f"{len(pending) - failed} of {len(pending)} acknowledgements delivered"
