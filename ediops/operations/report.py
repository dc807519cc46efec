"""The shift handover report (contract §14): what happened between two instants (default the
last 8 hours), as one object; text for reading out at the handover, CSV for a spreadsheet,
JSON for scripts. Counts over (from, to]: an event at the boundary belongs to the shift that
ends there."""

from __future__ import annotations

from typing import TYPE_CHECKING

import csv
import io
import statistics
from datetime import datetime, timedelta

from ediops.clock import iso
from ediops.store import views as views_db

if TYPE_CHECKING:
    from ediops.config import Config
    from ediops.store import Database

SHIFT = timedelta(hours=8)


def build(db: Database, config: Config, *, start: datetime | None = None, end: datetime) -> dict:
    start = start if start is not None else end - SHIFT
    a, b = iso(start), iso(end)
    urgent = views_db.shift_urgent(db, a, b, float(config.settings.get("urgent_deadline_minutes", 15)))
    minutes = urgent.pop("minutes")
    runs = views_db.shift_window_runs(db, a, b)
    return {
        "from": a,
        "to": b,
        "urgent": urgent
        | {
            "median_minutes": round(statistics.median(minutes), 1) if minutes else None,
            "max_minutes": round(max(minutes), 1) if minutes else None,
        },
        "feeds": {
            "late": views_db.shift_finding_issuers(db, "FEED_LATE", a, b),
            "failing": views_db.shift_finding_issuers(db, "FEED_UNREACHABLE", a, b),
        },
        "findings": views_db.shift_findings(db, a, b),
        "tickets": views_db.shift_tickets(db, a, b),
        "windows": {
            "runs": [{k: r[k] for k in ("window", "occurrence", "outcome")} for r in runs],
            "failed": [
                {k: r[k] for k in ("window", "occurrence", "outcome", "detail")}
                for r in runs
                if r["outcome"] == "failed"
            ],
        },
        "alerts": views_db.shift_alerts(db, a, b),
        "operator_actions": views_db.shift_operator_actions(db, a, b),
    }


def _counts(counts: dict) -> str:
    return ", ".join(f"{code} {n}" for code, n in counts.items()) or "none"


def _minutes(value) -> str:
    return "-" if value is None else f"{value:g} min"


def text(report: dict) -> list[str]:
    """Lines to read out; outside strings are cleaned by the caller's output."""
    u, f, t, w, al = report["urgent"], report["findings"], report["tickets"], report["windows"], report["alerts"]
    lines = [
        f"Shift report {report['from']} to {report['to']}",
        f"Urgent licences: {u['received']} received, {u['accepted']} accepted by customs, {u['overdue']} overdue; "
        f"receipt to acceptance median {_minutes(u['median_minutes'])}, max {_minutes(u['max_minutes'])}",
        f"Feeds late: {', '.join(report['feeds']['late']) or 'none'}; failing: {', '.join(report['feeds']['failing']) or 'none'}",
        f"Findings opened: {_counts(f['opened'])}",
        f"Findings resolved: {_counts(f['resolved'])}",
        f"Findings open at the end: {f['open_at_end']}",
        f"Tickets: {t['opened']} opened, {t['closed']} closed, {t['open_at_end']} open at the end",
        f"Window runs: {len(w['runs'])}, failed: {len(w['failed'])}",
        *(f"  FAILED {r['window']} {r['occurrence']}: {r['detail'] or ''}".rstrip() for r in w["failed"]),
        f"Alerts: {al['raised']} raised, {al['acknowledged']} acknowledged, {al['unacknowledged']} unacknowledged",
        f"Operator actions: {len(report['operator_actions'])}",
        *(
            f"  {a['at']}  {a['by']}  {a['action']}  {a['subject'] or ''}{'  (' + a['reason'] + ')' if a['reason'] else ''}"
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
