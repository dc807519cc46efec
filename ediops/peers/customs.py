"""Forwarding accepted licences to customs (docs/wire.md): licences are grouped into forwards
whose `Idempotency-Key` (derived from the licences, store.forwards.derived_key) is stored
with the licences it carries before anything is sent; a forward is retried with that same
key until customs answers, also after a crash or on a standby (docs/two-sites.md). A
licence joins a forward only while it has none, so it is never sent under two keys.

Urgent licences go at once (the leader calls `forward_urgent` after each feed poll); the
rest wait for the `forward-customs` window."""

from __future__ import annotations

import asyncio

from ediops.i18n import _
from ediops.clock import parse_instant
from ediops.licensing.customs_answers import record_customs_answer
from ediops.licensing.forward_state import next_try
from ediops.peers.runtime import Engine, log, peer_failed, peer_ok
from ediops.errors import EdiopsError, InputError
from ediops.licensing.licence import add_events
from ediops.peers.client import PeerError
from ediops.secrets import redact
from ediops.store import forwards as forwards_db, licences as licences_db, write

# Two forwards in flight: one's store work (mark sent, record the answer) runs while the
# other's POST waits on customs. Measured in bench/ (forward ratio 0.64 -> 0.9 against a
# bare httpx loop); the store writes stay one at a time (no await inside a transaction).
CONCURRENT_FORWARDS = 2


def _queue(engine: Engine, selection: str, args: list, *, urgent: bool) -> list[str]:
    """Puts the licences of `selection` (store.forwards.to_forward: never one already in a
    forward) into new forwards of at most forward_batch_size licences each."""
    db, at, size = engine.db, engine.at(), int(engine.setting("forward_batch_size"))
    keys = []
    with write(db):
        for key, numbers in forwards_db.to_forward(db, selection, args, size=size):
            forwards_db.add_forward(db, key, numbers, at=at, urgent=urgent)
            keys.append(key)
    return keys


def _due(engine: Engine, attempts: int, last_attempt_at: str | None, urgent: int) -> bool:
    """Backoff between passes for a forward customs has not answered (forward_state.next_try:
    the desk shows the same next try); an urgent one is also due at once when customs has
    answered anything since its last attempt (docs/faults.md: customs recovers)."""
    due = next_try(attempts, last_attempt_at, urgent=bool(urgent))
    if due is None:
        return True
    answered = engine.answered.get("customs")
    if urgent and answered is not None and answered > parse_instant(last_attempt_at):
        return True
    return engine.clock.now() >= due


def _mark_sent(engine: Engine, key: str) -> str:
    """Before the POST: counts the attempt, marks the licences forwarded; returns the body,
    `{"licences": [...]}` made of the records' stored JSON text as is (parsing and dumping
    them again was an eighth of the engine's time in bench/'s forward profile)."""
    db, at = engine.db, engine.at()
    with write(db, durable=True):  # the POST below follows it (docs/operations.md)
        fresh = forwards_db.mark_forwarded(db, key, at=at)
        detail = {"key": key}
        add_events(db, "forwarded", [(number, detail) for number in fresh], at=at, actor="engine")
    records = forwards_db.forward_records(db, key)
    return '{"licences":[' + ",".join(records) + "]}"


async def send(engine: Engine, key: str) -> bool:
    """POSTs one forward (same key as ever) and records customs' answer. True when answered.
    A forward another path is sending is waited for, and counts as that send's answer (the
    window's run history says `partial` only when customs left one unanswered: issue 21)."""
    running = engine.in_flight.get(key)
    if running is not None:
        return await asyncio.shield(running)
    if engine.config.customs is None or engine.is_resting("customs"):
        return False
    status = forwards_db.forward_status(engine.db, key)
    if status is None or status == forwards_db.ANSWERED:
        return status is not None  # answered meanwhile (by another pass)
    answered = asyncio.get_running_loop().create_future()
    engine.in_flight[key] = answered
    result = False
    try:
        result = await _post(engine, key)
        return result
    finally:
        del engine.in_flight[key]
        answered.set_result(result)


async def _post(engine: Engine, key: str) -> bool:
    body = _mark_sent(engine, key)
    try:
        answer = await engine.client.post_text(engine.config.customs, "/licences", body, key=key)
        record_customs_answer(engine.db, key, answer, now=engine.clock.now())
    except (PeerError, InputError) as exc:
        permanent = not getattr(exc, "transient", False)
        peer_failed(engine, "customs", exc)
        with write(engine.db):
            forwards_db.forward_failed(engine.db, key, redact(str(exc))[:500], permanent=permanent)
        return False
    peer_ok(engine, "customs")
    return True


async def send_pending(
    engine: Engine, *, urgent_only: bool = False, keys: list[str] | None = None, include_failed: bool = False
) -> tuple[int, int]:
    """Sends the given forwards, and every unanswered one that is due. Returns (answered, tried).

    A forward customs refused outright (4xx, a malformed answer) is not retried on its own;
    the `forward-customs` window (`include_failed`) tries it again, same key, once the cause
    (a token, customs' software) may have been fixed. CUSTOMS_UNACKED flags it meanwhile."""
    rows = forwards_db.unanswered_forwards(engine.db, include_failed=include_failed, urgent_only=urgent_only)
    fresh = set(keys or ())
    due = [
        k for k, attempts, last, urgent in rows if k in fresh or include_failed or _due(engine, attempts, last, urgent)
    ]
    gate = asyncio.Semaphore(CONCURRENT_FORWARDS)

    async def one(key: str) -> bool:
        async with gate:
            return await send(engine, key)

    answered = sum(await asyncio.gather(*(one(key) for key in due)))
    return answered, len(due)


async def forward_urgent(engine: Engine) -> int:
    """Urgent licences not yet forwarded go now, without waiting for a window."""
    keys = _queue(engine, "urgent", [], urgent=True)
    answered, _failed = await send_pending(engine, urgent_only=True, keys=keys)
    return answered


async def forward_customs(engine: Engine) -> tuple[str, str]:
    """The `forward-customs` window: every accepted licence not yet forwarded, plus retries."""
    keys = _queue(engine, "waiting", [], urgent=False)
    answered, tried = await send_pending(engine, keys=keys, include_failed=True)
    queued = forwards_db.licences_in(engine.db, keys)
    detail = f"{queued} licences in {len(keys)} new forwards; {answered} of {tried} forwards answered"
    return ("ok" if answered == tried else "partial"), detail


async def forward_licence(engine: Engine, licence_no: str) -> str:
    """An operator's urgent forward of one licence (scheduler.request_urgent_forward); for a
    licence customs has not answered, its own key tried again now (never a second key)."""
    keys = _queue(engine, "licence", [licence_no], urgent=True)
    retry = not keys
    if retry:
        licence = licences_db.get(engine.db, licence_no) or {}
        key = licence.get("forward_key")
        if not key or forwards_db.forward_status(engine.db, key) == forwards_db.ANSWERED:
            raise EdiopsError(
                _("licence {licence_no} is {value}: already on its way").format(
                    licence_no=licence_no, value=licence.get("state") or "unknown"
                )
            )
        keys = [key]
    if engine.is_resting("customs"):
        return f"{licence_no}: customs asked the centre to wait (Retry-After); tried again when that ends"
    if not await send(engine, keys[0]):
        log.warning(
            "urgent forward of %s not answered yet; it will be retried with the same key",
            licence_no,
            extra={"licence_no": licence_no, "peer": "customs"},
        )
        return f"{'tried ' + licence_no + ' again' if retry else 'sent ' + licence_no}, no answer yet (will retry)"
    state = licences_db.state(engine.db, licence_no)
    return f"{licence_no} {state} by customs"
