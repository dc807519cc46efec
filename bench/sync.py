"""`sync_ms`: from a commit in one process (this one logs a hotline call through the real
`hotline.open_ticket`) to the change on another desk's screen (a real `ediops desk` in tmux,
whose tickets pane count goes up once its data_version poll has refreshed the home screen).

Measured by polling the desk's terminal every 20 ms, so a figure may be up to one poll late.
The commits fall at different phases of the desk's poll timer; the median is reported."""

from __future__ import annotations

import statistics
import time
from ediops import store
from ediops.hotline import settings as hotline_settings
from ediops.hotline.tickets import open_ticket

from bench import records
from bench.context import Context
from bench.desk import LOADED, desk_argv, desk_env, wait_full_home
from bench.terminal import POLL, Terminal

ANYONE = {"default": "supervisor"}  # the benchmark acts as everyone


def _open_count(screen: str) -> int:
    return int(LOADED.search(screen).group().split()[0])


def run(ctx: Context) -> dict:
    term = Terminal(ctx.scratch)
    db = store.connect(ctx.db_path)
    hotline = hotline_settings.load()
    timings = []
    ctx.steps(ctx.scale.sync_runs)
    try:
        target, pid, _ = term.launch(desk_argv(ctx.db_path), desk_env(ctx.scratch))
        wait_full_home(term, target, pid, 60, ctx.scratch)
        time.sleep(1.0)
        count = _open_count(term.screen(target))
        for k in range(ctx.scale.sync_runs):
            time.sleep(0.3 + (0.37 * k) % 0.75)  # a different phase of the desk's poll each time
            open_ticket(
                db,
                caller=f"Sync probe {k}",
                phone="010-65190000",
                org="5300 customs",
                category="not-received",
                priority="urgent",
                text="benchmark: sync probe",
                roles=ANYONE,
                actor="bench",
                now=records.NOW,
                settings=hotline,
            )
            committed = time.perf_counter()
            count += 1
            shown = term.wait_for(target, [f"{count} open"], 30, pid)
            timings.append((shown - committed) * 1000)
            ctx.tick()
        term.close_window(target, pid)
    finally:
        db.close()
        term.close()
    return {
        "sync_ms": round(statistics.median(timings)),
        "sync": {
            "runs_ms": [round(t) for t in timings],
            "poll_ms": round(POLL * 1000),
            "method": "commit here, tmux capture of a real desk's tickets pane",
        },
    }
