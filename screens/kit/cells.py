"""How values look in the desk's cells: ages, times, sparklines, colours by urgency.

Outside text still goes through `safe`; these only format our own values."""

from __future__ import annotations

from datetime import datetime

from rich.cells import cell_len, get_character_cell_size
from rich.text import Text

from ediops.clock import SHANGHAI, parse_instant
from ediops.i18n import N_, _
from ..kit.safe import safe

BARS = " ▁▂▃▄▅▆▇█"
ELLIPSIS = "…"  # one cell: what `cut` leaves where text was cut ("~" once --ascii asks for ASCII)
STATUS_STYLE = {"failing": "bold red", "late": "yellow", "no batch yet": "dim", "on time": "green"}
PRIORITY_STYLE = {"urgent": "bold red", "high": "yellow", "normal": "", "low": "dim"}
WARN_MINUTES = 5


# The words of states, statuses, priorities and categories the desk shows: stored and printed
# in machine output as they are, shown on the desk in the chosen language (docs/languages.md).
STATE_WORDS = frozenset(
    (
        *(N_("failing"), N_("late"), N_("no batch yet"), N_("on time"), N_("done")),
        *(N_("urgent"), N_("high"), N_("normal"), N_("low")),
        *(N_("open"), N_("waiting"), N_("resolved"), N_("closed"), N_("acknowledged"), N_("cancelled"), N_("active")),
        *(N_("not-received"), N_("mismatch"), N_("writeoff"), N_("return"), N_("software"), N_("other")),
        *(N_("ok"), N_("failed"), N_("partial"), N_("skipped"), N_("running"), N_("paused"), N_("active"), N_("all")),
        *(N_("received"), N_("forwarded"), N_("accepted"), N_("rejected"), N_("import"), N_("export")),
        *(N_("port-customs"), N_("company"), N_("issuer"), N_("licence-bureau"), N_("customs"), N_("software-vendor")),
        *(N_("phoned"), N_("escalated"), N_("forward_requested"), N_("forward_retry"), N_("customs_accepted")),
        *(N_("customs_rejected"), N_("resend_requested"), N_("resent"), N_("released"), N_("amended")),
    )
)


def word(value: str) -> str:
    """A state, status, priority or category in the chosen language (a value it does not know as is)."""
    return _(value) if value in STATE_WORDS else value


def feed_status(feed: dict) -> Text:
    """An issuer feed's status; before its cutoff with no daily batch it says when the batch is
    due (urgent batches may already have come in, so "no batch" would mislead)."""
    label = _("due {at}").format(at=feed["cutoff"]) if feed["status"] == "no batch yet" else word(feed["status"])
    return Text(label, style=STATUS_STYLE[feed["status"]])


def minutes_text(minutes: int) -> str:
    """An age in whole minutes: 7 min, 2h05, 3d."""
    minutes = max(0, minutes)
    if minutes < 60:
        return _("{n} min").format(n=minutes)
    if minutes < 1440:
        return _("{h}h{m:02d}").format(h=minutes // 60, m=minutes % 60)
    return _("{n}d").format(n=minutes // 1440)


def time_left(minutes_left: int) -> str:
    """Against a deadline, in whole clock minutes: 3 min left, due now, overdue 2 min."""
    if minutes_left > 0:
        return _("{age} left").format(age=minutes_text(minutes_left))
    if minutes_left == 0:
        return _("due now")
    return _("overdue {age}").format(age=minutes_text(-minutes_left))


def clock_time(value: str | None, fmt: str = "%H:%M") -> Text:
    """A stored instant as HH:MM (the desk works within a day), or in `fmt`; "-" when absent."""
    if not value:
        return Text("-", style="dim")
    try:
        return Text(parse_instant(value).strftime(fmt))
    except ValueError:
        return safe(value)


def day_time(value: str | None, now: datetime) -> Text:
    """A stored instant as HH:MM when it is on `now`'s day (Shanghai), MM-DD before; "-" when absent."""
    if not value:
        return Text("-", style="dim")
    try:
        at = parse_instant(value).astimezone(SHANGHAI)
    except ValueError:
        return safe(value)
    same_day = at.date() == now.astimezone(SHANGHAI).date()
    return Text(at.strftime("%H:%M")) if same_day else Text(at.strftime("%m-%d"), style="dim")


def stamp(value: str | None) -> Text:
    """Date and time of a stored instant, to the second."""
    return clock_time(value, "%Y-%m-%d %H:%M:%S")


# The names a stored detail's fields go by, in the chosen language (the stored keys stay).
DETAIL_KEYS = frozenset(
    (
        *(N_("batch_id"), N_("note"), N_("reason"), N_("error"), N_("licence_no"), N_("state"), N_("way")),
        *(N_("priority"), N_("category"), N_("outcome"), N_("deadline"), N_("total"), N_("declaration_no")),
        N_("quantity"),
    )
)


def detail_text(detail) -> Text:
    """A stored detail (JSON object, list or text) as one readable line of safe text."""
    if isinstance(detail, dict):
        return safe(", ".join(f"{_(k) if k in DETAIL_KEYS else k}: {v}" for k, v in detail.items()))
    if isinstance(detail, list):
        return safe(", ".join(map(str, detail)))
    return safe(detail or "")


def sparkline(counts: list[int], width: int = 12) -> Text:
    """The day's volume in `width` bars (hours pooled evenly)."""
    size = max(1, len(counts) // width)
    pooled = [sum(counts[i : i + size]) for i in range(0, len(counts), size)][:width]
    top = max(pooled, default=0)
    if not top:
        return Text(" " * len(pooled), style="dim")
    return Text("".join(BARS[0 if not n else max(1, round(n * 8 / top))] for n in pooled), style="cyan")


def deadline_style(minutes_left: int, settled: bool) -> str:
    """Colour of an urgent licence as its deadline nears; "due now" already alerts, as the
    deadline may have passed within that minute."""
    if settled:
        return "dim green"
    if minutes_left <= 0:
        return "bold red"
    if minutes_left <= WARN_MINUTES:
        return "yellow"
    return ""


def cut(text: Text | str, width: int) -> Text:
    """`text` in at most `width` terminal cells (a Chinese character takes two), cut at a
    character with ELLIPSIS when it does not fit; spans kept. Every table cell and every
    column of a detail line goes through here, so no column runs into the next."""
    text = Text(text) if isinstance(text, str) else text
    if text.cell_len <= width:
        return text.copy()
    room = width - cell_len(ELLIPSIS)
    if room < 0:
        return Text(ELLIPSIS[: max(0, width)], style=text.style, end="")
    used = end = 0
    for char in text.plain:
        size = get_character_cell_size(char)
        if used + size > room:
            break
        used, end = used + size, end + 1
    out = text[:end]
    out.append(ELLIPSIS)
    out.end = ""
    return out
