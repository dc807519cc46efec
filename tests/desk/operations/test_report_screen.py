"""The shift report on the desk: key R (shift+r) and the palette's "Shift report" open it; it
shows the same lines as `ediops report`; `,` steps back a shift."""

from __future__ import annotations

import pytest

from ediops import config as config_mod
from ediops.operations import report
from tests.desk.conftest import make_app, press_and_settle, settle  # noqa: F401  (fixtures)
from tests.desk.fixtures import NOW


def _body(app) -> str:
    return str(app.screen.query_one("#report-body").render())


async def test_shift_r_opens_the_report_of_the_running_shift_and_steps_by_shifts(desk_db, make_app):
    """The centre's shifts (08:00, 16:00, 00:00): at 18:00 the report is 16:00 so far, `,` the
    day shift 08:00-16:00 whole; the title is never clipped at 80 columns and `.` is always in
    the footer (issue 24, item 7: bd3460d showed a rolling 8 hours, clipped, without `.`)."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press_and_settle(pilot, "R")
        assert type(app.screen).__name__ == "ReportScreen"
        expected = report.text(report.of_shift(desk_db, config_mod.load(), now=NOW))
        title = app.screen.query_one("#report-title")
        assert str(title.render()) == expected[0] == "Shift report 2000-10-09 16:00 to 18:00 (so far; ends 00:00)"
        assert title.region.width <= 80 and title.region.height >= 1
        assert _body(app) == "\n".join(expected[1:])
        assert "Urgent licences:" in _body(app)
        footer = str(app.screen.query_one("KeyBar").render())
        assert ", Shift before" in footer and ". Shift after" in footer
        await press_and_settle(pilot, "comma")
        assert str(title.render()) == "Shift report 2000-10-09 08:00 to 16:00"
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
