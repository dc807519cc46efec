"""Write-offs (docs/wire.md): pulled from customs page by page (`GET /writeoffs?after=CURSOR`),
applied by the foundation's `apply_writeoffs` in the same transaction as the cursor move,
then passed on to the ministry licence bureau, one relay per record under a key derived from
it (store.forwards.queue_relays), stored first."""

from __future__ import annotations

from ediops.peers.runtime import Engine, follow, log, peer_failed, peer_ok, set_cursor
from ediops.licensing.writeoffs import apply_writeoffs
from ediops.peers.client import PeerError
from ediops.secrets import redact
from ediops.store import forwards as forwards_db, write

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
    with write(engine.db):
        forwards_db.queue_relays(engine.db, at=engine.at())


async def _send(engine: Engine, key: str) -> bool:
    db = engine.db
    with write(db, durable=True):  # the POST below follows it (docs/operations.md)
        forwards_db.relay_attempt(db, key, at=engine.at())
    records = forwards_db.relay_records(db, key)
    try:
        await engine.client.post(engine.config.ministry, "/writeoffs", {"records": records}, key=key)
    except PeerError as exc:
        peer_failed(engine, "ministry", exc)
        with write(db):
            forwards_db.relay_failed(db, key, redact(str(exc))[:500], transient=exc.transient)
        return False
    at = engine.at()
    with write(db):
        forwards_db.relay_delivered(db, key, at=at)
    peer_ok(engine, "ministry")
    return True


async def relay(engine: Engine) -> tuple[int, int]:
    """Passes every write-off not yet delivered to the ministry, each relay under its own key
    however often it is tried (a refused one too, once its cause may be fixed).
    Returns (delivered, tried) relays."""
    if engine.config.ministry is None:
        return 0, 0
    _queue(engine)
    keys = forwards_db.relays_to_send(engine.db)
    delivered = 0
    for key in keys:
        if engine.is_resting("ministry"):
            break
        delivered += await _send(engine, key)
    return delivered, len(keys)


async def pull_writeoffs(engine: Engine) -> tuple[str, str]:
    """The `pull-writeoffs` window: pull, apply the rules, pass releases on."""
    outcome, parts = "ok", []
    if engine.config.customs is not None and not engine.is_resting("customs"):
        try:
            totals = await pull(engine)
            peer_ok(engine, "customs")
            parts.append(
                f"{totals['stored']} new write-offs ({totals['duplicates']} repeats, {totals['invalid']} invalid)"
            )
        except PeerError as exc:
            peer_failed(engine, "customs", exc)
            log.warning("pull-writeoffs: %s", exc)
            outcome, parts = "partial", [str(exc)]  # PeerError names its peer: "customs: GET ..."
    delivered, tried = await relay(engine)
    parts.append(f"{delivered} of {tried} relays delivered to the ministry")
    return ("ok" if outcome == "ok" and delivered == tried else "partial"), "; ".join(parts)
