"""What every piece of engine work needs: the store, config, clock and the one peer client,
plus the record of each peer's health that FEED_UNREACHABLE is judged from."""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING

from ediops.clock import Clock, iso, parse_instant
from ediops.config import Config
from ediops.strict_json import fault, own_fault
from ediops.peers.client import PeerClient, PeerError
from ediops.secrets import redact
from ediops.store import feeds as feeds_db, write

if TYPE_CHECKING:
    from ediops.store import Database

log = logging.getLogger("ediops.engine")
OK_REFRESH = timedelta(minutes=1)
MAX_PAGES = 1000  # a feed that never stops paging is a broken feed, not a busy one

# Engine settings (settings.toml) and their defaults.
DEFAULTS = {
    "feed_poll_seconds": 1,  # each issuer polled this long after its last poll: urgent licences go at once
    "forward_batch_size": 500,  # licences per POST to customs
    "peer_concurrency": 8,  # issuers polled at the same time
    "peer_attempts": 4,  # tries per call on timeouts, connection errors and 5xx
    "lease_seconds": 15,  # a leader that stops renewing is replaced after this
    "peer_deadline_seconds": 30,  # a whole call to a peer, retries included, however it dribbles
    "peer_max_answer_bytes": 8 * 1024 * 1024,  # a peer's answer
    "peer_rest_max_seconds": 900,  # the longest a peer's Retry-After keeps the centre away
}


@dataclass
class Engine:
    db: Database
    config: Config
    clock: Clock
    client: PeerClient
    locks: dict = field(default_factory=lambda: defaultdict(asyncio.Lock))
    in_flight: dict = field(default_factory=dict)  # forward key -> future of its send's answer
    resting: dict = field(default_factory=dict)  # peer -> loop time its Retry-After ends
    answered: dict = field(default_factory=dict)  # peer -> clock instant of its last good answer

    def rest(self, peer: str, error: PeerError) -> None:
        """A peer that said `Retry-After` is left alone that long, at most peer_rest_max_seconds."""
        if error.retry_after:
            wait = min(error.retry_after, float(self.setting("peer_rest_max_seconds")))
            self.resting[peer] = asyncio.get_running_loop().time() + wait

    def is_resting(self, peer: str) -> bool:
        until = self.resting.get(peer)
        return until is not None and asyncio.get_running_loop().time() < until

    def fence(self) -> None:
        """Raises LeaseLost when this process no longer leads (the client's hook, before every POST)."""
        if self.client.fence is not None:
            self.client.fence()

    def setting(self, name: str):
        return self.config.settings.get(name, DEFAULTS.get(name))

    def at(self) -> str:
        return iso(self.clock.now())


def client_for(config: Config) -> PeerClient:
    setting = lambda name: config.settings.get(name, DEFAULTS[name])  # noqa: E731
    return PeerClient(
        attempts=int(setting("peer_attempts")),
        deadline=float(setting("peer_deadline_seconds")),
        max_body=int(setting("peer_max_answer_bytes")),
    )


def peer_ok(engine: Engine, peer: str) -> bool:
    """Records a good call; a healthy peer's row is refreshed once a minute, not on every poll,
    since each write makes every desk refresh. True when the peer was failing until now (what
    waited on it goes at once: docs/faults.md)."""
    now = engine.clock.now()
    engine.answered[peer] = now
    row = feeds_db.peer_health(engine.db, peer)
    if row and row[0] and row[1] is None and now - parse_instant(row[0]) < OK_REFRESH:
        return False
    at = iso(now)
    with write(engine.db):
        feeds_db.peer_ok(engine.db, peer, at=at)
    return bool(row and row[1] is not None)


def peer_failed(engine: Engine, peer: str, error: Exception) -> None:
    """Logs the failure and starts (or continues) the peer's failing period; the text stored
    is redacted like the log (docs/safeguards.md)."""
    log.warning("peer call failed: %s", error, extra={"peer": peer})
    if isinstance(error, PeerError):
        engine.rest(peer, error)
    text = redact(str(error))[:500]
    at = engine.at()
    with write(engine.db):
        feeds_db.peer_failed(engine.db, peer, text, at=at)


def cursor(engine: Engine, peer: str) -> str | None:
    return feeds_db.cursor(engine.db, peer)


def set_cursor(engine: Engine, peer: str, value: str) -> None:
    """Call inside the write that stored what the cursor moves past."""
    feeds_db.set_cursor(engine.db, peer, value, at=engine.at())


MAX_CURSOR_CHARS = 200


async def follow(engine: Engine, peer, path: str, field: str, cursor_name: str, store, skip=None) -> list:
    """Pages a `GET path?after=CURSOR` feed (docs/peers.md) to its end. `await store(items, next)`
    must keep the items and move the cursor in one write; its results are returned. A page
    that cannot be used but says where to go next is `skip(problem, answer, next)`-ed when the
    caller gives `skip` (recorded, flagged, passed: docs/safeguards.md), else it fails the feed.
    Raises PeerError for a failing peer or an answer with no usable `next`."""
    results = []
    for _ in range(MAX_PAGES):
        after = cursor(engine, cursor_name)
        answer = await engine.client.get(peer, path, params={"after": after} if after else None)
        shape = f'GET {path}: answer is not {{"{field}": [...], "next": CURSOR}}'
        if not isinstance(answer, dict):
            raise PeerError(peer.name, shape, transient=False)
        raw_next = answer.get("next")
        if (
            not isinstance(raw_next, (str, int))
            or isinstance(raw_next, bool)
            or fault(raw_next)
            or len(str(raw_next)) > MAX_CURSOR_CHARS
        ):
            raise PeerError(peer.name, f"{shape} (no usable next)", transient=False)
        items, next_cursor = answer.get(field), str(raw_next)
        problem = own_fault(answer, besides=(field,)) or (None if isinstance(items, list) else shape)
        if problem:
            if skip is None:
                raise PeerError(peer.name, f"GET {path}: {problem}", transient=False)
            if next_cursor == after:  # recorded once; the feed is failing until it moves
                raise PeerError(peer.name, f"GET {path}: {problem} (and next does not move)", transient=False)
            results.append(skip(problem, answer, next_cursor))
            continue
        if not items and next_cursor == after:
            break
        engine.fence()  # a leader that lost its lease while the GET was out stores nothing
        results.append(await store(items, next_cursor))
        if not items:
            break
    return results
