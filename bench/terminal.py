"""A real terminal to time apps in: one tmux server on its own socket, one window per launch.

The server and a placeholder window start once, so each launch costs the same small
`new-window` call; the clock starts just before it and stops at the first capture that shows
everything asked for. Captures poll every POLL seconds (the same for every app measured)."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import uuid
from pathlib import Path

POLL = 0.02
CONF = 'set -g status off\nset -g default-terminal "tmux-256color"\nset -g remain-on-exit off\n'


class Terminal:
    def __init__(self, scratch: Path, *, width: int = 100, height: int = 30):
        self.socket = f"ediops-bench-{uuid.uuid4().hex[:10]}"
        self.conf = scratch / "bench-tmux.conf"
        self.conf.write_text(CONF)
        self.env = {k: v for k, v in os.environ.items() if k not in ("TMUX", "TMUX_PANE", "PYTHONDONTWRITEBYTECODE")}
        # Programs start as installed ones do, from compiled bytecode (pip compiles a wheel's
        # modules at install): kept in scratch, written by each app's first (warm-up) launch.
        # A shell with PYTHONDONTWRITEBYTECODE=1 would otherwise have every launch of the desk
        # compile its ~60 modules from source, which the bare app (Textual only) never does.
        self.env["PYTHONPYCACHEPREFIX"] = str(scratch / "pycache")
        self.launched: list[int] = []
        self._tmux("new-session", "-d", "-s", "bench", "-x", str(width), "-y", str(height), "--", "sleep", "86400")

    def _tmux(self, *args: str, check: bool = True) -> str:
        return subprocess.run(
            ["tmux", "-L", self.socket, "-f", str(self.conf), *args],
            capture_output=True,
            text=True,
            env=self.env,
            timeout=20,
            check=check,
        ).stdout

    def launch(self, argv: list[str], env: dict | None = None) -> tuple[str, int, float]:
        """Starts argv (exec'd, no shell) in a new window. Returns (target, pid, start time)."""
        extra = [a for k, v in (env or {}).items() for a in ("-e", f"{k}={v}")]
        started = time.perf_counter()
        out = self._tmux("new-window", "-d", "-P", "-F", "#{window_id} #{pane_pid}", "-t", "bench", *extra, "--", *argv)
        target, pid = out.split()
        self.launched.append(int(pid))
        return target, int(pid), started

    def keys(self, target: str, *keys: str) -> None:
        """Types `keys` (tmux key names: "/", "0", "BSpace") into the window."""
        self._tmux("send-keys", "-t", target, *keys)

    def screen(self, target: str) -> str:
        return self._tmux("capture-pane", "-p", "-t", target, check=False)

    def wait_for(self, target: str, texts: list[str], timeout: float, pid: int | None = None) -> float:
        """Polls until the window shows every one of `texts`; returns perf_counter() then.
        Fails at once when the program (`pid`) has exited."""
        deadline = time.perf_counter() + timeout
        while True:
            shown = self.screen(target)
            now = time.perf_counter()
            if all(t in shown for t in texts):
                return now
            if pid is not None and not alive(pid):
                raise RuntimeError(f"{pid} exited before showing {texts}:\n{shown}")
            if now > deadline:
                missing = [t for t in texts if t not in shown]
                raise TimeoutError(f"after {timeout}s the screen lacks {missing}:\n{shown}")
            time.sleep(POLL)

    def close_window(self, target: str, pid: int, timeout: float = 10.0) -> None:
        """Hangs up the window's program (SIGHUP, as a dropped terminal) and waits for it to go."""
        self._tmux("kill-window", "-t", target, check=False)
        deadline = time.monotonic() + timeout
        while alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if alive(pid):  # a program that ignores the hang-up is still ours to stop
            os.kill(pid, signal.SIGKILL)

    def close(self) -> None:
        self._tmux("kill-server", check=False)
        for pid in self.launched:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)


def alive(pid: int) -> bool:
    """True while the process runs (a zombie counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def rss_mb(pid: int) -> tuple[float, float]:
    """(resident, peak resident) of a process in MB, from /proc/PID/status."""
    fields = {}
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                fields[key] = int(rest.split()[0]) / 1024
    return round(fields["VmRSS"], 1), round(fields["VmHWM"], 1)
