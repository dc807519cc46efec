"""`desk`: seconds from process start to the first full home screen of the real `ediops desk`
in a real terminal (tmux), in English and in Chinese (`--lang`, the catalogue loaded), against
a minimal Textual app (bare_app.py) timed the same way; and the desk's resident memory at that
scale. Medians over repeated launches, alternating the apps so machine noise falls on all."""

from __future__ import annotations

import re
import statistics
import sys
import time
from pathlib import Path

from ediops import i18n

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


def home_in(language: str) -> tuple[list[str], re.Pattern]:
    """The four titles and the tickets pane's count as the desk shows them in `language`."""
    i18n.use(language)
    try:
        return [i18n._(t) for t in TITLES], re.compile(re.escape(i18n._("{n} open")).replace(r"\{n\}", r"\d+"))
    finally:
        i18n.use("en")


def desk_argv(db_path: Path, language: str | None = None) -> list[str]:
    argv = [sys.executable, str(ROOT / "main.py"), "desk", "--db", str(db_path), "--now", records.NOW.isoformat()]
    return argv + ["--lang", language] if language else argv


def desk_env(scratch: Path) -> dict:
    """Crash details go to a fresh log in scratch, so a desk that failed is seen at once."""
    (scratch / CRASH_LOG).unlink(missing_ok=True)
    return {"EDIOPS_LOG_DIR": str(scratch)}


def wait_full_home(
    term: Terminal, target: str, pid: int, timeout: float, scratch: Path, home: tuple | None = None
) -> float:
    """perf_counter() at the first capture showing the four titles and the loaded tickets count
    (`home`: those in another language, from `home_in`)."""
    titles, loaded = home or (FULL_HOME, LOADED)
    deadline = time.perf_counter() + timeout
    while True:
        shown = term.screen(target)
        at = time.perf_counter()
        if all(t in shown for t in titles) and loaded.search(shown):
            return at
        if (scratch / CRASH_LOG).exists():
            raise RuntimeError(f"the desk crashed: {(scratch / CRASH_LOG).read_text()[-800:]}")
        if not alive(pid):
            raise RuntimeError(f"the desk exited before its first full home screen:\n{shown}")
        if at > deadline:
            raise TimeoutError(f"no full home screen within {timeout}s:\n{shown}")
        time.sleep(POLL)


def first_frame(
    term: Terminal, argv: list[str], *, desk: bool, scratch: Path, home: tuple | None = None, memory: bool = True
) -> tuple[float, tuple | None]:
    target, pid, started = term.launch(argv, desk_env(scratch))
    try:
        if desk:
            shown = wait_full_home(term, target, pid, 60, scratch, home)
        else:
            shown = term.wait_for(target, FULL_HOME, 60, pid)
        rss = None
        if desk and memory:
            time.sleep(SETTLE_S)
            rss = rss_mb(pid)
        return shown - started, rss
    finally:
        term.close_window(target, pid)


def run(ctx: Context) -> dict:
    term = Terminal(ctx.scratch)
    bare = [sys.executable, str(ROOT / "bench" / "bare_app.py")]
    chinese = home_in("zh")
    desk_s, zh_s, bare_s, memory = [], [], [], []
    ctx.steps(3 * ctx.scale.desk_runs)
    try:
        first_frame(term, bare, desk=False, scratch=ctx.scratch)  # warm-ups: OS caches, bytecode
        first_frame(term, desk_argv(ctx.db_path), desk=True, scratch=ctx.scratch, memory=False)
        for _ in range(ctx.scale.desk_runs):
            seconds, _ = first_frame(term, bare, desk=False, scratch=ctx.scratch)
            bare_s.append(seconds)
            ctx.tick()
            seconds, mem = first_frame(term, desk_argv(ctx.db_path), desk=True, scratch=ctx.scratch)
            desk_s.append(seconds)
            memory.append(mem)
            ctx.tick()
            seconds, _ = first_frame(
                term, desk_argv(ctx.db_path, "zh"), desk=True, scratch=ctx.scratch, home=chinese, memory=False
            )
            zh_s.append(seconds)
            ctx.tick()
    finally:
        term.close()
    desk_med, zh_med, bare_med = statistics.median(desk_s), statistics.median(zh_s), statistics.median(bare_s)
    return {
        "first_frame_s": round(desk_med, 3),
        "bare_textual_first_frame_s": round(bare_med, 3),
        "first_frame_ratio": round(desk_med / bare_med, 2),
        "first_frame_s_zh": round(zh_med, 3),
        "first_frame_ratio_zh": round(zh_med / bare_med, 2),
        "rss_mb": statistics.median(m[0] for m in memory),
        "rss_peak_mb": max(m[1] for m in memory),
        "runs": ctx.scale.desk_runs,
    }
