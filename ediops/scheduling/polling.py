"""The leader's feeds between windows (docs/safeguards.md: isolated peers): every issuer is polled
on a timer of its own, and urgent licences go to customs on a path of their own, so a slow,
failing or hostile issuer delays nobody else and never the urgent path.

Each issuer's poll is its own task, started again `interval` seconds after the last one
ended (settings: feed_poll_seconds, or `[feed_poll_seconds_by_issuer]` for one issuer); a
poll still running is never doubled. As soon as any poll stores a page, urgent forwarding
runs (and again if more pages came in meanwhile); it also runs every feed_poll_seconds to
retry unanswered forwards."""

from __future__ import annotations

import asyncio
from typing import Callable

from ediops.peers import customs, feeds
from ediops.peers.runtime import Engine


class FeedPollers:
    def __init__(self, engine: Engine, spawn: Callable[[object, str], asyncio.Task]):
        self.engine, self.spawn = engine, spawn
        self.polls: dict[str, asyncio.Task] = {}
        self.due: dict[str, float] = {}
        self.urgent: asyncio.Task | None = None
        self.urgent_due = 0.0
        self.urgent_wanted = False

    def interval(self, code: str) -> float:
        by_issuer = self.engine.setting("feed_poll_seconds_by_issuer") or {}
        return float(by_issuer.get(code, self.engine.setting("feed_poll_seconds")))

    def seconds_to_due(self, at_most: float) -> float:
        """Seconds until the next poll not running falls due (at most `at_most`), so the leader
        starts it on time rather than at its next wake-up a second later (issue 14: urgent p95)."""
        now = asyncio.get_running_loop().time()
        waiting = [
            self.due.get(i.code, 0.0) - now
            for i in self.engine.config.issuers
            if (task := self.polls.get(i.code)) is None or task.done()
        ]
        return max(0.0, min([at_most, *waiting]))

    def tick(self) -> None:
        """Starts each poll that is due and not running, and the urgent path when due."""
        now = asyncio.get_running_loop().time()
        for issuer in self.engine.config.issuers:
            running = self.polls.get(issuer.code)
            if (running is None or running.done()) and now >= self.due.get(issuer.code, 0.0):
                self.polls[issuer.code] = self.spawn(self._poll(issuer), f"poll of issuer {issuer.code}")
        if now >= self.urgent_due:
            self.urgent_due = now + float(self.engine.setting("feed_poll_seconds"))
            self.kick()

    async def _poll(self, issuer) -> dict:
        try:
            return await feeds.poll_issuer(self.engine, issuer, on_page=self.kick)
        finally:
            self.due[issuer.code] = asyncio.get_running_loop().time() + self.interval(issuer.code)

    def kick(self) -> None:
        """Urgent forwarding now, or once more right after the run in progress."""
        self.urgent_wanted = True
        if self.urgent is None or self.urgent.done():
            self.urgent = self.spawn(self._forward(), "urgent forwarding")

    async def _forward(self) -> None:
        while self.urgent_wanted:
            self.urgent_wanted = False
            self.engine.fence()
            await customs.forward_urgent(self.engine)
            await customs.send_pending(self.engine)

    def cancel(self) -> None:
        for task in [*self.polls.values(), self.urgent]:
            if task is not None:
                task.cancel()
