"""The shift handover report (docs/operations.md): what happened in one of the centre's shifts
(settings `shift_starts`, e.g. 08:00, 16:00, 00:00 Shanghai) or between two instants, as one
object; text for reading out at the handover (times as the centre writes them, lines that fit
80 columns), CSV for a spreadsheet, JSON for scripts. Counts over (from, to]: an event at the
boundary belongs to the shift that ends there."""

from __future__ import annotations

from typing import TYPE_CHECKING

import csv
import io
import statistics
from datetime import datetime, time, timedelta

from ediops.clock import SHANGHAI, centre_time, iso
from ediops.i18n import _, language, when
from ediops.store import reads as reads_db

if TYPE_CHECKING:
    from ediops.config import Config
    from ediops.store import Database

SHIFT_STARTS = ("08:00", "16:00", "00:00")


def _starts(config: Config) -> list[time]:
    return sorted(time.fromisoformat(t) for t in config.settings.get("shift_starts") or SHIFT_STARTS)


def shift_of(config: Config, moment: datetime, *, back: int = 0) -> tuple[datetime, datetime]:
    """The shift `back` shifts before the one `moment` falls in: its (start, end) on the
    configured boundaries. A moment on a boundary is the end of the shift before ((from, to])."""
    local = moment.astimezone(SHANGHAI)
    bounds = sorted(
        datetime.combine(local.date() + timedelta(days=d), t, SHANGHAI)
        for d in range(-2 - back, 2)
        for t in _starts(config)
    )
    i = next(i for i, b in enumerate(bounds) if b >= local) - back
    return bounds[i - 1], bounds[i]


def of_shift(db: Database, config: Config, *, now: datetime, back: int = 0) -> dict:
    """The report of the shift running at `now` (back=0, up to `now`) or `back` shifts before it."""
    start, end = shift_of(config, now, back=back)
    return build(db, config, start=start, end=min(end, now), shift_end=end)


def build(
    db: Database, config: Config, *, start: datetime | None = None, end: datetime, shift_end: datetime | None = None
) -> dict:
    """The report over (start, end]; without `start`, the shift `end` falls in, up to `end`.
    `shift_end` (or the shift's own end) past `end` means the shift is still running."""
    if start is None:
        start, shift_end = shift_of(config, end)
    a, b = iso(start), iso(end)
    urgent = reads_db.shift_urgent(db, a, b, float(config.settings.get("urgent_deadline_minutes", 15)))
    minutes = [max(0.0, m) for m in urgent.pop("minutes")]  # a clock stepped back: no negative wait
    runs = reads_db.shift_window_runs(db, a, b)
    return {
        "from": a,
        "to": b,
        "ends": iso(shift_end) if shift_end and shift_end > end else None,
        "urgent": urgent
        | {
            "median_minutes": round(statistics.median(minutes), 1) if minutes else None,
            "max_minutes": round(max(minutes), 1) if minutes else None,
        },
        "feeds": {
            "late": reads_db.shift_finding_issuers(db, "FEED_LATE", a, b),
            "failing": reads_db.shift_finding_issuers(db, "FEED_UNREACHABLE", a, b),
        },
        "findings": reads_db.shift_findings(db, a, b),
        "tickets": reads_db.shift_tickets(db, a, b),
        "windows": {
            "runs": [{k: r[k] for k in ("window", "occurrence", "outcome")} for r in runs],
            "failed": [
                {k: r[k] for k in ("window", "occurrence", "outcome", "detail")}
                for r in runs
                if r["outcome"] == "failed"
            ],
        },
        "alerts": reads_db.shift_alerts(db, a, b),
        "operator_actions": reads_db.shift_operator_actions(db, a, b),
    }


def _counts(counts: dict) -> str:
    return ", ".join(f"{code} {n}" for code, n in counts.items()) or _("none")


def _minutes(value) -> str:
    return "-" if value is None else _("{minutes:g} min").format(minutes=value)


def _at(moment) -> str:
    """A time in the chosen language: 2000年10月9日 18:00, or 2000-10-09 18:00."""
    return when(moment) if language() == "zh" else centre_time(moment)


def title(report: dict) -> str:
    """ "Shift report 2026-12-07 08:00 to 16:00" (the end's date only when it differs), with
    "(so far; the shift ends 16:00)" while it runs."""
    start, end = centre_time(report["from"]), centre_time(report["to"])
    same_day = end[:10] == start[:10]
    head = _("Shift report {start} to {end}").format(
        start=_at(report["from"]), end=end[11:] if same_day else _at(report["to"])
    )
    if report.get("ends"):
        head += _(" (so far; ends {at})").format(at=centre_time(report["ends"])[11:])
    return head


def text(report: dict) -> list[str]:
    """Lines to read out, each short enough for 80 columns but for outside text (a reason),
    which the desk wraps; outside strings are cleaned by the caller's output."""
    u, f, t, w, al = report["urgent"], report["findings"], report["tickets"], report["windows"], report["alerts"]
    lines = [
        title(report),
        _("Urgent licences: {received} received, {accepted} accepted by customs, {overdue} overdue").format(**u),
        _("  receipt to acceptance: median {median}, max {max}").format(
            median=_minutes(u["median_minutes"]), max=_minutes(u["max_minutes"])
        ),
        _("Feeds late: {issuers}").format(issuers=", ".join(report["feeds"]["late"]) or _("none")),
        _("Feeds failing: {issuers}").format(issuers=", ".join(report["feeds"]["failing"]) or _("none")),
        _("Findings opened: {counts}").format(counts=_counts(f["opened"])),
        _("Findings resolved: {counts}").format(counts=_counts(f["resolved"])),
        _("Findings open at the end: {n}").format(n=f["open_at_end"]),
        _("Tickets: {opened} opened, {closed} closed, {open_at_end} open at the end").format(**t),
        _("Window runs: {runs}, failed: {failed}").format(runs=len(w["runs"]), failed=len(w["failed"])),
        *(
            _("  FAILED {window} {at}: {detail}")
            .format(window=r["window"], at=_at(r["occurrence"]), detail=r["detail"] or "")
            .rstrip()
            for r in w["failed"]
        ),
        _("Alerts: {raised} raised, {acknowledged} acknowledged, {unacknowledged} unacknowledged").format(**al),
        _("Operator actions: {n}").format(n=len(report["operator_actions"])),
        *(
            f"  {centre_time(a['at'])[11:]}  {a['by']}  {a['action']}  {a['subject'] or ''}"
            + (f"  ({a['reason']})" if a["reason"] else "")
            for a in report["operator_actions"]
        ),
    ]
    return lines


def _cell(value) -> object:
    """Outside text never becomes a spreadsheet formula (=, +, -, @ lead one)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


class _Writer:
    def __init__(self, out):
        self.writer = csv.writer(out, lineterminator="\n")

    def writerow(self, row) -> None:
        self.writer.writerow([_cell(v) for v in row])

    def writerows(self, rows) -> None:
        for row in rows:
            self.writerow(row)


def csv_text(report: dict) -> str:
    """One row per figure: section, item, value (a spreadsheet sorts and sums them)."""
    out = io.StringIO()
    writer = _Writer(out)
    writer.writerow(["section", "item", "value"])
    writer.writerows([["report", "from", report["from"]], ["report", "to", report["to"]]])
    for section in ("urgent", "tickets", "alerts"):
        writer.writerows([section, k, v] for k, v in report[section].items())
    for kind in ("late", "failing"):
        writer.writerows(["feeds", kind, code] for code in report["feeds"][kind])
    for kind in ("opened", "resolved"):
        writer.writerows([f"findings {kind}", code, n] for code, n in report["findings"][kind].items())
    writer.writerow(["findings", "open_at_end", report["findings"]["open_at_end"]])
    for r in report["windows"]["runs"]:
        writer.writerow(["window run", f"{r['window']} {r['occurrence']}", r["outcome"]])
    for a in report["operator_actions"]:
        reason = f" ({a['reason']})" if a["reason"] else ""
        writer.writerow(["operator action", a["at"], f"{a['by']} {a['action']} {a['subject'] or ''}".strip() + reason])
    return out.getvalue()
