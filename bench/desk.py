"""`desk`: seconds from process start to the first full home screen of the real `ediops desk`
in a real terminal (tmux), against a minimal Textual app (bare_app.py) timed the same way;
and the desk's resident memory at that scale. Medians over repeated launches, alternating
the two apps so machine noise falls on both."""

from __future__ import annotations

import re
import statistics
import sys
import time
from pathlib import Path

from bench import records
from bench.bare_app import TITLES
from bench.context import Context
from bench.terminal import POLL, Terminal, alive, rss_mb

ROOT = Path(__file__).resolve().parent.parent
SETTLE_S = 2.0  # after the first frame, before reading RSS: data loaded, timers running
# The home screen is full when the four panes show their titles and the tickets pane its count
# (shown only once the first fetch has been drawn).
FULL_HOME = [*TITLES]
LOADED = re.compile(r"\b\d+ open\b")
CRASH_LOG = "desk-crash.log"


def desk_argv(db_path: Path) -> list[str]:
    return [sys.executable, str(ROOT / "main.py"), "desk", "--db", str(db_path), "--now", records.NOW.isoformat()]


def desk_env(scratch: Path) -> dict:
    """Crash details go to a fresh log in scratch, so a desk that failed is seen at once."""
    (scratch / CRASH_LOG).unlink(missing_ok=True)
    return {"EDIOPS_LOG_DIR": str(scratch)}


def wait_full_home(term: Terminal, target: str, pid: int, timeout: float, scratch: Path) -> float:
    """perf_counter() at the first capture showing the four titles and the loaded tickets count."""
    deadline = time.perf_counter() + timeout
    while True:
        shown = term.screen(target)
        at = time.perf_counter()
        if all(t in shown for t in FULL_HOME) and LOADED.search(shown):
            return at
        if (scratch / CRASH_LOG).exists():
            raise RuntimeError(f"the desk crashed: {(scratch / CRASH_LOG).read_text()[-800:]}")
        if not alive(pid):
            raise RuntimeError(f"the desk exited before its first full home screen:\n{shown}")
        if at > deadline:
            raise TimeoutError(f"no full home screen within {timeout}s:\n{shown}")
        time.sleep(POLL)


def first_frame(term: Terminal, argv: list[str], *, desk: bool, scratch: Path) -> tuple[float, tuple | None]:
    target, pid, started = term.launch(argv, desk_env(scratch))
    try:
        shown = wait_full_home(term, target, pid, 60, scratch) if desk else term.wait_for(target, FULL_HOME, 60, pid)
        memory = None
        if desk:
            time.sleep(SETTLE_S)
            memory = rss_mb(pid)
        return shown - started, memory
    finally:
        term.close_window(target, pid)


def run(ctx: Context) -> dict:
    term = Terminal(ctx.scratch)
    bare = [sys.executable, str(ROOT / "bench" / "bare_app.py")]
    desk_s, bare_s, memory = [], [], []
    ctx.steps(2 * ctx.scale.desk_runs)
    try:
        first_frame(term, bare, desk=False, scratch=ctx.scratch)  # warm-ups: OS caches, bytecode
        first_frame(term, desk_argv(ctx.db_path), desk=True, scratch=ctx.scratch)
        for _ in range(ctx.scale.desk_runs):
            seconds, _ = first_frame(term, bare, desk=False, scratch=ctx.scratch)
            bare_s.append(seconds)
            ctx.tick()
            seconds, mem = first_frame(term, desk_argv(ctx.db_path), desk=True, scratch=ctx.scratch)
            desk_s.append(seconds)
            memory.append(mem)
            ctx.tick()
    finally:
        term.close()
    desk_med, bare_med = statistics.median(desk_s), statistics.median(bare_s)
    return {
        "first_frame_s": round(desk_med, 3),
        "bare_textual_first_frame_s": round(bare_med, 3),
        "first_frame_ratio": round(desk_med / bare_med, 2),
        "rss_mb": statistics.median(m[0] for m in memory),
        "rss_peak_mb": max(m[1] for m in memory),
        "runs": ctx.scale.desk_runs,
    }
