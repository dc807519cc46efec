"""`dashboard`: one refresh of the home screen as the desk's worker does it (open a short-lived
connection, run HomeScreen.fetch, close), repeated; the p95 is the goal (<= 20 ms)."""

from __future__ import annotations

import statistics
import time
from types import SimpleNamespace

from ediops import config as config_mod
from ediops import store
from ediops.screens.shell.home import HomeScreen

from bench import records
from bench.context import Context


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def run(ctx: Context) -> dict:
    # HomeScreen.fetch reads only `self.app.config` and `.db_path`: a stand-in app keeps Textual out of the timing.
    screen = SimpleNamespace(app=SimpleNamespace(config=config_mod.load(None), db_path=ctx.db_path))
    screen.fetch_panes = lambda db, now: HomeScreen.fetch_panes(screen, db, now)
    timings = []
    ctx.steps(ctx.scale.dashboard_refreshes + 1)
    for i in range(ctx.scale.dashboard_refreshes + 1):
        started = time.perf_counter()
        db = store.connect_reader(ctx.db_path)  # the home screen's connection (HomeScreen.open_store)
        try:
            HomeScreen.fetch(screen, db, records.NOW)
        finally:
            db.close()
        if i:  # the first refresh warms the page cache, as a desk's first frame does
            timings.append((time.perf_counter() - started) * 1000)
        ctx.tick()
    return {
        "refresh_ms_p95": round(percentile(timings, 0.95), 2),
        "refresh_ms_median": round(statistics.median(timings), 2),
        "refreshes": len(timings),
    }
