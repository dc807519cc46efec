"""The home screen's header line: Shanghai time to the minute, next window and its countdown in
whole minutes, scheduler leader and its health, peer reachability."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.widgets import Static

from ediops.clock import SHANGHAI, parse_instant
from ediops.views.dashboard import clock_minutes
from ediops.screens.safe import safe
from ediops.screens.widgets import show_text

SEP = " │ "


def _instant(value) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return parse_instant(str(value))


def next_window(windows: list[dict]) -> tuple[str, datetime] | None:
    """The soonest scheduled run among windows that are not paused."""
    upcoming = [
        (_instant(w.get("next_run")), w["window"]) for w in windows if w.get("next_run") and not w.get("paused")
    ]
    if not upcoming:
        return None
    when, window = min(upcoming)
    return window, when


def alerts_count(alerts: dict | None) -> Text | None:
    """Compact: "! 2 alerts" while any waits for an acknowledgement; nothing when none is open."""
    if not alerts or not alerts.get("open"):
        return None
    waiting, acked = alerts["unacknowledged"], alerts["open"] - alerts["unacknowledged"]
    if not waiting:
        return Text(f"{acked} acked alert{'s' * (acked > 1)}", style="yellow")
    text = Text(f"! {waiting} alert{'s' * (waiting > 1)}", style="bold red")
    if acked:
        text.append(f" +{acked} acked", style="yellow")
    return text


def header_text(now: datetime, status: dict | None, peers: dict | None, alerts: dict | None = None) -> Text:
    line = Text(now.astimezone(SHANGHAI).strftime("%H:%M CST"), style="bold")
    count = alerts_count(alerts)
    if count is not None:  # first after the clock: it must survive a narrow terminal
        line.append(SEP)
        line.append(count)
    status = status or {}
    upcoming = next_window(status.get("windows") or [])
    line.append(SEP)
    if upcoming:
        window, when = upcoming
        line.append("next ")
        line.append(safe(window, "bold"))
        minutes = clock_minutes(now, when)
        line.append(f" in {minutes} min" if minutes > 0 else " now")
    else:
        line.append("no window scheduled", style="dim")
    line.append(SEP)
    leader = status.get("leader")
    if not leader or not leader.get("holder"):
        line.append("no leader", style="bold red")
    else:
        line.append("leader ")
        line.append(safe(leader["holder"]))
        line.append(
            " ok" if leader.get("healthy") else " STALE", style="green" if leader.get("healthy") else "bold red"
        )
    line.append(SEP)
    if not peers or not peers["known"]:
        line.append("peers: no contact yet", style="dim")
    elif peers["failing"]:
        line.append(f"peers {peers['known'] - len(peers['failing'])}/{peers['known']} ok", style="yellow")
        line.append(" (failing: ")
        line.append(safe(", ".join(peers["failing"]), "bold red"))
        line.append(")")
    else:
        line.append(f"peers {peers['known']}/{peers['known']} ok", style="green")
    return line


class HeaderLine(Static):
    """Redrawn with each fetch (the app fetches at every minute tick), and only when its text
    changed: an idle desk writes nothing to a slow SSH link between two ticks."""

    def show(self, now: datetime, status: dict, peers: dict, alerts: dict | None = None) -> None:
        show_text(self, header_text(now, status, peers, alerts), layout=False)  # one line, full width
