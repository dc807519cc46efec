"""Keeping secrets out of every error text, log line and stored row (docs/safeguards.md).

A token can reach an error text through the HTTP stack (h11's "Illegal header value
b'Bearer ...'") or a URL; `redact` removes every token the process knows and anything shaped
like a bearer credential. The daemon's log handlers also pass every line through it."""

from __future__ import annotations

import logging
import re

_KNOWN: set[str] = set()
_BEARER = re.compile(r"(?i)(bearer\s*)[^\s'\",;)\]}]+")
MASK = "[redacted]"


def remember(secret: str | None) -> None:
    """A secret the process has read (a token, an alert URL): redacted wherever it appears."""
    if secret and len(secret) >= 4:
        _KNOWN.add(secret)


def redact(text: str, secret: str | None = None) -> str:
    text = str(text)
    for known in sorted(_KNOWN | ({secret} if secret else set()), key=len, reverse=True):
        if known:
            text = text.replace(known, MASK)
            text = text.replace(repr(known.encode("utf-8", "replace"))[2:-1], MASK)
    return _BEARER.sub(lambda m: m.group(1) + MASK, text)


class RedactingFilter(logging.Filter):
    """Formats each record once and redacts it, so no handler writes a secret."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        if cleaned != message or record.args:
            record.msg, record.args = cleaned, None
        return True
