"""Write-offs (contract §6): pulled from customs page by page (`GET /writeoffs?after=CURSOR`),
applied by the foundation's `apply_writeoffs` in the same transaction as the cursor move,
then passed on to the ministry licence bureau in relays whose key is stored first."""

from __future__ import annotations

import json
import uuid

from ediops.peers.runtime import Engine, follow, log, peer_failed, peer_ok, set_cursor
from ediops.licensing.writeoffs import apply_writeoffs
from ediops.peers.client import PeerError
from ediops.store import write

CURSOR = "customs writeoffs"


async def pull(engine: Engine) -> dict:
    """Everything new from customs. Raises PeerError when customs fails."""
    totals = {"received": 0, "stored": 0, "duplicates": 0, "invalid": 0}

    async def store(records: list, next_cursor: str) -> None:
        with write(engine.db):
            counts = apply_writeoffs(engine.db, engine.config, records, now=engine.clock.now(), source="customs")
            set_cursor(engine, CURSOR, next_cursor)
        for name in totals:
            totals[name] += counts.get(name, 0)

    await follow(engine, engine.config.customs, "/writeoffs", "records", CURSOR, store)
    return totals


def _queue(engine: Engine) -> None:
    db, at, size = engine.db, engine.at(), int(engine.setting("relay_batch_size"))
    with write(db):
        ids = [r[0] for r in db.execute("SELECT id FROM writeoffs WHERE relay_key IS NULL ORDER BY id")]
        for start in range(0, len(ids), size):
            chunk, key = ids[start : start + size], str(uuid.uuid4())
            db.execute(
                "INSERT INTO relays (idempotency_key, created_at, record_count) VALUES (?, ?, ?)", [key, at, len(chunk)]
            )
            db.conn.executemany("UPDATE writeoffs SET relay_key = ? WHERE id = ?", [(key, i) for i in chunk])


async def _send(engine: Engine, key: str) -> bool:
    db = engine.db
    with write(db, durable=True):  # the POST below follows it (contract §14)
        db.execute(
            "UPDATE relays SET attempts = attempts + 1, last_attempt_at = ? WHERE idempotency_key = ?",
            [engine.at(), key],
        )
    records = [
        json.loads(r[0]) for r in db.execute("SELECT record FROM writeoffs WHERE relay_key = ? ORDER BY id", [key])
    ]
    try:
        await engine.client.post(engine.config.ministry, "/writeoffs", {"records": records}, key=key)
    except PeerError as exc:
        peer_failed(engine, "ministry", exc)
        with write(db):
            db.execute(
                "UPDATE relays SET last_error = ?, status = ? WHERE idempotency_key = ?",
                [str(exc), "pending" if exc.transient else "failed", key],
            )
        return False
    at = engine.at()
    with write(db):
        db.execute(
            "UPDATE relays SET status = 'delivered', delivered_at = ?, last_error = NULL WHERE idempotency_key = ?",
            [at, key],
        )
        db.execute("UPDATE writeoffs SET relayed_at = ? WHERE relay_key = ?", [at, key])
    peer_ok(engine, "ministry")
    return True


async def relay(engine: Engine) -> tuple[int, int]:
    """Passes every write-off not yet delivered to the ministry, each relay under its own key
    however often it is tried (a refused one too, once its cause may be fixed).
    Returns (delivered, tried) relays."""
    if engine.config.ministry is None:
        return 0, 0
    _queue(engine)
    keys = [
        r[0]
        for r in engine.db.execute(
            "SELECT idempotency_key FROM relays WHERE status IN ('pending', 'failed') ORDER BY created_at"
        )
    ]
    delivered = 0
    for key in keys:
        delivered += await _send(engine, key)
    return delivered, len(keys)


async def pull_writeoffs(engine: Engine) -> tuple[str, str]:
    """The `pull-writeoffs` window: pull, apply the rules, pass releases on."""
    outcome, parts = "ok", []
    if engine.config.customs is not None:
        try:
            totals = await pull(engine)
            peer_ok(engine, "customs")
            parts.append(
                f"{totals['stored']} new write-offs ({totals['duplicates']} repeats, {totals['invalid']} invalid)"
            )
        except PeerError as exc:
            peer_failed(engine, "customs", exc)
            log.warning("pull-writeoffs: %s", exc)
            outcome, parts = "partial", [f"customs: {exc}"]
    delivered, tried = await relay(engine)
    parts.append(f"{delivered} of {tried} relays delivered to the ministry")
    return ("ok" if outcome == "ok" and delivered == tried else "partial"), "; ".join(parts)
