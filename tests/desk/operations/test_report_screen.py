"""The shift report on the desk: key R (shift+r) and the palette's "Shift report" open it; it
shows the same lines as `ediops report`; `,` steps back a shift."""

from __future__ import annotations

import pytest

from ediops import config as config_mod
from ediops.operations import report
from tests.desk.conftest import desk_db, make_app, press_and_settle, settle  # noqa: F401  (fixtures)
from tests.desk.fixtures import NOW


def _body(app) -> str:
    return str(app.screen.query_one("#report-body").render())


async def test_shift_r_opens_the_report_of_the_last_eight_hours(desk_db, make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await press_and_settle(pilot, "R")
        assert type(app.screen).__name__ == "ReportScreen"
        expected = report.text(report.build(desk_db, config_mod.load(), end=NOW))
        title = str(app.screen.query_one("#report-title").render())
        assert title == expected[0] and _body(app) == "\n".join(expected[1:])
        assert "Urgent licences:" in _body(app)
        await press_and_settle(pilot, "comma")
        earlier = report.text(report.build(desk_db, config_mod.load(), end=NOW - report.SHIFT))
        assert str(app.screen.query_one("#report-title").render()).startswith(earlier[0])
        await press_and_settle(pilot, "full_stop", "escape")
        assert type(app.screen).__name__ != "ReportScreen"


async def test_the_palette_opens_it_by_name(desk_db, make_app):
    app = make_app(role="viewer")  # reading the report is for every role
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await press_and_settle(pilot, "ctrl+p")
        await pilot.press(*"Shift report")
        await settle(pilot)
        await press_and_settle(pilot, "enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "ReportScreen"


@pytest.mark.parametrize("size", [(100, 30), (80, 24)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_snapshot(snap_compare, desk_db, make_app, size):
    async def run_before(pilot):
        await settle(pilot)
        await press_and_settle(pilot, "R")
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=size, run_before=run_before)
