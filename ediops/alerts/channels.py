"""Sending through Apprise, one URL per channel, with retries and backoff (tenacity).

Apprise tracks no delivery (docs/architecture.md: Alerts), so the caller records each attempt. A channel's
URL may hold a secret (a password, a webhook token): it never reaches a log line, an error
message or the store. Apprise's own log (which names paths and payloads at debug level) is
kept out of the process's log; its warnings are read from the call and redacted."""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, unquote, urlsplit

from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from ediops.text import clean

ATTEMPTS = 3  # per message, within one pass; the notification is retried at later passes too
SEND_TIMEOUT_SECONDS = 20.0
_quiet = False


class DeliveryFailed(Exception):
    """The channel did not take the message; the text is already redacted."""


def _quiet_apprise() -> None:
    global _quiet
    if not _quiet:
        for name in ("apprise", "urllib3"):
            logging.getLogger(name).propagate = False
        _quiet = True


def secrets_of(url: str) -> list[str]:
    """The parts of a URL that may be secret: all of it, its host part (which holds any
    password), the password, each path segment and query value of some length (tokens),
    longest first. Short pieces are left: replacing "u" would garble the message, not hide a secret."""
    parts = {url}
    try:
        split = urlsplit(url)
    except ValueError:
        return [url]
    for value in (split.password, split.netloc):
        if value and len(value) >= 4:
            parts.update({value, unquote(value)})
    parts.update(seg for seg in split.path.split("/") if len(seg) >= 6)
    parts.update(v for _, v in parse_qsl(split.query) if len(v) >= 6)
    return sorted(parts, key=len, reverse=True)


def redact(text: str, url: str | None) -> str:
    text = clean(text)
    for secret in secrets_of(url) if url else ():
        text = text.replace(secret, "***")
    return text


@dataclass
class Outcome:
    """Every attempt of one message: (at, outcome, error), and whether it went."""

    attempts: list[tuple[str, str, str | None]] = field(default_factory=list)

    @property
    def sent(self) -> bool:
        return bool(self.attempts) and self.attempts[-1][1] == "sent"

    @property
    def error(self) -> str | None:
        return None if self.sent or not self.attempts else self.attempts[-1][2]


def send_once(url: str, title: str, body: str) -> None:
    """One Apprise call; raises DeliveryFailed with a redacted reason."""
    import apprise  # ~0.1 s: only the leader's alert pass and `alerts test` need it

    _quiet_apprise()
    notifier = apprise.Apprise()
    if not notifier.add(url):
        raise DeliveryFailed("Apprise does not accept this channel's URL (its scheme or form is wrong)")
    logs: list[str] = []

    def keep(entry, service) -> None:
        if entry.level in ("WARNING", "ERROR", "CRITICAL"):
            logs.append(entry.message)

    result = notifier.notify(
        body=body,
        title=title,
        body_format=apprise.NotifyFormat.TEXT,
        timeout=SEND_TIMEOUT_SECONDS,
        log_callback=keep,
        log_level=logging.WARNING,
    )
    if not result:
        reason = re.sub(r"\s+", " ", logs[-1]).strip() if logs else "the channel did not take the message"
        raise DeliveryFailed(redact(reason, url))


async def deliver(url: str, title: str, body: str, *, now, attempts: int = ATTEMPTS, wait_max: float = 4.0) -> Outcome:
    """Sends with up to `attempts` tries and exponential backoff; every try is recorded."""
    outcome = Outcome()
    retrying = AsyncRetrying(
        stop=stop_after_attempt(attempts),
        wait=wait_exponential(multiplier=0.5, max=wait_max),
        retry=retry_if_exception_type(DeliveryFailed),
        reraise=True,
    )
    try:
        async for attempt in retrying:
            with attempt:
                try:
                    await asyncio.to_thread(send_once, url, title, body)
                except DeliveryFailed as exc:
                    outcome.attempts.append((now(), "failed", str(exc)))
                    raise
                except Exception as exc:  # noqa: BLE001 - a plugin's own error: recorded, never raised past here
                    outcome.attempts.append((now(), "failed", redact(f"{type(exc).__name__}: {exc}", url)))
                    raise DeliveryFailed(outcome.attempts[-1][2]) from None
                outcome.attempts.append((now(), "sent", None))
    except DeliveryFailed:
        pass
    return outcome
