"""The scheduler leader: whoever holds the lease runs the windows (APScheduler), the
operators' commands, and the frequent feed pass; everyone else waits for the lease.

APScheduler only says *when*; the run ledger says *whether*: each firing claims its
(window, occurrence) under the lease token, so an occurrence runs once however many
processes fire it. On taking the lease the leader runs, once, each window whose latest
occurrence in the last 24 hours has not run (docs/architecture.md: Processes)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import asyncio
import contextlib
import logging
import os
import socket
import sqlite3
import time
import uuid
from datetime import datetime, timedelta
from typing import Callable

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.base import BaseTrigger

from ediops.alerts.engine import AlertPass
from ediops.alerts.outage import StoreOutage
from ediops.scheduling import lease, windows
from ediops.clock import SHANGHAI, Clock, iso
from ediops.licensing.resend import RESEND
from ediops.monitoring import events, logs
from ediops.monitoring.heartbeat import Pass
from ediops.peers import resends
from ediops.peers.customs import forward_licence
from ediops.peers.runtime import Engine, client_for
from ediops.scheduling.polling import FeedPollers
from ediops.scheduling.jobs import WORK
from ediops.store import health, scheduling as scheduling_db, write
from ediops.store.maintenance import database_path

if TYPE_CHECKING:
    from ediops.config import Config

log = logging.getLogger("ediops.leader")
RENEW_SECONDS = 5.0  # renewing writes; desks refresh on every write, so not every second
COMMAND_SECONDS = 1.0
OUTAGE_BACKOFF_MAX = 30.0  # the longest wait between two tries of a store that cannot write


class ShiftedTrigger(BaseTrigger):
    """A cron trigger read on the process's clock: with `--now` the clock is offset from the
    wall clock, and APScheduler (which sleeps on wall time) fires at the replayed instants."""

    def __init__(self, inner: BaseTrigger, offset: timedelta):
        self.inner, self.offset = inner, offset

    def get_next_fire_time(self, previous_fire_time, now):
        previous = previous_fire_time + self.offset if previous_fire_time else None
        fire = self.inner.get_next_fire_time(previous, now + self.offset)
        return fire - self.offset if fire else None


def new_holder(kind: str = "daemon") -> str:
    return f"{kind}@{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class Leader:
    """One process's bid for leadership, and the work it does while it leads."""

    def __init__(self, db, config: Config, clock: Clock, *, holder: str | None = None):
        self.db, self.config, self.clock = db, config, clock
        self.holder = holder or new_holder()
        self.token: int | None = None
        self.engine = Engine(db, config, clock, client_for(config))
        self.engine.client.fence = self.fence
        self.tasks: set[asyncio.Task] = set()
        self.triggers = {w: windows.trigger(config, w) for w in windows.WINDOWS}
        self.scheduler: AsyncIOScheduler | None = None
        self.pollers = FeedPollers(self.engine, self._spawn)
        self.alerts = AlertPass(self.engine)
        self._alert_task: asyncio.Task | None = None
        self._standing_by = False
        self.outage = StoreOutage(self.alerts.alerts, clock, str(database_path(db)))
        self._outage_task: asyncio.Task | None = None
        self._failures = 0  # renewals that failed in a row while the store cannot write: the backoff
        self._unfinished: list[tuple[str, str, str]] = []  # runs whose end could not be recorded
        self.last_pass: Pass | None = None
        self.on_pass: Callable[[Leader], None] | None = None

    # ---------------------------------------------------------------- lifecycle

    async def run(self, stop: asyncio.Event) -> None:
        """Bids for the lease every couple of seconds until `stop`; leads while it holds it."""
        self._start_scheduler()
        try:
            next_renew = next_alert = 0.0
            loop = asyncio.get_running_loop()
            renew_every = min(RENEW_SECONDS, float(self.engine.setting("lease_seconds")) / 3)
            while not stop.is_set():
                problem, began = None, time.monotonic()
                try:
                    if loop.time() >= next_renew:
                        next_renew = loop.time() + renew_every
                        self._renew()
                        if self.outage.failing:
                            self._store_back()
                    if self.outage.failing:  # only the renewal probes the store, with backoff
                        self._notify_outage()
                    elif self.token is not None:
                        self._take_commands()
                        self.pollers.tick()
                        alert_time = loop.time() >= next_alert or self.alerts.due()  # a step due: at once
                        if alert_time and (self._alert_task is None or self._alert_task.done()):
                            self._alert_task = self._spawn(self.alerts.run(), "alert pass")  # docs/alerts.md
                            next_alert = loop.time() + self.alerts.setting("alert_check_seconds")
                except sqlite3.Error as exc:
                    problem = f"store unavailable: {exc}"
                    if self.store_failed(exc):
                        self._failures += 1
                        next_renew = loop.time() + min(2.0**self._failures, OUTAGE_BACKOFF_MAX)
                    else:  # store busy past its timeout: try again shortly
                        log.warning("leader: store unavailable: %s", exc)
                self.passed(problem or ("the store cannot be written" if self.outage.failing else None), began)
                with contextlib.suppress(asyncio.TimeoutError):
                    nap = COMMAND_SECONDS
                    if (
                        self.token is not None and not self.outage.failing
                    ):  # woken for an alert step or a feed poll due sooner
                        nap = min(self.alerts.seconds_to_due(nap), self.pollers.seconds_to_due(nap))
                    await asyncio.wait_for(stop.wait(), nap)
        finally:
            await self.close()

    def passed(self, problem: str | None, began: float) -> None:
        """One pass of the loop ended (docs/monitoring.md): /healthz, the heartbeat and the
        systemd watchdog follow it through `on_pass`."""
        self.last_pass = Pass(self.holder, time.time(), problem is None, problem, time.monotonic() - began)
        events.leader_pass(self.last_pass.took)
        if self.on_pass is not None:
            self.on_pass(self)

    async def close(self) -> None:
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=False)
            self.scheduler = None
        for task in list(self.tasks):
            task.cancel()
        if self.tasks:
            await asyncio.wait(self.tasks, timeout=5)
        if self.token is not None:
            try:
                lease.release(self.db, self.holder, self.token)
                log.info("lease released by %s", self.holder)
            except sqlite3.Error as exc:  # it expires by itself
                log.warning("lease of %s not released (store: %s): it expires by itself", self.holder, exc)
            self.token = None
        await self.engine.client.aclose()

    # ---------------------------------------------------------------- a store that cannot write

    def store_failed(self, exc: BaseException) -> bool:
        """True when `exc` says the store cannot write (docs/faults.md): noted once, the alert
        sent by the leader; everything but the lease's renewal waits until it can."""
        cause = health.unwritable(exc)
        if cause is None:
            return False
        self.outage.failed(cause, leading=self.token is not None)
        self._notify_outage()
        return True

    def _notify_outage(self) -> None:
        if self.token is not None and (self._outage_task is None or self._outage_task.done()):
            self._outage_task = self._spawn(self.outage.notify(), "store alert")

    def _store_back(self) -> None:
        """The lease was renewed: if the file system has room again, the outage ends, is recorded
        as its alert, the runs it cut off are recorded failed and run again."""
        if health.room(self.outage.path) is not None:
            raise sqlite3.OperationalError("database or disk is full")
        self.outage.recovered()
        self._failures = 0
        self.outage.record(self.db)
        while self._unfinished:
            window, occurrence, detail = self._unfinished[0]
            lease.finish(self.db, window, occurrence, outcome="failed", detail=detail, at=self.clock.iso())
            self._unfinished.pop(0)
        if self.token is not None:
            self._spawn(self.catch_up(), "catch-up")

    def _start_scheduler(self) -> None:
        offset = self.clock.now() - datetime.now(SHANGHAI)
        self.scheduler = AsyncIOScheduler(
            timezone=SHANGHAI, job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None}
        )
        for window, cron in self.triggers.items():
            if cron is not None:
                self.scheduler.add_job(self._fire, ShiftedTrigger(cron, offset), args=[window], id=window, name=window)
        self.scheduler.start(paused=True)

    def fence(self) -> None:
        """Right before every outside effect: raises LeaseLost unless this process still holds
        the lease under its token (docs/faults.md: a frozen leader)."""
        lease.fence(self.db, self.holder, self.token)

    def _spawn(self, coro, what: str) -> asyncio.Task:
        task = asyncio.create_task(coro)
        self.tasks.add(task)

        def done(t: asyncio.Task) -> None:
            self.tasks.discard(t)
            if t.cancelled() or t.exception() is None:
                return
            if isinstance(t.exception(), lease.LeaseLost):
                log.warning("%s stopped, nothing sent: %s", what, t.exception())
            elif not self.store_failed(t.exception()):
                log.error("%s failed: %r", what, t.exception(), exc_info=t.exception())

        task.add_done_callback(done)
        return task

    def _renew(self) -> None:
        token = lease.acquire(
            self.db,
            self.holder,
            at=self.clock.iso(),
            ttl=float(self.engine.setting("lease_seconds")),
            durable=self.outage.failing,
        )
        if token is not None and self.token != token:
            log.info("leader: %s took the lease (token %s)", self.holder, token)
            self.token = token
            self.scheduler.resume()
            for window, occurrence, dead in lease.fail_interrupted(self.db, token=token, at=self.clock.iso()):
                log.warning(
                    "run window=%s occurrence=%s of %s was interrupted: marked failed", window, occurrence, dead
                )
            self._spawn(self.catch_up(), "catch-up")
        elif token is None and self.token is not None:
            log.warning("leader: %s lost the lease", self.holder)
            self.token = None
            self.scheduler.pause()
        elif token is None and not self._standing_by:
            holder = scheduling_db.lease(self.db)
            log.info("standing by: the lease is held by %s", holder[0] if holder else "another process")
        self._standing_by = token is None

    # ---------------------------------------------------------------- windows

    async def _fire(self, window: str) -> None:
        """An APScheduler firing: the occurrence is the latest fire time on our clock. While the
        store cannot write it is left to the catch-up that follows the store's return."""
        occurrence = windows.latest_occurrence(self.triggers[window], self.clock.now() + timedelta(seconds=1))
        if occurrence is not None and self.token is not None and not self.outage.failing:
            try:
                await self.run_occurrence(window, iso(occurrence), scheduled=True)
            except sqlite3.Error as exc:
                if not self.store_failed(exc):
                    raise
            except asyncio.CancelledError:  # the daemon stops: the next leader runs it again
                log.info("window %s stopped with the daemon", window)

    async def catch_up(self) -> None:
        """Each window whose latest occurrence of the last 24 h has not run (or whose run was
        interrupted by its leader's death) runs once now."""
        now = self.clock.now()
        for window, cron in self.triggers.items():
            occurrence = windows.latest_occurrence(cron, now) if cron else None
            if occurrence is None:
                continue
            ran = scheduling_db.run_state(self.db, window, iso(occurrence))
            if ran == "done":
                continue
            note = "run again: its leader died mid-run" if ran == "interrupted" else "missed while no leader ran"
            await self.run_occurrence(window, iso(occurrence), scheduled=True, note=note)

    async def run_occurrence(
        self, window: str, occurrence: str, *, scheduled: bool, note: str | None = None
    ) -> tuple[str, str] | None:
        """Claims and runs one occurrence. None when it was not ours to run."""
        with logs.context(window=window):  # every line of the run says its window
            return await self._run_occurrence(window, occurrence, scheduled=scheduled, note=note)

    async def _run_occurrence(
        self, window: str, occurrence: str, *, scheduled: bool, note: str | None
    ) -> tuple[str, str] | None:
        if self.token is None:
            return None
        try:
            if not lease.claim(self.db, window, occurrence, holder=self.holder, token=self.token, at=self.clock.iso()):
                return None
        except lease.LeaseLost:
            return None
        log.info(
            "run window=%s occurrence=%s holder=%s token=%s%s",
            window,
            occurrence,
            self.holder,
            self.token,
            f" ({note})" if note else "",
        )
        paused = scheduling_db.paused_by(self.db, window)
        if scheduled and paused:
            outcome, detail = "skipped", f"paused by {paused}"
        else:
            async with self.engine.locks[f"window {window}"]:
                try:
                    outcome, detail = await WORK[window](self.engine)
                except lease.LeaseLost as exc:  # fenced mid-run: the next leader runs it again
                    log.warning("window %s stopped, nothing more sent: %s", window, exc)
                    outcome, detail = "failed", f"lease lost mid-run: {exc}"
                except Exception as exc:
                    if self.store_failed(exc):  # logged once; recorded failed and run again once it can write
                        self._unfinished.append((window, occurrence, f"the store could not write: {exc}"))
                        raise
                    # one window's failure must not stop the leader
                    log.exception("window %s failed", window)
                    outcome, detail = "failed", f"{type(exc).__name__}: {exc}"
        if note:
            detail = f"{detail} ({note})"
        lease.finish(self.db, window, occurrence, outcome=outcome, detail=detail, at=self.clock.iso())
        events.window_run(window, outcome)
        log.info("done window=%s occurrence=%s outcome=%s: %s", window, occurrence, outcome, detail)
        return outcome, detail

    # ---------------------------------------------------------------- commands

    def _take_commands(self) -> None:
        """Operators' requests: taken under the lease, each run as its own task."""
        if not scheduling_db.has_commands_for(self.db, self.holder):
            return
        at = self.clock.iso()
        with write(self.db):
            try:
                lease.check(self.db, self.holder, self.token)
            except lease.LeaseLost:
                return
            rows = scheduling_db.take_commands(self.db, self.holder, at=at)
        for command_id, window, action, subject in rows:
            self._spawn(self.run_command(command_id, window, action, subject), f"command {command_id}")

    async def run_command(self, command_id: int, window: str, action: str, subject: str | None) -> str:
        if action in (windows.FORWARD_LICENCE, RESEND):
            try:
                if action == RESEND:
                    outcome = await resends.run(self.engine, int(subject))
                else:
                    outcome = await forward_licence(self.engine, subject)
            except Exception as exc:  # reported on the command, for the operator who asked
                outcome = f"failed: {exc}"
        elif action == windows.RUN and window in WORK:
            result = await self.run_occurrence(window, f"manual:{command_id}", scheduled=False)
            outcome = f"{result[0]}: {result[1]}" if result else "not run (taken over by another leader)"
        else:
            outcome = f"failed: unknown command {action} {window}"
        with write(self.db):
            scheduling_db.command_done(self.db, command_id, at=self.clock.iso(), outcome=outcome)
        return outcome
