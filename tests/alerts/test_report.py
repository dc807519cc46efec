"""The shift report's `alerts` section (docs/operations.md) over (from, to]: raised, acknowledged,
and unacknowledged at the end (still waiting then: neither acknowledged nor closed)."""

from __future__ import annotations

from ediops.store import alerts as store
from ediops.store import write


def add(db, n: int, opened: str, *, acked: str | None = None, closed: str | None = None) -> None:
    store.insert(
        db,
        {
            "rule": "FEED_LATE",
            "code": "FEED_LATE",
            "subject": f"issuer:A{n}",
            "since": opened,
            "status": "closed" if closed else ("acknowledged" if acked else "open"),
            "opened_at": opened,
            "acknowledged_at": acked,
            "closed_at": closed,
        },
    )


def test_the_shift_reports_alerts(db, cli):
    day = "2000-10-09T{}:00+08:00".format
    with write(db):
        add(db, 1, day("01:00"), closed=day("02:00"))  # before the shift, closed unacknowledged: not counted
        add(db, 2, day("09:00"))  # raised in the shift, still waiting
        add(db, 3, day("09:30"), acked=day("10:00"))  # raised and acknowledged in it
        add(db, 4, day("07:00"), acked=day("16:30"))  # raised before, waiting at the end, acknowledged after
        add(db, 5, day("11:00"), closed=day("11:05"))  # raised in it, its cause gone: not waiting
    report = cli.json("report", "--from", day("08:00"), "--to", day("16:00"), "--format", "json")
    assert report["alerts"] == {"raised": 3, "acknowledged": 1, "unacknowledged": 2}
