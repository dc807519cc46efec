"""`ediops daemon`: the scheduler leader without a screen (under systemd in production).
Stops cleanly on SIGTERM/SIGINT: running work is cancelled, the lease released at once so
another process can lead, the HTTP client closed."""

from __future__ import annotations

from typing import TYPE_CHECKING

import asyncio
import logging
import signal

from ediops.monitoring import heartbeat, logs
from ediops.monitoring.systemd import Notifier
from ediops.scheduling import lease
from ediops.scheduling.leader import Leader, new_holder
from ediops.store import scheduling as scheduling_db
from ediops.store.maintenance import database_path

if TYPE_CHECKING:
    from ediops.config import Config
    from ediops.store import Database

log = logging.getLogger("ediops.daemon")


async def _lead(db: Database, config: Config, clock, holder: str, on_start=None) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        loop.add_signal_handler(sig, stop.set)
    leader = Leader(db, config, clock, holder=holder)
    notifier = Notifier()
    beat = heartbeat.Beat(heartbeat.path_for(database_path(db)), log)

    def passed(leader: Leader) -> None:
        """A pass ended: the heartbeat (while leading) and systemd's watchdog hear of it."""
        if leader.token is not None:
            beat(leader.last_pass)
        notifier.passed(f"leading (token {leader.token})" if leader.token is not None else "standing by")

    leader.on_pass = passed
    if on_start is not None:
        on_start(leader)
    log.info("daemon %s started (clock %s)", holder, clock.iso())
    try:
        await leader.run(stop)
    finally:
        notifier.stopping()
    log.info("daemon %s stopped", holder)


def check_tokens(config: Config) -> int:
    """Each peer's token read once at start (docs/safeguards.md): a bad one is one line naming its
    file or variable, never its value; that peer then fails on its own, the others go on."""
    from ediops.errors import InputError

    bad = 0
    for peer in (config.customs, config.ministry, *config.issuers, *config.bureaus):
        if peer is None:
            continue
        try:
            peer.token()
        except InputError as exc:
            log.error("configuration: %s", exc)
            bad += 1
    return bad


def run_daemon(ctx, on_start=None) -> int:
    """`on_start(leader)` runs once the leader exists, before its first pass (the metrics port)."""
    logs.setup()
    check_tokens(ctx.config)
    asyncio.run(_lead(ctx.db, ctx.config, ctx.clock, new_holder("daemon"), on_start))
    return 0


def run_here(ctx, command_id: int) -> str | None:
    """Runs a queued command in this process when no leader holds the lease (`ediops run`).
    Returns its outcome, or None when a leader exists after all (it will pick it up)."""
    outcomes = run_all_here(ctx, [command_id])
    return None if outcomes is None else outcomes[0]


def run_all_here(ctx, command_ids: list[int]) -> list[str] | None:
    """`run_here` for several commands under one lease (a desk's bulk resend); `ctx` needs
    db, config and clock. None when a leader holds the lease (it picks them up)."""

    async def go() -> list[str] | None:
        leader = Leader(ctx.db, ctx.config, ctx.clock, holder=new_holder("run"))
        token = lease.acquire(ctx.db, leader.holder, at=ctx.clock.iso())
        if token is None:
            await leader.engine.client.aclose()
            return None
        leader.token = token

        async def renew():
            while True:
                await asyncio.sleep(2)
                lease.acquire(ctx.db, leader.holder, at=ctx.clock.iso())

        renewing = asyncio.create_task(renew())
        try:
            outcomes = []
            for command_id in command_ids:
                command = scheduling_db.command(ctx.db, command_id)
                assert command is not None, f"command {command_id} was queued in this process"
                outcomes.append(
                    await leader.run_command(command_id, command["window"], command["action"], command["subject"])
                )
            try:  # holding the lease it is the leader: alerts follow what the run found (docs/alerts.md)
                await leader.alerts.run()
            except Exception:  # the commands' outcomes stand whatever the alert pass meets
                log.exception("alert pass after commands %s failed", command_ids)
            return outcomes
        finally:
            renewing.cancel()
            await leader.close()

    return asyncio.run(go())


def run_unless_led(db, config, clock, command_ids: list[int]) -> list[str] | None:
    """For a desk: runs queued commands (its resends) in this process when no leader holds the
    lease, like `ediops resend`; None when a leader does (it picks them up within seconds)."""
    from types import SimpleNamespace

    from ediops.scheduling.windows import leader_status

    if leader_status(db, now=clock.now())["healthy"]:
        return None
    return run_all_here(SimpleNamespace(db=db, config=config, clock=clock), command_ids)
