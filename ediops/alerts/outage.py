"""STORE_UNWRITABLE (docs/faults.md): the store cannot write (a full disk, a read-only file
system, an I/O error), so the alert cannot go the usual way (an intent committed before it
is sent). The leader sends it straight through the channels of the rules that name it, step
by step while the store stays unwritable, and records it (closed) once the store can write.

One log line when the store fails and one when it recovers; what failed in between is not
logged again."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ediops.alerts import STORE_UNWRITABLE, channels
from ediops.clock import iso
from ediops.store import alerts as alerts_db, write
from ediops.text import clean

log = logging.getLogger("ediops.store")


@dataclass
class Outage:
    """One period in which the store could not write."""

    since: datetime
    cause: str
    sends: list[dict] = field(default_factory=list)  # {rule, step, channel, due_at, attempts}
    ended: datetime | None = None
    leading: bool = False  # this process led during it: its alert is this process's to record


class StoreOutage:
    """The leader's view of its store's health, and the alert that goes with it."""

    def __init__(self, alerts, clock, path: str):
        self.alerts, self.clock, self.path = alerts, clock, path
        self.current: Outage | None = None
        self.unrecorded: list[Outage] = []

    @property
    def failing(self) -> bool:
        return self.current is not None

    def failed(self, cause: str, *, leading: bool) -> None:
        """The store could not write: logged (and the alert started) the first time only."""
        if self.current is None:
            self.current = Outage(self.clock.now(), cause)
            log.error("store %s cannot write: %s; retrying with backoff, alert %s", self.path, cause, STORE_UNWRITABLE)
        self.current.leading |= leading

    def recovered(self) -> None:
        if self.current is None:
            return
        outage, self.current = self.current, None
        outage.ended = self.clock.now()
        log.info("store %s writable again after %s", self.path, outage.ended - outage.since)
        if outage.leading:  # a standby's outage is the leader's alert, recorded once
            self.unrecorded.append(outage)

    async def notify(self) -> None:
        """Each step of each rule naming STORE_UNWRITABLE that fell due since the outage began."""
        outage = self.current
        if outage is None:
            return
        now = self.clock.now()
        for rule in self.alerts.rules:
            if STORE_UNWRITABLE not in rule.codes:
                continue
            for number, step in enumerate(rule.steps, 1):
                due = outage.since + timedelta(minutes=step.after_minutes)
                if due > now:
                    continue
                for name in step.notify:
                    if any(
                        s["rule"] == rule.key and s["step"] == number and s["channel"] == name for s in outage.sends
                    ):
                        continue
                    outage.sends.append(
                        {"rule": rule.key, "step": number, "channel": name, "due_at": iso(due), "attempts": []}
                    )
                    await self._send(outage, outage.sends[-1])

    async def _send(self, outage: Outage, send: dict) -> None:
        channel = self.alerts.channels.get(send["channel"])
        url = channel.resolve() if channel else None
        if url is None:
            return
        title = f"ediops: {STORE_UNWRITABLE} {self.path}"
        body = (
            f"The store {self.path} cannot write since {outage.since:%Y-%m-%d %H:%M:%S}: {clean(outage.cause)}.\n"
            "Nothing is acknowledged or sent meanwhile; everything waiting goes on once it can write again."
        )
        outcome = await channels.deliver(url, title, body, now=self.clock.iso)
        send["attempts"] = outcome.attempts

    def record(self, db) -> None:
        """Outages that ended, recorded as closed alerts with what was sent (raises if the store
        still cannot write: they wait for the next time)."""
        while self.unrecorded:
            outage = self.unrecorded[0]
            with write(db):
                for rule in {s["rule"] for s in outage.sends} or {None}:
                    alerts_db.record_sent(
                        db,
                        {
                            "rule": rule or STORE_UNWRITABLE,
                            "code": STORE_UNWRITABLE,
                            "subject": f"store:{self.path}",
                            "detail": {"cause": outage.cause},
                            "since": iso(outage.since),
                            "status": "closed",
                            "opened_at": iso(outage.since),
                            "closed_at": iso(outage.ended or self.clock.now()),
                            "steps_sent": len({s["step"] for s in outage.sends if s["rule"] == rule}),
                        },
                        [s for s in outage.sends if s["rule"] == rule],
                    )
            self.unrecorded.pop(0)
