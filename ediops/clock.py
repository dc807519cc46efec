"""One injectable clock: every business time is Asia/Shanghai, and `--now` replays any instant."""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def parse_instant(text: str) -> datetime:
    """ISO 8601 instant; a naive one is taken as Shanghai time."""
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        value = value.replace(tzinfo=SHANGHAI)
    return value.astimezone(SHANGHAI)


def iso(moment: datetime) -> str:
    """Store format: second precision (microseconds only when present), Shanghai offset."""
    return moment.astimezone(SHANGHAI).isoformat()


def centre_time(moment: datetime | str | None, *, seconds: bool = False) -> str:
    """A time as the centre writes it for people (2026-12-07 08:00, Shanghai): no microseconds,
    no offset; "-" for none."""
    if moment is None or moment == "":
        return "-"
    value = parse_instant(moment) if isinstance(moment, str) else moment.astimezone(SHANGHAI)
    return value.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


class Clock:
    """Real time, or a replayed instant.

    A frozen clock always answers the instant it was given (one-shot commands, tests,
    snapshots). A started clock begins at that instant and then runs with real time
    (long-running processes replayed from `--now`)."""

    def __init__(self, start: datetime | None = None, *, frozen: bool = True):
        self._start = start.astimezone(SHANGHAI) if start else None
        self._frozen = frozen
        self._t0 = time.monotonic()

    def now(self) -> datetime:
        if self._start is None:
            return datetime.now(SHANGHAI)
        if self._frozen:
            return self._start
        return self._start + timedelta(seconds=time.monotonic() - self._t0)

    def today(self) -> date:
        return self.now().date()

    def iso(self) -> str:
        return iso(self.now())

    @property
    def replayed(self) -> bool:
        return self._start is not None
