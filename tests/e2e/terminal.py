"""A real terminal for the end-to-end tests: one tmux server per test on its own socket.

The pane keeps its last screen after its program exits (remain-on-exit), so a failed start
still shows its error."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import time
import uuid
from pathlib import Path

from tests.e2e import procs

TMUX_CONF = """\
set -g remain-on-exit on
set -g default-terminal "tmux-256color"
set -g status off
set -g history-limit 2000
"""


class Tmux:
    def __init__(self, workdir: Path, *, width: int = 100, height: int = 30):
        self.socket = f"ediops-e2e-{uuid.uuid4().hex[:12]}"
        self.conf = workdir / "tmux.conf"
        self.conf.write_text(TMUX_CONF)
        self.status_file = workdir / f"{self.socket}.status"
        self.size = (width, height)
        self.marker = f"EDIOPS_E2E_TERMINAL={self.socket}"  # inherited by all that runs in it
        self.env = {k: v for k, v in os.environ.items() if k not in {"TMUX", "TMUX_PANE"}}
        self.env["EDIOPS_E2E_TERMINAL"] = self.socket
        self.target = "e2e:0.0"
        self.server_pid: int | None = None

    def tmux(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["tmux", "-L", self.socket, "-f", str(self.conf), *args],
            capture_output=True,
            text=True,
            env=self.env,
            timeout=10,
            check=check,
        )

    def start(self, argv: list[str], cwd: Path | None = None) -> None:
        """Runs argv (exec'd directly, no shell) as the pane's program."""
        width, height = self.size
        self.tmux(
            "new-session",
            "-d",
            "-s",
            "e2e",
            "-x",
            str(width),
            "-y",
            str(height),
            *(["-c", str(cwd)] if cwd else []),
            "--",
            *argv,
        )
        self.server_pid = int(self.query("#{pid}"))

    def start_keeping_status(self, argv: list[str], cwd: Path | None = None) -> None:
        """Like `start`, under a shell that writes argv's exit status to a file for `wait_exit`
        (tmux 3.3 was seen to leave a dead pane's process unreaped, its status unknown)."""
        self.status_file.unlink(missing_ok=True)
        self.start(["/bin/sh", "-c", f'"$@"; echo "$?" > {shlex.quote(str(self.status_file))}', "sh", *argv], cwd)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", self.target).stdout

    def query(self, fmt: str) -> str:
        return self.tmux("display-message", "-p", "-t", self.target, fmt).stdout.strip()

    def pane_pid(self) -> int:
        return int(self.query("#{pane_pid}"))

    def exit_status(self) -> int | None:
        """The exit status of a program started with `start_keeping_status`, once it has ended."""
        try:
            return int(self.status_file.read_text())
        except (FileNotFoundError, ValueError):
            return None

    def send(self, *keys: str) -> None:
        """tmux key names (`C-p`, `Enter`, `Escape`) or literal text."""
        self.tmux("send-keys", "-t", self.target, *keys)

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-t", self.target, "-l", text)

    def wait_for(self, *texts: str, timeout: float = 20.0) -> str:
        """Polls the screen until it shows every one of `texts`; fails with the last screen."""
        return self._poll(lambda shown: all(t in shown for t in texts), timeout, f"{list(texts)}")

    def wait_gone(self, text: str, timeout: float = 20.0) -> str:
        """Polls the screen until it no longer shows `text` (e.g. the palette's unfiltered list)."""
        return self._poll(lambda shown: text not in shown, timeout, f"no {text!r}")

    def palette(self, command: str) -> None:
        """Types `command` into the open palette and runs it once the list shows its matches:
        an Enter that comes before the search has answered runs the unfiltered list's first
        entry (Keys), as a loaded machine showed."""
        self.type(command)
        self.wait_gone("Show help for the focused widget")
        self.send("Enter")

    def wait_match(self, pattern: re.Pattern, timeout: float = 20.0) -> re.Match:
        """Polls the screen until `pattern` matches; returns the match."""
        return pattern.search(self._poll(pattern.search, timeout, f"a match of {pattern.pattern!r}"))

    def _poll(self, shows, timeout: float, wanted: str) -> str:
        deadline = time.monotonic() + timeout
        while not shows(shown := self.screen()):
            if time.monotonic() > deadline:
                raise AssertionError(f"after {timeout}s the screen lacks {wanted}:\n{shown}")
            time.sleep(0.1)
        return shown

    def wait_exit(self, timeout: float = 15.0) -> int | None:
        """Polls until the pane's program has ended; returns `exit_status()` (None on timeout)."""
        deadline = time.monotonic() + timeout
        while (status := self.exit_status()) is None and time.monotonic() < deadline:
            time.sleep(0.1)
        return status

    def kill_pane(self) -> None:
        """Closes the terminal: tmux hangs up the pane's program (SIGHUP)."""
        self.tmux("kill-pane", "-t", self.target, check=False)

    def pane_processes(self) -> list[procs.Proc]:
        """The pane's program and its descendants, as they are now."""
        pid = self.pane_pid()
        return procs.matching(lambda p: p.pid == pid)

    def started(self) -> list[procs.Proc]:
        """Every live process that runs with this terminal's environment, but the tmux server."""
        return procs.matching(lambda p: p.pid != self.server_pid and procs.environ_has(p.pid, self.marker))

    def close(self) -> None:
        """Kills the tmux server, then whatever it started that outlived it."""
        self.tmux("kill-server", check=False)
        procs.kill_all(self.started())
