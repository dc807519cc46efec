"""`ediops demo`: simulated peers and a scheduler leader around the desk, on a fresh data
file (or the one `--db` names), with random peer tokens; everything started here is
stopped on exit. The children log to files next to the data file, not to the screen."""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from datetime import time as time_of_day
from pathlib import Path
from typing import Iterator

from ediops.alerts import demo as demo_alerts
from ediops.clock import SHANGHAI, Clock
from ediops.errors import EdiopsError

DEMO_FAULTS = ("hostile-text", "truncated", "conflicting-resends", "writeoff-anomalies")
READY_SECONDS = 20
# What quitting a demo's desk stops (the desk asks first: issue 24, item 9).
STOPS = "the demo's scheduler leader and simulated peers stop with this desk"
OFFICE_HOURS = (time_of_day(9, 30), time_of_day(17, 30))
REPLAY_AT = time_of_day(10, 30)


def office_hours_clock(clock: Clock) -> Clock:
    """The simulated issuers work office hours (urgent licences 08:30-17:30, Shanghai). Outside
    them a demo on real time would show an empty desk, so it replays today from 10:30 instead,
    on a running clock; a `--now` given by the operator is always kept."""
    if clock.replayed:
        return clock
    now = clock.now()
    if OFFICE_HOURS[0] <= now.time() <= OFFICE_HOURS[1]:
        return clock
    return Clock(datetime.combine(now.date(), REPLAY_AT, tzinfo=SHANGHAI), frozen=False)


def _tokens(config) -> None:
    """A random bearer token for every peer read from the environment, for this demo only."""
    peers = [config.customs, config.ministry, *config.issuers, *config.bureaus]
    for peer in peers:
        if peer is not None and peer.token_env and not os.environ.get(peer.token_env):
            os.environ[peer.token_env] = secrets.token_urlsafe(16)


def _start(
    name: str, args: list[str], ctx, folder: Path, config_dir: Path | None = None
) -> tuple[subprocess.Popen, Path]:
    argv = [sys.executable, "-m", "main", *args]
    if config_dir or ctx.config_dir:
        argv += ["--config", str(config_dir or ctx.config_dir)]
    if ctx.clock.replayed:
        argv += ["--now", ctx.clock.iso()]
    log = folder / f"{name}.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            cwd=Path(__file__).resolve().parent.parent,
        )
    return proc, log


def _wait_for(proc: subprocess.Popen, log: Path, text: str, what: str, *, required: bool) -> None:
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if text in log.read_text(encoding="utf-8", errors="replace"):
            return
        if proc.poll() is not None:
            break
        time.sleep(0.1)
    if required:
        tail = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-3:]
        raise EdiopsError(f"demo: the {what} did not start ({' / '.join(tail) or 'no output'}); log: {log}")


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def _leave(signum, frame) -> None:
    """The terminal closed (SIGHUP) or SIGTERM came before the desk was up: unwind, so the
    `finally` below stops the children (they run in sessions of their own)."""
    raise SystemExit(128 + signum)


@contextlib.contextmanager
def demo_session(ctx, faults: tuple[str, ...] = ()) -> Iterator[Path]:
    """Starts the simulator (with `faults`, the simulator's switches, besides the demo's own)
    and a leader for the desk; yields the data file; stops both."""
    scratch = None
    if ctx.db_path is None:
        scratch = Path(tempfile.mkdtemp(prefix="ediops-demo-"))
        ctx.db_path = scratch / "ediops.db"
    folder = scratch or ctx.db_path.parent
    ctx.clock = office_hours_clock(ctx.clock)
    _tokens(ctx.config)
    started: list[subprocess.Popen] = []
    previous = {sig: signal.signal(sig, _leave) for sig in (signal.SIGHUP, signal.SIGTERM)}
    try:
        switches = [arg for fault in (*DEMO_FAULTS, *faults) for arg in ("--fault", fault)]
        sim, sim_log = _start("demo-simulator", ["simulate", *switches], ctx, folder)
        started.append(sim)
        _wait_for(sim, sim_log, "simulator ready", "simulator", required=True)
        leader_config = demo_alerts.prepare(ctx.config, ctx.config_dir, folder)  # channels: the sink
        leader, leader_log = _start("demo-daemon", ["daemon", "--db", str(ctx.db_path)], ctx, folder, leader_config)
        started.append(leader)
        _wait_for(leader, leader_log, "took the lease", "scheduler leader", required=False)
        yield ctx.db_path
    finally:
        for sig in previous:  # leaving anyway: nothing may cut the clean-up short
            signal.signal(sig, signal.SIG_IGN)
        for proc in reversed(started):
            _stop(proc)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
