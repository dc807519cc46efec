"""The desk over SSH: leave when the terminal goes away, and keep crash details off the screen.

Textual's input thread treats stdin at EOF as "no input yet" and loops on it, so a desk whose
SSH connection dropped would spin; `HangupDriver` reads the same way but leaves on EOF or EIO.
SIGHUP and SIGTERM end the desk the same way (see `DeskApp.on_mount`)."""

from __future__ import annotations

import os
import selectors
import traceback
from codecs import getincrementaldecoder
from datetime import datetime, timezone
from pathlib import Path

# Private: the driver's input loop has no public hook for "stdin is at EOF"; this driver
# replaces that loop (and the SIGCONT handler), so it needs the parser the loop uses. textual is
# pinned, and tests/e2e (tmux, sshd) fail if a new version changes either.
from textual._xterm_parser import XTermParser
from textual.drivers.linux_driver import LinuxDriver

from ..kit.words import to_ascii
from ..shell.wire import Compactor
from ediops.secrets import redact


class HangupDriver(LinuxDriver):
    """Linux terminal driver that tells the app `hang_up` when its terminal is gone, and
    writes each frame's styles as changes (screens/shell/wire.py: fewer bytes over a slow link)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._compact = Compactor()

    def write(self, data: str) -> None:
        if getattr(self._app, "ascii", False):  # --ascii: no ambiguous-width glyph reaches the terminal
            data = to_ascii(data)
        super().write(self._compact(data))

    def _sigcont_application(self, *args) -> None:
        """Resumes only after a suspension of our own (SIGTSTP). The kernel sends SIGCONT with
        the SIGHUP of every hang-up; Textual's handler then restarts application mode inside
        the signal handler, and the desk never finishes shutting down (tests/e2e)."""
        if self._must_signal_resume:
            super()._sigcont_application(*args)

    def run_input_thread(self) -> None:
        selector = selectors.SelectSelector()
        selector.register(self.fileno, selectors.EVENT_READ)
        parser = XTermParser(self._debug)
        decode = getincrementaldecoder("utf-8")().decode
        try:
            while not self.exit_event.is_set():
                for _key, mask in selector.select(0.1):
                    if not mask & selectors.EVENT_READ:
                        continue
                    try:
                        data = os.read(self.fileno, 4096)
                    except OSError:  # EIO: the pseudo-terminal was hung up
                        data = b""
                    if not data:
                        self._app.call_later(getattr(self._app, "hang_up"))  # the DeskApp's
                        return
                    for event in parser.feed(decode(data)):
                        self.process_message(event)
                for event in parser.tick():
                    self.process_message(event)
        finally:
            selector.close()


def crash_log_path() -> Path:
    """`$EDIOPS_LOG_DIR/desk-crash.log`, else under `$XDG_STATE_HOME/ediops` (~/.local/state)."""
    folder = (
        os.environ.get("EDIOPS_LOG_DIR")
        or Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state") / "ediops"
    )
    return Path(folder) / "desk-crash.log"


def write_crash_log() -> Path:
    """Appends the exception being handled, with the time, to the crash log."""
    path = crash_log_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as log:
        log.write(f"--- {datetime.now(timezone.utc).isoformat()} pid {os.getpid()}\n")
        log.write(redact(traceback.format_exc()))  # no token an error carried (docs/safeguards.md)
    return path
