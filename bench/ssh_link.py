"""`ssh_link`: the desk as a port office gets it. `ssh -tt` in an 80x24 tmux terminal, through
a slow link (bench/link.py: 300 ms round trip, 64 kbit/s each way) to a real sshd on loopback
whose ForceCommand runs the desk (as tests/e2e/test_desk_ssh.py does), while a busy day goes
on in the store (an urgent licence through the real ingest every URGENT_EVERY_S, a hotline
call every TICKET_EVERY_S).

- bytes_per_min: what the link carried towards the terminal while the operator only watched.
- keypress latency: from `tmux send-keys` to the first capture showing the key's effect, for
  keys that filter the focused pane (`/`, then characters and backspaces: the pane's rows, its
  note and the input line change); minus the round trip, what the desk and its updates add.

Needs root (sshd, a login of its own) and openssh-server; without them the section says so."""

from __future__ import annotations

import os
import random
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from ediops import config as config_mod
from ediops import store
from ediops.hotline import settings as hotline_settings
from ediops.hotline.tickets import open_ticket
from ediops.licensing.ingest import ingest_batch

from bench import records
from bench.context import Context
from bench.desk import FULL_HOME, LOADED
from bench.link import SlowLink
from bench.terminal import Terminal, alive

ROOT = Path(__file__).resolve().parent.parent
RTT_MS = 300
KBIT_S = 64
USER = "ediops-bench"  # not the e2e tests' login, so a parallel test run never meets this one
URGENT_EVERY_S = 2.0
TICKET_EVERY_S = 10.0
FILTER = "00-A"  # typed into the urgent pane's filter, then backspaced, each round
KEY_POLL = 0.01
FIRST_SERIAL = 900_000  # above the scale store's and the ingest benchmark's serials


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


class BusyDay:
    """The store's day going on under the desk: real ingest of urgent batches, real calls."""

    def __init__(self, db_path: Path):
        self.db_path = db_path
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="busy-day", daemon=True)
        self.licences = self.tickets = 0
        self.error: Exception | None = None
        self.started = self.stopped = 0.0

    def start(self) -> None:
        self.started = time.monotonic()
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self.started:
            self._thread.join(10)
        self.stopped = time.monotonic()
        if self.error is not None:
            raise RuntimeError(f"the busy day failed: {self.error}") from self.error

    def _run(self) -> None:
        cfg = config_mod.load()
        hotline = hotline_settings.load()
        issuers = [i.code for i in cfg.issuers]
        rng = random.Random(7)
        db = store.connect(self.db_path)
        next_ticket = time.monotonic() + TICKET_EVERY_S
        try:
            while not self._stop.wait(URGENT_EVERY_S):
                n = self.licences
                issuer = issuers[n % len(issuers)]
                record = records.licence(issuer, FIRST_SERIAL + n, records.YEAR_END, rng, urgent=True)
                bat = records.batch(issuer, records.YEAR_END, 60 + n // len(issuers), [record], kind="urgent")
                ingest_batch(db, cfg, bat, now=records.NOW, source="bench")
                self.licences += 1
                if time.monotonic() >= next_ticket:
                    next_ticket += TICKET_EVERY_S
                    open_ticket(
                        db,
                        caller=f"Port office {self.tickets}",
                        phone="010-65190000",
                        org="5300 customs",
                        category="not-received",
                        priority="high",
                        text="benchmark: a busy day",
                        roles={"default": "supervisor"},
                        actor="bench",
                        now=records.NOW,
                        settings=hotline,
                    )
                    self.tickets += 1
        except Exception as exc:  # reported by stop(): the figures would not be of a busy day
            self.error = exc
        finally:
            db.close()


def _wait(term: Terminal, target: str, pid: int, shown, timeout: float, what: str) -> float:
    deadline = time.perf_counter() + timeout
    while True:
        screen = term.screen(target)
        at = time.perf_counter()
        if shown(screen):
            return at
        if not alive(pid):
            raise RuntimeError(f"the ssh client exited before {what}:\n{screen}")
        if at > deadline:
            raise TimeoutError(f"no {what} within {timeout}s:\n{screen}")
        time.sleep(KEY_POLL)


def _keystrokes() -> list[tuple[str, object]]:
    """One round: type FILTER, then take it back, each key with what shows its effect."""
    steps, typed = [], ""
    for ch in FILTER:
        typed += ch
        steps.append((ch, lambda s, t=typed: f"filter: {t} (" in s))
    while typed:
        typed = typed[:-1]
        steps.append(
            ("BSpace", (lambda s, t=typed: f"filter: {t} (" in s) if typed else (lambda s: "filter:" not in s))
        )
    return steps


def _keypresses(term: Terminal, target: str, pid: int, rounds: int, ctx: Context) -> list[float]:
    term.keys(target, "/")
    _wait(term, target, pid, lambda s: "filter rows containing" in s, 30, "filter bar")
    samples = []
    for _ in range(rounds):
        for key, shown in _keystrokes():
            sent = time.perf_counter()
            term.keys(target, key)
            samples.append(_wait(term, target, pid, shown, 30, f"effect of {key!r}") - sent)
            time.sleep(0.05)  # an operator's typing pace, and the updates' own traffic between keys
        ctx.tick()
    return samples


def _sshd_missing() -> str | None:
    from tests.e2e import sshd as sshd_mod

    if os.geteuid() != 0:
        return "needs root (sshd and a login of its own)"
    if not (os.access(sshd_mod.SSHD, os.X_OK) and shutil.which("ssh") and shutil.which("tmux")):
        return "needs openssh-server, openssh-client and tmux (make e2e-tools)"
    return None


def run(ctx: Context) -> dict:
    missing = _sshd_missing()
    if missing:
        return {"skipped": missing}
    from tests.e2e import sshd as sshd_mod

    ediops_bin = Path(sys.executable).parent / "ediops"
    account = sshd_mod.ensure_user(USER)
    restore = []
    for target_path in (ediops_bin, Path(os.path.realpath(sys.executable)), ROOT):
        restore += sshd_mod.grant_traverse(USER, target_path)
    rundir = sshd_mod.user_rundir(account)
    workdir = Path(tempfile.mkdtemp(prefix="ssh-link-", dir=ctx.scratch))
    db = rundir / "desk.db"
    shutil.copyfile(ctx.db_path, db)
    sshd_mod.give(db, account, 0o600)
    command = f"{ediops_bin} --db {db} desk --now {records.NOW.isoformat()}"
    server = sshd_mod.SshServer(workdir, account, rundir, command, alive_interval=30, alive_count=4)
    day = BusyDay(db)
    watch_s, rounds = ctx.scale.ssh_watch_s, ctx.scale.ssh_key_rounds
    ctx.steps(rounds + 1)
    link = term = None
    try:
        server.start()
        link = SlowLink(server.port, rtt_ms=RTT_MS, kbit_s=KBIT_S)
        term = Terminal(ctx.scratch, width=80, height=24)
        target, pid, started = term.launch(server.client_argv(port=link.port))

        def home(screen: str) -> bool:
            return all(t in screen for t in FULL_HOME) and bool(LOADED.search(screen))

        first_frame = _wait(term, target, pid, home, 90, "full home screen") - started
        time.sleep(2.0)  # the full fetch after the first frame, the header's window times
        day.start()
        down, up, at = link.down, link.up, time.monotonic()
        time.sleep(watch_s)
        seconds = time.monotonic() - at
        down, up = link.down - down, link.up - up
        ctx.tick()
        samples = _keypresses(term, target, pid, rounds, ctx)
    finally:
        if term is not None:
            term.close()
        if link is not None:
            link.close()
        server.stop()
        sshd_mod.remove_rundir(rundir)
        shutil.rmtree(workdir, ignore_errors=True)
        for folder, mode in reversed(restore):
            os.chmod(folder, mode)
        day.stop()  # last: it raises if the day's writes failed
    ms = [s * 1000 for s in samples]
    p50, p95 = statistics.median(ms), _percentile(ms, 0.95)
    return {
        "rtt_ms": RTT_MS,
        "kbit_s": KBIT_S,
        "bytes_per_min": round(down * 60 / seconds),
        "bytes_up_per_min": round(up * 60 / seconds),
        "keypress_p50_ms": round(p50),
        "keypress_p95_ms": round(p95),
        "keypress_overhead_p95_ms": round(p95 - RTT_MS),
        "keypresses": len(ms),
        "first_frame_s": round(first_frame, 2),
        "busy_day": f"{day.licences} urgent licences, {day.tickets} calls in {day.stopped - day.started:.0f} s",
        "terminal": "80x24, ssh -tt through the link to sshd on loopback",
    }
