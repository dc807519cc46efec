"""Log lines as one JSON object each (docs/monitoring.md): `ts`, `level`, `event` (the message),
`logger`, and the fields the event concerns (`issuer`, `licence_no`, `batch_id`, `window`,
`peer`, `actor`), from the call's `extra=` or from the `context()` the work runs in, so the
third-party libraries' lines (APScheduler, httpx, Apprise) inside a poll carry its issuer too.

The standard library's logging with this formatter, not structlog: every module already logs
through `logging.getLogger`, the third-party libraries do too, and one formatter on the root
handler puts them all in the same form with no second logging system to learn. Every text is
redacted of secrets and cleaned of control characters before it is written (docs/safeguards.md)."""

from __future__ import annotations

import contextlib
import json
import logging
import sys
from contextvars import ContextVar
from datetime import datetime
from pathlib import Path
from typing import IO, Iterator

from ediops.clock import SHANGHAI
from ediops.secrets import redact
from ediops.text import clean

FIELDS = ("issuer", "licence_no", "batch_id", "window", "peer", "actor")
QUIET = ("httpx", "httpcore", "apscheduler")  # their INFO lines are one per request or firing
_context: ContextVar[dict[str, str]] = ContextVar("ediops_log_context", default={})


@contextlib.contextmanager
def context(**fields: object) -> Iterator[None]:
    """Every log line written inside (this task and the tasks it starts) carries `fields`."""
    token = _context.set({**_context.get(), **{k: str(v) for k, v in fields.items() if v is not None}})
    try:
        yield
    finally:
        _context.reset(token)


def _safe(value: object) -> str:
    return clean(redact(str(value)))


class JsonFormatter(logging.Formatter):
    """One line of JSON per record; non-ASCII kept as it is (Chinese names stay readable)."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, SHANGHAI).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "event": _safe(record.getMessage()),
            "logger": record.name,
        }
        for name, value in _context.get().items():
            line[name] = _safe(value)
        for name in FIELDS:
            value = record.__dict__.get(name)
            if value is not None:
                line[name] = _safe(value)
        problem = self.formatException(record.exc_info) if record.exc_info else record.exc_text
        if problem:
            line["exc"] = clean(redact(problem), multiline=True)
        return json.dumps(line, ensure_ascii=False, default=str)


def setup(level: int = logging.INFO, *, stream: IO[str] | None = None, file: Path | None = None) -> None:
    """The process's one log handler: JSON lines on stderr (journald keeps them), or appended
    to `file` (the desk, whose terminal is the screen)."""
    handler: logging.Handler
    if file is not None:
        try:
            file.parent.mkdir(parents=True, exist_ok=True)
            handler = logging.FileHandler(file, encoding="utf-8")
        except OSError:  # no writable log folder: the desk works on, its lines go nowhere
            handler = logging.NullHandler()
    else:
        handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in QUIET:
        logging.getLogger(noisy).setLevel(logging.WARNING)
    logging.captureWarnings(True)
