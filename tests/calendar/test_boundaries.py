"""Date logic at the pinned instants of tests/calendar/pinned.py (`--now` for each process):
windows, reconciliation, tickets' ids and due times, the shift report and the inspection month
across the turn of a day, a month and a year, on a Sunday and at night."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from ediops.clock import parse_instant
from ediops.views.inspection import month_of
from tests.calendar.pinned import INSTANTS
from tests.support.records import batch, licence


@pytest.fixture(params=list(INSTANTS))
def instant(request):
    return parse_instant(INSTANTS[request.param])


def test_every_window_runs_next_after_the_instant(cli, instant):
    rows = cli.json("windows", "--json", now=instant.isoformat())
    for row in rows:
        upcoming = parse_instant(row["next_run"])
        if row["window"] == "archive":  # monthly: the 1st at 03:30
            assert instant < upcoming <= instant + timedelta(days=31), row
            assert (upcoming.day, upcoming.hour, upcoming.minute) == (1, 3, 30), row
            continue
        assert instant < upcoming <= instant + timedelta(days=1), row
    backup = next(r for r in rows if r["window"] == "backup")
    day = instant.date() if instant.time() < parse_instant("2000-01-01T02:30:00+08:00").time() else None
    expected = (day or instant.date() + timedelta(days=1)).isoformat() + "T02:30:00+08:00"
    assert backup["next_run"] == expected


def test_a_batch_just_before_the_instant_is_ingested_reconciled_and_reported(cli, instant, tmp_path):
    before = instant - timedelta(minutes=2)
    day = before.date()
    record = licence("00-AA-000001", issued_on=day.isoformat(), valid_from=day.isoformat(),
                     valid_to=(day + timedelta(days=60)).isoformat())  # fmt: skip
    path = tmp_path / "batch.json"
    path.write_text(json.dumps(batch(record, batch_id=f"AA-{day:%Y%m%d}-01", business_date=day.isoformat())))
    ack = cli.json("ingest", str(path), now=before.isoformat())
    assert ack["accepted"] == ["00-AA-000001"]
    assert cli("reconcile", now=instant.isoformat()).returncode == 0
    report = cli.json("report", "--format", "json", now=instant.isoformat())
    # the shift running now, so far (bundled shift_starts 00:00, 08:00, 16:00)
    shift_start = instant.replace(hour=instant.hour - instant.hour % 8, minute=0, second=0, microsecond=0)
    assert parse_instant(report["to"]) == instant and parse_instant(report["from"]) == shift_start
    assert cli.json("licence", "00-AA-000001", "--json", now=instant.isoformat())["licence_no"] == "00-AA-000001"


def test_a_ticket_opened_before_the_turn_keeps_its_day_and_is_due_after_it(cli, instant):
    opened_at = instant - timedelta(minutes=2)
    ticket_id = cli(
        "ticket", "new", "--caller", "Li", "--phone", "010-1234", "--org", "Port", "--category", "urgent",
        "--text", "at the gate", now=opened_at.isoformat(), check=True,
    ).stdout.strip()  # fmt: skip
    assert ticket_id.startswith(f"T-{opened_at:%Y%m%d}-")
    shown = cli.json("ticket", "show", ticket_id, "--json", now=instant.isoformat())
    assert parse_instant(shown["due_at"]) == opened_at + timedelta(minutes=15)  # urgent: 15 minutes


def test_the_inspection_month_is_the_shanghai_month(instant):
    assert month_of(instant) == f"{instant:%Y-%m}"
    assert month_of(instant.astimezone(parse_instant("2000-01-01T00:00:00+00:00").tzinfo)) == f"{instant:%Y-%m}"
