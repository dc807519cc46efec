"""The home screen's header line: Shanghai time to the minute, next window and its countdown in
whole minutes, scheduler leader and its health, peer reachability."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.widgets import Static

from ediops.clock import SHANGHAI, parse_instant
from ediops.i18n import N_, _, ngettext
from ediops.views.dashboard import clock_minutes
from ..kit.safe import safe
from ..kit.widgets import show_text

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
        return Text(ngettext("{n} acked alert", "{n} acked alerts", acked).format(n=acked), style="yellow")
    text = Text(ngettext("! {n} alert", "! {n} alerts", waiting).format(n=waiting), style="bold red")
    if acked:
        text.append(_(" +{n} acked").format(n=acked), style="yellow")
    return text


def header_text(
    now: datetime, status: dict | None, peers: dict | None, alerts: dict | None = None, store: str | None = None
) -> Text:
    """Counts first, names last: at 80 columns the line is cut at its right end, so what is cut
    is a peer's or the leader's name, never a count. A new part goes in `parts` by its weight.
    `store`: why the store cannot write (docs/faults.md), said before anything else."""
    status = status or {}
    parts = [
        Text(_("{time} CST").format(time=now.astimezone(SHANGHAI).strftime("%H:%M")), style="bold"),
        Text(_("store cannot write: {why}").format(why=store), style="bold red") if store else None,
        alerts_count(alerts),  # first after the clock: it must survive a narrow terminal
        peers_text(peers),
        window_text(now, status.get("windows") or []),
        leader_text(status.get("leader")),
    ]
    if peers and peers["failing"]:
        parts.append(Text.assemble(_("failing: "), safe(", ".join(map(peer_name, peers["failing"])), "bold red")))
    return Text(SEP).join(p for p in parts if p is not None)


def peer_name(peer: str) -> str:
    """A peer as the store names it ("issuer AD", "customs", "ministry", "bureau 3100") in words."""
    kind, _space, code = peer.partition(" ")
    named = {
        "issuer": N_("issuer {code}"),
        "bureau": N_("bureau {code}"),
        "customs": N_("customs"),
        "ministry": N_("ministry"),
    }
    return _(named[kind]).format(code=code) if kind in named else peer


def peers_text(peers: dict | None) -> Text:
    if not peers or not peers["known"]:
        return Text(_("peers: no contact yet"), style="dim")
    ok = peers["known"] - len(peers["failing"])
    text = _("peers {ok}/{known} ok").format(ok=ok, known=peers["known"])
    return Text(text, style="yellow" if peers["failing"] else "green")


def window_text(now: datetime, windows: list[dict]) -> Text:
    upcoming = next_window(windows)
    if not upcoming:
        return Text(_("no window scheduled"), style="dim")
    window, when = upcoming
    minutes = clock_minutes(now, when)
    due = _(" in {n} min").format(n=minutes) if minutes > 0 else _(" now")
    return Text.assemble(_("next "), safe(window, "bold"), due)


def leader_text(leader: dict | None) -> Text:
    if not leader or not leader.get("holder"):
        return Text(_("no leader"), style="bold red")
    healthy = leader.get("healthy")
    state = (_(" ok"), "green") if healthy else (_(" STALE"), "bold red")
    return Text.assemble(_("leader "), safe(leader["holder"]), state)


class HeaderLine(Static):
    """Redrawn with each fetch (the app fetches at every minute tick), and only when its text
    changed: an idle desk writes nothing to a slow SSH link between two ticks."""

    def show(
        self, now: datetime, status: dict, peers: dict, alerts: dict | None = None, store: str | None = None
    ) -> None:
        show_text(self, header_text(now, status, peers, alerts, store), layout=False)  # one line, full width


def trouble_text(failing: list[dict], channels: list[dict], now: datetime) -> Text:
    """What is down, in words, for the line under the header: each failing peer with since when
    and the licences waiting on it (customs first), then each alert channel that fails or is
    not set. Empty when all is well (the line then takes no room)."""
    parts = []
    for peer in failing:
        part = Text.assemble((safe(peer_name(peer["peer"])).plain, "bold red"), (" " + _("DOWN"), "bold red"))
        part.append(" " + _("since {at}").format(at=_hhmm(peer["since"], now)))
        if peer.get("waiting"):
            waiting = ngettext("{n} licence waits", "{n} licences wait", peer["waiting"]).format(n=peer["waiting"])
            part.append(": " + waiting, style="bold")
        parts.append(part)
    for channel in channels:
        if channel["state"] == "failing":
            parts.append(
                Text.assemble(
                    _("alert channel") + " ", (safe(channel["name"]).plain, "bold yellow"), " " + _("failing")
                )
                + Text(" " + _("since {at}").format(at=_hhmm(channel["at"], now)))
            )
        elif channel["state"] == "not set":
            parts.append(
                Text.assemble(_("alert channel") + " ", (safe(channel["name"]).plain, "yellow"), " " + _("not set"))
            )
    return Text(" · ").join(parts)


def _hhmm(value, now: datetime) -> str:
    """HH:MM on `now`'s day, else MM-DD HH:MM."""
    at = _instant(value).astimezone(SHANGHAI)
    return at.strftime("%H:%M" if at.date() == now.astimezone(SHANGHAI).date() else "%m-%d %H:%M")


class TroubleLine(Static):
    """The line under the header that names what is down; hidden while nothing is."""

    def show(self, now: datetime, failing: list[dict], channels: list[dict]) -> None:
        text = trouble_text(failing, channels, now)
        self.display = bool(text.plain)
        show_text(self, text)
