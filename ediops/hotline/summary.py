"""The daily hotline summary: per category, the calls of the day and what is still open or
past its due time now. Shown on the desk and written as CSV for the day's report."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

from typing import TYPE_CHECKING

from ediops.clock import parse_instant
from ediops.hotline.settings import CATEGORIES
from ediops.store import tickets as tickets_db
from ediops.vocabulary import TICKET_ACTIVE

if TYPE_CHECKING:
    from ediops.store import Queryable

FIELDS = ("category", "opened", "resolved", "closed", "open", "past_due")


def daily_summary(db: Queryable, *, day: date, now: datetime) -> dict:
    """Counts per category (opened/resolved/closed that day; open and past due now) and the
    tickets past due, most overdue first."""
    rows = [tuple(t.values()) for t in tickets_db.for_summary(db)]
    prefix = day.isoformat()
    counts = {c: dict.fromkeys(FIELDS[1:], 0) for c in CATEGORIES}
    past_due = []
    for ticket_id, category, priority, status, opened, resolved, closed, due, caller, org, licence_no in rows:
        tally = counts.setdefault(category, dict.fromkeys(FIELDS[1:], 0))
        for field, at in (("opened", opened), ("resolved", resolved), ("closed", closed)):
            tally[field] += bool(at and at.startswith(prefix))
        if status in TICKET_ACTIVE:
            tally["open"] += 1
            if due and parse_instant(due) < now:
                tally["past_due"] += 1
                past_due.append(
                    {
                        "id": ticket_id,
                        "category": category,
                        "priority": priority,
                        "status": status,
                        "due_at": due,
                        "caller": caller,
                        "org": org,
                        "licence_no": licence_no,
                    }
                )
    past_due.sort(key=lambda t: parse_instant(t["due_at"]))
    categories = [{"category": c, **counts[c]} for c in counts]
    total = {"category": "total", **{f: sum(counts[c][f] for c in counts) for f in FIELDS[1:]}}
    return {"date": prefix, "at": now.isoformat(), "categories": categories, "total": total, "past_due": past_due}


def summary_csv(summary: dict) -> str:
    """One row per category and a total row (only counts: no outside text reaches the CSV)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=("date",) + FIELDS, lineterminator="\n")
    writer.writeheader()
    for row in summary["categories"] + [summary["total"]]:
        writer.writerow({"date": summary["date"], **row})
    return out.getvalue()
